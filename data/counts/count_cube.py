"""The count cube's queries: counts and record keys per area, per week, per area and category.

A :class:`CountCube` adds up its full build (``base``) and the observations added since
(``delta``), both :class:`~data.counts.cells.CellTable`; how it is built and kept up
to date is :mod:`data.counts.cube`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final

import numpy as np
import pandas as pd

from data.counts.area_index import AreaIndex
from data.counts.cells import N_AGES, CellTable
from data.vocabulary import AGE_BANDS, AGE_GROUPS, codes

AGE_AXIS = codes(AGE_GROUPS)
"""The age axis: ``10-12``, ``13-15``, ``16-18`` and ``okand`` (no band stored)."""
SUMS_KEPT: Final = 16
"""Area × category sums a cube keeps (:meth:`CountCube.area_category`)."""


def age_position(age: str) -> int:
    """The age part of a combo (:func:`~data.counts.cells.combo_of`) of an age code."""
    return AGE_BANDS.index(age) if age in AGE_BANDS else N_AGES - 1


@dataclass(frozen=True, slots=True)
class CountCube:
    """Incident counts (and record keys) per area, ISO week, category, source and age."""

    version: int
    """The observations counter this cube has counted up to."""
    areas: AreaIndex
    first_monday: date
    categories: tuple[str, ...]
    sources: tuple[str, ...]
    base: CellTable
    """The cells of the last full build: observations with ``id <= base_max_id``."""
    delta: CellTable | None = None
    """The cells of every observation added since (``id > base_max_id``)."""
    today: date | None = None
    """The day the cube was built for (its last week holds it)."""
    structure: int = 0
    """The ``count_structure`` counter at the full build."""
    areas_version: int = 0
    base_max_id: int = 0
    base_rows: int = 0
    """Observations (of any date) with ``id <= base_max_id`` at the full build."""
    horizon: int = 0
    """PostgreSQL: a transaction id taken at the first refresh after the build (0 until
    then); only a transaction below it can still commit an id the build passed."""
    settled: bool = True
    """False while such a transaction may still commit (PostgreSQL): every refresh
    then counts the rows up to ``base_max_id`` again (``add_new_observations``)."""
    _sums: dict[tuple[int, int, bool], np.ndarray] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Recent :meth:`area_category` answers: the map, the unplaced count and the API ask
    the same period's sums in one request, and many users ask for the same periods."""

    @property
    def n_weeks(self) -> int:
        """Number of weeks on the week axis."""
        return self.base.n_weeks

    @property
    def last_monday(self) -> date:
        """Monday of the last week on the week axis."""
        return self.first_monday + timedelta(weeks=self.n_weeks - 1)

    @property
    def tables(self) -> tuple[CellTable, ...]:
        """The cell tables every query adds up."""
        return (self.base,) if self.delta is None else (self.base, self.delta)

    @property
    def nbytes(self) -> int:
        """Memory held by the cells and their sums."""
        return sum(t.nbytes for t in self.tables)

    def total(self) -> int:
        """All counts in the cube."""
        return sum(t.total() for t in self.tables)

    def week_index(self, monday: date) -> int:
        """Index of the week starting ``monday`` (may be outside the axis)."""
        return (monday - self.first_monday).days // 7

    def mondays(self, first: int, stop: int) -> list[date]:
        """Mondays of week indices ``first`` (inclusive) to ``stop`` (exclusive)."""
        return [self.first_monday + timedelta(weeks=i) for i in range(first, stop)]

    def positions(self, wanted: tuple[str, ...], known: tuple[str, ...]) -> np.ndarray:
        """Bool per code of ``known``: chosen by ``wanted`` (empty: all)."""
        return np.array([not wanted or code in wanted for code in known], dtype=bool)

    def combo_mask(
        self,
        categories: tuple[str, ...] = (),
        sources: tuple[str, ...] = (),
        ages: tuple[str, ...] = (),
    ) -> np.ndarray:
        """Bool per combo: its category, source and age are chosen (empty: all).

        Raises ``KeyError`` for an unknown category, source or age code."""
        unknown = sorted(set(categories) - set(self.categories)) + sorted(
            set(sources) - set(self.sources)
        )
        if unknown:
            msg = f"unknown categories or sources: {', '.join(unknown)}"
            raise KeyError(msg)
        bad_ages = sorted(set(ages) - set(AGE_AXIS))
        if bad_ages:
            msg = f"unknown age bands: {', '.join(bad_ages)}"
            raise KeyError(msg)
        cmask = self.positions(categories, self.categories)
        smask = self.positions(sources, self.sources)
        amask = np.array([not ages or a in ages for a in AGE_AXIS], dtype=bool)
        return (cmask[:, None, None] & smask[None, :, None] & amask[None, None, :]).ravel()

    def _week_bounds(self, first_monday: date, last_monday: date) -> tuple[int, int]:
        lo = max(0, self.week_index(first_monday))
        hi = min(self.n_weeks, self.week_index(last_monday) + 1)
        return lo, max(lo, hi)

    def area_category(self, lo: int, hi: int, *, keys: bool = False) -> np.ndarray:
        """Sums per area and category over week indices ``lo:hi`` (all sources and ages),
        read-only (recent answers are kept and shared)."""
        lo, hi = max(lo, 0), max(min(hi, self.n_weeks), 0)
        cached = self._sums.get((lo, hi, keys))
        if cached is not None:
            return cached
        out = self.base.area_category(lo, hi, keys=keys)
        if self.delta is not None:
            out += self.delta.area_category(lo, hi, keys=keys)
        out.setflags(write=False)
        if len(self._sums) >= SUMS_KEPT:
            self._sums.pop(next(iter(self._sums)), None)
        self._sums[(lo, hi, keys)] = out
        return out

    def per_area(
        self,
        *,
        first_monday: date,
        last_monday: date,
        categories: tuple[str, ...] = (),
        sources: tuple[str, ...] = (),
        ages: tuple[str, ...] = (),
        area_mask: np.ndarray | None = None,
        keys: bool = False,
    ) -> np.ndarray:
        """Total per area (own records only) over the weeks and filters; empty = all.

        Only areas in ``area_mask`` (bool per area) are summed; the others are 0.
        With ``keys`` the record keys are summed instead of the counts.
        """
        combos = self.combo_mask(categories, sources, ages)
        lo, hi = self._week_bounds(first_monday, last_monday)
        n_areas = len(self.areas.codes)
        if not sources and (not ages or set(ages) == set(AGE_AXIS)):
            # Only categories filter: the prefix sums answer any period.
            cmask = self.positions(categories, self.categories).astype(np.int64)
            out = self.area_category(lo, hi, keys=keys) @ cmask
        else:
            out = np.zeros(n_areas, dtype=np.int64)
            chosen = None if area_mask is None else np.flatnonzero(area_mask)
            for table in self.tables:
                rows = table.rows_in(lo, hi, chosen)
                index = np.where(combos[table.combo[rows]], table.area[rows], -1)
                out += table.sums(rows, index, n_areas, keys=keys)
        if area_mask is not None:
            out[~np.asarray(area_mask, dtype=bool)] = 0
        return out

    def _whole_group(self, chosen: np.ndarray) -> int | None:
        """The group (kommun) of the roll-up when ``chosen`` is exactly all its areas."""
        groups = self.base.group_of_area
        if groups is None or not chosen.any():
            return None
        first = int(groups[int(np.argmax(chosen))])
        if first < 0:
            return None
        whole = groups == first
        return first if bool((whole == chosen).all()) else None

    def per_week(
        self,
        *,
        first_monday: date,
        last_monday: date,
        area_mask: np.ndarray,
        categories: tuple[str, ...] = (),
        sources: tuple[str, ...] = (),
        ages: tuple[str, ...] = (),
    ) -> pd.DataFrame:
        """Weekly totals over the areas in ``area_mask`` (bool per area), all weeks kept.

        Weeks outside the cube's axis are reported as 0: nothing was recorded then.
        A whole kommun without a source or age filter reads the kommun's weekly roll-up;
        otherwise only the chosen areas' cells when they are fewer than the period's.
        """
        combos = self.combo_mask(categories, sources, ages)
        n = max((last_monday - first_monday).days // 7 + 1, 0)
        totals = np.zeros(n, dtype=np.int64)
        key_sums = np.zeros(n, dtype=np.int64)
        lo, hi = self._week_bounds(first_monday, last_monday)
        if hi > lo:
            chosen = np.asarray(area_mask, dtype=bool)
            offset = self.week_index(first_monday)
            areas = np.flatnonzero(chosen)
            every_age = not ages or set(ages) == set(AGE_AXIS)
            group = self._whole_group(chosen) if not sources and every_age else None
            cmask = self.positions(categories, self.categories).astype(np.int64)
            span = slice(lo - offset, hi - offset)
            for table in self.tables:
                if group is not None and table.group_n is not None:
                    # One whole kommun, no source or age filter: its weekly roll-up.
                    totals[span] += table.group_weeks(group, lo, hi) @ cmask
                    key_sums[span] += table.group_weeks(group, lo, hi, keys=True) @ cmask
                    continue
                rows = table.rows_in(lo, hi, areas)
                keep = combos[table.combo[rows]] & chosen[table.area[rows]]
                index = np.where(keep, table.week[rows] - lo, -1)
                totals[span] += table.sums(rows, index, hi - lo)
                key_sums[span] += table.sums(rows, index, hi - lo, keys=True)
        mondays = [first_monday + timedelta(weeks=i) for i in range(n)]
        return pd.DataFrame({"week": mondays, "count": totals, "key": key_sums})
