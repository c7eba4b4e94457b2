"""Callbacks of the import page: upload, check (preview), import — coordinators only.

Every callback checks the role server-side. An upload is written under a token
that carries the uploader's user id, and every later step refuses a token that is
not the current user's. The import runs only on a mapping that a finished check
passed (the check's result is kept beside the upload with the mapping it used).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Final

from dash import Dash, Input, Output, State, html, no_update
from flask import current_app

from dashboard import ids
from dashboard.audit import audit
from dashboard.auth import require_role
from dashboard.callbacks.submit import store
from dashboard.jobs import (
    ObservationImportRequest,
    run_observation_check,
    run_observation_import,
    start_job_thread,
)
from dashboard.pages.import_page import COLUMN_LABELS, ROLES
from dashboard.state import db_session
from dashboard.uploads import UploadError, keep_upload, report_items, upload_dir
from data.ingest.observations import COLUMNS, REQUIRED, default_mapping
from data.ingest.table import MAX_COLUMNS, TableError, read_table
from data.storage.jobs import job_status, start_job

MAX_IMPORT_BYTES: Final = 60 * 1024 * 1024
"""Largest file through the page (about a million rows); bigger files: the CLI."""
SUFFIXES: Final = (".csv", ".txt", ".xlsx")
TOKEN: Final = re.compile(r"u(?P<user>\d+)-[0-9a-f]{32}\.(csv|txt|xlsx)")
MAP_OUTPUTS: Final = {
    **{f"{c}_options": Output(ids.import_map(c), "options") for c in COLUMNS},
    **{f"{c}_column": Output(ids.import_map(c), "value") for c in COLUMNS},
}
"""Each template column's dropdown: the file's columns, and the one chosen for it."""
MAP_STATES: Final = [State(ids.import_map(c), "value") for c in COLUMNS]


def _owned_upload(token: Any, user_id: int) -> Path | None:
    """The upload behind ``token`` when it is the user's own and still there."""
    if not isinstance(token, str):
        return None
    match = TOKEN.fullmatch(token)
    if match is None or int(match["user"]) != user_id:
        return None
    path = upload_dir() / token
    return path if path.is_file() else None


def _mapping(values: tuple[Any, ...]) -> tuple[dict[str, int], list[str]]:
    """The chosen mapping from the dropdown values, and what is wrong with it."""
    mapping: dict[str, int] = {}
    for column, value in zip(COLUMNS, values, strict=True):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < MAX_COLUMNS:
            return {}, ["Ogiltigt kolumnval."]
        mapping[column] = value
    problems = [
        f"Välj en kolumn för {COLUMN_LABELS[c].split(' (')[0].lower()}."
        for c in REQUIRED
        if c not in mapping
    ]
    if len(set(mapping.values())) < len(mapping):
        problems.append("Samma kolumn i filen är vald för två fält.")
    return mapping, problems


def name_of(filename: Any) -> str:
    """The uploaded file's name as the browser sent it ("" for anything else)."""
    return filename if isinstance(filename, str) else ""


def _upload_answer(
    info: Any, token: str | None, options: list[dict[str, Any]], guess: dict[str, int]
) -> dict[str, Any]:
    """The upload's outputs: the info line, the token (None: nothing kept, nothing to
    check), the import button off, results cleared, and the column dropdowns."""
    return {
        "info": info,
        "token": token,
        "check_disabled": token is None,
        "run_disabled": True,
        "result": [],
        "preview": [],
        "progress": "0",
        "step": "",
        **{f"{c}_options": options for c in COLUMNS},
        **{f"{c}_column": guess.get(c) for c in COLUMNS},
    }


def _start_outputs(*, duplicate: bool) -> dict[str, Output]:
    """The outputs of a check's and an import's start; the job and the polling switch
    are shared by both, so the second callback marks them ``allow_duplicate``."""
    return {
        "job": Output(ids.IMPORT_JOB, "data", allow_duplicate=duplicate),
        "poll_disabled": Output(ids.IMPORT_POLL, "disabled", allow_duplicate=duplicate),
        "result": Output(ids.IMPORT_RESULT, "children", allow_duplicate=True),
        "preview": Output(ids.IMPORT_PREVIEW, "children", allow_duplicate=True),
        "run_disabled": Output(ids.IMPORT_RUN, "disabled", allow_duplicate=True),
    }


