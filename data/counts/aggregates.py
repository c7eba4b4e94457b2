"""Grouped counts for the aggregate API, with the overview's scope and area rules.

:func:`aggregate` answers "how many incidents, per area/category/source/week/month"
for one selection and viewer. Areas are handled exactly as on the overview's map
(:func:`data.counts.overview.map_values`): only the viewer's scope counts, areas smaller
than the population threshold are merged upwards (:func:`data.privacy.small_areas.display_units`),
and a record counts in the display unit of its area at the chosen level — never
below the precision it was stored with. The result passes
:func:`data.privacy.disclosure.protect` like every other published table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

import numpy as np
import pandas as pd

from data.access.scope import (
    AccessDenied,
    BadSelection,
    Selection,
    Viewer,
    areas_in_scope,
    available_levels,
    snap_to_grain,
)
from data.counts.cells import N_AGES
from data.counts.cube import (
    AGE_AXIS,
    NO_AREA,
    AreaIndex,
    CountCube,
    age_position,
    iso_week_label,
)
from data.privacy.disclosure import ProtectedCounts, protect
from data.privacy.small_areas import DisplayUnits, display_units
from data.vocabulary import AREA_LEVELS, label_of

GROUP_FIELDS: Final = ("area", "category", "source", "age_band", "week", "month")
"""What cells can be grouped by; cells come in this order of keys."""
MAX_CELLS: Final = 50_000
"""Largest table one request may ask for (a 10-year weekly table by category and
source is bigger: such a request must be narrowed)."""


class AggregateDenied(AccessDenied):
    """The viewer may not see what was asked; ``parameter`` names the query parameter."""

    def __init__(self, message: str, *, parameter: str) -> None:
        super().__init__(message)
        self.parameter = parameter


class AggregateRefused(BadSelection):
    """The request cannot be answered as asked; ``parameter`` names the query parameter."""

    def __init__(self, message: str, *, parameter: str) -> None:
        super().__init__(message)
        self.parameter = parameter


def month_of_week(monday: date) -> str:
    """The month an ISO week belongs to: that of its Thursday (like ISO years), ``YYYY-MM``."""
    return (monday + timedelta(days=3)).strftime("%Y-%m")


@dataclass(frozen=True, slots=True)
class GroupPlan:
    """How the cube's axes map onto the cells of one aggregate (index arithmetic only).

    ``shape`` is ``(area keys, periods, category keys, source keys)``; an axis that
    is not grouped has length 1. Rows are cube area indices that count, ``row_key``
    their position among ``units``; ``week_lo:week_hi`` is the slice of the cube's
    week axis inside the selection, ``period_of_week`` the period of each selected week.
    ``age_bands`` are the age groups counted: the age axis's values when grouped by
    ``age_band`` (:attr:`cells_shape` adds that axis last), else the filter (empty: all).
    """

    group_by: tuple[str, ...]
    units: tuple[int, ...]
    rows: np.ndarray
    row_key: np.ndarray
    mondays: tuple[date, ...]
    week_lo: int
    week_hi: int
    week_offset: int
    period_of_week: np.ndarray
    period_labels: tuple[str, ...]
    category_index: np.ndarray
    source_index: np.ndarray
    shape: tuple[int, int, int, int]
    age_bands: tuple[str, ...] = ()

    @property
    def cells_shape(self) -> tuple[int, ...]:
        """The result's shape: ``shape``, then the age axis when grouped by age."""
        if "age_band" in self.group_by:
            return (*self.shape, len(self.age_bands))
        return self.shape

    @property
    def n_cells(self) -> int:
        """Number of cells in the result."""
        return int(np.prod(self.cells_shape))


def parse_group_by(fields: Sequence[str]) -> tuple[str, ...]:
    """Validate group fields and put them in :data:`GROUP_FIELDS` order (duplicates once)."""
    unknown = sorted(set(fields) - set(GROUP_FIELDS))
    if unknown:
        msg = (
            f"okänt fält att gruppera efter: {', '.join(unknown)}; "
            f"välj bland {', '.join(GROUP_FIELDS)}"
        )
        raise AggregateRefused(msg, parameter="group_by")
    return tuple(f for f in GROUP_FIELDS if f in fields)


def _inside(areas: AreaIndex, area: int, region: int) -> bool:
    """True when ``area`` is ``region`` or lies in it (parents, own-area membership)."""
    current = area
    for _ in range(8):  # the hierarchy is shallow; the bound guards cycles
        if current == region or int(areas.own_area[current]) == region:
            return True
        current = int(areas.parent[current])
        if current == NO_AREA:
            return False
    return False


