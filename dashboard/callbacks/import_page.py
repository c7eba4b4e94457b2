"""Callbacks of the import page: upload, columns, check (preview), import — coordinators only.

Every callback checks the role server-side. The file arrives through ``POST
/upload/observations`` (:mod:`dashboard.upload_routes`) under a token that carries
the uploader's user id; every step refuses a token that is not the current user's.
Reading the columns, the check and the import are background jobs in a process of
their own (:mod:`dashboard.jobs`), polled by one callback. The import runs only on a
mapping that a finished check passed (the check's result is kept beside the upload
with the mapping it used).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from dash import Dash, Input, Output, State, html, no_update

from dashboard import ids
from dashboard.audit import audit
from dashboard.auth import require_role
from dashboard.components import scroll_table
from dashboard.formatting import format_number
from dashboard.i18n import _
from dashboard.jobs import start_background_job
from dashboard.pages.import_page import COLUMN_LABELS, ROLES, SUFFIXES
from dashboard.state import db_session
from dashboard.uploads import UploadError, owned_upload, report_items, upload_dir, uploaded_file
from data.counts.options import category_options, source_options
from data.ingest.observations import COLUMNS, REQUIRED, default_mapping
from data.ingest.table import MAX_COLUMNS
from data.jobs.runners import (
    ObservationImportRequest,
    ReadRequest,
    check_result_path,
    read_result_path,
)
from data.storage.jobs import job_status
from data.vocabulary import TIME_BANDS

JOB_KINDS: Final = {
    "read": "observations-read",
    "check": "observations-check",
    "import": "observations-import",
}
"""The page's jobs (as the job store names them) and their background job kinds."""
MAP_OUTPUTS: Final = {
    **{f"{c}_options": Output(ids.import_map(c), "options") for c in COLUMNS},
    **{f"{c}_column": Output(ids.import_map(c), "value") for c in COLUMNS},
}
"""Each template column's dropdown: the file's columns, and the one chosen for it."""
MAP_STATES: Final = [State(ids.import_map(c), "value") for c in COLUMNS]


def _duplicates(outputs: dict[str, Output]) -> dict[str, Output]:
    """The same outputs, allowed to be shared with another callback."""
    return {
        key: Output(o.component_id, o.component_property, allow_duplicate=True)
        for key, o in outputs.items()
    }


def _columns(header: list[str] | tuple[str, ...] | None) -> dict[str, Any]:
    """The dropdowns' options and guesses for a file's ``header`` (None: cleared)."""
    options = [
        {
            "label": _("%(name)s – kolumn %(n)s", name=name or _("(utan rubrik)"), n=i + 1),
            "value": i,
        }
        for i, name in enumerate(header or ())
    ]
    guess = default_mapping(tuple(header)) if header else {}
    return {
        **{f"{c}_options": options for c in COLUMNS},
        **{f"{c}_column": guess.get(c) for c in COLUMNS},
    }


def _field_name(column: str) -> str:
    """A field's label without its explanation in brackets, in the reader's language."""
    return _(COLUMN_LABELS[column]).split(" (")[0]


def _mapping(values: tuple[Any, ...]) -> tuple[dict[str, int], list[str]]:
    """The chosen mapping from the dropdown values, and what is wrong with it."""
    mapping: dict[str, int] = {}
    for column, value in zip(COLUMNS, values, strict=True):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < MAX_COLUMNS:
            return {}, [_("Ogiltigt kolumnval.")]
        mapping[column] = value
    problems = [
        _("Välj en kolumn för %(field)s.", field=_field_name(c).lower())
        for c in REQUIRED
        if c not in mapping
    ]
    if len(set(mapping.values())) < len(mapping):
        problems.append(_("Samma kolumn i filen är vald för två fält."))
    return mapping, problems


