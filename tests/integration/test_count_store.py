"""The count store against a brute-force recount from the database (issue 19).

After every step of a random mix of reports, imports, deletes, updates and area
changes, the cube a :class:`~data.counts.cube.CubeCache` hands out — in this
process and in a second worker process with its own cache — answers every query
exactly like a recount of the observation table, on SQLite and PostgreSQL (the
``engine`` fixture). New reports are added without a rebuild; what cannot be added
(an update, a delete, an area change) rebuilds, even when no code bumped a counter
(the database's triggers do).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pytest
from flask import Flask
from sqlalchemy import Engine, delete, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from dashboard.state import app_state, warm_up
from data.counts.cube import (
    AGE_AXIS,
    CountCube,
    CubeCache,
    build_cube,
    history_start,
    monday_of,
)
from data.counts.snapshot import database_tag
from data.storage.db import (
    COUNT_STRUCTURE_VERSION,
    bump_version,
    make_session_factory,
    read_version,
    unit_of_work,
)
from data.storage.models import Area, Observation
from data.vocabulary import AGE_BANDS, CATEGORIES, SOURCES
from tests.clock import TEST_TODAY

ROOT = Path(__file__).resolve().parents[2]
TODAY = TEST_TODAY
KOMMUN = "0380"
CATEGORY_CODES = tuple(term.code for term in CATEGORIES)
SOURCE_CODES = tuple(term.code for term in SOURCES)

# The queries every check asks: (categories, sources, ages), over the whole history,
# the last 5 weeks, and a period of 30 weeks in the middle.
FILTERS: tuple[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    ((), (), ()),
    ((CATEGORY_CODES[0], CATEGORY_CODES[2]), (), ()),
    ((), (SOURCE_CODES[1],), ()),
    ((), (), ("13-15", "okand")),
)


def periods(today: date) -> list[tuple[date, date]]:
    last = today - timedelta(days=today.weekday())
    return [
        (monday_of(history_start(today)), last),
        (last - timedelta(weeks=4), last),
        (last - timedelta(weeks=60), last - timedelta(weeks=30)),
    ]


def digest(cube: CountCube, today: date) -> dict[str, Any]:
    """What the cube answers to every check query, as plain lists."""
    out: dict[str, Any] = {"total": cube.total()}
    codes = cube.areas.codes
    half = np.arange(len(codes)) % 2 == 0
    for i, (first, last) in enumerate(periods(today)):
        for j, (categories, sources, ages) in enumerate(FILTERS):
            args = {"first_monday": first, "last_monday": last}
            filters = {"categories": categories, "sources": sources, "ages": ages}
            for keys in (False, True):
                values = cube.per_area(**args, **filters, keys=keys)  # type: ignore[arg-type]
                out[f"area {i} {j} {keys}"] = {
                    code: int(v) for code, v in zip(codes, values, strict=True) if v
                }
            weekly = cube.per_week(**args, **filters, area_mask=half)  # type: ignore[arg-type]
            out[f"week {i} {j}"] = [weekly["count"].tolist(), weekly["key"].tolist()]
    return out


class Row(NamedTuple):
    code: str
    occurred_on: date
    category_code: str
    source_code: str
    age_band: str | None
    n: int
    id: int


def recount(session: Session, today: date) -> dict[str, Any]:
    """The same answers, summed row by row from the observation table."""
    rows = session.execute(
        select(
            Area.code,
            Observation.occurred_on,
            Observation.category_code,
            Observation.source_code,
            Observation.age_band,
            Observation.count,
            Observation.id,
        ).join(Area, Area.id == Observation.area_id)
    ).all()
    codes = tuple(session.scalars(select(Area.code).order_by(Area.id)))
    half = {code for i, code in enumerate(codes) if i % 2 == 0}
    inside = [Row(*r) for r in rows if history_start(today) <= r.occurred_on <= today]
    out: dict[str, Any] = {"total": sum(r.n for r in inside)}
    for i, (first, last) in enumerate(periods(today)):
        n_weeks = (last - first).days // 7 + 1
        for j, (categories, sources, ages) in enumerate(FILTERS):
            chosen = [
                r
                for r in inside
                if first <= r.occurred_on <= last + timedelta(days=6)
                and (not categories or r.category_code in categories)
                and (not sources or r.source_code in sources)
                and (not ages or (r.age_band or "okand") in ages)
            ]
            for keys in (False, True):
                per_area: dict[str, int] = {}
                for r in chosen:
                    value = r.id if keys else r.n
                    per_area[r.code] = per_area.get(r.code, 0) + value
                out[f"area {i} {j} {keys}"] = {c: v for c, v in per_area.items() if v}
            counts, key_sums = [0] * n_weeks, [0] * n_weeks
            for r in chosen:
                if r.code in half:
                    w = (r.occurred_on - first).days // 7
                    counts[w] += r.n
                    key_sums[w] += r.id
            out[f"week {i} {j}"] = [counts, key_sums]
    return out


# --- a second worker process --------------------------------------------------------

WORKER = """
import json, sys
from datetime import date
from data.counts.cube import CubeCache
from data.storage.db import make_engine, make_session_factory
from tests.integration.test_count_store import digest
from pathlib import Path
from data.counts.snapshot import database_tag
schema, snapshots = sys.argv[2], sys.argv[3]
options = {"connect_args": {"options": f"-csearch_path={schema}"}} if schema else {}
engine = make_engine(sys.argv[1], **options)
sessions = make_session_factory(engine)
cache = CubeCache(snapshots=Path(snapshots), database=database_tag(sys.argv[1] + schema))
for line in sys.stdin:
    today = date.fromisoformat(line.strip())
    with sessions() as session:
        cube = cache.get(session, today=today)
    answer = {"digest": digest(cube, today), "builds": cache.builds, "loads": cache.loads}
    print(json.dumps(answer), flush=True)
