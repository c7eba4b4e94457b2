"""Shared fixtures: one demo app per test session, and engines on SQLite and PostgreSQL.

Time: the whole session runs on a frozen clock (``tests/clock.py``: ``SSP_TEST_TODAY``,
default 2026-12-02) and the demo ends that day, so no test depends on the real date.

Isolation: the demo database is built once as a template; every test that uses the
demo app gets a private copy of it (SQLite's backup API), so what one test writes no
other test sees, and the suite passes in any order (``pytest-randomly``).

PostgreSQL tests use ``TEST_DATABASE_URL`` (``make test`` sets it when the server
answers). Each test database lives in its own schema, created and dropped here.
Redis tests (counters shared by workers and nodes) use ``TEST_REDIS_URL`` (default
``redis://127.0.0.1:6379/15``), each under a key prefix of its own that is deleted
afterwards. Outside CI a missing server or a missing ``../shared`` skips with a
reason; in CI (``CI=true``) the same absence fails the test instead.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from limits.storage import MemoryStorage
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import Engine, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from dashboard import create_app
from dashboard.ratelimit import rate_limiter
from dashboard.state import app_state
from dashboard.throttle import LoginThrottle
from data.access.tokens import create_token
from data.counts.cube import CountCube, CubeCache, build_cube
from data.demo.build import build_demo
from data.storage.db import make_engine, make_session_factory, unit_of_work
from data.storage.setup import initialise_database
from tests.clock import DATE_SENSITIVE, TEST_NOW, TEST_TODAY
from tests.helpers import login

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "") or "redis://127.0.0.1:6379/15"
"""Redis for the shared-counter tests: database 15, never 0; keys under a test prefix."""
DEMO_PASSWORD = "testlösenord-" + "x" * 8
DEMO_SEED = 2026
TEMPLATE = "ssp-test-template"


BROWSER_RERUNS = 2
"""How often a failed real-browser test runs again before it counts as failed."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests of the modules in ``DATE_SENSITIVE`` (run at every test date), and
    let a failed real-browser test run again up to ``BROWSER_RERUNS`` times
    (pytest-rerunfailures; each rerun is reported as ``R``). Headless Chromium on a
    loaded two-core CI machine now and then misses a wait (a WebGL map that draws
    late, a callback round trip beyond its timeout) although nothing is wrong; a test
    that fails for a reason fails every run and still fails the suite."""
    reruns = config.pluginmanager.hasplugin("rerunfailures")  # off with -p no:rerunfailures
    for item in items:
        if item.nodeid.split("::", 1)[0] in DATE_SENSITIVE:
            item.add_marker(pytest.mark.date_sensitive)
        if reruns and item.get_closest_marker("browser") and not item.get_closest_marker("flaky"):
            item.add_marker(pytest.mark.flaky(reruns=BROWSER_RERUNS, reruns_delay=2))


def pytest_report_header() -> str:
    return f"test date (SSP_TEST_TODAY): {TEST_TODAY.isoformat()}"


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


@pytest.fixture
def redis_prefix() -> Iterator[tuple[str, str]]:
    """``(TEST_REDIS_URL, prefix)``: a Redis that answers and a key prefix of this test's
    own; its keys (and only those) are deleted afterwards. Like PostgreSQL: a missing
    server skips with a reason, except in CI, where it fails."""
    client = Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except RedisError as error:
        client.close()
        require(False, f"Redis at {TEST_REDIS_URL} did not answer: {error}")
    prefix = f"ssp-test-{secrets.token_hex(6)}"
    try:
        yield TEST_REDIS_URL, prefix
    finally:
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)
        client.close()


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
def pg_engine() -> Iterator[Engine]:
    """An empty, migrated PostgreSQL database only, for tests of PostgreSQL's own
    behaviour (they neither skip on nor repeat the SQLite parameter of ``engine``)."""
    for eng in _postgres_engine():
        initialise_database(eng)
        yield eng


@pytest.fixture
def raw_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty SQLite file without any schema (for migration tests)."""
    eng = make_engine(f"sqlite:///{tmp_path / 'raw.sqlite'}")
    yield eng
    eng.dispose()


@pytest.fixture(scope="session", autouse=True)
def frozen_clock() -> Iterator[date]:
    """Freeze the system clock at noon of ``TEST_TODAY`` (Swedish time) for the session.

    It ticks on from there, so durations and timeouts still work; the date is the
    test date whatever day the suite runs."""
    with time_machine.travel(TEST_NOW, tick=True):
        yield TEST_TODAY


@dataclass
class DemoTemplate:
    """The demo database built once, and the count cube of its version."""

    path: Path
    cube: CountCube


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a SQLite database consistently (the backup API also takes the WAL)."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def reset_rate_limits(flask_app: Flask) -> None:
    """Empty the app's in-memory rate limits (a Redis is never flushed wholesale)."""
    limiter = rate_limiter(flask_app)
    if isinstance(limiter.storage, MemoryStorage):
        limiter.reset()


