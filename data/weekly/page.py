"""Everything Veckans lägesbild shows for one ISO week, in one call (besides the
actions, the completeness and the signals, which have their own callers).

The chosen week defaults to the running week (the meeting's week). A running week is
never compared — a half-counted week is not a fall — so the changes shown are those
of the **last complete week** (the chosen week itself when it is over), and the page
says which week they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access.scope import BadSelection, Viewer
from data.briefing.model import BriefingPeriod
from data.briefing.period import is_complete, parse_period, previous_period
from data.counts.cube import CountCube
from data.storage.models import Category
from data.weekly.agenda import UnreportedWalk, Upcoming, unreported_walks, upcoming_events
from data.weekly.changes import WeekChanges, week_changes


@dataclass(frozen=True, slots=True)
class WeekPage:
    """The week, whether it is over, the changes of the last complete week, the coming
    events and the walks still without a report."""

    week: BriefingPeriod
    complete: bool
    changes: WeekChanges
    upcoming: tuple[Upcoming, ...]
    unreported: tuple[UnreportedWalk, ...]


def chosen_week(code: str, today: date) -> BriefingPeriod:
    """The ISO week ``code`` names when it has begun by ``today`` (else BadSelection)."""
    week = parse_period(code)
    if week.kind != "week" or week.first_day > today:
        msg = "Välj en vecka som har börjat."
        raise BadSelection(msg)
    return week


def week_page(
    session: Session,
    cube: CountCube,
    viewer: Viewer,
    kommun: str,
    code: str,
    *,
    today: date,
    ages: tuple[str, ...] = (),
) -> WeekPage:
    """The page of week ``code`` for ``viewer`` (scope checks in the functions called);
    ``ages`` narrows the changes to those age groups (empty: every age)."""
    week = chosen_week(code, today)
    complete = is_complete(week, today)
    compared = week if complete else previous_period(week)
    labels = {
        str(c): str(label) for c, label in session.execute(select(Category.code, Category.label))
    }
    return WeekPage(
        week=week,
        complete=complete,
        changes=week_changes(cube, viewer, kommun, compared, labels=labels, ages=ages),
        upcoming=tuple(upcoming_events(session, kommun, today)),
        unreported=tuple(unreported_walks(session, viewer, kommun, today)),
    )
