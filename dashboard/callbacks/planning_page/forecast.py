"""The period view: forecast, nights, sign-ups, planned vs done, yearly figures and
meetings of the chosen period, all from one data-layer call."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, ctx, no_update

from dashboard import ids
from dashboard.callbacks.planning_page.common import period, scope
from dashboard.planning_views import period_view
from dashboard.state import cached_view, current_cube, db_session, event_rules, today
from data.planning.period import period_plan

OUTPUTS = {
    "forecast": Output(ids.PL_FORECAST, "figure"),
    "reasons": Output(ids.PL_REASONS, "children"),
    "nights": Output(ids.PL_NIGHTS, "children"),
    "signup_nights": Output(ids.PL_SIGNUP_NIGHT, "options"),
    "associations": Output(ids.PL_ASSOCIATION, "options"),
    "signups": Output(ids.PL_SIGNUPS, "children"),
    "done": Output(ids.PL_DONE, "children"),
    "yearly": Output(ids.PL_YEARLY, "children"),
    "meeting_areas": Output(ids.PL_MEETING_AREA, "options"),
    "meetings": Output(ids.PL_MEETINGS, "children"),
}
"""The period view's outputs; :func:`dashboard.planning_views.period_view` fills them."""


def register(app: Dash) -> None:
    """Register the period view's callback on ``app``."""

    @app.callback(
        output=OUTPUTS,
        inputs=[
            Input(ids.PL_KOMMUN, "value"),
            Input(ids.PL_LEVEL, "value"),
            Input(ids.PL_FIRST, "date"),
            Input(ids.PL_WEEKS, "value"),
            Input(ids.PL_REFRESH, "data"),
        ],
    )
    def show(kommun: Any, level: Any, first: Any, weeks: Any, _refresh: Any) -> dict[str, Any]:
        """Forecast, nights, sign-ups, planned vs done and meetings of the period."""
        viewer, selection = scope(kommun, level)
        start, last = period(first, weeks)
        plan = period_plan(
            db_session(),
            current_cube(),
            selection,
            viewer,
            first=start,
            last=last,
            today=today(),
            rules=event_rules(),
            memo=lambda key, build: cached_view("forecast", key, build),
        )
        view = period_view(plan)
        if ctx.triggered_id == ids.PL_REFRESH:
            # A sign-up, association or saved schedule changed the lists: the walker
            # inputs stay as typed (the nights only change with the period).
            view["nights"] = no_update
        return view
