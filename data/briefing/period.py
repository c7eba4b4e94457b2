"""Lägesbild periods: parsing the period codes, neighbours, labels and who may choose
which kind (pure functions).

A period is counted in whole ISO weeks, as the count cube holds them: a week is
itself; a month, tertial or year is the weeks whose Thursday falls in it (as ISO
years are defined, and as :func:`data.access.scope.snap_to_grain` widens a
leadership selection to whole months). So a month's weeks are exactly what a
leadership viewer gets when asking for that month on Översikt.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Final

from data.access.scope import BadSelection, month_of
from data.briefing.model import LEADERSHIP_KINDS, PERIOD_KINDS, BriefingPeriod, PeriodKind
from data.counts.cube import monday_of
from data.vocabulary import MONTH_NAMES

MIN_YEAR: Final = 2000
MAX_YEAR: Final = 2099
"""Years a period code may name (a typo such as 20266 is refused, not computed)."""

_WEEK = re.compile(r"(\d{4})-W(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_TERTIAL = re.compile(r"(\d{4})-T(\d)")
_YEAR = re.compile(r"(\d{4})")
_EXAMPLES: Final = "2026-W48 (vecka), 2026-11 (månad), 2026-T3 (tertial) eller 2026 (år)"


def _refuse(code: str, why: str) -> BadSelection:
    shown = code if len(code) <= 20 else code[:20] + "…"
    return BadSelection(
        f"Perioden {shown!r} går inte att läsa: {why}. Skriv till exempel {_EXAMPLES}."
    )


def _check_year(code: str, year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _refuse(code, f"året ska ligga mellan {MIN_YEAR} och {MAX_YEAR}")


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _first_monday_of_month(month: date) -> date:
    """The Monday of the first ISO week whose Thursday falls in ``month``."""
    monday = monday_of(month)
    return monday if month_of(monday) == month else monday + timedelta(weeks=1)


def _months(kind: PeriodKind, code: str, first: date, last: date) -> BriefingPeriod:
    """A period of whole calendar months ``first`` .. ``last`` (first days of months)."""
    after = _next_month(last)
    return BriefingPeriod(
        kind=kind,
        code=code,
        first_day=first,
        last_day=after - timedelta(days=1),
        first_monday=_first_monday_of_month(first),
        last_monday=_first_monday_of_month(after) - timedelta(weeks=1),
    )


def week_period(monday: date) -> BriefingPeriod:
    """The ISO week starting ``monday`` (any day of it is accepted)."""
    monday = monday_of(monday)
    year, week, _ = monday.isocalendar()
    return BriefingPeriod(
        "week", f"{year}-W{week:02d}", monday, monday + timedelta(days=6), monday, monday
    )


def month_period(year: int, month: int) -> BriefingPeriod:
    """The calendar month ``month`` of ``year``."""
    first = date(year, month, 1)
    return _months("month", f"{year}-{month:02d}", first, first)


def tertial_period(year: int, index: int) -> BriefingPeriod:
    """Tertial ``index`` (1: January–April, 2: May–August, 3: September–December)."""
    first = date(year, 4 * (index - 1) + 1, 1)
    return _months("tertial", f"{year}-T{index}", first, date(year, 4 * index, 1))


def year_period(year: int) -> BriefingPeriod:
    """The calendar year (its weeks are the ISO year's)."""
    return _months("year", f"{year}", date(year, 1, 1), date(year, 12, 1))


def parse_period(code: str) -> BriefingPeriod:
    """The period a code names: ``2026-W48`` (ISO week), ``2026-11`` (month),
    ``2026-T3`` (tertial), ``2026`` (year). Surrounding spaces and lower-case ``w``/``t``
    are accepted; anything else raises :class:`BadSelection` with a Swedish message."""
    if not isinstance(code, str):
        raise _refuse(str(code), "det är ingen text")
    text = code.strip().upper()
    if match := _WEEK.fullmatch(text):
        year, week = int(match[1]), int(match[2])
        _check_year(code, year)
        try:
            return week_period(date.fromisocalendar(year, week, 1))
        except ValueError:
            raise _refuse(code, f"år {year} har ingen vecka {week}") from None
    if match := _MONTH.fullmatch(text):
        year, month = int(match[1]), int(match[2])
        _check_year(code, year)
        if not 1 <= month <= 12:
            raise _refuse(code, "månaden ska vara 01–12")
        return month_period(year, month)
    if match := _TERTIAL.fullmatch(text):
        year, index = int(match[1]), int(match[2])
        _check_year(code, year)
        if not 1 <= index <= 3:
            raise _refuse(code, "tertialen ska vara T1, T2 eller T3")
        return tertial_period(year, index)
    if match := _YEAR.fullmatch(text):
        year = int(match[1])
        _check_year(code, year)
        return year_period(year)
    raise _refuse(code, "okänd form")


def period_of(kind: PeriodKind, day: date) -> BriefingPeriod:
    """The period of ``kind`` that contains the calendar date ``day``."""
    if kind == "week":
        return week_period(day)
    if kind == "month":
        return month_period(day.year, day.month)
    if kind == "tertial":
        return tertial_period(day.year, (day.month - 1) // 4 + 1)
    if kind == "year":
        return year_period(day.year)
    msg = f"okänd periodtyp {kind!r}: välj bland {', '.join(PERIOD_KINDS)}"
    raise BadSelection(msg)


def previous_period(period: BriefingPeriod) -> BriefingPeriod:
    """The period of the same kind just before ``period``."""
    if period.kind == "week":
        return week_period(period.first_monday - timedelta(weeks=1))
    return period_of(period.kind, period.first_day - timedelta(days=1))


def same_period_last_year(period: BriefingPeriod) -> BriefingPeriod:
    """The same period one year earlier: the same ISO week number (week 53 becomes the
    last week of a year without one), month, tertial or the previous year."""
    if period.kind == "week":
        year, week, _ = period.first_monday.isocalendar()
        last_week = date(year - 1, 12, 28).isocalendar()[1]
        return week_period(date.fromisocalendar(year - 1, min(week, last_week), 1))
    return period_of(period.kind, period.first_day.replace(year=period.first_day.year - 1))


def recent_periods(kind: PeriodKind, today: date, n: int) -> list[BriefingPeriod]:
    """The ``n`` most recent periods of ``kind``, newest (the running one) first; none
    starts after ``today``."""
    out: list[BriefingPeriod] = []
    period = period_of(kind, today)
    while len(out) < n and period.first_day.year >= MIN_YEAR:
        out.append(period)
        period = previous_period(period)
    return out


def period_label(period: BriefingPeriod) -> str:
    """The period in Swedish, written out as a heading reads it: "vecka 48 2026",
    "november 2026", "tertial 3 2026 (september–december)", "år 2026". The one label
    of the lägesbild (page, PDF, archive, messages); a week's year is its ISO year."""
    first, last = period.first_day, period.last_day
    if period.kind == "week":
        year, week, _ = period.first_monday.isocalendar()
        return f"vecka {week} {year}"
    if period.kind == "month":
        return f"{MONTH_NAMES[first.month - 1]} {first.year}"
    if period.kind == "tertial":
        months = f"{MONTH_NAMES[first.month - 1]}–{MONTH_NAMES[last.month - 1]}"
        return f"tertial {(first.month - 1) // 4 + 1} {first.year} ({months})"
    return f"år {first.year}"


def allowed_kinds(role: str) -> tuple[PeriodKind, ...]:
    """The period kinds a role may choose: leadership whole months and longer (its
    time grain), coordinators also weeks; other roles get no lägesbild."""
    if role == "leadership":
        return LEADERSHIP_KINDS
    if role == "coordinator":
        return PERIOD_KINDS
    return ()


def is_complete(period: BriefingPeriod, today: date) -> bool:
    """True when the period's last counted week has ended before ``today``."""
    return period.last_monday + timedelta(days=6) < today


def has_started(period: BriefingPeriod, today: date) -> bool:
    """True when the period's first calendar day is ``today`` or earlier."""
    return period.first_day <= today
