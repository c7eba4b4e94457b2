"""Period choices of the filters, as whole ISO weeks (pure functions)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, Final

from dashboard.formatting import week_label
from dashboard.i18n import N_, _, ngettext
from data.access.scope import BadSelection, last_weeks, month_of, month_weeks, whole_weeks
from data.calendar.holidays import CalendarEntry
from data.calendar.periods import school_term, tertial
from data.calendar.windows import STOCKHOLM, EventWindow
from data.counts.cube import history_start, monday_of

QUICK_PERIODS: Final = (
    ("4w", N_("Senaste 4 veckorna")),
    ("12w", N_("Senaste 12 veckorna")),
    ("tertial", N_("Innevarande tertial")),
    ("prev_tertial", N_("Förra tertialen")),
    ("term", N_("Skolterminen")),
    ("ytd", N_("I år")),
    ("last_year", N_("Förra året")),
    ("52w", N_("Senaste 12 månaderna")),
    ("custom", N_("Eget datumintervall")),
)
DEFAULT_QUICK: Final = "4w"


def _calendar_period(first: date, last: date, today: date, grain: str) -> tuple[date, date]:
    """A calendar period up to today at most, widened to whole weeks (the cube's grain);
    for ``grain="month"`` the whole months of its first and last day instead (the
    running month up to today's week)."""
    if grain == "month":
        running = month_of(monday_of(today))
        last_month = min(date(last.year, last.month, 1), running)
        first_month = min(date(first.year, first.month, 1), last_month)
        return _sunday_after(*month_weeks(first_month, last_month, until=monday_of(today)))
    return _sunday_after(*whole_weeks(first, min(last, today)))


def _sunday_after(first_monday: date, last_monday: date) -> tuple[date, date]:
    return first_monday, last_monday + timedelta(days=6)


def quick_period(
    choice: str, today: date, school: Iterable[CalendarEntry] = (), *, grain: str = "week"
) -> tuple[date, date]:
    """First and last day (Monday, Sunday) of a quick pick, in whole weeks.

    Tertials (January–April …), the school term (from the kommun's ``school``
    calendar, else typical dates) and last year are widened to the whole weeks
    that cover them. For an audience that sees whole months (``grain="month"``,
    leadership) the pick is the whole months it touches — what the numbers are for,
    so the date picker and the status line show the same days — with the running
    month up to the end of today's week, never later.
    """
    if choice == "tertial":
        first, last, _ = tertial(today)
        return _calendar_period(first, last, today, grain)
    if choice == "prev_tertial":
        start, _, _ = tertial(today)
        first, last, _ = tertial(start - timedelta(days=1))
        return _calendar_period(first, last, today, grain)
    if choice == "term":
        first, last, _ = school_term(today, school)
        return _calendar_period(first, last, today, grain)
    if choice == "last_year":
        return _calendar_period(
            date(today.year - 1, 1, 1), date(today.year - 1, 12, 31), today, grain
        )
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
    if grain == "month":
        first, last = month_weeks(month_of(first), month_of(last), until=monday_of(today))
    return _sunday_after(first, last)


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


def describe_period(first_monday: date, last_monday: date, running: str = "") -> str:
    """The period in the reader's language, e.g. ``"v. 44 2026 – v. 47 2026
    (2026-10-26 – 2026-11-22, 4 veckor)"``; ``running`` (from :func:`running_note`)
    is added inside the brackets."""
    n = (last_monday - first_monday).days // 7 + 1
    span = f"{first_monday.isoformat()} – {(last_monday + timedelta(days=6)).isoformat()}"
    weeks = ngettext("%(num)d vecka", "%(num)d veckor", n)
    details = f"{span}, {weeks}" + (f"; {running}" if running else "")
    if first_monday == last_monday:
        return f"{week_label(first_monday)} ({details})"
    return f"{week_label(first_monday)} – {week_label(last_monday)} ({details})"


def running_note(last_monday: date, today: date, *, grain: str = "week") -> str:
    """How a period ending with the running week is marked as incomplete ("pågående
    månad, t.o.m. 2026-12-02": reports up to today), or "" for a finished period."""
    if last_monday < monday_of(today):
        return ""
    if grain == "month":
        return _("pågående månad, t.o.m. %(date)s", date=today.isoformat())
    return _("pågående vecka, t.o.m. %(date)s", date=today.isoformat())


def window_value(window: EventWindow) -> str:
    """The dropdown value naming one window: its key and start (local, to the minute)."""
    return f"{window.key}|{window.start.astimezone(STOCKHOLM).isoformat(timespec='minutes')}"


SHORT_MONTHS = (
    N_("jan"),
    N_("feb"),
    N_("mar"),
    N_("apr"),
    N_("maj"),
    N_("jun"),
    N_("jul"),
    N_("aug"),
    N_("sep"),
    N_("okt"),
    N_("nov"),
    N_("dec"),
)
"""Short month names of dates shown with a day ("30 apr"), in the catalogue."""


def window_label(window: EventWindow, *, year: bool = False) -> str:
    """E.g. "Valborg (30 apr 18:00 – 1 maj 06:00)"; with ``year`` "Valborg 2026 (…)"."""
    start, end = window.start.astimezone(STOCKHOLM), window.end.astimezone(STOCKHOLM)

    def moment(t: Any) -> str:
        return f"{t.day} {_(SHORT_MONTHS[t.month - 1])} {t:%H:%M}"

    name = (
        f"{window.name} {start.year}"
        if year and str(start.year) not in window.name
        else window.name
    )
    return f"{name} ({moment(start)} – {moment(end)})"
