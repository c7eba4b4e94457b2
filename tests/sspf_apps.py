"""Apps for the SSPF tear-up tests (issue 18): the real app on a demo database of its
own, with Redis for the rate limits and the login throttle (keys under a prefix of the
test's own), on SQLite (a copy of the session's demo template, the app's real file
database) or PostgreSQL (a database of its own, copied per test)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from redis import Redis
from redis.exceptions import RedisError

from dashboard import create_app
from dashboard.state import app_state
from data.consent.crypto import KEY_FILE
from data.demo.build import build_demo
from data.storage.db import unit_of_work
from data.storage.private_files import write_private
from data.storage.setup import initialise_database
from tests.clock import TEST_TODAY
from tests.conftest import (
    DEMO_PASSWORD,
    TEST_REDIS_URL,
    DemoTemplate,
    copy_sqlite,
    postgres_database,
    require,
)


@contextmanager
def redis_prefix_for_module() -> Iterator[str]:
    """A Redis key prefix of this module's own (its keys deleted afterwards); skips
    without a Redis, except in CI."""
    client = Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except RedisError as error:
        client.close()
        require(False, f"Redis at {TEST_REDIS_URL} did not answer: {error}")
    prefix = f"ssp-test-sspf-{secrets.token_hex(6)}"
    try:
        yield prefix
    finally:
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)
        client.close()


def _config(folder: Path, url: str, prefix: str) -> dict[str, object]:
    return {
        "SSP_INSTANCE_PATH": str(folder / "instance"),
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(16),
        "SSP_DEMO": True,
        "TESTING": True,
        "REDIS_URL": TEST_REDIS_URL,
        "SSP_REDIS_PREFIX": prefix,
    }


def sqlite_case_app(template: DemoTemplate, folder: Path, prefix: str) -> Flask:
    """The app on a private copy of the demo database (``folder/ssp.sqlite``), its
    instance folder ``folder/instance``: everything it writes is under ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "ssp.sqlite"
    copy_sqlite(template.path, database)
    return create_app(_config(folder, f"sqlite:///{database}", prefix))


@contextmanager
def postgres_case_app(folder: Path, prefix: str, *, days: int = 21) -> Iterator[Flask]:
    """The app on a PostgreSQL demo database of its own (dropped afterwards); each test
    then runs on a copy (:func:`tests.conftest.private_postgres`)."""
    with postgres_database() as url:
        pg_app = create_app(_config(folder, url, prefix))
        state = app_state(pg_app)
        try:
            initialise_database(state.engine)
            with unit_of_work(state.sessions) as session:
                build_demo(session, end=TEST_TODAY, password=DEMO_PASSWORD, days=days)
            yield pg_app
        finally:
            state.engine.dispose()


@contextmanager
def own_instance(flask_app: Flask, folder: Path) -> Iterator[Path]:
    """Point the app's instance folder (uploads, case files, disposal log) at
    ``folder`` for one test, with the app's ``case.key`` (the web layer holds the
    cipher it loaded at start; ``ssp`` commands load it from the folder)."""
    saved = flask_app.instance_path
    folder.mkdir(parents=True, exist_ok=True)
    key = Path(saved) / KEY_FILE  # the app's case key, as the command line reads it
    if key.exists():
        write_private(folder / KEY_FILE, key.read_text("ascii"))
    flask_app.instance_path = str(folder)
    try:
        yield folder
    finally:
        flask_app.instance_path = saved
