"""Counts around events: a window's map, uplift per area and per event, year over year,
the calendar heatmap and the time-of-day pattern.

The weekly count cube cannot answer "30 April 18:00 – 1 May 06:00", so these
queries read the kommun's observations by day and time band (:func:`read_slots`)
and count each record in the display unit of its area exactly as the overview's
map does (same scope, same merging of small areas, same record keys — so a cell
made of the same records gets the same noise here as anywhere else). Every number
passes :func:`data.privacy.disclosure.protect`; uplift statistics are computed from the
*published* counts only, so no ratio or interval can reveal a hidden count.

Event windows are a fixed lattice (predefined occurrences, not arbitrary hours), so
leadership may compare them at its own levels; the day-level views (heatmap, time of
day) follow the audience's time grain: refused to an audience that sees months only."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Final

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from data.access.scope import (
    AccessDenied,
    BadSelection,
    Selection,
    Viewer,
    areas_in_scope,
    check_level,
)
from data.calendar.windows import EventWindow
from data.counts.aggregates import AggregateRefused, cell_keys, plan_aggregate
from data.counts.cube import AGE_AXIS, NO_AREA, CountCube, iso_week_label, monday_of
from data.counts.overview import unit_frame
from data.counts.uplift import MIN_BASELINE_PERIODS, Uplift, comparison_shifts, shifted, uplift
from data.privacy.disclosure import ProtectedCounts, protect
from data.privacy.small_areas import DisplayUnits, display_units, unit_of_area
from data.storage.models import Observation
from data.vocabulary import AGE_UNKNOWN

BANDS: Final = ("day", "evening", "night")
WEEKDAYS: Final = ("mån", "tis", "ons", "tor", "fre", "lör", "sön")
MAX_HEATMAP_WEEKS: Final = 60


@dataclass(frozen=True, slots=True)
class Slots:
    """Observations of one kommun summed by cube area, day and band (``None``: no band)."""

    frame: pd.DataFrame
    """Columns ``area`` (cube index), ``day``, ``band``, ``count``, ``key``."""
    first_day: date
    last_day: date
    pairs: tuple[tuple[date, str | None], ...]
    """The distinct (day, band) slots present."""
    pair_of_row: np.ndarray
    """Index into ``pairs`` of each row."""
    pair_day: np.ndarray
    """Ordinal of each pair's day (for a quick range filter)."""

    @classmethod
    def of(cls, frame: pd.DataFrame, first_day: date, last_day: date) -> Slots:
        """Index ``frame`` by its (day, band) slots."""
        keys = list(zip(frame["day"], frame["band"], strict=True))
        pairs = tuple(dict.fromkeys(keys))
        position = {pair: i for i, pair in enumerate(pairs)}
        return cls(
            frame,
            first_day,
            last_day,
            pairs,
            np.array([position[k] for k in keys], dtype=np.int64),
            np.array([d.toordinal() for d, _ in pairs], dtype=np.int64),
        )

    def covered(self, window: EventWindow) -> np.ndarray:
        """Mask of rows whose slot lies (at least half) in ``window``."""
        first, last = window.days
        near = np.flatnonzero(
            (self.pair_day >= first.toordinal() - 1) & (self.pair_day <= last.toordinal() + 1)
        )
        inside = np.array(
            [int(i) for i in near if window.covers(*self.pairs[int(i)])], dtype=np.int64
        )
        return np.isin(self.pair_of_row, inside)


