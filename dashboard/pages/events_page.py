"""Tid & händelser: what happened around each event, against normal weeks and last year."""

from __future__ import annotations

import math
from datetime import date
from typing import Any, Final

from dash import dcc, html

from dashboard import ids
from dashboard.components import disclosure_help, graph, help_box, section_card
from dashboard.figures.map_table import map_table_box
from dashboard.formatting import format_decimal, format_number, published
from dashboard.i18n import N_, _
from dashboard.pages.overview import linked_scope, page_scope, scope_filters
from dashboard.periods import window_label
from dashboard.permalink import decode_events
from dashboard.share import link_notice, share_box, view_scope
from dashboard.state import db_session
from dashboard.state import today as clock_today
from data.areas.listing import natural_key
from data.counts.event_view import EventView
from data.counts.options import category_options
from data.counts.uplift import CLEAR_RISE_RATIO, MIN_BASELINE_PERIODS, clear_rise
from data.counts.windows import AreaComparison, EventComparison
from data.privacy.disclosure import SECONDARY_MARKER, marker

PATH = "/tid"
NAME = N_("Tid & händelser")


def year_options(first_year: int, today: date) -> list[dict[str, Any]]:
    """Years with data, newest first."""
    return [{"label": str(y), "value": y} for y in range(today.year, first_year - 1, -1)]


def default_year(today: date) -> int:
    """This year once valborg has passed, else last year (so valborg has data)."""
    return today.year if (today.month, today.day) > (5, 1) else today.year - 1


def layout(**query: Any) -> html.Div:
    """The page; checks the user's access itself (every callback checks again).

    The query string is the page's permalink (:func:`dashboard.permalink.decode_events`),
    checked against the viewer's scope before anything of it is shown."""
    scope = page_scope()
    if isinstance(scope, html.Div):
        return scope
    today = clock_today()
    years = year_options(scope.cube.first_monday.year, today)
    decoded = decode_events(
        query,
        view_scope(scope.viewer, scope.cube),
        scope.kommun,
        [y["value"] for y in years],
        default_year(today),
    )
    state = decoded.state
    scope = linked_scope(scope, state.kommun)
    filters = html.Div(
        [
            html.H2(_("Händelse")),
            *scope_filters(scope, ids.EV_KOMMUN, ids.EV_LEVEL, state.level),
            html.Label(_("År"), htmlFor=ids.EV_YEAR),
            dcc.Dropdown(
                id=ids.EV_YEAR,
                options=years,
                value=state.year,
                clearable=False,
            ),
            html.Label(_("Händelse (period)"), htmlFor=ids.EV_EVENT),
            dcc.Dropdown(id=ids.EV_EVENT, options=[], value=state.event, clearable=False),
            html.Div(
                _(
                    "Helgdagar, lönehelger, kommunens skolkalender och egna evenemang. "
                    "En natt räknas till datumet då den började."
                ),
                className="hint",
            ),
            html.Label(_("Kategorier"), htmlFor=ids.EV_CATEGORIES),
            dcc.Dropdown(
                id=ids.EV_CATEGORIES,
                options=[
                    {"label": _(label), "value": code}
                    for code, label in category_options(db_session())
                ],
                value=list(state.categories),
                multi=True,
                placeholder=_("Alla kategorier"),
            ),
            share_box("ev"),
        ],
        className="card filters",
    )
    results = html.Div(
        [
            html.Div(id=ids.EV_SUMMARY, role="status", className="card"),
            section_card(
                _("Under händelsen, per område"),
                dcc.Loading(
                    graph(
                        id=ids.EV_MAP,
                        config={"scrollZoom": True},
                        style={"height": "480px"},
                    ),
                    type="dot",
                ),
                map_table_box(ids.EV_MAP_TABLE),
            ),
            section_card(
                _("Områden jämfört med vanliga veckor"),
                dcc.Loading(html.Div(id=ids.EV_AREAS)),
                hint=_(
                    "Alla områden: tydlig ökning först, sedan störst ökning, sedan "
                    "övriga i namnordning."
                ),
            ),
            section_card(
                _("Samma händelse år för år"),
                dcc.Loading(graph(id=ids.EV_YOY)),
                hint=_(
                    "Observerat antal delat med det förväntade (samma veckodagar och tider "
                    "upp till fyra veckor före och efter, utan helgdagar och andra händelser). "
                    "Strecket visar %(percent)s %%-intervallet; orange romb = tydlig ökning.",
                    percent=95,
                ),
            ),
            section_card(
                _("Årets händelser rangordnade efter ökning"),
                dcc.Loading(html.Div(id=ids.EV_RANKED)),
            ),
            section_card(
                _("Kalender: veckorna runt händelsen"),
                html.Div(id=ids.EV_HEATMAP_NOTE, className="hint"),
                dcc.Loading(graph(id=ids.EV_HEATMAP)),
                graph(id=ids.EV_BANDS),
                hint=_(
                    "Ringar markerar helgdagar och händelser. Tal under gränsen visas "
                    "som \u201d%(marker)s\u201d, celler som döljs för att skydda dem som "
                    "\u201d%(protected)s\u201d.",
                    marker=marker(scope.viewer.level.k),
                    protected=published(SECONDARY_MARKER),
                ),
            ),
        ],
        className="stack",
    )
    return html.Div(
        [
            html.H2(_(NAME)),
            link_notice("ev", decoded),
            events_help(scope.viewer.level.k),
            html.Div([filters, results], className="grid"),
        ],
        className="page",
    )


