"""Planering: where adults should walk on which nights, and which parents to invite."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard import ids
from dashboard.association_views import links_card
from dashboard.auth import require_role
from dashboard.components import denied, graph, help_box, section_card
from dashboard.i18n import N_, _, term_label
from dashboard.pages.overview import linked_scope, page_scope, scope_filters
from dashboard.permalink import PlanningState, decode_planning
from dashboard.planning_views import field, named, place_label, status_list
from dashboard.share import link_notice, share_box, view_scope
from dashboard.state import db_session
from dashboard.state import today as clock_today
from data.access.scope import AccessDenied
from data.counts.options import category_options
from data.planning.meetings import PLACES
from data.planning.period import next_friday, parse_period
from data.planning.registry import walk_contact
from data.planning.signals import CONCERNS
from data.vocabulary import AGE_BANDS, AGE_GROUPS

PATH = "/planering"
NAME = "Planering"
ROLES = ("coordinator",)
EDITABLE = ("area", "walkers", "start", "end", "meeting_point")
"""Schedule columns the coordinator edits by hand before saving."""
SIGNUP_START, SIGNUP_END = "20:30", "01:30"

HELP = (
    N_(
        "Här planerar du veckans nattvandringar: ange hur många vandrare du själv har per "
        "natt, lägg in föreningarnas anmälningar, låt systemet föreslå var grupperna gör mest "
        "nytta, ändra förslaget och spara. Spara skapar schemat som vandrarna skriver ut "
        "(PDF) eller lägger i kalendern (ICS); efter vandringen syns rapporterna under "
        "Planerat och genomfört."
    ),
    N_(
        "Prognosen: för varje område och natt visas hur många observationer som väntas "
        "under kvällen och natten (18–06), räknat från de publicerade (skyddade) talen för "
        "de senaste veckorna, årstiden och kalendern (lönehelg, lov, valborg …), viktat med "
        "kategoriernas allvarlighet. Talet är ett väntevärde, inte ett löfte: 0,2 betyder "
        "ungefär en observation på fem sådana kvällar. Intervallet i rutan visar var 80 % "
        "av utfallen brukar hamna."
    ),
    N_(
        "Väntat under passet (i schemat): de väntade observationerna som ligger inom "
        "gruppens tider, summerat över området. Förslaget placerar grupperna där den "
        "summan blir störst. Grupper om minst tre, högst en grupp per område och natt."
    ),
)
"""The help box's paragraphs (translated where shown)."""


def _association_form() -> list[Any]:
    return [
        html.H4(_("Föreningar och deras anmälningar")),
        html.Div(
            [
                field(
                    _("Ny förening"),
                    dcc.Input(id=ids.PL_NEW_ASSOCIATION, type="text", maxLength=120),
                    ids.PL_NEW_ASSOCIATION,
                    hint=_("Bara föreningens namn, inga personer."),
                ),
                html.Button(_("Lägg till förening"), id=ids.PL_ADD_ASSOCIATION, n_clicks=0),
            ],
            className="form-row",
        ),
        html.Div(
            [
                field(
                    _("Förening"),
                    dcc.Dropdown(id=ids.PL_ASSOCIATION, options=[], placeholder=_("Välj förening")),
                    ids.PL_ASSOCIATION,
                    wide=True,
                ),
                field(
                    _("Natt"),
                    dcc.Dropdown(id=ids.PL_SIGNUP_NIGHT, options=[], placeholder=_("Välj natt")),
                    ids.PL_SIGNUP_NIGHT,
                    wide=True,
                ),
                field(
                    _("Antal vandrare"),
                    dcc.Input(id=ids.PL_SIGNUP_WALKERS, type="number", min=1, max=100, step=1),
                    ids.PL_SIGNUP_WALKERS,
                ),
                time_field(_("Start"), ids.PL_SIGNUP_START, SIGNUP_START),
                time_field(_("Slut"), ids.PL_SIGNUP_END, SIGNUP_END),
                html.Button(_("Lägg till anmälan"), id=ids.PL_ADD_SIGNUP, n_clicks=0),
            ],
            className="form-row",
        ),
        status_list(ids.PL_SIGNUP_MESSAGE),
        html.Div(id=ids.PL_SIGNUPS, className="table-scroll"),
    ]


def time_field(label: str, field_id: str, value: str) -> html.Div:
    """A HH:MM time input, wide enough for "20:30"."""
    return field(
        _("%(label)s (tt:mm)", label=label),
        dcc.Input(
            id=field_id,
            type="text",
            value=value,
            maxLength=5,
            pattern="[0-2][0-9]:[0-5][0-9]",
            inputMode="numeric",
            className="time",
        ),
        field_id,
    )


def _contact_form(contact: str) -> html.Div:
    return html.Div(
        [
            field(
                _("Kontakt under vandringen (arbetskontakt, skrivs ut i schemat)"),
                dcc.Input(id=ids.PL_CONTACT, type="text", maxLength=120, value=contact),
                ids.PL_CONTACT,
                hint=_(
                    "T.ex. \u201dSSP-samordnaren via kontaktcenter\u201d och växelns "
                    "nummer eller en funktionsbrevlåda; ingen persons namn."
                ),
                wide=True,
            ),
            html.Button(_("Spara kontakten"), id=ids.PL_SAVE_CONTACT, n_clicks=0),
            status_list(ids.PL_CONTACT_MESSAGE),
        ],
        className="form-row",
    )


