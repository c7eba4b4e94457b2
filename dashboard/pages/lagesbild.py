"""Lägesbild: a period's briefing for leadership and the SSP coordinators.

The page is one period (month, tertial or year; coordinators also a week) for one
kommun: headline figures against the previous period and the same period last year,
the map, areas and categories rising and falling, the period's events, walks and
parent meetings, the coordinator's bedömning and the method. Leadership reads it at
its own audience level (k = 10, whole months). Its state lives in the URL
(``?kommun=0380&niva=deso&typ=month&period=2026-11``): a shared link opens the same
briefing for anyone allowed to see it, and is narrowed for anyone who is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final
from urllib.parse import urlencode

from dash import dcc, html

from dashboard import ids
from dashboard.auth import require_role
from dashboard.components import denied, disclosure_help, graph, scroll_table
from dashboard.figures.briefing import briefing_trend_figure
from dashboard.formatting import format_date, published
from dashboard.i18n import N_, _
from dashboard.pages.overview import PageScope, page_scope, scope_filters
from dashboard.permalink import Decoded
from dashboard.share import link_notice, share_box
from dashboard.sspf_views import active_cases_card
from dashboard.state import db_session
from dashboard.state import today as clock_today
from dashboard.weekly_view import decided_list
from data.access.scope import AccessDenied, BadSelection, default_level
from data.briefing.model import Briefing, Comparison
from data.briefing.period import (
    allowed_kinds,
    is_complete,
    parse_period,
    period_label,
    recent_periods,
)
from data.consent.counts import active_case_counts

PATH = "/lagesbild"
NAME = N_("Lägesbild")
ROLES: Final = ("leadership", "coordinator")
KIND_LABELS: Final = {
    "week": N_("Vecka"),
    "month": N_("Månad"),
    "tertial": N_("Tertial"),
    "year": N_("År"),
}
RECENT: Final = {"week": 26, "month": 24, "tertial": 9, "year": 4}
"""How many periods of each kind the period list offers, newest first."""
DEFAULT_KIND: Final = "month"
LINK_PREFIX: Final = "lb"
"""The page's "Kopiera länk" ids (:func:`dashboard.share.share_box`)."""


@dataclass(frozen=True, slots=True)
class BriefingState:
    """What the page shows: kommun, area level, period kind and period code."""

    kommun: str
    level: str
    kind: str
    period: str

    def permalink(self) -> str:
        """The state as the page's query string (a permalink), keys in a fixed order."""
        return urlencode(
            {"kommun": self.kommun, "niva": self.level, "typ": self.kind, "period": self.period}
        )


def period_options(kind: str, today: date) -> list[dict[str, str]]:
    """The periods of ``kind`` to choose from, newest first (the running one marked)."""
    options = []
    for period in recent_periods(kind, today, RECENT[kind]):  # type: ignore[arg-type]
        label = period_label(period)
        if period.last_day >= today:
            label = _("%(period)s (pågår)", period=label)
        options.append({"label": label, "value": period.code})
    return options


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def briefing_state(
    scope: PageScope, query: dict[str, Any], today: date
) -> tuple[BriefingState, bool]:
    """The page's state from a URL query, narrowed to what the viewer may see.

    Returns the state and whether anything the link asked for was replaced (the page
    says so). Nothing from the URL is trusted: a kommun outside the viewer's scope, an
    area level they do not have, a period kind their role does not get (leadership:
    no weeks) or a malformed or future period falls back to the viewer's default.
    """
    narrowed = False
    kinds = allowed_kinds(scope.viewer.role)
    kommun = _text(query.get("kommun")) or scope.kommun
    if kommun not in {code for code, _name in scope.kommuner}:
        kommun, narrowed = scope.kommun, bool(query.get("kommun"))
    level = _text(query.get("niva")) or default_level(scope.levels)
    if level not in scope.levels:
        level, narrowed = default_level(scope.levels), narrowed or bool(query.get("niva"))
    kind = _text(query.get("typ")) or DEFAULT_KIND
    if kind not in kinds:
        kind, narrowed = DEFAULT_KIND, narrowed or bool(query.get("typ"))
    asked = _text(query.get("period"))
    choices = recent_periods(kind, today, RECENT[kind])  # type: ignore[arg-type]
    complete = [p for p in choices if is_complete(p, today)]
    period = (complete or choices)[0].code  # a chief's default: the last whole period
    if asked:
        try:
            parsed = parse_period(asked)
        except BadSelection:
            narrowed = True
        else:
            if parsed.kind == kind and parsed.first_day <= today:
                period = parsed.code
            else:
                narrowed = True
    return BriefingState(kommun, level, kind, period), narrowed


