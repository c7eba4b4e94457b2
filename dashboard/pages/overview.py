"""Översikt: map, weekly trend and top areas for the chosen filters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dash import dcc, html

from dashboard import ids
from dashboard.auth import current_viewer
from dashboard.components import denied, graph
from dashboard.periods import DEFAULT_QUICK, QUICK_PERIODS, quick_period
from dashboard.state import areas_version, current_cube, db_session, today
from data.access.scope import (
    AccessDenied,
    Viewer,
    available_levels,
    default_level,
    visible_kommuner,
)
from data.counts.cube import CountCube, history_start
from data.counts.notes import FREE_TEXT_ROLES
from data.counts.options import category_options, source_options
from data.planning.schedule import reminders
from data.vocabulary import AREA_LEVELS, label_of

PATH = "/"
NAME = "Översikt"


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
                html.H3("Anteckningar från rapporter"),
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
        return denied("Du behöver logga in för att se lägesbilden.")
    cube = current_cube()
    kommuner = visible_kommuner(cube, viewer)
    if not kommuner:
        return denied(
            "Det finns inga områden i din kommun ännu. Be en administratör importera områden."
        )
    kommun = viewer.kommun_code or kommuner[0][0]
    if kommun not in {code for code, _ in kommuner}:
        kommun = kommuner[0][0]
    levels = available_levels(cube, kommun, viewer)
    if not levels:
        return denied("Du har inga tilldelade områden. Be en administratör om behörighet.")
    return PageScope(viewer, cube, kommuner, kommun, levels)


def scope_filters(scope: PageScope, kommun_id: str, level_id: str) -> list[Any]:
    """The kommun dropdown and the area level choice of a filter page."""
    return [
        html.Label("Kommun", htmlFor=kommun_id),
        dcc.Dropdown(
            id=kommun_id,
            options=[{"label": name, "value": code} for code, name in scope.kommuner],
            value=scope.kommun,
            clearable=False,
            disabled=len(scope.kommuner) == 1,
        ),
        html.Label("Områdesnivå", htmlFor=level_id),
        dcc.RadioItems(
            id=level_id,
            options=[{"label": label_of(AREA_LEVELS, lvl), "value": lvl} for lvl in scope.levels],
            value=default_level(scope.levels),
            className="radio",
        ),
    ]


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
                html.H2("Påminnelser"),
                html.Ul([html.Li(f"{r.day.isoformat()}: {r.text}") for r in due[:10]]),
                dcc.Link("Till planeringen", href="/planering"),
            ],
            className="card notice",
            id=ids.OV_REMINDERS,
        )
    ]


def layout(**_query: Any) -> html.Div:
    """The overview page; checks the user's access itself (Dash Pages serves it by path)."""
    scope = page_scope()
    if isinstance(scope, html.Div):
        return scope
    viewer = scope.viewer
    first, last = quick_period(DEFAULT_QUICK, today())
    session = db_session()
    filters = html.Div(
        [
            html.H2("Urval"),
            *scope_filters(scope, ids.KOMMUN, ids.LEVEL),
            html.Label("Visa", htmlFor=ids.MEASURE),
            dcc.RadioItems(
                id=ids.MEASURE,
                options=[
                    {"label": "Antal händelser", "value": "count"},
                    {"label": "Per 1 000 unga (10–19 år)", "value": "rate"},
                ],
                value="count",
                className="radio",
            ),
            html.Label("Period", htmlFor=ids.QUICK_PERIOD),
            dcc.RadioItems(
                id=ids.QUICK_PERIOD,
                options=[{"label": label, "value": value} for value, label in QUICK_PERIODS],
                value=DEFAULT_QUICK,
                className="radio",
            ),
            dcc.DatePickerRange(
                id=ids.PERIOD,
                start_date=first.isoformat(),
                end_date=last.isoformat(),
                display_format="YYYY-MM-DD",
                first_day_of_week=1,
                min_date_allowed=history_start(today()).isoformat(),
                max_date_allowed=today().isoformat(),
                start_date_placeholder_text="Från",
                end_date_placeholder_text="Till",
            ),
            html.Div("Perioden avrundas till hela veckor (måndag–söndag).", className="hint"),
            html.Label("Eller en händelse som period", htmlFor=ids.EVENT_PERIOD),
            dcc.Dropdown(
                id=ids.EVENT_PERIOD,
                options=[],
                value=None,
                placeholder="Ingen – hela veckor",
            ),
            html.Div(
                "Kartan visar då bara händelsefönstret (t.ex. valborg 30 april 18–06); "
                "trenden visar veckorna runt det.",
                className="hint",
            ),
            html.Label("Kategorier", htmlFor=ids.CATEGORIES),
            dcc.Dropdown(
                id=ids.CATEGORIES,
                options=[
                    {"label": label, "value": code} for code, label in category_options(session)
                ],
                value=[],
                multi=True,
                placeholder="Alla kategorier",
            ),
            html.Label("Källor", htmlFor=ids.SOURCES),
            dcc.Dropdown(
                id=ids.SOURCES,
                options=[
                    {"label": label, "value": code} for code, label in source_options(session)
                ],
                value=[],
                multi=True,
                placeholder="Alla källor",
            ),
        ],
        className="card filters",
    )
    main = html.Div(
        [
            *reminder_card(viewer.role, scope.kommun),
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
                        ],
                        className="card",
                    ),
                    html.Div(
                        [
                            html.H2("Områden med flest händelser"),
                            html.Div(id=ids.TOP_TABLE),
                            html.Button(
                                "Ladda ner tabellen (CSV)", id=ids.EXPORT_BUTTON, n_clicks=0
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
                            html.Button("Visa alla områden", id=ids.FOCUS_CLEAR, n_clicks=0),
                        ],
                        className="focus-bar",
                    ),
                    graph(id=ids.TREND),
                    *notes_panel(viewer.role),
                ],
                className="card",
                style={"marginTop": "1rem"},
            ),
            dcc.Store(id=ids.FOCUS, data=None),
            dcc.Store(id=ids.MAP_LAYER, data=None),
            dcc.Store(id=ids.AREAS_VERSION, data=areas_version()),
        ]
    )
    return html.Div(html.Div([filters, main], className="grid"), className="page")
