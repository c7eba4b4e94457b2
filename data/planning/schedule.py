"""The walk schedule in the database: nights and their windows, proposals, the saved schedule,
planned vs done, compensation, yearly figures and reminders."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from data.access.scope import Selection, Viewer
from data.calendar.municipal import kommun_windows
from data.calendar.windows import EventWindow, WindowRule
from data.counts.cube import CountCube
from data.planning.forecast import NightForecast, forecast_nights
from data.planning.meetings import meetings
from data.planning.optimiser import DEFAULT_MIN_GROUP, Offer, Walk, optimise
from data.planning.pay import PayLevel, level_reached, levels_table, single_level
from data.planning.registry import PlanError, associations, severity, signups
from data.planning.schedule_rows import check_rows, walk_row
from data.storage.models import (
    Area,
    PlannedWalk,
    WalkReport,
)

NORMAL_WINDOW: Final = ("20:30", "01:30")


SPECIAL_WINDOW: Final = ("22:30", "03:30")
"""Payday weekends, skolavslutning and the big holiday events walk later."""


SPECIAL_KEYS: Final = frozenset({"lonehelg", "skolavslutning", "valborg", "midsommar", "nyar"})


WALK_WEEKDAYS: Final = (4, 5)
"""Friday and Saturday nights, plus every special night."""


MAX_NIGHTS: Final = 120


def special_windows(windows: Iterable[EventWindow]) -> list[EventWindow]:
    """The windows that move walks later (payday weekends, skolavslutning, big events,
    local events)."""
    return [w for w in windows if w.key in SPECIAL_KEYS or w.kind == "local"]


def is_special(night: date, windows: Iterable[EventWindow]) -> bool:
    """True when the night's evening or night lies in a special window."""
    return any(
        w.covers(night, "evening") or w.covers(night, "night") for w in special_windows(windows)
    )


def walk_nights(first: date, last: date, windows: Iterable[EventWindow]) -> list[date]:
    """Fridays, Saturdays and special nights from ``first`` to ``last``."""
    if last < first or (last - first).days + 1 > MAX_NIGHTS:
        raise PlanError({"period": f"Välj en period på högst {MAX_NIGHTS} nätter."})
    windows = list(windows)
    nights = []
    night = first
    while night <= last:
        if night.weekday() in WALK_WEEKDAYS or is_special(night, windows):
            nights.append(night)
        night += timedelta(days=1)
    return nights


def default_window(night: date, windows: Iterable[EventWindow]) -> tuple[str, str]:
    """The usual walk window of a night (later on special nights)."""
    return SPECIAL_WINDOW if is_special(night, windows) else NORMAL_WINDOW


