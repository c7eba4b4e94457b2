"""Tid & händelser: the event choices of a year, then map, comparisons and calendar.

Every callback checks the user server-side (``current_viewer``); an event is named
by key and start and looked up again among the kommun's own windows, so a forged
value can only pick an existing window or be refused.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Final

from dash import Dash, Input, Output, html

from dashboard import ids
from dashboard.auth import current_viewer
from dashboard.figures import band_figure, heatmap_figure, map_figure, ratio_figure
from dashboard.periods import window_label, window_value
from dashboard.state import areas_version, current_cube, db_session, event_rules, today
from data.access.scope import AccessDenied, BadSelection, Selection, Viewer
from data.areas.browser import layer_bounds, layer_scope
from data.calendar.holidays import holiday_entries
from data.calendar.municipal import kommun_windows
from data.calendar.windows import STOCKHOLM, EventWindow
from data.counts.cube import monday_of
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

AROUND_WEEKS: Final = 4
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
    kommun = _code(value or viewer.kommun_code or "", "kommun")
    if not viewer.may_see_kommun(kommun):
        raise AccessDenied(f"kommun {kommun} is outside your scope")
    return kommun


def _ended(window: EventWindow) -> bool:
    return window.end.astimezone(STOCKHOLM).date() <= today()


def matching(windows: list[EventWindow], chosen: EventWindow) -> EventWindow | None:
    """The occurrence of ``chosen`` in another year: same key; among several (payday
    weekends) the one in the same month."""
    same = [w for w in windows if w.key == chosen.key]
    if len(same) > 1:
        same = [w for w in same if w.start.month == chosen.start.month]
    return same[0] if same else None


def _comparison_text(c: EventComparison) -> str:
    """Swedish one-liner; every number is a published one or derived from them."""
    observed = f"<{c.k}" if c.observed is None else str(c.observed)
    if c.result is None or c.result.expected is None:
        reason = (
            "för få händelser för att jämföra"
            if c.observed is None or c.baseline is None
            else "för få jämförbara veckor"
        )
        return f"{observed} händelser; {reason}."
    r = c.result
    expected = f"{r.expected:.1f}".replace(".", ",")
    ratio = "–" if r.ratio is None else f"{r.ratio:.1f}".replace(".", ",")
    high = "∞" if r.high is None or r.high == float("inf") else f"{r.high:.1f}".replace(".", ",")
    low = f"{(r.low or 0):.1f}".replace(".", ",")
    verdict = "tydlig ökning" if r.significant else "ingen säker ökning"
    return (
        f"{observed} händelser, förväntat {expected} ({c.periods} jämförbara veckor): "
        f"{ratio} gånger det vanliga (95 % intervall {low}–{high}) – {verdict}."
    )


def _ranked_table(rows: list[EventComparison]) -> html.Table | html.P:
    if not rows:
        return html.P("Inga avslutade händelser det här året.")

    def order(c: EventComparison) -> tuple[int, float]:
        ratio = c.result.ratio if c.result is not None and c.result.ratio is not None else -1.0
        return (0 if c.result is not None and c.result.significant else 1, -ratio)

    body = []
    for c in sorted(rows, key=order):
        r = c.result
        ratio = "–" if r is None or r.ratio is None else f"{r.ratio:.1f}".replace(".", ",")
        expected = "–" if r is None or r.expected is None else f"{r.expected:.1f}".replace(".", ",")
        flag = "Ja" if r is not None and r.significant else ""
        body.append(
            html.Tr(
                [
                    html.Td(window_label(c.window)),
                    html.Td(f"<{c.k}" if c.observed is None else str(c.observed)),
                    html.Td(expected),
                    html.Td(ratio),
                    html.Td(flag, className="flag" if flag else ""),
                ]
            )
        )
    head = html.Tr(
        [html.Th(t) for t in ("Händelse", "Antal", "Förväntat", "Gånger", "Tydlig ökning")]
    )
    return html.Table(
        [html.Thead(head), html.Tbody(body)], className="ranked", id="ev-ranked-table"
    )


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",")


def _area_table(rows: list[AreaComparison], k: int, limit: int = 15) -> html.Table | html.P:
    """The units with the clearest rise first (published numbers only)."""
    if not rows:
        return html.P("Inga områden att visa.")

    def order(row: AreaComparison) -> tuple[int, float]:
        r = row.result
        ratio = r.ratio if r is not None and r.ratio is not None else -1.0
        return (0 if r is not None and r.significant else 1, -ratio)

    body = []
    for row in sorted(rows, key=order)[:limit]:
        r = row.result
        flag = "Ja" if r is not None and r.significant else ""
        body.append(
            html.Tr(
                [
                    html.Td(row.name),
                    html.Td(f"<{k}" if row.observed is None else str(row.observed)),
                    html.Td(_number(None if r is None else r.expected)),
                    html.Td(_number(None if r is None else r.ratio)),
                    html.Td(flag, className="flag" if flag else ""),
                ]
            )
        )
    head = html.Tr(
        [html.Th(t) for t in ("Område", "Antal", "Förväntat", "Gånger", "Tydlig ökning")]
    )
    return html.Table([html.Thead(head), html.Tbody(body)], id="ev-areas-table")


def _marks(windows: list[EventWindow], first: date, last: date) -> dict[date, str]:
    marks: dict[date, list[str]] = {}
    years = range(first.year, last.year + 1)
    for entry in holiday_entries(years):
        if first <= entry.start <= last:
            marks.setdefault(entry.start, []).append(entry.name)
    for window in windows:
        start, end = window.days
        day = start
        while day <= end:
            if first <= day <= last:
                marks.setdefault(day, []).append(window.name)
            day += timedelta(days=1)
    return {d: ", ".join(dict.fromkeys(names)) for d, names in marks.items()}


def _point(c: EventComparison) -> dict[str, Any]:
    r = c.result
    label = str(c.window.start.year)
    hover = f"{window_label(c.window)}<br>{_comparison_text(c)}"
    if r is None or r.ratio is None or r.low is None or r.high is None:
        return {
            "label": label,
            "ratio": None,
            "low": None,
            "high": None,
            "significant": False,
            "hover": hover,
        }
    return {
        "label": label,
        "ratio": r.ratio,
        "low": r.low,
        "high": r.high,
        "significant": r.significant,
        "hover": hover,
    }


def register(app: Dash) -> None:
    """Register the page's callbacks on ``app``."""

    @app.callback(
        Output(ids.EV_EVENT, "options"),
        Output(ids.EV_EVENT, "value"),
        Input(ids.EV_YEAR, "value"),
        Input(ids.EV_KOMMUN, "value"),
    )
    def event_options(year: Any, kommun: Any) -> tuple[list[dict[str, str]], str | None]:
        """The year's finished event windows of the kommun; valborg chosen first."""
        viewer = current_viewer()
        kommun_code = _kommun(kommun, viewer)
        windows = [
            w
            for w in kommun_windows(db_session(), kommun_code, _year(year), event_rules())
            if _ended(w)
        ]
        options = [{"label": window_label(w), "value": window_value(w)} for w in windows]
        first = next((w for w in windows if w.key == "valborg"), windows[0] if windows else None)
        return options, None if first is None else window_value(first)

    @app.callback(
        Output(ids.EV_SUMMARY, "children"),
        Output(ids.EV_MAP, "figure"),
        Output(ids.EV_YOY, "figure"),
        Output(ids.EV_RANKED, "children"),
        Output(ids.EV_HEATMAP, "figure"),
        Output(ids.EV_BANDS, "figure"),
        Output(ids.EV_HEATMAP_NOTE, "children"),
        Output(ids.EV_AREAS, "children"),
        Input(ids.EV_EVENT, "value"),
        Input(ids.EV_LEVEL, "value"),
        Input(ids.EV_CATEGORIES, "value"),
        Input(ids.EV_YEAR, "value"),
        Input(ids.EV_KOMMUN, "value"),
    )
    def update_event(
        event: Any, level: Any, categories: Any, year: Any, kommun: Any
    ) -> tuple[Any, ...]:
        """Map, year over year, ranking and calendar of one event window."""
        viewer = current_viewer()
        kommun_code = _kommun(kommun, viewer)
        chosen_year = _year(year)
        level_code = _code(level or "kommun", "områdesnivå")
        chosen_categories = _categories(categories)
        session = db_session()
        cube = current_cube()
        windows = kommun_windows(session, kommun_code, chosen_year, event_rules())
        window = next((w for w in windows if window_value(w) == event), None)
        if window is None:
            raise BadSelection("välj en händelse i listan")
        base = Selection(
            kommun_code,
            level_code,
            monday_of(window.days[0]),
            monday_of(window.days[0]),
            chosen_categories,
        )
        by_year = {
            y: kommun_windows(session, kommun_code, y, event_rules())
            for y in range(cube.first_monday.year, today().year + 1)
        }
        occurrences = [
            w for y in sorted(by_year) if (w := matching(by_year[y], window)) and _ended(w)
        ]
        ranked_windows = [w for w in windows if _ended(w)]
        first, _ = slot_range([*occurrences, *ranked_windows], AROUND_WEEKS)
        slots: Slots = read_slots(
            session,
            cube,
            kommun_code,
            first,
            today(),
            categories=chosen_categories,
        )

        def compare(w: EventWindow) -> EventComparison:
            year_windows = by_year.get(w.start.year, [])
            holidays = [e.start for e in holiday_entries([w.start.year])]
            return compare_window(
                cube, slots, w, base, viewer, avoid=year_windows, holiday_days=holidays
            )

        chosen = compare(window)
        areas = _area_table(
            compare_areas(
                cube,
                slots,
                window,
                base,
                viewer,
                overall=chosen,
                avoid=windows,
                holiday_days=[e.start for e in holiday_entries([window.start.year])],
            ),
            chosen.k,
        )
        summary = [
            html.H3(window_label(window)),
            html.P(_comparison_text(chosen), id="ev-summary-text"),
        ]
        table = window_map(cube, slots, window, base, viewer)
        scope = layer_scope(cube, kommun_code, level_code, viewer)
        map_fig = map_figure(
            table,
            geojson_url=f"/geo/{kommun_code}/{level_code}.geojson?v={areas_version()}",
            bounds=layer_bounds(session, scope),
            title=f"{window.name} {window.start.year}",
        )
        yoy = ratio_figure([_point(compare(w)) for w in occurrences])
        ranked = _ranked_table([compare(w) for w in ranked_windows])
        around = window_selection(base, window)
        last_monday = min(around.last_monday + timedelta(weeks=AROUND_WEEKS), monday_of(today()))
        around = Selection(
            kommun_code,
            level_code,
            around.first_monday - timedelta(weeks=AROUND_WEEKS),
            last_monday,
            chosen_categories,
        )
        try:
            heat = heatmap_figure(
                calendar_heatmap(cube, slots, around, viewer),
                marks=_marks(windows, around.first_monday, around.last_monday + timedelta(days=6)),
            )
            bands = band_figure(band_pattern(cube, slots, around, viewer))
            note = "Veckorna före och efter händelsen, dag för dag."
        except AccessDenied as refused:
            heat, bands, note = {}, {}, f"Visas inte: {refused}."
        return summary, map_fig, yoy, ranked, heat, bands, note, areas
