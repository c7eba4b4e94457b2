"""The map's numbers as an accessible table (WCAG 2.1: a text alternative to the map).

A map is colour on shapes: a screen-reader user or someone who cannot tell the
shades apart gets nothing from it. Under each map a closed "Kartans siffror som
tabell" box holds the same published numbers as a table. The cells are taken from
the map's own trace values (:func:`~dashboard.figures.maps.map_traces_data`), so the
table says exactly what the map's hover says — "<5"/"<10", "skyddad", merged areas
named as on the map, rates formatted alike — and never a number the map hides.
"""

from __future__ import annotations

from dash import html

from dashboard.figures.maps import map_traces_data, unit_label
from dashboard.i18n import _
from data.areas.listing import natural_key
from data.privacy.disclosure import ProtectedCounts


def map_table_rows(table: ProtectedCounts, *, measure: str = "count") -> list[tuple[str, str, str]]:
    """(area, published count, rate) of every area on the map, in natural name order.

    The count and rate texts are the map's hover texts of that area (both traces:
    the coloured one and the grey one for hidden areas).
    """
    data = map_traces_data(table, measure=measure)
    shown: dict[str, tuple[str, str]] = {}
    for part in ("values", "suppressed"):
        for code, custom in zip(data[part]["locations"], data[part]["customdata"], strict=True):
            shown[str(code)] = (str(custom[1]), str(custom[2]))
    frame = table.frame
    merged = frame["merged"] if "merged" in frame.columns else [""] * len(frame)
    rows = [
        (unit_label(str(name), str(merge)), *shown[str(code)])
        for code, name, merge in zip(frame["code"], frame["name"], merged, strict=True)
    ]
    return sorted(rows, key=lambda row: natural_key(row[0]))


def map_number_table(
    table: ProtectedCounts, caption: str, table_id: str, measure: str = "count"
) -> html.Table | html.P:
    """The map's areas and published values as a table with a caption and column headers."""
    rows = map_table_rows(table, measure=measure)
    if not rows:
        return html.P(_("Inga områden att visa."), className="empty")
    head = html.Tr(
        [
            html.Th(_("Område"), scope="col"),
            html.Th(_("Antal"), scope="col", className="num"),
            html.Th(_("Per 1 000 unga (10–19 år)"), scope="col", className="num"),
        ]
    )
    body = [
        html.Tr(
            [
                html.Td(name),
                html.Td(count, className="num"),
                html.Td(rate, className="num"),
            ]
        )
        for name, count, rate in rows
    ]
    return html.Table(
        [html.Caption(caption), html.Thead(head), html.Tbody(body)],
        className="data-table map-table",
        id=table_id,
    )


def map_table_box(container_id: str) -> html.Details:
    """The closed box under a map; its callback fills ``container_id`` with the table."""
    return html.Details(
        [html.Summary(_("Kartans siffror som tabell")), html.Div(id=container_id)],
        className="map-table-box",
    )
