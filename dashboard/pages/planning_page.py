"""Planering: where adults should walk on which nights, and which parents to invite."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard import ids
from dashboard.auth import require_role
from dashboard.components import denied, graph, section_card
from dashboard.pages.overview import page_scope, scope_filters
from dashboard.state import db_session
from dashboard.state import today as clock_today
from data.access.scope import AccessDenied
from data.counts.options import category_options
from data.planning.meetings import PLACES
from data.planning.period import next_friday
from data.planning.signals import CONCERNS

PATH = "/planering"
NAME = "Planering"
ROLES = ("coordinator",)
EDITABLE = ("area", "walkers", "start", "end", "meeting_point")
"""Schedule columns the coordinator edits by hand before saving."""


def layout(**_query: Any) -> html.Div:
    """The page; for coordinators (every callback checks again)."""
    try:
        require_role(*ROLES)
    except AccessDenied:
        return denied("Planeringen görs av SSP-samordnare.")
    scope = page_scope()
    if isinstance(scope, html.Div):
        return scope
    today = clock_today()
    filters = html.Div(
        [
            html.H2("Period"),
            *scope_filters(scope, ids.PL_KOMMUN, ids.PL_LEVEL),
            html.Label("Första natten", htmlFor=ids.PL_FIRST),
            dcc.DatePickerSingle(
                id=ids.PL_FIRST,
                date=next_friday(today).isoformat(),
                display_format="YYYY-MM-DD",
                first_day_of_week=1,
            ),
            html.Label("Antal veckor", htmlFor=ids.PL_WEEKS),
            dcc.RadioItems(
                id=ids.PL_WEEKS,
                options=[{"label": str(n), "value": n} for n in (1, 2, 3, 4)],
                value=2,
                className="radio",
            ),
            html.P(
                "Vandringsnätter: fredagar, lördagar och särskilda nätter (lönehelg, "
                "skolavslutning, valborg, midsommar, nyår och egna evenemang).",
                className="hint",
            ),
        ],
        className="card filters",
    )
    main = html.Div(
        [
            section_card(
                "Prognos per område och natt",
                dcc.Loading(graph(id=ids.PL_FORECAST)),
                html.Ul(id=ids.PL_REASONS),
                hint="Väntad aktivitet kväll och natt, viktad med kategoriernas allvarlighet. "
                "Byggd bara på publicerade (skyddade) tal; håll muspekaren över en ruta för "
                "intervall och skäl.",
            ),
            html.Details(
                [
                    html.Summary("Allvarlighet per kategori (väger prognosen)"),
                    html.Div(id=ids.PL_SEVERITIES),
                    html.Button("Spara allvarlighet", id=ids.PL_SAVE_SEVERITY, n_clicks=0),
                    html.Ul(id=ids.PL_SEVERITY_MESSAGE, role="status"),
                ],
                className="card",
            ),
            section_card(
                "Vandrare och anmälningar",
                html.Div(id=ids.PL_NIGHTS),
                html.H4("Föreningar anmäler nätter"),
                html.Div(
                    [
                        dcc.Dropdown(id=ids.PL_ASSOCIATION, options=[], placeholder="Förening"),
                        dcc.Input(
                            id=ids.PL_NEW_ASSOCIATION, type="text", placeholder="Ny förening"
                        ),
                        html.Button("Lägg till förening", id=ids.PL_ADD_ASSOCIATION, n_clicks=0),
                    ],
                    className="form-row",
                ),
                html.Div(
                    [
                        dcc.Dropdown(id=ids.PL_SIGNUP_NIGHT, options=[], placeholder="Natt"),
                        dcc.Input(id=ids.PL_SIGNUP_WALKERS, type="number", placeholder="Vandrare"),
                        dcc.Input(id=ids.PL_SIGNUP_START, type="text", value="20:30"),
                        dcc.Input(id=ids.PL_SIGNUP_END, type="text", value="01:30"),
                        html.Button("Lägg till anmälan", id=ids.PL_ADD_SIGNUP, n_clicks=0),
                    ],
                    className="form-row",
                ),
                html.Ul(id=ids.PL_SIGNUP_MESSAGE, role="status"),
                html.Div(id=ids.PL_SIGNUPS),
            ),
            section_card(
                "Schema",
                html.Button("Föreslå schema", id=ids.PL_PROPOSE, n_clicks=0),
                html.P(
                    "Grupper om minst tre vandrare, högst en grupp per område och natt; "
                    "schemat maximerar den väntade aktivitet grupperna är ute under. Ändra "
                    "område, tider, antal och samlingsplats direkt i tabellen, bocka i "
                    "\u201dTa bort\u201d för pass som inte ska gå, och spara.",
                    className="hint",
                ),
                dcc.Loading(html.Div(id=ids.PL_SCHEDULE_TABLE)),
                dcc.Store(id=ids.PL_SCHEDULE, data=[]),
                html.Button("Spara schemat", id=ids.PL_SAVE, n_clicks=0),
                html.Ul(id=ids.PL_MESSAGE, role="status"),
                html.Div(
                    [
                        html.Button("Schema (CSV)", id=ids.PL_EXPORT_CSV, n_clicks=0),
                        html.Button("Kalender (ICS)", id=ids.PL_EXPORT_ICS, n_clicks=0),
                        html.Button("Utskrift (PDF)", id=ids.PL_EXPORT_PDF, n_clicks=0),
                        html.Button("Ersättning (CSV)", id=ids.PL_EXPORT_PAY, n_clicks=0),
                    ],
                    className="form-row",
                ),
                dcc.Download(id=ids.PL_DOWNLOAD),
            ),
            section_card(
                "Planerat och genomfört",
                html.Div(id=ids.PL_DONE),
                html.Ul(id=ids.PL_CONFIRM_MESSAGE, role="status"),
                html.Div(id=ids.PL_YEARLY),
                hint="En rapport från Nattvandring som anger den planerade vandringen visar "
                "den som rapporterad; bara föreningens egna vandrare och samordnaren kan "
                "rapportera den. Ersättning: inlämnad rapport, minst tre vandrare och "
                "samordnarens bekräftelse (Bekräfta; Ångra tar bort bekräftelsen).",
            ),
            section_card(
                "Signaler för föräldramöten",
                dcc.Dropdown(
                    id=ids.PL_CONCERNS,
                    options=[
                        {"label": label, "value": code}
                        for code, label in category_options(db_session())
                    ],
                    value=list(CONCERNS),
                    multi=True,
                ),
                dcc.Loading(html.Div(id=ids.PL_SIGNALS)),
                hint="Ett område flaggas när oron stigit i flera veckor jämfört med "
                "områdets eget senaste år (CUSUM, korrigerat för att många områden "
                "bevakas samtidigt).",
            ),
            section_card(
                "Föräldramöten",
                html.Div(
                    [
                        dcc.Dropdown(id=ids.PL_MEETING_AREA, options=[], placeholder="Område"),
                        dcc.DatePickerSingle(
                            id=ids.PL_MEETING_DATE,
                            display_format="YYYY-MM-DD",
                            first_day_of_week=1,
                            placeholder="Datum",
                        ),
                        dcc.Dropdown(
                            id=ids.PL_MEETING_PLACE,
                            options=[{"label": v, "value": k} for k, v in PLACES.items()],
                            placeholder="Plats",
                        ),
                        dcc.Input(id=ids.PL_MEETING_THEME, type="text", placeholder="Tema"),
                        dcc.Input(
                            id=ids.PL_MEETING_ATTENDING, type="number", placeholder="Deltagare"
                        ),
                        dcc.DatePickerSingle(
                            id=ids.PL_MEETING_FOLLOW_UP,
                            display_format="YYYY-MM-DD",
                            first_day_of_week=1,
                            placeholder="Uppföljning",
                        ),
                        html.Button("Spara mötet", id=ids.PL_ADD_MEETING, n_clicks=0),
                    ],
                    className="form-row",
                ),
                html.Ul(id=ids.PL_MEETING_MESSAGE, role="status"),
                html.Div(id=ids.PL_MEETINGS),
            ),
            dcc.Store(id=ids.PL_REFRESH, data=0),
        ],
        className="stack",
    )
    return html.Div([html.H2(NAME), html.Div([filters, main], className="grid")], className="page")
