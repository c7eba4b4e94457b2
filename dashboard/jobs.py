"""Running imports in background threads, with progress in the database (and a side file)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

from dashboard.state import app_state, today
from dashboard.uploads import jobs_folder
from data.areas.layers import AreaImportError, import_areas, read_area_layer
from data.ingest.observations import (
    ImportRejected,
    check_observations,
    import_context,
    import_observations,
)
from data.ingest.table import TableError, read_table
from data.storage.db import unit_of_work
from data.storage.jobs import JobProgress, finish_job
from data.storage.private_files import write_private


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


NOTHING_IMPORTED = "Ett oväntat fel inträffade; ingenting importerades. Se serverloggen."


def _report_crash(app: Flask, job_id: str, what: str, message: str = NOTHING_IMPORTED) -> None:
    """An unexpected failure: log it with its traceback, report it without internals."""
    app.logger.exception(what, job_id)
    finish_job(
        app_state(app).sessions, job_id, ok=False, messages=[message], folder=jobs_folder(app)
    )


def run_area_import(app: Flask, job_id: str, request: AreaImportRequest) -> None:
    """Read, validate and import a layer as one unit of work; report into the job.

    Always removes the uploaded file; an error leaves the database unchanged and
    the job 'failed' with the Swedish reason.
    """
    state = app_state(app)
    folder = jobs_folder(app)
    progress = JobProgress(state.sessions, job_id, folder)
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
        finish_job(state.sessions, job_id, ok=False, messages=[str(error)], folder=folder)
    except Exception:  # an unexpected failure: report it without internals, keep the log
        _report_crash(app, job_id, "area import %s failed")
    else:
        state.cubes.clear()
        finish_job(state.sessions, job_id, ok=True, messages=summary.messages, folder=folder)
    finally:
        request.path.unlink(missing_ok=True)


def start_area_import(app: Flask, job_id: str, request: AreaImportRequest) -> threading.Thread:
    """Start :func:`run_area_import` in a daemon thread and return it."""
    return start_job_thread(run_area_import, app, job_id, request)


@dataclass(frozen=True, slots=True)
class ObservationImportRequest:
    """One uploaded observation file, its column mapping and who imports it."""

    path: Path
    mapping: dict[str, int]
    user_id: int
    kommun_code: str | None

    @property
    def check_path(self) -> Path:
        """Where the check's result waits for the page (beside the upload)."""
        return self.path.with_name(self.path.name + ".check.json")


def _preview_row(row: tuple[object, ...], codes: dict[int, str]) -> dict[str, str]:
    area_id, day, band, category, source, count, group, age, note, _key = row
    return {
        "datum": str(day),
        "tid": str(band or ""),
        "omrade": codes.get(int(str(area_id)), ""),
        "kategori": str(category),
        "kalla": str(source),
        "antal": str(count),
        "gruppstorlek": str(group or ""),
        "alder": str(age or ""),
        "anteckning": str(note or ""),
    }


def run_observation_check(app: Flask, job_id: str, request: ObservationImportRequest) -> None:
    """Validate every row (nothing written) and leave the result beside the upload.

    The result holds counts, the first row errors (never a rejected value) and the
    first valid rows for the preview, plus the mapping it was made with, so the
    import can refuse to run on a mapping that was never checked.
    """
    state = app_state(app)
    folder = jobs_folder(app)
    progress = JobProgress(state.sessions, job_id, folder)
    try:
        table = read_table(request.path.read_bytes(), request.path.name)
        with state.sessions() as session:
            context = import_context(session, today=today(app), kommun_code=request.kommun_code)
            check = check_observations(session, table, request.mapping, context, progress)
        codes = {area_id: code for code, area_id in context.areas.items()}
        result = {
            "mapping": request.mapping,
            "ok": check.ok,
            "rows": check.rows,
            "valid": check.valid,
            "duplicates": check.duplicates,
            "rejected": check.rejected_lines,
            "errors": list(check.messages()[:MAX_ERRORS_ON_PAGE]),
            "error_count": check.error_count,
            "preview": [[line, _preview_row(row, codes)] for line, row in check.preview],
        }
        write_private(request.check_path, json.dumps(result, ensure_ascii=False))
    except TableError as error:
        request.path.unlink(missing_ok=True)
        finish_job(state.sessions, job_id, ok=False, messages=[str(error)], folder=folder)
    except Exception:
        _report_crash(
            app,
            job_id,
            "observation check %s failed",
            "Ett oväntat fel inträffade vid kontrollen. Se serverloggen.",
        )
    else:
        line = (
            f"{check.valid} rader kan importeras."
            if check.ok
            else f"{check.rejected_lines} rader har fel: rätta filen eller kolumnvalen."
        )
        finish_job(state.sessions, job_id, ok=True, messages=[line], folder=folder)


def run_observation_import(app: Flask, job_id: str, request: ObservationImportRequest) -> None:
    """Import a checked file as one unit of work (all rows or none); report into the job.

    Always removes the upload and its check result, before reporting the outcome.
    """
    state = app_state(app)
    folder = jobs_folder(app)
    progress = JobProgress(state.sessions, job_id, folder)
    try:
        table = read_table(request.path.read_bytes(), request.path.name)
        with unit_of_work(state.sessions) as session:
            context = import_context(session, today=today(app), kommun_code=request.kommun_code)
            summary = import_observations(
                session,
                table,
                request.mapping,
                context,
                user_id=request.user_id,
                progress=progress,
            )
    except ImportRejected as rejected:
        _discard(request)
        lines = ["Ingenting importerades.", *rejected.check.messages()[:MAX_ERRORS_ON_PAGE]]
        finish_job(state.sessions, job_id, ok=False, messages=lines, folder=folder)
    except TableError as error:
        _discard(request)
        finish_job(
            state.sessions,
            job_id,
            ok=False,
            messages=[f"Ingenting importerades. {error}"],
            folder=folder,
        )
    except Exception:
        _discard(request)
        _report_crash(app, job_id, "observation import %s failed")
    else:
        _discard(request)
        state.cubes.clear()
        lines = [
            f"{summary.imported} observationer importerades"
            + (
                f", {summary.duplicates} fanns redan (hoppades över)."
                if summary.duplicates
                else "."
            ),
            "De syns nu i lägesbilden.",
        ]
        finish_job(state.sessions, job_id, ok=True, messages=lines, folder=folder)
    finally:
        _discard(request)


def _discard(request: ObservationImportRequest) -> None:
    """Remove the upload and its check result — before the job is reported finished,
    so whoever sees the job done never finds the file still there."""
    request.path.unlink(missing_ok=True)
    request.check_path.unlink(missing_ok=True)


MAX_ERRORS_ON_PAGE = 200


def start_job_thread(
    target: Callable[[Flask, str, Any], None], app: Flask, job_id: str, request: object
) -> threading.Thread:
    """Run ``target(app, job_id, request)`` in a daemon thread and return it."""
    thread = threading.Thread(
        target=target, args=(app, job_id, request), name=f"job-{job_id[:8]}", daemon=True
    )
    thread.start()
    return thread
