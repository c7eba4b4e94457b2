"""The overview's map: its protected table, top list, status line, notes and CSV export."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import Dash, Input, Output, Patch, State, ctx, html

from dashboard import ids
from dashboard.audit import audit, selection_details
from dashboard.auth import current_viewer
from dashboard.callbacks.overview.selection import (
    VALUE_INPUTS,
    event_window,
    period_is,
    read_layer,
    read_selection,
)
from dashboard.exports import map_table_csv
from dashboard.figures import (
    MEASURES,
    SUPPRESSED_TRACE,
    VALUES_TRACE,
    map_figure,
    map_traces_data,
    per_thousand,
    plain_text,
    unit_label,
)
from dashboard.periods import (
    describe_period,
    window_label,
)
from dashboard.state import current_cube, db_session
from data.access.scope import (
    Selection,
    Viewer,
)
from data.areas.browser import layer_bounds, layer_scope
from data.calendar.windows import EventWindow
from data.counts.event_view import slots_around
from data.counts.overview import map_values, unplaced_count
from data.counts.windows import window_map, window_unplaced
from data.privacy.disclosure import NOISE_BOUND, SECONDARY_MARKER, ProtectedCounts
from data.vocabulary import AREA_LEVELS, label_of

TOP_N = 10


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
    window = event_window(event, selection.kommun_code, viewer)
    if window is None or not period_is(window, start, end):
        return map_values(cube, selection, viewer), unplaced_count(cube, selection, viewer), None
    slots = slots_around(db_session(), cube, window, selection)
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


def register(app: Dash) -> None:
    """Register the map callbacks on ``app``."""

    @app.callback(
        output={
            "map": Output(ids.MAP, "figure"),
            "top_areas": Output(ids.TOP_TABLE, "children"),
            "status": Output(ids.STATUS, "children"),
            "notes": Output(ids.MAP_NOTE, "children"),
        },
        inputs=[Input(ids.MAP_LAYER, "data"), *VALUE_INPUTS],
    )
    def update_map(
        layer: Any,
        start: str | None,
        end: str | None,
        categories: Any,
        sources: Any,
        measure: Any,
        event: Any,
    ) -> dict[str, Any]:
        """The map, top table, status line and notes, all from one protected table.

        Runs after the browser has fetched the layer's geometry (``loadLayer`` in
        assets/map.js writes ``MAP_LAYER``). A new layer gets a new figure that
        names the geometry URL; any other filter change sends a Patch of values —
        never geometry.
        """
        viewer = current_viewer()
        kommun, level, url = read_layer(layer)
        cube = current_cube()
        selection = read_selection(kommun, level, start, end, categories, sources, viewer)
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
            figure["layout"]["title"]["text"] = plain_text(title)
        return {
            "map": figure,
            "top_areas": _top_table(table),
            "status": _status(selection, table, measure, window),
            "notes": _map_note(table, unplaced, selection),
        }

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
        kommun, level, _url = read_layer(layer)
        selection = read_selection(kommun, level, start, end, categories, sources, viewer)
        table, _, window = _map_tables(current_cube(), selection, viewer, start, end, event)
        period = (
            window_label(window, year=True)
            if window is not None
            else describe_period(selection.first_monday, selection.last_monday)
        )
        content = map_table_csv(table, period=period, level=label_of(AREA_LEVELS, level))
        audit(
            "export.csv",
            details={
                **selection_details(selection),
                "event": event if isinstance(event, str) else None,
            },
        )
        filename = f"lagesbild-{kommun}-{level}-{selection.first_monday.isoformat()}.csv"
        return {"content": content, "filename": filename, "type": "text/csv"}
