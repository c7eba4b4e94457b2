"""Running area imports in a background thread, with progress in the database."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from dashboard.state import app_state
from data.areas import AreaImportError, import_areas, read_area_layer
from data.db import unit_of_work
from data.jobs import JobProgress, finish_job


@dataclass(frozen=True, slots=True)
class AreaImportRequest:
    """What the admin chose for one uploaded layer file."""

    path: Path
    level: str
    code_field: str
    name_field: str
    parent_field: str | None = None
    parent_name_field: str | None = None
    crs: str | None = None


def run_area_import(app: Flask, job_id: str, request: AreaImportRequest) -> None:
    """Read, validate and import a layer as one unit of work; report into the job.

    Always removes the uploaded file; an error leaves the database unchanged and
    the job 'failed' with the Swedish reason.
    """
    state = app_state(app)
    progress = JobProgress(state.sessions, job_id)
    try:
        layer = read_area_layer(
            request.path,
            code_field=request.code_field,
            name_field=request.name_field,
            parent_field=request.parent_field,
            parent_name_field=request.parent_name_field,
            crs=request.crs,
            progress=lambda f, step: progress(0.6 * f, step),
        )
        with unit_of_work(state.sessions) as session:
            summary = import_areas(
                session,
                layer,
                level=request.level,
                parent_name_field=request.parent_name_field,
                progress=lambda f, step: progress(0.6 + 0.4 * f, step),
            )
    except AreaImportError as error:
        finish_job(state.sessions, job_id, ok=False, messages=[str(error)])
    except Exception:  # an unexpected failure: report it without internals, keep the log
        app.logger.exception("area import %s failed", job_id)
        finish_job(
            state.sessions,
            job_id,
            ok=False,
            messages=["Ett oväntat fel inträffade; ingenting importerades. Se serverloggen."],
        )
    else:
        state.cubes.clear()
        finish_job(state.sessions, job_id, ok=True, messages=summary.messages)
    finally:
        request.path.unlink(missing_ok=True)


def start_area_import(app: Flask, job_id: str, request: AreaImportRequest) -> threading.Thread:
    """Start :func:`run_area_import` in a daemon thread and return it."""
    thread = threading.Thread(
        target=run_area_import,
        args=(app, job_id, request),
        name=f"import-{job_id[:8]}",
        daemon=True,
    )
    thread.start()
    return thread
