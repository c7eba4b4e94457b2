"""Tid & händelser: the event choices of a year, then map, comparisons and calendar.

Every callback checks the user server-side (``current_viewer``); an event is named
by key and start and looked up again among the kommun's own windows, so a forged
value can only pick an existing window or be refused.
"""

from __future__ import annotations

import re
from typing import Any, Final

from dash import Dash, Input, Output, State

from dashboard import ids
from dashboard.auth import current_viewer
from dashboard.figures import band_figure, heatmap_figure, map_figure, ratio_figure
from dashboard.figures.map_table import map_number_table
from dashboard.pages.events_page import (
    area_table,
    day_views_note,
    ranked_table,
    summary,
    year_points,
)
from dashboard.periods import window_label, window_value
from dashboard.state import (
    areas_version,
    cached_view,
    current_cube,
    db_session,
    event_rules,
    today,
)
from data.access.scope import BadSelection, Viewer, require_kommun
from data.calendar.municipal import kommun_windows
from data.counts.event_view import EventView, ended, event_view

CODE = re.compile(r"[0-9A-Za-z_-]{1,64}")


def _year(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise BadSelection("ogiltigt år")
    try:
        year = int(value)
    except ValueError:
        raise BadSelection("ogiltigt år") from None
    if not 2000 <= year <= today().year:
        raise BadSelection("ogiltigt år")
    return year


def _code(value: Any, what: str) -> str:
    if not isinstance(value, str) or not CODE.fullmatch(value):
        raise BadSelection(f"ogiltig {what}")
    return value


def _categories(value: Any) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    if not isinstance(value, list) or len(value) > 50:
        raise BadSelection("ogiltiga kategorier")
    return tuple(_code(v, "kategori") for v in value)


def _kommun(value: Any, viewer: Viewer) -> str:
    return require_kommun(viewer, _code(value or viewer.kommun_code or "", "kommun"))


HIDDEN: Final = {"display": "none"}


def _day_views(view: EventView) -> dict[str, Any]:
    """The calendar card's charts, or — when they are not shown to this viewer — no
    chart at all (an empty figure would still draw axes), only the note saying why."""
    shown = view.heatmap is not None and view.bands is not None
    return {
        "heatmap": {} if view.heatmap is None else heatmap_figure(view.heatmap, marks=view.marks),
        "bands": {} if view.bands is None else band_figure(view.bands),
        "heatmap_style": {} if shown else HIDDEN,
        "bands_style": {} if shown else HIDDEN,
        "note": day_views_note(view.refused),
    }


def register(app: Dash) -> None:
    """Register the page's callbacks on ``app``."""

    @app.callback(
        Output(ids.EV_EVENT, "options"),
        Output(ids.EV_EVENT, "value"),
        Input(ids.EV_YEAR, "value"),
        Input(ids.EV_KOMMUN, "value"),
        State(ids.EV_EVENT, "value"),
    )
    def event_options(
        year: Any, kommun: Any, chosen: Any = None
    ) -> tuple[list[dict[str, str]], str | None]:
        """The year's finished event windows of the kommun; the one chosen stays (a
        permalink's), else valborg is chosen first."""
        viewer = current_viewer()
        kommun_code = _kommun(kommun, viewer)
        windows = [
            w
            for w in kommun_windows(db_session(), kommun_code, _year(year), event_rules())
            if ended(w, today())
        ]
        options = [{"label": window_label(w), "value": window_value(w)} for w in windows]
        if any(o["value"] == chosen for o in options):
            return options, str(chosen)
        first = next((w for w in windows if w.key == "valborg"), windows[0] if windows else None)
        return options, None if first is None else window_value(first)

    @app.callback(
        output={
            "summary": Output(ids.EV_SUMMARY, "children"),
            "map": Output(ids.EV_MAP, "figure"),
            "yoy": Output(ids.EV_YOY, "figure"),
            "ranked": Output(ids.EV_RANKED, "children"),
            "heatmap": Output(ids.EV_HEATMAP, "figure"),
            "bands": Output(ids.EV_BANDS, "figure"),
            "heatmap_style": Output(ids.EV_HEATMAP, "style"),
            "bands_style": Output(ids.EV_BANDS, "style"),
            "note": Output(ids.EV_HEATMAP_NOTE, "children"),
            "areas": Output(ids.EV_AREAS, "children"),
            "numbers": Output(ids.EV_MAP_TABLE, "children"),
        },
        inputs=[
            Input(ids.EV_EVENT, "value"),
            Input(ids.EV_LEVEL, "value"),
            Input(ids.EV_CATEGORIES, "value"),
            Input(ids.EV_YEAR, "value"),
            Input(ids.EV_KOMMUN, "value"),
        ],
    )
    def update_event(
        event: Any, level: Any, categories: Any, year: Any, kommun: Any
    ) -> dict[str, Any]:
        """Map, year over year, ranking and calendar of one event window."""
        viewer = current_viewer()
        kommun_code = _kommun(kommun, viewer)
        level_code = _code(level or "kommun", "områdesnivå")
        chosen = (kommun_code, level_code, _categories(categories), _year(year), str(event))
        view = cached_view(
            "tid",
            (viewer, *chosen, event_rules()),
            lambda: event_view(
                db_session(),
                current_cube(),
                viewer,
                kommun=kommun_code,
                level=level_code,
                categories=chosen[2],
                year=chosen[3],
                chosen=lambda w: window_value(w) == event,
                today=today(),
                rules=event_rules(),
            ),
        )
        window = view.window
        title = f"{window.name} {window.start.year}"
        return {
            "summary": summary(view),
            "map": map_figure(
                view.map,
                geojson_url=f"/geo/{kommun_code}/{level_code}.geojson?v={areas_version()}",
                bounds=view.bounds,
                title=title,
            ),
            "yoy": ratio_figure(year_points(view.occurrences)),
            "ranked": ranked_table(view.ranked),
            **_day_views(view),
            "areas": area_table(view.areas, view.chosen.k),
            "numbers": map_number_table(view.map, title, ids.EV_MAP_GRID),
        }
