"""A municipality's own calendar in the database: school entries and local events.

School entries (sportlov … skolavslutning) are kept by an administrator or
coordinator, entered one at a time or imported (:mod:`data.ingest.school_calendar`);
local events (festival, match, demonstration …) are entered by the SSP team. Both
become event windows (:func:`data.calendar.windows.event_windows`) next to the holidays and
payday weekends every municipality has.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Final

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from data.calendar.holidays import CalendarEntry
from data.calendar.windows import (
    DEFAULT_WINDOW_RULES,
    STOCKHOLM,
    EventWindow,
    WindowRule,
    calendar_entries,
    event_windows,
    real_hours,
)
from data.privacy.pii import find_pii, pii_message
from data.storage.db import CALENDAR_VERSION, bump_version
from data.storage.models import Area, LocalEvent, SchoolCalendarEntry
from data.vocabulary import Term

LOCAL_EVENT_KINDS: Final[tuple[Term, ...]] = (
    Term("festival", "Festival / stadsfest"),
    Term("match", "Match / idrottsevenemang"),
    Term("demonstration", "Demonstration / manifestation"),
    Term("skolavslutningsfest", "Skolavslutningsfest"),
    Term("konsert", "Konsert"),
    Term("annat", "Annat"),
)
MAX_EVENT_HOURS: Final = 14 * 24
MAX_NAME: Final = 120
MAX_EVENTS_PER_YEAR: Final = 60
"""Local events one kommun may have starting in one year. Each is an event window
that Tid & händelser compares and ranks (about 0.05 s each on two cores); 200 of them
made one page render take 8 s."""


class EventRejected(ValueError):
    """A local event cannot be saved; ``errors`` maps field → Swedish message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class LocalEventRow:
    """A stored local event as the page lists it."""

    id: int
    window: EventWindow
    kind: str


def event_key(name: str) -> str:
    """The key that ties a local event's occurrences across years (its name, folded)."""
    return "lokal:" + re.sub(r"[^a-z0-9åäö]+", "-", name.casefold()).strip("-")


def school_entries(session: Session, kommun: str) -> list[CalendarEntry]:
    """The kommun's school calendar, in date order."""
    rows = session.scalars(
        select(SchoolCalendarEntry)
        .where(SchoolCalendarEntry.kommun_code == kommun)
        .order_by(SchoolCalendarEntry.first_day, SchoolCalendarEntry.kind)
    )
    return [CalendarEntry(r.first_day, r.last_day, r.kind, "school") for r in rows]


def save_school_entries(
    session: Session, kommun: str, entries: Iterable[CalendarEntry]
) -> tuple[int, int]:
    """Add entries; an entry of the same kind starting the same day is replaced (its
    last day updated). Returns (added, updated)."""
    added = updated = 0
    for entry in entries:
        existing = session.scalar(
            select(SchoolCalendarEntry).where(
                SchoolCalendarEntry.kommun_code == kommun,
                SchoolCalendarEntry.kind == entry.name,
                SchoolCalendarEntry.first_day == entry.start,
            )
        )
        if existing is None:
            session.add(
                SchoolCalendarEntry(
                    kommun_code=kommun, kind=entry.name, first_day=entry.start, last_day=entry.end
                )
            )
            added += 1
        elif existing.last_day != entry.end:
            existing.last_day = entry.end
            updated += 1
    session.flush()
    if added or updated:
        bump_version(session, CALENDAR_VERSION)
    return added, updated


def delete_school_entry(session: Session, kommun: str, kind: str, first_day: date) -> bool:
    """Remove one entry of the kommun; False when there was none."""
    result = session.execute(
        delete(SchoolCalendarEntry).where(
            SchoolCalendarEntry.kommun_code == kommun,
            SchoolCalendarEntry.kind == kind,
            SchoolCalendarEntry.first_day == first_day,
        )
    )
    removed = bool(result.rowcount)  # type: ignore[attr-defined]
    if removed:
        bump_version(session, CALENDAR_VERSION)
    return removed


def _aware_utc(moment: datetime) -> datetime:
    # SQLite gives naive datetimes back: they were stored in UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def local_events(session: Session, kommun: str) -> list[LocalEventRow]:
    """The kommun's local events as windows (times in Swedish local time), by start."""
    rows = session.scalars(
        select(LocalEvent).where(LocalEvent.kommun_code == kommun).order_by(LocalEvent.starts_at)
    )
    return [
        LocalEventRow(
            row.id,
            EventWindow(
                event_key(row.name),
                row.name,
                _aware_utc(row.starts_at).astimezone(STOCKHOLM),
                _aware_utc(row.ends_at).astimezone(STOCKHOLM),
                "local",
                tuple(sorted(a.code for a in row.areas)),
            ),
            row.kind,
        )
        for row in rows
    ]


