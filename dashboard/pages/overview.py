"""Översikt: map, weekly trend and top areas for the chosen filters."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from dash import dcc, html

from dashboard import ids
from dashboard.auth import current_session_user, current_viewer
from dashboard.callbacks.overview.selection import event_window
from dashboard.components import denied, disclosure_help, graph, help_box
from dashboard.figures.map_table import map_table_box
from dashboard.i18n import N_, _, term_label
from dashboard.periods import DEFAULT_QUICK, QUICK_PERIODS, quick_period
from dashboard.permalink import OverviewState, decode_overview
from dashboard.share import link_notice, share_box, view_scope
from dashboard.sspf_views import reminders_card
from dashboard.state import areas_version, current_cube, db_session, today
from data.access.scope import (
    AccessDenied,
    Viewer,
    available_levels,
    default_level,
    visible_kommuner,
)
from data.calendar.municipal import school_entries
from data.consent.reminders import reminders as sspf_reminders
from data.counts.cube import CountCube, history_start, monday_of
from data.counts.notes import FREE_TEXT_ROLES
from data.counts.options import category_options, source_options
from data.planning.schedule import reminders
from data.vocabulary import AGE_BANDS, AGE_GROUPS, AREA_LEVELS

PATH = "/"
NAME = N_("Översikt")


def notes_panel(role: str) -> list[html.Section]:
    """The notes panel under the trend, only for roles that may read free text.

    For any other role (leadership) the panel is not in the layout at all, and its
    callback refuses them as well.
    """
    if role not in FREE_TEXT_ROLES:
        return []
    return [
        html.Section(
            [
                html.H3(_("Anteckningar från rapporter")),
                html.Div(id=ids.NOTES, role="status"),
            ],
            className="notes",
        )
    ]


@dataclass(frozen=True, slots=True)
class PageScope:
    """What a filter page starts from: the viewer, the kommuner they may choose, the
    kommun shown first and its area levels."""

    viewer: Viewer
    cube: CountCube
    kommuner: list[tuple[str, str]]
    kommun: str
    levels: list[str]


def page_scope() -> PageScope | html.Div:
    """The viewer's scope for a filter page, or the page that says why there is none."""
    try:
        viewer = current_viewer()
    except AccessDenied:
        return denied(_("Du behöver logga in för att se lägesbilden."))
    cube = current_cube()
    kommuner = visible_kommuner(cube, viewer)
    if not kommuner:
        return denied(
            _("Det finns inga områden i din kommun ännu. Be en administratör importera områden.")
        )
    kommun = viewer.kommun_code or kommuner[0][0]
    if kommun not in {code for code, _ in kommuner}:
        kommun = kommuner[0][0]
    levels = available_levels(cube, kommun, viewer)
    if not levels:
        return denied(_("Du har inga tilldelade områden. Be en administratör om behörighet."))
    return PageScope(viewer, cube, kommuner, kommun, levels)


def scope_filters(
    scope: PageScope, kommun_id: str, level_id: str, level: str | None = None
) -> list[Any]:
    """The kommun dropdown and the area level choice of a filter page (``level``: the
    one a link chose, else the default)."""
    return [
        html.Label(_("Kommun"), htmlFor=kommun_id),
        dcc.Dropdown(
            id=kommun_id,
            options=[{"label": name, "value": code} for code, name in scope.kommuner],
            value=scope.kommun,
            clearable=False,
            disabled=len(scope.kommuner) == 1,
        ),
        html.Label(_("Områdesnivå"), htmlFor=level_id),
        dcc.RadioItems(
            id=level_id,
            options=[{"label": term_label(AREA_LEVELS, lvl), "value": lvl} for lvl in scope.levels],
            value=level if level in scope.levels else default_level(scope.levels),
            className="radio",
        ),
    ]


def linked_scope(scope: PageScope, kommun: str) -> PageScope:
    """The page scope on the kommun a link chose (already checked against the viewer)."""
    if kommun == scope.kommun:
        return scope
    return replace(scope, kommun=kommun, levels=available_levels(scope.cube, kommun, scope.viewer))


