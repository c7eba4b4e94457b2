"""A user's own reports: the observations and walk reports they filed, newest first.

Only the rows the user created (``created_by``) are read; nothing else is counted, so
the page publishes no number beyond the user's own rows (not even how many there are).
Sightings of a walk are shown with their walk, not as observations of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.storage.models import Area, Category, Observation, Source, WalkReport

PAGE_SIZE: Final = 20
MAX_PAGE: Final = 500
TIME_BANDS: Final = {"day": "dag", "evening": "kväll", "night": "natt", None: ""}
RATINGS: Final = {"calm": "lugnt", "uneasy": "oroligt"}
SWEDEN: Final = ZoneInfo("Europe/Stockholm")


@dataclass(frozen=True, slots=True)
class OwnReport:
    """One of the user's reports as the page lists it (Swedish text)."""

    kind: str
    """``Observation`` or ``Nattvandring``."""
    created_at: datetime
    """When it was stored (UTC)."""
    occurred_on: date
    when: str
    """The time of day (observation) or the walk's hours."""
    where: str
    what: str
    note: str

    @property
    def filed_at(self) -> datetime:
        """When it was filed, Swedish local time (a database without zones gives UTC)."""
        moment = self.created_at
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(SWEDEN)


@dataclass(frozen=True, slots=True)
class OwnReportsPage:
    """One page of the user's reports and whether older ones follow."""

    rows: list[OwnReport]
    page: int
    has_older: bool


def _observations(session: Session, user_id: int, limit: int) -> list[OwnReport]:
    rows = session.execute(
        select(Observation, Area.name, Category.label, Source.label)
        .join(Area, Observation.area_id == Area.id)
        .join(Category, Observation.category_code == Category.code)
        .join(Source, Observation.source_code == Source.code)
        .where(Observation.created_by_id == user_id, Observation.walk_id.is_(None))
        .order_by(Observation.created_at.desc(), Observation.id.desc())
        .limit(limit)
    ).all()
    return [
        OwnReport(
            kind="Observation",
            created_at=o.created_at,
            occurred_on=o.occurred_on,
            when=TIME_BANDS.get(o.time_band, ""),
            where=area,
            what=f"{category}, {o.count} st ({source})",
            note=o.note or "",
        )
        for o, area, category, source in rows
    ]


def _walks(session: Session, user_id: int, limit: int) -> list[OwnReport]:
    walks = session.scalars(
        select(WalkReport)
        .where(WalkReport.created_by_id == user_id)
        .order_by(WalkReport.created_at.desc(), WalkReport.id.desc())
        .limit(limit)
    ).all()
    return [
        OwnReport(
            kind="Nattvandring",
            created_at=w.created_at,
            occurred_on=w.walked_on,
            when=f"{w.start_time}–{w.end_time}",
            where=", ".join(sorted(a.name for a in w.areas)),
            what=f"{w.walkers} vuxna, {RATINGS.get(w.rating, w.rating)}",
            note=w.note or "",
        )
        for w in walks
    ]


def own_reports(session: Session, user_id: int, page: int = 1) -> OwnReportsPage:
    """Page ``page`` (from 1, at most :data:`MAX_PAGE`) of the reports ``user_id``
    filed, newest first: their own observations (not a walk's sightings) and walks."""
    page = min(max(page, 1), MAX_PAGE)
    start = (page - 1) * PAGE_SIZE
    limit = start + PAGE_SIZE + 1
    merged = sorted(
        [*_observations(session, user_id, limit), *_walks(session, user_id, limit)],
        key=lambda r: r.filed_at,
        reverse=True,
    )
    return OwnReportsPage(
        rows=merged[start : start + PAGE_SIZE],
        page=page,
        has_older=len(merged) > start + PAGE_SIZE,
    )
