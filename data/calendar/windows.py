"""Event windows and time-of-day slots, timezone-aware (Europe/Stockholm), pure functions.

A night belongs to the date it began; an observation belongs to a window when at least
half of its slot, in real hours, lies inside. A window too short to hold half of any
slot (a one-hour match, a one-minute alarm) stands for every slot it overlaps: the
observations are recorded per time band, so that is the finest grain it can be
counted at, and every window — from one minute to many days — covers at least one
slot (the whole-day slots tile the time line)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from typing import Final
from zoneinfo import ZoneInfo

from data.calendar.holidays import (
    ENTRY_KINDS,
    CalendarEntry,
    holiday_entries,
    holiday_named,
    payday,
    valborgsmassoafton,
)

STOCKHOLM: Final = ZoneInfo("Europe/Stockholm")


BAND_HOURS: Final[Mapping[str, tuple[int, int]]] = MappingProxyType(
    {"day": (6, 18), "evening": (18, 22), "night": (22, 30)}
)
"""Start and end hour of each time band on its date (30 = 06 the next morning)."""


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
    short: bool = field(init=False, repr=False, compare=False)
    """True when no slot lies half in the window: it then covers the slots it overlaps."""

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            msg = "event windows need timezone-aware start and end"
            raise ValueError(msg)
        if real_hours(self.start, self.end) <= 0:
            msg = f"the event window {self.name!r} ends before it starts"
            raise ValueError(msg)
        half = any(
            self._inside(day, band) >= real_hours(*slot(day, band)) / 2
            for day in self._dates()
            for band in (*BAND_HOURS, None)
        )
        object.__setattr__(self, "short", not half)

    def _dates(self) -> list[date]:
        """The dates whose slots may overlap the window (a night begins the day before)."""
        day = self.start.astimezone(STOCKHOLM).date() - timedelta(days=1)
        last = self.end.astimezone(STOCKHOLM).date()
        return [day + timedelta(days=n) for n in range((last - day).days + 1)]

    def _inside(self, day: date, band: str | None) -> float:
        """Real hours of the slot of ``day``/``band`` inside the window (≤ 0: none)."""
        first, last = slot(day, band)
        return real_hours(max(first, self.start), min(last, self.end))

    @property
    def hours(self) -> float:
        """Length in real hours."""
        return real_hours(self.start, self.end)

    def covers(self, day: date, band: str | None) -> bool:
        """True when at least half of the slot of ``day``/``band`` lies in the window,
        or, for a :attr:`short` window, when any of the slot does."""
        first, last = slot(day, band)
        inside = real_hours(max(first, self.start), min(last, self.end))
        if inside <= 0:
            return False
        return self.short or inside >= real_hours(first, last) / 2

    def slots(self) -> list[tuple[date, str | None]]:
        """Every (date, band) slot the window covers, bandless days included (never
        empty: a short window covers the slots it overlaps)."""
        return [
            (day, band)
            for day in self._dates()
            for band in (*BAND_HOURS, None)
            if self.covers(day, band)
        ]

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
