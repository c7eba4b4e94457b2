"""Shared fixtures: one demo app per test session, and engines on SQLite and PostgreSQL.

PostgreSQL tests use ``TEST_DATABASE_URL`` (``make test`` sets it when the server
answers). Each test database lives in its own schema, created and dropped here.
Outside CI a missing server or a missing ``../shared`` skips with a reason; in CI
(``CI=true``) the same absence fails the test instead.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, delete, text
from sqlalchemy.orm import Session, sessionmaker

from dashboard import create_app
from dashboard.state import app_state
from data.access.tokens import create_token
from data.demo.build import build_demo
from data.storage.db import make_engine, make_session_factory, unit_of_work
from data.storage.models import ApiToken
from data.storage.setup import initialise_database
from tests.helpers import login

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
IN_CI = os.environ.get("CI", "").lower() == "true"
DEMO_PASSWORD = "testlösenord-" + "x" * 8
DEMO_SEED = 2026


def require(condition: bool, reason: str) -> None:
    """Skip with ``reason`` on a developer machine; fail in CI, where it must run."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} — CI must run this test, not skip it")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public data beside the project (``../shared/data``)."""
    require(SHARED_DATA.is_dir(), f"../shared/data not found at {SHARED_DATA}")
    return SHARED_DATA


@contextmanager
def postgres_schema() -> Iterator[tuple[str, str]]:
    """``(TEST_DATABASE_URL, name)`` of a fresh PostgreSQL schema, dropped afterwards."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    require(bool(url), "TEST_DATABASE_URL is not set (no PostgreSQL on 127.0.0.1:5432)")
    schema = f"test_{secrets.token_hex(6)}"
    admin = make_engine(url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # the server is configured but does not answer
        admin.dispose()
        require(False, f"PostgreSQL at TEST_DATABASE_URL did not answer: {error}")
    try:
        yield url, schema
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _postgres_engine() -> Iterator[Engine]:
    with postgres_schema() as (url, schema):
        engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
        try:
            yield engine
        finally:
            engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty, migrated database on each backend."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'test.sqlite'}")
        initialise_database(eng)
        yield eng
        eng.dispose()
        return
    for eng in _postgres_engine():
        initialise_database(eng)
        yield eng


@pytest.fixture
def raw_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty SQLite file without any schema (for migration tests)."""
    eng = make_engine(f"sqlite:///{tmp_path / 'raw.sqlite'}")
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def demo_end() -> date:
    """The demo ends today, like ``ssp demo`` does, so quick periods have data."""
    return date.today()


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory, demo_end: date) -> Flask:
    """The one app of the test session, on a SQLite demo database."""
    instance = tmp_path_factory.mktemp("instance")
    flask_app = create_app(
        {
            "SSP_INSTANCE_PATH": str(instance),
            "DATABASE_URL": f"sqlite:///{instance / 'ssp.sqlite'}",
            "SECRET_KEY": secrets.token_hex(16),
            "SSP_DEMO": True,
            "TESTING": True,
        }
    )
    state = app_state(flask_app)
    initialise_database(state.engine)
    with unit_of_work(state.sessions) as session:
        build_demo(session, end=demo_end, password=DEMO_PASSWORD, seed=DEMO_SEED)
    return flask_app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A fresh, anonymous test client."""
    return app.test_client()


@pytest.fixture
def client_as(app: Flask) -> Callable[[str], FlaskClient]:
    """Return a function giving a client logged in as a demo account."""

    def _login(username: str) -> FlaskClient:
        test_client = app.test_client()
        response = login(test_client, username, DEMO_PASSWORD)
        assert response.status_code == 302, f"login as {username} failed"
        return test_client

    return _login


@pytest.fixture(scope="module")
def coordinator_token(app: Flask) -> Iterator[str]:
    """A bearer token of the demo coordinator for one test module, deleted afterwards."""
    state = app_state(app)
    with unit_of_work(state.sessions) as session:
        token, secret = create_token(session, "samordnare", label="tests")
        token_id = token.id
    yield secret
    with unit_of_work(state.sessions) as session:
        session.execute(delete(ApiToken).where(ApiToken.id == token_id))


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory on the parametrised engine."""
    return make_session_factory(engine)
