"""Kill test: an import killed (SIGKILL) mid-way leaves the database exactly as before."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from data.demo.build import build_demo
from data.storage.db import make_engine, make_session_factory, unit_of_work
from data.storage.models import Observation
from data.storage.setup import initialise_database
from tests.clock import TEST_TODAY
from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]
ROWS = 150_000


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated demo database the subprocess can reach by URL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'kill.sqlite'}"
        schema = None
    else:
        base = os.environ.get("TEST_DATABASE_URL", "")
        require(bool(base), "TEST_DATABASE_URL is not set (no PostgreSQL on 127.0.0.1:5432)")
        schema = f"kill_{secrets.token_hex(6)}"
        admin = make_engine(base)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{base}?options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    initialise_database(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        build_demo(session, end=TEST_TODAY, password="kill-test-123", days=30)
    engine.dispose()
    yield url
    if schema is not None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def big_csv(path: Path) -> Path:
    day = (TEST_TODAY - timedelta(days=2)).isoformat()
    with path.open("w", encoding="utf-8") as handle:
        handle.write("datum;tid;omrade;kategori;kalla;antal\n")
        for i in range(ROWS):
            handle.write(f"{day};kväll;0380-D{1 + i % 24:02d};samling;fritid;{1 + i % 3}\n")
    return path


def rows_in(url: str) -> int:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            return int(session.scalar(select(func.count()).select_from(Observation)) or 0)
    finally:
        engine.dispose()


def test_sigkill_mid_import_leaves_the_database_unchanged(
    database_url: str, tmp_path: Path
) -> None:
    path = big_csv(tmp_path / "stor.csv")
    before = rows_in(database_url)
    # The subprocess runs on the real clock unless told the test date (its app clock).
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SSP_INSTANCE_PATH": str(tmp_path / "inst"),
        "SSP_TODAY": TEST_TODAY.isoformat(),
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "ssp", "import-observations"]
    process = subprocess.Popen(
        [*command, "--progress", str(path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Wait until the import is well into writing (rows are written in chunks of
    # 5,000 as they are validated), then kill it without warning.
    assert process.stderr is not None
    deadline = time.monotonic() + 120
    for line in process.stderr:
        reached = int("".join(c for c in line.split("(")[0] if c.isdigit()) or 0)
        if line.startswith("Importerar rad") and reached >= ROWS // 2:
            break
        assert time.monotonic() < deadline, "the import made no progress"
    assert process.poll() is None, "the import finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    process.stderr.close()
    assert rows_in(database_url) == before
    # And the same file imports completely when left alone.
    done = subprocess.run(
        [*command, str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert rows_in(database_url) == before + ROWS
