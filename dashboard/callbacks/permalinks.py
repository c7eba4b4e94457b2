"""The permalink of each page that shares its view: its filters as a canonical query
string (:mod:`dashboard.permalink`), written to the page's ``<prefix>-link-query``
store as ``path?query``. ``assets/permalink.js`` (the clientside callbacks below) puts
it in the address bar and the page's link field.

Each callback checks the user first (the link echoes the user's own choices and
reveals no number; opening it checks every value again).
"""

from __future__ import annotations

from typing import Any

from dash import ClientsideFunction, Dash, Input, Output

from dashboard import ids
from dashboard.auth import current_viewer
from dashboard.callbacks.planning_page.common import scope
from dashboard.pages import events_page, overview, planning_page
from dashboard.permalink import (
    events_query,
    events_state,
    overview_query,
    overview_state,
    planning_query,
    planning_state,
)
from dashboard.state import today
from data.access.scope import require_kommun


def register(app: Dash) -> None:
    """Register the link callbacks of Översikt, Tid & händelser and Planering."""

    @app.callback(
        Output(ids.OV_LINK_QUERY, "data"),
        Input(ids.KOMMUN, "value"),
        Input(ids.LEVEL, "value"),
        Input(ids.MEASURE, "value"),
        Input(ids.QUICK_PERIOD, "value"),
        Input(ids.PERIOD, "start_date"),
        Input(ids.PERIOD, "end_date"),
        Input(ids.EVENT_PERIOD, "value"),
        Input(ids.CATEGORIES, "value"),
        Input(ids.SOURCES, "value"),
        Input(ids.FOCUS, "data"),
        Input(ids.OV_AGES, "value"),
    )
    def overview_link(*values: Any) -> str | None:
        """Översikt's link: place, measure, period, categories, sources, focused area, ages."""
        viewer = current_viewer()
        names = ("kommun", "level", "measure", "quick", "start", "end", "event", "categories")
        state = overview_state(
            dict(zip((*names, "sources", "focus", "ages"), values, strict=True)), viewer, today()
        )
        if state is not None:
            require_kommun(viewer, state.kommun)
        return None if state is None else overview.PATH + overview_query(state)

    @app.callback(
        Output(ids.EV_LINK_QUERY, "data"),
        Input(ids.EV_KOMMUN, "value"),
        Input(ids.EV_LEVEL, "value"),
        Input(ids.EV_YEAR, "value"),
        Input(ids.EV_EVENT, "value"),
        Input(ids.EV_CATEGORIES, "value"),
    )
    def events_link(*values: Any) -> str | None:
        """Tid & händelser's link: place, year, event window, categories."""
        viewer = current_viewer()
        names = ("kommun", "level", "year", "event", "categories")
        state = events_state(dict(zip(names, values, strict=True)))
        if state is not None:
            require_kommun(viewer, state.kommun)
        return None if state is None else events_page.PATH + events_query(state)

    @app.callback(
        Output(ids.PL_LINK_QUERY, "data"),
        Input(ids.PL_KOMMUN, "value"),
        Input(ids.PL_LEVEL, "value"),
        Input(ids.PL_FIRST, "date"),
        Input(ids.PL_WEEKS, "value"),
    )
    def planning_link(*values: Any) -> str | None:
        """Planering's link: place, first night, weeks."""
        scope(values[0], values[1])  # the coordinator, their own kommun, a level they have
        state = planning_state(
            dict(zip(("kommun", "level", "first", "weeks"), values, strict=True))
        )
        return None if state is None else planning_page.PATH + planning_query(state)

    for query_id, link_id in (
        (ids.OV_LINK_QUERY, ids.OV_LINK),
        (ids.EV_LINK_QUERY, ids.EV_LINK),
        (ids.PL_LINK_QUERY, ids.PL_LINK),
    ):
        app.clientside_callback(
            ClientsideFunction(namespace="sspLink", function_name="show"),
            Output(link_id, "value"),
            Input(query_id, "data"),
        )