def _comparison_rows(rows: tuple[Comparison, ...]) -> list[html.Tr]:
    return [
        html.Tr(
            [
                html.Th(c.label, scope="row"),
                html.Td(published(c.value), className="num"),
                html.Td(published(c.previous), className="num"),
                html.Td(published(c.last_year), className="num"),
                html.Td(c.text),
            ]
        )
        for c in rows
    ]


def comparison_table(rows: tuple[Comparison, ...], caption: str, first: str) -> Any:
    """A table of published counts against the previous period and last year."""
    if not rows:
        return html.P(_("Inget att visa för perioden."), className="hint")
    head = [first, _("Perioden"), _("Förra perioden"), _("Samma period i fjol"), _("Förändring")]
    table = html.Table(
        [
            html.Caption(caption),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
            html.Tbody(_comparison_rows(rows)),
        ],
        className="data-table",
    )
    return scroll_table(table, caption)


def _simple(caption: str, head: list[str], rows: list[list[Any]]) -> Any:
    if not rows:
        return html.P(_("Inget att visa för perioden."), className="hint")
    table = html.Table(
        [
            html.Caption(caption),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
            html.Tbody([html.Tr([html.Td(c) for c in row]) for row in rows]),
        ],
        className="data-table",
    )
    return scroll_table(table, caption)


def _status(b: Briefing) -> html.Div:
    audience = _("för kommunledningen") if b.audience == "leadership" else _("för SSP-samordningen")
    parts: list[Any] = [
        html.P(
            _(
                "%(kommun)s, %(period)s (%(first)s – %(last)s), %(audience)s. "
                "Framtagen %(produced)s.",
                kommun=b.kommun_name,
                period=period_label(b.period),
                first=b.period.first_day.isoformat(),
                last=b.period.last_day.isoformat(),
                audience=audience,
                produced=format_date(b.produced.date()),
            )
        )
    ]
    if not b.complete:
        parts.append(
            html.P(
                _(
                    "Perioden pågår: rapporter t.o.m. %(day)s är räknade. Siffrorna är inte "
                    "slutliga och jämförs därför inte med tidigare perioder.",
                    day=b.counted_to.isoformat(),
                ),
                className="notice",
                role="note",
            )
        )
    return html.Div(parts, id=ids.LB_STATUS, className="lb-status")


def _walks(b: Briefing) -> html.Dl:
    w = b.walks
    items = [
        (_("Planerade nattvandringsnätter"), w.nights_planned),
        (_("Genomförda nattvandringsnätter"), w.nights_held),
        (_("Vandrarnätter (vandrare × nätter)"), w.walker_nights),
        (_("Föräldramöten"), w.parent_meetings),
    ]
    return html.Dl(
        [part for label, n in items for part in (html.Dt(label), html.Dd(str(n)))],
        className="lb-figures",
    )


def _assessment(b: Briefing) -> list[Any]:
    return [
        html.H4(_("Bedömning")),
        html.P(b.assessment or _("Ingen bedömning skriven för perioden."), className="lb-text"),
        html.H4(_("Beslutade åtgärder")),
        html.P(b.actions or _("Inga åtgärder beslutade för perioden."), className="lb-text"),
        html.H4(_("Åtgärder från veckomötena")),
        decided_list(b.decided),
    ]