@contextmanager
def private_database(flask_app: Flask, template: DemoTemplate, folder: Path) -> Iterator[None]:
    """Run one test on a private copy of ``template``: its own engine, cube cache, login
    throttle, empty rate limits and instance folder (uploads). The cached cube is reused (same data
    version), so reading tests do not rebuild it; a test that writes bumps the version
    and rebuilds its own."""
    state = app_state(flask_app)
    saved = (state.engine, state.sessions, state.cubes, state.login_throttle)
    saved_instance = flask_app.instance_path
    folder.mkdir(parents=True, exist_ok=True)
    # Uploads and job side files live in the instance folder: one per test as well.
    flask_app.instance_path = str(folder / "instance")
    copy = folder / "ssp.sqlite"
    copy_sqlite(template.path, copy)
    engine = make_engine(f"sqlite:///{copy}")
    state.engine, state.sessions = engine, make_session_factory(engine)
    state.cubes = CubeCache(_cube=template.cube)
    state.login_throttle = LoginThrottle()
    reset_rate_limits(flask_app)
    try:
        yield
    finally:
        state.engine, state.sessions, state.cubes, state.login_throttle = saved
        flask_app.instance_path = saved_instance
        engine.dispose()


@contextmanager
def postgres_database() -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database of its own, dropped afterwards."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    require(bool(url), "TEST_DATABASE_URL is not set (no PostgreSQL on 127.0.0.1:5432)")
    name = f"ssp_test_{secrets.token_hex(6)}"
    admin = make_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def postgres_demo_app(folder: Path, *, days: int) -> Iterator[Flask]:
    """A demo app of ``days`` days on a PostgreSQL database of its own (dropped
    afterwards); a module fixture's app, each test then runs on a copy
    (:func:`private_postgres`)."""
    with postgres_database() as url:
        pg_app = create_app(
            {
                "SSP_INSTANCE_PATH": str(folder),
                "DATABASE_URL": url,
                "SECRET_KEY": secrets.token_hex(16),
                "SSP_DEMO": True,
                "TESTING": True,
            }
        )
        state = app_state(pg_app)
        try:
            initialise_database(state.engine)
            with unit_of_work(state.sessions) as session:
                build_demo(session, end=TEST_TODAY, password=DEMO_PASSWORD, days=days)
            yield pg_app
        finally:
            state.engine.dispose()  # before the database is dropped


@contextmanager
def private_postgres(flask_app: Flask) -> Iterator[None]:
    """Run one test of a PostgreSQL-backed app on a private copy of its database.

    PostgreSQL copies a database file by file (``CREATE DATABASE … TEMPLATE``), as the
    SQLite tests copy theirs; the app's own database is the template and is never
    written by a test. A transaction rolled back per test would not do: the app's
    request session and a form's unit of work are separate sessions."""
    state = app_state(flask_app)
    saved = (state.engine, state.sessions, state.cubes, state.login_throttle)
    template = state.engine.url
    state.engine.dispose()  # a template database must have no open connections
    copy = f"ssp_test_{secrets.token_hex(6)}"
    admin = make_engine(
        template.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{copy}" TEMPLATE "{template.database}"'))
    engine = make_engine(template.set(database=copy).render_as_string(hide_password=False))
    state.engine, state.sessions = engine, make_session_factory(engine)
    state.cubes = CubeCache()
    state.login_throttle = LoginThrottle()
    reset_rate_limits(flask_app)
    try:
        yield
    finally:
        state.engine, state.sessions, state.cubes, state.login_throttle = saved
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)'))
        admin.dispose()


def sqlite_template(flask_app: Flask, folder: Path) -> DemoTemplate:
    """Turn ``flask_app``'s freshly built SQLite database into a template."""
    state = app_state(flask_app)
    with state.sessions() as session:
        cube = build_cube(session, today=TEST_TODAY)
    state.engine.dispose()
    url = state.engine.url
    assert url.database, "the template must be a SQLite file"
    template = folder / "template.sqlite"
    copy_sqlite(Path(url.database), template)
    return DemoTemplate(template, cube)


@pytest.fixture(autouse=True)
def _isolated_demo(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[None]:
    """Give every test that uses the demo ``app`` a private copy of its database."""
    if "app" not in request.fixturenames:
        yield
        return
    flask_app: Flask = request.getfixturevalue("app")
    template: DemoTemplate | None = flask_app.extensions.get(TEMPLATE)
    if template is None:  # a module's own ``app`` fixture, not the demo app
        yield
        return
    with private_database(flask_app, template, tmp_path):
        yield


@pytest.fixture(scope="session")
def demo_end() -> date:
    """The demo ends today, like ``ssp demo`` does, so quick periods have data."""
    return TEST_TODAY


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
            "REDIS_URL": "",  # per-process limits, reset per test (never a developer's Redis)
        }
    )
    state = app_state(flask_app)
    initialise_database(state.engine)
    with unit_of_work(state.sessions) as session:
        build_demo(session, end=demo_end, password=DEMO_PASSWORD, seed=DEMO_SEED)
    flask_app.extensions[TEMPLATE] = sqlite_template(flask_app, instance)
    return flask_app


@pytest.fixture(scope="session")
def demo_template(app: Flask) -> DemoTemplate:
    """The demo app's template database (each test runs on a copy of it)."""
    template: DemoTemplate = app.extensions[TEMPLATE]
    return template


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


@pytest.fixture
def coordinator_token(app: Flask) -> str:
    """A bearer token of the demo coordinator (in the test's private database)."""
    with unit_of_work(app_state(app).sessions) as session:
        _token, secret = create_token(session, "samordnare", label="tests")
    return secret


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory on the parametrised engine."""
    return make_session_factory(engine)
