"""Import jobs: progress and outcome in the database, so any worker can report them."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from data.access.audit import Actor, record
from data.storage.db import SQLITE_BUSY_MS, unit_of_work
from data.storage.models import ImportJob, User, utcnow
from data.storage.private_files import write_private

JOB_ADDRESS = "bakgrundsjobb"
"""The audit log's address for what a background job records (it has no client)."""
MIN_UPDATE_SECONDS = 0.3
"""Progress is written at most this often (and on every change of step)."""
SQLITE_WAIT_MS = 50


@dataclass(frozen=True, slots=True)
class JobStatus:
    """What the UI shows about a job."""

    id: str
    status: str
    progress: float
    step: str
    messages: tuple[str, ...]


def start_job(session: Session, *, kind: str, user_id: int | None) -> str:
    """Create a running job in the caller's unit of work; return its id."""
    job_id = secrets.token_hex(16)
    session.add(
        ImportJob(
            id=job_id,
            kind=kind,
            status="running",
            progress=0.0,
            step="Startar",
            messages="[]",
            created_by_id=user_id,
        )
    )
    session.flush()
    return job_id


def progress_file(folder: Path, job_id: str) -> Path:
    """The side file that carries a running job's progress on this machine."""
    return folder / f"{job_id}.progress.json"


def pid_file(folder: Path, job_id: str) -> Path:
    """The side file naming the process that runs a job on this machine."""
    return folder / f"{job_id}.pid"


def _process_gone(folder: Path, job_id: str) -> bool:
    """True when the job's process (per its pid file) no longer exists on this machine.

    No pid file (a thread job, another machine, not started yet) is not "gone"."""
    try:
        pid = int(pid_file(folder, job_id).read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, but another user's (the number was reused)
        return False
    return False


def _write_progress_file(path: Path, fraction: float, step: str) -> None:
    partial = path.with_suffix(".tmp")
    write_private(partial, json.dumps({"progress": fraction, "step": step}))
    os.replace(partial, path)  # readers see the old or the new file, never half of one


def _read_progress_file(path: Path) -> tuple[float, str] | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
        return float(value["progress"]), str(value["step"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


@dataclass
class JobProgress:
    """A progress callback that writes to the job row, in its own short transactions.

    With ``folder`` it also writes a small side file there: on SQLite the job row
    cannot be updated while the import's own write transaction holds the database
    (the update gives up instead of deadlocking), so the side file is what keeps
    the progress bar moving. Every worker on the machine reads it.
    """

    sessions: sessionmaker[Session]
    job_id: str
    folder: Path | None = None
    _last_write: float = 0.0
    _last_step: str = ""

    def __call__(self, fraction: float, step: str) -> None:
        now = time.monotonic()
        if step == self._last_step and now - self._last_write < MIN_UPDATE_SECONDS:
            return
        self._last_write, self._last_step = now, step
        fraction = max(0.0, min(1.0, fraction))
        if self.folder is not None:
            # A missed side-file update is harmless: the next one or the job row lands.
            with contextlib.suppress(OSError):
                _write_progress_file(progress_file(self.folder, self.job_id), fraction, step)
        session = self.sessions()
        sqlite = session.get_bind().dialect.name == "sqlite"
        try:
            if sqlite:
                # SQLite has one writer: while the import's own transaction writes,
                # a progress update must give up at once instead of waiting for it
                # (the import waits for this call: that would be a deadlock).
                session.connection().exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_WAIT_MS}")
            job = session.get(ImportJob, self.job_id)
            if job is not None and job.status == "running":
                job.progress = fraction
                job.step = step[:200]
            session.commit()
        except OperationalError:
            session.rollback()  # a skipped progress update; the next one will land
        finally:
            if sqlite:
                session.connection().exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
            session.close()


def finish_job(
    sessions: sessionmaker[Session],
    job_id: str,
    *,
    ok: bool,
    messages: list[str] | tuple[str, ...],
    folder: Path | None = None,
    only_running: bool = False,
) -> None:
    """Mark a job done or failed with its report lines (and remove its progress file).

    Writes ``import.finished`` to the audit log in the same transaction: the job's
    kind and outcome, as the user who started it (never its report lines or counts).
    With ``only_running`` a job that has already finished is left as it is.
    """
    if folder is not None:
        progress_file(folder, job_id).unlink(missing_ok=True)
    with unit_of_work(sessions) as session:
        job = session.get(ImportJob, job_id)
        if job is None or (only_running and job.status != "running"):
            return
        job.status = "done" if ok else "failed"
        job.progress = 1.0
        job.step = "Klart" if ok else "Misslyckades – ingenting importerades"
        job.messages = json.dumps(list(messages), ensure_ascii=False)
        job.finished_at = utcnow()
        owner = None if job.created_by_id is None else session.get(User, job.created_by_id)
        actor = Actor(job.created_by_id, "" if owner is None else owner.username, JOB_ADDRESS)
        record(
            session,
            "import.finished",
            actor=actor,
            target=job.kind,
            details={"job": job_id, "ok": ok},
        )


LOST = (
    "Importen avbröts (servern eller bakgrundsprocessen stoppades); ingenting importerades. "
    "Försök igen."
)
"""What a job whose worker is gone reports."""
STALE_AFTER = timedelta(minutes=30)
"""A job still 'running' after this long lost its worker (restart, crash)."""


def job_status(
    session: Session, job_id: str, *, user_id: int | None, folder: Path | None = None
) -> JobStatus | None:
    """The job's status, only for the user who started it (None otherwise).

    A running job's progress comes from its side file in ``folder`` when that is
    further along than the job row (see :class:`JobProgress`).

    A job left 'running' past :data:`STALE_AFTER`, or whose process (its pid file in
    ``folder``) has died, is reported failed: its worker is gone, and its unit of
    work never committed, so nothing was imported.
    """
    job = session.scalar(
        select(ImportJob).where(ImportJob.id == job_id, ImportJob.created_by_id == user_id)
    )
    if job is None:
        return None
    started = job.created_at if job.created_at.tzinfo else job.created_at.replace(tzinfo=UTC)
    if job.status == "running" and utcnow() - started > STALE_AFTER:
        return JobStatus(job.id, "failed", 1.0, "Avbruten", (LOST,))
    if job.status == "running" and folder is not None and _process_gone(folder, job.id):
        session.refresh(job)  # it may have finished just before its process ended
        if job.status == "running":
            return JobStatus(job.id, "failed", 1.0, "Avbruten", (LOST,))
    progress, step = job.progress, job.step
    side = _read_progress_file(progress_file(folder, job.id)) if folder is not None else None
    if job.status == "running" and side is not None and side[0] >= progress:
        progress, step = side
    return JobStatus(job.id, job.status, progress, step, tuple(json.loads(job.messages)))