def _require_level(cube: CountCube, selection: Selection, viewer: Viewer) -> None:
    if selection.level in available_levels(cube, selection.kommun_code, viewer):
        return
    label = label_of(AREA_LEVELS, selection.level)
    exists = any(
        level == selection.level and kommun == selection.kommun_code
        for level, kommun in zip(cube.areas.levels, cube.areas.kommun_codes, strict=True)
    )
    if exists:
        msg = f"nivån {label} är inte tillgänglig för dig i kommun {selection.kommun_code}"
        raise AggregateDenied(msg, parameter="level")
    msg = f"kommun {selection.kommun_code} har inga områden på nivån {label}"
    raise AggregateRefused(msg, parameter="level")


def _shown_units(
    cube: CountCube, selection: Selection, viewer: Viewer, units: DisplayUnits, within: str | None
) -> tuple[int, ...]:
    """Display units of the level in scope, or those inside the area ``within``."""
    if within is None or within == selection.kommun_code:
        shown = units.units
    else:
        try:
            region = cube.areas.position(within)
        except KeyError:
            msg = f"okänt område: {within}"
            raise AggregateRefused(msg, parameter="area") from None
        if cube.areas.kommun_codes[region] != selection.kommun_code:
            msg = f"området {within} ligger inte i kommun {selection.kommun_code}"
            raise AggregateRefused(msg, parameter="area")
        if not areas_in_scope(cube, selection, viewer)[region]:
            msg = f"området {within} ligger utanför ditt behörighetsområde"
            raise AggregateDenied(msg, parameter="area")
        shown = tuple(u for u in units.units if _inside(cube.areas, u, region))
    if not shown:
        label = label_of(AREA_LEVELS, selection.level)
        where = f"området {within}" if within else f"kommun {selection.kommun_code}"
        msg = (
            f"{where} kan inte visas på nivån {label} i ditt behörighetsområde "
            "(för få unga: sammanslaget med ett större område); välj en grövre nivå"
        )
        raise AggregateDenied(msg, parameter="area")
    return shown


def _code_index(wanted: tuple[str, ...], known: tuple[str, ...], parameter: str) -> np.ndarray:
    unknown = [code for code in wanted if code not in known]
    if unknown:
        msg = f"okänd kod: {', '.join(unknown)}"
        raise AggregateRefused(msg, parameter=parameter)
    return np.array(
        [i for i, code in enumerate(known) if not wanted or code in wanted], dtype=np.int64
    )


