"""What each background job does, given where it runs (:class:`JobContext`).

Every runner reports into its job row (:mod:`data.storage.jobs`) and never raises: a
refusal is a failed job with the Swedish reason, an unexpected error a failed job with
a generic message and the traceback in the log. Nothing is written unless the whole
file passed (one unit of work), so a job that fails or is killed half-way leaves the
database as it was. Uploads are removed by the job that consumes them.

Requests are plain dataclasses that travel as JSON to a job process
(:func:`encode_request`, :func:`decode_request`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

from sqlalchemy.orm import Session, sessionmaker

from data.areas.layers import AreaImportError, import_areas, layer_fields, read_area_layer
from data.ingest.observations import (
    ImportRejected,
    check_observations,
    import_context,
    import_observations,
)
from data.ingest.table import TableError, read_table_file
from data.storage.db import unit_of_work
from data.storage.jobs import JobProgress, finish_job
from data.storage.private_files import write_private

NOTHING_IMPORTED: Final = "Ett oväntat fel inträffade; ingenting importerades. Se serverloggen."
MAX_ERRORS_ON_PAGE: Final = 200


@dataclass(frozen=True, slots=True)
class JobContext:
    """Where a job runs: its database, the uploads folder, the day it checks against."""

    sessions: sessionmaker[Session]
    folder: Path
    """The uploads folder: the upload, the results beside it, progress side files."""
    today: date
    """The app's date when the job was started (dates after it are refused)."""
    log: logging.Logger


@dataclass(frozen=True, slots=True)
class ReadRequest:
    """Read an upload's header (columns or layer fields) before the user maps them."""

    path: Path


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


@dataclass(frozen=True, slots=True)
class ObservationImportRequest:
    """One uploaded observation file, its column mapping and who imports it."""

    path: Path
    mapping: dict[str, int]
    user_id: int
    kommun_code: str | None


def read_result_path(upload: Path) -> Path:
    """Where a read job leaves an upload's header (beside the upload)."""
    return upload.with_name(upload.name + ".read.json")


def check_result_path(upload: Path) -> Path:
    """Where a check leaves its result for the page (beside the upload)."""
    return upload.with_name(upload.name + ".check.json")


def discard_upload(upload: Path) -> None:
    """Remove an upload and whatever jobs left beside it."""
    for path in (upload, read_result_path(upload), check_result_path(upload)):
        path.unlink(missing_ok=True)


def _write_json(path: Path, value: object) -> None:
    write_private(path, json.dumps(value, ensure_ascii=False))


def _fail(context: JobContext, job_id: str, messages: list[str]) -> None:
    finish_job(context.sessions, job_id, ok=False, messages=messages, folder=context.folder)


def _done(context: JobContext, job_id: str, messages: list[str]) -> None:
    finish_job(context.sessions, job_id, ok=True, messages=messages, folder=context.folder)


def _crashed(context: JobContext, job_id: str, what: str, message: str = NOTHING_IMPORTED) -> None:
    """An unexpected failure: log it with its traceback, report it without internals."""
    context.log.exception("%s job %s failed", what, job_id)
    _fail(context, job_id, [message])


def run_observation_read(context: JobContext, job_id: str, request: ReadRequest) -> None:
    """Read an observation file's header and leave it beside the upload."""
    progress = JobProgress(context.sessions, job_id, context.folder)
    try:
        progress(0.1, "Läser filen")
        table = read_table_file(request.path)
        _write_json(read_result_path(request.path), {"kind": table.kind, "header": table.header})
    except TableError as error:
        discard_upload(request.path)
        _fail(context, job_id, [str(error)])
    except Exception:
        discard_upload(request.path)
        _crashed(context, job_id, "observation read", "Filen kunde inte läsas. Se serverloggen.")
    else:
        _done(context, job_id, [f"{len(table.header)} kolumner."])


def run_area_read(context: JobContext, job_id: str, request: ReadRequest) -> None:
    """Read a layer file's attribute fields and leave them beside the upload."""
    progress = JobProgress(context.sessions, job_id, context.folder)
    try:
        progress(0.1, "Läser filen")
        fields = layer_fields(request.path)
        _write_json(read_result_path(request.path), {"fields": fields})
    except AreaImportError as error:
        discard_upload(request.path)
        _fail(context, job_id, [str(error)])
    except Exception:
        discard_upload(request.path)
        _crashed(context, job_id, "layer read", "Filen kunde inte läsas som kartlager.")
    else:
        _done(context, job_id, [f"{len(fields)} fält."])


