"""Kalender: the kommun's school calendar and the team's local events."""

from __future__ import annotations

from typing import Any, Final

from dash import dcc, html

from dashboard import ids
from dashboard.auth import current_viewer, require_role
from dashboard.components import denied
from dashboard.i18n import N_, _, term_label
from dashboard.state import current_cube
from dashboard.uploads import MB, upload_box
from data.access.scope import AccessDenied, visible_kommuner
from data.calendar.holidays import SCHOOL_KINDS
from data.calendar.municipal import LOCAL_EVENT_KINDS

PATH = "/kalender"
NAME = N_("Kalender")
ROLES = ("coordinator", "admin")
SCHOOL_SUFFIXES: Final = (".csv", ".txt", ".xlsx", ".ics")
"""School calendar file types (``POST /upload/school-calendar``)."""
MAX_SCHOOL_FILE_BYTES: Final = 2 * MB
"""A school calendar is a few dozen rows; it is read in the page's callback."""
SCHOOL_KIND_LABELS: Final = {
    "sportlov": N_("Sportlov"),
    "påsklov": N_("Påsklov"),
    "höstlov": N_("Höstlov"),
    "jullov": N_("Jullov"),
    "sommarlov": N_("Sommarlov"),
    "skolavslutning": N_("Skolavslutning"),
}
"""The school calendar's kinds as shown (Swedish; translated where shown)."""


def school_kind_label(kind: str) -> str:
    """A school kind ("sportlov") as the reader reads it ("Sportlov", "Sports holiday")."""
    return _(SCHOOL_KIND_LABELS.get(kind, kind.capitalize()))


def _date_picker(component_id: str) -> dcc.DatePickerSingle:
    return dcc.DatePickerSingle(
        id=component_id, display_format="YYYY-MM-DD", first_day_of_week=1, placeholder=_("Datum")
    )


def _field(label: str, component_id: str, control: Any) -> html.Div:
    """A control with its visible label (the label's ``for`` names the control)."""
    return html.Div([html.Label(label, htmlFor=component_id), control], className="field")


def layout(**_query: Any) -> html.Div:
    """The page; coordinators keep their own kommun, administrators choose one."""
    try:
        user = require_role(*ROLES)
    except AccessDenied:
        return denied(_("Kalendern sköts av SSP-samordnare och administratörer."))
    kommuner = visible_kommuner(current_cube(), current_viewer())
    if user.kommun_code:
        kommuner = [(code, name) for code, name in kommuner if code == user.kommun_code]
    if not kommuner:
        return denied(_("Det finns inga kommuner ännu. Importera områden först."))
    school = html.Section(
        [
            html.H3(_("Skolkalender")),
            html.P(
                _(
                    "Lov och skolavslutning skiljer sig mellan kommuner och år. De blir "
                    "händelser på sidan Tid & händelser och hålls utanför jämförelseveckorna."
                ),
                className="hint",
            ),
            html.Div(id=ids.CAL_SCHOOL_LIST),
            html.Div(
                [
                    _field(
                        _("Typ av lov"),
                        ids.CAL_SCHOOL_KIND,
                        dcc.Dropdown(
                            id=ids.CAL_SCHOOL_KIND,
                            options=[
                                {"label": school_kind_label(k), "value": k} for k in SCHOOL_KINDS
                            ],
                            placeholder=_("Välj typ"),
                        ),
                    ),
                    _field(
                        _("Första dag"), ids.CAL_SCHOOL_FIRST, _date_picker(ids.CAL_SCHOOL_FIRST)
                    ),
                    _field(
                        _("Sista dag (tom = en dag)"),
                        ids.CAL_SCHOOL_LAST,
                        _date_picker(ids.CAL_SCHOOL_LAST),
                    ),
                    html.Button(_("Lägg till"), id=ids.CAL_SCHOOL_ADD, n_clicks=0),
                ],
                className="form-row",
            ),
            upload_box(
                ids.CAL_SCHOOL_UPLOAD,
                kind="school-calendar",
                store_id=ids.CAL_SCHOOL_UPLOADED,
                progress_id=ids.CAL_SCHOOL_UPLOAD_PROGRESS,
                text=[
                    _("Importera en fil: dra hit eller "),
                    html.A(_("välj fil")),
                    _(" (CSV, Excel eller iCalendar .ics)"),
                ],
                accept=",".join(SCHOOL_SUFFIXES),
                limit=MAX_SCHOOL_FILE_BYTES,
            ),
            dcc.Store(id=ids.CAL_SCHOOL_UPLOADED),
            html.P(
                _(
                    "CSV/Excel: kolumnerna typ, första dag, sista dag (t.ex. sportlov; "
                    "2027-02-22; 2027-02-26). iCalendar: händelser vars rubrik nämner lovet."
                ),
                className="hint",
            ),
            html.Ul(id=ids.CAL_SCHOOL_MESSAGE, role="status"),
        ],
        className="card",
    )
    events = html.Section(
        [
            html.H3(_("Egna evenemang")),
            html.P(
                _(
                    "Festivaler, matcher, demonstrationer … med tid och berörda områden. "
                    "Skriv aldrig personuppgifter i namnet."
                ),
                className="hint",
            ),
            html.Div(id=ids.CAL_EVENT_LIST),
            html.Label(_("Namn"), htmlFor=ids.CAL_EVENT_NAME),
            dcc.Input(id=ids.CAL_EVENT_NAME, type="text", maxLength=120),
            html.Label(_("Typ"), htmlFor=ids.CAL_EVENT_KIND),
            dcc.Dropdown(
                id=ids.CAL_EVENT_KIND,
                options=[
                    {"label": term_label(LOCAL_EVENT_KINDS, t.code), "value": t.code}
                    for t in LOCAL_EVENT_KINDS
                ],
                placeholder=_("Välj typ"),
            ),
            html.Div(
                [
                    _field(
                        _("Startdatum"),
                        ids.CAL_EVENT_START_DAY,
                        _date_picker(ids.CAL_EVENT_START_DAY),
                    ),
                    _field(
                        _("Starttid (t.ex. 18:00)"),
                        ids.CAL_EVENT_START_TIME,
                        dcc.Input(id=ids.CAL_EVENT_START_TIME, type="text", placeholder="18:00"),
                    ),
                ],
                className="form-row",
            ),
            html.Div(
                [
                    _field(
                        _("Slutdatum"), ids.CAL_EVENT_END_DAY, _date_picker(ids.CAL_EVENT_END_DAY)
                    ),
                    _field(
                        _("Sluttid (t.ex. 02:00)"),
                        ids.CAL_EVENT_END_TIME,
                        dcc.Input(id=ids.CAL_EVENT_END_TIME, type="text", placeholder="02:00"),
                    ),
                ],
                className="form-row",
            ),
            html.Label(_("Berörda områden (tomt = hela kommunen)"), htmlFor=ids.CAL_EVENT_AREAS),
            dcc.Dropdown(id=ids.CAL_EVENT_AREAS, options=[], multi=True),
            html.Button(_("Spara evenemanget"), id=ids.CAL_EVENT_ADD, n_clicks=0),
            html.Ul(id=ids.CAL_EVENT_MESSAGE, role="status"),
        ],
        className="card",
    )
    chooser = html.Div(
        [
            html.Label(_("Kommun"), htmlFor=ids.CAL_KOMMUN),
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
            html.H2(_(NAME)),
            chooser,
            school,
            events,
            dcc.Store(id=ids.CAL_REFRESH, data=0),
        ],
        className="page",
    )