def plan_aggregate(
    cube: CountCube,
    selection: Selection,
    viewer: Viewer,
    group_by: Sequence[str],
    *,
    within: str | None = None,
    max_cells: int = MAX_CELLS,
) -> GroupPlan:
    """Check access and the request, and work out which cube cells go into which result cell.

    ``within`` narrows the areas to those inside one area (an area code in the
    viewer's scope; a kommun code means the whole kommun). Raises
    :class:`AggregateDenied` (scope, level, an area not shown at this level) and
    :class:`AggregateRefused` (unknown codes, more than ``max_cells`` cells).
    """
    fields = parse_group_by(group_by)
    if "week" in fields and viewer.level.time_grain != "week":
        msg = "din roll ser hela månader: gruppera på month i stället för week"
        raise AggregateDenied(msg, parameter="group_by")
    if viewer.level.time_grain == "month":
        # A month-grain audience's counts are whole months: every cell names its month,
        # never the week (or the part of a month) that was asked for.
        fields = parse_group_by((*fields, "month"))
    selection = snap_to_grain(selection, viewer.level, until=cube.last_monday)
    if not viewer.may_see_kommun(selection.kommun_code):
        msg = f"kommun {selection.kommun_code} ligger utanför ditt behörighetsområde"
        raise AggregateDenied(msg, parameter="area")
    _require_level(cube, selection, viewer)
    categories = _code_index(selection.categories, cube.categories, "category")
    sources = _code_index(selection.sources, cube.sources, "source")
    grouped_ages = selection.age_bands or AGE_AXIS
    ages = tuple(a for a in AGE_AXIS if a in grouped_ages) if "age_band" in fields else ()
    units = display_units(cube, selection, viewer)
    shown = _shown_units(cube, selection, viewer, units, within)

    # The map's rule: a record counts in the display unit of its ancestor at the level.
    scope = areas_in_scope(cube, selection, viewer)
    target = cube.areas.ancestor_at(selection.level)
    placed = (target != NO_AREA) & scope
    unit_of = np.where(placed, units.unit_of[np.where(placed, target, 0)], NO_AREA)
    key_of_unit = np.full(len(cube.areas.codes), -1, dtype=np.int64)
    key_of_unit[list(shown)] = np.arange(len(shown)) if "area" in fields else 0
    row_key = np.where(
        unit_of != NO_AREA, key_of_unit[np.where(unit_of != NO_AREA, unit_of, 0)], -1
    )
    rows = np.flatnonzero(row_key >= 0)

    mondays = tuple(selection.first_monday + timedelta(weeks=i) for i in range(selection.n_weeks))
    if "week" in fields:
        labels = [iso_week_label(m) for m in mondays]
    elif "month" in fields:
        labels = [month_of_week(m) for m in mondays]
    else:
        labels = [""] * len(mondays)
    period_labels = tuple(dict.fromkeys(labels))
    position = {label: i for i, label in enumerate(period_labels)}
    period_of_week = np.array([position[label] for label in labels], dtype=np.int64)

    offset = cube.week_index(selection.first_monday)
    week_lo = max(0, offset)
    week_hi = min(cube.n_weeks, cube.week_index(selection.last_monday) + 1)
    shape = (
        len(shown) if "area" in fields else 1,
        len(period_labels),
        len(categories) if "category" in fields else 1,
        len(sources) if "source" in fields else 1,
    )
    plan = GroupPlan(
        group_by=fields,
        units=shown,
        rows=rows,
        row_key=row_key[rows],
        mondays=mondays,
        week_lo=week_lo,
        week_hi=max(week_lo, week_hi),
        week_offset=week_lo - offset,
        period_of_week=period_of_week,
        period_labels=period_labels,
        category_index=categories,
        source_index=sources,
        shape=shape,
        age_bands=ages or selection.age_bands,
    )
    if plan.n_cells > max_cells:
        msg = (
            f"frågan ger {plan.n_cells} celler, högst {max_cells} tillåts; "
            "välj en kortare period, färre kategorier eller källor, eller färre fält i group_by"
        )
        raise AggregateRefused(msg, parameter="group_by")
    return plan


def grouped_cells(cube: CountCube, plan: GroupPlan, *, keys: bool = False) -> np.ndarray:
    """The cube's counts (or record keys) summed into the plan's cells, int64 of shape
    ``plan.cells_shape``: every age group of the age axis in turn, or the age filter.

    One pass over the non-zero cells of the selected weeks (only the plan's areas'
    cells when they are fewer); a table of one period by area and category, all
    sources and ages, comes from the prefix sums whatever the period's length.
    Weeks of the selection outside the cube's axis add 0.
    """
    shape = plan.cells_shape
    n_weeks = plan.week_hi - plan.week_lo
    if n_weeks <= 0 or plan.rows.size == 0:
        return np.zeros(shape, dtype=np.int64)
    grouped_age = "age_band" in plan.group_by
    every_age = not plan.age_bands or set(plan.age_bands) == set(AGE_AXIS)
    every_source = plan.source_index.size == len(cube.sources)
    by_area_category = every_age and not grouped_age and every_source
    if by_area_category and plan.shape[1] == 1 and "source" not in plan.group_by:
        by_category = cube.area_category(plan.week_lo, plan.week_hi, keys=keys)
        chosen = by_category[plan.rows][:, plan.category_index]
        if "category" not in plan.group_by:
            chosen = chosen.sum(axis=1, keepdims=True)
        out = np.zeros((plan.shape[0], plan.shape[2]), dtype=np.int64)
        np.add.at(out, plan.row_key, chosen)
        return out.reshape(shape)
    target = _combo_target(cube, plan)
    periods = plan.period_of_week[plan.week_offset : plan.week_offset + n_weeks]
    row_key = np.full(len(cube.areas.codes), -1, dtype=np.int64)
    row_key[plan.rows] = plan.row_key
    per_row = int(np.prod(shape[2:]))
    size = int(np.prod(shape))
    flat = np.zeros(size, dtype=np.int64)
    for table in cube.tables:
        rows = table.rows_in(plan.week_lo, plan.week_hi, plan.rows)
        unit = row_key[table.area[rows]]
        combo = target[table.combo[rows]]
        period = periods[table.week[rows] - plan.week_lo]
        index = (unit * plan.shape[1] + period) * per_row + combo
        flat += table.sums(rows, np.where((unit >= 0) & (combo >= 0), index, -1), size, keys=keys)
    return flat.reshape(shape)


