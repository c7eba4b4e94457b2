"""Calendar periods: tertials and school terms (pure functions)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Final

from data.calendar.holidays import CalendarEntry

TERM_DEFAULTS: Final = {"vt": ((1, 8), (6, 14)), "ht": ((8, 18), (12, 20))}
"""Term dates used when the kommun has no school calendar for the year (ASSUMPTION:
typical Swedish terms; the page says which dates it used)."""


def tertial(day: date) -> tuple[date, date, str]:
    """The tertial (January–April, May–August, September–December) containing ``day``:
    first day, last day and a name such as "T2 2026"."""
    index = (day.month - 1) // 4
    first = date(day.year, 4 * index + 1, 1)
    after = date(day.year + 1, 1, 1) if index == 2 else date(day.year, 4 * index + 5, 1)
    return first, after - timedelta(days=1), f"T{index + 1} {day.year}"


def school_terms(year: int, school: Iterable[CalendarEntry] = ()) -> list[tuple[date, date, str]]:
    """Spring and autumn term of ``year`` (first day, last day, "VT 2026"): from the
    kommun's school calendar where it has the entries (VT: after jullov to
    skolavslutning; HT: after sommarlov to the day before jullov), else the typical
    dates in :data:`TERM_DEFAULTS`."""
    entries = list(school)

    def find(kind: str, test: Callable[[CalendarEntry], bool]) -> CalendarEntry | None:
        return next((e for e in entries if e.name == kind and test(e)), None)

    winter_before = find("jullov", lambda e: e.end.year == year and e.end.month == 1)
    end_of_school = find("skolavslutning", lambda e: e.start.year == year)
    summer = find("sommarlov", lambda e: e.end.year == year)
    winter_after = find("jullov", lambda e: e.start.year == year and e.start.month == 12)
    (vt_from, vt_to), (ht_from, ht_to) = TERM_DEFAULTS["vt"], TERM_DEFAULTS["ht"]
    spring = (
        winter_before.end + timedelta(days=1) if winter_before else date(year, *vt_from),
        end_of_school.start if end_of_school else date(year, *vt_to),
        f"VT {year}",
    )
    autumn = (
        summer.end + timedelta(days=1) if summer else date(year, *ht_from),
        winter_after.start - timedelta(days=1) if winter_after else date(year, *ht_to),
        f"HT {year}",
    )
    return [spring, autumn]


def school_term(day: date, school: Iterable[CalendarEntry] = ()) -> tuple[date, date, str]:
    """The school term containing ``day``, or the last one that ended before it."""
    entries = list(school)
    terms = school_terms(day.year - 1, entries) + school_terms(day.year, entries)
    started = [t for t in terms if t[0] <= day]
    return started[-1] if started else terms[0]
