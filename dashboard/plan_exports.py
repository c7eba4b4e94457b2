"""The walk schedule as CSV, iCalendar and the walkers' printed PDF
(:mod:`dashboard.schedule_pdf`).

Rows hold only what the schedule says: night, area, association, number of
walkers, times, meeting point and the expected activity the optimiser saw (a
number derived from published counts only).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final

from icalendar import Calendar, Event

from dashboard.figures import decimal_comma
from dashboard.pdf_parts import WEEKDAYS as WEEKDAYS
from dashboard.schedule_pdf import schedule_pdf as schedule_pdf
from data.calendar.windows import STOCKHOLM
from data.planning.schedule import Compensation, PlannedVsDone
from data.privacy.csv_safe import csv_text

CSV_COLUMNS: Final = (
    "natt",
    "veckodag",
    "omrade_kod",
    "omrade",
    "forening",
    "vandrare",
    "start",
    "slut",
    "samlingsplats",
    "forvantat",
)


@dataclass(frozen=True, slots=True)
class ScheduledWalk:
    """One walk as the exports show it."""

    night: date
    area_code: str
    area_name: str
    association: str
    walkers: int
    start: str
    end: str
    meeting_point: str
    expected: float


def walk_times(night: date, start: str, end: str) -> tuple[datetime, datetime]:
    """Local start and end of a walk on ``night`` (times before noon are after
    midnight; an end at or before the start is the next day)."""

    def clock(hhmm: str) -> time:
        hours, minutes = hhmm.split(":")
        return time(int(hours), int(minutes))

    first = datetime.combine(night, clock(start), tzinfo=STOCKHOLM)
    if first.hour < 12:
        first = datetime.combine(night + timedelta(days=1), clock(start), tzinfo=STOCKHOLM)
    last = datetime.combine(first.date(), clock(end), tzinfo=STOCKHOLM)
    if last <= first:
        last = datetime.combine(first.date() + timedelta(days=1), clock(end), tzinfo=STOCKHOLM)
    return first, last


def schedule_csv(walks: Sequence[ScheduledWalk]) -> str:
    """``;``-separated, formula-safe CSV, one row per walk."""
    rows = [
        (
            w.night.isoformat(),
            WEEKDAYS[w.night.weekday()],
            w.area_code,
            w.area_name,
            w.association,
            w.walkers,
            w.start,
            w.end,
            w.meeting_point,
            decimal_comma(w.expected),
        )
        for w in walks
    ]
    return csv_text(CSV_COLUMNS, rows)


def schedule_ics(
    walks: Sequence[ScheduledWalk], *, kommun: str, stamp: datetime, name: str = ""
) -> bytes:
    """An iCalendar file with one event per walk, times in Europe/Stockholm (the
    calendar named after the kommun's ``name`` when given)."""
    calendar = Calendar()
    calendar.add("prodid", "-//SSP Lägesbild//Nattvandring//SV")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Nattvandring {name or kommun}")
    for w in walks:
        first, last = walk_times(w.night, w.start, w.end)
        event = Event()
        event.add("uid", f"ssp-walk-{kommun}-{w.night.isoformat()}-{w.area_code}@ssp-lagesbild")
        event.add("dtstamp", stamp)
        event.add("dtstart", first)
        event.add("dtend", last)
        event.add("summary", f"Nattvandring: {w.area_name}")
        event.add("location", w.meeting_point or w.area_name)
        who = f"{w.association}, " if w.association else ""
        event.add("description", f"{who}{w.walkers} vandrare. Område {w.area_code}.")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def saved_walks(rows: Iterable[PlannedVsDone]) -> list[ScheduledWalk]:
    """The saved schedule (planned vs done rows) as the exports show it."""
    return [
        ScheduledWalk(
            r.night,
            r.area_code,
            r.area_name,
            r.association,
            r.planned_walkers,
            r.start,
            r.end,
            r.meeting_point,
            r.expected,
        )
        for r in rows
    ]


PAY_COLUMNS: Final = (
    "forening",
    "planerade",
    "rapporterade",
    "bekraftade",
    "ersattningsgrundande",
    "vandrarnatter",
    "per_niva",
    "belopp",
)


def compensation_csv(rows: Iterable[Compensation]) -> str:
    """The pay basis per association as ``;``-separated, formula-safe CSV (an
    association's name is one quoted cell whatever it holds): walks planned, reported,
    confirmed by the coordinator, paid (confirmed with enough walkers), walker-nights
    of the confirmed walks, the paid walks per level (``4+:2 3+:1``: two walks paid at
    the level from 4 walkers, one at the level from 3) and the amount."""
    table = [
        (
            c.association,
            c.planned,
            c.reported,
            c.confirmed,
            c.qualifying,
            c.walker_nights,
            " ".join(f"{label}:{n}" for label, n in c.per_level),
            f"{c.amount:.2f}",
        )
        for c in rows
    ]
    return csv_text(PAY_COLUMNS, table)
