"""Calendar: Swedish holidays, payday weekends, event windows and time-of-day slots.

All functions are pure. Time is local Swedish time (Europe/Stockholm); windows are
timezone-aware, so lengths across the spring and autumn clock changes are real
hours (a night of the spring change is 7 hours long, of the autumn change 9).

**Slots.** An observation is known by its date and, optionally, its time band. Its
*slot* is an interval of local time: ``day`` 06–18 and ``evening`` 18–22 of its
date, ``night`` from 22 on its date to 06 the next morning ("the night after the
date", as nattvandring and the police count it), no band the whole date. An
observation belongs to an event window when at least half of its slot (in real
time) lies inside the window.

The ``demo_*`` helpers and ``DEMO_SPORTLOV_WEEK`` are ASSUMPTIONS for synthetic data
only: real school calendars (sportlov, påsklov, skolavslutning, ...) differ per
municipality and year and are entered or imported per municipality.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from typing import Final
from zoneinfo import ZoneInfo

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


STOCKHOLM: Final = ZoneInfo("Europe/Stockholm")
HOLIDAY_KINDS: Final = ("public", "optional", "de_facto")
"""The ``holidays`` package's categories we use, in the order they are named."""
SCHOOL_KINDS: Final = ("sportlov", "påsklov", "höstlov", "jullov", "sommarlov", "skolavslutning")
"""School calendar entries a municipality keeps (entered or imported)."""
ENTRY_KINDS: Final = (*HOLIDAY_KINDS, "school", "local", "event_window")
"""The ``kind`` column of :func:`calendar_entries` (and ``ssp calendar``)."""
BAND_HOURS: Final[Mapping[str, tuple[int, int]]] = MappingProxyType(
    {"day": (6, 18), "evening": (18, 22), "night": (22, 30)}
)
"""Start and end hour of each time band on its date (30 = 06 the next morning)."""


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


