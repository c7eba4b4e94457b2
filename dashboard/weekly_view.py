"""Veckans lägesbild as components: the changes, the coming events, the unreported walks,
the signals, the reporting completeness and the actions (pure builders, data in).

Every count shown comes published from ``data/`` (``Comparison`` values); the
completeness and the actions are the team's own work metadata.
"""

from __future__ import annotations

from typing import Any, Final

from dash import html

from dashboard.components import scroll_table
from dashboard.formatting import format_date, format_decimal, format_number, published
from dashboard.i18n import N_, _, age_text, term_label
from data.briefing.model import ActionCount, Comparison
from data.briefing.period import period_label
from data.vocabulary import SOURCES, codes
from data.weekly.actions import ACTION_OWNERS, ACTION_STATUSES, CLOSED, ActionRow
from data.weekly.agenda import RaisedSignal, UnreportedWalk, Upcoming
from data.weekly.completeness import Completeness, SourceCompleteness
from data.weekly.page import WeekPage

STATUS_TEXT: Final = {
    "silent": N_("Tyst"),
    "fewer": N_("Färre än vanligt"),
    "usual": N_("Som vanligt"),
    "rare": N_("Rapporterar sällan"),
    "pending": N_("Inte som vanligt än – bedöms när veckan är slut"),
}


def table(caption: str, head: list[str], rows: list[list[Any]], empty: str) -> Any:
    """A captioned data table in a scroll box, or ``empty`` as a hint."""
    if not rows:
        return html.P(empty, className="hint")
    body = html.Table(
        [
            html.Caption(caption),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
            html.Tbody([html.Tr([html.Td(c) for c in row]) for row in rows]),
        ],
        className="data-table",
    )
    return scroll_table(body, caption)


def _comparisons(rows: tuple[Comparison, ...], caption: str, first: str) -> Any:
    head = [first, _("Veckan"), _("Veckan före"), _("Samma vecka i fjol"), _("Förändring")]
    cells = [
        [c.label, published(c.value), published(c.previous), published(c.last_year), c.text]
        for c in rows
    ]
    return table(caption, head, cells, _("Inget att visa för veckan."))


def _movers(title: str, rows: tuple[Comparison, ...]) -> html.Div:
    items = [html.Li(f"{c.label}: {c.text}") for c in rows]
    return html.Div(
        [html.H4(title), html.Ul(items) if items else html.P(_("Inga."), className="hint")]
    )


def with_ages(title: str, ages: tuple[str, ...]) -> str:
    """A heading naming the chosen age groups ("… (13–15 år)"); as is for every age."""
    if not ages:
        return title
    return _("%(title)s (%(ages)s)", title=title, ages=age_text(ages))


def changes_view(page: WeekPage) -> html.Section:
    """The changes of the last complete week against the week before and last year."""
    ch = page.changes
    parts: list[Any] = [html.H3(with_ages(_("Vad har förändrats?"), ch.age_bands))]
    if not page.complete:
        parts.append(
            html.P(
                _(
                    "Veckan pågår och jämförs inte förrän den är slut. Förändringarna "
                    "nedan gäller %(week)s, den senaste hela veckan.",
                    week=period_label(ch.week),
                ),
                className="notice",
                role="note",
            )
        )
    parts += [
        html.P(_("Totalt: %(text)s", text=ch.total.text)),
        html.Div(
            [
                _movers(_("Områden som ökar"), ch.rising_areas),
                _movers(_("Områden som minskar"), ch.falling_areas),
                _movers(_("Kategorier som ökar"), ch.rising_categories),
                _movers(_("Kategorier som minskar"), ch.falling_categories),
            ],
            className="vl-movers",
        ),
        _comparisons(
            (ch.total, *ch.categories),
            _("Kategorier %(week)s", week=period_label(ch.week)),
            _("Kategori"),
        ),
        _comparisons(ch.areas, _("Områden %(week)s", week=period_label(ch.week)), _("Område")),
        html.P(
            _(
                "Alla tal är publicerade värden med röjandeskydd (små tal döljs, lite brus). "
                "Skillnader inom bruset kallas ungefär oförändrade."
            ),
            className="hint",
        ),
    ]
    return html.Section(parts, className="card")


def _days(first: Any, last: Any) -> str:
    if first == last:
        return format_date(first)
    return f"{format_date(first)} – {format_date(last)}"


def upcoming_view(rows: tuple[Upcoming, ...]) -> html.Section:
    """Calendar rows of the next two weeks."""
    cells = [[_days(u.first, u.last), u.name] for u in rows]
    return html.Section(
        [
            html.H3(_("Kommande två veckor")),
            table(
                _("Helger, lov och evenemang"),
                [_("När"), _("Vad")],
                cells,
                _("Inget i kalendern de kommande två veckorna."),
            ),
        ],
        className="card",
    )