def _started(
    job: Any, result: Any, *, preview: Any = no_update, poll_disabled: bool = True
) -> dict[str, Any]:
    """A check's or an import's start: the job (``no_update`` when refused), polling
    on or off, the result line and the preview; the import button stays off."""
    return {
        "job": job,
        "poll_disabled": poll_disabled,
        "result": result,
        "preview": preview,
        "run_disabled": True,
    }


def _polled(
    progress: Any,
    step: Any,
    result: Any,
    preview: Any,
    *,
    polling: bool = False,
    run_disabled: Any = True,
    check_disabled: Any = no_update,
) -> dict[str, Any]:
    """One poll's answer: progress, step, result and preview, whether to keep polling,
    and the import and check buttons (``no_update``: as they are)."""
    return {
        "progress": progress,
        "step": step,
        "result": result,
        "preview": preview,
        "poll_disabled": not polling,
        "run_disabled": run_disabled,
        "check_disabled": check_disabled,
    }


def _error(lines: list[str]) -> html.Ul:
    return html.Ul(report_items(lines, ok=False), className="report")


def _preview(result: dict[str, Any]) -> list[Any]:
    """Counts, the first valid rows and the row errors of a finished check."""
    counts = html.P(
        f"{result['rows']} rader lästes: {result['valid']} utan fel, "
        f"{result['rejected']} med fel; {result['duplicates']} finns redan och hoppas över.",
        id=ids.IMPORT_COUNTS,
    )
    parts: list[Any] = [counts]
    if result["errors"]:
        parts.append(html.H4("Fel per rad (värdena visas inte)"))
        parts.append(_error(result["errors"]))
    if result["preview"]:
        head = html.Tr(
            [html.Th("Rad")] + [html.Th(COLUMN_LABELS[c].split(" (")[0]) for c in COLUMNS]
        )
        body = [
            html.Tr([html.Td(str(line))] + [html.Td(row[c]) for c in COLUMNS])
            for line, row in result["preview"]
        ]
        parts.append(html.H4(f"Förhandsvisning: de första {len(body)} raderna utan fel"))
        parts.append(
            html.Table(
                [html.Thead(head), html.Tbody(body)],
                className="top preview",
                id=ids.IMPORT_PREVIEW_TABLE,
            )
        )
    return parts


