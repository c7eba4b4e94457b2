"""Callbacks of the overview page: every one resolves the viewer server-side first."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from dash import ClientsideFunction, Dash, Input, Output, Patch, State, ctx, html, no_update

from dashboard import ids
from dashboard.auth import current_viewer, require_role
from dashboard.exports import map_table_csv
from dashboard.figures import (
    MEASURES,
    SUPPRESSED_TRACE,
    VALUES_TRACE,
    map_figure,
    map_traces_data,
    per_thousand,
    trend_figure,
    unit_label,
)
from dashboard.pages.overview import default_level
from dashboard.periods import (
    describe_period,
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
    Selection,
    Viewer,
    available_levels,
    require_kommun,
    snap_to_grain,
)
from data.areas.browser import layer_bounds, layer_scope
from data.calendar.municipal import kommun_windows, school_entries
from data.calendar.windows import STOCKHOLM, EventWindow
from data.counts.cube import monday_of
from data.counts.notes import FREE_TEXT_ROLES, area_notes
from data.counts.overview import map_values, unplaced_count, weekly_trend
from data.counts.windows import read_slots, window_map, window_unplaced
from data.privacy.disclosure import NOISE_BOUND, SECONDARY_MARKER, ProtectedCounts
from data.vocabulary import AREA_LEVELS, label_of

VALUE_INPUTS = (
    Input(ids.PERIOD, "start_date"),
    Input(ids.PERIOD, "end_date"),
    Input(ids.CATEGORIES, "value"),
    Input(ids.SOURCES, "value"),
    Input(ids.MEASURE, "value"),
    Input(ids.EVENT_PERIOD, "value"),
)
"""The filters the map values follow (after the layer), in the order of their arguments."""
EVENT_YEARS = 2
"""Event windows offered as periods: this year's and last year's that have ended."""
TOP_N = 10
NOTES_SHOWN = 10
MIN_TREND_WEEKS = 12
"""A short period's trend is shown with this many weeks of context before it."""


MAX_FILTER_VALUES = 100


def _codes(values: Any, what: str) -> tuple[str, ...]:
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


def _text(value: Any, what: str) -> str:
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


def _selection(
    kommun: str | None,
    level: str | None,
    start: str | None,
    end: str | None,
    categories: Any,
    sources: Any,
    viewer: Viewer,
    focus: str | None = None,
) -> Selection:
    if not kommun:
        kommun = viewer.kommun_code or ""
    first, last = parse_period(start, end, clock_today())
    selection = Selection(
        kommun_code=_text(kommun, "kommun"),
        level=_text(level or "kommun", "area level"),
        first_monday=first,
        last_monday=last,
        categories=_codes(categories, "categories"),
        sources=_codes(sources, "sources"),
        focus_area=None if focus is None else _text(focus, "area"),
    )
    # Leadership sees whole months: describe the period the numbers are for.
    return snap_to_grain(selection, viewer.level)


def _event_window(event: Any, kommun: str | None, viewer: Viewer) -> EventWindow | None:
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


def _period_is(window: EventWindow, start: Any, end: Any) -> bool:
    """True when the date range is exactly the whole weeks of ``window``."""
    first, last = window.days
    return parse_period(start, end, clock_today()) == (monday_of(first), monday_of(last))


def _grain(viewer: Viewer) -> str:
    return "månad" if viewer.level.time_grain == "month" else "vecka"


LAYER_URL = re.compile(r"/geo/(\d{4})/([a-z]+)\.geojson\?v=(\d{1,9})")


def _layer(layer: Any) -> tuple[str, str, str]:
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


def _map_tables(
    cube: Any,
    selection: Selection,
    viewer: Viewer,
    start: Any,
    end: Any,
    event: Any,
) -> tuple[ProtectedCounts, ProtectedCounts, EventWindow | None]:
    """The map's table and the unplaced count: of the event window when one is chosen
    and the dates are its weeks, else of the whole weeks."""
    window = _event_window(event, selection.kommun_code, viewer)
    if window is None or not _period_is(window, start, end):
        return map_values(cube, selection, viewer), unplaced_count(cube, selection, viewer), None
    first, last = window.days
    slots = read_slots(
        db_session(),
        cube,
        selection.kommun_code,
        first - timedelta(days=1),
        last + timedelta(days=1),
        categories=selection.categories,
        sources=selection.sources,
    )
    return (
        window_map(cube, slots, window, selection, viewer),
        window_unplaced(cube, slots, window, selection, viewer),
        window,
    )


