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
from data.counts.cube import AGE_AXIS, NO_AREA, AgeView, AreaIndex, CountCube, iso_week_label
from data.privacy.disclosure import ProtectedCounts, protect
from data.privacy.small_areas import DisplayUnits, display_units
from data.vocabulary import AREA_LEVELS, label_of

GROUP_FIELDS: Final = ("area", "category", "source", "age_band", "week", "month")
"""What cells can be grouped by; cells come in this order of keys."""
MAX_CELLS: Final = 50_000
"""Largest table one request may ask for (a 10-year weekly table by category and
source is bigger: such a request must be narrowed)."""
ROW_CHUNK: Final = 16
"""Areas summed at a time, so a long period never copies the whole cube."""


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
    """The cube's counts (or record keys) summed into the plan's cells, shape
    ``plan.cells_shape``: every age group of the age axis in turn, or the age filter."""
    if "age_band" not in plan.group_by:
        return grouped_sums(cube.values(plan.age_bands, keys=keys), plan)
    parts = [grouped_sums(cube.values((age,), keys=keys), plan) for age in plan.age_bands]
    return np.stack(parts, axis=-1)


def grouped_sums(values: np.ndarray | AgeView, plan: GroupPlan) -> np.ndarray:
    """Sum an array aligned with the cube (areas, weeks, categories, sources) into cells.

    Returns int64 of shape ``plan.shape``. Works for the counts and for any other
    array on the same axes (or :meth:`CountCube.values`, read ``[areas, weeks]``).
    Weeks of the selection outside the cube's axis add 0.
    """
    out = np.zeros(plan.shape, dtype=np.int64)
    n_weeks = plan.week_hi - plan.week_lo
    if n_weeks <= 0 or plan.rows.size == 0:
        return out
    periods = plan.period_of_week[plan.week_offset : plan.week_offset + n_weeks]
    # Periods are runs of consecutive weeks: reduceat sums each run.
    starts = np.flatnonzero(np.r_[True, periods[1:] != periods[:-1]])
    columns = np.arange(int(periods[0]), int(periods[-1]) + 1)[np.newaxis, :]
    for lo in range(0, plan.rows.size, ROW_CHUNK):
        block = values[plan.rows[lo : lo + ROW_CHUNK], plan.week_lo : plan.week_hi]
        block = np.take(block, plan.category_index, axis=2)
        if "category" not in plan.group_by:
            block = block.sum(axis=2, keepdims=True, dtype=np.int64)
        block = np.take(block, plan.source_index, axis=3)
        if "source" not in plan.group_by:
            block = block.sum(axis=3, keepdims=True, dtype=np.int64)
        per_period = np.add.reduceat(block, starts, axis=1, dtype=np.int64)
        keys = plan.row_key[lo : lo + ROW_CHUNK, np.newaxis]
        np.add.at(out, (keys, columns), per_period)
    return out


def cell_keys(cube: CountCube, plan: GroupPlan) -> dict[str, np.ndarray]:
    """One array per group field with each cell's key, in the order of ``grouped_sums``."""
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