def read_slots(
    session: Session,
    cube: CountCube,
    kommun: str,
    first_day: date,
    last_day: date,
    *,
    categories: Sequence[str] = (),
    sources: Sequence[str] = (),
    ages: Sequence[str] = (),
    detail: bool = False,
) -> Slots:
    """The kommun's observations from ``first_day`` to ``last_day`` by area, day and
    band, filtered like the overview (categories, sources, age groups; empty: all). With
    ``detail`` also by category, source and age (``category``, ``source``, ``age``)."""
    position = {
        area_id: i
        for i, (area_id, k) in enumerate(zip(cube.areas.ids, cube.areas.kommun_codes, strict=True))
        if k == kommun
    }
    keys = [Observation.area_id, Observation.occurred_on, Observation.time_band]
    if detail:
        keys += [Observation.category_code, Observation.source_code, Observation.age_band]
    query = (
        select(*keys, func.sum(Observation.count), func.sum(Observation.id))
        .where(
            Observation.area_id.in_(list(position)),
            Observation.occurred_on.between(first_day, last_day),
        )
        .group_by(*keys)
    )
    if categories:
        query = query.where(Observation.category_code.in_(list(categories)))
    if sources:
        query = query.where(Observation.source_code.in_(list(sources)))
    if ages:
        query = query.where(age_condition(ages))
    rows: list[tuple[Any, ...]] = (
        [tuple(row) for row in session.execute(query).all()] if position else []
    )
    columns = ["area", "day", "band", *(["category", "source", "age"] * detail), "count", "key"]
    frame = pd.DataFrame(
        [(position[row[0]], *row[1:-2], int(row[-2] or 0), int(row[-1] or 0)) for row in rows],
        columns=columns,
    )
    # Object dtype: pandas would otherwise store a missing band as NaN in a string column.
    frame["band"] = pd.Series(
        [None if pd.isna(b) else str(b) for b in frame["band"]], index=frame.index, dtype=object
    )
    if detail:
        frame["age"] = [AGE_UNKNOWN if pd.isna(a) else str(a) for a in frame["age"]]
    return Slots.of(frame, first_day, last_day)


def age_condition(ages: Sequence[str]) -> ColumnElement[bool]:
    """SQL for "the record's age group is one of ``ages``" (``okand``: no band stored)."""
    known = Observation.age_band.in_([a for a in ages if a != AGE_UNKNOWN])
    return or_(known, Observation.age_band.is_(None)) if AGE_UNKNOWN in ages else known


def area_rules(
    cube: CountCube, selection: Selection, viewer: Viewer
) -> tuple[DisplayUnits, np.ndarray, np.ndarray]:
    """Access check, then the map's area rules: (display units, each cube area's
    ancestor at the level, the viewer's scope mask)."""
    check_level(cube, selection, viewer)
    scope = areas_in_scope(cube, selection, viewer)
    target = cube.areas.ancestor_at(selection.level)
    return display_units(cube, selection, viewer), target, scope


