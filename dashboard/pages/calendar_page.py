"""Kalender: the kommun's school calendar and the team's local events."""

from __future__ import annotations

from typing import Any, Final

from dash import dcc, html

from dashboard import ids
from dashboard.auth import current_viewer, require_role
from dashboard.components import denied
from dashboard.state import current_cube
from dashboard.uploads import MB, upload_box
from data.access.scope import AccessDenied, visible_kommuner
from data.calendar.holidays import SCHOOL_KINDS
from data.calendar.municipal import LOCAL_EVENT_KINDS

PATH = "/kalender"
NAME = "Kalender"
ROLES = ("coordinator", "admin")
SCHOOL_SUFFIXES: Final = (".csv", ".txt", ".xlsx", ".ics")
"""School calendar file types (``POST /upload/school-calendar``)."""
MAX_SCHOOL_FILE_BYTES: Final = 2 * MB
"""A school calendar is a few dozen rows; it is read in the page's callback."""


def _date_picker(component_id: str) -> dcc.DatePickerSingle:
    return dcc.DatePickerSingle(
        id=component_id, display_format="YYYY-MM-DD", first_day_of_week=1, placeholder="Datum"
    )


def layout(**_query: Any) -> html.Div:
    """The page; coordinators keep their own kommun, administrators choose one."""
    try:
        user = require_role(*ROLES)
    except AccessDenied:
        return denied("Kalendern sköts av SSP-samordnare och administratörer.")
    kommuner = visible_kommuner(current_cube(), current_viewer())
    if user.kommun_code:
        kommuner = [(code, name) for code, name in kommuner if code == user.kommun_code]
    if not kommuner:
        return denied("Det finns inga kommuner ännu. Importera områden först.")
    school = html.Section(
        [
            html.H3("Skolkalender"),
            html.P(
                "Lov och skolavslutning skiljer sig mellan kommuner och år. De blir "
                "händelser på sidan Tid & händelser och hålls utanför jämförelseveckorna.",
                className="hint",
            ),
            html.Div(id=ids.CAL_SCHOOL_LIST),
            html.Div(
                [
                    dcc.Dropdown(
                        id=ids.CAL_SCHOOL_KIND,
                        options=[{"label": k.capitalize(), "value": k} for k in SCHOOL_KINDS],
                        placeholder="Typ",
                    ),
                    _date_picker(ids.CAL_SCHOOL_FIRST),
                    _date_picker(ids.CAL_SCHOOL_LAST),
                    html.Button("Lägg till", id=ids.CAL_SCHOOL_ADD, n_clicks=0),
                ],
                className="form-row",
            ),
            upload_box(
                ids.CAL_SCHOOL_UPLOAD,
                kind="school-calendar",
                store_id=ids.CAL_SCHOOL_UPLOADED,
                progress_id=ids.CAL_SCHOOL_UPLOAD_PROGRESS,
                text=[
                    "Importera en fil: dra hit eller ",
                    html.A("välj fil"),
                    " (CSV, Excel eller iCalendar .ics)",
                ],
                accept=",".join(SCHOOL_SUFFIXES),
                limit=MAX_SCHOOL_FILE_BYTES,
            ),
            dcc.Store(id=ids.CAL_SCHOOL_UPLOADED),
            html.P(
                "CSV/Excel: kolumnerna typ, första dag, sista dag (t.ex. sportlov; "
                "2027-02-22; 2027-02-26). iCalendar: händelser vars rubrik nämner lovet.",
                className="hint",
            ),
            html.Ul(id=ids.CAL_SCHOOL_MESSAGE, role="status"),
        ],
        className="card",
    )
    events = html.Section(
        [
            html.H3("Egna evenemang"),
            html.P(
                "Festivaler, matcher, demonstrationer … med tid och berörda områden. "
                "Skriv aldrig personuppgifter i namnet.",
                className="hint",
            ),
            html.Div(id=ids.CAL_EVENT_LIST),
            html.Label("Namn", htmlFor=ids.CAL_EVENT_NAME),
            dcc.Input(id=ids.CAL_EVENT_NAME, type="text", maxLength=120),
            html.Label("Typ", htmlFor=ids.CAL_EVENT_KIND),
            dcc.Dropdown(
                id=ids.CAL_EVENT_KIND,
                options=[{"label": t.label, "value": t.code} for t in LOCAL_EVENT_KINDS],
                placeholder="Välj typ",
            ),
            html.Label("Start (datum och klockslag)", htmlFor=ids.CAL_EVENT_START_DAY),
            html.Div(
                [
                    _date_picker(ids.CAL_EVENT_START_DAY),
                    dcc.Input(id=ids.CAL_EVENT_START_TIME, type="text", placeholder="18:00"),
                ],
                className="form-row",
            ),
            html.Label("Slut (datum och klockslag)", htmlFor=ids.CAL_EVENT_END_DAY),
            html.Div(
                [
                    _date_picker(ids.CAL_EVENT_END_DAY),
                    dcc.Input(id=ids.CAL_EVENT_END_TIME, type="text", placeholder="02:00"),
                ],
                className="form-row",
            ),
            html.Label("Berörda områden (tomt = hela kommunen)", htmlFor=ids.CAL_EVENT_AREAS),
            dcc.Dropdown(id=ids.CAL_EVENT_AREAS, options=[], multi=True),
            html.Button("Spara evenemanget", id=ids.CAL_EVENT_ADD, n_clicks=0),
            html.Ul(id=ids.CAL_EVENT_MESSAGE, role="status"),
        ],
        className="card",
    )
    chooser = html.Div(
        [
            html.Label("Kommun", htmlFor=ids.CAL_KOMMUN),
            dcc.Dropdown(
                id=ids.CAL_KOMMUN,
                options=[{"label": name, "value": code} for code, name in kommuner],
                value=kommuner[0][0],
                clearable=False,
                disabled=len(kommuner) == 1,
            ),
        ],
        className="card filters",
    )
    return html.Div(
        [
            html.H2(NAME),
            chooser,
            school,
            events,
            dcc.Store(id=ids.CAL_REFRESH, data=0),
        ],
        className="page",
    )