def linked_period(state: OverviewState, kommun: str) -> tuple[str | None, str, str]:
    """(quick pick, first day, last day) the filters open with for a link's state."""
    day = today()
    if state.event is not None:
        window = event_window(state.event, kommun, current_viewer())
        if window is not None:
            first, last = window.days
            return None, monday_of(first).isoformat(), (monday_of(last) + timedelta(6)).isoformat()
    if state.quick is None and state.first is not None and state.last is not None:
        return "custom", state.first.isoformat(), state.last.isoformat()
    quick = state.quick or DEFAULT_QUICK
    school = school_entries(db_session(), kommun) if quick == "term" else []
    grain = current_viewer().level.time_grain
    first, last = quick_period(quick, day, school, grain=grain)
    return quick, first.isoformat(), last.isoformat()


def reminder_card(role: str, kommun: str) -> list[html.Div]:
    """Follow-ups due and walks without a report, for the SSP coordinators."""
    if role != "coordinator":
        return []
    due = reminders(db_session(), kommun, today())
    if not due:
        return []
    return [
        html.Div(
            [
                html.H2(_("Påminnelser")),
                html.Ul([html.Li(f"{r.day.isoformat()}: {r.text}") for r in due[:10]]),
                dcc.Link(_("Till planeringen"), href="/planering"),
            ],
            className="card notice",
            id=ids.OV_REMINDERS,
        )
    ]


def sspf_reminder_card(role: str) -> list[html.Div]:
    """The coordinator's SSPF follow-ups and consents running out (refs and dates only:
    Översikt is a shared screen)."""
    if role != "coordinator":
        return []
    user = current_session_user()
    return reminders_card(sspf_reminders(db_session(), user.id, today()), today())


def overview_help(viewer: Viewer) -> html.Details:
    """ "Så läser du Översikt": what the numbers mean, at the viewer's threshold."""
    grain = _("hela månader") if viewer.level.time_grain == "month" else _("hela veckor")
    return help_box(
        _("Så läser du Översikt"),
        _(
            "Kartan och tabellen visar antal händelser (observationer från skola, "
            "socialtjänst, polis, fritid m.fl.) per område för perioden och filtren i Urval. "
            "Perioden räknas i %(grain)s. Klicka på ett område i kartan för att se dess trend.",
            grain=grain,
        ),
        *disclosure_help(viewer.level.k),
        _(
            "Grått i kartan och grå rutor i trenden: talet är dolt (färre än %(k)s eller "
            "skyddat). Tabellen visar dolda områden efter de visade talen, utan inbördes "
            "ordning; områden med 0 visas inte där.",
            k=viewer.level.k,
        ),
        _(
            "Ser du inga siffror? Då finns inga händelser för urvalet: välj en längre period, "
            "fler kategorier eller källor (tomma fält betyder alla), eller en grövre "
            "områdesnivå."
        ),
        box_id=ids.OV_HELP,
    )


