"""The project's one clock: what "today" and "now" are.

Everything that depends on the date takes it from a :class:`Clock` — the web layer
from the app's clock (``SSP_TODAY`` pins it, e.g. for a demo frozen on one day), data
functions as an explicit ``today=`` argument. Nothing else calls ``date.today()`` or
``datetime.now()``; ``tests/unit/test_layering.py`` keeps it that way. Tests freeze
the system clock with ``time-machine`` (``SSP_TEST_TODAY``), which this module reads
like any other code.

"Today" is the Swedish date (Europe/Stockholm), not the server's: between 00:00 and
01:00 (02:00 in summer) Swedish time a UTC server is still on yesterday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Final, Protocol
from zoneinfo import ZoneInfo

SWEDISH_TIME: Final = ZoneInfo("Europe/Stockholm")


class Clock(Protocol):
    """Where the time comes from."""

    def now(self) -> datetime:
        """The current moment, timezone-aware (UTC)."""
        ...

    def today(self) -> date:
        """The current date in Sweden."""
        ...


class SystemClock:
    """The machine's clock (frozen by ``time-machine`` in tests)."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().astimezone(SWEDISH_TIME).date()


@dataclass(frozen=True)
class FixedClock:
    """A clock that stands still at ``moment`` (aware)."""

    moment: datetime

    def __post_init__(self) -> None:
        if self.moment.tzinfo is None:
            msg = "a fixed clock needs a timezone-aware moment"
            raise ValueError(msg)

    @classmethod
    def on(cls, day: date, at: time = time(12)) -> FixedClock:
        """A clock standing at ``at`` (Swedish time) on ``day``."""
        return cls(datetime.combine(day, at, tzinfo=SWEDISH_TIME))

    def now(self) -> datetime:
        return self.moment.astimezone(UTC)

    def today(self) -> date:
        return self.moment.astimezone(SWEDISH_TIME).date()


SYSTEM_CLOCK: Final = SystemClock()


def utc_now() -> datetime:
    """The system clock's current moment (UTC) — for stored timestamps."""
    return SYSTEM_CLOCK.now()


def clock_from_setting(value: str | None) -> Clock:
    """The clock an ``SSP_TODAY`` setting asks for: empty = the system clock, an ISO
    date = that day at noon, Swedish time. Refuses anything else with a message."""
    if not value:
        return SYSTEM_CLOCK
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        msg = f"SSP_TODAY must be a date like 2026-12-02, not {value!r}"
        raise ValueError(msg) from None
    return FixedClock.on(day)
