"""The database, instance files and uploads are readable by the service account only.

The attack (issue 14, finding 12): another local account read ``instance/ssp.sqlite``,
the uploads and the job files (all 0644). Every test runs with the permissive umask
022 that made them so: folders must come out 0700 and files 0600 anyway.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dashboard import create_app, ids
from dashboard.state import app_state
from data.storage.db import unit_of_work
from data.storage.jobs import JobProgress, progress_file, start_job
from data.storage.setup import initialise_database
from tests.clock import TEST_TODAY
from tests.integration.test_import_page import CHECK_IN, csv_upload, start, upload, wait

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.fixture(autouse=True)
def open_umask() -> Iterator[None]:
    """The usual umask (files 0644, folders 0755 unless the code says otherwise)."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def modes(folder: Path) -> dict[str, int]:
    """Every path under ``folder`` (and itself) with its permission bits."""
    found = {".": stat.S_IMODE(folder.stat().st_mode)}
    for path in folder.rglob("*"):
        found[str(path.relative_to(folder))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def open_to_others(folder: Path) -> dict[str, str]:
    """Paths under ``folder`` that anyone but the owner may read, write or enter."""
    return {name: oct(mode) for name, mode in modes(folder).items() if mode & 0o077}


def run_cli(instance: Path, *args: str) -> None:
    """``flask --app wsgi ssp …`` in a process of its own, as ``make run`` does."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    env.update({"SSP_INSTANCE_PATH": str(instance), "SSP_TODAY": TEST_TODAY.isoformat()})
    subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "ssp", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )  # the child inherits the umask that ``open_umask`` set


def test_init_db_and_the_demo_leave_nothing_readable_by_others(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    run_cli(instance, "init-db")
    assert {"ssp.sqlite", "secret_key"} <= set(os.listdir(instance))
    assert open_to_others(instance) == {}
    run_cli(instance, "demo", "--days", "14")
    assert (instance / "demo-password.txt").exists()
    assert open_to_others(instance) == {}
    assert modes(instance)["."] == 0o700
    assert modes(instance)["ssp.sqlite"] == 0o600


def test_sqlite_wal_and_shm_files_are_private_while_the_app_runs(tmp_path: Path) -> None:
    app = create_app({"SSP_INSTANCE_PATH": str(tmp_path / "i"), "SECRET_KEY": "k" * 32})
    engine = app_state(app).engine
    initialise_database(engine)
    with engine.connect() as connection:  # an open connection keeps -wal and -shm
        connection.exec_driver_sql("SELECT count(*) FROM category").scalar()
        present = set(os.listdir(tmp_path / "i"))
        assert {"ssp.sqlite-wal", "ssp.sqlite-shm"} <= present
        assert open_to_others(tmp_path / "i") == {}
    engine.dispose()


def test_files_an_older_version_left_open_are_closed_when_the_app_starts(
    tmp_path: Path,
) -> None:
    instance = tmp_path / "old"
    (instance / "uploads").mkdir(parents=True)
    instance.chmod(0o755)
    with closing(sqlite3.connect(instance / "ssp.sqlite")) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE t (x)")
        db.commit()
        for name in ("ssp.sqlite", "ssp.sqlite-wal", "ssp.sqlite-shm"):
            if (instance / name).exists():
                (instance / name).chmod(0o644)
        for name in ("secret_key", "demo-password.txt", "uploads/u1234.csv"):
            (instance / name).write_text("x\n", encoding="utf-8")
            (instance / name).chmod(0o644)
        before = open_to_others(instance)
        assert {".", "ssp.sqlite", "secret_key", "uploads/u1234.csv"} <= set(before)
        create_app({"SSP_INSTANCE_PATH": str(instance)})
    assert open_to_others(instance) == {}


@pytest.fixture
def coordinator(client_as: Callable[[str], FlaskClient]) -> FlaskClient:
    return client_as("samordnare")


def test_an_upload_its_check_and_the_job_files_are_private(
    app: Flask, coordinator: FlaskClient
) -> None:
    instance = Path(app.instance_path)
    text = "datum;omrade;kategori;kalla;antal\n" + f"{TEST_TODAY};0380-D05;vald;skola;1\n" * 3
    answer = upload(coordinator, app, csv_upload(text), "fil.csv")
    token = answer[ids.IMPORT_TOKEN]["data"]
    assert token
    uploads = instance / "uploads"
    assert (uploads / token).exists()
    assert open_to_others(instance) == {}

    mapping = {"datum": 0, "omrade": 1, "kategori": 2, "kalla": 3, "antal": 4}
    job = start(coordinator, app, CHECK_IN, token, mapping)[ids.IMPORT_JOB]["data"]
    wait(coordinator, app, job, token)
    assert list(uploads.glob("*.check.json"))
    assert open_to_others(instance) == {}

    # A running job's progress side file (removed when the job finishes).
    with unit_of_work(app_state(app).sessions) as session:
        job_id = start_job(session, kind="test", user_id=None)
    JobProgress(app_state(app).sessions, job_id, uploads)(0.5, "Halvvägs")
    assert progress_file(uploads, job_id).exists()
    assert open_to_others(instance) == {}