def _read_check(upload: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(upload.with_name(upload.name + ".check.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def register(app: Dash) -> None:
    """Register the import page's callbacks on ``app``."""

    @app.callback(
        output={
            "info": Output(ids.IMPORT_UPLOAD_INFO, "children"),
            "token": Output(ids.IMPORT_TOKEN, "data"),
            "check_disabled": Output(ids.IMPORT_CHECK, "disabled"),
            "run_disabled": Output(ids.IMPORT_RUN, "disabled"),
            "result": Output(ids.IMPORT_RESULT, "children"),
            "preview": Output(ids.IMPORT_PREVIEW, "children"),
            "progress": Output(ids.IMPORT_PROGRESS, "value"),
            "step": Output(ids.IMPORT_STEP, "children"),
            **MAP_OUTPUTS,
        },
        inputs=[Input(ids.IMPORT_UPLOAD, "contents")],
        state=[State(ids.IMPORT_UPLOAD, "filename")],
        prevent_initial_call=True,
    )
    def receive_file(contents: Any, filename: Any) -> dict[str, Any]:
        user = require_role(*ROLES)
        try:
            upload = keep_upload(
                contents,
                filename,
                suffixes=SUFFIXES,
                accepted="CSV eller Excel (.xlsx)",
                limit=MAX_IMPORT_BYTES,
                read=lambda _path, data: read_table(data, name_of(filename)),
                prefix=f"u{user.id}-",
            )
        except (UploadError, TableError) as error:
            return _upload_answer(html.Span(str(error), className="report-error"), None, [], {})
        table = upload.content
        options = [
            {"label": f"{header or '(utan rubrik)'} – kolumn {i + 1}", "value": i}
            for i, header in enumerate(table.header)
        ]
        kind = "Excel" if table.kind == "xlsx" else "CSV"
        info = (
            f"{upload.name}: {kind}, {upload.size // 1024} kB, {len(table.header)} kolumner. "
            "Kontrollera kolumnvalen och tryck på Kontrollera filen."
        )
        return _upload_answer(info, upload.token, options, default_mapping(table.header))

    def start(kind: str, token: Any, values: tuple[Any, ...]) -> dict[str, Any]:
        user = require_role(*ROLES)
        upload = _owned_upload(token, user.id)
        if upload is None:
            return _started(no_update, _error(["Ladda upp filen (igen) först."]))
        mapping, problems = _mapping(values)
        if kind == "import" and not problems:
            checked = _read_check(upload)
            if checked is None or checked.get("mapping") != mapping:
                problems.append("Kontrollera filen med de här kolumnvalen först.")
            elif not checked.get("ok"):
                problems.append("Filen har fel: rätta dem och ladda upp den igen.")
        if problems:
            return _started(no_update, _error(problems))
        job_id = store(
            lambda session: start_job(session, kind=f"observations-{kind}", user_id=user.id)
        )
        request = ObservationImportRequest(
            path=upload, mapping=mapping, user_id=user.id, kommun_code=user.kommun_code
        )
        audit("import.started", target=f"observations-{kind}", details={"job": job_id})
        target = run_observation_check if kind == "check" else run_observation_import
        start_job_thread(target, current_app._get_current_object(), job_id, request)  # type: ignore[attr-defined]
        return _started({"id": job_id, "kind": kind}, [], preview=[], poll_disabled=False)

    @app.callback(
        output=_start_outputs(duplicate=False),
        inputs=[Input(ids.IMPORT_CHECK, "n_clicks")],
        state=[State(ids.IMPORT_TOKEN, "data"), *MAP_STATES],
        prevent_initial_call=True,
    )
    def start_check(_clicks: Any, token: Any, *values: Any) -> dict[str, Any]:
        return start("check", token, values)

    @app.callback(
        output=_start_outputs(duplicate=True),
        inputs=[Input(ids.IMPORT_RUN, "n_clicks")],
        state=[State(ids.IMPORT_TOKEN, "data"), *MAP_STATES],
        prevent_initial_call=True,
    )
    def start_import(_clicks: Any, token: Any, *values: Any) -> dict[str, Any]:
        return start("import", token, values)

    @app.callback(
        output={
            "progress": Output(ids.IMPORT_PROGRESS, "value", allow_duplicate=True),
            "step": Output(ids.IMPORT_STEP, "children", allow_duplicate=True),
            "result": Output(ids.IMPORT_RESULT, "children", allow_duplicate=True),
            "preview": Output(ids.IMPORT_PREVIEW, "children", allow_duplicate=True),
            "poll_disabled": Output(ids.IMPORT_POLL, "disabled", allow_duplicate=True),
            "run_disabled": Output(ids.IMPORT_RUN, "disabled", allow_duplicate=True),
            "check_disabled": Output(ids.IMPORT_CHECK, "disabled", allow_duplicate=True),
        },
        inputs=[Input(ids.IMPORT_POLL, "n_intervals")],
        state=[State(ids.IMPORT_JOB, "data"), State(ids.IMPORT_TOKEN, "data")],
        prevent_initial_call=True,
    )
    def poll(_ticks: Any, job: Any, token: Any) -> dict[str, Any]:
        user = require_role(*ROLES)
        if not (
            isinstance(job, dict)
            and isinstance(job.get("id"), str)
            and job.get("kind") in ("check", "import")
        ):
            return _polled(no_update, no_update, no_update, no_update, run_disabled=no_update)
        status = job_status(db_session(), job["id"], user_id=user.id, folder=upload_dir())
        if status is None:
            return _polled("0", "", _error(["Okänt importjobb."]), [])
        value = str(round(100 * status.progress))
        if status.status == "running":
            return _polled(
                value, status.step, no_update, no_update, polling=True, check_disabled=True
            )
        ok = status.status == "done"
        result = html.Ul(report_items(status.messages, ok=ok), className="report")
        if job["kind"] == "import":
            return _polled(value, status.step, result, [], check_disabled=not ok)
        upload = _owned_upload(token, user.id)
        checked = _read_check(upload) if upload is not None and ok else None
        if checked is None:
            return _polled(value, status.step, result, [], check_disabled=False)
        result = html.Ul(report_items(status.messages, ok=bool(checked["ok"])), className="report")
        preview = _preview(checked)
        return _polled(
            value,
            status.step,
            result,
            preview,
            run_disabled=not checked["ok"],
            check_disabled=False,
        )