"""


class Worker:
    """Another process with its own cube cache on the same database."""

    def __init__(self, url: str, schema: str, snapshots: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER, url, schema, str(snapshots)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, today: date) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(today.isoformat() + "\n")
        self.process.stdin.flush()
        answer: dict[str, Any] = json.loads(self.process.stdout.readline())
        return answer

    def close(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.process.stdout.close()


@pytest.fixture
def worker(engine: Engine, tmp_path: Path) -> Iterator[Worker]:
    """A second process; its cube cache writes and maps snapshots in ``tmp_path/cube``
    (as gunicorn's workers do in the instance folder)."""
    schema = ""
    if engine.dialect.name == "postgresql":  # each test has a schema of its own
        with engine.connect() as connection:
            schema = str(connection.execute(text("SELECT current_schema()")).scalar_one())
    process = Worker(engine.url.render_as_string(hide_password=False), schema, tmp_path / "cube")
    yield process
    process.close()


# --- the data -----------------------------------------------------------------------


def add_areas(session: Session, rng: random.Random, n: int = 6) -> None:
    """A kommun, two RegSO and ``n`` DeSO (synthetic, no geometry needed here)."""
    kommun = session.scalar(select(Area).where(Area.code == KOMMUN))
    if kommun is None:
        kommun = Area(code=KOMMUN, name="Testkommun", level="kommun", kommun_code=KOMMUN)
        session.add(kommun)
        session.flush()
    regso = []
    for r in range(2):
        area = Area(
            code=f"{KOMMUN}R{r}{rng.randrange(10**6)}",
            name=f"RegSO {r}",
            level="regso",
            kommun_code=KOMMUN,
            parent_id=kommun.id,
            is_synthetic=True,
        )
        session.add(area)
        regso.append(area)
    session.flush()
    for d in range(n):
        session.add(
            Area(
                code=f"{KOMMUN}D{d}{rng.randrange(10**6)}",
                name=f"DeSO {d}",
                level="deso",
                kommun_code=KOMMUN,
                parent_id=regso[d % 2].id,
                is_synthetic=True,
            )
        )


def observations(
    session: Session, rng: random.Random, n: int, *, span: int = 700, on: date | None = None
) -> None:
    area_ids = list(session.scalars(select(Area.id)))
    for _ in range(n):
        session.add(
            Observation(
                area_id=rng.choice(area_ids),
                occurred_on=on or TODAY - timedelta(days=rng.randrange(span)),
                category_code=rng.choice(CATEGORY_CODES[:4]),
                source_code=rng.choice(SOURCE_CODES[:3]),
                age_band=rng.choice((None, *AGE_BANDS)),
                count=rng.randint(1, 4),
                is_synthetic=True,
            )
        )


def step(sessions: sessionmaker[Session], rng: random.Random, kind: str) -> None:
    """One change of the kind named, as the app (or an operator's SQL) makes it."""
    with unit_of_work(sessions) as session:
        if kind == "report":  # a form: one observation, the counter bumped
            observations(session, rng, 1, span=20)
            bump_version(session)
        elif kind == "import":
            observations(session, rng, 150)
            bump_version(session)
        elif kind == "old":  # a record dated before everything the cube holds
            observations(session, rng, 1, on=history_start(TODAY))
            bump_version(session)
        elif kind == "delete":  # plain SQL, no counter bumped: the trigger must tell
            ids = list(session.scalars(select(Observation.id)))
            gone = rng.sample(ids, k=min(len(ids), 5))
            session.execute(delete(Observation).where(Observation.id.in_(gone)))
        elif kind == "update":
            first = session.scalar(select(func.min(Observation.id)))
            session.execute(
                update(Observation)
                .where(Observation.id == first)
                .values(count=Observation.count + 7)
            )
        elif kind == "areas":  # a new layer of DeSO, some records moved into it
            add_areas(session, rng, n=2)
            session.flush()
            newest = session.scalar(select(func.max(Area.id)))
            ids = list(session.scalars(select(Observation.id)))
            moved = rng.sample(ids, k=min(len(ids), 10))
            session.execute(
                update(Observation).where(Observation.id.in_(moved)).values(area_id=newest)
            )
        else:  # pragma: no cover - the test names the kinds
            raise AssertionError(kind)


def seeded(
    engine: Engine, seed: int, n: int, *, bump: bool = True
) -> tuple[sessionmaker[Session], random.Random]:
    """A kommun with two RegSO and six DeSO, ``n`` observations (the observations
    counter bumped unless ``bump`` is false), and the random source that made them."""
    rng = random.Random(seed)
    sessions = make_session_factory(engine)
    with unit_of_work(sessions) as session:
        add_areas(session, rng)
        session.flush()
        observations(session, rng, n)
        if bump:
            bump_version(session)
    return sessions, rng


KINDS = ("report", "report", "report", "import", "delete", "update", "areas", "old")


@pytest.mark.parametrize("seed", [1, 2])
def test_every_query_equals_a_recount_after_random_changes_in_two_processes(
    engine: Engine, worker: Worker, seed: int
) -> None:
    sessions, rng = seeded(engine, seed, 400)
    cache = CubeCache()
    kinds = [rng.choice(KINDS) for _ in range(10)]
    for kind in ("start", *kinds):
        if kind != "start":
            step(sessions, rng, kind)
        with sessions() as session:
            truth = recount(session, TODAY)
            cube = cache.get(session, today=TODAY)
        assert digest(cube, TODAY) == truth, kind
        assert worker.ask(TODAY)["digest"] == truth, kind


def test_new_reports_are_added_without_a_rebuild_in_every_worker(
    engine: Engine, worker: Worker
) -> None:
    sessions, rng = seeded(engine, 7, 300)
    cache = CubeCache()
    with sessions() as session:
        before = cache.get(session, today=TODAY)
    assert worker.ask(TODAY)["builds"] == 1
    for _ in range(3):
        step(sessions, rng, "report")
        step(sessions, rng, "import")
    with sessions() as session:
        cube = cache.get(session, today=TODAY)
        truth = recount(session, TODAY)
    assert cache.builds == 1, "new observations rebuilt the cube"
    assert cube.delta is not None and cube.delta.size > 0 and cube.base is before.base
    assert digest(cube, TODAY) == truth
    answer = worker.ask(TODAY)
    assert answer["builds"] == 1 and answer["digest"] == truth
    # Another day is a new week axis end: that one rebuilds.
    with sessions() as session:
        cache.get(session, today=TODAY + timedelta(days=1))
    assert cache.builds == 2


@pytest.mark.parametrize("kind", ["delete", "update", "areas"])
def test_what_cannot_be_added_bumps_the_structure_counter_in_the_database(
    engine: Engine, kind: str
) -> None:
    """Plain SQL that no code of ours wrote still tells every cache to rebuild."""
    sessions, rng = seeded(engine, 3, 50, bump=False)
    with sessions() as session:
        before = read_version(session, COUNT_STRUCTURE_VERSION)
    step(sessions, rng, kind)
    with sessions() as session:
        assert read_version(session, COUNT_STRUCTURE_VERSION) > before


def test_a_late_commit_below_the_builds_last_id_is_not_lost(pg_engine: Engine) -> None:
    """PostgreSQL hands out ids before commit: a transaction that took id n may commit
    after one that took n + 1 and after a full build that saw n + 1. The cache notices
    (the rows up to the build's last id are counted again) and rebuilds."""
    sessions, rng = seeded(pg_engine, 5, 20)
    slow = sessions()
    observations(slow, rng, 1)
    slow.flush()  # id n taken, not committed
    with unit_of_work(sessions) as session:
        observations(session, rng, 1)  # id n + 1, committed first
        bump_version(session)
    cache = CubeCache()
    with sessions() as session:
        cache.get(session, today=TODAY)
    bump_version(slow)
    slow.commit()
    slow.close()
    with sessions() as session:
        cube = cache.get(session, today=TODAY)
        assert digest(cube, TODAY) == recount(session, TODAY)
    assert cache.builds == 2


def test_the_cube_holds_only_non_zero_cells(engine: Engine) -> None:
    """Memory follows what was recorded: one row per non-zero cell, not per possible one."""
    sessions, _ = seeded(engine, 11, 200, bump=False)
    with sessions() as session:
        cube = build_cube(session, today=TODAY)
        distinct = session.execute(
            text(
                "SELECT count(*) FROM (SELECT DISTINCT area_id, occurred_on, category_code, "
                "source_code, age_band FROM observation) AS cells"
            )
        ).scalar_one()
    possible = len(cube.areas.codes) * cube.n_weeks * len(cube.categories) * len(cube.sources)
    assert cube.base.size <= distinct
    assert cube.base.size < possible * len(AGE_AXIS) / 100


def test_a_worker_builds_its_cube_as_it_starts(app: Flask) -> None:
    """gunicorn's post_worker_init starts the build in the background (warm_up): the
    first request finds the cube ready instead of waiting for it."""
    state = app_state(app)
    state.cubes = CubeCache()
    warm_up(app).join(timeout=60)
    assert state.cubes.builds == 1
    with state.sessions() as session:
        state.cubes.get(session, today=TEST_TODAY)
    assert state.cubes.builds == 1
    conf = (ROOT / "gunicorn.conf.py").read_text(encoding="utf-8")
    assert "def post_worker_init(worker)" in conf and "warm_up(worker.wsgi)" in conf


def shared_cache(engine: Engine, folder: Path) -> CubeCache:
    return CubeCache(snapshots=folder, database=database_tag(str(engine.url)))


def test_a_second_worker_maps_the_first_workers_build(engine: Engine, tmp_path: Path) -> None:
    """One worker builds and writes the snapshot; the next maps it (no build), adds the
    reports made since, and answers like a recount. What changes counts otherwise, a
    new day or another database is built anew."""
    sessions, rng = seeded(engine, 13, 300)
    folder = tmp_path / "cube"
    first = shared_cache(engine, folder)
    with sessions() as session:
        first.get(session, today=TODAY)
    assert (first.builds, first.loads) == (1, 0)
    step(sessions, rng, "report")
    second = shared_cache(engine, folder)
    with sessions() as session:
        cube = second.get(session, today=TODAY)
        truth = recount(session, TODAY)
    assert (second.builds, second.loads) == (0, 1)
    assert isinstance(cube.base.n, np.memmap) and not cube.base.n.flags.writeable
    assert cube.delta is not None and digest(cube, TODAY) == truth
    # Another day, another database, a structure change: built anew.
    with sessions() as session:
        shared_cache(engine, folder).get(session, today=TODAY + timedelta(days=1))
    other = CubeCache(snapshots=folder, database="another-database")
    with sessions() as session:
        other.get(session, today=TODAY + timedelta(days=1))
    assert (other.builds, other.loads) == (1, 0)
    step(sessions, rng, "delete")
    third = shared_cache(engine, folder)
    with sessions() as session:
        cube = third.get(session, today=TODAY)
        assert digest(cube, TODAY) == recount(session, TODAY)
    assert (third.builds, third.loads) == (1, 0)
    assert len(list(folder.glob("cube-*"))) == 1, "older snapshots are removed"


def test_a_snapshot_whose_rows_changed_is_not_used(engine: Engine, tmp_path: Path) -> None:
    """Rows counted by the build that are gone without a counter moving (a restored
    backup, a hand edit with the triggers off) are noticed by their number."""
    sessions, _ = seeded(engine, 17, 100)
    folder = tmp_path / "cube"
    with sessions() as session:
        shared_cache(engine, folder).get(session, today=TODAY)
    meta_path = next(folder.glob("cube-*")) / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["base_rows"] += 1
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    cache = shared_cache(engine, folder)
    with sessions() as session:
        cube = cache.get(session, today=TODAY)
        assert digest(cube, TODAY) == recount(session, TODAY)
    assert (cache.builds, cache.loads) == (1, 0)


def test_a_postgresql_build_settles_once_no_older_transaction_runs(pg_engine: Engine) -> None:
    """The recount of the rows up to the build's last id runs only while a transaction
    older than the build may still commit; then the cube is settled and stops recounting."""
    sessions, rng = seeded(pg_engine, 19, 30)
    slow = sessions()
    try:
        observations(slow, rng, 1)
        slow.flush()  # a transaction running while the cube is built
        cache = CubeCache()
        with sessions() as session:
            built = cache.get(session, today=TODAY)
        assert not built.settled and built.horizon == 0
        step(sessions, rng, "report")
        with sessions() as session:
            assert not cache.get(session, today=TODAY).settled, "the slow one still runs"
    finally:
        slow.rollback()
        slow.close()
    # Another client of the same server (autovacuum, another program) may hold an
    # older transaction a moment longer: settling waits for it, and so does the test.
    for _ in range(50):
        step(sessions, rng, "report")
        with sessions() as session:
            cube = cache.get(session, today=TODAY)
            assert digest(cube, TODAY) == recount(session, TODAY)
        if cube.settled:
            break
        time.sleep(0.1)
    with pg_engine.connect() as connection:
        older = connection.execute(
            text("SELECT pid, state, query FROM pg_stat_activity WHERE backend_xid IS NOT NULL")
        ).all()
    assert cube.settled, f"transactions still running: {older}"
    assert cache.builds == 1