def unreported_view(rows: tuple[UnreportedWalk, ...]) -> html.Section:
    """Planned walks whose night passed without a walk report."""
    cells = [[format_date(w.night), w.area_name, w.association or "–"] for w in rows]
    return html.Section(
        [
            html.H3(_("Nattvandringar utan rapport")),
            table(
                _("Planerade vandringar de senaste fyra veckorna utan rapport"),
                [_("Natt"), _("Område"), _("Förening")],
                cells,
                _("Alla planerade vandringar har rapporterats."),
            ),
        ],
        className="card",
    )


def signals_view(rows: list[RaisedSignal], ages: tuple[str, ...] = ()) -> html.Section:
    """Areas with a raised parent-meeting signal (among ``ages``; empty: every age)."""
    cells = [[s.area_name, format_date(s.since)] for s in rows]
    return html.Section(
        [
            html.H3(with_ages(_("Signaler för föräldramöten"), ages)),
            table(
                _("Områden där oron ökar (narkotika, rekrytering, våld, vapen)"),
                [_("Område"), _("Sedan veckan som började")],
                cells,
                _("Inga signaler just nu."),
            ),
        ],
        className="card",
    )


def _usual(row: SourceCompleteness) -> str:
    return _(
        "%(weeks)s av %(total)s veckor, median %(median)s",
        weeks=row.weeks_with_reports,
        total=row.history_weeks,
        median=format_decimal(row.usual_median),
    )


def _flag(row: SourceCompleteness) -> str:
    if row.status == "silent":
        return _(
            "Inga rapporter denna vecka — brukar rapportera %(weeks)s av %(total)s veckor",
            weeks=row.weeks_with_reports,
            total=row.history_weeks,
        )
    return _(STATUS_TEXT[row.status])


def completeness_view(done: Completeness) -> list[Any]:
    """Reports per partner organisation this week against its usual weeks."""
    cells = []
    for row in done.rows:
        known = row.source in codes(SOURCES)
        name = term_label(SOURCES, row.source) if known else row.label
        if row.imported:
            name = _("%(source)s (import)", source=name)
        status = html.Strong(_flag(row)) if row.flagged else _flag(row)
        cells.append([name, format_number(row.this_week), _usual(row), status])
    parts: list[Any] = []
    if done.running:
        parts.append(
            html.P(
                _(
                    "Veckan pågår: rapporter hittills. Vem som är tyst bedöms när veckan "
                    "är slut – välj förra veckan för mötets genomgång."
                ),
                className="notice",
                role="note",
            )
        )
    parts.append(
        table(
            _("Rapporter per organisation"),
            [_("Organisation"), _("Rapporter veckan"), _("Brukar (12 veckor)"), _("Läge")],
            cells,
            _("Inga organisationer."),
        )
    )
    return parts


def action_label(row: ActionRow) -> str:
    """A short label of an action for the choice list."""
    what = row.what if len(row.what) <= 60 else row.what[:59] + "…"
    return f"{what} ({term_label(ACTION_STATUSES, row.status).lower()})"


def actions_view(rows: list[ActionRow]) -> Any:
    """The week's actions: open and ongoing first, then those closed this week."""
    cells = []
    for r in rows:
        status = term_label(ACTION_STATUSES, r.status)
        if r.status == CLOSED and r.closed_on:
            status = _("%(status)s %(day)s", status=status, day=format_date(r.closed_on))
        cells.append(
            [
                r.what,
                term_label(ACTION_OWNERS, r.owner),
                ", ".join(r.area_names),
                format_date(r.due_on) if r.due_on else "–",
                status,
                r.follow_up or "–",
                r.week_decided,
            ]
        )
    head = [_("Vad"), _("Ansvarig"), _("Områden"), _("Klart senast"), _("Status")]
    head += [_("Uppföljning"), _("Beslutad")]
    return table(_("Åtgärder"), head, cells, _("Inga åtgärder för veckan."))


def decided_list(decided: tuple[ActionCount, ...]) -> Any:
    """The lägesbild's summary of the weekly meetings' actions: a count per status and
    owner organisation (the what-texts only where the briefing holds them)."""
    if not decided:
        return html.P(_("Inga åtgärder från veckomötena under perioden."), className="hint")
    items = []
    for a in decided:
        line = _(
            "%(status)s, %(owner)s: %(count)s",
            status=term_label(ACTION_STATUSES, a.status),
            owner=term_label(ACTION_OWNERS, a.owner),
            count=format_number(a.count),
        )
        titles = [html.Li(t) for t in a.titles]
        items.append(html.Li([line, html.Ul(titles)] if titles else line))
    return html.Ul(items, className="lb-decided")
