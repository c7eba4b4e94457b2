"""Reading the overview's filters: every value the browser sends is checked here."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from dash import Input

from dashboard import ids
from dashboard.periods import (
    parse_period,
    window_value,
)
from dashboard.state import db_session, event_rules
from dashboard.state import today as clock_today
from data.access.scope import (
    AccessDenied,
    BadSelection,
    Selection,
    Viewer,
    require_kommun,
    snap_to_grain,
)
from data.calendar.municipal import kommun_windows
from data.calendar.windows import EventWindow
from data.counts.cube import monday_of

VALUE_INPUTS = (
    Input(ids.PERIOD, "start_date"),
    Input(ids.PERIOD, "end_date"),
    Input(ids.CATEGORIES, "value"),
    Input(ids.SOURCES, "value"),
    Input(ids.MEASURE, "value"),
    Input(ids.EVENT_PERIOD, "value"),
    Input(ids.OV_AGES, "value"),
)
"""The filters the map values follow (after the layer), in the order of their arguments."""
EVENT_YEARS = 2
"""Event windows offered as periods: this year's and last year's that have ended."""

MAX_FILTER_VALUES = 100


def codes_value(values: Any, what: str) -> tuple[str, ...]:
    """A multi-select value as a tuple of codes; refuses anything else with a 400."""
    if values is None or values == []:
        return ()
    if isinstance(values, str):
        values = [values]
    if (
        not isinstance(values, list)
        or len(values) > MAX_FILTER_VALUES
        or not all(isinstance(v, str) and 0 < len(v) <= 64 for v in values)
    ):
        msg = f"malformed {what}"
        raise BadSelection(msg)
    return tuple(values)


def text_value(value: Any, what: str) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= 64:
        msg = f"malformed {what}"
        raise BadSelection(msg)
    return value


def clicked_area(click: Any) -> str | None:
    """The area code in a map click event, or None for anything else."""
    if not isinstance(click, dict):
        return None
    points = click.get("points")
    if not isinstance(points, list) or not points or not isinstance(points[0], dict):
        return None
    location = points[0].get("location")
    return location if isinstance(location, str) and 0 < len(location) <= 64 else None


def read_selection(
    kommun: str | None,
    level: str | None,
    start: str | None,
    end: str | None,
    categories: Any,
    sources: Any,
    viewer: Viewer,
    focus: str | None = None,
    ages: Any = None,
) -> Selection:
    if not kommun:
        kommun = viewer.kommun_code or ""
    today = clock_today()
    first, last = parse_period(start, end, today)
    selection = Selection(
        kommun_code=text_value(kommun, "kommun"),
        level=text_value(level or "kommun", "area level"),
        first_monday=first,
        last_monday=last,
        categories=codes_value(categories, "categories"),
        sources=codes_value(sources, "sources"),
        focus_area=None if focus is None else text_value(focus, "area"),
        age_bands=codes_value(ages, "age bands"),
    )
    # Leadership sees whole months: describe the period the numbers are for.
    return snap_to_grain(selection, viewer.level, until=monday_of(today))


def event_window(event: Any, kommun: str | None, viewer: Viewer) -> EventWindow | None:
    """The kommun's event window a dropdown value names, or None (no event chosen).

    The value is looked up among the kommun's own windows of its year, so a forged
    value picks an existing window or is refused."""
    if event in (None, ""):
        return None
    if not isinstance(event, str) or len(event) > 120 or "|" not in event:
        raise BadSelection("ogiltig händelse")
    if not kommun:
        raise AccessDenied("kommun outside your scope")
    require_kommun(viewer, kommun)
    try:
        year = datetime.fromisoformat(event.split("|", 1)[1]).year
    except ValueError:
        raise BadSelection("ogiltig händelse") from None
    if not 2000 <= year <= clock_today().year:
        raise BadSelection("ogiltig händelse")
    windows = kommun_windows(db_session(), kommun, year, event_rules())
    window = next((w for w in windows if window_value(w) == event), None)
    if window is None:
        raise BadSelection("okänd händelse")
    return window


def period_is(window: EventWindow, start: Any, end: Any) -> bool:
    """True when the date range is exactly the whole weeks of ``window``."""
    first, last = window.days
    return parse_period(start, end, clock_today()) == (monday_of(first), monday_of(last))


def grain_word(viewer: Viewer) -> str:
    return "månad" if viewer.level.time_grain == "month" else "vecka"


LAYER_URL = re.compile(r"/geo/(\d{4})/([a-z]+)\.geojson\?v=(\d{1,9})")


def read_layer(layer: Any) -> tuple[str, str, str]:
    """(kommun, level, geometry URL) from the map-layer store; refuses anything else.

    The URL is the one the browser fetched; it must name the same kommun and level.
    """
    if not isinstance(layer, dict):
        msg = "malformed map layer"
        raise BadSelection(msg)
    kommun, level, url = layer.get("kommun"), layer.get("level"), layer.get("url")
    match = LAYER_URL.fullmatch(url) if isinstance(url, str) else None
    if match is None or match.group(1) != kommun or match.group(2) != level:
        msg = "malformed map layer"
        raise BadSelection(msg)
    return str(kommun), str(level), str(url)