def local(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """Local Swedish time ``hour``:``minute`` on ``day`` (hours ≥ 24 run into the next days)."""
    extra, hour = divmod(hour, 24)
    return datetime.combine(day + timedelta(days=extra), time(hour, minute), tzinfo=STOCKHOLM)


def slot(day: date, band: str | None) -> tuple[datetime, datetime]:
    """The interval of local time an observation of ``day`` and ``band`` stands for."""
    if band is None:
        return local(day), local(day, 24)
    try:
        first, last = BAND_HOURS[band]
    except KeyError:
        msg = f"unknown time band {band!r}; expected one of {', '.join(BAND_HOURS)}"
        raise ValueError(msg) from None
    return local(day, first), local(day, last)


def real_hours(start: datetime, end: datetime) -> float:
    """Elapsed hours between two aware datetimes (clock changes counted)."""
    return (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() / 3600


@dataclass(frozen=True, slots=True)
class EventWindow:
    """One occurrence of an event as a period: from ``start`` to ``end`` (aware,
    end exclusive). ``key`` names the event across years (``valborg``), ``areas``
    the area codes it concerns (empty: the whole municipality)."""

    key: str
    name: str
    start: datetime
    end: datetime
    kind: str = "event_window"
    areas: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            msg = "event windows need timezone-aware start and end"
            raise ValueError(msg)
        if real_hours(self.start, self.end) <= 0:
            msg = f"the event window {self.name!r} ends before it starts"
            raise ValueError(msg)

    @property
    def hours(self) -> float:
        """Length in real hours."""
        return real_hours(self.start, self.end)

    def covers(self, day: date, band: str | None) -> bool:
        """True when at least half of the slot of ``day``/``band`` lies in the window."""
        first, last = slot(day, band)
        inside = real_hours(max(first, self.start), min(last, self.end))
        return inside > 0 and inside >= real_hours(first, last) / 2

    def slots(self) -> list[tuple[date, str | None]]:
        """Every (date, band) slot the window covers, bandless days included."""
        found: list[tuple[date, str | None]] = []
        day = self.start.astimezone(STOCKHOLM).date() - timedelta(days=1)
        last = self.end.astimezone(STOCKHOLM).date()
        while day <= last:
            found.extend((day, band) for band in (*BAND_HOURS, None) if self.covers(day, band))
            day += timedelta(days=1)
        return found

    @property
    def days(self) -> tuple[date, date]:
        """First and last date of its slots (what a date filter needs)."""
        days = [d for d, _ in self.slots()]
        return min(days), max(days)


@dataclass(frozen=True, slots=True)
class WindowRule:
    """How to find an event's window in a year: the anchor date (``None``: not that
    year), the local start time on it, and the end ``end_days`` later at ``end_hour``."""

    key: str
    name: str
    anchor: Callable[[int], date | None]
    start_hour: int
    end_days: int
    end_hour: int

    def window(self, year: int) -> EventWindow | None:
        day = self.anchor(year)
        if day is None:
            return None
        end = local(day + timedelta(days=self.end_days), self.end_hour)
        return EventWindow(self.key, self.name, local(day, self.start_hour), end)


DEFAULT_WINDOW_RULES: Final[tuple[WindowRule, ...]] = (
    WindowRule("valborg", "Valborg", valborgsmassoafton, 18, 1, 6),
    WindowRule("midsommar", "Midsommar", lambda y: holiday_named(y, "Midsommarafton"), 12, 1, 6),
    WindowRule("nyar", "Nyårsafton", lambda y: date(y, 12, 31), 18, 1, 6),
)
"""The holiday event windows every municipality has (school and local events come
from the municipality's own calendar): Valborg 30 April 18:00 – 1 May 06:00,
Midsommar midsommarafton 12:00 – 06:00, Nyårsafton 31 December 18:00 – 06:00."""


def window_rules(spec: str) -> tuple[WindowRule, ...]:
    """The default window rules with local hours changed by ``spec``, e.g.
    ``"valborg=20-04,midsommar=12-06"`` (start hour – end hour; an end at or before
    the start is the next morning). Refuses unknown keys and bad hours (ValueError
    with a message naming the setting)."""
    rules = {rule.key: rule for rule in DEFAULT_WINDOW_RULES}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        key, _, hours = part.partition("=")
        start, _, end = hours.partition("-")
        key = key.strip()
        if key not in rules:
            msg = f"SSP_EVENT_WINDOWS: unknown event {key!r}; known: {', '.join(rules)}"
            raise ValueError(msg)
        if not (start.strip().isdigit() and end.strip().isdigit()):
            msg = f"SSP_EVENT_WINDOWS: write hours as {key}=18-06, got {part!r}"
            raise ValueError(msg)
        first, last = int(start), int(end)
        if not (0 <= first <= 23 and 0 <= last <= 23):
            msg = f"SSP_EVENT_WINDOWS: hours are 0–23, got {part!r}"
            raise ValueError(msg)
        rules[key] = replace(
            rules[key], start_hour=first, end_days=1 if last <= first else 0, end_hour=last
        )
    return tuple(rules.values())


def payday_weekend(year: int, month: int) -> EventWindow:
    """The weekend after payday ("lönehelg"): Friday 18:00 to Monday 00:00 of the
    first weekend starting on or after the payday (:func:`payday`)."""
    paid = payday(year, month)
    friday = paid + timedelta(days=(4 - paid.weekday()) % 7)
    return EventWindow(
        "lonehelg",
        f"Lönehelg {friday.isoformat()[:7]}",
        local(friday, 18),
        local(friday + timedelta(days=3)),
    )


def school_windows(entries: Iterable[CalendarEntry]) -> list[EventWindow]:
    """Event windows of school calendar entries: skolavslutning from 12:00 to 06:00 the
    next morning; a lov from its first day 00:00 to the day after its last."""
    windows = []
    for entry in entries:
        if entry.name == "skolavslutning":
            start, end = local(entry.start, 12), local(entry.end + timedelta(days=1), 6)
        else:
            start, end = local(entry.start), local(entry.end + timedelta(days=1))
        windows.append(EventWindow(entry.name, entry.name.capitalize(), start, end, "school"))
    return windows


def event_windows(
    year: int,
    *,
    school: Iterable[CalendarEntry] = (),
    local_events: Iterable[EventWindow] = (),
    rules: Iterable[WindowRule] = DEFAULT_WINDOW_RULES,
) -> list[EventWindow]:
    """Every event window of ``year``: holidays (by ``rules``), payday weekends, the
    municipality's school entries and local events starting that year, in time order."""
    windows = [w for rule in rules if (w := rule.window(year)) is not None]
    windows += [payday_weekend(year, month) for month in range(1, 13)]
    windows += [w for w in school_windows(school) if w.start.year == year]
    windows += [w for w in local_events if w.start.astimezone(STOCKHOLM).year == year]
    return sorted(windows, key=lambda w: (w.start, w.key))


def calendar_entries(
    year: int,
    *,
    school: Iterable[CalendarEntry] = (),
    local_events: Iterable[EventWindow] = (),
    rules: Iterable[WindowRule] = DEFAULT_WINDOW_RULES,
) -> list[CalendarEntry]:
    """The municipality's calendar of ``year`` as rows (what ``ssp calendar`` prints):
    holidays with their category, school entries (kind ``school``), local events
    (``local``) and every event window (``event_window``) by the dates it covers."""
    school = list(school)
    local_events = list(local_events)
    rows = holiday_entries([year])
    rows += [
        CalendarEntry(e.start, e.end, e.name, "school") for e in school if e.start.year == year
    ]
    for window in event_windows(year, school=school, local_events=local_events, rules=rules):
        first, last = window.days
        kind = "local" if window.kind == "local" else "event_window"
        rows.append(CalendarEntry(first, last, window.name, kind))
    return sorted(rows, key=lambda e: (e.start, e.end, ENTRY_KINDS.index(e.kind), e.name))


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