def _combo_target(cube: CountCube, plan: GroupPlan) -> np.ndarray:
    """For each combo of the cube (category, source, age), its position within a row of
    cells (category, source, age group as grouped), or ``-1`` when it is filtered out."""
    grouped_age = "age_band" in plan.group_by
    n_sources = len(cube.sources)
    category = np.full(len(cube.categories), -1, dtype=np.int64)
    category[plan.category_index] = (
        np.arange(plan.category_index.size) if "category" in plan.group_by else 0
    )
    source = np.full(n_sources, -1, dtype=np.int64)
    grouped_source = "source" in plan.group_by
    source[plan.source_index] = np.arange(plan.source_index.size) if grouped_source else 0
    age = np.full(N_AGES, -1, dtype=np.int64)
    for i, band in enumerate(plan.age_bands or AGE_AXIS):
        age[age_position(band)] = i if grouped_age else 0
    c, s, g = np.indices((len(cube.categories), n_sources, N_AGES)).reshape(3, -1)
    n_groups = len(plan.age_bands) if grouped_age else 1
    target = (category[c] * plan.shape[3] + source[s]) * n_groups + age[g]
    return np.where((category[c] >= 0) & (source[s] >= 0) & (age[g] >= 0), target, -1)


def cell_keys(cube: CountCube, plan: GroupPlan) -> dict[str, np.ndarray]:
    """One array per group field with each cell's key, in the order of :func:`grouped_cells`."""
    ages = len(plan.age_bands) if "age_band" in plan.group_by else 1
    a, p, c, s, g = np.indices((*plan.shape, ages)).reshape(5, -1)
    keys: dict[str, np.ndarray] = {}
    if "area" in plan.group_by:
        keys["area"] = np.array([cube.areas.codes[u] for u in plan.units], dtype=object)[a]
    if "category" in plan.group_by:
        keys["category"] = np.array(cube.categories, dtype=object)[plan.category_index][c]
    if "source" in plan.group_by:
        keys["source"] = np.array(cube.sources, dtype=object)[plan.source_index][s]
    if "age_band" in plan.group_by:
        keys["age_band"] = np.array(plan.age_bands, dtype=object)[g]
    if "week" in plan.group_by:
        keys["week"] = np.array(plan.period_labels, dtype=object)[p]
    if "month" in plan.group_by:
        # The first week of each period (periods are runs of weeks in order).
        first = np.searchsorted(plan.period_of_week, np.arange(plan.shape[1]))
        months = [month_of_week(plan.mondays[int(i)]) for i in first]
        keys["month"] = np.array(months, dtype=object)[p]
    return keys


def aggregate(
    cube: CountCube,
    selection: Selection,
    viewer: Viewer,
    group_by: Sequence[str],
    *,
    within: str | None = None,
    max_cells: int = MAX_CELLS,
) -> ProtectedCounts:
    """Counts of ``selection`` grouped by ``group_by`` (a subset of :data:`GROUP_FIELDS`).

    Columns: one per group field, in :data:`GROUP_FIELDS` order — ``area`` (code of
    the display unit), ``category``, ``source``, ``age_band`` (``10-12``, ``13-15``,
    ``16-18``, ``okand``: no band stored), ``week`` (``2026-W14``), ``month``
    (``2026-04``, the month of the week's Thursday) — then ``count`` and
    ``suppressed``. Every combination is a row, zeros included; no group fields
    give one total row. For a viewer who sees whole months (leadership) ``month`` is
    always a group field: the period is widened to whole months (the running month up
    to the running week) and each row is labelled with its month. Records stored at a
    coarser level than the chosen one are not counted (as on the map).
    Disclosure-controlled for ``viewer.level``; refuses what :func:`plan_aggregate`
    refuses.
    """
    plan = plan_aggregate(cube, selection, viewer, group_by, within=within, max_cells=max_cells)
    frame = pd.DataFrame(cell_keys(cube, plan))
    frame["count"] = grouped_cells(cube, plan).ravel()
    frame["key"] = grouped_cells(cube, plan, keys=True).ravel()
    # Every margin of this table is another request (fewer group fields; none gives
    # the selection's total; the four age groups add up to all ages): secondary
    # suppression protects against all of them.
    return protect(frame, level=viewer.level, table_shape=plan.cells_shape)
