"""Tid & händelser: what happened around each event, against normal weeks and last year."""

from __future__ import annotations

from datetime import date
from typing import Any

from dash import dcc, html

from dashboard import ids
from dashboard.components import section_card
from dashboard.pages.overview import page_scope, scope_filters
from dashboard.state import db_session
from dashboard.state import today as clock_today
from data.counts.options import category_options

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
                    dcc.Graph(
                        id=ids.EV_MAP,
                        config={"displaylogo": False, "scrollZoom": True},
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
                dcc.Loading(dcc.Graph(id=ids.EV_YOY, config={"displaylogo": False})),
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
                dcc.Loading(dcc.Graph(id=ids.EV_HEATMAP, config={"displaylogo": False})),
                dcc.Graph(id=ids.EV_BANDS, config={"displaylogo": False}),
                hint="Ringar markerar helgdagar och händelser. Tal under gränsen visas "
                "som \u201d<5\u201d, celler som döljs för att skydda dem som \u201dskyddad\u201d.",
            ),
        ],
        className="stack",
    )
    return html.Div(
        [html.H2(NAME), html.Div([filters, results], className="grid")], className="page"
    )
