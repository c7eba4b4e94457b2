"""Shared UI pieces of the pages: cards, the no-access message, list tables, buttons
and the one way to place a chart (:func:`graph`)."""

from __future__ import annotations

from typing import Any, Final, cast

from dash import dcc, html

from dashboard.i18n import _, page_lang

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
    ``dcc.Graph``. Its Plotly ``locale`` is the user's language (``sv``: Swedish month
    names and decimal comma, ``assets/plotly-locale-sv.js``)."""
    merged = cast(dcc.Graph.Config, {**(config or {}), "locale": page_lang(), **GRAPH_CONFIG})
    return dcc.Graph(config=merged, **props)


def delete_button(button_type: str, item: str) -> html.Button:
    """A "Ta bort" button of a pattern-matching list: ``{"type": ..., "item": ...}``."""
    return html.Button(
        _("Ta bort"), id={"type": button_type, "item": item}, n_clicks=0, className="small"
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
        [html.H2(_("Ingen behörighet")), html.P(message)], className="page card", role="alert"
    )


def section_card(title: str, *children: Any, hint: str = "") -> html.Section:
    """A titled card of a page, with an optional hint under the title."""
    parts: list[Any] = [html.H3(title)]
    if hint:
        parts.append(html.P(hint, className="hint"))
    return html.Section([*parts, *children], className="card")


def help_box(summary: str, *paragraphs: Any, box_id: str | None = None) -> html.Details:
    """Help in place: a closed "Så läser du …" box under a page's title. Each page
    explains its own numbers in plain Swedish with this (``paragraphs`` are text or
    components); the disclosure rules themselves come from :func:`disclosure_help`."""
    props: dict[str, Any] = {"id": box_id} if box_id else {}
    return html.Details(
        [html.Summary(summary), *[html.P(p) for p in paragraphs]], className="help", **props
    )


def disclosure_help(threshold: int) -> list[str]:
    """The disclosure rules as a reader meets them, for ``threshold`` (5 for the team,
    10 for leadership): the texts every page with counts shows in its help box."""
    return [
        _(
            "\u201d<%(k)s\u201d: färre än %(k)s observationer. Det exakta talet "
            "visas inte, så att ingen enskild kan pekas ut.",
            k=threshold,
        ),
        _(
            "\u201dSkyddad\u201d: talet döljs fast det är större, eftersom det annars kunde "
            "räknas fram ur summan och de andra talen."
        ),
        _(
            "\u00b12: varje publicerat tal kan vara justerat med upp till två, alltid lika för "
            "samma uppgifter. Små skillnader säger därför inget; se på tydliga förändringar."
        ),
        _(
            "Sammanslagna områden: områden med få unga visas tillsammans med ett större "
            "område, så att tal om få personer inte kan läsas ut."
        ),
    ]


def scroll_table(table: Any, label: str) -> html.Div:
    """A wide table in a region of its own that scrolls sideways on a narrow screen
    (the page itself never does); a keyboard user reaches it with Tab and scrolls it
    with the arrow keys, and a screen reader hears ``label``."""
    name: dict[str, Any] = {"aria-label": label}
    return html.Div(table, className="table-scroll", tabIndex="0", role="region", **name)