def area_scope(
    cube: CountCube, selection: Selection, viewer: Viewer
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Access check, then (unit of each cube area, target at the level, scope mask)."""
    units, target, scope = area_rules(cube, selection, viewer)
    return unit_of_area(units, target, scope), target, scope


def _unit_table(
    cube: CountCube, slots: Slots, mask: np.ndarray, selection: Selection, viewer: Viewer
) -> ProtectedCounts:
    """The rows of ``mask`` counted per display unit, published like the map (the
    units add up to the scope's total: an additive list)."""
    units, target, scope = area_rules(cube, selection, viewer)
    own, keys = _per_area(cube, slots, mask)
    frame = unit_frame(cube, units, target, scope, own, keys)
    return protect(frame, level=viewer.level, additive=True)


def _per_area(cube: CountCube, slots: Slots, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    own = np.zeros(len(cube.areas.codes), dtype=np.int64)
    keys = np.zeros(len(cube.areas.codes), dtype=np.int64)
    rows = slots.frame[mask]
    np.add.at(own, rows["area"].to_numpy(dtype=np.int64), rows["count"].to_numpy(np.int64))
    np.add.at(keys, rows["area"].to_numpy(dtype=np.int64), rows["key"].to_numpy(np.int64))
    return own, keys


def window_selection(selection: Selection, window: EventWindow) -> Selection:
    """The selection with its period set to the whole weeks around ``window``."""
    first, last = window.days
    return replace(
        selection, first_monday=monday_of(first), last_monday=monday_of(last), focus_area=None
    )


def window_map(
    cube: CountCube, slots: Slots, window: EventWindow, selection: Selection, viewer: Viewer
) -> ProtectedCounts:
    """Counts per display unit in ``window`` (as :func:`~data.counts.overview.map_values`)."""
    around = window_selection(selection, window)
    return _unit_table(cube, slots, slots.covered(window), around, viewer)


def _scope_total(
    cube: CountCube,
    slots: Slots,
    windows: Sequence[EventWindow],
    selection: Selection,
    viewer: Viewer,
) -> ProtectedCounts:
    """One published total per window: everything in the viewer's scope at the level."""
    unit_index, _, _ = area_scope(cube, selection, viewer)
    counted = unit_index != NO_AREA
    counts, keys = [], []
    for window in windows:
        own, key = _per_area(cube, slots, slots.covered(window))
        counts.append(int(own[counted].sum()))
        keys.append(int(key[counted].sum()))
    frame = pd.DataFrame({"window": [w.name for w in windows], "count": counts, "key": keys})
    return protect(frame, level=viewer.level)


@dataclass(frozen=True, slots=True)
class EventComparison:
    """Published observed and expected counts of one window, with the uplift."""

    window: EventWindow
    observed: int | None
    """Published count in the window (``None``: suppressed)."""
    baseline: int | None
    """Published total of the comparable periods (``None``: suppressed)."""
    periods: int
    result: Uplift | None
    """``None`` when a suppressed count or too few periods leave nothing to compare."""
    k: int


def compare_window(
    cube: CountCube,
    slots: Slots,
    window: EventWindow,
    selection: Selection,
    viewer: Viewer,
    *,
    avoid: Iterable[EventWindow] = (),
    holiday_days: Iterable[date] = (),
) -> EventComparison:
    """Observed versus expected for ``window`` over the viewer's whole scope.

    The window's count, each comparable period's count and their total are
    published numbers (protected here); the expected count is the published total
    over the number of periods, the dispersion comes from the published period
    counts, and a suppressed window or total gives no comparison at all.
    """
    shifts = comparison_shifts(window, avoid=avoid, holiday_days=holiday_days)
    shifts = [n for n in shifts if _inside(slots, shifted(window, n))]
    moved = [shifted(window, n) for n in shifts]
    selection = window_selection(selection, window)
    table = _scope_total(cube, slots, [window, *moved], selection, viewer).published_values()
    observed, periods = table[0], table[1:]
    total = _baseline_total(cube, slots, moved, selection, viewer)
    result = None
    if observed is not None and total is not None and len(periods) >= MIN_BASELINE_PERIODS:
        known = [p if p is not None else viewer.level.k // 2 for p in periods]
        result = uplift(observed, _spread(total, known))
    return EventComparison(window, observed, total, len(periods), result, viewer.level.k)


def _inside(slots: Slots, window: EventWindow) -> bool:
    first, last = window.days
    return slots.first_day <= first and last <= slots.last_day


def _baseline_total(
    cube: CountCube,
    slots: Slots,
    moved: Sequence[EventWindow],
    selection: Selection,
    viewer: Viewer,
) -> int | None:
    """The comparable periods' total as one published cell (its own record key)."""
    unit_index, _, _ = area_scope(cube, selection, viewer)
    counted = unit_index != NO_AREA
    mask = np.zeros(len(slots.frame), dtype=bool)
    for window in moved:
        mask |= slots.covered(window)
    own, key = _per_area(cube, slots, mask)
    total, total_key = int(own[counted].sum()), int(key[counted].sum())
    frame = pd.DataFrame({"what": ["baseline"], "count": [total], "key": [total_key]})
    return protect(frame, level=viewer.level).published_values()[0]


def _spread(total: int, periods: Sequence[int]) -> list[int]:
    """Period counts that add up to the published total, in the published proportions
    (what :func:`data.counts.uplift.uplift` needs: their sum and their dispersion)."""
    weights = np.asarray(periods, dtype=np.float64)
    if weights.sum() <= 0:
        weights = np.ones(len(periods))
    raw = weights / weights.sum() * total
    whole = np.floor(raw).astype(np.int64)
    order = np.argsort(-(raw - whole), kind="stable")
    whole[order[: total - int(whole.sum())]] += 1
    return [int(v) for v in whole]


def slot_range(windows: Iterable[EventWindow], weeks: int = 4) -> tuple[date, date]:
    """The days to read for windows and their comparable periods (± ``weeks``)."""
    days = [d for w in windows for d in w.days]
    return min(days) - timedelta(weeks=weeks, days=1), max(days) + timedelta(weeks=weeks, days=1)


def calendar_heatmap(
    cube: CountCube, slots: Slots, selection: Selection, viewer: Viewer
) -> ProtectedCounts:
    """Counts per day of the selection's whole weeks as a week × weekday table
    (columns ``week``, ``weekday`` 0–6, ``day``), protected as a table whose week
    and weekday totals are published too (hypercube secondary suppression)."""
    if viewer.level.time_grain != "week":
        msg = "din roll ser hela månader: ingen vy per dag"
        raise AccessDenied(msg)
    if selection.n_weeks > MAX_HEATMAP_WEEKS:
        msg = f"välj högst {MAX_HEATMAP_WEEKS} veckor för kalendervyn"
        raise BadSelection(msg)
    unit_index, _, _ = area_scope(cube, selection, viewer)
    rows = slots.frame[unit_index[slots.frame["area"].to_numpy(dtype=np.int64)] != NO_AREA]
    first = selection.first_monday
    n = selection.n_weeks * 7
    offset = np.array([(d - first).days for d in rows["day"]], dtype=np.int64)
    inside = (offset >= 0) & (offset < n)
    counts = np.zeros(n, dtype=np.int64)
    keys = np.zeros(n, dtype=np.int64)
    np.add.at(counts, offset[inside], rows["count"].to_numpy(np.int64)[inside])
    np.add.at(keys, offset[inside], rows["key"].to_numpy(np.int64)[inside])
    days = [first + timedelta(days=i) for i in range(n)]
    frame = pd.DataFrame(
        {
            "week": [iso_week_label(monday_of(d)) for d in days],
            "weekday": [d.weekday() for d in days],
            "day": days,
            "count": counts,
            "key": keys,
        }
    )
    return protect(frame, level=viewer.level, table_shape=(selection.n_weeks, 7))


def band_pattern(
    cube: CountCube, slots: Slots, selection: Selection, viewer: Viewer
) -> ProtectedCounts:
    """Counts per weekday × time band over the selection's weeks (columns ``weekday``
    0–6, ``band``), protected with all margins; records without a band are left out
    (the caller may show how many there are from the period's total)."""
    if viewer.level.time_grain != "week":
        msg = "din roll ser hela månader: ingen vy per dag"
        raise AccessDenied(msg)
    unit_index, _, _ = area_scope(cube, selection, viewer)
    frame = slots.frame
    first, last = selection.first_monday, selection.last_monday + timedelta(days=6)
    keep = (unit_index[frame["area"].to_numpy(dtype=np.int64)] != NO_AREA) & np.array(
        [first <= d <= last for d in frame["day"]], dtype=bool
    )
    rows = frame[keep & frame["band"].isin(BANDS).to_numpy()]
    index = np.array(
        [d.weekday() * 3 + BANDS.index(b) for d, b in zip(rows["day"], rows["band"], strict=True)],
        dtype=np.int64,
    )
    counts = np.zeros(21, dtype=np.int64)
    keys = np.zeros(21, dtype=np.int64)
    np.add.at(counts, index, rows["count"].to_numpy(np.int64))
    np.add.at(keys, index, rows["key"].to_numpy(np.int64))
    table = pd.DataFrame(
        {
            "weekday": np.repeat(np.arange(7), 3),
            "band": list(BANDS) * 7,
            "count": counts,
            "key": keys,
        }
    )
    return protect(table, level=viewer.level, table_shape=(7, 3))


@dataclass(frozen=True, slots=True)
class AreaComparison:
    """Published observed and expected counts of one display unit in a window."""

    code: str
    name: str
    observed: int | None
    baseline: int | None
    result: Uplift | None
    periods: int = 0  # comparable periods behind ``baseline``
    baseline_small: bool = False  # ``baseline`` is "<k": expected ≤ (k − 1) / periods


def compare_areas(
    cube: CountCube,
    slots: Slots,
    window: EventWindow,
    selection: Selection,
    viewer: Viewer,
    *,
    overall: EventComparison,
    avoid: Iterable[EventWindow] = (),
    holiday_days: Iterable[date] = (),
) -> list[AreaComparison]:
    """Observed versus expected per display unit (the map's units).

    The window's counts are the map's (the same published cells); each unit's
    comparable periods are one published cell (the units add up to the scope's
    total: protected as an additive list); the dispersion is the whole scope's
    (``overall``), a better estimate than a small area's few periods.
    """
    shifts = comparison_shifts(window, avoid=avoid, holiday_days=holiday_days)
    moved = [shifted(window, n) for n in shifts if _inside(slots, shifted(window, n))]
    observed = window_map(cube, slots, window, selection, viewer)
    mask = np.zeros(len(slots.frame), dtype=bool)
    for w in moved:
        mask |= slots.covered(w)
    baseline = _unit_table(cube, slots, mask, window_selection(selection, window), viewer)
    phi = overall.result.dispersion if overall.result is not None else 1.0
    rows = []
    small = [bool(b) for b in baseline.frame["suppressed"] & ~baseline.frame["secondary"]]
    for code, name, seen, total, below_k in zip(
        observed.frame["code"],
        observed.frame["name"],
        observed.published_values(),
        baseline.published_values(),
        small,
        strict=True,
    ):
        result = None
        if seen is not None and total is not None and len(moved) >= MIN_BASELINE_PERIODS:
            spread = _spread(total, [1] * len(moved))
            result = uplift(seen, spread, known_dispersion=phi)
        row = AreaComparison(str(code), str(name), seen, total, result, len(moved), below_k)
        rows.append(row)
    return rows


def window_unplaced(
    cube: CountCube, slots: Slots, window: EventWindow, selection: Selection, viewer: Viewer
) -> ProtectedCounts:
    """Incidents in the window known only at a coarser level than the chosen one
    (one row, like :func:`data.counts.overview.unplaced_count`)."""
    _units, target, scope = area_rules(cube, window_selection(selection, window), viewer)
    own, keys = _per_area(cube, slots, slots.covered(window))
    unplaced = (target == NO_AREA) & scope
    counts = {"count": [int(own[unplaced].sum())], "key": [int(keys[unplaced].sum())]}
    return protect(pd.DataFrame({"what": ["unplaced"], **counts}), level=viewer.level)


def window_aggregate(
    cube: CountCube,
    slots: Slots,
    window: EventWindow,
    selection: Selection,
    viewer: Viewer,
    group_by: Sequence[str],
    *,
    within: str | None = None,
) -> ProtectedCounts:
    """The aggregate API's table for an event window: counts grouped by any of area,
    category, source and age_band, with the same areas, scope and cells as
    :func:`data.counts.aggregates.aggregate` (``slots`` read with ``detail``), protected
    against all its margins."""
    if any(field in ("week", "month") for field in group_by):
        msg = "en händelse är en period: gruppera på area, category, source eller age_band"
        raise AggregateRefused(msg, parameter="group_by")
    plan = plan_aggregate(
        cube, window_selection(selection, window), viewer, group_by, within=within
    )
    rows = slots.frame[slots.covered(window)]
    key_of_area = np.full(len(cube.areas.codes), -1, dtype=np.int64)
    key_of_area[plan.rows] = plan.row_key

    def positions(column: str, chosen: Sequence[str], field: str) -> np.ndarray:
        index = {code: (n if field in plan.group_by else 0) for n, code in enumerate(chosen)}
        return np.array([index.get(code, -1) for code in rows[column]], dtype=np.int64)

    at = (
        key_of_area[rows["area"].to_numpy(dtype=np.int64)],
        np.zeros(len(rows), dtype=np.int64),
        positions("category", [cube.categories[i] for i in plan.category_index], "category"),
        positions("source", [cube.sources[i] for i in plan.source_index], "source"),
        positions("age", plan.age_bands or AGE_AXIS, "age_band"),
    )
    keep = np.logical_and.reduce([i >= 0 for i in at])
    cells = tuple(i[keep] for i in at)
    shape = (*plan.shape, len(plan.age_bands) if "age_band" in plan.group_by else 1)
    counts, keys = np.zeros(shape, dtype=np.int64), np.zeros(shape, dtype=np.int64)
    np.add.at(counts, cells, rows["count"].to_numpy(dtype=np.int64)[keep])
    np.add.at(keys, cells, rows["key"].to_numpy(dtype=np.int64)[keep])
    frame = pd.DataFrame(cell_keys(cube, plan))
    frame["count"] = counts.ravel()
    frame["key"] = keys.ravel()
    return protect(frame, level=viewer.level, table_shape=plan.cells_shape)