def period_nights(
    session: Session, kommun: str, first: date, last: date, rules: Iterable[WindowRule]
) -> tuple[list[date], list[EventWindow]]:
    """The walk nights from ``first`` to ``last`` and the kommun's event windows of those
    years (they set each night's usual walk window)."""
    rules = tuple(rules)
    windows = [
        w
        for y in range(first.year, last.year + 1)
        for w in kommun_windows(session, kommun, y, rules)
    ]
    return walk_nights(first, last, windows), windows


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposed schedule with what it was made from."""

    walks: tuple[Walk, ...]
    offers: tuple[Offer, ...]
    forecasts: tuple[NightForecast, ...]
    nights: tuple[date, ...]


def propose(
    session: Session,
    cube: CountCube,
    selection: Selection,
    viewer: Viewer,
    *,
    first: date,
    last: date,
    walkers: Mapping[date, int],
    rules: Iterable[WindowRule],
    min_group: int = DEFAULT_MIN_GROUP,
    today: date,
) -> Proposal:
    """The optimised schedule for the walk nights from ``first`` to ``last``: the
    stored sign-ups plus ``walkers`` the coordinator enters per night (in the
    night's usual window), valued by the forecast."""
    rules = tuple(rules)
    kommun = selection.kommun_code
    nights, windows = period_nights(session, kommun, first, last, rules)
    offers = [
        Offer(f"s{s.id}", s.night, s.walkers, s.start_time, s.end_time, s.association.name)
        for s in signups(session, kommun, first, last)
        if s.night in nights
    ]
    for night, count in sorted(walkers.items()):
        if count > 0 and night in nights:
            start, end = default_window(night, windows)
            offers.append(Offer(f"n{night.isoformat()}", night, count, start, end, ""))
    forecasts = forecast_nights(
        session,
        cube,
        selection,
        viewer,
        nights,
        severity=severity(session, kommun),
        rules=rules,
        today=today,
    )
    by_night: dict[date, list[NightForecast]] = {}
    for f in forecasts:
        by_night.setdefault(f.night, []).append(f)
    values = {
        (o.key, f.code): f.covered(o.start, o.end)
        for o in offers
        for f in by_night.get(o.night, [])
    }
    walks = optimise(offers, values, min_group=min_group)
    return Proposal(tuple(walks), tuple(offers), tuple(forecasts), tuple(nights))


def save_schedule(
    session: Session,
    kommun: str,
    first: date,
    last: date,
    rows: Sequence[Walk | Mapping[str, Any]],
    *,
    meeting_points: Mapping[str, str] | None = None,
    areas: Collection[str] | None = None,
    min_group: int = DEFAULT_MIN_GROUP,
) -> int:
    """Replace the saved schedule of the nights ``first``..``last`` (walks already
    reported on keep their report's link: those planned walks are kept).

    ``rows`` are walks (``meeting_points`` gives their area's meeting point) or rows as
    the coordinator edited them (:mod:`data.planning.schedule_rows`). Every row is
    checked first — night in the period, an area of the kommun (and of ``areas`` when
    given: the areas the caller may plan), group size, HH:MM times, no personal data in
    the meeting point — and :class:`PlanError` with one message per refused row is
    raised before anything is written. An empty schedule is refused: nothing would be
    planned, and the saved one would be lost."""
    if not rows:
        raise PlanError(
            {
                "schema": "Schemat är tomt. Föreslå ett schema (eller behåll minst en "
                "vandring) innan du sparar."
            }
        )
    known = {
        a.code: a
        for a in session.scalars(select(Area).where(Area.kommun_code == kommun))
        if areas is None or a.code in areas
    }
    walks, points = check_rows(
        [
            walk_row(r, (meeting_points or {}).get(r.area, "")) if isinstance(r, Walk) else r
            for r in rows
        ],
        first=first,
        last=last,
        areas=known,
        associations={n for _, n in associations(session, kommun)},
        min_group=min_group,
    )
    reported = set(
        session.scalars(
            select(WalkReport.planned_walk_id).where(WalkReport.planned_walk_id.is_not(None))
        )
    )
    session.execute(
        delete(PlannedWalk).where(
            PlannedWalk.kommun_code == kommun,
            PlannedWalk.night.between(first, last),
            PlannedWalk.id.not_in(reported) if reported else PlannedWalk.id.is_not(None),
        )
    )
    names = {n: i for i, n in associations(session, kommun)}
    for walk in walks:
        session.add(
            PlannedWalk(
                kommun_code=kommun,
                night=walk.night,
                area_id=known[walk.area].id,
                association_id=names.get(walk.association),
                walkers=walk.walkers,
                start_time=walk.start,
                end_time=walk.end,
                meeting_point=points.get(walk.area, ""),
                expected=round(walk.value, 3),
            )
        )
    session.flush()
    return len(walks)


@dataclass(frozen=True, slots=True)
class PlannedVsDone:
    """A saved walk and, when a report was filed for it, what happened."""

    walk_id: int
    night: date
    area_code: str
    area_name: str
    association: str
    planned_walkers: int
    start: str
    end: str
    meeting_point: str
    expected: float
    reported: bool
    walkers: int | None
    rating: str | None
    seen: int
    confirmed: bool = False
    """A coordinator confirmed the report (only then is the walk paid)."""


def planned_vs_done(session: Session, kommun: str, first: date, last: date) -> list[PlannedVsDone]:
    """Every saved walk of the period with its report (if filed): planned vs done."""
    from data.storage.models import Observation

    walks = list(
        session.scalars(
            select(PlannedWalk)
            .where(PlannedWalk.kommun_code == kommun, PlannedWalk.night.between(first, last))
            .order_by(PlannedWalk.night, PlannedWalk.id)
        )
    )
    ids = [w.id for w in walks]
    reports: dict[int, WalkReport] = {}
    for filed in session.scalars(
        select(WalkReport).where(WalkReport.planned_walk_id.in_(ids)).order_by(WalkReport.id)
    ):
        reports.setdefault(int(filed.planned_walk_id or 0), filed)
    seen = dict(
        session.execute(
            select(Observation.walk_id, func.sum(Observation.count))
            .where(Observation.walk_id.in_([r.id for r in reports.values()]))
            .group_by(Observation.walk_id)
        ).all()
    )
    rows = []
    for walk in walks:
        report = reports.get(walk.id)
        rows.append(
            PlannedVsDone(
                walk.id,
                walk.night,
                walk.area.code,
                walk.area.name,
                walk.association.name if walk.association else "",
                walk.walkers,
                walk.start_time,
                walk.end_time,
                walk.meeting_point,
                walk.expected,
                report is not None,
                report.walkers if report else None,
                report.rating if report else None,
                int(seen.get(report.id) or 0) if report else 0,
                report is not None and report.confirmed_at is not None,
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class Compensation:
    """Per association and period: walks planned, reported, confirmed by a coordinator,
    and those that qualify for pay (confirmed, reaching a pay level); walker-nights of
    the confirmed walks; the amount; and how many walks reached each level (label such
    as ``4+`` → walks, highest level first)."""

    association: str
    planned: int
    reported: int
    confirmed: int
    qualifying: int
    walker_nights: int
    amount: float
    per_level: tuple[tuple[str, int], ...] = ()


def compensation(
    session: Session,
    kommun: str,
    first: date,
    last: date,
    *,
    levels: Sequence[PayLevel] = (),
    min_walkers: int | None = None,
    per_night: float = 0.0,
) -> list[Compensation]:
    """Pay per night when the report is filed, a coordinator has confirmed it and the
    walkers reach a level of ``levels`` (the highest one reached pays); walker-nights
    count confirmed walks only. Without ``levels``, ``min_walkers`` and ``per_night``
    are the one level of the older settings."""
    if levels:
        table = levels_table(levels)
    elif min_walkers is not None:
        table = single_level(min_walkers, per_night)
    else:
        msg = "compensation needs pay levels"
        raise ValueError(msg)
    return compensation_of(planned_vs_done(session, kommun, first, last), table)


def compensation_of(
    rows: Iterable[PlannedVsDone], levels: Sequence[PayLevel]
) -> list[Compensation]:
    """:func:`compensation` of the walks ``rows`` (pure): per association, by name."""
    table = levels_table(levels)
    out: dict[str, list[int]] = {}
    amounts: dict[str, float] = {}
    reached: dict[str, dict[PayLevel, int]] = {}
    for row in rows:
        name = row.association or "(utan förening)"
        counts = out.setdefault(name, [0, 0, 0, 0, 0])
        per_level = reached.setdefault(name, dict.fromkeys(table, 0))
        counts[0] += 1
        counts[1] += int(row.reported)
        if row.reported and row.confirmed:
            counts[2] += 1
            counts[4] += row.walkers or 0
            level = level_reached(table, row.walkers or 0)
            if level is not None:
                counts[3] += 1
                per_level[level] += 1
                amounts[name] = amounts.get(name, 0.0) + level.amount
    return [
        Compensation(
            name,
            p,
            r,
            c,
            q,
            wn,
            amounts.get(name, 0.0),
            tuple((level.label, n) for level, n in reached[name].items()),
        )
        for name, (p, r, c, q, wn) in sorted(out.items())
    ]


def yearly_figures(session: Session, kommun: str) -> list[tuple[int, int, int]]:
    """(year, walks reported, walker-nights) for the annual report."""
    rows = session.execute(
        select(WalkReport.walked_on, WalkReport.walkers).where(WalkReport.kommun_code == kommun)
    )
    years: dict[int, list[int]] = {}
    for day, walkers in rows:
        entry = years.setdefault(day.year, [0, 0])
        entry[0] += 1
        entry[1] += int(walkers)
    return [(y, w, n) for y, (w, n) in sorted(years.items())]


@dataclass(frozen=True, slots=True)
class Reminder:
    """Something to follow up: a meeting's follow-up date, or a planned walk without
    a report."""

    day: date
    text: str


def reminders(session: Session, kommun: str, today: date, *, days: int = 14) -> list[Reminder]:
    """Follow-ups due within ``days`` (or overdue), past walks still unreported and
    reported walks still waiting for the coordinator's confirmation."""
    out = [
        Reminder(
            m.follow_up_on,
            f"Följ upp föräldramötet i {m.area.name} ({m.theme})",
        )
        for m in meetings(session, kommun)
        if m.follow_up_on is not None and m.follow_up_on <= today + timedelta(days=days)
    ]
    for row in planned_vs_done(
        session, kommun, today - timedelta(days=days), today - timedelta(days=1)
    ):
        walk = f"nattvandring {row.area_name} {row.night.isoformat()}"
        if not row.reported:
            out.append(Reminder(row.night, f"Rapport saknas: {walk}"))
        elif not row.confirmed:
            out.append(Reminder(row.night, f"Bekräfta rapporten: {walk}"))
    return sorted(out, key=lambda r: r.day)
