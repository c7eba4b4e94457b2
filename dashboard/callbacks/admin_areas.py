"""Callbacks of the admin areas page: every one requires the admin role server-side.

Files arrive through ``POST /upload/areas`` and ``/upload/population``
(:mod:`dashboard.upload_routes`). A layer's fields are read, and the layer imported,
by background jobs in a process of their own (:mod:`dashboard.jobs`), polled by one
callback; a population table (at most 5 MB) is read here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, Final

from dash import Dash, Input, Output, State, html, no_update

from dashboard import ids
from dashboard.audit import audit
from dashboard.auth import require_role
from dashboard.callbacks.submit import submit
from dashboard.formatting import format_number
from dashboard.i18n import _, ngettext
from dashboard.jobs import start_background_job
from dashboard.pages.admin_areas import LAYER_SUFFIXES, POPULATION_SUFFIXES, ROLES, summary_table
from dashboard.state import db_session
from dashboard.uploads import (
    UploadError,
    owned_upload,
    report_items,
    upload_dir,
    uploaded_file,
)
from data.areas.layers import IMPORT_LEVELS, AreaImportError, compose_area
from data.areas.listing import area_summary, member_options
from data.areas.population import import_population, parse_population_csv
from data.jobs.runners import AreaImportRequest, ReadRequest, read_result_path
from data.storage.db import Session
from data.storage.jobs import job_status

CRS_TEXT: Final = re.compile(r"(EPSG|epsg):\d{4,6}")


def _field_options(fields: list[str]) -> list[dict[str, str]]:
    return [{"label": f, "value": f} for f in fields]


PARTS = ("code", "name", "parent", "parent_name")
"""The layer fields the admin picks, in the order of the field dropdowns."""


def _field_choices(options: list[dict[str, str]], guess: dict[str, str | None]) -> dict[str, Any]:
    """Every field dropdown's options and chosen field, keyed ``<part>_options`` and
    ``<part>_field`` as in ``receive_layer``'s outputs."""
    return {
        key: value
        for part in PARTS
        for key, value in ((f"{part}_options", options), (f"{part}_field", guess.get(part)))
    }


FIELD_OUTPUTS: Final = {
    f"{part}_{what}": Output(component, "options" if what == "options" else "value")
    for part, component in (
        ("code", ids.AREA_CODE_FIELD),
        ("name", ids.AREA_NAME_FIELD),
        ("parent", ids.AREA_PARENT_FIELD),
        ("parent_name", ids.AREA_PARENT_NAME_FIELD),
    )
    for what in ("options", "field")
}
"""The field dropdowns: each one's options and chosen field."""


def _duplicates(outputs: dict[str, Output]) -> dict[str, Output]:
    """The same outputs, allowed to be shared with another callback."""
    return {
        key: Output(o.component_id, o.component_property, allow_duplicate=True)
        for key, o in outputs.items()
    }


def _received(info: Any, token: str | None, job: Any = no_update) -> dict[str, Any]:
    """The upload's answer: the info line, the token (None: nothing kept), the job
    that reads the fields (polling on while there is one), the fields cleared."""
    return {
        "info": info,
        "token": token,
        "job": job,
        "poll_disabled": job is no_update,
        "progress": "0",
        "step": "",
        **_field_choices([], {}),
    }


def _started(job: Any, *, report: Any, poll_disabled: bool, step: str) -> dict[str, Any]:
    """``start_import``'s answer: the job (``no_update`` when refused), polling on or
    off, the report, the progress bar back at zero and the step line."""
    return {
        "job": job,
        "poll_disabled": poll_disabled,
        "report": report,
        "progress": "0",
        "step": step,
    }


POLL_OUTPUTS: Final = {
    "progress": Output(ids.AREA_PROGRESS, "value", allow_duplicate=True),
    "step": Output(ids.AREA_STEP, "children", allow_duplicate=True),
    "report": Output(ids.AREA_REPORT, "children", allow_duplicate=True),
    "poll_disabled": Output(ids.AREA_POLL, "disabled", allow_duplicate=True),
    "summary": Output(ids.AREA_SUMMARY, "children"),
    "info": Output(ids.AREA_UPLOAD_INFO, "children", allow_duplicate=True),
    "token": Output(ids.AREA_UPLOAD_TOKEN, "data", allow_duplicate=True),
    **_duplicates(FIELD_OUTPUTS),
}


def _progress(*, polling: bool = False, **changes: Any) -> dict[str, Any]:
    """``poll_import``'s answer: polling on or off, the ``changes``, the rest as it is."""
    return {**dict.fromkeys(POLL_OUTPUTS, no_update), "poll_disabled": not polling, **changes}


