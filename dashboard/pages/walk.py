"""Nattvandring: the compact walk report of a nattvandring group (group level only)."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard import ids
from dashboard.auth import require_role
from dashboard.components import denied
from dashboard.pages.report import area_options
from dashboard.state import db_session
from dashboard.state import today as clock_today
from data.access.scope import AccessDenied
from data.counts.options import category_options

PATH = "/nattvandring"
NAME = "Nattvandring"
ROLES = ("reporter", "police_area", "coordinator")
DEFAULT_START = "20:00"
DEFAULT_END = "00:30"


def _field(label: str, field: str, control: Any) -> html.Div:
    return html.Div(
        [
            html.Label(label, htmlFor=control.id),
            control,
            html.Div(id=ids.walk_error(field), className="field-error", role="alert"),
        ]
    )


def _seen_row(row: int, categories: list[dict[str, str]]) -> html.Div:
    return html.Div(
        [
            html.Div(
                [
                    dcc.Dropdown(
                        id=ids.walk_seen(row, "category"),
                        options=categories,
                        placeholder="Kategori",
                    ),
                    dcc.Dropdown(
                        id=ids.walk_seen(row, "area"),
                        options=[],
                        placeholder="Område (välj områden ovan)",
                    ),
                    # No min/max: the browser would send an out-of-range number as
                    # empty (counted as 1); the server checks the range and says so.
                    dcc.Input(id=ids.walk_seen(row, "count"), type="number", placeholder="Antal"),
                ],
                className="walk-seen-row",
            ),
            html.Div(id=ids.walk_error(f"sett-{row}"), className="field-error", role="alert"),
        ]
    )


def layout(**_query: Any) -> html.Div:
    """The walk report form; only reporting roles, checked server-side."""
    try:
        user = require_role(*ROLES)
    except AccessDenied:
        return denied("Din roll kan inte rapportera nattvandringar.")
    categories = [{"label": label, "value": code} for code, label in category_options(db_session())]
    today = clock_today().isoformat()
    form = html.Div(
        [
            html.H2("Rapportera en nattvandring"),
            html.P(
                "Bara gruppnivå: skriv aldrig namn, personnummer, telefonnummer, e-post "
                "eller hemadresser. Sådant stoppas och sparas inte.",
                className="notice",
            ),
            _field(
                "Datum (då ni började gå)",
                "datum",
                dcc.DatePickerSingle(
                    id=ids.WALK_DATE,
                    date=today,
                    max_date_allowed=today,
                    display_format="YYYY-MM-DD",
                    first_day_of_week=1,
                ),
            ),
            _field(
                "Planerad vandring (er förenings pass den dagen, om ni gick enligt schemat)",
                "planerad",
                dcc.Dropdown(
                    id=ids.WALK_PLANNED,
                    options=[],
                    placeholder="Ingen planerad vandring vald",
                ),
            ),
            _field(
                "Områden ni gick i",
                "omraden",
                dcc.Dropdown(
                    id=ids.WALK_AREAS,
                    options=area_options(user),
                    multi=True,
                    placeholder="Välj ett eller flera områden",
                ),
            ),
            _field(
                "Start (TT:MM)",
                "start",
                dcc.Input(id=ids.WALK_START, type="text", value=DEFAULT_START, maxLength=5),
            ),
            _field(
                "Slut (TT:MM; före starttiden betyder nästa dag)",
                "slut",
                dcc.Input(id=ids.WALK_END, type="text", value=DEFAULT_END, maxLength=5),
            ),
            _field(
                "Antal vuxna som gick",
                "vandrare",
                dcc.Input(id=ids.WALK_WALKERS, type="number"),
            ),
            _field(
                "Hur kändes det?",
                "stamning",
                dcc.RadioItems(
                    id=ids.WALK_RATING,
                    options=[
                        {"label": "Lugnt", "value": "calm"},
                        {"label": "Oroligt", "value": "uneasy"},
                    ],
                    className="radio",
                ),
            ),
            html.Fieldset(
                [
                    html.Legend("Vad såg ni?"),
                    html.P(
                        "En rad per sak ni såg (lämna tomt om inget särskilt). Gick ni i ett "
                        "enda område behöver raden inget område; tomt antal räknas som 1.",
                        className="hint",
                    ),
                    *(_seen_row(row, categories) for row in range(1, ids.WALK_SEEN_ROWS + 1)),
                    html.Div(id=ids.walk_error("sett"), className="field-error", role="alert"),
                ],
                className="walk-seen",
            ),
            _field(
                "Kort anteckning (valfritt, högst 280 tecken)",
                "anteckning",
                dcc.Textarea(id=ids.WALK_NOTE, maxLength=280, value="", style={"width": "100%"}),
            ),
            html.Button("Skicka nattvandring", id=ids.WALK_SUBMIT, n_clicks=0, className="primary"),
            html.Div(id=ids.WALK_RESULT, role="status"),
        ],
        className="card filters report-form",
    )
    return html.Div(form, className="page")
