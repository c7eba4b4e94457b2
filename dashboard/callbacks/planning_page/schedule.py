"""The schedule: propose one from the sign-ups and the walkers entered per night, save
the coordinator's edited copy (checked again in the data layer), export the saved one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final

from dash import ALL, Dash, Input, Output, State, ctx, dcc, no_update
from flask import current_app

from dashboard import ids
from dashboard.audit import audit
from dashboard.callbacks.inputs import as_number
from dashboard.callbacks.planning_page.common import period, scope
from dashboard.components import bump
from dashboard.config import pay_levels
from dashboard.i18n import _
from dashboard.pages.planning_page import EDITABLE
from dashboard.plan_exports import (
    ScheduledWalk,
    compensation_csv,
    saved_walks,
    schedule_csv,
    schedule_ics,
    schedule_pdf,
)
from dashboard.planning_views import area_options, proposal_message, schedule_table
from dashboard.state import app_state, current_cube, db_session, event_rules, now, today
from dashboard.uploads import report_items
from data.access.scope import BadSelection, Selection, Viewer
from data.calendar.windows import STOCKHOLM
from data.planning.pay import kommun_levels
from data.planning.period import plannable_areas, walk_reasons
from data.planning.printout import schedule_printout
from data.planning.registry import PlanError
from data.planning.schedule import compensation, planned_vs_done, propose, save_schedule
from data.planning.schedule_rows import MAX_ROWS, proposal_rows
from data.storage.db import unit_of_work

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
    """The proposal's rows with the coordinator's edits applied (dropped rows left out;
    each keeps its table row in ``"_row"``); :class:`BadSelection` when the browser's
    copy is not what the page sent."""
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
    return [r | {"_row": i} for i, r in enumerate(rows) if i not in dropped]


def cell_marks(
    wraps: Sequence[Mapping[str, Any]], kept: Sequence[Mapping[str, Any]], error: PlanError | None
) -> tuple[list[str], list[str]]:
    """Class and message of every schedule cell: ``invalid`` and the data layer's
    message for the refused fields (their rows counted among the kept rows)."""
    bad: dict[tuple[int, str], str] = {}
    for (index, column), message in (error.cells if error else {}).items():
        if 0 <= index < len(kept):
            bad[(int(kept[index]["_row"]), "area" if column == "night" else column)] = message
    keys = [(w.get("id", {}).get("row"), w.get("id", {}).get("col")) for w in wraps]
    classes = ["field invalid" if key in bad else "field" for key in keys]
    return classes, [bad.get(key, "") for key in keys]


CELL_WRAPS: Final = {"type": ids.PL_CELL_WRAP_TYPE, "row": ALL, "col": ALL}
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
            message = _("Antal vandrare: 0–%(most)s per natt.", most=MAX_NIGHT_WALKERS)
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
        output={
            "message": Output(ids.PL_MESSAGE, "children", allow_duplicate=True),
            "refresh": Output(ids.PL_REFRESH, "data", allow_duplicate=True),
            "classes": Output(CELL_WRAPS, "className"),
            "errors": Output({"type": ids.PL_CELL_ERROR_TYPE, "row": ALL, "col": ALL}, "children"),
        },
        inputs={"_clicks": Input(ids.PL_SAVE, "n_clicks")},
        state={
            "data": State(ids.PL_SCHEDULE, "data"),
            "cells": State({"type": ids.PL_CELL_TYPE, "row": ALL, "col": ALL}, "value"),
            "cell_ids": State({"type": ids.PL_CELL_TYPE, "row": ALL, "col": ALL}, "id"),
            "kommun": State(ids.PL_KOMMUN, "value"),
            "level": State(ids.PL_LEVEL, "value"),
            "first": State(ids.PL_FIRST, "date"),
            "weeks": State(ids.PL_WEEKS, "value"),
            "refresh": State(ids.PL_REFRESH, "data"),
        },
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
    ) -> dict[str, Any]:
        """Apply the hand edits and save the schedule (the data layer checks every row,
        refuses an empty one, and names the fields it refused)."""
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
            classes, errors = cell_marks(ctx.outputs_grouping["classes"], rows, error)
            shown = [_("Schemat sparades inte."), *list(error.errors.values())[:SHOWN_ERRORS]]
            message = report_items(shown, ok=False)
            return {"message": message, "refresh": no_update, "classes": classes, "errors": errors}
        classes, errors = cell_marks(ctx.outputs_grouping["classes"], rows, None)
        message = report_items([_("Schemat är sparat: %(n)s vandringar.", n=saved)], ok=True)
        return {"message": message, "refresh": bump(refresh), "classes": classes, "errors": errors}

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
        """The saved schedule (not the browser's copy) as CSV, ICS or PDF; the pay CSV.
        Every click gives a file of its own (the name holds the export's time and the
        button's click count), so a second click downloads again instead of replacing
        the first file."""
        viewer, selection = scope(kommun, level)
        start, last = period(first, weeks)
        code = selection.kommun_code
        clicks = {ids.PL_EXPORT_CSV: _csv, ids.PL_EXPORT_ICS: _ics, ids.PL_EXPORT_PDF: _pdf}
        # The files are documents for the walkers and partners: they stay Swedish in
        # every UI language (dashboard/plan_exports.py, dashboard/schedule_pdf.py).
        number = as_number(clicks.get(str(ctx.triggered_id), _pay)) or 0
        stamp = f"{now().astimezone(STOCKHOLM):%Y%m%d-%H%M%S}-{int(number)}"
        stem = f"nattvandring-{code}-{start.isoformat()}-{stamp}"
        audit_export(ctx.triggered_id, code, start, last)
        if ctx.triggered_id == ids.PL_EXPORT_PAY:
            config = current_app.config
            pay = compensation(
                db_session(),
                code,
                start,
                last,
                levels=kommun_levels(db_session(), code)
                or config.get("SSP_PAY_LEVEL_TABLE")
                or pay_levels(config),
            )
            filename = f"ersattning-{code}-{start.isoformat()}-{stamp}.csv"
            return {"content": compensation_csv(pay), "filename": filename, "type": "text/csv"}
        walks = saved_walks(planned_vs_done(db_session(), code, start, last))
        if ctx.triggered_id == ids.PL_EXPORT_ICS:
            name = schedule_printout(db_session(), code, ()).kommun_name
            ics = schedule_ics(walks, kommun=code, stamp=now(), name=name)
            return dcc.send_bytes(ics, f"{stem}.ics")
        if ctx.triggered_id == ids.PL_EXPORT_PDF:
            pdf = walkers_pdf(walks, viewer, selection, (start, last))
            return dcc.send_bytes(pdf, f"{stem}.pdf")
        return {"content": schedule_csv(walks), "filename": f"{stem}.csv", "type": "text/csv"}


def walkers_pdf(
    walks: Sequence[ScheduledWalk], viewer: Viewer, selection: Selection, span: tuple[date, date]
) -> bytes:
    """The walkers' printed schedule: kommun name, contact, each night's reasons and a
    map of its areas (geometry from the data layer)."""
    session = db_session()
    nights = sorted({w.night for w in walks})
    reasons = walk_reasons(
        session, current_cube(), selection, viewer, nights, today=today(), rules=event_rules()
    )
    printout = schedule_printout(session, selection.kommun_code, {w.area_code for w in walks})
    return schedule_pdf(
        walks,
        kommun=printout.kommun_name,
        reasons=reasons,
        period=span,
        contact=printout.contact,
        outlines=printout.outlines,
    )
