"""The rest of the weekly meeting's agenda: events coming up, walks without a report,
parent-meeting signals. Each in the viewer's scope (the police: their areas).

Upcoming events are calendar rows (holidays, school holidays, local events, payday
weekends) overlapping the next :data:`UPCOMING_DAYS` days. An *unreported walk* is a
planned walk whose night has passed (the night is before today) and for which no walk
report was filed, over the last :data:`UNREPORTED_DAYS` days. Signals are the raised
parent-meeting signals of :func:`data.planning.signals.concern_signals` (published
weekly counts only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access.scope import Selection, Viewer, available_levels, default_level, require_kommun
from data.calendar.municipal import kommun_calendar
from data.counts.cube import CountCube
from data.planning.schedule import planned_vs_done
from data.planning.signals import concern_signals
from data.storage.models import Area
from data.weekly.actions import scoped_area_ids

UPCOMING_DAYS: Final = 14
UNREPORTED_DAYS: Final = 28


@dataclass(frozen=True, slots=True)
class Upcoming:
    """A calendar row in the coming two weeks (``last`` inclusive)."""

    first: date
    last: date
    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class UnreportedWalk:
    """A planned walk whose night has passed without a walk report."""

    night: date
    area_code: str
    area_name: str
    association: str


@dataclass(frozen=True, slots=True)
class RaisedSignal:
    """An area whose concern categories rose beyond the signal threshold."""

    area_code: str
    area_name: str
    since: date
    """The Monday of the week the signal was first raised."""


def upcoming_events(session: Session, kommun: str, today: date) -> list[Upcoming]:
    """Calendar rows of ``kommun`` overlapping today .. today + 14 days, by date."""
    end = today + timedelta(days=UPCOMING_DAYS)
    seen: dict[tuple[date, date, str], Upcoming] = {}
    for year in sorted({today.year, end.year}):
        for entry in kommun_calendar(session, kommun, year):
            if entry.end >= today and entry.start <= end:
                key = (entry.start, entry.end, entry.name)
                seen.setdefault(key, Upcoming(entry.start, entry.end, entry.name, entry.kind))
    return sorted(seen.values(), key=lambda u: (u.first, u.name))


def unreported_walks(
    session: Session, viewer: Viewer, kommun: str, today: date
) -> list[UnreportedWalk]:
    """Planned walks of the last four weeks whose night is over without a report; the
    police see only those in their areas."""
    require_kommun(viewer, kommun)
    scoped = scoped_area_ids(session, viewer)
    codes: set[str] | None = None
    if scoped is not None:
        codes = set(session.scalars(select(Area.code).where(Area.id.in_(scoped))))
    walks = planned_vs_done(
        session, kommun, today - timedelta(days=UNREPORTED_DAYS), today - timedelta(days=1)
    )
    return [
        UnreportedWalk(w.night, w.area_code, w.area_name, w.association)
        for w in walks
        if not w.reported and (codes is None or w.area_code in codes)
    ]


def raised_signals(
    cube: CountCube, viewer: Viewer, kommun: str, ages: tuple[str, ...] = ()
) -> list[RaisedSignal]:
    """The raised parent-meeting signals at the viewer's finest level, in their scope;
    ``ages`` counts only those age groups (empty: every age), as on Planering."""
    levels = available_levels(cube, kommun, viewer)
    if not levels:
        return []
    level = default_level(levels)
    selection = Selection(kommun, level, cube.last_monday, cube.last_monday, age_bands=ages)
    out = []
    for area in concern_signals(cube, selection, viewer, last_monday=cube.last_monday):
        alarm = area.signal.alarm
        if alarm is None:
            continue
        watched = area.weeks[-len(area.signal.path) :]
        out.append(RaisedSignal(area.code, area.name, date.fromisoformat(watched[alarm])))
    return out
