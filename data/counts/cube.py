"""Dense count cube ``area × week × category × source × age`` for fast map and trend queries.

The cube is built from one grouped SQL query and cached per process; a version
counter in the database (bumped by every write of observations or areas) tells
the cache when to rebuild. A query is then a slice and a sum in numpy.

The age dimension is stored as the all-ages arrays (``counts``, ``keys``: what every
query without an age filter reads, exactly as before) plus one array per stored age
band (``age_counts``, ``age_keys``); "unknown age" is the total minus the three bands.
A query for some bands reads only their arrays (see :meth:`CountCube.values`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.storage.db import read_version
from data.storage.models import Area, AreaMember, Category, Observation, Source
from data.vocabulary import AGE_BANDS, AGE_GROUPS, AGE_UNKNOWN, codes

NO_AREA = -1
AGE_AXIS = codes(AGE_GROUPS)
"""The age axis: ``10-12``, ``13-15``, ``16-18`` and ``okand`` (no band stored)."""
HISTORY_YEARS = 10
"""The cube (and every period) covers at most this many years back, up to today."""


def history_start(today: date) -> date:
    """First day the dashboard covers: 1 January ``HISTORY_YEARS`` years ago."""
    return date(today.year - HISTORY_YEARS, 1, 1)


def monday_of(day: date) -> date:
    """Return the Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def iso_week_label(monday: date) -> str:
    """Return the ISO week label of a Monday, e.g. ``"2026-W14"``."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True, slots=True)
class AreaIndex:
    """All areas with their hierarchy, as arrays aligned on the cube's area axis."""

    ids: tuple[int, ...]
    """Database ids, in axis order."""
    codes: tuple[str, ...]
    names: tuple[str, ...]
    levels: tuple[str, ...]
    kommun_codes: tuple[str, ...]
    parent: np.ndarray
    """Index of each area's parent, or ``NO_AREA``."""
    population: tuple[int | None, ...]
    synthetic: tuple[bool, ...]
    own_area: np.ndarray
    """Index of the composed own area (``custom``) an area is a member of, or ``NO_AREA``."""

    def position(self, code: str) -> int:
        """Return the index of ``code``; raise ``KeyError`` for an unknown area."""
        try:
            return self.codes.index(code)
        except ValueError:
            msg = f"unknown area {code!r}"
            raise KeyError(msg) from None

    def ancestor_at(self, level: str) -> np.ndarray:
        """For each area, the index of itself or its nearest ancestor at ``level``.

        ``NO_AREA`` where there is none: a record stored at a coarser level (a
        kommun-level polisen report) is never attributed to a finer area.
        """
        out = np.full(len(self.codes), NO_AREA, dtype=np.int64)
        for i in range(len(self.codes)):
            j = i
            # The hierarchy is shallow (DeSO → RegSO → kommun); the bound guards cycles.
            for _ in range(8):
                if self.levels[j] == level:
                    out[i] = j
                    break
                # An own area composed of DeSO/RegSO collects its members' records.
                if level == "custom" and int(self.own_area[j]) != NO_AREA:
                    out[i] = int(self.own_area[j])
                    break
                j = int(self.parent[j])
                if j == NO_AREA:
                    break
        return out


