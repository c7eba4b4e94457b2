"""Period choices of the filters, as whole ISO weeks (pure functions)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, Final

from data.access.scope import BadSelection, last_weeks, whole_weeks
from data.calendar.holidays import CalendarEntry
from data.calendar.periods import school_term, tertial
from data.calendar.windows import STOCKHOLM, EventWindow
from data.counts.cube import history_start, monday_of

QUICK_PERIODS: Final = (
    ("4w", "Senaste 4 veckorna"),
    ("12w", "Senaste 12 veckorna"),
    ("tertial", "Innevarande tertial"),
    ("prev_tertial", "Förra tertialen"),
    ("term", "Skolterminen"),
    ("ytd", "I år"),
    ("last_year", "Förra året"),
    ("52w", "Senaste 12 månaderna"),
    ("custom", "Eget datumintervall"),
)
DEFAULT_QUICK: Final = "4w"


def _calendar_period(first: date, last: date, today: date) -> tuple[date, date]:
    """A calendar period up to today at most, widened to whole weeks (the cube's grain)."""
    first_monday, last_monday = whole_weeks(first, min(last, today))
    return first_monday, last_monday + timedelta(days=6)


def quick_period(
    choice: str, today: date, school: Iterable[CalendarEntry] = ()
) -> tuple[date, date]:
    """First and last day (Monday, Sunday) of a quick pick, in whole weeks.

    Tertials (January–April …), the school term (from the kommun's ``school``
    calendar, else typical dates) and last year are widened to the whole weeks
    that cover them.
    """
    if choice == "tertial":
        first, last, _ = tertial(today)
        return _calendar_period(first, last, today)
    if choice == "prev_tertial":
        start, _, _ = tertial(today)
        first, last, _ = tertial(start - timedelta(days=1))
        return _calendar_period(first, last, today)
    if choice == "term":
        first, last, _ = school_term(today, school)
        return _calendar_period(first, last, today)
    if choice == "last_year":
        return _calendar_period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31), today)
    if choice == "4w":
        first, last = last_weeks(today, 4)
    elif choice == "12w":
        first, last = last_weeks(today, 12)
    elif choice == "52w":
        first, last = last_weeks(today, 52)
    elif choice == "ytd":
        # The ISO year: on 1–3 January the running week may still belong to last year.
        first, last = date.fromisocalendar(today.isocalendar().year, 1, 1), monday_of(today)
    else:
        msg = f"unknown quick period {choice!r}"
        raise BadSelection(msg)
    return first, last + timedelta(days=6)


def parse_period(start: str | None, end: str | None, today: date) -> tuple[date, date]:
    """Mondays of the whole weeks covering ``start``..``end`` (ISO dates).

    Missing or malformed dates fall back to the last four weeks, so a bad URL or
    a cleared picker still shows something sensible; dates are clamped to the last
    ``HISTORY_YEARS`` years up to today (what the count cube holds).
    """
    try:
        first = date.fromisoformat(str(start)[:10])
        last = date.fromisoformat(str(end)[:10])
    except ValueError:
        first, last = quick_period(DEFAULT_QUICK, today)
    earliest = history_start(today)
    first, last = sorted((first, last))
    first = min(max(first, earliest), today)
    last = min(max(last, earliest), today)
    return whole_weeks(first, last)


def describe_period(first_monday: date, last_monday: date) -> str:
    """Swedish description, e.g. ``"v. 44 2026 – v. 47 2026 (2026-10-26 – 2026-11-22)"``."""

    def week(monday: date) -> str:
        year, number, _ = monday.isocalendar()
        return f"v. {number} {year}"

    n = (last_monday - first_monday).days // 7 + 1
    span = f"{first_monday.isoformat()} – {(last_monday + timedelta(days=6)).isoformat()}"
    weeks = "1 vecka" if n == 1 else f"{n} veckor"
    if first_monday == last_monday:
        return f"{week(first_monday)} ({span}, {weeks})"
    return f"{week(first_monday)} – {week(last_monday)} ({span}, {weeks})"


def window_value(window: EventWindow) -> str:
    """The dropdown value naming one window: its key and start (local, to the minute)."""
    return f"{window.key}|{window.start.astimezone(STOCKHOLM).isoformat(timespec='minutes')}"


def window_label(window: EventWindow, *, year: bool = False) -> str:
    """E.g. "Valborg (30 apr 18:00 – 1 maj 06:00)"; with ``year`` "Valborg 2026 (…)"."""
    months = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
    start, end = window.start.astimezone(STOCKHOLM), window.end.astimezone(STOCKHOLM)

    def moment(t: Any) -> str:
        return f"{t.day} {months[t.month - 1]} {t:%H:%M}"

    name = (
        f"{window.name} {start.year}"
        if year and str(start.year) not in window.name
        else window.name
    )
    return f"{name} ({moment(start)} – {moment(end)})"
