"""Shared UI pieces of the pages: cards, the no-access message, list tables, buttons
and the one way to place a chart (:func:`graph`)."""

from __future__ import annotations

from typing import Any, Final, cast

from dash import dcc, html

CLOUD_BUTTONS: Final = ("sendChartToCloud", "sendDataToCloud", "editInChartStudio")
"""Mode-bar buttons that send a chart (its data: published counts, area and event
names) to Plotly's servers; plotly.js shows "Share chart…" by default."""

GRAPH_CONFIG: Final[dict[str, Any]] = {
    "displaylogo": False,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "showLink": False,
    "plotlyServerURL": "",
    "modeBarButtonsToRemove": list(CLOUD_BUTTONS),
}
"""The mode bar of every chart: no Plotly logo link, nothing that uploads the chart."""


def graph(*, config: dict[str, Any] | None = None, **props: Any) -> dcc.Graph:
    """A ``dcc.Graph`` with :data:`GRAPH_CONFIG` (``config`` may add options such as
    ``scrollZoom`` but never turns the cloud buttons back on). Every chart of the app
    is placed with this; ``tests/unit/test_output_safety.py`` refuses a bare
    ``dcc.Graph``."""
    merged = cast(dcc.Graph.Config, {**(config or {}), **GRAPH_CONFIG})
    return dcc.Graph(config=merged, **props)


def delete_button(button_type: str, item: str) -> html.Button:
    """A "Ta bort" button of a pattern-matching list: ``{"type": ..., "item": ...}``."""
    return html.Button(
        "Ta bort", id={"type": button_type, "item": item}, n_clicks=0, className="small"
    )


def simple_table(
    headers: tuple[str, ...],
    rows: list[list[Any]] | list[tuple[Any, ...]],
    table_id: str,
    empty: str,
) -> html.Table | html.P:
    """A plain table, or ``empty`` as a paragraph when there are no rows."""
    if not rows:
        return html.P(empty)
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in headers])),
            html.Tbody([html.Tr([html.Td(cell) for cell in row]) for row in rows]),
        ],
        id=table_id,
    )


def bump(refresh: Any) -> int:
    """The next value of a page's refresh counter (lists re-render when it changes)."""
    return (refresh if isinstance(refresh, int) else 0) + 1


def denied(message: str) -> html.Div:
    """What a page shows a user without access (the data never left the server)."""
    return html.Div(
        [html.H2("Ingen behörighet"), html.P(message)], className="page card", role="alert"
    )


def section_card(title: str, *children: Any, hint: str = "") -> html.Section:
    """A titled card of a page, with an optional hint under the title."""
    parts: list[Any] = [html.H3(title)]
    if hint:
        parts.append(html.P(hint, className="hint"))
    return html.Section([*parts, *children], className="card")
