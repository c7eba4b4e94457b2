"""One background job in a process of its own, and how the web layer starts one.

A web worker must stay free to answer requests: parsing a 60 MB spreadsheet or a
national layer takes it tens of seconds and hundreds of MB. :func:`spawn_job` writes
the job's request beside the uploads and starts ``python -m data.jobs.worker FOLDER
JOB_ID`` in a new session (it outlives a restarted web worker); the child reads the
request, records its process id (``JOB_ID.pid``, so a poll can tell that it died) and
runs the job. Only this package and the data layer are imported there — not Flask or
Dash, which would double the start-up time and memory.

The database URL travels in the child's environment (``DATABASE_URL``), never on
its command line. A thread in the starting process waits for the child; when it ends
with an error (killed, out of memory) before reporting, the job is marked failed at
once. Either way nothing was written: an import commits once, at the end.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path
from typing import Final

from data.jobs.runners import (
    NOTHING_IMPORTED,
    JobContext,
    decode_request,
    encode_request,
    run_job,
)
from data.storage.db import make_engine, make_session_factory
from data.storage.jobs import finish_job, pid_file
from data.storage.private_files import write_private

ROOT: Final = Path(__file__).resolve().parents[2]
"""The project root: the child runs from here, so ``data`` is importable."""
JOB_ID: Final = re.compile(r"[0-9a-f]{32}")
JOB_NICENESS: Final = 10
"""How much lower the job process's CPU priority is than the web workers' (``nice``)."""
KILLED: Final = "Importen avbröts (bakgrundsprocessen avslutades); ingenting importerades."


def job_file(folder: Path, job_id: str) -> Path:
    """The request of a job that waits for its process."""
    return folder / f"{job_id}.job.json"


def spawn_job(
    context: JobContext, job_id: str, kind: str, request: object, *, database_url: str
) -> subprocess.Popen[bytes]:
    """Start the job in its own process and return it (see the module docstring)."""
    spec = {"kind": kind, "today": context.today.isoformat(), "request": encode_request(request)}
    write_private(job_file(context.folder, job_id), json.dumps(spec, ensure_ascii=False))
    process = subprocess.Popen(
        [sys.executable, "-m", "data.jobs.worker", str(context.folder), job_id],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )

    def wait() -> None:
        if process.wait() != 0:
            _report_lost(context, job_id, process.returncode)

    threading.Thread(target=wait, name=f"job-wait-{job_id[:8]}", daemon=True).start()
    return process


def _report_lost(context: JobContext, job_id: str, returncode: int) -> None:
    """Mark a job failed whose process ended without reporting (never a finished one)."""
    context.log.error("job %s: its process ended with status %s", job_id, returncode)
    with contextlib.suppress(Exception):  # the database may be gone (shut down, test over)
        finish_job(
            context.sessions,
            job_id,
            ok=False,
            messages=[KILLED if returncode < 0 else NOTHING_IMPORTED],
            folder=context.folder,
            only_running=True,
        )


def lower_priority() -> None:
    """Run below the web workers: a parse may take a core, the users' clicks come first.

    Linux's autogroup scheduling gives each session (the job starts one) its own group
    and shares the CPU between groups, whatever the processes' own ``nice``: the
    group's niceness is set too (``/proc/self/autogroup``; best effort elsewhere)."""
    with contextlib.suppress(OSError):
        os.nice(JOB_NICENESS)
    with contextlib.suppress(OSError):
        Path("/proc/self/autogroup").write_text(str(JOB_NICENESS), encoding="ascii")


def main(argv: list[str] | None = None) -> int:
    """Run the job ``JOB_ID`` whose request waits in ``FOLDER``; exit status 0 when it
    ran (whatever its outcome, which is in the job row), 2 on bad arguments."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or not JOB_ID.fullmatch(args[1]):
        logging.getLogger(__name__).error("usage: python -m data.jobs.worker FOLDER JOB_ID")
        return 2
    folder, job_id = Path(args[0]), args[1]
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s [job %(process)d] %(levelname)s %(message)s"
    )
    lower_priority()
    path = job_file(folder, job_id)
    spec = json.loads(path.read_text(encoding="utf-8"))
    path.unlink()
    write_private(pid_file(folder, job_id), str(os.getpid()))
    engine = make_engine(os.environ["DATABASE_URL"])
    try:
        context = JobContext(
            sessions=make_session_factory(engine),
            folder=folder,
            today=date.fromisoformat(spec["today"]),
            log=logging.getLogger("ssp.jobs"),
        )
        kind = str(spec["kind"])
        run_job(context, job_id, kind, decode_request(kind, spec["request"]))
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
