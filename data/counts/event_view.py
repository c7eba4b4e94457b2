"""Tid & händelser in one call: everything the page shows about one event window.

The chosen window's map and per-area comparison, the same event in every year with
data (year over year), the year's finished windows ranked, and the calendar heatmap
and time-of-day pattern of the weeks around it. Every number comes from the
queries of :mod:`data.counts.windows`, which publish it through
:func:`data.privacy.disclosure.protect`; nothing here counts on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from sqlalchemy.orm import Session

from data.access.scope import AccessDenied, BadSelection, Selection, Viewer
from data.areas.browser import layer_bounds, layer_scope
from data.calendar.holidays import holiday_entries
from data.calendar.municipal import kommun_windows
from data.calendar.windows import DEFAULT_WINDOW_RULES, STOCKHOLM, EventWindow, WindowRule
from data.counts.cube import CountCube, monday_of
from data.counts.windows import (
    AreaComparison,
    EventComparison,
    Slots,
    band_pattern,
    calendar_heatmap,
    compare_areas,
    compare_window,
    read_slots,
    slot_range,
    window_map,
    window_selection,
)
from data.privacy.disclosure import ProtectedCounts

AROUND_WEEKS: Final = 4
"""Weeks before and after the event in the heatmap and the time-of-day pattern."""


@dataclass(frozen=True, slots=True)
class EventView:
    """One event window as Tid & händelser shows it (published numbers only)."""

    window: EventWindow
    chosen: EventComparison
    """The window against its comparable normal weeks, over the viewer's scope."""
    areas: list[AreaComparison]
    map: ProtectedCounts
    bounds: tuple[float, float, float, float]
    """(west, south, east, north) of the map's layer."""
    occurrences: list[EventComparison]
    """The same event in each year with data, oldest first (finished ones only)."""
    ranked: list[EventComparison]
    """Every finished window of the chosen year."""
    heatmap: ProtectedCounts | None
    bands: ProtectedCounts | None
    refused: str | None
    """Why the day-level views are not shown (``None``: they are)."""
    marks: dict[date, str]
    """Holiday and event names by date, for the heatmap's weeks."""


def ended(window: EventWindow, today: date) -> bool:
    """True when the window is over by ``today`` (Swedish date)."""
    return window.end.astimezone(STOCKHOLM).date() <= today


def matching(windows: list[EventWindow], chosen: EventWindow) -> EventWindow | None:
    """The occurrence of ``chosen`` in another year: same key; among several (payday
    weekends) the one in the same month."""
    same = [w for w in windows if w.key == chosen.key]
    if len(same) > 1:
        same = [w for w in same if w.start.month == chosen.start.month]
    return same[0] if same else None


def holiday_marks(windows: Iterable[EventWindow], first: date, last: date) -> dict[date, str]:
    """Names of the holidays and event windows on each date from ``first`` to ``last``."""
    marks: dict[date, list[str]] = {}
    for entry in holiday_entries(range(first.year, last.year + 1)):
        if first <= entry.start <= last:
            marks.setdefault(entry.start, []).append(entry.name)
    for window in windows:
        start, end = window.days
        day = max(start, first)
        while day <= min(end, last):
            marks.setdefault(day, []).append(window.name)
            day += timedelta(days=1)
    return {d: ", ".join(dict.fromkeys(names)) for d, names in marks.items()}


def _around(
    base: Selection, window: EventWindow, today: date, weeks: int = AROUND_WEEKS
) -> Selection:
    """The whole weeks of ``window`` and ``weeks`` on each side (none after this week)."""
    around = window_selection(base, window)
    return Selection(
        base.kommun_code,
        base.level,
        around.first_monday - timedelta(weeks=weeks),
        min(around.last_monday + timedelta(weeks=weeks), monday_of(today)),
        base.categories,
    )


def event_view(
    session: Session,
    cube: CountCube,
    viewer: Viewer,
    *,
    kommun: str,
    level: str,
    categories: tuple[str, ...],
    year: int,
    chosen: Callable[[EventWindow], bool],
    today: date,
    rules: Iterable[WindowRule] = DEFAULT_WINDOW_RULES,
) -> EventView:
    """The page's view of the window of ``year`` that ``chosen`` picks among the
    kommun's windows (BadSelection when none does; AccessDenied from the queries)."""
    rules = tuple(rules)
    windows = kommun_windows(session, kommun, year, rules)
    window = next((w for w in windows if chosen(w)), None)
    if window is None:
        raise BadSelection("välj en händelse i listan")
    week = monday_of(window.days[0])
    base = Selection(kommun, level, week, week, categories)
    by_year = {
        y: kommun_windows(session, kommun, y, rules)
        for y in range(cube.first_monday.year, today.year + 1)
    }
    occurrences = [
        w for y in sorted(by_year) if (w := matching(by_year[y], window)) and ended(w, today)
    ]
    ranked = [w for w in windows if ended(w, today)]
    first, _ = slot_range([*occurrences, *ranked], AROUND_WEEKS)
    slots = read_slots(session, cube, kommun, first, today, categories=categories)

    holidays: dict[int, list[date]] = {}

    def holiday_days(year: int) -> list[date]:  # the same few years for every window
        if year not in holidays:
            holidays[year] = [e.start for e in holiday_entries([year])]
        return holidays[year]

    def compare(w: EventWindow) -> EventComparison:
        return compare_window(
            cube,
            slots,
            w,
            base,
            viewer,
            avoid=by_year.get(w.start.year, []),
            holiday_days=holiday_days(w.start.year),
        )

    overall = compare(window)
    areas = compare_areas(
        cube,
        slots,
        window,
        base,
        viewer,
        overall=overall,
        avoid=windows,
        holiday_days=holiday_days(window.start.year),
    )
    table = window_map(cube, slots, window, base, viewer)
    bounds = layer_bounds(session, layer_scope(cube, kommun, level, viewer))
    around = _around(base, window, today)
    heatmap, bands, refused = _day_views(cube, slots, around, viewer)
    return EventView(
        window=window,
        chosen=overall,
        areas=areas,
        map=table,
        bounds=bounds,
        occurrences=[compare(w) for w in occurrences],
        ranked=[compare(w) for w in ranked],
        heatmap=heatmap,
        bands=bands,
        refused=refused,
        marks=holiday_marks(windows, around.first_monday, around.last_monday + timedelta(days=6)),
    )


def _day_views(
    cube: CountCube, slots: Slots, around: Selection, viewer: Viewer
) -> tuple[ProtectedCounts | None, ProtectedCounts | None, str | None]:
    """The heatmap and the time-of-day pattern, or why the viewer may not see them."""
    try:
        return (
            calendar_heatmap(cube, slots, around, viewer),
            band_pattern(cube, slots, around, viewer),
            None,
        )
    except AccessDenied as refused:
        return None, None, str(refused)


def slots_around(
    session: Session,
    cube: CountCube,
    window: EventWindow,
    selection: Selection,
    *,
    detail: bool = False,
) -> Slots:
    """The observations a window's counts need: its days and one either side (a night
    that began the day before can reach into it), filtered like ``selection``."""
    first, last = window.days
    return read_slots(
        session,
        cube,
        selection.kommun_code,
        first - timedelta(days=1),
        last + timedelta(days=1),
        categories=selection.categories,
        sources=selection.sources,
        ages=selection.age_bands,
        detail=detail,
    )
