"""Composing one lägesbild from published numbers only.

Nothing here counts or calls :func:`data.privacy.disclosure.protect`: every number
comes from the existing count functions (:func:`data.counts.aggregates.aggregate` for
the kommun's total, its categories and the trend; :func:`data.counts.overview.map_values`
for the areas; :func:`data.counts.windows.compare_window` for the events), which publish
it for the viewer's audience level (leadership: k = 10, whole months). Changes are
computed from those published values (:mod:`data.briefing.compare`). The totals are
asked for at the kommun level, so every record of the kommun counts — including
those known only to the kommun (a polisen report without a place).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.access.scope import AccessDenied, BadSelection, Selection, Viewer, require_kommun
from data.briefing.compare import NOISE_SHARE, Published, compare, movers
from data.briefing.model import (
    AreaValue,
    Briefing,
    BriefingPeriod,
    Comparison,
    EventLine,
    Method,
    WalkFigures,
)
from data.briefing.period import (
    allowed_kinds,
    has_started,
    is_complete,
    month_period,
    period_label,
    previous_period,
    same_period_last_year,
    week_period,
)
from data.calendar.holidays import holiday_entries
from data.calendar.municipal import kommun_windows
from data.calendar.windows import DEFAULT_WINDOW_RULES, STOCKHOLM, EventWindow, WindowRule
from data.counts.aggregates import aggregate
from data.counts.cube import CountCube
from data.counts.overview import map_values
from data.counts.uplift import clear_rise
from data.counts.windows import compare_window, read_slots, slot_range
from data.privacy.disclosure import NOISE_BOUND, SECONDARY_MARKER, ProtectedCounts, marker
from data.storage.models import Category, ParentMeeting, PlannedWalk, WalkReport
from data.vocabulary import MONTH_NAMES
from data.weekly.actions import action_summary

TOTAL_LABEL: Final = "Alla kategorier"
TREND_MONTHS_BEFORE: Final = 11
TREND_WEEKS: Final = 12
MOVERS: Final = 5
KOMMUN_LEVEL: Final = "kommun"


def _published(table: ProtectedCounts, *, known: bool = True) -> list[Published]:
    return [
        Published(text, number, known)
        for text, number in zip(table.display(), table.published_values(), strict=True)
    ]


def _selection(kommun: str, level: str, period: BriefingPeriod) -> Selection:
    return Selection(kommun, level, period.first_monday, period.last_monday)


def _check_viewer(viewer: Viewer, kommun: str, period: BriefingPeriod, today: date) -> None:
    require_kommun(viewer, kommun)
    kinds = allowed_kinds(viewer.role)
    if not kinds:
        msg = "din roll har ingen lägesbild"
        raise AccessDenied(msg)
    if period.kind not in kinds or (period.kind == "week" and viewer.level.time_grain != "week"):
        msg = "din roll ser lägesbilden för hela månader, tertial eller år, inte veckor"
        raise AccessDenied(msg)
    if not has_started(period, today):
        msg = f"Perioden {period_label(period)} har inte börjat ännu: välj en period som har börjat"
        raise BadSelection(msg)


def _headline(
    cube: CountCube,
    viewer: Viewer,
    kommun: str,
    periods: tuple[BriefingPeriod, BriefingPeriod, BriefingPeriod],
    labels: dict[str, str],
    running: str | None,
) -> tuple[tuple[Comparison, ...], list[Comparison]]:
    """The total and every category, each against the previous period and last year."""
    totals: list[Published] = []
    per_category: list[dict[str, Published]] = []
    for i, period in enumerate(periods):
        selection = _selection(kommun, KOMMUN_LEVEL, period)
        known = i == 0 or period.first_monday >= cube.first_monday
        totals.append(_published(aggregate(cube, selection, viewer, []), known=known)[0])
        table = aggregate(cube, selection, viewer, ["category"])
        per_category.append(
            dict(
                zip(map(str, table.frame["category"]), _published(table, known=known), strict=True)
            )
        )
    kind = periods[0].kind
    total = compare(TOTAL_LABEL, *totals, kind=kind, running=running)
    categories = [
        compare(
            labels.get(code, code),
            *(rows[code] for rows in per_category),
            kind=kind,
            running=running,
        )
        for code in per_category[0]
    ]
    return (total, *categories), categories


def _areas(
    cube: CountCube,
    viewer: Viewer,
    kommun: str,
    level: str,
    periods: tuple[BriefingPeriod, BriefingPeriod, BriefingPeriod],
    running: str | None,
) -> tuple[tuple[AreaValue, ...], list[Comparison], tuple[str, ...]]:
    """The map's published values per display unit, their comparisons, merged units."""
    tables = [map_values(cube, _selection(kommun, level, p), viewer) for p in periods]
    now = tables[0]
    before = [
        dict(
            zip(
                t.frame["code"],
                _published(t, known=p.first_monday >= cube.first_monday),
                strict=True,
            )
        )
        for t, p in zip(tables[1:], periods[1:], strict=True)
    ]
    areas, comparisons, merged = [], [], []
    for code, name, merge_text, value in zip(
        now.frame["code"], now.frame["name"], now.frame["merged"], _published(now), strict=True
    ):
        areas.append(AreaValue(str(code), str(name), value.text, value.number, bool(merge_text)))
        if merge_text:
            merged.append(f"{name} ({merge_text})")
        missing = Published("–", None, known=False)
        comparisons.append(
            compare(
                str(name),
                value,
                before[0].get(code, missing),
                before[1].get(code, missing),
                kind=periods[0].kind,
                running=running,
            )
        )
    return tuple(areas), comparisons, tuple(merged)