def _filters(scope: Any, state: PlanningState) -> html.Div:
    kommun_label, kommun, level_label, level = scope_filters(
        scope, ids.PL_KOMMUN, ids.PL_LEVEL, state.level
    )
    return html.Div(
        [
            html.H2(_("Period")),
            kommun_label,
            kommun,
            level_label,
            named(_("Områdesnivå"), level),
            html.Label(_("Första natten"), htmlFor=ids.PL_FIRST),
            named(
                _("Första natten"),
                dcc.DatePickerSingle(
                    id=ids.PL_FIRST,
                    date=state.first.isoformat(),
                    display_format="YYYY-MM-DD",
                    first_day_of_week=1,
                ),
            ),
            html.Label(_("Antal veckor"), htmlFor=ids.PL_WEEKS),
            named(
                _("Antal veckor"),
                dcc.RadioItems(
                    id=ids.PL_WEEKS,
                    options=[{"label": str(n), "value": n} for n in (1, 2, 3, 4)],
                    value=state.weeks,
                    className="radio",
                ),
            ),
            html.P(
                _(
                    "Vandringsnätter: fredagar, lördagar och särskilda nätter (lönehelg, "
                    "skolavslutning, valborg, midsommar, nyår och egna evenemang)."
                ),
                className="hint",
            ),
            share_box("pl"),
        ],
        className="card filters",
    )


def _schedule_card(contact: str) -> html.Section:
    return section_card(
        _("Schema"),
        html.Button(_("Föreslå schema"), id=ids.PL_PROPOSE, n_clicks=0),
        html.P(
            _(
                "Ändra område, tider, antal och samlingsplats direkt i tabellen, bocka i "
                "\u201dTa bort\u201d för pass som inte ska gå, och spara. Ett tomt schema "
                "kan inte sparas."
            ),
            className="hint",
        ),
        dcc.Loading(
            html.Div(
                html.P(
                    _(
                        "Inget förslag ännu: ange vandrare eller anmälningar och klicka "
                        "\u201dFöreslå schema\u201d."
                    )
                ),
                id=ids.PL_SCHEDULE_TABLE,
                className="table-scroll",
            )
        ),
        dcc.Store(id=ids.PL_SCHEDULE, data=[]),
        html.Button(_("Spara schemat"), id=ids.PL_SAVE, n_clicks=0),
        status_list(ids.PL_MESSAGE),
        _contact_form(contact),
        html.P(
            _("Exporterna gäller det sparade schemat; varje klick laddar ner en ny fil."),
            className="hint",
        ),
        html.Div(
            [
                html.Button(_("Schema (CSV)"), id=ids.PL_EXPORT_CSV, n_clicks=0),
                html.Button(_("Kalender (ICS)"), id=ids.PL_EXPORT_ICS, n_clicks=0),
                html.Button(_("Utskrift för vandrarna (PDF)"), id=ids.PL_EXPORT_PDF, n_clicks=0),
                html.Button(_("Ersättning (CSV)"), id=ids.PL_EXPORT_PAY, n_clicks=0),
            ],
            className="form-row",
        ),
        dcc.Download(id=ids.PL_DOWNLOAD),
    )


def _meeting_card() -> html.Section:
    return section_card(
        _("Föräldramöten"),
        html.Div(
            [
                field(
                    _("Område"),
                    dcc.Dropdown(id=ids.PL_MEETING_AREA, options=[], placeholder=_("Välj område")),
                    ids.PL_MEETING_AREA,
                    wide=True,
                ),
                field(
                    _("Datum"),
                    named(
                        _("Mötets datum"),
                        dcc.DatePickerSingle(
                            id=ids.PL_MEETING_DATE,
                            display_format="YYYY-MM-DD",
                            first_day_of_week=1,
                            placeholder=_("ÅÅÅÅ-MM-DD"),
                        ),
                    ),
                    ids.PL_MEETING_DATE,
                ),
                field(
                    _("Plats"),
                    dcc.Dropdown(
                        id=ids.PL_MEETING_PLACE,
                        options=[{"label": place_label(k), "value": k} for k in PLACES],
                        placeholder=_("Välj plats"),
                    ),
                    ids.PL_MEETING_PLACE,
                    wide=True,
                ),
                field(
                    _("Tema"),
                    dcc.Input(id=ids.PL_MEETING_THEME, type="text"),
                    ids.PL_MEETING_THEME,
                ),
                field(
                    _("Deltagare"),
                    dcc.Input(id=ids.PL_MEETING_ATTENDING, type="number", min=0),
                    ids.PL_MEETING_ATTENDING,
                ),
                field(
                    _("Uppföljning"),
                    named(
                        _("Uppföljningsdatum"),
                        dcc.DatePickerSingle(
                            id=ids.PL_MEETING_FOLLOW_UP,
                            display_format="YYYY-MM-DD",
                            first_day_of_week=1,
                            placeholder=_("ÅÅÅÅ-MM-DD"),
                        ),
                    ),
                    ids.PL_MEETING_FOLLOW_UP,
                ),
                html.Button(_("Spara mötet"), id=ids.PL_ADD_MEETING, n_clicks=0),
            ],
            className="form-row",
        ),
        status_list(ids.PL_MEETING_MESSAGE),
        html.Div(id=ids.PL_MEETINGS, className="table-scroll"),
    )