def layout(**query: Any) -> html.Div:
    """The overview page; checks the user's access itself (Dash Pages serves it by path).

    The query string is the page's permalink (:func:`dashboard.permalink.decode_overview`):
    every value is checked against the viewer's scope before it is shown."""
    scope = page_scope()
    if isinstance(scope, html.Div):
        return scope
    viewer = scope.viewer
    decoded = decode_overview(query, view_scope(viewer, scope.cube), scope.kommun)
    state = decoded.state
    scope = linked_scope(scope, state.kommun)
    quick, first, last = linked_period(state, state.kommun)
    session = db_session()
    filters = html.Div(
        [
            html.H2(_("Urval")),
            *scope_filters(scope, ids.KOMMUN, ids.LEVEL, state.level),
            html.Label(_("Visa"), htmlFor=ids.MEASURE),
            dcc.RadioItems(
                id=ids.MEASURE,
                options=[
                    {"label": _("Antal händelser"), "value": "count"},
                    {"label": _("Per 1 000 unga (10–19 år)"), "value": "rate"},
                ],
                value=state.measure,
                className="radio",
            ),
            html.Label(_("Period"), htmlFor=ids.QUICK_PERIOD),
            dcc.RadioItems(
                id=ids.QUICK_PERIOD,
                options=[{"label": _(label), "value": value} for value, label in QUICK_PERIODS],
                value=quick,
                className="radio",
            ),
            dcc.DatePickerRange(
                id=ids.PERIOD,
                start_date=first,
                end_date=last,
                display_format="YYYY-MM-DD",
                first_day_of_week=1,
                min_date_allowed=history_start(today()).isoformat(),
                max_date_allowed=today().isoformat(),
                start_date_placeholder_text=_("Från"),
                end_date_placeholder_text=_("Till"),
            ),
            html.Div(_("Perioden avrundas till hela veckor (måndag–söndag)."), className="hint"),
            html.Label(_("Eller en händelse som period"), htmlFor=ids.EVENT_PERIOD),
            dcc.Dropdown(
                id=ids.EVENT_PERIOD,
                options=[],
                value=state.event,
                placeholder=_("Ingen – hela veckor"),
            ),
            html.Div(
                _(
                    "Kartan visar då bara händelsefönstret (t.ex. valborg 30 april 18–06); "
                    "trenden visar veckorna runt det."
                ),
                className="hint",
            ),
            html.Label(_("Kategorier"), htmlFor=ids.CATEGORIES),
            dcc.Dropdown(
                id=ids.CATEGORIES,
                options=[
                    {"label": _(label), "value": code} for code, label in category_options(session)
                ],
                value=list(state.categories),
                multi=True,
                placeholder=_("Alla kategorier"),
            ),
            html.Label(_("Källor"), htmlFor=ids.SOURCES),
            dcc.Dropdown(
                id=ids.SOURCES,
                options=[
                    {"label": _(label), "value": code} for code, label in source_options(session)
                ],
                value=list(state.sources),
                multi=True,
                placeholder=_("Alla källor"),
            ),
            html.Label(_("Ålder"), htmlFor=ids.OV_AGES),
            dcc.Checklist(
                id=ids.OV_AGES,
                options=[
                    {"label": term_label(AGE_GROUPS, code), "value": code} for code in AGE_BANDS
                ],
                value=list(state.ages),
                className="radio",
            ),
            html.Div(
                _("Ingen vald: alla åldrar, även rapporter utan åldersuppgift."), className="hint"
            ),
            share_box("ov"),
        ],
        className="card filters",
    )
    main = html.Div(
        [
            link_notice("ov", decoded),
            overview_help(viewer),
            *reminder_card(viewer.role, scope.kommun),
            *sspf_reminder_card(viewer.role),
            html.Div(id=ids.STATUS, className="status"),
            html.Div(
                [
                    html.Div(
                        [
                            dcc.Loading(
                                graph(
                                    id=ids.MAP,
                                    config={"scrollZoom": True},
                                    style={"height": "480px"},
                                ),
                                type="dot",
                            ),
                            html.Div(id=ids.MAP_NOTE),
                            map_table_box(ids.OV_MAP_TABLE),
                        ],
                        className="card",
                    ),
                    html.Div(
                        [
                            html.H2(_("Områden med flest händelser")),
                            html.Div(id=ids.TOP_TABLE),
                            html.Button(
                                _("Ladda ner tabellen (CSV)"), id=ids.EXPORT_BUTTON, n_clicks=0
                            ),
                            dcc.Download(id=ids.EXPORT_DOWNLOAD),
                        ],
                        className="card",
                    ),
                ],
                className="grid-main",
            ),
            html.Div(
                [
                    html.H2(id=ids.TREND_TITLE),
                    html.Div(
                        [
                            html.Span(id=ids.FOCUS_BAR),
                            html.Button(_("Visa alla områden"), id=ids.FOCUS_CLEAR, n_clicks=0),
                        ],
                        className="focus-bar",
                    ),
                    graph(id=ids.TREND),
                    *notes_panel(viewer.role),
                ],
                className="card",
                style={"marginTop": "1rem"},
            ),
            dcc.Store(id=ids.FOCUS, data=state.focus),
            dcc.Store(id=ids.MAP_LAYER, data=None),
            dcc.Store(id=ids.AREAS_VERSION, data=areas_version()),
        ]
    )
    return html.Div(html.Div([filters, main], className="grid"), className="page")