@dataclass(frozen=True, slots=True)
class CountCube:
    """Incident counts per area, ISO week, category and source (int32)."""

    version: int
    areas: AreaIndex
    first_monday: date
    categories: tuple[str, ...]
    sources: tuple[str, ...]
    counts: np.ndarray
    """Shape ``(n_areas, n_weeks, n_categories, n_sources)``."""
    keys: np.ndarray
    """Same shape, int64: the sum of the record keys (observation ids) of each cell.

    Any aggregate's key is the sum of its cells' keys, so the same set of records
    always has the same key whichever filters reached it — the cell key of the
    cell key method (see :mod:`data.privacy.disclosure`)."""
    age_counts: np.ndarray
    """Shape ``(3, *counts.shape)``: the counts of each stored band (:data:`AGE_BANDS`);
    unknown age is ``counts`` minus their sum. In the narrowest integer type that holds
    every cell (int8 for most data: the age arrays would otherwise be 3× the cube)."""
    age_keys: np.ndarray
    """The record keys of each stored band, like ``age_counts``, narrowest type too
    (int32 while every cell's sum of ids fits). Sums are exact in any type, so total
    minus bands is exactly the key of the unknown-age records."""

    @property
    def n_weeks(self) -> int:
        """Number of weeks on the week axis."""
        return int(self.counts.shape[1])

    @property
    def last_monday(self) -> date:
        """Monday of the last week on the week axis."""
        return self.first_monday + timedelta(weeks=self.n_weeks - 1)

    def week_index(self, monday: date) -> int:
        """Index of the week starting ``monday`` (may be outside the axis)."""
        return (monday - self.first_monday).days // 7

    def mondays(self, first: int, stop: int) -> list[date]:
        """Mondays of week indices ``first`` (inclusive) to ``stop`` (exclusive)."""
        return [self.first_monday + timedelta(weeks=i) for i in range(first, stop)]

    def values(self, ages: tuple[str, ...] = (), *, keys: bool = False) -> np.ndarray | AgeView:
        """The counts (or record keys) of the age groups ``ages`` (empty or all four: every
        age — the plain array), indexable like the array by ``[areas, weeks]``.

        Raises ``KeyError`` for an unknown age code."""
        unknown = sorted(set(ages) - set(AGE_AXIS))
        if unknown:
            msg = f"unknown age bands: {', '.join(unknown)}"
            raise KeyError(msg)
        if not ages or set(ages) == set(AGE_AXIS):
            return self.keys if keys else self.counts
        return AgeView(self, tuple(a for a in AGE_AXIS if a in ages), keys)

    def _masks(
        self, categories: tuple[str, ...], sources: tuple[str, ...]
    ) -> tuple[np.ndarray, np.ndarray]:
        unknown = sorted(set(categories) - set(self.categories)) + sorted(
            set(sources) - set(self.sources)
        )
        if unknown:
            msg = f"unknown categories or sources: {', '.join(unknown)}"
            raise KeyError(msg)
        cmask = np.array([not categories or c in categories for c in self.categories], np.int64)
        smask = np.array([not sources or s in sources for s in self.sources], np.int64)
        return cmask, smask

    def _week_bounds(self, first_monday: date, last_monday: date) -> tuple[int, int]:
        lo = max(0, self.week_index(first_monday))
        hi = min(self.n_weeks, self.week_index(last_monday) + 1)
        return lo, max(lo, hi)

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
        cmask, smask = self._masks(categories, sources)
        lo, hi = self._week_bounds(first_monday, last_monday)
        out = np.zeros(len(self.areas.codes), dtype=np.int64)
        rows = np.flatnonzero(area_mask) if area_mask is not None else slice(None)
        values = self.values(ages, keys=keys)
        # Summing the weeks first leaves a small (areas, categories, sources) block.
        block = values[rows, lo:hi].sum(axis=1, dtype=np.int64)
        out[rows] = (block @ smask) @ cmask
        return out

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
        """
        cmask, smask = self._masks(categories, sources)
        arrays = (self.values(ages), self.values(ages, keys=True))
        n = (last_monday - first_monday).days // 7 + 1
        totals = np.zeros(max(n, 0), dtype=np.int64)
        key_sums = np.zeros(max(n, 0), dtype=np.int64)
        lo, hi = self._week_bounds(first_monday, last_monday)
        if hi > lo:
            chosen = area_mask.astype(bool)
            offset = self.week_index(first_monday)
            for out, values in zip((totals, key_sums), arrays, strict=True):
                block = values[chosen, lo:hi]
                sums = np.einsum("awcs,c,s->w", block, cmask, smask, dtype=np.int64)
                out[lo - offset : hi - offset] = sums
        mondays = [first_monday + timedelta(weeks=i) for i in range(len(totals))]
        return pd.DataFrame({"week": mondays, "count": totals, "key": key_sums})


@dataclass(frozen=True, slots=True)
class AgeView:
    """Some age groups of a cube's counts (or keys), read like the array: ``view[areas,
    weeks]`` gives the int64 sum of the groups' blocks (only those blocks are read)."""

    cube: CountCube
    ages: tuple[str, ...]
    keys: bool = False

    def __getitem__(self, index: tuple[Any, slice]) -> np.ndarray:
        rows, weeks = index
        bands = self.cube.age_keys if self.keys else self.cube.age_counts
        if AGE_UNKNOWN in self.ages:
            # Unknown plus some bands: everything minus the bands not chosen.
            total = self.cube.keys if self.keys else self.cube.counts
            out = np.array(total[rows, weeks], dtype=np.int64)
            for b, band in enumerate(AGE_BANDS):
                if band not in self.ages:
                    out -= bands[b][rows, weeks]
            return out
        chosen = [AGE_BANDS.index(a) for a in self.ages]
        out = np.array(bands[chosen[0]][rows, weeks], dtype=np.int64)
        for b in chosen[1:]:
            out += bands[b][rows, weeks]
        return out

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of the cube's arrays."""
        return tuple(self.cube.counts.shape)


def _load_areas(session: Session) -> AreaIndex:
    rows = session.execute(
        select(
            Area.id,
            Area.code,
            Area.name,
            Area.level,
            Area.kommun_code,
            Area.parent_id,
            Area.population_10_19,
            Area.is_synthetic,
        ).order_by(Area.id)
    ).all()
    position = {row.id: i for i, row in enumerate(rows)}
    parent = np.array(
        [position.get(row.parent_id, NO_AREA) if row.parent_id else NO_AREA for row in rows],
        dtype=np.int64,
    )
    own_area = np.full(len(rows), NO_AREA, dtype=np.int64)
    for owner_id, member_id in session.execute(select(AreaMember.area_id, AreaMember.member_id)):
        if owner_id in position and member_id in position:
            own_area[position[member_id]] = position[owner_id]
    return AreaIndex(
        ids=tuple(r.id for r in rows),
        codes=tuple(r.code for r in rows),
        names=tuple(r.name for r in rows),
        levels=tuple(r.level for r in rows),
        kommun_codes=tuple(r.kommun_code for r in rows),
        parent=parent,
        population=tuple(r.population_10_19 for r in rows),
        synthetic=tuple(bool(r.is_synthetic) for r in rows),
        own_area=own_area,
    )


