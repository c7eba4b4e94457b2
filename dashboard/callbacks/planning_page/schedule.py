"""The schedule: propose one from the sign-ups and the walkers entered per night, save
the coordinator's edited copy (checked again in the data layer), export the saved one."""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from dash import ALL, Dash, Input, Output, State, ctx, dcc, no_update
from flask import current_app

from dashboard import ids
from dashboard.audit import audit
from dashboard.callbacks.inputs import as_number
from dashboard.callbacks.planning_page.common import period, scope
from dashboard.components import bump
from dashboard.pages.planning_page import EDITABLE
from dashboard.plan_exports import (
    compensation_csv,
    saved_walks,
    schedule_csv,
    schedule_ics,
    schedule_pdf,
)
from dashboard.planning_views import area_options, proposal_message, schedule_table
from dashboard.state import app_state, current_cube, db_session, event_rules, now, today
from dashboard.uploads import report_items
from data.access.scope import BadSelection
from data.planning.period import plannable_areas, walk_reasons
from data.planning.registry import PlanError
from data.planning.schedule import compensation, planned_vs_done, propose, save_schedule
from data.planning.schedule_rows import MAX_ROWS, proposal_rows
from data.storage.db import unit_of_work

PAY_MIN_WALKERS: Final = 3
MAX_NIGHT_WALKERS: Final = 1000
SHOWN_ERRORS: Final = 20


def night_walkers(values: Any, inputs: Any) -> dict[date, int] | None:
    """The walkers entered per night (empty inputs skipped); ``None`` when a number is
    out of range, :class:`BadSelection` when a night is forged."""
    walkers: dict[date, int] = {}
    for value, component in zip(values or [], inputs or [], strict=False):
        night = component.get("night") if isinstance(component, dict) else None
        if value in (None, ""):
            continue
        number = as_number(value)
        if number is None or not 0 <= number <= MAX_NIGHT_WALKERS:
            return None
        try:
            walkers[date.fromisoformat(str(night))] = int(number)
        except ValueError:
            raise BadSelection("ogiltig natt") from None
    return walkers


def edited_rows(data: Any, cells: Any, cell_ids: Any) -> list[dict[str, Any]]:
    """The proposal's rows with the coordinator's edits applied (dropped rows left out);
    :class:`BadSelection` when the browser's copy is not what the page sent."""
    if not all(isinstance(v, list) for v in (data, cells, cell_ids)) or len(data) > MAX_ROWS:
        raise BadSelection("ogiltigt schema")
    rows = [dict(r) if isinstance(r, dict) else {} for r in data]
    dropped = set()
    for value, component in zip(cells, cell_ids, strict=False):
        if not isinstance(component, dict):
            raise BadSelection("ogiltigt schema")
        row, col = component.get("row"), component.get("col")
        if not isinstance(row, int) or not 0 <= row < len(rows) or col not in (*EDITABLE, "drop"):
            raise BadSelection("ogiltigt schema")
        if col == "drop":
            if value:
                dropped.add(row)
        else:
            rows[row][col] = value
    return [r for i, r in enumerate(rows) if i not in dropped]


EXPORT_FORMATS: Final = {ids.PL_EXPORT_ICS: "ics", ids.PL_EXPORT_PDF: "pdf"}


def audit_export(clicked: Any, kommun: str, first: date, last: date) -> None:
    """Record a schedule or pay export in the audit log: format, kommun and period."""
    period_details = {"kommun": kommun, "from": first.isoformat(), "to": last.isoformat()}
    if clicked == ids.PL_EXPORT_PAY:
        audit("export.compensation", target=kommun, details=period_details)
        return
    fmt = EXPORT_FORMATS.get(clicked, "csv")
    audit("export.schedule", target=kommun, details={**period_details, "format": fmt})


