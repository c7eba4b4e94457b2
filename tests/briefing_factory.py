"""Synthetic lägesbild briefings for tests of what renders one (PDF, page), without a
database: every value is a *published* one, as build_briefing would hand it over.

``leadership_briefing()`` holds no number 1–9 anywhere but inside area names
("Demoområde 3") and dates; ``coordinator_briefing()`` none 1–4. Change any field
with keywords (``dataclasses.replace``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from data.briefing.model import (
    AreaValue,
    Briefing,
    BriefingPeriod,
    Comparison,
    EventLine,
    Method,
    WalkFigures,
)
from data.planning.printout import AreaOutline

NOVEMBER = BriefingPeriod(
    "month", "2026-11", date(2026, 11, 1), date(2026, 11, 30), date(2026, 11, 2), date(2026, 11, 23)
)
OCTOBER = BriefingPeriod(
    "month", "2026-10", date(2026, 10, 1), date(2026, 10, 31), date(2026, 9, 28), date(2026, 10, 26)
)
NOVEMBER_2025 = BriefingPeriod(
    "month", "2025-11", date(2025, 11, 1), date(2025, 11, 30), date(2025, 11, 3), date(2025, 11, 24)
)
DECEMBER = BriefingPeriod(
    "month",
    "2026-12",
    date(2026, 12, 1),
    date(2026, 12, 31),
    date(2026, 11, 30),
    date(2026, 12, 28),
)
PRODUCED = datetime(2026, 12, 2, 8, 15, tzinfo=UTC)


def comparison(
    label: str, value: int | str, previous: int | str, last_year: int | str
) -> Comparison:
    """A published comparison; a ``str`` is a suppression marker."""

    def number(v: int | str) -> int | None:
        return v if isinstance(v, int) else None

    now, before, year = number(value), number(previous), number(last_year)
    if now is None or before is None:
        text, direction = f"Kan inte jämföras: {previous if before is None else value}", "unknown"
    elif abs(now - before) <= 2:
        text, direction = "Ungefär som förra perioden (skillnaden ryms i bruset)", "same"
    else:
        direction = "up" if now > before else "down"
        text = "Ökar mot förra perioden" if now > before else "Minskar mot förra perioden"
    return Comparison(
        label,
        str(value),
        now,
        str(previous),
        before,
        str(last_year),
        year,
        direction,  # type: ignore[arg-type]
        "unknown" if now is None or year is None else ("up" if now > year else "down"),
        text,
    )


def _areas(marker: str, low: int) -> tuple[AreaValue, ...]:
    values: list[int | str] = [low + 30, low + 4, marker, 0, low + 61, "skyddad", low + 12]
    values += [low, low + 17, marker, low + 90, low + 8]
    return tuple(
        AreaValue(
            f"0380-D{n:02d}",
            f"Demoområde {n}",
            str(v),
            v if isinstance(v, int) else None,
            merged=n == 12,
        )
        for n, v in enumerate(values, start=1)
    )


def leadership_briefing(**changes: Any) -> Briefing:
    """A complete November 2026 lägesbild for leadership (k=10, month grain)."""
    headline = (
        comparison("Alla kategorier", 412, 380, 355),
        comparison("Skadegörelse/klotter", 96, 71, 88),
        comparison("Våld/bråk", 41, 40, 52),
        comparison("Misstänkt narkotikahantering", "<10", 12, "<10"),
        comparison("Samling/störande samling", 64, 90, 61),
    )
    briefing = Briefing(
        kommun_code="0380",
        kommun_name="Uppsala",
        audience="leadership",
        level="custom",
        period=NOVEMBER,
        previous=OCTOBER,
        year_before=NOVEMBER_2025,
        produced=PRODUCED,
        complete=True,
        counted_to=date(2026, 11, 30),
        headline=headline,
        areas=_areas("<10", 10),
        rising_areas=(
            comparison("Demoområde 5", 71, 44, 50),
            comparison("Demoområde 1", 40, 22, 31),
        ),
        falling_areas=(comparison("Demoområde 11", 100, 131, 97),),
        rising_categories=(headline[1],),
        falling_categories=(headline[4],),
        monthly=(
            ("jul 2026", "310", 310, True),
            ("aug 2026", "352", 352, True),
            ("sep 2026", "<10", None, True),
            ("okt 2026", "380", 380, True),
            ("nov 2026", "412", 412, True),
        ),
        events=(
            EventLine("Lönehelg november", "27–29 november", "58", "40", "+45 %", True),
            EventLine("Höstlov", "vecka 44", "71", "66", "+8 %", False),
        ),
        walks=WalkFigures(nights_planned=12, nights_held=10, walker_nights=64, parent_meetings=11),
        assessment="Skadegörelsen ökar i Demoområde 5 sedan höstlovet.",
        actions="Fler vandringar fredagar; möte med fastighetsägaren.",
        method=Method(
            k=10,
            marker="<10",
            secondary_marker="skyddad",
            noise=(
                "Varje tal har fått ett litet slumpmässigt brus (högst ±2) så att ingen kan "
                "räkna fram dolda små tal. Skillnader på några få, eller inom 10 %, kallas "
                "därför ungefär oförändrade."
            ),
            merged_areas=("Demoområde 12",),
            time_grain="månad",
        ),
    )
    return replace(briefing, **changes)


def coordinator_briefing(**changes: Any) -> Briefing:
    """The same lägesbild at the coordinators' level (k=5, week grain)."""
    base = leadership_briefing()
    briefing = replace(
        base,
        audience="coordinator",
        areas=_areas("<5", 5),
        method=replace(base.method, k=5, marker="<5", time_grain="vecka"),
    )
    return replace(briefing, **changes)


def running_briefing(**changes: Any) -> Briefing:
    """December 2026 two days in: the period is still running."""
    base = leadership_briefing()
    monthly = (*base.monthly, ("dec 2026", "36", 36, False))
    return leadership_briefing(
        period=DECEMBER,
        previous=NOVEMBER,
        year_before=replace(NOVEMBER_2025, code="2025-12"),
        complete=False,
        counted_to=date(2026, 12, 2),
        monthly=monthly,
        **changes,
    )


def square_outlines(briefing: Briefing, *, side: float = 1500.0) -> dict[str, AreaOutline]:
    """Outlines (metres) for the briefing's areas in a grid of squares four wide, and
    the kommun's outline around them."""
    outlines: dict[str, AreaOutline] = {}
    for index, area in enumerate(briefing.areas):
        x, y = (index % 4) * side, (index // 4) * side
        ring = ((x, y), (x + side, y), (x + side, y + side), (x, y + side), (x, y))
        outlines[area.code] = AreaOutline(
            area.code, area.name, (ring,), (x + side / 2, y + side / 2)
        )
    rows = (len(briefing.areas) + 3) // 4
    edge = ((-200.0, -200.0), (4 * side + 200, -200.0), (4 * side + 200, rows * side + 200))
    kommun = (*edge, (-200.0, rows * side + 200), (-200.0, -200.0))
    outlines[briefing.kommun_code] = AreaOutline(
        briefing.kommun_code, briefing.kommun_name, (kommun,), (2 * side, rows * side / 2)
    )
    return outlines