def build_cube(session: Session, *, today: date) -> CountCube:
    """Build the cube from the database in one grouped query.

    The week axis runs from the first recorded week to the current week, so "the
    last 4 weeks" always exists. Records dated before :func:`history_start` or
    after today are left out: one mistyped year must not blow the axis up to
    centuries (ingest refuses such dates; this guards the memory regardless).
    """
    version = read_version(session)
    areas = _load_areas(session)
    categories = tuple(session.scalars(select(Category.code).order_by(Category.sort_order)))
    sources = tuple(session.scalars(select(Source.code).order_by(Source.sort_order)))
    grouped = session.execute(
        select(
            Observation.area_id,
            Observation.occurred_on,
            Observation.category_code,
            Observation.source_code,
            Observation.age_band,
            func.sum(Observation.count),
            func.sum(Observation.id),
        )
        .where(Observation.occurred_on.between(history_start(today), today))
        .group_by(
            Observation.area_id,
            Observation.occurred_on,
            Observation.category_code,
            Observation.source_code,
            Observation.age_band,
        )
    ).all()
    current = monday_of(today)
    frame = pd.DataFrame(
        grouped, columns=["area_id", "day", "category", "source", "age", "n", "key"]
    )
    if frame.empty:
        first_monday = last_monday = current
    else:
        days = pd.to_datetime(frame["day"])
        first_monday = monday_of(days.min().date())
        last_monday = current
    n_weeks = (last_monday - first_monday).days // 7 + 1
    counts = np.zeros((len(areas.codes), n_weeks, len(categories), len(sources)), dtype=np.int32)
    keys = np.zeros(counts.shape, dtype=np.int64)
    if not frame.empty:
        position = {area_id: i for i, area_id in enumerate(areas.ids)}
        a = frame["area_id"].map(position).to_numpy(dtype=np.int64)
        w = ((days - pd.Timestamp(first_monday)).dt.days // 7).to_numpy(dtype=np.int64)
        c = frame["category"].map({code: i for i, code in enumerate(categories)}).to_numpy(np.int64)
        s = frame["source"].map({code: i for i, code in enumerate(sources)}).to_numpy(np.int64)
        n = frame["n"].to_numpy(dtype=np.int64)
        key = frame["key"].to_numpy(dtype=np.int64)
        np.add.at(counts, (a, w, c, s), n.astype(np.int32))
        np.add.at(keys, (a, w, c, s), key)
        band = frame["age"].map({code: i for i, code in enumerate(AGE_BANDS)})
        known = band.notna().to_numpy()
        b = band[known].to_numpy(dtype=np.int64)
        at = (b, a[known], w[known], c[known], s[known])
        shape = (len(AGE_BANDS), *counts.shape)
        age_counts = _narrowest(at, n[known], shape)
        age_keys = _narrowest(at, key[known], shape)
    else:
        age_counts = np.zeros((len(AGE_BANDS), *counts.shape), dtype=np.int8)
        age_keys = np.zeros(age_counts.shape, dtype=np.int32)
    return CountCube(
        version, areas, first_monday, categories, sources, counts, keys, age_counts, age_keys
    )


def _narrowest(
    at: tuple[np.ndarray, ...], values: np.ndarray, shape: tuple[int, ...]
) -> np.ndarray:
    """``values`` (positive) summed into an array of ``shape`` at ``at``, in the narrowest
    integer type that holds every sum exactly (int8, int16, int32, else int64): most age
    cells are small, and readers widen to int64 before they add (:class:`AgeView`). The
    largest sum is found first, so no wide temporary of ``shape`` is ever allocated."""
    cells = np.ravel_multi_index(at, shape)
    top = int(pd.Series(values).groupby(cells).sum().max()) if len(values) else 0
    dtype: type[np.signedinteger[Any]] = np.int64
    for narrow in (np.int8, np.int16, np.int32):
        if top <= np.iinfo(narrow).max:
            dtype = narrow
            break
    out = np.zeros(shape, dtype=dtype)
    # Partial sums never exceed a cell's total (values are positive): exact in ``dtype``.
    np.add.at(out, at, values.astype(dtype))
    return out


@dataclass
class CubeCache:
    """Per-process cache of the cube, rebuilt when the database version changes.

    One instance lives on the Flask app (``app.extensions``); it is not module state.
    """

    _cube: CountCube | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, session: Session, *, today: date) -> CountCube:
        """Return a cube no older than the database's current version, reaching ``today``."""
        version = read_version(session)
        cube = self._cube
        if cube is not None and cube.version == version and cube.last_monday >= monday_of(today):
            return cube
        with self._lock:
            cube = self._cube
            if cube is None or cube.version != version or cube.last_monday < monday_of(today):
                cube = build_cube(session, today=today)
                self._cube = cube
            return cube

    def clear(self) -> None:
        """Forget the cached cube (tests and admin actions)."""
        with self._lock:
            self._cube = None