def _upload_answer(info: Any, token: str | None, job: Any = no_update) -> dict[str, Any]:
    """The upload's outputs: the info line, the token (None: nothing kept), the job
    that reads the columns (polling on while there is one), buttons off, results and
    column choices cleared."""
    return {
        "info": info,
        "token": token,
        "job": job,
        "poll_disabled": job is no_update,
        "check_disabled": True,
        "run_disabled": True,
        "result": [],
        "preview": [],
        "progress": "0",
        "step": "",
        **_columns(None),
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


POLL_OUTPUTS: Final = {
    "progress": Output(ids.IMPORT_PROGRESS, "value", allow_duplicate=True),
    "step": Output(ids.IMPORT_STEP, "children", allow_duplicate=True),
    "result": Output(ids.IMPORT_RESULT, "children", allow_duplicate=True),
    "preview": Output(ids.IMPORT_PREVIEW, "children", allow_duplicate=True),
    "poll_disabled": Output(ids.IMPORT_POLL, "disabled", allow_duplicate=True),
    "run_disabled": Output(ids.IMPORT_RUN, "disabled", allow_duplicate=True),
    "check_disabled": Output(ids.IMPORT_CHECK, "disabled", allow_duplicate=True),
    "info": Output(ids.IMPORT_UPLOAD_INFO, "children", allow_duplicate=True),
    "token": Output(ids.IMPORT_TOKEN, "data", allow_duplicate=True),
    **_duplicates(MAP_OUTPUTS),
}


def _polled(*, polling: bool = False, **changes: Any) -> dict[str, Any]:
    """One poll's answer: polling on or off, the ``changes``, everything else as it is."""
    return {**dict.fromkeys(POLL_OUTPUTS, no_update), "poll_disabled": not polling, **changes}


def _error(lines: list[str]) -> html.Ul:
    return html.Ul(report_items(lines, ok=False), className="report")


def _shown_values() -> dict[str, dict[str, str]]:
    """Labels for the coded preview columns in the reader's language: the time band
    ("evening" is stored, "Kväll (18–22)" is shown), the category and the source."""
    session = db_session()
    return {
        "tid": {term.code: _(term.label) for term in TIME_BANDS},
        "kategori": {code: _(label) for code, label in category_options(session)},
        "kalla": {code: _(label) for code, label in source_options(session)},
    }


def _preview(result: dict[str, Any]) -> list[Any]:
    """Counts, the first valid rows and the row errors of a finished check."""
    counts = html.P(
        _(
            "%(rows)s rader lästes: %(valid)s utan fel, %(rejected)s med fel; "
            "%(duplicates)s finns redan och hoppas över.",
            **{
                k: format_number(int(result[k]))
                for k in ("rows", "valid", "rejected", "duplicates")
            },
        ),
        id=ids.IMPORT_COUNTS,
    )
    parts: list[Any] = [counts]
    if result["errors"]:
        parts.append(html.H4(_("Fel per rad (värdena visas inte)")))
        parts.append(_error(result["errors"]))
    if result["preview"]:
        head = html.Tr([html.Th(_("Rad"))] + [html.Th(_field_name(c)) for c in COLUMNS])
        shown = _shown_values()
        body = [
            html.Tr(
                [html.Td(str(line))]
                + [html.Td(shown.get(c, {}).get(row[c], row[c])) for c in COLUMNS]
            )
            for line, row in result["preview"]
        ]
        parts.append(html.H4(_("Förhandsvisning: de första %(n)s raderna utan fel", n=len(body))))
        table = html.Table(
            [html.Thead(head), html.Tbody(body)],
            className="top preview",
            id=ids.IMPORT_PREVIEW_TABLE,
        )
        parts.append(scroll_table(table, _("Förhandsvisning av importen")))
    return parts


def _read_json(path: Path) -> dict[str, Any] | None:
    """A job's result file, or None when it is missing or not a JSON object."""
    try:
        value = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _columns_read(
    status_ok: bool, messages: tuple[str, ...], job: dict[str, Any], token: Any, user_id: int
) -> dict[str, Any]:
    """A finished column read: the file's columns in the dropdowns, or why not."""
    upload = owned_upload(token, user_id, SUFFIXES)
    found = _read_json(read_result_path(upload)) if upload is not None and status_ok else None
    header = found.get("header") if found is not None else None
    if upload is None or not isinstance(header, list):
        refused = html.Span(
            " ".join(messages) or _("Filen kunde inte läsas."), className="report-error"
        )
        return _polled(info=refused, token=None, progress="0", step="", check_disabled=True)
    kind = "Excel" if found is not None and found.get("kind") == "xlsx" else "CSV"
    info = _(
        "%(name)s: %(kind)s, %(size)s kB, %(n)s kolumner. Kontrollera kolumnvalen och tryck "
        "på Kontrollera filen.",
        name=job.get("name") or _("Filen"),
        kind=kind,
        size=format_number(upload.stat().st_size // 1024),
        n=len(header),
    )
    return _polled(info=info, progress="0", step="", check_disabled=False, **_columns(header))


def _check_done(ok: bool, messages: tuple[str, ...], token: Any, user_id: int) -> dict[str, Any]:
    """A finished check: its counts, errors and preview; the import on when it passed."""
    result = html.Ul(report_items(messages, ok=ok), className="report")
    upload = owned_upload(token, user_id, SUFFIXES)
    checked = _read_json(check_result_path(upload)) if upload is not None and ok else None
    if checked is None:
        return _polled(result=result, preview=[], run_disabled=True, check_disabled=False)
    result = html.Ul(report_items(messages, ok=bool(checked["ok"])), className="report")
    return _polled(
        result=result,
        preview=_preview(checked),
        run_disabled=not checked["ok"],
        check_disabled=False,
    )


def _job(value: Any) -> dict[str, Any] | None:
    """The page's job store when it is well formed."""
    if (
        isinstance(value, dict)
        and isinstance(value.get("id"), str)
        and value.get("kind") in JOB_KINDS
    ):
        return value
    return None


def register(app: Dash) -> None:
    """Register the import page's callbacks on ``app``."""

    @app.callback(
        output={
            "info": Output(ids.IMPORT_UPLOAD_INFO, "children"),
            "token": Output(ids.IMPORT_TOKEN, "data"),
            "job": Output(ids.IMPORT_JOB, "data", allow_duplicate=True),
            "poll_disabled": Output(ids.IMPORT_POLL, "disabled", allow_duplicate=True),
            "check_disabled": Output(ids.IMPORT_CHECK, "disabled"),
            "run_disabled": Output(ids.IMPORT_RUN, "disabled"),
            "result": Output(ids.IMPORT_RESULT, "children"),
            "preview": Output(ids.IMPORT_PREVIEW, "children"),
            "progress": Output(ids.IMPORT_PROGRESS, "value"),
            "step": Output(ids.IMPORT_STEP, "children"),
            **MAP_OUTPUTS,
        },
        inputs=[Input(ids.IMPORT_UPLOADED, "data")],
        prevent_initial_call=True,
    )
    def receive_file(uploaded: Any) -> dict[str, Any]:
        """A file the upload route kept: read its columns in the background."""
        user = require_role(*ROLES)
        try:
            upload = uploaded_file(uploaded, user.id, SUFFIXES)
        except UploadError as error:
            return _upload_answer(html.Span(str(error), className="report-error"), None)
        job_id = start_background_job(JOB_KINDS["read"], user.id, ReadRequest(upload.path))
        info = _(
            "%(name)s: %(size)s kB mottagen. Läser kolumnerna …",
            name=upload.name,
            size=format_number(upload.size // 1024),
        )
        job = {"id": job_id, "kind": "read", "name": upload.name}
        return _upload_answer(info, upload.path.name, job)

    def start(kind: str, token: Any, values: tuple[Any, ...]) -> dict[str, Any]:
        user = require_role(*ROLES)
        upload = owned_upload(token, user.id, SUFFIXES)
        if upload is None:
            return _started(no_update, _error([_("Ladda upp filen (igen) först.")]))
        mapping, problems = _mapping(values)
        if kind == "import" and not problems:
            checked = _read_json(check_result_path(upload))
            if checked is None or checked.get("mapping") != mapping:
                problems.append(_("Kontrollera filen med de här kolumnvalen först."))
            elif not checked.get("ok"):
                problems.append(_("Filen har fel: rätta dem och ladda upp den igen."))
        if problems:
            return _started(no_update, _error(problems))
        request = ObservationImportRequest(
            path=upload, mapping=mapping, user_id=user.id, kommun_code=user.kommun_code
        )
        job_id = start_background_job(JOB_KINDS[kind], user.id, request)
        audit("import.started", target=JOB_KINDS[kind], details={"job": job_id})
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
        output=POLL_OUTPUTS,
        inputs=[Input(ids.IMPORT_POLL, "n_intervals")],
        state=[State(ids.IMPORT_JOB, "data"), State(ids.IMPORT_TOKEN, "data")],
        prevent_initial_call=True,
    )
    def poll(_ticks: Any, job: Any, token: Any) -> dict[str, Any]:
        """The running job's progress; when it ends, what it found."""
        user = require_role(*ROLES)
        job = _job(job)
        if job is None:
            return _polled()
        status = job_status(db_session(), job["id"], user_id=user.id, folder=upload_dir())
        if status is None:
            unknown = _error([_("Okänt importjobb.")])
            return _polled(progress="0", step="", result=unknown, preview=[], run_disabled=True)
        value = str(round(100 * status.progress))
        if status.status == "running":
            return _polled(
                polling=True,
                progress=value,
                step=status.step,
                check_disabled=True,
                run_disabled=True,
            )
        ok = status.status == "done"
        if job["kind"] == "read":
            return _columns_read(ok, status.messages, job, token, user.id)
        if job["kind"] == "check":
            return {
                **_check_done(ok, status.messages, token, user.id),
                "progress": value,
                "step": status.step,
            }
        result = html.Ul(report_items(status.messages, ok=ok), className="report")
        return _polled(
            progress=value,
            step=status.step,
            result=result,
            preview=[],
            run_disabled=True,
            check_disabled=not ok,
        )
