"""The overview's map: its protected table, top list, status line, notes and CSV export."""

from __future__ import annotations

from datetime import date
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
from dashboard.callbacks.overview.trend import describe_months
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
from dashboard.figures.map_table import map_number_table
from dashboard.formatting import format_decimal, format_number, published
from dashboard.i18n import _, age_text, term_label
from dashboard.periods import (
    describe_period,
    running_note,
    window_label,
)
from dashboard.state import current_cube, db_session
from dashboard.state import today as clock_today
from data.access.scope import (
    Selection,
    Viewer,
    month_of,
    visible_kommuner,
)
from data.areas.browser import layer_bounds, layer_scope
from data.areas.listing import natural_key
from data.calendar.windows import EventWindow
from data.counts.event_view import slots_around
from data.counts.options import category_options, source_options
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
    shown = _("händelser per 1 000 unga") if measure == "rate" else _("antal händelser")
    if window is not None:
        return f"{window_label(window, year=True)} – {shown}"
    return f"{term_label(AREA_LEVELS, selection.level)} – {shown}"


def top_order(table: ProtectedCounts, n: int) -> list[int]:
    """Row positions of the top list, in the order published values allow.

    Published counts above zero first, largest first; then "skyddad" rows (hidden
    only to protect another cell: at least k), then "<k" rows (1 to k−1) — each hidden
    group in name order, never by their hidden counts, so the list says no more about
    them than their markers. Rows with 0 are not in a top list at all.
    """
    frame = table.frame
    published: list[int] = []
    protected: list[int] = []
    small: list[int] = []
    for i, (count, hidden, secondary) in enumerate(
        zip(frame["count"], frame["suppressed"], frame["secondary"], strict=True)
    ):
        if not hidden:
            if int(count) > 0:
                published.append(i)
        else:
            (protected if secondary else small).append(i)
    names = [natural_key(str(name)) for name in frame["name"]]
    published.sort(key=lambda i: (-int(frame["count"].iloc[i]), names[i]))
    protected.sort(key=lambda i: names[i])
    small.sort(key=lambda i: names[i])
    return (published + protected + small)[:n]


def _top_table(table: ProtectedCounts) -> html.Table | html.P | html.Div:
    order = top_order(table, TOP_N)
    if not order:
        return html.P(
            _(
                "Inga händelser i urvalet. Välj en längre period eller fler kategorier och "
                "källor (tomma fält = alla)."
            ),
            className="empty",
        )
    frame = table.frame
    texts = table.display()
    with_rates = bool(frame["population"].notna().any())
    rows = []
    for rank, i in enumerate(order, start=1):
        name, merged = frame["name"].iloc[i], frame["merged"].iloc[i]
        synthetic = bool(frame["synthetic"].iloc[i])
        hidden = bool(frame["suppressed"].iloc[i])
        label = unit_label(str(name), str(merged)) + (_(" (syntetiskt)") if synthetic else "")
        cells = [
            html.Td("–" if hidden else str(rank), className="num"),
            html.Td(label),
            html.Td(published(texts[i]), className="num" + (" suppressed" if hidden else "")),
        ]
        if with_rates:
            population = frame["population"].iloc[i]
            rate = None
            if not hidden and not pd.isna(population):
                rate = per_thousand(int(frame["count"].iloc[i]), int(population))
            shown = "–" if rate is None else format_decimal(rate, 1)
            cells.append(html.Td(shown, className="num"))
        rows.append(html.Tr(cells))
    heads = [
        html.Th("#", className="num"),
        html.Th(_("Område")),
        html.Th(_("Antal"), className="num"),
    ]
    if with_rates:
        heads.append(html.Th(_("Per 1 000 unga"), className="num"))
    head = html.Thead(html.Tr(heads))
    table_el = html.Table(
        [head, html.Tbody(rows)], className="top data-table", id=ids.OV_TOP_AREAS_TABLE
    )
    if not any(bool(frame["suppressed"].iloc[i]) for i in order):
        return table_el
    note = html.P(
        _(
            "Områden med %(marker)s eller %(protected)s står efter de visade talen, i "
            "bokstavsordning (utan rangnummer): deras exakta antal visas inte. Områden med 0 "
            "visas inte.",
            marker=table.marker,
            protected=published(SECONDARY_MARKER),
        ),
        className="hint",
    )
    return html.Div([table_el, note])