def _map_title(
    selection: Selection, measure: str = "count", window: EventWindow | None = None
) -> str:
    shown = "händelser per 1 000 unga" if measure == "rate" else "antal händelser"
    if window is not None:
        return f"{window_label(window, year=True)} – {shown}"
    return f"{label_of(AREA_LEVELS, selection.level)} – {shown}"


def _top_table(table: ProtectedCounts) -> html.Table | html.P:
    top = table.head_by_count(TOP_N)
    if top.frame.empty:
        return html.P("Inga områden i urvalet.")
    frame = top.frame
    with_rates = bool(frame["population"].notna().any())
    rows = []
    for i, (name, merged, synthetic, text, hidden, count, population) in enumerate(
        zip(
            frame["name"],
            frame["merged"],
            frame["synthetic"],
            top.display(),
            frame["suppressed"],
            frame["count"],
            frame["population"],
            strict=True,
        )
    ):
        label = unit_label(str(name), str(merged)) + (" (syntetiskt)" if synthetic else "")
        cells = [
            html.Td(str(i + 1), className="num"),
            html.Td(label),
            html.Td(text, className="num" + (" suppressed" if hidden else "")),
        ]
        if with_rates:
            rate = None
            if not hidden and not pd.isna(population):
                rate = per_thousand(int(count), int(population))
            shown = "–" if rate is None else f"{rate:.1f}".replace(".", ",")
            cells.append(html.Td(shown, className="num"))
        rows.append(html.Tr(cells))
    heads = [html.Th("#", className="num"), html.Th("Område"), html.Th("Antal", className="num")]
    if with_rates:
        heads.append(html.Th("Per 1 000 unga", className="num"))
    head = html.Thead(html.Tr(heads))
    return html.Table([head, html.Tbody(rows)], className="top", id=ids.OV_TOP_AREAS_TABLE)


def _status(
    selection: Selection,
    table: ProtectedCounts,
    measure: str = "count",
    window: EventWindow | None = None,
) -> str:
    categories = f"{len(selection.categories)} valda" if selection.categories else "alla"
    sources = f"{len(selection.sources)} valda" if selection.sources else "alla"
    shown = "per 1 000 unga (10–19 år)" if measure == "rate" else "antal händelser"
    period = (
        f"händelsen {window_label(window, year=True)}"
        if window is not None
        else describe_period(selection.first_monday, selection.last_monday)
    )
    return (
        f"Visar {label_of(AREA_LEVELS, selection.level)}, {shown} · "
        f"Period: {period} · "
        f"Kategorier: {categories} · Källor: {sources} · "
        f"Tal 1–{table.k - 1} visas som {table.marker} för att skydda enskilda; "
        f"övriga tal kan avvika med högst {NOISE_BOUND} (skyddsbrus)."
    )


def _map_note(table: ProtectedCounts, unplaced: ProtectedCounts, selection: Selection) -> list[Any]:
    notes: list[Any] = [
        html.Div(
            [
                html.Span(className="legend-suppressed"),
                f"Grått: färre än {table.k} händelser ({table.marker}), eller "
                f"{SECONDARY_MARKER} – dolt för att ett grannområdes lilla tal inte ska "
                "kunna räknas ut. Antalet visas inte för att skydda enskilda.",
            ],
            className="status",
        )
    ]
    merged = int((table.frame["merged"] != "").sum())
    if merged:
        notes.append(
            html.Div(
                f"{merged} områden visas sammanslagna med sina grannar: de har färre än "
                "minsta antal unga (10–19 år) eller saknar befolkningsuppgift.",
                className="notice",
            )
        )
    if bool(table.frame["synthetic"].any()):
        notes.append(
            html.Div(
                "Demoområdena är syntetiska (genererade), inte verkliga stadsdelar.",
                className="notice",
            )
        )
    if selection.level != "kommun" and unplaced.published_values()[0] != 0:
        notes.append(
            html.Div(
                f"{unplaced.display()[0]} händelser är registrerade på kommunnivå eller "
                "på en annan områdesindelning och visas inte på dessa områden.",
                className="notice",
            )
        )
    return notes


def _notes_panel(notes: tuple[str, ...], *, k: int) -> list[Any]:
    """The notes as plain text items (Dash escapes them), or a calm explanation."""
    if not notes:
        return [
            html.P("Inga anteckningar att visa för urvalet."),
            html.P(
                f"Anteckningar visas bara för områden med minst {k} händelser i urvalet.",
                className="hint",
            ),
        ]
    return [
        html.Ul([html.Li(note) for note in notes], id=ids.OV_NOTES_LIST),
        html.P(
            f"Högst {NOTES_SHOWN} anteckningar, utan datum och i slumpvis ordning.",
            className="hint",
        ),
    ]


