"""Starting background jobs from the web layer: a process of their own by default.

``SSP_JOB_RUNNER`` chooses how (``dashboard.config``): ``process`` (the default) runs
every job in a separate Python process (:func:`data.jobs.worker.spawn_job`), so
parsing a large file never occupies a web worker; ``thread`` runs it in a daemon
thread of the web worker, for an embedded single-user setup that asks for it. Either
way the job reports progress and outcome into its row (:mod:`data.storage.jobs`).
"""

from __future__ import annotations

import threading

from flask import Flask, current_app

from dashboard.state import app_state, today
from dashboard.uploads import jobs_folder
from data.jobs.runners import JobContext, run_job
from data.jobs.worker import spawn_job
from data.storage.db import in_unit_of_work
from data.storage.jobs import start_job


def job_context(app: Flask) -> JobContext:
    """Where ``app``'s jobs run: its database, uploads folder, today and log."""
    return JobContext(
        sessions=app_state(app).sessions,
        folder=jobs_folder(app),
        today=today(app),
        log=app.logger,
    )


def launch_job(app: Flask, job_id: str, kind: str, request: object) -> None:
    """Run the job ``job_id`` of ``kind`` (see :data:`data.jobs.runners.JOBS`) in the
    background, as ``SSP_JOB_RUNNER`` says."""
    context = job_context(app)
    if app.config["SSP_JOB_RUNNER"] == "thread":
        threading.Thread(
            target=run_job,
            args=(context, job_id, kind, request),
            name=f"job-{job_id[:8]}",
            daemon=True,
        ).start()
        return
    url = app_state(app).engine.url.render_as_string(hide_password=False)
    spawn_job(context, job_id, kind, request, database_url=url)


def start_background_job(kind: str, user_id: int, request: object) -> str:
    """Create a running job of ``kind`` for ``user_id`` (committed, so any worker can
    report it) and launch it with ``request``; return the job id. In a request."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    job_id = in_unit_of_work(
        app_state(app).sessions, lambda session: start_job(session, kind=kind, user_id=user_id)
    )
    launch_job(app, job_id, kind, request)
    return job_id
