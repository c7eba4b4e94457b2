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
from pathlib import Path
from typing import Final

import numpy as np
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from data.counts import snapshot
from data.counts.area_index import NO_AREA, AreaIndex
from data.counts.cells import CellTable, build_table, combo_of
from data.counts.count_cube import AGE_AXIS, CountCube, age_position
from data.counts.load import Records, day_number, read_records
from data.storage.db import (
    AREAS_VERSION,
    COUNT_STRUCTURE_VERSION,
    OBSERVATIONS_VERSION,
    read_version,
)
from data.storage.models import Area, AreaMember, Category, Observation, Source

__all__ = [
    "AGE_AXIS",
    "NO_AREA",
    "AreaIndex",
    "CountCube",
    "CubeCache",
    "age_position",
    "build_cube",
    "history_start",
    "iso_week_label",
    "monday_of",
]

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
    groups = None
    if prefix:  # the full build: its kommun roll-up (``CellTable.group_n``)
        kommuner = {code: i for i, code in enumerate(dict.fromkeys(areas.kommun_codes))}
        groups = np.array([kommuner[code] for code in areas.kommun_codes], dtype=np.int32)
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
        group_of_area=groups,
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
    postgres = session.connection().dialect.name == "postgresql"
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
        settled=not postgres,
    )


def add_new_observations(session: Session, cube: CountCube, version: int) -> CountCube | None:
    """``cube`` with every observation added since its full build, or ``None`` when
    only a rebuild can answer (too many new rows, one dated before the axis, or —
    on PostgreSQL, where ids are not handed out in commit order — a row with an id
    the full build had passed committed since)."""
    settled, horizon = cube.settled, cube.horizon
    if not settled:
        # A transaction that took an id the build passed (before the build read the
        # largest id) had its transaction id by the first refresh after the build,
        # which takes a new one as the horizon; once every transaction below the
        # horizon has ended, one more recount settles the cube.
        if horizon == 0:
            horizon = _new_transaction_id(session)
        else:
            settled = _oldest_running(session) >= horizon
        if _rows_up_to(session, cube.base_max_id) != cube.base_rows:
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
    return replace(
        cube,
        version=version,
        delta=delta if delta.size else None,
        settled=settled,
        horizon=horizon,
        _sums={},
    )


def _rows_up_to(session: Session, last_id: int) -> int:
    """Observations (of any date) with ``id <= last_id``."""
    count = session.scalar(
        select(func.count()).select_from(Observation).where(Observation.id <= last_id)
    )
    return int(count or 0)


def _oldest_running(session: Session) -> int:
    """PostgreSQL: the oldest transaction id still running (``pg_current_snapshot``)."""
    value = session.scalar(text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"))
    return int(value or 0)


def _new_transaction_id(session: Session) -> int:
    """PostgreSQL: this transaction's id (one is assigned now if it had none): every
    transaction that took an id earlier has a smaller one."""
    value = session.scalar(text("SELECT pg_current_xact_id()::text::bigint"))
    return int(value or 0)


@dataclass
class CubeCache:
    """Per-process cache of the cube: new observations are added to it, anything else
    that changes counts (or a new day) rebuilds it (see the module docstring).

    With ``snapshots`` (a folder; ``create_app`` gives the instance folder's ``cube``)
    a full build is written there and the other workers of the node, and every worker
    that starts later the same day, map it instead of building
    (:mod:`data.counts.snapshot`). One instance lives on the Flask app
    (``app.extensions``); it is not module state.
    """

    _cube: CountCube | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    snapshots: Path | None = None
    database: str = ""
    """:func:`~data.counts.snapshot.database_tag` of the database (snapshots only)."""
    builds: int = 0
    """Full builds from the database done by this cache."""
    loads: int = 0
    """Snapshots mapped instead of a full build."""

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
                updated = self._full(session, today, versions)
            self._cube = updated
            return updated

    def _full(self, session: Session, today: date, versions: tuple[int, int, int]) -> CountCube:
        """A cube from the snapshot when one stands for this database, else a build."""
        if self.snapshots is None:
            self.builds += 1
            return build_cube(session, today=today)
        with snapshot.build_lock(self.snapshots):
            mapped = self._mapped(session, today, versions)
            if mapped is not None:
                refreshed = add_new_observations(session, mapped, versions[0])
                if refreshed is not None:
                    self.loads += 1
                    return refreshed
            cube = build_cube(session, today=today)
            self.builds += 1
            snapshot.save(self.snapshots, cube.base, self._meta(cube))
            return cube

    def _meta(self, cube: CountCube) -> dict[str, object]:
        assert cube.today is not None
        return snapshot.meta_of(
            database=self.database,
            today=cube.today,
            version=cube.version,
            structure=cube.structure,
            areas_version=cube.areas_version,
            base_max_id=cube.base_max_id,
            base_rows=cube.base_rows,
            first_monday=cube.first_monday,
            categories=cube.categories,
            sources=cube.sources,
            areas=cube.areas,
        )

    def _mapped(
        self, session: Session, today: date, versions: tuple[int, int, int]
    ) -> CountCube | None:
        assert self.snapshots is not None
        areas = _load_areas(session)
        categories, sources = _vocabulary(session)
        wanted = snapshot.meta_of(
            database=self.database,
            today=today,
            version=0,
            structure=versions[1],
            areas_version=versions[2],
            base_max_id=0,
            base_rows=0,
            first_monday=today,
            categories=categories,
            sources=sources,
            areas=areas,
        )
        compared = ("database", "today", "structure", "areas_version", "categories", "sources")

        def matches(meta: dict[str, object]) -> bool:
            return all(meta.get(k) == wanted[k] for k in (*compared, "areas"))

        found = snapshot.load(self.snapshots, matches)
        if found is None:
            return None
        table, meta = found
        base_max_id, base_rows = int(meta["base_max_id"]), int(meta["base_rows"])
        if _rows_up_to(session, base_max_id) != base_rows:
            return None
        postgres = session.connection().dialect.name == "postgresql"
        return CountCube(
            version=int(meta["version"]),
            areas=areas,
            first_monday=date.fromisoformat(str(meta["first_monday"])),
            categories=categories,
            sources=sources,
            base=table,
            today=today,
            structure=versions[1],
            areas_version=versions[2],
            base_max_id=base_max_id,
            base_rows=base_rows,
            settled=not postgres,
        )

    def clear(self) -> None:
        """Forget the cached cube (tests and admin actions)."""
        with self._lock:
            self._cube = None