def events_help(k: int) -> html.Details:
    """ "Så läser du Tid & händelser": uplift, expected, the flag, at the viewer's k."""
    return help_box(
        _("Så läser du Tid & händelser"),
        _("Antal: händelser under händelsens tider (t.ex. valborg 30 april 18–1 maj 06)."),
        _(
            "Förväntat: genomsnittet för samma veckodagar och tider upp till fyra veckor före "
            "och efter, utan helgdagar och andra händelser. \u201d%(bound)s\u201d betyder att "
            "de jämförbara veckorna tillsammans hade färre än %(k)s händelser.",
            bound="≤" + format_decimal(0.7, 1),
            k=k,
        ),
        _(
            "Gånger (×): Antal delat med Förväntat. %(ratio)s betyder drygt sju gånger det "
            "vanliga; \u201d≥\u201d att det är minst så mycket, \u201d∞\u201d att de "
            "jämförbara veckorna inte hade en enda händelse.",
            ratio=format_decimal(7.2, 1),
        ),
        _(
            "Tydlig ökning: Antal är minst %(k)s (visas) och minst %(times)s gånger "
            "det förväntade. Med få händelser kan även en stor ökning vara slump: "
            "95 %%-intervallet i diagrammet år för år visar osäkerheten.",
            k=k,
            times=format_decimal(CLEAR_RISE_RATIO, 0),
        ),
        *disclosure_help(k),
        box_id=ids.EV_HELP,
    )


def _number(value: float | None) -> str:
    return "–" if value is None else format_decimal(value, 1)


def comparison_text(c: EventComparison) -> str:
    """One line in the reader's language; every number is a published one or derived
    from them."""
    observed = _count(c.observed, c.k)
    if c.result is None or c.result.expected is None:
        if c.observed is None or c.baseline is None:
            return _("%(observed)s händelser; för få händelser för att jämföra.", observed=observed)
        return _("%(observed)s händelser; för få jämförbara veckor.", observed=observed)
    r = c.result
    high = "∞" if r.high is None or r.high == float("inf") else _number(r.high)
    rise = clear_rise(c.observed, r.expected, c.k)
    verdict = _("tydlig ökning") if rise else _("ingen tydlig ökning")
    if rise and not r.significant:
        verdict += _(" (men intervallet når under 1: kan vara slump)")
    return _(
        "%(observed)s händelser, förväntat %(expected)s (%(periods)s jämförbara veckor): "
        "%(ratio)s gånger det vanliga (95 %% intervall %(low)s–%(high)s) – %(verdict)s.",
        observed=observed,
        expected=_number(r.expected),
        periods=format_number(c.periods),
        ratio=_number(r.ratio),
        low=_number(r.low or 0),
        high=high,
        verdict=verdict,
    )


def summary(view: EventView) -> list[Any]:
    """The heading and one-line verdict of the chosen window."""
    return [
        html.H3(window_label(view.window)),
        html.P(comparison_text(view.chosen), id="ev-summary-text"),
    ]


COLUMNS: Final = (N_("Antal"), N_("Förväntat"), N_("Gånger (×)"), N_("Tydlig ökning"))
"""The number columns of the ranking and the area table (translated where shown)."""


RANKED_LIMIT: Final = 20
"""Rows of the ranking: the clearest rises; the rest are named in the count only."""


