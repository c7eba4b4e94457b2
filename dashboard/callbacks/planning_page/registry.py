"""Who walks and what matters: associations, sign-ups, sign-up removal, parent meetings
and the per-category severities the forecast weighs by."""

from __future__ import annotations

from datetime import date
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from dashboard import ids
from dashboard.callbacks.inputs import as_number
from dashboard.callbacks.planning_page.common import CODE, scope
from dashboard.components import bump
from dashboard.planning_views import severity_inputs
from dashboard.state import app_state, db_session
from dashboard.uploads import report_items
from data.access.scope import BadSelection
from data.counts.options import category_options
from data.planning.meetings import add_meeting
from data.planning.registry import (
    PlanError,
    add_association,
    add_signup,
    delete_signup,
    set_severity,
    severity,
)
from data.storage.db import unit_of_work


def register(app: Dash) -> None:
    """Register the association, sign-up and meeting callbacks on ``app``."""

    @app.callback(
        Output(ids.PL_SIGNUP_MESSAGE, "children", allow_duplicate=True),
        Output(ids.PL_REFRESH, "data", allow_duplicate=True),
        Input(ids.PL_ADD_ASSOCIATION, "n_clicks"),
        State(ids.PL_NEW_ASSOCIATION, "value"),
        State(ids.PL_KOMMUN, "value"),
        State(ids.PL_LEVEL, "value"),
        State(ids.PL_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def new_association(
        _c: Any, name: Any, kommun: Any, level: Any, refresh: Any
    ) -> tuple[Any, Any]:
        _viewer, selection = scope(kommun, level)
        try:
            with unit_of_work(app_state().sessions) as session:
                add_association(
                    session, selection.kommun_code, name if isinstance(name, str) else ""
                )
        except PlanError as error:
            return report_items(list(error.errors.values()), ok=False), no_update
        return report_items(["Föreningen är tillagd."], ok=True), bump(refresh)

    @app.callback(
        Output(ids.PL_SIGNUP_MESSAGE, "children", allow_duplicate=True),
        Output(ids.PL_REFRESH, "data", allow_duplicate=True),
        Input(ids.PL_ADD_SIGNUP, "n_clicks"),
        State(ids.PL_ASSOCIATION, "value"),
        State(ids.PL_SIGNUP_NIGHT, "value"),
        State(ids.PL_SIGNUP_WALKERS, "value"),
        State(ids.PL_SIGNUP_START, "value"),
        State(ids.PL_SIGNUP_END, "value"),
        State(ids.PL_KOMMUN, "value"),
        State(ids.PL_LEVEL, "value"),
        State(ids.PL_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def new_signup(
        _c: Any,
        association: Any,
        night: Any,
        walkers: Any,
        start: Any,
        end: Any,
        kommun: Any,
        level: Any,
        refresh: Any,
    ) -> tuple[Any, Any]:
        _viewer, selection = scope(kommun, level)
        try:
            day = date.fromisoformat(str(night))
        except ValueError:
            return report_items(["Välj en natt."], ok=False), no_update
        if not isinstance(association, int) or isinstance(association, bool):
            return report_items(["Välj en förening."], ok=False), no_update
        count = int(as_number(walkers) or 0)
        try:
            with unit_of_work(app_state().sessions) as session:
                add_signup(
                    session,
                    selection.kommun_code,
                    association_id=association,
                    night=day,
                    walkers=count,
                    start=str(start or "").strip(),
                    end=str(end or "").strip(),
                )
        except PlanError as error:
            return report_items(list(error.errors.values()), ok=False), no_update
        return report_items(["Anmälan är tillagd."], ok=True), bump(refresh)

    @app.callback(
        Output(ids.PL_SIGNUP_MESSAGE, "children", allow_duplicate=True),
        Output(ids.PL_REFRESH, "data", allow_duplicate=True),
        Input({"type": ids.PL_DELETE_TYPE, "item": ALL}, "n_clicks"),
        State(ids.PL_KOMMUN, "value"),
        State(ids.PL_LEVEL, "value"),
        State(ids.PL_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def remove(clicks: Any, kommun: Any, level: Any, refresh: Any) -> tuple[Any, Any]:
        _viewer, selection = scope(kommun, level)
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not any(
            isinstance(c, int) and c > 0 for c in clicks or []
        ):
            return no_update, no_update
        item = str(trigger.get("item", ""))
        kind, _, key = item.partition("|")
        if kind != "signup" or not key.isdigit():
            raise BadSelection("okänt val")
        with unit_of_work(app_state().sessions) as session:
            removed = delete_signup(session, selection.kommun_code, int(key))
        return report_items(
            ["Anmälan är borttagen." if removed else "Fanns inte."], ok=removed
        ), bump(refresh)

    @app.callback(
        Output(ids.PL_MEETING_MESSAGE, "children", allow_duplicate=True),
        Output(ids.PL_REFRESH, "data", allow_duplicate=True),
        Input(ids.PL_ADD_MEETING, "n_clicks"),
        State(ids.PL_MEETING_AREA, "value"),
        State(ids.PL_MEETING_DATE, "date"),
        State(ids.PL_MEETING_PLACE, "value"),
        State(ids.PL_MEETING_THEME, "value"),
        State(ids.PL_MEETING_ATTENDING, "value"),
        State(ids.PL_MEETING_FOLLOW_UP, "date"),
        State(ids.PL_KOMMUN, "value"),
        State(ids.PL_LEVEL, "value"),
        State(ids.PL_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def new_meeting(
        _c: Any,
        area: Any,
        held: Any,
        place: Any,
        theme: Any,
        attending: Any,
        follow: Any,
        kommun: Any,
        level: Any,
        refresh: Any,
    ) -> tuple[Any, Any]:
        _viewer, selection = scope(kommun, level)
        try:
            held_on = date.fromisoformat(str(held)[:10])
        except ValueError:
            return report_items(["Välj mötets datum."], ok=False), no_update
        try:
            follow_up = date.fromisoformat(str(follow)[:10]) if follow else None
        except ValueError:
            follow_up = None
        number = as_number(attending)
        count = None if number is None else int(number)
        try:
            with unit_of_work(app_state().sessions) as session:
                add_meeting(
                    session,
                    selection.kommun_code,
                    area_code=area if isinstance(area, str) else "",
                    held_on=held_on,
                    place=place if isinstance(place, str) else "",
                    theme=theme if isinstance(theme, str) else "",
                    attending=count,
                    follow_up_on=follow_up,
                )
        except PlanError as error:
            return report_items(list(error.errors.values()), ok=False), no_update
        return report_items(["Mötet är sparat."], ok=True), bump(refresh)


def register_severity(app: Dash) -> None:
    """The severity inputs (0–10 per category) and saving them for the kommun."""

    @app.callback(
        Output(ids.PL_SEVERITIES, "children"),
        Input(ids.PL_KOMMUN, "value"),
        Input(ids.PL_LEVEL, "value"),
    )
    def show_severity(kommun: Any, level: Any) -> Any:
        _viewer, selection = scope(kommun, level)
        session = db_session()
        return severity_inputs(category_options(session), severity(session, selection.kommun_code))

    @app.callback(
        Output(ids.PL_SEVERITY_MESSAGE, "children"),
        Output(ids.PL_REFRESH, "data", allow_duplicate=True),
        Input(ids.PL_SAVE_SEVERITY, "n_clicks"),
        State({"type": ids.PL_SEVERITY_TYPE, "category": ALL}, "value"),
        State({"type": ids.PL_SEVERITY_TYPE, "category": ALL}, "id"),
        State(ids.PL_KOMMUN, "value"),
        State(ids.PL_LEVEL, "value"),
        State(ids.PL_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def save_severity(
        _c: Any, values: Any, components: Any, kommun: Any, level: Any, refresh: Any
    ) -> tuple[Any, Any]:
        _viewer, selection = scope(kommun, level)
        chosen: dict[str, float] = {}
        for value, component in zip(values or [], components or [], strict=False):
            code = component.get("category") if isinstance(component, dict) else None
            if not isinstance(code, str) or not CODE.fullmatch(code):
                raise BadSelection("okänd kategori")
            number = as_number(value)
            if number is None:
                return report_items(["Allvarlighet anges 0–10."], ok=False), no_update
            chosen[code] = number
        try:
            with unit_of_work(app_state().sessions) as session:
                set_severity(session, selection.kommun_code, chosen)
        except PlanError as error:
            return report_items(list(error.errors.values()), ok=False), no_update
        return report_items(["Allvarligheten är sparad; prognosen räknas om."], ok=True), bump(
            refresh
        )
