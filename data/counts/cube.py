"""The count cube ``area × week × category × source × age``, sparse, for fast map and trend queries.

Only the non-zero cells are kept (:class:`~data.counts.cells.CellTable`): memory
grows with what was recorded, not with every area × week × category × source × age
that could have been. The cube is built from the database once per process and day
and kept in a :class:`CubeCache`. New observations do not rebuild it: their rows
(ids above the last full build's) are read into a small second table that every
query adds (:meth:`CubeCache.get`). What cannot be added — an update or delete of
an observation, an area or own-area change — bumps the ``count_structure``
counter in the database (triggers, migration 0020), and only that rebuilds.
Every worker of every node reads the same counters, so all stay consistent.

Every sum comes with the record keys of the cell key method: the sum of the
observation ids of the records in an aggregate, whichever filters reached it
(:mod:`data.privacy.disclosure`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Final

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.counts.area_index import NO_AREA, AreaIndex
from data.counts.cells import N_AGES, CellTable, build_table, combo_of
from data.counts.load import Records, day_number, read_records
from data.storage.db import (
    AREAS_VERSION,
    COUNT_STRUCTURE_VERSION,
    OBSERVATIONS_VERSION,
    read_version,
)
from data.storage.models import Area, AreaMember, Category, Observation, Source
from data.vocabulary import AGE_BANDS, AGE_GROUPS, codes

AGE_AXIS = codes(AGE_GROUPS)
"""The age axis: ``10-12``, ``13-15``, ``16-18`` and ``okand`` (no band stored)."""
HISTORY_YEARS = 10
"""The cube (and every period) covers at most this many years back, up to today."""
DELTA_LIMIT: Final = 100_000
"""New observations kept beside the full build before the next get rebuilds it."""


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
        if not ages:
            amask[:] = True
        return (cmask[:, None, None] & smask[None, :, None] & amask[None, None, :]).ravel()

    def _week_bounds(self, first_monday: date, last_monday: date) -> tuple[int, int]:
        lo = max(0, self.week_index(first_monday))
        hi = min(self.n_weeks, self.week_index(last_monday) + 1)
        return lo, max(lo, hi)

    def area_category(self, lo: int, hi: int, *, keys: bool = False) -> np.ndarray:
        """Sums per area and category over week indices ``lo:hi`` (all sources and ages)."""
        out = self.base.area_category(lo, hi, keys=keys)
        if self.delta is not None:
            out += self.delta.area_category(lo, hi, keys=keys)
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
        Reads only the chosen areas' cells when they are fewer than the period's.
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
            for table in self.tables:
                rows = table.rows_in(lo, hi, areas)
                keep = combos[table.combo[rows]] & chosen[table.area[rows]]
                index = np.where(keep, table.week[rows] - lo, -1)
                span = slice(lo - offset, hi - offset)
                totals[span] += table.sums(rows, index, hi - lo)
                key_sums[span] += table.sums(rows, index, hi - lo, keys=True)
        mondays = [first_monday + timedelta(weeks=i) for i in range(n)]
        return pd.DataFrame({"week": mondays, "count": totals, "key": key_sums})


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


def _records_to_table(
    records: Records,
    *,
    areas: AreaIndex,
    first_monday: date,
    n_weeks: int,
    n_categories: int,
    n_sources: int,
    prefix: bool,
) -> CellTable | None:
    """The cells of ``records``; ``None`` when one lies outside the axes (a week before
    ``first_monday`` or an area the index does not know): only a rebuild places it."""
    ids = np.asarray(areas.ids, dtype=np.int64)
    lookup = np.full(int(ids.max(initial=0)) + 2, NO_AREA, dtype=np.int64)
    lookup[ids] = np.arange(ids.size)
    area_id = np.clip(records.area_id, 0, lookup.size - 1)
    area = lookup[area_id]
    week = (records.day.astype(np.int64) - day_number(first_monday)) // 7
    if (area == NO_AREA).any() or (records.area_id >= lookup.size).any():
        return None
    if records.day.size and (int(week.min()) < 0 or int(week.max()) >= n_weeks):
        return None
    combos = combo_of(records.category, records.source, records.age, n_sources)
    return build_table(
        week,
        area,
        combos,
        records.count,
        records.id,
        n_areas=len(areas.codes),
        n_weeks=n_weeks,
        n_categories=n_categories,
        n_sources=n_sources,
        prefix=prefix,
    )


def _versions(session: Session) -> tuple[int, int, int]:
    """The observations, count-structure and areas counters."""
    return (
        read_version(session, OBSERVATIONS_VERSION),
        read_version(session, COUNT_STRUCTURE_VERSION),
        read_version(session, AREAS_VERSION),
    )


def _vocabulary(session: Session) -> tuple[tuple[str, ...], tuple[str, ...]]:
    categories = tuple(session.scalars(select(Category.code).order_by(Category.sort_order)))
    sources = tuple(session.scalars(select(Source.code).order_by(Source.sort_order)))
    return categories, sources


def build_cube(session: Session, *, today: date) -> CountCube:
    """Build the cube from the database: every observation dated in the history.

    The week axis runs from the first recorded week to the current week, so "the
    last 4 weeks" always exists. Records dated before :func:`history_start` or
    after today are left out: one mistyped year must not blow the axis up to
    centuries (ingest refuses such dates; this guards the memory regardless).
    """
    version, structure, areas_version = _versions(session)
    areas = _load_areas(session)
    categories, sources = _vocabulary(session)
    max_id, n_rows = session.execute(select(func.max(Observation.id), func.count())).one()
    max_id, n_rows = int(max_id or 0), int(n_rows or 0)
    records = read_records(
        session,
        categories=categories,
        sources=sources,
        first=history_start(today),
        last=today,
        max_id=max_id,
    )
    current = monday_of(today)
    first_monday = current
    if len(records):
        first_day = date.fromordinal(date(1970, 1, 1).toordinal() + int(records.day.min()))
        first_monday = monday_of(first_day)
    n_weeks = (current - first_monday).days // 7 + 1
    base = _records_to_table(
        records,
        areas=areas,
        first_monday=first_monday,
        n_weeks=n_weeks,
        n_categories=len(categories),
        n_sources=len(sources),
        prefix=True,
    )
    if base is None:  # an observation of an unknown area: impossible under the foreign key
        msg = "observations refer to areas the cube does not know"
        raise RuntimeError(msg)
    return CountCube(
        version=version,
        areas=areas,
        first_monday=first_monday,
        categories=categories,
        sources=sources,
        base=base,
        today=today,
        structure=structure,
        areas_version=areas_version,
        base_max_id=max_id,
        base_rows=n_rows,
    )


def add_new_observations(session: Session, cube: CountCube, version: int) -> CountCube | None:
    """``cube`` with every observation added since its full build, or ``None`` when
    only a rebuild can answer (too many new rows, one dated before the axis, or —
    on PostgreSQL, where ids are not handed out in commit order — a row with an id
    the full build had passed committed since)."""
    if session.connection().dialect.name == "postgresql":
        settled = session.scalar(
            select(func.count()).select_from(Observation).where(Observation.id <= cube.base_max_id)
        )
        if int(settled or 0) != cube.base_rows:
            return None
    assert cube.today is not None
    records = read_records(
        session,
        categories=cube.categories,
        sources=cube.sources,
        first=history_start(cube.today),
        last=cube.today,
        min_id=cube.base_max_id,
    )
    if len(records) > DELTA_LIMIT:
        return None
    delta = _records_to_table(
        records,
        areas=cube.areas,
        first_monday=cube.first_monday,
        n_weeks=cube.n_weeks,
        n_categories=len(cube.categories),
        n_sources=len(cube.sources),
        prefix=False,
    )
    if delta is None:
        return None
    return replace(cube, version=version, delta=delta if delta.size else None)


@dataclass
class CubeCache:
    """Per-process cache of the cube: new observations are added to it, anything else
    that changes counts (or a new day) rebuilds it (see the module docstring).

    One instance lives on the Flask app (``app.extensions``); it is not module state.
    """

    _cube: CountCube | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    builds: int = 0
    """Full builds done (the rest of the version changes were added incrementally)."""

    def _fresh(self, cube: CountCube | None, versions: tuple[int, int, int], today: date) -> bool:
        return (
            cube is not None
            and cube.today == today
            and (cube.version, cube.structure, cube.areas_version) == versions
        )

    def get(self, session: Session, *, today: date) -> CountCube:
        """Return a cube of the database's current counters, for ``today``."""
        versions = _versions(session)
        cube = self._cube
        if self._fresh(cube, versions, today):
            assert cube is not None
            return cube
        with self._lock:
            cube = self._cube
            if self._fresh(cube, versions, today):
                assert cube is not None
                return cube
            updated = None
            if (
                cube is not None
                and cube.today == today
                and (cube.structure, cube.areas_version) == versions[1:]
            ):
                updated = add_new_observations(session, cube, versions[0])
            if updated is None:
                updated = build_cube(session, today=today)
                self.builds += 1
            self._cube = updated
            return updated

    def clear(self) -> None:
        """Forget the cached cube (tests and admin actions)."""
        with self._lock:
            self._cube = None
