"""Tid & händelser: what happened around each event, against normal weeks and last year."""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from dash import dcc, html

from dashboard import ids
from dashboard.components import graph, section_card
from dashboard.pages.overview import page_scope, scope_filters
from dashboard.periods import window_label
from dashboard.state import db_session
from dashboard.state import today as clock_today
from data.counts.event_view import EventView
from data.counts.options import category_options
from data.counts.windows import AreaComparison, EventComparison

PATH = "/tid"
NAME = "Tid & händelser"


def year_options(first_year: int, today: date) -> list[dict[str, Any]]:
    """Years with data, newest first."""
    return [{"label": str(y), "value": y} for y in range(today.year, first_year - 1, -1)]


def default_year(today: date) -> int:
    """This year once valborg has passed, else last year (so valborg has data)."""
    return today.year if (today.month, today.day) > (5, 1) else today.year - 1


def layout(**_query: Any) -> html.Div:
    """The page; checks the user's access itself (every callback checks again)."""
    scope = page_scope()
    if isinstance(scope, html.Div):
        return scope
    today = clock_today()
    filters = html.Div(
        [
            html.H2("Händelse"),
            *scope_filters(scope, ids.EV_KOMMUN, ids.EV_LEVEL),
            html.Label("År", htmlFor=ids.EV_YEAR),
            dcc.Dropdown(
                id=ids.EV_YEAR,
                options=year_options(scope.cube.first_monday.year, today),
                value=default_year(today),
                clearable=False,
            ),
            html.Label("Händelse (period)", htmlFor=ids.EV_EVENT),
            dcc.Dropdown(id=ids.EV_EVENT, options=[], clearable=False),
            html.Div(
                "Helgdagar, lönehelger, kommunens skolkalender och egna evenemang. "
                "En natt räknas till datumet då den började.",
                className="hint",
            ),
            html.Label("Kategorier", htmlFor=ids.EV_CATEGORIES),
            dcc.Dropdown(
                id=ids.EV_CATEGORIES,
                options=[
                    {"label": label, "value": code}
                    for code, label in category_options(db_session())
                ],
                value=[],
                multi=True,
                placeholder="Alla kategorier",
            ),
        ],
        className="card filters",
    )
    results = html.Div(
        [
            html.Div(id=ids.EV_SUMMARY, role="status", className="card"),
            section_card(
                "Under händelsen, per område",
                dcc.Loading(
                    graph(
                        id=ids.EV_MAP,
                        config={"scrollZoom": True},
                        style={"height": "480px"},
                    ),
                    type="dot",
                ),
            ),
            section_card(
                "Områden jämfört med vanliga veckor",
                dcc.Loading(html.Div(id=ids.EV_AREAS)),
                hint="Områden med tydlig ökning först. Förväntat = samma tider i "
                "jämförbara veckor i samma område.",
            ),
            section_card(
                "Samma händelse år för år",
                dcc.Loading(graph(id=ids.EV_YOY)),
                hint="Observerat antal delat med det förväntade (samma veckodagar och tider "
                "upp till fyra veckor före och efter, utan helgdagar och andra händelser). "
                "Strecket visar 95 %-intervallet; rött = tydlig ökning.",
            ),
            section_card(
                "Årets händelser rangordnade efter ökning",
                dcc.Loading(html.Div(id=ids.EV_RANKED)),
            ),
            section_card(
                "Kalender: veckorna runt händelsen",
                html.Div(id=ids.EV_HEATMAP_NOTE, className="hint"),
                dcc.Loading(graph(id=ids.EV_HEATMAP)),
                graph(id=ids.EV_BANDS),
                hint="Ringar markerar helgdagar och händelser. Tal under gränsen visas "
                "som \u201d<5\u201d, celler som döljs för att skydda dem som \u201dskyddad\u201d.",
            ),
        ],
        className="stack",
    )
    return html.Div(
        [html.H2(NAME), html.Div([filters, results], className="grid")], className="page"
    )


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",")


def comparison_text(c: EventComparison) -> str:
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


def summary(view: EventView) -> list[Any]:
    """The heading and one-line verdict of the chosen window."""
    return [
        html.H3(window_label(view.window)),
        html.P(comparison_text(view.chosen), id="ev-summary-text"),
    ]


RANKED_LIMIT: Final = 20
"""Rows of the ranking: the clearest rises; the rest are named in the count only."""


def ranked_table(rows: list[EventComparison], limit: int = RANKED_LIMIT) -> list[Any] | html.P:
    """The year's finished windows, clearest rise first: the first ``limit`` of them,
    and how many there are ("Visar 20 av 77")."""
    if not rows:
        return html.P("Inga avslutade händelser det här året.")

    def order(c: EventComparison) -> tuple[int, float]:
        ratio = c.result.ratio if c.result is not None and c.result.ratio is not None else -1.0
        return (0 if c.result is not None and c.result.significant else 1, -ratio)

    shown = sorted(rows, key=order)[:limit]
    body = []
    for c in shown:
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
    table = html.Table(
        [html.Thead(head), html.Tbody(body)], className="ranked", id="ev-ranked-table"
    )
    if len(shown) == len(rows):
        return [table]
    note = f"Visar {len(shown)} av {len(rows)} händelser: de med störst ökning."
    return [html.P(note, className="hint", id="ev-ranked-note"), table]


def area_table(rows: list[AreaComparison], k: int, limit: int = 15) -> html.Table | html.P:
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


def year_points(occurrences: list[EventComparison]) -> list[dict[str, Any]]:
    """The year-over-year chart's points (see :func:`dashboard.figures.ratio_figure`)."""
    points = []
    for c in occurrences:
        r = c.result
        hover = [window_label(c.window), comparison_text(c)]
        known = r is not None and None not in (r.ratio, r.low, r.high)
        points.append(
            {
                "label": str(c.window.start.year),
                "ratio": r.ratio if known and r is not None else None,
                "low": r.low if known and r is not None else None,
                "high": r.high if known and r is not None else None,
                "significant": bool(known and r is not None and r.significant),
                "hover": hover,
            }
        )
    return points


def day_views_note(refused: str | None) -> str:
    """The calendar card's note: what it shows, or why it shows nothing."""
    if refused is not None:
        return f"Visas inte: {refused}."
    return "Veckorna före och efter händelsen, dag för dag."