def _method(b: Briefing) -> html.Section:
    """The method box: how to read the numbers (always shown, also on paper)."""
    m = b.method
    merged = (
        _("Sammanslagna områden: %(names)s.", names=", ".join(m.merged_areas))
        if m.merged_areas
        else _("Inga områden är sammanslagna.")
    )
    grain = _("hela månader") if m.time_grain == "month" else _("hela veckor")
    lines = [
        *disclosure_help(m.k),
        merged,
        _(
            "Perioder räknas i %(grain)s (ISO-veckor; en vecka hör till den månad där "
            "dess torsdag ligger).",
            grain=grain,
        ),
    ]
    return html.Section(
        [html.H3(_("Metod: så läser du siffrorna")), *[html.P(line) for line in lines]],
        className="card lb-method",
    )


def _rise(uplift: str, clear: bool) -> str:
    return _("%(uplift)s (tydlig ökning)", uplift=uplift) if clear else uplift


def briefing_view(b: Briefing, map_src: str) -> list[Any]:
    """The briefing as page components (every number already published)."""
    monthly = b.period.kind != "week" and b.period.kind != "month"
    trend_title = _("Per månad") if monthly else _("Per vecka")
    area_rows = [[a.name + (" *" if a.merged else ""), published(a.value)] for a in b.areas]
    events = [
        [
            e.name,
            e.when,
            published(e.observed),
            e.expected,
            e.uplift + (" ▲" if e.clear_rise else ""),
        ]
        for e in b.events
    ]
    return [
        _status(b),
        html.Section(
            [html.H3(_("Nyckeltal")), comparison_table(b.headline, _("Nyckeltal"), _("Vad"))],
            className="card",
        ),
        html.Div(
            [
                html.Section(
                    [
                        html.H3(_("Karta över perioden")),
                        html.Img(
                            src=map_src,
                            alt=_(
                                "Karta över %(kommun)s med antal per område; "
                                "talen finns i tabellen under kartan.",
                                kommun=b.kommun_name,
                            ),
                            className="lb-map",
                        ),
                        html.Details(
                            [
                                html.Summary(_("Kartans siffror som tabell")),
                                _simple(
                                    _("Antal per område"), [_("Område"), _("Antal")], area_rows
                                ),
                            ],
                            className="map-table",
                        ),
                    ],
                    className="card",
                ),
                html.Section(
                    [
                        html.H3(trend_title),
                        graph(
                            id=ids.LB_TREND,
                            responsive=True,
                            style={"height": "340px"},
                            figure=briefing_trend_figure(b.monthly, b.method.k, monthly=monthly),
                        ),
                    ],
                    className="card",
                ),
            ],
            className="lb-grid",
        ),
        html.Section(
            [
                html.H3(_("Områden som ökar och minskar")),
                comparison_table(b.rising_areas, _("Områden som ökar"), _("Område")),
                comparison_table(b.falling_areas, _("Områden som minskar"), _("Område")),
            ],
            className="card",
        ),
        html.Section(
            [
                html.H3(_("Kategorier som ökar och minskar")),
                comparison_table(b.rising_categories, _("Kategorier som ökar"), _("Kategori")),
                comparison_table(b.falling_categories, _("Kategorier som minskar"), _("Kategori")),
            ],
            className="card",
        ),
        html.Section(
            [
                html.H3(_("Händelser under perioden")),
                _simple(
                    _("Händelser och ökning"),
                    [_("Händelse"), _("När"), _("Antal"), _("Förväntat"), _("Ökning")],
                    events,
                ),
            ],
            className="card",
        ),
        html.Section([html.H3(_("Nattvandring och föräldramöten")), _walks(b)], className="card"),
        html.Section([html.H3(_("Samordnarens bedömning")), *_assessment(b)], className="card"),
        _method(b),
    ]