def period_text(
    selection: Selection, window: EventWindow | None, grain: str, today: date | None = None
) -> str:
    """The period the numbers are for: the event window, or the whole weeks (for
    leadership also the whole months they were widened to), a running week or month
    marked as incomplete when it reaches the week of ``today``."""
    if window is not None:
        return window_label(window, year=True)
    running = "" if today is None else running_note(selection.last_monday, today, grain=grain)
    weeks = describe_period(selection.first_monday, selection.last_monday, running)
    if grain != "month":
        return weeks
    months = (month_of(selection.first_monday), month_of(selection.last_monday))
    return _("hela månader, %(months)s: %(weeks)s", months=describe_months(months), weeks=weeks)


def _status(
    selection: Selection,
    table: ProtectedCounts,
    measure: str = "count",
    window: EventWindow | None = None,
    grain: str = "week",
    today: date | None = None,
) -> str:
    every = _("alla")
    categories = (
        _("%(count)s valda", count=len(selection.categories)) if selection.categories else every
    )
    sources = _("%(count)s valda", count=len(selection.sources)) if selection.sources else every
    ages = age_text(selection.age_bands) or _("alla åldrar")
    shown = _("per 1 000 unga (10–19 år)") if measure == "rate" else _("antal händelser")
    period = period_text(selection, window, grain, today)
    if window is not None:
        period = _("händelsen %(event)s", event=period)
    empty = ""
    if not table.frame["suppressed"].any() and not any(table.published_values()):
        empty = (
            _(
                "Inga händelser för det här urvalet – välj en längre period eller fler "
                "kategorier och källor (tomma fält = alla)."
            )
            + " "
        )
    return empty + _(
        "Visar %(level)s, %(shown)s · Period: %(period)s · Kategorier: %(categories)s · "
        "Källor: %(sources)s · Ålder: %(ages)s · Tal 1–%(below)s visas som %(marker)s för "
        "att skydda enskilda; övriga tal kan avvika med högst %(noise)s (skyddsbrus).",
        level=term_label(AREA_LEVELS, selection.level),
        shown=shown,
        period=period,
        categories=categories,
        sources=sources,
        ages=ages,
        below=table.k - 1,
        marker=table.marker,
        noise=NOISE_BOUND,
    )


def _map_note(table: ProtectedCounts, unplaced: ProtectedCounts, selection: Selection) -> list[Any]:
    notes: list[Any] = [
        html.Div(
            [
                html.Span(className="legend-suppressed"),
                _(
                    "Grått: färre än %(k)s händelser (%(marker)s), eller %(protected)s – dolt "
                    "för att ett grannområdes lilla tal inte ska kunna räknas ut. Antalet "
                    "visas inte för att skydda enskilda.",
                    k=table.k,
                    marker=table.marker,
                    protected=published(SECONDARY_MARKER),
                ),
            ],
            className="status",
        )
    ]
    merged = int((table.frame["merged"] != "").sum())
    if merged:
        notes.append(
            html.Div(
                _(
                    "%(count)s områden visas sammanslagna med sina grannar: de har färre än "
                    "minsta antal unga (10–19 år) eller saknar befolkningsuppgift.",
                    count=format_number(merged),
                ),
                className="notice",
            )
        )
    if bool(table.frame["synthetic"].any()):
        notes.append(
            html.Div(
                _("Demoområdena är syntetiska (genererade), inte verkliga stadsdelar."),
                className="notice",
            )
        )
    if selection.level != "kommun" and unplaced.published_values()[0] != 0:
        notes.append(
            html.Div(
                _(
                    "%(count)s händelser är registrerade på kommunnivå eller på en annan "
                    "områdesindelning och visas inte på dessa områden.",
                    count=published(unplaced.display()[0]),
                ),
                className="notice",
            )
        )
    return notes


