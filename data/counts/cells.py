"""The non-zero cells of the count cube, and sums over them that do not grow with the period.

A :class:`CellTable` keeps one row per non-zero cell ``(week, area, category, source,
age)`` — memory proportional to what was recorded, not to every possible cell (a
national data set of ten years has ~6,000 DeSO × 523 weeks × 18 × 8 × 4 possible
cells, of which a few percent are ever non-zero). Rows are sorted by week, then
area, then ``combo`` (category, source and age in one integer), so a period is one
contiguous slice (``week_start``).

Two sums do not grow with the length of the period:

- per area and category (the map, the API's area tables): prefix sums at every
  :data:`BLOCK` weeks hold the running totals; a period is the difference of two
  prefix rows plus the at most ``2 × (BLOCK - 1)`` weeks at its ends;
- per week over a few areas (the trend of one kommun in a national data set): a
  second order of the rows by area (``by_area``) reads only those areas' cells.

Every sum comes in two flavours: the counts, and the record keys (the sum of the
observation ids of a cell's records) that the cell key method needs
(:mod:`data.privacy.disclosure`). Sums of keys are exact: the totals are checked to
stay below 2**53 before float weights are used, and summed in int64 otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

BLOCK: Final = 12
"""Weeks per prefix-sum block (a quarter, nearly: 44 blocks over ten years)."""
N_AGES: Final = 4
"""The age part of a combo: the three stored bands, then ``3`` for unknown age."""
EXACT_FLOAT: Final = 2**53
"""Float64 adds integers exactly while every partial sum stays below this."""


def combo_of(
    category: np.ndarray, source: np.ndarray, age: np.ndarray, n_sources: int
) -> np.ndarray:
    """The combo of each record: category, source and age (0–3) in one integer."""
    return ((category.astype(np.int64) * n_sources + source) * N_AGES + age).astype(np.int32)


def _ranges(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """The concatenation of ``arange(start, stop)`` for each pair, without a Python loop."""
    lengths = stops - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    return np.arange(total, dtype=np.int64) + offsets


@dataclass(frozen=True, slots=True, eq=False)
class CellTable:
    """Non-zero cells, sorted by week, area and combo; see the module docstring."""

    n_areas: int
    n_weeks: int
    n_categories: int
    n_sources: int
    week: np.ndarray
    """int32 week index of each cell."""
    area: np.ndarray
    """int32 area index (position in the cube's :class:`~data.counts.cube.AreaIndex`)."""
    combo: np.ndarray
    """int32 ``(category × n_sources + source) × 4 + age`` (:func:`combo_of`)."""
    n: np.ndarray
    """int32 count of each cell."""
    key: np.ndarray
    """int64 record key of each cell: the sum of its records' observation ids."""
    week_start: np.ndarray
    """``week_start[w]``: first row of week ``w`` (length ``n_weeks + 1``)."""
    by_area: np.ndarray
    """int32 row numbers ordered by area (and by week within an area)."""
    area_start: np.ndarray
    """``area_start[a]``: first position of area ``a`` in ``by_area``."""
    prefix_areas: np.ndarray
    """The areas that have cells: the area axis of the prefix sums."""
    prefix_n: np.ndarray | None
    """``prefix_n[b, i, c]``: the count of area ``prefix_areas[i]``, category ``c`` over
    the weeks before ``b × BLOCK`` (int32); ``None`` in a table without blocks."""
    prefix_key: np.ndarray | None
    """The same for the record keys (int64)."""
    exact_float: bool
    """True when every sum of keys fits a float64 exactly (bincount with weights)."""
    group_of_area: np.ndarray | None = None
    """The group (the kommun) of each area, for the roll-ups below; ``None``: none."""
    group_n: np.ndarray | None = None
    """``group_n[g, w, c]``: the count of group ``g`` in week ``w``, category ``c`` (int32),
    every source and age: one kommun's trend reads this, whatever the period."""
    group_key: np.ndarray | None = None
    """The same for the record keys (int64)."""

    @property
    def size(self) -> int:
        """Number of non-zero cells."""
        return int(self.n.size)

    @property
    def nbytes(self) -> int:
        """Memory held by the table's arrays."""
        arrays = (self.week, self.area, self.combo, self.n, self.key, self.week_start)
        total = sum(a.nbytes for a in arrays) + self.by_area.nbytes + self.area_start.nbytes
        prefixes = (
            self.prefix_n,
            self.prefix_key,
            self.prefix_areas,
            self.group_of_area,
            self.group_n,
            self.group_key,
        )
        return total + sum(a.nbytes for a in prefixes if a is not None)

    def total(self) -> int:
        """Sum of all counts."""
        return int(self.n.sum())

    @property
    def n_combos(self) -> int:
        """Number of possible combos."""
        return self.n_categories * self.n_sources * N_AGES

    # -- sums -----------------------------------------------------------------------

    def _bincount(self, index: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
        if values.dtype != np.int64 or self.exact_float or values.size == 0:
            return np.rint(np.bincount(index, weights=values, minlength=size)).astype(np.int64)
        out = np.zeros(size, dtype=np.int64)
        np.add.at(out, index, values)
        return out

    def _values(self, keys: bool) -> np.ndarray:
        return self.key if keys else self.n

    def area_category(self, lo: int, hi: int, *, keys: bool = False) -> np.ndarray:
        """Sums per area and category over the weeks ``lo:hi`` (every source and age),
        shape ``(n_areas, n_categories)``. Reads at most ``2 × (BLOCK - 1)`` weeks of
        cells; whole blocks come from the prefix sums."""
        lo, hi = max(lo, 0), min(hi, self.n_weeks)
        width = self.n_categories
        out = np.zeros((self.n_areas, width), dtype=np.int64)
        if hi <= lo:
            return out
        edges = [(lo, hi)]
        table = self.prefix_key if keys else self.prefix_n
        if table is not None:
            b_lo, b_hi = -(-lo // BLOCK), hi // BLOCK
            if b_hi > b_lo:
                out[self.prefix_areas] = table[b_hi].astype(np.int64) - table[b_lo]
                edges = [(lo, b_lo * BLOCK), (b_hi * BLOCK, hi)]
        flat = out.reshape(-1)
        values = self._values(keys)
        per_category = self.n_sources * N_AGES
        for first, stop in edges:
            s, e = int(self.week_start[first]), int(self.week_start[stop])
            if e > s:
                index = self.area[s:e].astype(np.int64) * width + self.combo[s:e] // per_category
                flat += self._bincount(index, values[s:e], flat.size)
        return out

    def rows_in(self, lo: int, hi: int, areas: np.ndarray | None = None) -> np.ndarray | slice:
        """The rows of weeks ``lo:hi``, optionally only of the areas ``areas`` (indices):
        a slice of the week order, or, when the areas hold fewer cells than the period,
        row numbers gathered through ``by_area`` (in area order, not week order)."""
        lo, hi = max(lo, 0), min(hi, self.n_weeks)
        if hi <= lo:
            return slice(0, 0)
        s, e = int(self.week_start[lo]), int(self.week_start[hi])
        if areas is None:
            return slice(s, e)
        starts, stops = self.area_start[areas], self.area_start[areas + 1]
        if int((stops - starts).sum()) >= e - s:
            return slice(s, e)
        rows = self.by_area[_ranges(starts, stops)]
        weeks = self.week[rows]
        return rows[(weeks >= lo) & (weeks < hi)]  # in area order: sums do not mind

    def group_weeks(self, group: int, lo: int, hi: int, *, keys: bool = False) -> np.ndarray:
        """Sums per week ``lo:hi`` and category of every area of ``group`` (the roll-up),
        shape ``(hi - lo, n_categories)``; requires the roll-up (``group_n``)."""
        table = self.group_key if keys else self.group_n
        assert table is not None, "this table has no group roll-up"
        lo, hi = max(lo, 0), min(hi, self.n_weeks)
        return np.asarray(table[group, lo:hi], dtype=np.int64)

    def sums(
        self,
        rows: np.ndarray | slice,
        index: np.ndarray,
        size: int,
        *,
        keep: np.ndarray | None = None,
        keys: bool = False,
    ) -> np.ndarray:
        """``bincount`` of the ``rows``' counts (or keys) into ``size`` cells by ``index``
        (one target per row, ``-1``: not counted; ``keep`` narrows further)."""
        values = self._values(keys)[rows]
        chosen = index >= 0 if keep is None else (index >= 0) & keep
        return self._bincount(index[chosen], values[chosen], size)


def build_table(
    week: np.ndarray,
    area: np.ndarray,
    combo: np.ndarray,
    n: np.ndarray,
    key: np.ndarray,
    *,
    n_areas: int,
    n_weeks: int,
    n_categories: int,
    n_sources: int,
    prefix: bool = True,
    group_of_area: np.ndarray | None = None,
) -> CellTable:
    """A :class:`CellTable` from records (one per observation or pre-summed; any order):
    records of the same cell are added up. ``prefix=False`` skips the prefix sums
    (a small table of recent additions is read whole anyway); ``group_of_area`` (a
    group index per area, the kommun) adds the per-group weekly roll-up."""
    n_combos = n_categories * n_sources * N_AGES
    cell = (week.astype(np.int64) * n_areas + area) * n_combos + combo
    unique, inverse = np.unique(cell, return_inverse=True)
    size = unique.size
    counts = np.rint(np.bincount(inverse, weights=n, minlength=size)).astype(np.int32)
    key_total = int(key.sum()) if key.size else 0
    exact = key_total < EXACT_FLOAT
    if exact:
        keys = np.rint(np.bincount(inverse, weights=key, minlength=size)).astype(np.int64)
    else:
        keys = np.zeros(size, dtype=np.int64)
        np.add.at(keys, inverse, key)
    del inverse
    week_of, rest = np.divmod(unique, n_areas * n_combos)
    area_of, combo_of_cell = np.divmod(rest, n_combos)
    week_of = week_of.astype(np.int32)
    area_of = area_of.astype(np.int32)
    week_start = np.searchsorted(week_of, np.arange(n_weeks + 1)).astype(np.int64)
    by_area = np.argsort(area_of, kind="stable").astype(np.int32)
    area_start = np.searchsorted(area_of[by_area], np.arange(n_areas + 1)).astype(np.int64)
    prefix_areas = np.flatnonzero(np.diff(area_start) > 0)
    prefix_n = prefix_key = None
    n_blocks = n_weeks // BLOCK
    if prefix and n_blocks > 0:
        slot = np.full(n_areas, -1, dtype=np.int64)
        slot[prefix_areas] = np.arange(prefix_areas.size)
        shape = (n_blocks, prefix_areas.size, n_categories)
        whole = int(week_start[n_blocks * BLOCK])
        block = week_of[:whole].astype(np.int64) // BLOCK
        per_category = n_sources * N_AGES
        index = (block * shape[1] + slot[area_of[:whole]]) * n_categories
        index += combo_of_cell[:whole] // per_category
        prefix_n = _running(index, counts[:whole], shape, np.int32, exact=True)
        prefix_key = _running(index, keys[:whole], shape, np.int64, exact=exact)
    group_n = group_key = None
    if group_of_area is not None:
        n_groups = int(group_of_area.max(initial=-1)) + 1
        shape3 = (max(n_groups, 1), n_weeks, n_categories)
        index = (group_of_area[area_of].astype(np.int64) * n_weeks + week_of) * n_categories
        index += combo_of_cell // (n_sources * N_AGES)
        size = int(np.prod(shape3))
        group_n = np.rint(np.bincount(index, weights=counts, minlength=size)).astype(np.int32)
        group_n = group_n.reshape(shape3)
        if exact:
            group_key = np.rint(np.bincount(index, weights=keys, minlength=size)).astype(np.int64)
        else:
            group_key = np.zeros(size, dtype=np.int64)
            np.add.at(group_key, index, keys)
        group_key = group_key.reshape(shape3)
    return CellTable(
        n_areas=n_areas,
        n_weeks=n_weeks,
        n_categories=n_categories,
        n_sources=n_sources,
        week=week_of,
        area=area_of,
        combo=combo_of_cell.astype(np.int32),
        n=counts,
        key=keys,
        week_start=week_start,
        by_area=by_area,
        area_start=area_start,
        prefix_areas=prefix_areas,
        prefix_n=prefix_n,
        prefix_key=prefix_key,
        exact_float=exact,
        group_of_area=group_of_area,
        group_n=group_n,
        group_key=group_key,
    )


def _running(
    index: np.ndarray, values: np.ndarray, shape: tuple[int, int, int], dtype: type, *, exact: bool
) -> np.ndarray:
    """Sums of ``values`` per ``index`` cell of ``shape`` (block, slot, category), then
    running totals over the blocks, with a row of zeros first (the weeks before block 0)."""
    size = int(np.prod(shape))
    if exact:
        per_block = np.rint(np.bincount(index, weights=values, minlength=size)).astype(np.int64)
    else:
        per_block = np.zeros(size, dtype=np.int64)
        np.add.at(per_block, index, values)
    out: np.ndarray = np.zeros((shape[0] + 1, shape[1], shape[2]), dtype=dtype)
    np.cumsum(per_block.reshape(shape), axis=0, out=out[1:], dtype=dtype)
    return out