def _months_between(first: date, last: date) -> list[date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def _trend(
    cube: CountCube, viewer: Viewer, kommun: str, period: BriefingPeriod, today: date
) -> tuple[tuple[str, str, int | None, bool], ...]:
    """Monthly (weekly for a week period) published totals of the kommun up to the
    period's end, none starting after today; a running month or week is flagged."""
    if period.kind == "week":
        steps = [
            week_period(period.first_monday - timedelta(weeks=n))
            for n in range(TREND_WEEKS - 1, -1, -1)
        ]
        group = "week"
    else:
        start = period.first_day
        for _ in range(TREND_MONTHS_BEFORE):
            start = (start - timedelta(days=1)).replace(day=1)
        months = _months_between(start, period.last_day.replace(day=1))
        steps = [month_period(m.year, m.month) for m in months]
        group = "month"
    steps = [p for p in steps if has_started(p, today)]
    selection = Selection(kommun, KOMMUN_LEVEL, steps[0].first_monday, steps[-1].last_monday)
    table = aggregate(cube, selection, viewer, [group])
    values = dict(zip(table.frame[group], _published(table), strict=True))
    out = []
    for step in steps:
        value = values.get(step.code, Published("0", 0))
        label = _short_label(step)
        out.append((label, value.text, value.number, is_complete(step, today)))
    return tuple(out)


def _short_label(period: BriefingPeriod) -> str:
    """A trend bar's label: "v. 48 2026" or "nov 2026" (the axis has little room)."""
    if period.kind == "week":
        year, week, _ = period.first_monday.isocalendar()
        return f"v. {week} {year}"
    return f"{MONTH_NAMES[period.first_day.month - 1][:3]} {period.first_day.year}"


def _day_text(first: date, last: date) -> str:
    def day(d: date, year: bool) -> str:
        text = f"{d.day} {MONTH_NAMES[d.month - 1]}"
        return f"{text} {d.year}" if year else text

    if first == last:
        return day(first, True)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{day(last, True)}"
    return f"{day(first, first.year != last.year)}–{day(last, True)}"


def _decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _events(
    session: Session,
    cube: CountCube,
    viewer: Viewer,
    kommun: str,
    period: BriefingPeriod,
    today: date,
    rules: tuple[WindowRule, ...],
) -> tuple[EventLine, ...]:
    """The calendar's event windows that ended in the period, observed against
    expected over the whole kommun (published counts, the Tid & händelser rules)."""
    years = range(period.first_day.year, period.last_day.year + 1)
    by_year = {y: kommun_windows(session, kommun, y, rules) for y in years}

    def in_period(w: EventWindow) -> bool:
        first, _ = w.days
        return period.first_day <= first <= period.last_day and (
            w.end.astimezone(STOCKHOLM).date() <= today
        )

    chosen = sorted(
        (w for ws in by_year.values() for w in ws if in_period(w)), key=lambda w: w.start
    )
    if not chosen:
        return ()
    first, last = slot_range(chosen)
    slots = read_slots(session, cube, kommun, first, min(last, today))
    holidays = {y: [e.start for e in holiday_entries([y])] for y in years}
    k = viewer.level.k
    lines = []
    for window in chosen:
        week = window.days[0] - timedelta(days=window.days[0].weekday())
        base = Selection(kommun, KOMMUN_LEVEL, week, week)
        c = compare_window(
            cube,
            slots,
            window,
            base,
            viewer,
            avoid=by_year[window.start.year],
            holiday_days=holidays[window.start.year],
        )
        r = c.result
        expected = None if r is None else r.expected
        ratio = None if r is None else r.ratio
        lines.append(
            EventLine(
                name=window.name,
                when=_day_text(*window.days),
                observed=marker(k) if c.observed is None else str(c.observed),
                expected="–" if expected is None else _decimal(expected),
                uplift="–" if ratio is None else f"{_decimal(ratio)} ×",
                clear_rise=clear_rise(c.observed, expected, k),
            )
        )
    return tuple(lines)


def _walks(session: Session, kommun: str, period: BriefingPeriod, today: date) -> WalkFigures:
    """Nights planned in the period, nights with a walk report, walker-nights and
    parent meetings held (counts of the teams' own work: no youth is counted here)."""
    first, last = period.first_day, period.last_day
    held_to = min(last, today)
    planned = session.scalar(
        select(func.count(func.distinct(PlannedWalk.night))).where(
            PlannedWalk.kommun_code == kommun, PlannedWalk.night.between(first, last)
        )
    )
    nights, walkers = session.execute(
        select(func.count(func.distinct(WalkReport.walked_on)), func.sum(WalkReport.walkers)).where(
            WalkReport.kommun_code == kommun, WalkReport.walked_on.between(first, held_to)
        )
    ).one()
    meetings = session.scalar(
        select(func.count(ParentMeeting.id)).where(
            ParentMeeting.kommun_code == kommun, ParentMeeting.held_on.between(first, held_to)
        )
    )
    return WalkFigures(int(planned or 0), int(nights or 0), int(walkers or 0), int(meetings or 0))


def _method(viewer: Viewer, merged: tuple[str, ...]) -> Method:
    k = viewer.level.k
    noise = (
        f"Varje tal har fått ett litet slumpmässigt brus (högst ±{NOISE_BOUND}) så att "
        "ingen kan räkna fram dolda små tal. Skillnader på några få, eller inom "
        f"{round(NOISE_SHARE * 100)} %, kallas därför ungefär oförändrade."
    )
    grain = "hela månader" if viewer.level.time_grain == "month" else "veckor"
    return Method(k, marker(k), SECONDARY_MARKER, noise, merged, grain)


def kommun_name(cube: CountCube, kommun: str) -> str:
    """The kommun's name from the cube's areas (its code when it has no kommun area)."""
    for code, name, level in zip(
        cube.areas.codes, cube.areas.names, cube.areas.levels, strict=True
    ):
        if code == kommun and level == KOMMUN_LEVEL:
            return name
    return kommun


def build_briefing(
    session: Session,
    cube: CountCube,
    viewer: Viewer,
    kommun_code: str,
    level: str,
    period: BriefingPeriod,
    *,
    today: date,
    now: datetime,
    assessment: tuple[str, str] = ("", ""),
    rules: Iterable[WindowRule] = DEFAULT_WINDOW_RULES,
) -> Briefing:
    """The lägesbild of ``kommun_code`` for ``period`` at ``viewer``'s audience level,
    areas at ``level``. ``assessment`` is (bedömning, åtgärder), already PII-guarded
    (:func:`data.briefing.archive.assessment_for`).

    Refuses (AccessDenied) another kommun, a role without a lägesbild, weeks to an
    audience that sees whole months and a level the viewer may not choose; refuses
    (BadSelection) a period that has not started.
    """
    _check_viewer(viewer, kommun_code, period, today)
    previous, year_before = previous_period(period), same_period_last_year(period)
    periods = (period, previous, year_before)
    complete = is_complete(period, today)
    counted_to = period.last_day if complete else today
    running = None
    if not complete:
        running = (
            f"Perioden pågår (räknat till och med {_day_text(today, today)}): "
            "ingen jämförelse förrän den är slut."
        )
    labels = {
        str(code): str(label)
        for code, label in session.execute(select(Category.code, Category.label))
    }
    headline, categories = _headline(cube, viewer, kommun_code, periods, labels, running)
    areas, area_changes, merged = _areas(cube, viewer, kommun_code, level, periods, running)
    rising_areas, falling_areas = movers(area_changes, n=MOVERS)
    rising_categories, falling_categories = movers(categories, n=MOVERS)
    return Briefing(
        kommun_code=kommun_code,
        kommun_name=kommun_name(cube, kommun_code),
        audience="leadership" if viewer.role == "leadership" else "coordinator",
        level=level,
        period=period,
        previous=previous,
        year_before=year_before,
        produced=now,
        complete=complete,
        counted_to=counted_to,
        headline=headline,
        areas=areas,
        rising_areas=rising_areas,
        falling_areas=falling_areas,
        rising_categories=rising_categories,
        falling_categories=falling_categories,
        monthly=_trend(cube, viewer, kommun_code, period, today),
        events=_events(session, cube, viewer, kommun_code, period, today, tuple(rules)),
        walks=_walks(session, kommun_code, period, today),
        assessment=assessment[0],
        actions=assessment[1],
        method=_method(viewer, merged),
        decided=action_summary(
            session,
            kommun_code,
            period.first_monday,
            period.last_monday,
            titles=viewer.role == "coordinator",
        ),
    )
