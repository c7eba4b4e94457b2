"""What changed this week: the kommun's (or the police's areas') published counts of one
ISO week against last week and the same ISO week last year.

Nothing here counts or calls :func:`data.privacy.disclosure.protect`: every number is
a published value from :func:`data.counts.aggregates.aggregate` (the total and each
category) and :func:`data.counts.overview.map_values` (each area), and every change is
worded from two published values by :mod:`data.briefing.compare` ("kan inte
jämföras" where one side is suppressed, "ungefär oförändrat" within the noise). So a
reader who holds this week, last week, their difference and last year learns nothing
the published numbers alone do not say (``tests/integration/test_differencing.py``).

A coordinator's totals and categories are the whole kommun's (level ``kommun``, so
records known only to the kommun count too); a police area coordinator's are their
areas', at the finest level they were given. Areas are listed at that finest level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from data.access.scope import (
    AccessDenied,
    BadSelection,
    Selection,
    Viewer,
    available_levels,
    default_level,
    require_kommun,
)
from data.briefing.compare import Published, compare, movers
from data.briefing.model import BriefingPeriod, Comparison
from data.briefing.period import previous_period, same_period_last_year
from data.counts.aggregates import aggregate
from data.counts.cube import CountCube
from data.counts.overview import map_values
from data.privacy.disclosure import ProtectedCounts

WEEKLY_ROLES: Final = ("coordinator", "police_area")
TOTAL_LABEL: Final = "Alla kategorier"
MOVERS: Final = 5


@dataclass(frozen=True, slots=True)
class WeekChanges:
    """One week's published counts against last week and the same week last year."""

    week: BriefingPeriod
    previous: BriefingPeriod
    year_before: BriefingPeriod
    total_level: str
    """``kommun`` for coordinators; the police's finest level for them."""
    area_level: str
    age_bands: tuple[str, ...]
    """The age groups counted (``13-15``…); empty: every age."""
    total: Comparison
    categories: tuple[Comparison, ...]
    areas: tuple[Comparison, ...]
    rising_areas: tuple[Comparison, ...]
    falling_areas: tuple[Comparison, ...]
    rising_categories: tuple[Comparison, ...]
    falling_categories: tuple[Comparison, ...]


def _published(table: ProtectedCounts, known: bool) -> list[Published]:
    return [
        Published(text, number, known)
        for text, number in zip(table.display(), table.published_values(), strict=True)
    ]


def _by(table: ProtectedCounts, column: str, known: bool) -> dict[str, Published]:
    return dict(zip(map(str, table.frame[column]), _published(table, known), strict=True))


def week_changes(
    cube: CountCube,
    viewer: Viewer,
    kommun: str,
    week: BriefingPeriod,
    *,
    labels: dict[str, str],
    ages: tuple[str, ...] = (),
) -> WeekChanges:
    """The changes of ``week`` (a complete ISO week) for ``viewer``. ``labels`` names
    the categories (code → Swedish label); ``ages`` narrows every count to those age
    groups (empty: every age).

    Refuses (AccessDenied) another kommun, roles other than coordinator and police,
    and an audience that sees whole months; (BadSelection) a period that is no week.
    """
    require_kommun(viewer, kommun)
    if viewer.role not in WEEKLY_ROLES or viewer.level.time_grain != "week":
        msg = "veckans lägesbild är för samordnare och kommunpolis"
        raise AccessDenied(msg)
    if week.kind != "week":
        msg = "Välj en vecka."
        raise BadSelection(msg)
    levels = available_levels(cube, kommun, viewer)
    if not levels:
        msg = "du har inga områden i kommunen"
        raise AccessDenied(msg)
    area_level = default_level(levels)
    total_level = "kommun" if viewer.role == "coordinator" else area_level
    periods = (week, previous_period(week), same_period_last_year(week))
    totals: list[Published] = []
    categories: list[dict[str, Published]] = []
    areas: list[dict[str, Published]] = []
    names: dict[str, str] = {}
    for i, period in enumerate(periods):
        known = i == 0 or period.first_monday >= cube.first_monday
        base = Selection(
            kommun, total_level, period.first_monday, period.last_monday, age_bands=ages
        )
        totals.append(_published(aggregate(cube, base, viewer, []), known)[0])
        categories.append(_by(aggregate(cube, base, viewer, ["category"]), "category", known))
        where = Selection(
            kommun, area_level, period.first_monday, period.last_monday, age_bands=ages
        )
        table = map_values(cube, where, viewer)
        areas.append(_by(table, "code", known))
        names |= dict(
            zip(map(str, table.frame["code"]), map(str, table.frame["name"]), strict=True)
        )
    missing = Published("–", None, known=False)

    def compared(label: str, series: list[dict[str, Published]], code: str) -> Comparison:
        now, before, year = (s.get(code, missing) for s in series)
        return compare(label, now, before, year, kind="week")

    total = compare(TOTAL_LABEL, *totals, kind="week")
    by_category = tuple(compared(labels.get(c, c), categories, c) for c in categories[0])
    by_area = tuple(compared(names[c], areas, c) for c in areas[0])
    rising_areas, falling_areas = movers(list(by_area), n=MOVERS)
    rising_categories, falling_categories = movers(list(by_category), n=MOVERS)
    return WeekChanges(
        week=week,
        previous=periods[1],
        year_before=periods[2],
        total_level=total_level,
        area_level=area_level,
        age_bands=ages,
        total=total,
        categories=by_category,
        areas=by_area,
        rising_areas=rising_areas,
        falling_areas=falling_areas,
        rising_categories=rising_categories,
        falling_categories=falling_categories,
    )
