"""Reporting completeness: which partner organisations reported this ISO week, against
their usual weeks — so the SSP meeting sees who is silent.

A *report* is one observation record; its *source* is the partner organisation
(skola, socialtjänst, polis, fritid, fält, nattvandring, …; ``polisen_se`` is the
import from polisen.se and is labelled as such). A report counts in the ISO week of
its **occurred_on** date, not of ``created_at``: the meeting asks "have we heard from
the school about this week?", and a school that files Friday's reports on Monday, or
imports a month's records in one file, has still reported about those weeks —
counting by ``created_at`` would call it silent one week and busy the next. (The demo
data, written in one go, has one ``created_at`` for every record as well.)

This is organisation-level metadata of the team's own reporting — whole kommun, no
area, no category — shown to the kommun's coordinators only (:func:`reporting_completeness`
refuses every other role). The pure assessment (:func:`assess`) is separate from the
query (:func:`weekly_report_counts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median
from typing import Final, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.access.scope import AccessDenied, Viewer, require_kommun
from data.counts.cube import monday_of
from data.storage.models import Area, Observation, Source

HISTORY_WEEKS: Final = 12
"""The usual weeks: the 12 ISO weeks before the one assessed."""
HABIT_SHARE: Final = 0.5
"""A partner that reported in at least half of the usual weeks is expected to report."""
FEWER_SHARE: Final = 0.5
"""Fewer than half the usual (median) number of reports is called fewer than usual."""
IMPORTED_SOURCES: Final = frozenset({"polisen_se"})
"""Sources that arrive by import rather than from a partner's own reports."""

Status = Literal["silent", "fewer", "usual", "rare", "pending"]


@dataclass(frozen=True, slots=True)
class SourceCompleteness:
    """One partner organisation's reports in the week against its usual weeks."""

    source: str
    label: str
    imported: bool
    this_week: int
    usual_median: float
    weeks_with_reports: int
    history_weeks: int
    status: Status
    """``silent``: none this week though it usually reports; ``fewer``: under half its
    median; ``usual``; ``rare``: none this week and it seldom reports; ``pending``: the
    week is still running and it has not yet reported as usual — judged when the week
    is over (a Monday morning would otherwise call every partner silent)."""

    @property
    def flagged(self) -> bool:
        """True when the meeting should ask about this partner."""
        return self.status in ("silent", "fewer")


@dataclass(frozen=True, slots=True)
class Completeness:
    """The week's completeness for one kommun; ``running`` while the week is not over."""

    kommun: str
    first_monday: date
    running: bool
    rows: tuple[SourceCompleteness, ...]


def assess(this_week: int, history: Sequence[int]) -> tuple[float, int, Status]:
    """(median of ``history``, weeks in it with at least one report, status) for one
    partner's ``this_week`` reports against ``history`` (its usual weeks' counts)."""
    usual = float(median(history)) if history else 0.0
    weeks_with = sum(1 for n in history if n > 0)
    habitual = bool(history) and weeks_with >= HABIT_SHARE * len(history)
    if this_week == 0:
        return usual, weeks_with, "silent" if habitual else "rare"
    if habitual and this_week < FEWER_SHARE * usual:
        return usual, weeks_with, "fewer"
    return usual, weeks_with, "usual"


def weekly_report_counts(
    session: Session, kommun: str, first_monday: date, n_weeks: int
) -> dict[str, list[int]]:
    """Observation records of ``kommun`` per source and ISO week (by ``occurred_on``),
    ``n_weeks`` weeks from ``first_monday``; every known source, zeros included."""
    last_day = first_monday + timedelta(weeks=n_weeks) - timedelta(days=1)
    out = {code: [0] * n_weeks for code in session.scalars(select(Source.code))}
    rows = session.execute(
        select(Observation.source_code, Observation.occurred_on, func.count(Observation.id))
        .join(Area, Area.id == Observation.area_id)
        .where(
            Area.kommun_code == kommun,
            Observation.occurred_on.between(first_monday, last_day),
        )
        .group_by(Observation.source_code, Observation.occurred_on)
    )
    for source, day, n in rows:
        week = (monday_of(day) - first_monday).days // 7
        out.setdefault(str(source), [0] * n_weeks)[week] += int(n)
    return out


def reporting_completeness(
    session: Session, viewer: Viewer, kommun: str, monday: date, *, today: date
) -> Completeness:
    """Every partner organisation's reports in the ISO week of ``monday`` against the
    :data:`HISTORY_WEEKS` weeks before it; flagged partners first.

    Coordinators of ``kommun`` only (AccessDenied for every other role or kommun).
    """
    require_kommun(viewer, kommun)
    if viewer.role != "coordinator" or viewer.kommun_code != kommun:
        msg = "bara samordnarna i kommunen ser vilka som har rapporterat"
        raise AccessDenied(msg)
    week = monday_of(monday)
    first = week - timedelta(weeks=HISTORY_WEEKS)
    counts = weekly_report_counts(session, kommun, first, HISTORY_WEEKS + 1)
    labels = {str(c): str(label) for c, label in session.execute(select(Source.code, Source.label))}
    rows = []
    running = week + timedelta(days=6) >= today
    for source, series in counts.items():
        usual, weeks_with, status = assess(series[-1], series[:-1])
        if running and status in ("silent", "fewer"):
            status = "pending"
        rows.append(
            SourceCompleteness(
                source=source,
                label=str(labels.get(source, source)),
                imported=source in IMPORTED_SOURCES,
                this_week=series[-1],
                usual_median=usual,
                weeks_with_reports=weeks_with,
                history_weeks=HISTORY_WEEKS,
                status=status,
            )
        )
    rows.sort(key=lambda r: (not r.flagged, r.status != "silent", r.label))
    return Completeness(kommun, week, running, tuple(rows))
