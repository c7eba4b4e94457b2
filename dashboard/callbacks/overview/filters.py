"""The overview's filter callbacks: levels, event periods, dates, map layer, focused area."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, no_update

from dashboard import ids
from dashboard.auth import current_viewer
from dashboard.callbacks.overview.selection import (
    EVENT_YEARS,
    clicked_area,
    event_window,
    period_is,
    text_value,
)
from dashboard.i18n import term_label
from dashboard.periods import (
    parse_period,
    quick_period,
    window_label,
    window_value,
)
from dashboard.state import current_cube, db_session, event_rules
from dashboard.state import today as clock_today
from data.access.scope import (
    AccessDenied,
    BadSelection,
    available_levels,
    default_level,
    require_kommun,
)
from data.calendar.municipal import kommun_windows, school_entries
from data.calendar.windows import STOCKHOLM
from data.counts.cube import monday_of
from data.vocabulary import AREA_LEVELS


def _period(
    start: Any = no_update, end: Any = no_update, event: Any = no_update, quick: Any = no_update
) -> dict[str, Any]:
    """``sync_period``'s answer: the dates, the chosen event and the quick pick
    (``no_update``: as it is; ``None`` for the event: cleared; ``None`` for the quick
    pick: none selected, the period is an event's)."""
    return {"start": start, "end": end, "event": event, "quick": quick}


def _quick_matches(choice: Any, start: Any, end: Any, code: str | None, viewer: Any) -> bool:
    """True when the dates are exactly what the quick pick ``choice`` sets today."""
    if not isinstance(choice, str) or choice == "custom":
        return False
    school = (
        school_entries(db_session(), code)
        if choice == "term" and code and viewer.may_see_kommun(code)
        else []
    )
    try:
        first, last = quick_period(choice, clock_today(), school, grain=viewer.level.time_grain)
    except BadSelection:
        return False
    today = clock_today()
    return parse_period(start, end, today) == parse_period(
        first.isoformat(), last.isoformat(), today
    )


def register(app: Dash) -> None:
    """Register the overview's filter callbacks on ``app``."""

    @app.callback(
        Output(ids.LEVEL, "options"),
        Output(ids.LEVEL, "value"),
        Input(ids.KOMMUN, "value"),
        State(ids.LEVEL, "value"),
        prevent_initial_call=True,
    )
    def level_options(kommun: str | None, current: str | None) -> tuple[Any, Any]:
        viewer = current_viewer()
        levels = available_levels(current_cube(), str(kommun or ""), viewer)
        if not levels:
            msg = f"kommun {kommun} is outside your scope"
            raise AccessDenied(msg)
        options = [{"label": term_label(AREA_LEVELS, lvl), "value": lvl} for lvl in levels]
        value = current if current in levels else default_level(levels)
        return options, value

    @app.callback(
        Output(ids.EVENT_PERIOD, "options"),
        Input(ids.KOMMUN, "value"),
    )
    def event_period_options(kommun: Any) -> list[dict[str, str]]:
        """This year's and last year's finished event windows of the kommun, newest first."""
        viewer = current_viewer()
        code = text_value(kommun or viewer.kommun_code or "", "kommun")
        require_kommun(viewer, code)
        today = clock_today()
        windows = [
            w
            for year in range(today.year - EVENT_YEARS + 1, today.year + 1)
            for w in kommun_windows(db_session(), code, year, event_rules())
            if w.end.astimezone(STOCKHOLM).date() <= today
        ]
        return [
            {"label": window_label(w, year=True), "value": window_value(w)}
            for w in sorted(windows, key=lambda w: w.start, reverse=True)
        ]

    @app.callback(
        output={
            "start": Output(ids.PERIOD, "start_date"),
            "end": Output(ids.PERIOD, "end_date"),
            "event": Output(ids.EVENT_PERIOD, "value"),
            "quick": Output(ids.QUICK_PERIOD, "value"),
        },
        inputs=[
            Input(ids.QUICK_PERIOD, "value"),
            Input(ids.EVENT_PERIOD, "value"),
            Input(ids.PERIOD, "start_date"),
            Input(ids.PERIOD, "end_date"),
        ],
        state=[State(ids.KOMMUN, "value")],
        prevent_initial_call=True,
    )
    def sync_period(choice: Any, event: Any, start: Any, end: Any, kommun: Any) -> dict[str, Any]:
        """Keep the date range, the quick pick and the event in step: a quick pick sets
        the dates and clears the event; an event sets the dates to its whole weeks and
        clears the quick pick (it no longer says what is shown); dates changed by hand
        clear an event they no longer match and turn the quick pick to "Eget
        datumintervall" unless they are still the pick's."""
        viewer = current_viewer()
        code = kommun if isinstance(kommun, str) and kommun else viewer.kommun_code
        if ctx.triggered_id == ids.EVENT_PERIOD:
            window = event_window(event, code, viewer)
            if window is None:  # event cleared: the dates stay, as a range of one's own
                return _period(quick="custom" if not choice else no_update)
            first, last = window.days
            return _period(
                monday_of(first).isoformat(),
                (monday_of(last) + timedelta(days=6)).isoformat(),
                quick=None,
            )
        if ctx.triggered_id == ids.PERIOD:
            window = event_window(event, code, viewer)
            if window is not None and period_is(window, start, end):
                return _period()
            quick = no_update if _quick_matches(choice, start, end, code, viewer) else "custom"
            return _period(event=None if window is not None else no_update, quick=quick)
        if not choice or choice == "custom":
            return _period()
        if not isinstance(choice, str):
            msg = "malformed quick period"
            raise BadSelection(msg)
        school = (
            school_entries(db_session(), code)
            if choice == "term" and code and viewer.may_see_kommun(code)
            else []
        )
        first, last = quick_period(choice, clock_today(), school, grain=viewer.level.time_grain)
        return _period(first.isoformat(), last.isoformat(), event=None)

    app.clientside_callback(
        ClientsideFunction(namespace="ssp", function_name="loadLayer"),
        Output(ids.MAP_LAYER, "data"),
        Input(ids.KOMMUN, "value"),
        Input(ids.LEVEL, "value"),
        State(ids.AREAS_VERSION, "data"),
    )

    @app.callback(
        Output(ids.FOCUS, "data"),
        Input(ids.MAP, "clickData"),
        Input(ids.FOCUS_CLEAR, "n_clicks"),
        Input(ids.KOMMUN, "value"),
        Input(ids.LEVEL, "value"),
        prevent_initial_call=True,
    )
    def choose_focus(click: Any, _clear: Any, _kommun: Any, _level: Any) -> str | None:
        current_viewer()
        if ctx.triggered_id != ids.MAP:
            return None
        return clicked_area(click)