def _writer(scope: PageScope) -> list[Any]:
    """The coordinator's bedömning, åtgärder and the publish button."""
    if scope.viewer.role != "coordinator":
        return []
    hint = _("Skriv om läget och trenderna i grupp och område, aldrig om enskilda personer.")
    return [
        html.Section(
            [
                html.H3(_("Bedömning och publicering")),
                html.P(hint, className="hint"),
                html.Label(_("Bedömning"), htmlFor=ids.LB_ASSESSMENT),
                dcc.Textarea(id=ids.LB_ASSESSMENT, maxLength=4000, rows=6, className="lb-textarea"),
                html.Label(_("Beslutade åtgärder"), htmlFor=ids.LB_ACTIONS),
                dcc.Textarea(id=ids.LB_ACTIONS, maxLength=2000, rows=4, className="lb-textarea"),
                html.Div(
                    [
                        html.Button(_("Spara bedömningen"), id=ids.LB_SAVE, n_clicks=0),
                        html.Button(
                            _("Publicera lägesbilden"),
                            id=ids.LB_PUBLISH,
                            n_clicks=0,
                            className="primary",
                        ),
                    ],
                    className="form-row",
                ),
                dcc.ConfirmDialog(
                    id=ids.LB_PUBLISH_CONFIRM,
                    message=_(
                        "Publicera lägesbilden för perioden? Den sparas som den är nu, med "
                        "bedömningen, och kan inte ändras i efterhand. En månad, tertial "
                        "eller ett år publiceras för kommunledningen, en vecka för "
                        "SSP-samordningen."
                    ),
                ),
                html.Div(id=ids.LB_WRITE_RESULT, role="status"),
            ],
            className="card lb-writer",
        )
    ]


def briefing_scope() -> PageScope | html.Div:
    """The viewer's scope on the Lägesbild pages, or the page that says why not."""
    try:
        require_role(*ROLES)
    except AccessDenied:
        return denied(_("Lägesbilden är för kommunledningen och SSP-samordnarna."))
    return page_scope()


def layout(**query: Any) -> html.Div:
    """The page for leadership and coordinators; every callback checks again."""
    scope = briefing_scope()
    if isinstance(scope, html.Div):
        return scope
    today = clock_today()
    state, narrowed = briefing_state(scope, query, today)
    kommun_and_level = scope_filters(scope, ids.LB_KOMMUN, ids.LB_LEVEL)
    kommun_and_level[1].value = state.kommun
    kommun_and_level[3].value = state.level
    kinds = allowed_kinds(scope.viewer.role)
    controls = html.Div(
        [
            html.H2(_("Urval")),
            *kommun_and_level,
            html.Label(_("Periodtyp"), htmlFor=ids.LB_KIND),
            dcc.RadioItems(
                id=ids.LB_KIND,
                options=[{"label": _(KIND_LABELS[k]), "value": k} for k in kinds],
                value=state.kind,
                className="radio",
            ),
            html.Label(_("Period"), htmlFor=ids.LB_PERIOD),
            dcc.Dropdown(
                id=ids.LB_PERIOD,
                options=period_options(state.kind, today),
                value=state.period,
                clearable=False,
            ),
            html.Div(
                [
                    html.A(
                        _("Ladda ner PDF"),
                        id=ids.LB_PDF,
                        href=f"{PATH}/pdf?{state.permalink()}",
                        className="button-link",
                        download="",
                    ),
                    dcc.Link(_("Publicerade lägesbilder"), href=f"{PATH}/arkiv"),
                ],
                className="lb-actions no-print",
            ),
            share_box(LINK_PREFIX),
        ],
        className="card filters",
    )
    notice = link_notice(LINK_PREFIX, Decoded(state, refused=narrowed))
    return html.Div(
        [
            html.H2(_("Lägesbild")),
            notice,
            html.Div(
                [
                    controls,
                    html.Div(
                        [
                            active_cases_card(
                                active_case_counts(db_session(), scope.viewer, today)
                            ),
                            dcc.Loading(html.Div(id=ids.LB_CONTENT)),
                            *_writer(scope),
                        ],
                        className="lb-main",
                    ),
                ],
                className="grid",
            ),
            dcc.Store(id=ids.LB_REFRESH, data=0),
        ],
        className="page lagesbild",
    )
