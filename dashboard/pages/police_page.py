"""Samverkan polis: the police area coordinator's week — the walk plan and parent meetings
in their areas (read only), their answer to the plan (agreed or a comment), riktade
insatser, and polisen.se events imported for their kommun. Coordinators read the whole
kommun's plan, answers and insatser here (and the answers on Planering)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Final

from dash import dcc, html

from dashboard import ids
from dashboard.auth import current_viewer, require_role
from dashboard.components import denied, help_box, section_card
from dashboard.formatting import format_date, week_label
from dashboard.i18n import N_, _, term_label
from dashboard.planning_views import field, named, status_list
from dashboard.state import current_cube
from dashboard.state import today as clock_today
from dashboard.uploads import MB, upload_box
from data.access.scope import AccessDenied
from data.counts.cube import monday_of
from data.planning.operations import KINDS, MAX_NOTE, PARTNERS
from data.planning.period import next_friday
from data.planning.police import MAX_COMMENT, plan_areas

PATH = "/samverkan"
NAME = N_("Samverkan polis")
ROLES = ("police_area", "coordinator")
WRITERS: Final = ("police_area",)
"""Who answers the plan and records riktade insatser (coordinators read)."""
POLISEN_SUFFIXES: Final = (".json",)
MAX_POLISEN_BYTES: Final = 5 * MB
"""A polisen.se API answer holds at most 500 events (about 300 kB): read in the callback."""
WEEKS_BACK, WEEKS_AHEAD = 8, 8

HELP: Final = (
    N_(
        "Varje vecka: välj veckan, titta på de planerade nattvandringarna och "
        "föräldramötena i dina områden och godkänn planen eller skriv en kommentar till "
        "SSP-samordnaren. Ändras planen efter att du godkänt den syns det här och på "
        "Planering."
    ),
    N_(
        "Riktade insatser: registrera datum, områden, vilka som deltog och vilken sorts "
        "insats det var. Bara du kan ändra eller ta bort dina egna; samordnaren ser alla "
        "i kommunen. Skriv aldrig namn, personnummer eller adresser i anteckningen."
    ),
    N_(
        "Händelser från polisen.se: spara API:ets svar (JSON) och ladda upp filen. Bara "
        "händelser i din kommun sparas; övriga räknas som överhoppade. Samma fil två "
        "gånger ger inga dubbletter."
    ),
)


def week_options(today: date) -> list[dict[str, str]]:
    """The weeks to choose: eight back and eight ahead of this one."""
    this = monday_of(today)
    mondays = [this + timedelta(weeks=n) for n in range(-WEEKS_BACK, WEEKS_AHEAD + 1)]
    return [
        {
            "label": _(
                "%(week)s (%(first)s–%(last)s)",
                week=week_label(m),
                first=format_date(m),
                last=format_date(m + timedelta(days=6)),
            ),
            "value": m.isoformat(),
        }
        for m in mondays
    ]


def _week_card(today: date, scope_text: str) -> html.Div:
    return html.Div(
        [
            html.H2(_("Vecka")),
            html.Label(_("Vecka"), htmlFor=ids.SV_WEEK),
            dcc.Dropdown(
                id=ids.SV_WEEK,
                options=week_options(today),
                value=monday_of(next_friday(today)).isoformat(),
                clearable=False,
            ),
            html.P(scope_text, className="hint"),
        ],
        className="card filters",
    )


def _review_form() -> list[Any]:
    return [
        field(
            _("Kommentar till samordnaren (valfri vid godkännande)"),
            dcc.Textarea(id=ids.SV_COMMENT, maxLength=MAX_COMMENT, rows=3),
            ids.SV_COMMENT,
            hint=_("Högst %(n)s tecken. Inga namn eller personuppgifter.", n=MAX_COMMENT),
            wide=True,
        ),
        html.Div(
            [
                html.Button(
                    _("Godkänn veckans plan"), id=ids.SV_AGREE, n_clicks=0, className="primary"
                ),
                html.Button(_("Skicka kommentar"), id=ids.SV_SEND_COMMENT, n_clicks=0),
            ],
            className="form-row",
        ),
        status_list(ids.SV_REVIEW_MESSAGE),
    ]


def _time_input(label: str, field_id: str) -> html.Div:
    return field(
        label,
        dcc.Input(
            id=field_id,
            type="text",
            maxLength=5,
            pattern="[0-2][0-9]:[0-5][0-9]",
            inputMode="numeric",
            className="time",
        ),
        field_id,
    )


def _operation_form(areas: list[dict[str, str]]) -> list[Any]:
    return [
        html.Div(
            [
                field(
                    _("Datum"),
                    named(
                        _("Insatsens datum"),
                        dcc.DatePickerSingle(
                            id=ids.SV_OP_DAY,
                            display_format="YYYY-MM-DD",
                            first_day_of_week=1,
                            placeholder=_("ÅÅÅÅ-MM-DD"),
                        ),
                    ),
                    ids.SV_OP_DAY,
                ),
                _time_input(_("Start (tt:mm, valfri)"), ids.SV_OP_START),
                _time_input(_("Slut (tt:mm, valfri)"), ids.SV_OP_END),
                field(
                    _("Områden"),
                    dcc.Dropdown(
                        id=ids.SV_OP_AREAS, options=areas, multi=True, placeholder=_("Välj områden")
                    ),
                    ids.SV_OP_AREAS,
                    wide=True,
                ),
                field(
                    _("Typ av insats"),
                    dcc.Dropdown(
                        id=ids.SV_OP_KIND,
                        options=[
                            {"label": term_label(KINDS, k.code), "value": k.code} for k in KINDS
                        ],
                        placeholder=_("Välj typ"),
                    ),
                    ids.SV_OP_KIND,
                    wide=True,
                ),
            ],
            className="form-row",
        ),
        html.Fieldset(
            [
                html.Legend(_("Samverkansparter")),
                dcc.Checklist(
                    id=ids.SV_OP_PARTNERS,
                    options=[
                        {"label": term_label(PARTNERS, p.code), "value": p.code} for p in PARTNERS
                    ],
                    value=["polis"],
                    className="radio",
                ),
                html.Span(id=ids.SV_OP_PARTNERS + ids.PL_ERROR_SUFFIX, className="field-error"),
            ],
            id=ids.SV_OP_PARTNERS + ids.PL_FIELD_SUFFIX,
            className="field wide",
        ),
        field(
            _("Anteckning (valfri)"),
            dcc.Textarea(id=ids.SV_OP_NOTE, maxLength=MAX_NOTE, rows=2),
            ids.SV_OP_NOTE,
            hint=_("Högst %(n)s tecken, gruppnivå: inga namn eller personuppgifter.", n=MAX_NOTE),
            wide=True,
        ),
        dcc.Store(id=ids.SV_OP_EDITING),
        html.Div(
            [
                html.Button(
                    _("Spara insatsen"), id=ids.SV_OP_SAVE, n_clicks=0, className="primary"
                ),
                html.Button(_("Ny insats"), id=ids.SV_OP_NEW, n_clicks=0),
            ],
            className="form-row",
        ),
        status_list(ids.SV_OP_MESSAGE),
    ]


def _import_card() -> html.Section:
    return section_card(
        _("Händelser från polisen.se"),
        upload_box(
            ids.SV_IMPORT_UPLOAD,
            kind="polisen",
            store_id=ids.SV_IMPORT_UPLOADED,
            progress_id=ids.SV_IMPORT_PROGRESS,
            text=[_("Dra hit en fil eller") + " ", html.A(_("välj fil")), " " + _("(JSON)")],
            accept=",".join(POLISEN_SUFFIXES),
            limit=MAX_POLISEN_BYTES,
        ),
        dcc.Store(id=ids.SV_IMPORT_UPLOADED),
        html.Div(id=ids.SV_IMPORT_RESULT, role="status"),
        hint=_(
            "Filen är svaret från polisen.se:s API för händelser (JSON). Bara din kommuns "
            "händelser sparas, på kommunnivå; andra kommuner och hela länet hoppas över."
        ),
    )


def layout(**_query: Any) -> html.Div:
    """The page, for police area coordinators and coordinators (every callback checks
    again); police users see only their areas."""
    try:
        user = require_role(*ROLES)
        viewer = current_viewer()
    except AccessDenied:
        return denied(_("Samverkan med polisen är till för polisens områdessamordnare."))
    if user.kommun_code is None:
        return denied(_("Du har ingen kommun."))
    cube = current_cube()
    areas = plan_areas(cube, viewer, user.kommun_code)
    police = user.role in WRITERS
    if police and not areas:
        return denied(_("Du har inga tilldelade områden. Be en administratör om behörighet."))
    names = dict(zip(cube.areas.codes, cube.areas.names, strict=True))
    shown = sorted(areas or ())
    scope_text = (
        _("Du ser dina områden: %(areas)s.", areas=", ".join(names[c] for c in shown))
        if police
        else _("Du ser hela kommunen: alla områden och alla polisers svar och insatser.")
    )
    review = section_card(
        _("Polisens svar på veckans plan"),
        html.Div(id=ids.SV_REVIEW_STATE),
        *(_review_form() if police else []),
    )
    options = [{"label": f"{names[c]} ({c})", "value": c} for c in shown]
    operations = section_card(
        _("Riktade insatser"),
        *(_operation_form(options) if police else []),
        html.Div(id=ids.SV_OP_LIST, className="table-scroll"),
    )
    main = html.Div(
        [
            section_card(
                _("Veckans nattvandringar"), html.Div(id=ids.SV_WALKS, className="table-scroll")
            ),
            section_card(
                _("Föräldramöten under veckan"),
                html.Div(id=ids.SV_MEETINGS, className="table-scroll"),
            ),
            review,
            operations,
            _import_card(),
            dcc.Store(id=ids.SV_REFRESH, data=0),
        ],
        className="stack",
    )
    return html.Div(
        [
            html.H2(_(NAME)),
            help_box(_("Så använder du Samverkan polis"), *(_(p) for p in HELP)),
            html.Div([_week_card(clock_today(), scope_text), main], className="grid"),
        ],
        className="page planning-page police-page",
    )