def add_local_event(
    session: Session,
    kommun: str,
    *,
    name: str,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    area_codes: Sequence[str] = (),
    created_by_id: int | None = None,
) -> int:
    """Validate and store a local event; raise :class:`EventRejected` (per field)."""
    errors: dict[str, str] = {}
    name = " ".join(name.split())
    if not name:
        errors["namn"] = "Skriv evenemangets namn."
    elif len(name) > MAX_NAME:
        errors["namn"] = f"Namnet får vara högst {MAX_NAME} tecken."
    elif findings := find_pii(name):
        errors["namn"] = pii_message("namn", findings)
    if kind not in {t.code for t in LOCAL_EVENT_KINDS}:
        errors["typ"] = "Välj en typ av evenemang."
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        errors["tid"] = "Tiderna måste ha tidszon."
    elif real_hours(starts_at, ends_at) <= 0:
        errors["tid"] = "Slutet måste ligga efter starten."
    elif real_hours(starts_at, ends_at) > MAX_EVENT_HOURS:
        errors["tid"] = "Ett evenemang får vara högst 14 dygn."
    if "tid" not in errors and (full := _year_is_full(session, kommun, starts_at)):
        errors["antal"] = full
    areas = list(
        session.scalars(select(Area).where(Area.code.in_(list(area_codes)))) if area_codes else []
    )
    if len(areas) != len(set(area_codes)) or any(a.kommun_code != kommun for a in areas):
        errors["områden"] = "Välj bara områden i den egna kommunen."
    if errors:
        raise EventRejected(errors)
    event = LocalEvent(
        kommun_code=kommun,
        name=name,
        kind=kind,
        starts_at=starts_at.astimezone(UTC),
        ends_at=ends_at.astimezone(UTC),
        created_by_id=created_by_id,
        areas=areas,
    )
    session.add(event)
    session.flush()
    bump_version(session, CALENDAR_VERSION)
    return event.id


def _year_is_full(session: Session, kommun: str, starts_at: datetime) -> str | None:
    """Why no more events may start in ``starts_at``'s (Swedish) year, or None."""
    year = starts_at.astimezone(STOCKHOLM).year
    first = datetime(year, 1, 1, tzinfo=STOCKHOLM).astimezone(UTC)
    after = datetime(year + 1, 1, 1, tzinfo=STOCKHOLM).astimezone(UTC)
    count = session.scalar(
        select(func.count())
        .select_from(LocalEvent)
        .where(
            LocalEvent.kommun_code == kommun,
            LocalEvent.starts_at >= first,
            LocalEvent.starts_at < after,
        )
    )
    if int(count or 0) < MAX_EVENTS_PER_YEAR:
        return None
    return (
        f"Kommunen har redan {MAX_EVENTS_PER_YEAR} egna evenemang {year}, det högsta "
        "antalet. Ta bort ett som inte behövs innan du lägger till ett nytt."
    )


def delete_local_event(session: Session, kommun: str, event_id: int) -> bool:
    """Remove a local event of the kommun; False when there was none."""
    event = session.get(LocalEvent, event_id)
    if event is None or event.kommun_code != kommun:
        return False
    session.delete(event)
    session.flush()
    bump_version(session, CALENDAR_VERSION)
    return True


def kommun_windows(
    session: Session,
    kommun: str,
    year: int,
    rules: Iterable[WindowRule] = DEFAULT_WINDOW_RULES,
) -> list[EventWindow]:
    """Every event window of the kommun in ``year``: holidays (by ``rules``), payday
    weekends, its school calendar and its local events."""
    return event_windows(
        year,
        school=school_entries(session, kommun),
        local_events=[row.window for row in local_events(session, kommun)],
        rules=rules,
    )


def kommun_calendar(
    session: Session,
    kommun: str,
    year: int,
    rules: Iterable[WindowRule] = DEFAULT_WINDOW_RULES,
) -> list[CalendarEntry]:
    """The kommun's calendar rows of ``year`` (what ``ssp calendar`` prints)."""
    return calendar_entries(
        year,
        school=school_entries(session, kommun),
        local_events=[row.window for row in local_events(session, kommun)],
        rules=rules,
    )