def _fields_read(
    ok: bool, messages: tuple[str, ...], job: dict[str, Any], token: Any, user_id: int
) -> dict[str, Any]:
    """A finished field read: the layer's fields in the dropdowns (guessed), or why not."""
    upload = owned_upload(token, user_id, LAYER_SUFFIXES)
    fields = None
    if upload is not None and ok:
        try:
            fields = json.loads(read_result_path(upload).read_text("utf-8")).get("fields")
        except (OSError, ValueError, AttributeError):
            fields = None
    if upload is None or not isinstance(fields, list):
        refused = html.Span(
            " ".join(messages) or _("Filen kunde inte läsas."), className="report-error"
        )
        return _progress(info=refused, token=None, progress="0", step="")
    info = _(
        "%(name)s: %(size)s kB, %(n)s fält. Kontrollera fälten nedan.",
        name=job.get("name") or _("Filen"),
        size=format_number(upload.stat().st_size // 1024),
        n=len(fields),
    )
    choices = _field_choices(_field_options(fields), guess_fields(fields))
    return _progress(info=info, progress="0", step="", **choices)


def _summary() -> Any:
    """The areas summary table, as it is now."""
    return summary_table(area_summary(db_session()))


def guess_fields(fields: list[str]) -> dict[str, str | None]:
    """Likely code, name, parent-code and parent-name fields of an SCB-style layer.

    DeSO layers carry no names: then the code is the name. Fields about the kommun
    are never guessed (they name the kommun, not the area).
    """
    own = [f for f in fields if "kommun" not in f.lower()]

    def first(test: Callable[[str], bool]) -> str | None:
        return next((f for f in own if test(f.lower())), None)

    code = (
        first(lambda f: f.startswith("deso"))
        or first(lambda f: f.startswith("regso") and "namn" not in f)
        or first(lambda f: f in ("kod", "code", "id"))
    )
    kind = next((k for k in ("deso", "regso") if (code or "").lower().startswith(k)), None)
    name = first(lambda f: f in ("namn", "name")) or first(
        lambda f: kind is not None and f.startswith(kind) and f.endswith(("namn", "name"))
    )
    parent = None
    parent_name = None
    if code and code.lower().startswith("deso"):
        parent = first(lambda f: f.startswith("regso") and "namn" not in f)
        parent_name = first(lambda f: f.startswith("regso") and "namn" in f)
    return {"code": code, "name": name or code, "parent": parent, "parent_name": parent_name}


def register(app: Dash) -> None:
    """Register the admin callbacks on ``app``."""

    @app.callback(
        output={
            "info": Output(ids.AREA_UPLOAD_INFO, "children"),
            "token": Output(ids.AREA_UPLOAD_TOKEN, "data"),
            "job": Output(ids.AREA_JOB, "data", allow_duplicate=True),
            "poll_disabled": Output(ids.AREA_POLL, "disabled", allow_duplicate=True),
            "progress": Output(ids.AREA_PROGRESS, "value", allow_duplicate=True),
            "step": Output(ids.AREA_STEP, "children", allow_duplicate=True),
            **FIELD_OUTPUTS,
        },
        inputs=[Input(ids.AREA_UPLOADED, "data")],
        prevent_initial_call=True,
    )
    def receive_layer(uploaded: Any) -> dict[str, Any]:
        """A layer file the upload route kept: read its fields in the background."""
        user = require_role(*ROLES)
        try:
            upload = uploaded_file(uploaded, user.id, LAYER_SUFFIXES)
        except UploadError as error:
            return _received(html.Span(str(error), className="report-error"), None)
        job_id = start_background_job("areas-read", user.id, ReadRequest(upload.path))
        info = _(
            "%(name)s: %(size)s kB mottagen. Läser fälten …",
            name=upload.name,
            size=format_number(upload.size // 1024),
        )
        return _received(
            info, upload.path.name, {"id": job_id, "kind": "read", "name": upload.name}
        )

    @app.callback(
        output={
            "job": Output(ids.AREA_JOB, "data"),
            "poll_disabled": Output(ids.AREA_POLL, "disabled"),
            "report": Output(ids.AREA_REPORT, "children"),
            "progress": Output(ids.AREA_PROGRESS, "value"),
            "step": Output(ids.AREA_STEP, "children"),
        },
        inputs=[Input(ids.AREA_IMPORT, "n_clicks")],
        state=[
            State(ids.AREA_UPLOAD_TOKEN, "data"),
            State(ids.AREA_LEVEL, "value"),
            State(ids.AREA_CODE_FIELD, "value"),
            State(ids.AREA_NAME_FIELD, "value"),
            State(ids.AREA_PARENT_FIELD, "value"),
            State(ids.AREA_PARENT_NAME_FIELD, "value"),
            State(ids.AREA_CRS, "value"),
        ],
        prevent_initial_call=True,
    )
    def start_import(
        clicks: Any,
        token: Any,
        level: Any,
        code_field: Any,
        name_field: Any,
        parent_field: Any,
        parent_name_field: Any,
        crs: Any,
    ) -> dict[str, Any]:
        user = require_role(*ROLES)
        problems = []
        path = owned_upload(token, user.id, LAYER_SUFFIXES)
        if path is None:
            problems.append(_("Ladda upp en fil först."))
        if level not in IMPORT_LEVELS:
            problems.append(_("Välj nivå."))
        if not isinstance(code_field, str) or not isinstance(name_field, str):
            problems.append(_("Välj fält för kod och namn."))
        crs_text = (crs or "").strip() if isinstance(crs, str) else ""
        if crs_text and not CRS_TEXT.fullmatch(crs_text):
            problems.append(_("Koordinatsystem anges som EPSG:nnnn, t.ex. EPSG:3006."))
        if problems or path is None:
            refused = report_items(problems, ok=False)
            return _started(no_update, report=refused, poll_disabled=True, step="")
        request = AreaImportRequest(
            path=path,
            level=str(level),
            code_field=str(code_field),
            name_field=str(name_field),
            parent_field=parent_field if isinstance(parent_field, str) else None,
            parent_name_field=parent_name_field if isinstance(parent_name_field, str) else None,
            crs=crs_text.upper() or None,
        )
        job_id = start_background_job("areas-import", user.id, request)
        audit("import.started", target="areas-import", details={"job": job_id, "level": str(level)})
        job = {"id": job_id, "kind": "import"}
        return _started(job, report=[], poll_disabled=False, step=_("Startar …"))

    @app.callback(
        output=POLL_OUTPUTS,
        inputs=[Input(ids.AREA_POLL, "n_intervals")],
        state=[State(ids.AREA_JOB, "data"), State(ids.AREA_UPLOAD_TOKEN, "data")],
        prevent_initial_call=True,
    )
    def poll_import(_ticks: Any, job: Any, token: Any) -> dict[str, Any]:
        """The running job's progress; when it ends, the fields or the import's report."""
        user = require_role(*ROLES)
        if not (isinstance(job, dict) and isinstance(job.get("id"), str)):
            return _progress()
        status = job_status(db_session(), job["id"], user_id=user.id, folder=upload_dir())
        if status is None:
            unknown = report_items([_("Okänt importjobb.")], ok=False)
            return _progress(progress="0", step="", report=unknown)
        value = str(round(100 * status.progress))
        if status.status == "running":
            return _progress(polling=True, progress=value, step=status.step)
        ok = status.status == "done"
        if job.get("kind") == "read":
            return _fields_read(ok, status.messages, job, token, user.id)
        report = report_items(status.messages, ok=ok)
        return _progress(progress=value, step=status.step, report=report, summary=_summary())

    @app.callback(
        Output(ids.POP_REPORT, "children"),
        Output(ids.AREA_SUMMARY, "children", allow_duplicate=True),
        Input(ids.POP_UPLOADED, "data"),
        prevent_initial_call=True,
    )
    def receive_population(uploaded: Any) -> tuple[Any, Any]:
        """A population table the upload route kept (at most 5 MB): import it here."""
        user = require_role(*ROLES)
        try:
            upload = uploaded_file(uploaded, user.id, POPULATION_SUFFIXES)
        except UploadError as error:
            return html.Ul(
                report_items([_("Ingenting importerades. %(error)s", error=error)], ok=False)
            ), no_update

        def save(session: Session) -> list[str]:
            values = parse_population_csv(upload.path.read_bytes())
            updated, unknown = import_population(session, values, skip_unknown=True)
            lines = [
                _("Befolkning 10–19 år uppdaterad för %(n)s områden.", n=format_number(updated))
            ]
            if unknown:
                skipped = ", ".join(unknown[:5])
                lines.append(
                    _(
                        "%(n)s koder finns inte här och hoppades över: %(codes)s",
                        n=format_number(len(unknown)),
                        codes=skipped,
                    )
                )
            return lines

        try:
            report, summary = submit(
                save,
                refused=(AreaImportError,),
                messages=lambda error: [_("Ingenting importerades. %(error)s", error=error)],
                then=_summary,
            )
        finally:
            upload.path.unlink(missing_ok=True)
        return html.Ul(report), summary

    @app.callback(
        Output(ids.OWN_MEMBERS, "options"),
        Input(ids.OWN_KOMMUN, "value"),
    )
    def own_area_members(kommun: Any) -> list[dict[str, str]]:
        require_role(*ROLES)
        if not isinstance(kommun, str):
            return []
        return [
            {"label": label, "value": code} for code, label in member_options(db_session(), kommun)
        ]

    @app.callback(
        Output(ids.OWN_REPORT, "children"),
        Output(ids.AREA_SUMMARY, "children", allow_duplicate=True),
        Input(ids.OWN_CREATE, "n_clicks"),
        State(ids.OWN_MEMBERS, "value"),
        State(ids.OWN_NAME, "value"),
        State(ids.OWN_CODE, "value"),
        prevent_initial_call=True,
    )
    def create_own_area(_clicks: Any, members: Any, name: Any, code: Any) -> tuple[Any, Any]:
        require_role(*ROLES)
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            members = []

        def save(session: Session) -> list[str]:
            area = compose_area(
                session, code=str(code or ""), name=str(name or ""), member_codes=members
            )
            return [
                ngettext(
                    "Eget område %(code)s (%(name)s) sparat av %(num)d delområde.",
                    "Eget område %(code)s (%(name)s) sparat av %(num)d delområden.",
                    len(members),
                    code=area.code,
                    name=area.name,
                )
            ]

        report, summary = submit(save, refused=(AreaImportError,), then=_summary)
        return html.Ul(report), summary
