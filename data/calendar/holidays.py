"""Swedish holidays, payday and the demo's assumed school dates (pure functions)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType
from typing import Final

import holidays

# Valborgsmässoafton and påskafton are "optional", midsommarafton, julafton and
# nyårsafton "de_facto" in the holidays package; "public" alone misses them.
_HOLIDAY_CATEGORIES: Final[tuple[str, ...]] = ("public", "optional", "de_facto")


_PLAIN_SUNDAY: Final = "Söndag"


_NAME_SEPARATOR: Final = "; "


DEMO_SPORTLOV_WEEK: Final[Mapping[str, int]] = MappingProxyType({"0380": 8, "0191": 9})
"""ASSUMPTION for synthetic data: ISO week of sportlov per kommun code.

Uppsala (0380) week 8, Sigtuna (0191) week 9. Read-only.
"""


_DEMO_SKOLAVSLUTNING_WEEK: Final = 24


def swedish_holidays(years: Iterable[int]) -> dict[date, str]:
    """Return Swedish holidays and holiday eves of ``years``, with Swedish names.

    Includes public holidays and the eves the ``holidays`` package files under
    ``optional`` (valborgsmässoafton, påskafton) and ``de_facto``
    (midsommarafton, julafton, nyårsafton). Plain Sundays ("Söndag") are left out.
    Returns a new dict sorted by date; no years gives an empty dict.
    """
    calendar = holidays.country_holidays(
        "SE", years=sorted(set(years)), categories=_HOLIDAY_CATEGORIES, language="sv"
    )
    result: dict[date, str] = {}
    for day, names in sorted(calendar.items()):
        # The package joins several names of one date with "; ".
        kept = [name for name in names.split(_NAME_SEPARATOR) if name != _PLAIN_SUNDAY]
        if kept:
            result[day] = _NAME_SEPARATOR.join(kept)
    return result


def valborgsmassoafton(year: int) -> date:
    """Return valborgsmässoafton (30 April) of ``year``."""
    return date(year, 4, 30)


def payday(year: int, month: int) -> date:
    """Return the usual Swedish payday of a month.

    The 25th, or the Friday before when the 25th falls on a Saturday or Sunday.
    Bank holidays on a weekday (e.g. juldagen) are not taken into account.
    Refuses an invalid month with ``ValueError``.
    """
    day = date(year, month, 25)
    friday = 4
    if day.weekday() > friday:
        day -= timedelta(days=day.weekday() - friday)
    return day


def demo_sportlov(kommun_code: str, year: int) -> tuple[date, date]:
    """Return the (Monday, Sunday) of the ASSUMED sportlov week of a kommun.

    Demo data only (see ``DEMO_SPORTLOV_WEEK``). Refuses a kommun without a demo
    week with ``ValueError``.
    """
    try:
        week = DEMO_SPORTLOV_WEEK[kommun_code]
    except KeyError:
        known = ", ".join(sorted(DEMO_SPORTLOV_WEEK))
        msg = (
            f"no demo sportlov week for kommun {kommun_code!r}; known kommun codes: {known}. "
            "Real school calendars are imported per municipality."
        )
        raise ValueError(msg) from None
    return date.fromisocalendar(year, week, 1), date.fromisocalendar(year, week, 7)


def demo_skolavslutning(year: int) -> date:
    """Return the ASSUMED skolavslutning: the Friday of ISO week 24 of ``year``.

    Demo data only; the real date differs per municipality and school.
    """
    return date.fromisocalendar(year, _DEMO_SKOLAVSLUTNING_WEEK, 5)


HOLIDAY_KINDS: Final = ("public", "optional", "de_facto")
"""The ``holidays`` package's categories we use, in the order they are named."""


SCHOOL_KINDS: Final = ("sportlov", "påsklov", "höstlov", "jullov", "sommarlov", "skolavslutning")
"""School calendar entries a municipality keeps (entered or imported)."""


ENTRY_KINDS: Final = (*HOLIDAY_KINDS, "school", "local", "event_window")
"""The ``kind`` column of :func:`calendar_entries` (and ``ssp calendar``)."""


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """One day or run of days in a municipality's calendar (``end`` inclusive)."""

    start: date
    end: date
    name: str
    kind: str


def holiday_entries(years: Iterable[int]) -> list[CalendarEntry]:
    """Holidays and holiday eves of ``years`` with the ``holidays`` category as kind:
    ``public`` (helgdagar), ``optional`` (valborgsmässoafton, påskafton …) and
    ``de_facto`` (midsommarafton, julafton, nyårsafton). Plain Sundays left out."""
    wanted = sorted(set(years))
    entries: list[CalendarEntry] = []
    for kind in HOLIDAY_KINDS:
        calendar = holidays.country_holidays("SE", years=wanted, categories=(kind,), language="sv")
        entries.extend(
            CalendarEntry(day, day, name, kind)
            for day, names in calendar.items()
            for name in names.split(_NAME_SEPARATOR)
            if name != _PLAIN_SUNDAY
        )
    return sorted(entries, key=lambda e: (e.start, HOLIDAY_KINDS.index(e.kind), e.name))


def holiday_named(year: int, name: str) -> date | None:
    """The date of the holiday or eve called ``name`` (Swedish, case-insensitive) in ``year``."""
    wanted = name.casefold()
    for entry in holiday_entries([year]):
        if entry.name.casefold() == wanted:
            return entry.start
    return None
