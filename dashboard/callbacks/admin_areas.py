"""Callbacks of the admin areas page: every one requires the admin role server-side."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from dash import Dash, Input, Output, State, html, no_update
from flask import current_app

from dashboard import ids
from dashboard.audit import audit
from dashboard.auth import require_role
from dashboard.callbacks.submit import store, submit
from dashboard.jobs import AreaImportRequest, start_area_import
from dashboard.pages.admin_areas import ROLES, summary_table
from dashboard.state import db_session
from dashboard.uploads import (
    UploadError,
    decode_upload,
    keep_upload,
    report_items,
    upload_dir,
)
from data.areas.layers import (
    IMPORT_LEVELS,
    LAYER_FORMATS,
    AreaImportError,
    compose_area,
    layer_fields,
)
from data.areas.listing import area_summary, member_options
from data.areas.population import import_population, parse_population_csv
from data.storage.db import Session
from data.storage.jobs import job_status, start_job

MAX_LAYER_BYTES = 100 * 1024 * 1024
MAX_POPULATION_BYTES = 20 * 1024 * 1024
TOKEN = re.compile(r"[0-9a-f]{32}\.(geojson|json|gpkg|zip|parquet|geoparquet)")
CRS_TEXT = re.compile(r"(EPSG|epsg):\d{4,6}")


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


def _layer_refused(message: str) -> dict[str, Any]:
    """The upload's answer when the file cannot be used: the message, nothing kept."""
    return {
        "info": html.Span(message, className="report-error"),
        "token": None,
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


def _progress(
    value: Any = no_update,
    step: Any = no_update,
    *,
    report: Any,
    poll_disabled: bool,
    summary: Any = no_update,
) -> dict[str, Any]:
    """``poll_import``'s answer; what is not given stays as it is."""
    return {
        "progress": value,
        "step": step,
        "report": report,
        "poll_disabled": poll_disabled,
        "summary": summary,
    }


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
            "code_options": Output(ids.AREA_CODE_FIELD, "options"),
            "code_field": Output(ids.AREA_CODE_FIELD, "value"),
            "name_options": Output(ids.AREA_NAME_FIELD, "options"),
            "name_field": Output(ids.AREA_NAME_FIELD, "value"),
            "parent_options": Output(ids.AREA_PARENT_FIELD, "options"),
            "parent_field": Output(ids.AREA_PARENT_FIELD, "value"),
            "parent_name_options": Output(ids.AREA_PARENT_NAME_FIELD, "options"),
            "parent_name_field": Output(ids.AREA_PARENT_NAME_FIELD, "value"),
        },
        inputs=[Input(ids.AREA_UPLOAD, "contents")],
        state=[State(ids.AREA_UPLOAD, "filename")],
        prevent_initial_call=True,
    )
    def receive_layer(contents: Any, filename: Any) -> dict[str, Any]:
        require_role(*ROLES)
        try:
            upload = keep_upload(
                contents,
                filename,
                suffixes=LAYER_FORMATS,
                accepted="GeoJSON, GeoPackage, zippad Shapefile eller GeoParquet",
                limit=MAX_LAYER_BYTES,
                read=lambda path, _data: layer_fields(path),
            )
        except (AreaImportError, UploadError) as error:
            return _layer_refused(str(error))
        except Exception:
            current_app.logger.exception("reading an uploaded layer failed")
            return _layer_refused("Filen kunde inte läsas som kartlager.")
        fields = upload.content
        options = _field_options(fields)
        guess = guess_fields(fields)
        info = (
            f"{upload.name}: {upload.size // 1024} kB, {len(fields)} fält. "
            "Kontrollera fälten nedan."
        )
        return {"info": info, "token": upload.token, **_field_choices(options, guess)}

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
        if not isinstance(token, str) or not TOKEN.fullmatch(token):
            problems.append("Ladda upp en fil först.")
        if level not in IMPORT_LEVELS:
            problems.append("Välj nivå.")
        if not isinstance(code_field, str) or not isinstance(name_field, str):
            problems.append("Välj fält för kod och namn.")
        crs_text = (crs or "").strip() if isinstance(crs, str) else ""
        if crs_text and not CRS_TEXT.fullmatch(crs_text):
            problems.append("Koordinatsystem anges som EPSG:nnnn, t.ex. EPSG:3006.")
        path = upload_dir() / str(token)
        if not problems and not path.exists():
            problems.append("Filen finns inte längre; ladda upp den igen.")
        if problems:
            refused = report_items(problems, ok=False)
            return _started(no_update, report=refused, poll_disabled=True, step="")
        job_id = store(lambda session: start_job(session, kind="areas", user_id=user.id))
        request = AreaImportRequest(
            path=path,
            level=str(level),
            code_field=str(code_field),
            name_field=str(name_field),
            parent_field=parent_field if isinstance(parent_field, str) else None,
            parent_name_field=parent_name_field if isinstance(parent_name_field, str) else None,
            crs=crs_text.upper() or None,
        )
        audit("import.started", target="areas", details={"job": job_id, "level": str(level)})
        start_area_import(current_app._get_current_object(), job_id, request)  # type: ignore[attr-defined]
        return _started(job_id, report=[], poll_disabled=False, step="Startar …")

    @app.callback(
        output={
            "progress": Output(ids.AREA_PROGRESS, "value", allow_duplicate=True),
            "step": Output(ids.AREA_STEP, "children", allow_duplicate=True),
            "report": Output(ids.AREA_REPORT, "children", allow_duplicate=True),
            "poll_disabled": Output(ids.AREA_POLL, "disabled", allow_duplicate=True),
            "summary": Output(ids.AREA_SUMMARY, "children"),
        },
        inputs=[Input(ids.AREA_POLL, "n_intervals")],
        state=[State(ids.AREA_JOB, "data")],
        prevent_initial_call=True,
    )
    def poll_import(_ticks: Any, job_id: Any) -> dict[str, Any]:
        user = require_role(*ROLES)
        if not isinstance(job_id, str):
            return _progress(report=no_update, poll_disabled=True)
        status = job_status(db_session(), job_id, user_id=user.id, folder=upload_dir())
        if status is None:
            unknown = report_items(["Okänt importjobb."], ok=False)
            return _progress("0", "", report=unknown, poll_disabled=True)
        value = str(round(100 * status.progress))
        if status.status == "running":
            return _progress(value, status.step, report=no_update, poll_disabled=False)
        report = report_items(status.messages, ok=status.status == "done")
        return _progress(value, status.step, report=report, poll_disabled=True, summary=_summary())

    @app.callback(
        Output(ids.POP_REPORT, "children"),
        Output(ids.AREA_SUMMARY, "children", allow_duplicate=True),
        Input(ids.POP_UPLOAD, "contents"),
        prevent_initial_call=True,
    )
    def receive_population(contents: Any) -> tuple[Any, Any]:
        require_role(*ROLES)

        def save(session: Session) -> list[str]:
            values = parse_population_csv(decode_upload(contents, MAX_POPULATION_BYTES))
            updated, unknown = import_population(session, values, skip_unknown=True)
            lines = [f"Befolkning 10–19 år uppdaterad för {updated} områden."]
            if unknown:
                skipped = ", ".join(unknown[:5])
                lines.append(f"{len(unknown)} koder finns inte här och hoppades över: {skipped}")
            return lines

        report, summary = submit(
            save,
            refused=(AreaImportError, UploadError),
            messages=lambda error: [f"Ingenting importerades. {error}"],
            then=_summary,
        )
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
            return [f"Eget område {area.code} ({area.name}) sparat av {len(members)} delområden."]

        report, summary = submit(save, refused=(AreaImportError,), then=_summary)
        return html.Ul(report), summary