def layout(**query: Any) -> html.Div:
    """The page; for coordinators (every callback checks again). The query string is
    the page's permalink (:func:`dashboard.permalink.decode_planning`), checked
    against the viewer's scope and the period rules before it is shown."""
    try:
        require_role(*ROLES)
    except AccessDenied:
        return denied(_("Planeringen görs av SSP-samordnare."))
    scope = page_scope()
    if isinstance(scope, html.Div):
        return scope
    today = clock_today()
    decoded = decode_planning(
        query,
        view_scope(scope.viewer, scope.cube),
        scope.kommun,
        next_friday(today),
        lambda first, weeks: parse_period(first.isoformat(), weeks, today=today),
    )
    scope = linked_scope(scope, decoded.state.kommun)
    session = db_session()
    main = html.Div(
        [
            section_card(
                _("Prognos per område och natt"),
                dcc.Loading(graph(id=ids.PL_FORECAST)),
                html.Ul(id=ids.PL_REASONS),
                hint=_(
                    "Väntade observationer per kväll och natt (18–06) i varje område, "
                    "viktade med kategoriernas allvarlighet. Byggd bara på publicerade "
                    "(skyddade) tal; håll muspekaren över en ruta för intervall och skäl."
                ),
            ),
            html.Details(
                [
                    html.Summary(_("Allvarlighet per kategori (väger prognosen)")),
                    html.Div(id=ids.PL_SEVERITIES),
                    html.Button(_("Spara allvarlighet"), id=ids.PL_SAVE_SEVERITY, n_clicks=0),
                    status_list(ids.PL_SEVERITY_MESSAGE),
                ],
                className="card",
            ),
            section_card(
                _("Vandrare och anmälningar"),
                html.Div(id=ids.PL_NIGHTS),
                *_association_form(),
            ),
            links_card(),
            _schedule_card(walk_contact(session, scope.kommun)),
            section_card(
                _("Planerat och genomfört"),
                html.Div(id=ids.PL_DONE, className="table-scroll"),
                status_list(ids.PL_CONFIRM_MESSAGE),
                html.Div(id=ids.PL_YEARLY, className="table-scroll"),
                hint=_(
                    "En rapport från Nattvandring som anger den planerade vandringen visar "
                    "den som rapporterad; bara föreningens egna vandrare (också via "
                    "föreningens länk) och samordnaren kan rapportera den. Ersättning: "
                    "inlämnad rapport, en ersättningsnivå nådd (t.ex. full från fyra "
                    "vandrare, reducerad vid tre) och samordnarens bekräftelse (Bekräfta; "
                    "Ångra tar bort bekräftelsen)."
                ),
            ),
            section_card(
                _("Signaler för föräldramöten"),
                html.Label(_("Oro som bevakas"), htmlFor=ids.PL_CONCERNS),
                dcc.Dropdown(
                    id=ids.PL_CONCERNS,
                    options=[
                        {"label": _(label), "value": code}
                        for code, label in category_options(session)
                    ],
                    value=list(CONCERNS),
                    multi=True,
                ),
                html.Label(_("Ålder"), htmlFor=ids.PL_SIGNAL_AGES),
                dcc.Checklist(
                    id=ids.PL_SIGNAL_AGES,
                    options=[
                        {"label": term_label(AGE_GROUPS, code), "value": code} for code in AGE_BANDS
                    ],
                    value=[],
                    className="radio",
                ),
                html.Div(_("Ingen vald: alla åldrar."), className="hint"),
                dcc.Loading(html.Div(id=ids.PL_SIGNALS)),
                hint=_(
                    "Ett område flaggas när oron stigit i flera veckor jämfört med "
                    "områdets eget senaste år (CUSUM, korrigerat för att många områden "
                    "bevakas samtidigt)."
                ),
            ),
            _meeting_card(),
            section_card(
                _("Polisens svar på planen"),
                html.Div(id=ids.PL_POLICE_REVIEW),
                hint=_(
                    "Polisens områdessamordnare godkänner eller kommenterar veckans plan på "
                    "Samverkan polis. Ändras planen efter ett godkännande syns det här."
                ),
            ),
            dcc.Store(id=ids.PL_REFRESH, data=0),
        ],
        className="stack",
    )
    return html.Div(
        [
            html.H2(_(NAME)),
            link_notice("pl", decoded),
            help_box(_("Så använder du Planering"), *(_(p) for p in HELP), box_id=ids.PL_HELP),
            html.Div([_filters(scope, decoded.state), main], className="grid"),
        ],
        className="page planning-page",
    )