def ranked_table(rows: list[EventComparison], limit: int = RANKED_LIMIT) -> list[Any] | html.P:
    """The year's finished windows, clearest rise first: the first ``limit`` of them,
    and how many there are ("Visar 20 av 77")."""
    if not rows:
        return html.P(_("Inga avslutade händelser det här året."))

    def order(c: EventComparison) -> tuple[int, float]:
        r = c.result
        ratio = r.ratio if r is not None and r.ratio is not None else -1.0
        return (0 if _event_rise(c) else 1, -ratio)

    shown = sorted(rows, key=order)[:limit]
    body = []
    for c in shown:
        r = c.result
        ratio = _number(None if r is None else r.ratio)
        expected = _number(None if r is None else r.expected)
        flag = _("Ja") if _event_rise(c) else ""
        body.append(
            html.Tr(
                [
                    html.Td(window_label(c.window)),
                    html.Td(_count(c.observed, c.k)),
                    html.Td(expected),
                    html.Td(ratio),
                    html.Td(flag, className="flag" if flag else ""),
                ]
            )
        )
    head = html.Tr([html.Th(_(t)) for t in (N_("Händelse"), *COLUMNS)])
    table = html.Table(
        [html.Thead(head), html.Tbody(body)], className="ranked data-table", id="ev-ranked-table"
    )
    if len(shown) == len(rows):
        return [table]
    note = _(
        "Visar %(shown)s av %(total)s händelser: de med störst ökning.",
        shown=format_number(len(shown)),
        total=format_number(len(rows)),
    )
    return [html.P(note, className="hint", id="ev-ranked-note"), table]


def _event_rise(c: EventComparison) -> bool:
    return c.result is not None and clear_rise(c.observed, c.result.expected, c.k)


def _count(observed: int | None, k: int) -> str:
    return f"<{k}" if observed is None else format_number(observed)


def _ceil1(value: float) -> float:
    return math.ceil(value * 10) / 10


def area_numbers(row: AreaComparison, k: int) -> tuple[str, str, bool, float]:
    """(Förväntat, Gånger, tydlig ökning, ratio for sorting) of one area, from published
    numbers: with comparable weeks hidden as "<k" the expected count is an upper
    bound ("≤0,7") and the ratio a lower bound ("≥7,5")."""
    r = row.result
    if r is not None and r.expected is not None:
        rise = clear_rise(row.observed, r.expected, k)
        if r.ratio is None and row.observed:  # none at all in the comparable weeks
            return _number(r.expected), "∞", rise, math.inf
        return _number(r.expected), _number(r.ratio), rise, -1.0 if r.ratio is None else r.ratio
    if row.observed and row.baseline_small and row.periods >= MIN_BASELINE_PERIODS:
        bound = _ceil1((k - 1) / row.periods)
        ratio = math.floor(row.observed / bound * 10) / 10
        return f"≤{_number(bound)}", f"≥{_number(ratio)}", clear_rise(row.observed, bound, k), ratio
    return "–", "–", False, -1.0


def area_table(rows: list[AreaComparison], k: int) -> html.Table | html.P:
    """Every unit in scope: clear rises first (largest ratio first), then the other
    ratios, then the units without one, by name (numbers in names read as numbers)."""
    if not rows:
        return html.P(_("Inga områden att visa. Välj en annan händelse eller områdesnivå."))
    numbers = [area_numbers(row, k) for row in rows]

    def order(i: int) -> tuple[int, float, tuple[Any, ...]]:
        rise, ratio = numbers[i][2], numbers[i][3]
        return (0 if rise else 1, -ratio, natural_key(rows[i].name))

    body = []
    for i in sorted(range(len(rows)), key=order):
        row, (expected, ratio, rise, _sort) = rows[i], numbers[i]
        body.append(
            html.Tr(
                [
                    html.Td(row.name),
                    html.Td(_count(row.observed, k), className="num"),
                    html.Td(expected, className="num"),
                    html.Td(ratio, className="num"),
                    html.Td(_("Ja") if rise else "", className="flag" if rise else ""),
                ]
            )
        )
    head = html.Tr([html.Th(_(t)) for t in (N_("Område"), *COLUMNS)])
    return html.Table(
        [html.Thead(head), html.Tbody(body)], id="ev-areas-table", className="data-table"
    )


def year_points(occurrences: list[EventComparison]) -> list[dict[str, Any]]:
    """The year-over-year chart's points (see :func:`dashboard.figures.ratio_figure`)."""
    points = []
    # Oldest first: the chart's year axis keeps this order.
    for c in sorted(occurrences, key=lambda c: c.window.start):
        r = c.result
        hover = [window_label(c.window), comparison_text(c)]
        known = r is not None and None not in (r.ratio, r.low, r.high)
        points.append(
            {
                "label": str(c.window.start.year),
                "ratio": r.ratio if known and r is not None else None,
                "low": r.low if known and r is not None else None,
                "high": r.high if known and r is not None else None,
                "significant": bool(known and _event_rise(c)),
                "hover": hover,
            }
        )
    return points


def day_views_note(refused: str | None) -> str:
    """The calendar card's note: what it shows, or why it shows nothing."""
    if refused is not None:
        return _("Visas inte: %(reason)s.", reason=refused)
    return _("Veckorna före och efter händelsen, dag för dag.")