def _chosen(codes: tuple[str, ...], options: list[tuple[str, str]], none: str) -> str:
    labels = dict(options)
    return ", ".join(labels.get(code, code) for code in codes) if codes else none


def export_filters(
    selection: Selection, viewer: Viewer, table: ProtectedCounts, *, period: str, level: str
) -> list[tuple[str, str]]:
    """The first block of the CSV: what the table counts and how it is protected."""
    session = db_session()
    kommuner = dict(visible_kommuner(current_cube(), viewer))
    return [
        ("Lägesbild", "antal händelser per område"),
        ("Kommun", kommuner.get(selection.kommun_code, selection.kommun_code)),
        ("Period", period),
        ("Områdesnivå", level),
        ("Kategorier", _chosen(selection.categories, category_options(session), "alla")),
        ("Källor", _chosen(selection.sources, source_options(session), "alla")),
        ("Ålder", age_text(selection.age_bands) or "alla åldrar"),
        (
            "Skydd",
            f"tal 1–{table.k - 1} visas som {table.marker}; {SECONDARY_MARKER} = dolt för "
            f"att skydda ett annat tal; övriga tal kan avvika med högst {NOISE_BOUND}",
        ),
        ("Framtagen", clock_today().isoformat()),
    ]


def register(app: Dash) -> None:
    """Register the map callbacks on ``app``."""

    @app.callback(
        output={
            "map": Output(ids.MAP, "figure"),
            "top_areas": Output(ids.TOP_TABLE, "children"),
            "status": Output(ids.STATUS, "children"),
            "notes": Output(ids.MAP_NOTE, "children"),
            "numbers": Output(ids.OV_MAP_TABLE, "children"),
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
        ages: Any = None,
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
        selection = read_selection(
            kommun, level, start, end, categories, sources, viewer, ages=ages
        )
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
            figure["data"][VALUES_TRACE]["zmax"] = data["zmax"]
            figure["data"][VALUES_TRACE]["colorbar"]["title"]["text"] = data["title"]
            figure["layout"]["title"]["text"] = plain_text(title)
        return {
            "map": figure,
            "top_areas": _top_table(table),
            "status": _status(
                selection, table, measure, window, viewer.level.time_grain, clock_today()
            ),
            "notes": _map_note(table, unplaced, selection),
            "numbers": map_number_table(table, title, ids.OV_MAP_GRID, measure),
        }

    @app.callback(
        Output(ids.EXPORT_DOWNLOAD, "data"),
        Input(ids.EXPORT_BUTTON, "n_clicks"),
        State(ids.MAP_LAYER, "data"),
        *(State(i.component_id, i.component_property) for i in VALUE_INPUTS[:4]),
        State(ids.EVENT_PERIOD, "value"),
        State(ids.OV_AGES, "value"),
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
        ages: Any = None,
    ) -> dict[str, Any]:
        """The map's table as CSV: the same protected numbers as on screen, after a
        first block recording the filters (UTF-8 with a byte order mark for Excel)."""
        viewer = current_viewer()
        kommun, level, _url = read_layer(layer)
        selection = read_selection(
            kommun, level, start, end, categories, sources, viewer, ages=ages
        )
        table, _, window = _map_tables(current_cube(), selection, viewer, start, end, event)
        period = period_text(selection, window, viewer.level.time_grain, clock_today())
        level_name = label_of(AREA_LEVELS, level)
        filters = export_filters(selection, viewer, table, period=period, level=level_name)
        content = map_table_csv(table, period=period, level=level_name, filters=filters)
        audit(
            "export.csv",
            details={
                **selection_details(selection),
                "event": event if isinstance(event, str) else None,
            },
        )
        filename = f"lagesbild-{kommun}-{level}-{selection.first_monday.isoformat()}.csv"
        return {"content": content, "filename": filename, "type": "text/csv;charset=utf-8"}