def register(app: Dash) -> None:
    """Register the propose, save and export callbacks on ``app``."""

    @app.callback(
        output={
            "rows": Output(ids.PL_SCHEDULE, "data"),
            "table": Output(ids.PL_SCHEDULE_TABLE, "children"),
            "message": Output(ids.PL_MESSAGE, "children", allow_duplicate=True),
        },
        inputs=[Input(ids.PL_PROPOSE, "n_clicks")],
        state=[
            State({"type": ids.PL_WALKERS_TYPE, "night": ALL}, "value"),
            State({"type": ids.PL_WALKERS_TYPE, "night": ALL}, "id"),
            State(ids.PL_KOMMUN, "value"),
            State(ids.PL_LEVEL, "value"),
            State(ids.PL_FIRST, "date"),
            State(ids.PL_WEEKS, "value"),
        ],
        prevent_initial_call=True,
    )
    def propose_schedule(
        _clicks: Any, values: Any, inputs: Any, kommun: Any, level: Any, first: Any, weeks: Any
    ) -> dict[str, Any]:
        """The optimised schedule from the sign-ups and the walkers entered per night."""
        viewer, selection = scope(kommun, level)
        start, last = period(first, weeks)
        refused = {"rows": no_update, "table": no_update}
        walkers = night_walkers(values, inputs)
        if walkers is None:
            message = f"Antal vandrare: 0–{MAX_NIGHT_WALKERS} per natt."
            return refused | {"message": report_items([message], ok=False)}
        cube = current_cube()
        try:
            proposal = propose(
                db_session(),
                cube,
                selection,
                viewer,
                first=start,
                last=last,
                walkers=walkers,
                rules=event_rules(),
                today=today(),
            )
        except PlanError as error:
            return refused | {"message": report_items(list(error.errors.values()), ok=False)}
        areas = plannable_areas(cube, selection.kommun_code)
        rows = proposal_rows(proposal.walks, areas)
        return {
            "rows": rows,
            "table": schedule_table(rows, area_options(areas)),
            "message": report_items([proposal_message(proposal)], ok=bool(rows)),
        }

    @app.callback(
        Output(ids.PL_MESSAGE, "children", allow_duplicate=True),
        Output(ids.PL_REFRESH, "data", allow_duplicate=True),
        Input(ids.PL_SAVE, "n_clicks"),
        State(ids.PL_SCHEDULE, "data"),
        State({"type": ids.PL_CELL_TYPE, "row": ALL, "col": ALL}, "value"),
        State({"type": ids.PL_CELL_TYPE, "row": ALL, "col": ALL}, "id"),
        State(ids.PL_KOMMUN, "value"),
        State(ids.PL_LEVEL, "value"),
        State(ids.PL_FIRST, "date"),
        State(ids.PL_WEEKS, "value"),
        State(ids.PL_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def save(
        _clicks: Any,
        data: Any,
        cells: Any,
        cell_ids: Any,
        kommun: Any,
        level: Any,
        first: Any,
        weeks: Any,
        refresh: Any,
    ) -> tuple[Any, Any]:
        """Apply the hand edits and save the schedule (the data layer checks every row)."""
        _viewer, selection = scope(kommun, level)
        start, last = period(first, weeks)
        rows = edited_rows(data, cells, cell_ids)
        code = selection.kommun_code
        try:
            with unit_of_work(app_state().sessions) as session:
                saved = save_schedule(
                    session, code, start, last, rows, areas=plannable_areas(current_cube(), code)
                )
        except PlanError as error:
            errors = list(error.errors.values())[:SHOWN_ERRORS]
            return report_items(["Schemat sparades inte.", *errors], ok=False), no_update
        return report_items([f"Schemat är sparat: {saved} vandringar."], ok=True), bump(refresh)

    @app.callback(
        Output(ids.PL_DOWNLOAD, "data"),
        Input(ids.PL_EXPORT_CSV, "n_clicks"),
        Input(ids.PL_EXPORT_ICS, "n_clicks"),
        Input(ids.PL_EXPORT_PDF, "n_clicks"),
        Input(ids.PL_EXPORT_PAY, "n_clicks"),
        State(ids.PL_KOMMUN, "value"),
        State(ids.PL_LEVEL, "value"),
        State(ids.PL_FIRST, "date"),
        State(ids.PL_WEEKS, "value"),
        prevent_initial_call=True,
    )
    def export(
        _csv: Any, _ics: Any, _pdf: Any, _pay: Any, kommun: Any, level: Any, first: Any, weeks: Any
    ) -> Any:
        """The saved schedule (not the browser's copy) as CSV, ICS or PDF; the pay CSV."""
        viewer, selection = scope(kommun, level)
        start, last = period(first, weeks)
        code = selection.kommun_code
        stem = f"nattvandring-{code}-{start.isoformat()}"
        audit_export(ctx.triggered_id, code, start, last)
        if ctx.triggered_id == ids.PL_EXPORT_PAY:
            config = current_app.config
            pay = compensation(
                db_session(),
                code,
                start,
                last,
                min_walkers=int(config.get("SSP_PAY_MIN_WALKERS", PAY_MIN_WALKERS)),
                per_night=float(config.get("SSP_PAY_PER_NIGHT", 0)),
            )
            filename = f"ersattning-{code}-{start.isoformat()}.csv"
            return {"content": compensation_csv(pay), "filename": filename, "type": "text/csv"}
        walks = saved_walks(planned_vs_done(db_session(), code, start, last))
        if ctx.triggered_id == ids.PL_EXPORT_ICS:
            return dcc.send_bytes(schedule_ics(walks, kommun=code, stamp=now()), f"{stem}.ics")
        if ctx.triggered_id == ids.PL_EXPORT_PDF:
            nights = sorted({w.night for w in walks})
            reasons = walk_reasons(
                db_session(),
                current_cube(),
                selection,
                viewer,
                nights,
                today=today(),
                rules=event_rules(),
            )
            return dcc.send_bytes(schedule_pdf(walks, kommun=code, reasons=reasons), f"{stem}.pdf")
        return {"content": schedule_csv(walks), "filename": f"{stem}.csv", "type": "text/csv"}