def run_area_import(context: JobContext, job_id: str, request: AreaImportRequest) -> None:
    """Read, validate and import a layer as one unit of work; report into the job.

    Always removes the uploaded file; an error leaves the database unchanged and
    the job 'failed' with the Swedish reason.
    """
    progress = JobProgress(context.sessions, job_id, context.folder)
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
        with unit_of_work(context.sessions) as session:
            summary = import_areas(
                session,
                layer,
                level=request.level,
                parent_name_field=request.parent_name_field,
                progress=lambda f, step: progress(0.6 + 0.4 * f, step),
            )
    except AreaImportError as error:
        discard_upload(request.path)
        _fail(context, job_id, [str(error)])
    except Exception:
        discard_upload(request.path)
        _crashed(context, job_id, "area import")
    else:
        discard_upload(request.path)
        _done(context, job_id, list(summary.messages))
    finally:
        discard_upload(request.path)


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


def run_observation_check(
    context: JobContext, job_id: str, request: ObservationImportRequest
) -> None:
    """Validate every row (nothing written) and leave the result beside the upload.

    The result holds counts, the first row errors (never a rejected value) and the
    first valid rows for the preview, plus the mapping it was made with, so the
    import can refuse to run on a mapping that was never checked.
    """
    progress = JobProgress(context.sessions, job_id, context.folder)
    try:
        table = read_table_file(request.path)
        with context.sessions() as session:
            kommun = request.kommun_code
            imports = import_context(session, today=context.today, kommun_code=kommun)
            check = check_observations(session, table, request.mapping, imports, progress)
        codes = {area_id: code for code, area_id in imports.areas.items()}
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
        _write_json(check_result_path(request.path), result)
    except TableError as error:
        discard_upload(request.path)
        _fail(context, job_id, [str(error)])
    except Exception:
        _crashed(
            context,
            job_id,
            "observation check",
            "Ett oväntat fel inträffade vid kontrollen. Se serverloggen.",
        )
    else:
        line = (
            f"{check.valid} rader kan importeras."
            if check.ok
            else f"{check.rejected_lines} rader har fel: rätta filen eller kolumnvalen."
        )
        _done(context, job_id, [line])


def run_observation_import(
    context: JobContext, job_id: str, request: ObservationImportRequest
) -> None:
    """Import a checked file as one unit of work (all rows or none); report into the job.

    Always removes the upload and its check result — before the job is reported
    finished, so whoever sees the job done never finds the file still there.
    """
    progress = JobProgress(context.sessions, job_id, context.folder)
    try:
        table = read_table_file(request.path)
        with unit_of_work(context.sessions) as session:
            kommun = request.kommun_code
            imports = import_context(session, today=context.today, kommun_code=kommun)
            summary = import_observations(
                session,
                table,
                request.mapping,
                imports,
                user_id=request.user_id,
                progress=progress,
            )
    except ImportRejected as rejected:
        discard_upload(request.path)
        lines = ["Ingenting importerades.", *rejected.check.messages()[:MAX_ERRORS_ON_PAGE]]
        _fail(context, job_id, lines)
    except TableError as error:
        discard_upload(request.path)
        _fail(context, job_id, [f"Ingenting importerades. {error}"])
    except Exception:
        discard_upload(request.path)
        _crashed(context, job_id, "observation import")
    else:
        discard_upload(request.path)
        duplicates = (
            f", {summary.duplicates} fanns redan (hoppades över)." if summary.duplicates else "."
        )
        lines = [
            f"{summary.imported} observationer importerades{duplicates}",
            "De syns nu i lägesbilden.",
        ]
        _done(context, job_id, lines)
    finally:
        discard_upload(request.path)


Runner = Callable[[JobContext, str, Any], None]
JOBS: Final[dict[str, tuple[type, Runner]]] = {
    "observations-read": (ReadRequest, run_observation_read),
    "observations-check": (ObservationImportRequest, run_observation_check),
    "observations-import": (ObservationImportRequest, run_observation_import),
    "areas-read": (ReadRequest, run_area_read),
    "areas-import": (AreaImportRequest, run_area_import),
}
"""Every kind of job: its request type and its runner."""


def run_job(context: JobContext, job_id: str, kind: str, request: object) -> None:
    """Run the job of ``kind`` (see :data:`JOBS`) with ``request``."""
    request_type, runner = JOBS[kind]
    if not isinstance(request, request_type):
        msg = f"a {kind} job needs a {request_type.__name__}"
        raise TypeError(msg)
    runner(context, job_id, request)


def encode_request(request: object) -> dict[str, Any]:
    """A request as JSON-ready values (paths as text)."""
    assert dataclasses.is_dataclass(request) and not isinstance(request, type)
    return {
        field.name: str(value) if isinstance(value, Path) else value
        for field in dataclasses.fields(request)
        for value in [getattr(request, field.name)]
    }


def decode_request(kind: str, values: dict[str, Any]) -> object:
    """The request of a ``kind`` job from :func:`encode_request`'s values."""
    request_type, _runner = JOBS[kind]
    return request_type(**{**values, "path": Path(values["path"])})