def register(app: Dash) -> None:
    """Register the overview callbacks on ``app`` (not on Dash's global list)."""

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
        options = [{"label": label_of(AREA_LEVELS, lvl), "value": lvl} for lvl in levels]
        value = current if current in levels else default_level(levels)
        return options, value

    @app.callback(
        Output(ids.EVENT_PERIOD, "options"),
        Input(ids.KOMMUN, "value"),
    )
    def event_period_options(kommun: Any) -> list[dict[str, str]]:
        """This year's and last year's finished event windows of the kommun, newest first."""
        viewer = current_viewer()
        code = _text(kommun or viewer.kommun_code or "", "kommun")
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
        Output(ids.PERIOD, "start_date"),
        Output(ids.PERIOD, "end_date"),
        Output(ids.EVENT_PERIOD, "value"),
        Input(ids.QUICK_PERIOD, "value"),
        Input(ids.EVENT_PERIOD, "value"),
        Input(ids.PERIOD, "start_date"),
        Input(ids.PERIOD, "end_date"),
        State(ids.KOMMUN, "value"),
        prevent_initial_call=True,
    )
    def sync_period(
        choice: Any, event: Any, start: Any, end: Any, kommun: Any
    ) -> tuple[Any, Any, Any]:
        """Keep the date range, the quick pick and the event in step: a quick pick sets
        the dates and clears the event; an event sets the dates to its whole weeks;
        dates changed by hand clear an event they no longer match."""
        viewer = current_viewer()
        code = kommun if isinstance(kommun, str) and kommun else viewer.kommun_code
        if ctx.triggered_id == ids.EVENT_PERIOD:
            window = _event_window(event, code, viewer)
            if window is None:
                return no_update, no_update, no_update
            first, last = window.days
            return (
                monday_of(first).isoformat(),
                (monday_of(last) + timedelta(days=6)).isoformat(),
                no_update,
            )
        if ctx.triggered_id == ids.PERIOD:
            window = _event_window(event, code, viewer)
            if window is not None and not _period_is(window, start, end):
                return no_update, no_update, None
            return no_update, no_update, no_update
        if not choice or choice == "custom":
            return no_update, no_update, no_update
        if not isinstance(choice, str):
            msg = "malformed quick period"
            raise BadSelection(msg)
        school = (
            school_entries(db_session(), code)
            if choice == "term" and code and viewer.may_see_kommun(code)
            else []
        )
        first, last = quick_period(choice, clock_today(), school)
        return first.isoformat(), last.isoformat(), None

    app.clientside_callback(
        ClientsideFunction(namespace="ssp", function_name="loadLayer"),
        Output(ids.MAP_LAYER, "data"),
        Input(ids.KOMMUN, "value"),
        Input(ids.LEVEL, "value"),
        State(ids.AREAS_VERSION, "data"),
    )

    @app.callback(
        Output(ids.MAP, "figure"),
        Output(ids.TOP_TABLE, "children"),
        Output(ids.STATUS, "children"),
        Output(ids.MAP_NOTE, "children"),
        Input(ids.MAP_LAYER, "data"),
        *VALUE_INPUTS,
    )
    def update_map(
        layer: Any,
        start: str | None,
        end: str | None,
        categories: Any,
        sources: Any,
        measure: Any,
        event: Any,
    ) -> tuple[Any, Any, Any, Any]:
        """The map, top table, status line and notes, all from one protected table.

        Runs after the browser has fetched the layer's geometry (``loadLayer`` in
        assets/map.js writes ``MAP_LAYER``). A new layer gets a new figure that
        names the geometry URL; any other filter change sends a Patch of values —
        never geometry.
        """
        viewer = current_viewer()
        kommun, level, url = _layer(layer)
        cube = current_cube()
        selection = _selection(kommun, level, start, end, categories, sources, viewer)
        measure = measure if measure in MEASURES else "count"
        table, unplaced, window = _map_tables(cube, selection, viewer, start, end, event)
        title = _map_title(selection, measure, window)
        if ctx.triggered_id in (None, ids.MAP_LAYER):
            scope = layer_scope(cube, selection.kommun_code, selection.level, viewer)
            figure: Any = map_figure(
                table,
                geojson_url=url,
                bounds=layer_bounds(db_session(), scope),
                title=title,
                measure=measure,
            )
        else:
            data = map_traces_data(table, measure=measure)
            figure = Patch()
            for index, part in ((VALUES_TRACE, "values"), (SUPPRESSED_TRACE, "suppressed")):
                for key in ("locations", "z", "customdata"):
                    figure["data"][index][key] = data[part][key]
            figure["data"][VALUES_TRACE]["colorbar"]["title"]["text"] = data["title"]
            figure["layout"]["title"]["text"] = title
        return (
            figure,
            _top_table(table),
            _status(selection, table, measure, window),
            _map_note(table, unplaced, selection),
        )

    @app.callback(
        Output(ids.EXPORT_DOWNLOAD, "data"),
        Input(ids.EXPORT_BUTTON, "n_clicks"),
        State(ids.MAP_LAYER, "data"),
        *(State(i.component_id, i.component_property) for i in VALUE_INPUTS[:4]),
        State(ids.EVENT_PERIOD, "value"),
        prevent_initial_call=True,
    )
    def export_table(
        _clicks: Any,
        layer: Any,
        start: Any,
        end: Any,
        categories: Any,
        sources: Any,
        event: Any = None,
    ) -> dict[str, Any]:
        """The map's table as CSV: the same protected numbers as on screen."""
        viewer = current_viewer()
        kommun, level, _url = _layer(layer)
        selection = _selection(kommun, level, start, end, categories, sources, viewer)
        table, _, window = _map_tables(current_cube(), selection, viewer, start, end, event)
        period = (
            window_label(window, year=True)
            if window is not None
            else describe_period(selection.first_monday, selection.last_monday)
        )
        content = map_table_csv(table, period=period, level=label_of(AREA_LEVELS, level))
        filename = f"lagesbild-{kommun}-{level}-{selection.first_monday.isoformat()}.csv"
        return {"content": content, "filename": filename, "type": "text/csv"}

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

    @app.callback(
        Output(ids.TREND, "figure"),
        Output(ids.TREND_TITLE, "children"),
        Output(ids.FOCUS_BAR, "children"),
        Input(ids.KOMMUN, "value"),
        Input(ids.LEVEL, "value"),
        *VALUE_INPUTS[:4],
        Input(ids.FOCUS, "data"),
    )
    def update_trend(
        kommun: str | None,
        level: str | None,
        start: str | None,
        end: str | None,
        categories: Any,
        sources: Any,
        focus: str | None,
    ) -> tuple[Any, Any, Any]:
        viewer = current_viewer()
        cube = current_cube()
        selection = _selection(kommun, level, start, end, categories, sources, viewer, focus)
        shown = selection
        if selection.n_weeks < MIN_TREND_WEEKS:
            # Too few points to read a trend: show context weeks before the period.
            shown = replace(
                selection,
                first_monday=selection.last_monday - timedelta(weeks=MIN_TREND_WEEKS - 1),
            )
        table = weekly_trend(cube, shown, viewer)
        figure = trend_figure(
            table,
            highlight=(selection.first_monday, selection.last_monday),
            running_week=monday_of(clock_today()),
        )
        if focus:
            name = cube.areas.names[cube.areas.position(focus)]
            title = f"Händelser per {_grain(viewer)} – {name}"
            bar = f"Visar endast {name} (klicka på ett annat område för att byta)."
        else:
            title = f"Händelser per {_grain(viewer)} – hela urvalet"
            bar = "Klicka på ett område i kartan för att se dess trend."
        return figure, title, bar

    @app.callback(
        Output(ids.NOTES, "children"),
        Input(ids.KOMMUN, "value"),
        Input(ids.LEVEL, "value"),
        *VALUE_INPUTS[:4],
        Input(ids.FOCUS, "data"),
    )
    def update_notes(
        kommun: str | None,
        level: str | None,
        start: str | None,
        end: str | None,
        categories: Any,
        sources: Any,
        focus: str | None,
    ) -> list[Any]:
        """Notes of the focused area; refused (403) for roles that may not read free text."""
        require_role(*FREE_TEXT_ROLES)
        viewer = current_viewer()
        if not focus:
            return [html.P("Klicka på ett område i kartan för att se anteckningar därifrån.")]
        selection = _selection(kommun, level, start, end, categories, sources, viewer, focus)
        notes = area_notes(db_session(), current_cube(), selection, viewer, limit=NOTES_SHOWN)
        return _notes_panel(notes, k=viewer.level.k)
