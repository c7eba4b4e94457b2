"""Benchmark of the count store at national scale (issue 19), on ``national.py``'s database.

Measures, in one run, against a naive pandas baseline doing the same work:

- **B1 query latency** (p50/p95 of ``--reps`` calls after a warm-up) of the map
  (:func:`~data.counts.overview.map_values`), the trend
  (:func:`~data.counts.overview.weekly_trend`) and the API table
  (:func:`~data.counts.aggregates.aggregate`, ``group_by`` area + category) for periods of
  1, 4, 12, 52, 104 and 520 weeks, for an administrator (who sees every kommun) looking
  at one kommun's DeSO (by default the kommun with the most DeSO). The fast path is what
  a request pays: ``CubeCache.get`` (the version check) plus the query. The baseline reads
  every observation row once into a DataFrame kept in memory; per query it filters
  kommun, period and categories, groups per area (per week, per area and category) and
  runs the same :func:`~data.privacy.disclosure.protect`. Both must publish the same
  tables (printed; a difference is reported, the timings then compare different work).
- **B2 memory**: the process's RSS and USS (``/proc/self/smaps_rollup``) at the start,
  after the baseline's DataFrame is loaded (the baseline is timed first, so its figures
  exist even when the cube does not fit) and after the cube is built.
- **B3 freshness**: the cold build (empty cache → ready) and, for one new report stored
  through the report form's path (:func:`~data.ingest.observation_store.store_observation`),
  the time until ``CubeCache.get`` returns a cube that counts it.

Only public functions are used (``CubeCache.get``, ``CountCube.per_area``/``areas``,
``map_values``, ``weekly_trend``, ``aggregate``, ``protect``), so the script keeps working
when the cube's internals change. A watchdog stops the run (exit 3, the figures so far
written to ``--json``) when the process's RSS passes ``--max-rss-gb``: a dense national
cube may not fit. Prints figures only; nothing asserts a timing. Each run stores
``--new-reports`` more synthetic reports in the database. Run from the project root::

    .venv/bin/python bench/bench_national.py --db bench/.national/200000 [--reps 20] [--json f.json]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, Python puts bench/ on the path, not the project root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import json
import os
import platform
import resource
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from national import MANIFEST, project_today
from report import print_table, wall_times
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from data.access.scope import Selection, Viewer, last_weeks
from data.access.users import create_user
from data.counts.aggregates import aggregate
from data.counts.cube import CubeCache, iso_week_label, monday_of
from data.counts.overview import map_values, weekly_trend
from data.ingest.observation_store import store_observation
from data.privacy.disclosure import AudienceLevel, ProtectedCounts, protect
from data.storage.db import make_engine, make_session_factory, unit_of_work
from data.storage.models import Area, Category, Observation, User

PERIODS = (1, 4, 12, 52, 104, 520)
QUERIES = ("map", "trend", "api")
WARMUP = 2
BENCH_USER = "bench-national"
MIB = 1024 * 1024

Results = dict[str, Any]


# --- memory -----------------------------------------------------------------------------


def memory() -> dict[str, float]:
    """This process's RSS, USS (private pages) and peak RSS so far, in MiB."""
    fields: dict[str, int] = {}
    with open("/proc/self/smaps_rollup", encoding="ascii") as rollup:
        for line in rollup:
            parts = line.split()
            if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                fields[parts[0][:-1]] = int(parts[1])
    uss_kib = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "rss_mib": fields.get("Rss", 0) / 1024,
        "uss_mib": uss_kib / 1024,
        "peak_rss_mib": peak_kib / 1024,
    }


def memory_available_gb() -> float:
    """The machine's ``MemAvailable`` (free memory plus what the page cache would give up)."""
    with open("/proc/meminfo", encoding="ascii") as meminfo:
        for line in meminfo:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024**2
    return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 1024**3


def start_watchdog(limit_gb: float, results: Results, json_path: Path | None) -> None:
    """Stop the process (exit 3) when its RSS passes ``limit_gb``, saving what was measured."""

    def watch() -> None:
        while True:
            rss_gb = memory()["rss_mib"] / 1024
            if rss_gb > limit_gb:
                results["stopped"] = f"RSS {rss_gb:.1f} GB passed --max-rss-gb {limit_gb:.1f}"
                print(f"\nSTOPPED: {results['stopped']}", flush=True)
                write_json(json_path, results)
                os._exit(3)
            time.sleep(0.2)

    threading.Thread(target=watch, daemon=True, name="rss-watchdog").start()


def write_json(path: Path | None, results: Results) -> None:
    """Write the figures measured so far (when a path was given)."""
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")


# --- the baseline -----------------------------------------------------------------------


class Baseline:
    """Every observation row in memory; each query filters, groups and protects in pandas."""

    def __init__(self, session: Session) -> None:
        statement = select(
            Observation.id.label("record"),
            Observation.area_id,
            Observation.occurred_on,
            Observation.category_code.label("category"),
            Observation.count,
        )
        frame = pd.read_sql(statement, session.connection())
        areas = pd.read_sql(
            select(
                Area.id, Area.code, Area.name, Area.level, Area.kommun_code, Area.is_synthetic
            ).order_by(Area.id),
            session.connection(),
        )
        frame["occurred_on"] = pd.to_datetime(frame["occurred_on"])
        frame["category"] = frame["category"].astype("category")
        frame["kommun"] = frame["area_id"].map(areas.set_index("id")["kommun_code"])
        frame["kommun"] = frame["kommun"].astype("category")
        self.rows = frame
        self.areas = areas
        self.categories = tuple(
            session.scalars(select(Category.code).order_by(Category.sort_order))
        )

    def selected(self, selection: Selection) -> pd.DataFrame:
        """The rows of the selection's kommun, weeks and categories."""
        rows = self.rows
        end = pd.Timestamp(selection.last_monday + timedelta(days=6))
        keep = (
            (rows["kommun"] == selection.kommun_code)
            & (rows["occurred_on"] >= pd.Timestamp(selection.first_monday))
            & (rows["occurred_on"] <= end)
        )
        if selection.categories:
            keep &= rows["category"].isin(selection.categories)
        return rows[keep]

    def units(self, selection: Selection) -> pd.DataFrame:
        """The areas shown: the kommun's areas of the level, in the cube's order (by id)."""
        areas = self.areas
        return areas[
            (areas["kommun_code"] == selection.kommun_code) & (areas["level"] == selection.level)
        ]

    def map_values(self, selection: Selection, viewer: Viewer) -> ProtectedCounts:
        """Per-area counts and record keys (sum of observation ids), then ``protect``."""
        grouped = self.selected(selection).groupby("area_id")
        counts, keys = grouped["count"].sum(), grouped["record"].sum()
        shown = self.units(selection)
        frame = pd.DataFrame(
            {
                "code": shown["code"].to_numpy(),
                "name": shown["name"].to_numpy(),
                "synthetic": shown["is_synthetic"].astype(bool).to_numpy(),
                "count": shown["id"].map(counts).fillna(0).astype("int64").to_numpy(),
                "key": shown["id"].map(keys).fillna(0).astype("int64").to_numpy(),
            }
        )
        return protect(frame, level=viewer.level, additive=True)

    def weekly_trend(self, selection: Selection, viewer: Viewer) -> ProtectedCounts:
        """Per-week counts and record keys over the kommun's areas, zeros kept, ``protect``."""
        rows = self.selected(selection)
        monday = rows["occurred_on"] - pd.to_timedelta(rows["occurred_on"].dt.day_of_week, unit="D")
        grouped = rows.groupby(monday)
        weeks = pd.date_range(selection.first_monday, selection.last_monday, freq="7D")
        counts = grouped["count"].sum().reindex(weeks, fill_value=0)
        keys = grouped["record"].sum().reindex(weeks, fill_value=0)
        mondays = [w.date() for w in weeks]
        frame = pd.DataFrame(
            {
                "week": mondays,
                "week_label": [iso_week_label(m) for m in mondays],
                "count": counts.to_numpy(dtype=np.int64),
                "key": keys.to_numpy(dtype=np.int64),
            }
        )
        return protect(frame, level=viewer.level, additive=True)

    def area_category(self, selection: Selection, viewer: Viewer) -> ProtectedCounts:
        """Counts per area × category (every pair, zeros kept), then ``protect`` as a table."""
        grouped = self.selected(selection).groupby(["area_id", "category"], observed=False)
        shown = self.units(selection)
        categories = list(selection.categories or self.categories)
        index = pd.MultiIndex.from_product([shown["id"], categories])
        counts = grouped["count"].sum().reindex(index, fill_value=0)
        keys = grouped["record"].sum().reindex(index, fill_value=0)
        frame = pd.DataFrame(
            {
                "area": np.repeat(shown["code"].to_numpy(), len(categories)),
                "category": np.tile(np.array(categories, dtype=object), len(shown)),
                "count": counts.to_numpy(dtype=np.int64),
                "key": keys.to_numpy(dtype=np.int64),
            }
        )
        return protect(frame, level=viewer.level, table_shape=(len(shown), 1, len(categories), 1))


# --- measuring --------------------------------------------------------------------------


def ms_samples(action: Callable[[], object], reps: int) -> list[float]:
    """Wall-clock milliseconds of ``reps`` calls after a warm-up (GC off while timing)."""
    return [s * 1000.0 for s in wall_times(action, reps, warmup=WARMUP)]


def pct(samples: Sequence[float], q: float) -> float:
    """The ``q``-th percentile."""
    return float(np.percentile(samples, q))


def ms(value: float) -> str:
    """Milliseconds with sensible precision."""
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 1000 else f"{value:,.0f}"


def published(table: ProtectedCounts) -> list[Any]:
    """What a table publishes: its first column and the published value of each row."""
    first = table.frame.columns[0]
    return [*zip(table.frame[first].astype(str), table.published_values(), strict=True)]


def largest_kommun(session: Session, level: str) -> str:
    """The kommun with the most areas of ``level``."""
    return str(
        session.execute(
            select(Area.kommun_code)
            .where(Area.level == level)
            .group_by(Area.kommun_code)
            .order_by(func.count().desc(), Area.kommun_code)
            .limit(1)
        ).scalar_one()
    )


def cube_path(
    factory: sessionmaker[Session], cache: CubeCache, today: date
) -> dict[str, Callable[[Selection, Viewer], ProtectedCounts]]:
    """The fast path per query: a fresh session, ``CubeCache.get``, then the query."""

    def fast(query: Callable[..., ProtectedCounts], *extra: Any) -> Callable[..., ProtectedCounts]:
        def run(selection: Selection, viewer: Viewer) -> ProtectedCounts:
            with factory() as session:
                cube = cache.get(session, today=today)
            return query(cube, selection, viewer, *extra)

        return run

    return {
        "map": fast(map_values),
        "trend": fast(weekly_trend),
        "api": fast(aggregate, ("area", "category")),
    }


def selections(kommun: str, level: str, today: date) -> list[tuple[int, Selection]]:
    """The measured selections: the last n weeks for each of :data:`PERIODS`, all filters off."""
    return [(n, Selection(kommun, level, *last_weeks(today, n))) for n in PERIODS]


Published = dict[tuple[int, str], list[Any]]


def measure_baseline(
    baseline: Baseline, viewer: Viewer, cases: Sequence[tuple[int, Selection]], reps: int
) -> tuple[list[Results], Published]:
    """B1, baseline half: samples per period and query, and what each table publishes.

    Measured before the cube is built, so the baseline's figures exist even when the
    cube does not fit in memory."""
    slow: dict[str, Callable[[Selection, Viewer], ProtectedCounts]] = {
        "map": baseline.map_values,
        "trend": baseline.weekly_trend,
        "api": baseline.area_category,
    }
    rows: list[Results] = []
    tables: Published = {}
    for n, selection in cases:
        n_rows = len(baseline.selected(selection))
        for query in QUERIES:
            tables[n, query] = published(slow[query](selection, viewer))
            samples = ms_samples(partial(slow[query], selection, viewer), reps)
            rows.append(
                {
                    "weeks": n,
                    "query": query,
                    "rows_read_baseline": n_rows,
                    "cells": len(tables[n, query]),
                    "baseline_p50_ms": pct(samples, 50),
                    "baseline_p95_ms": pct(samples, 95),
                }
            )
            print(f"  {n:>3} v {query:<5} baseline p50 {ms(pct(samples, 50))} ms", flush=True)
    return rows, tables


def measure_fast(
    fast: dict[str, Callable[[Selection, Viewer], ProtectedCounts]],
    viewer: Viewer,
    cases: Sequence[tuple[int, Selection]],
    reps: int,
    rows: list[Results],
    tables: Published,
) -> list[str]:
    """B1, fast half: adds the fast path's samples to ``rows``; returns the tables that
    differ from the baseline's."""
    problems: list[str] = []
    row = iter(rows)
    for n, selection in cases:
        for query in QUERIES:
            table = published(fast[query](selection, viewer))
            if table != tables[n, query]:
                differing = sum(f != s for f, s in zip(table, tables[n, query], strict=False))
                problems.append(f"{n} v {query}: {differing} of {len(table)} rows differ")
            samples = ms_samples(partial(fast[query], selection, viewer), reps)
            figures = next(row)
            figures["fast_p50_ms"] = pct(samples, 50)
            figures["fast_p95_ms"] = pct(samples, 95)
            print(
                f"  {n:>3} v {query:<5} fast p50 {ms(pct(samples, 50))} ms "
                f"(baseline {ms(figures['baseline_p50_ms'])} ms)",
                flush=True,
            )
    return problems


def bench_user(factory: sessionmaker[Session], kommun: str) -> int:
    """Id of the benchmark's reporting account in ``kommun`` (created on the first run)."""
    with unit_of_work(factory) as session:
        found = session.scalar(select(User.id).where(User.username == BENCH_USER))
        if found is not None:
            return int(found)
        user = create_user(
            session,
            BENCH_USER,
            secrets.token_urlsafe(24),
            role="coordinator",
            kommun_code=kommun,
        )
        session.flush()
        return int(user.id)


def measure_new_report(
    factory: sessionmaker[Session],
    cache: CubeCache,
    *,
    kommun: str,
    level: str,
    today: date,
    reps: int,
) -> list[dict[str, float]]:
    """B3: store one report through the form's path, then ``CubeCache.get`` until it counts."""
    user_id = bench_user(factory, kommun)
    with factory() as session:
        area_code = session.scalars(
            select(Area.code)
            .where(Area.kommun_code == kommun, Area.level == level)
            .order_by(Area.id)
            .limit(1)
        ).one()
    week = monday_of(today)
    samples: list[dict[str, float]] = []
    for _ in range(reps):
        with factory() as session:
            cube = cache.get(session, today=today)
        position = cube.areas.codes.index(area_code)

        def counted(cube: Any) -> int:
            return int(cube.per_area(first_monday=week, last_monday=week)[position])  # noqa: B023

        before = counted(cube)
        start = time.perf_counter()
        with unit_of_work(factory) as session:
            stored = store_observation(
                session,
                {
                    "area_code": area_code,
                    "occurred_on": today,
                    "time_band": "evening",
                    "category_code": "samling",
                    "source_code": "fritid",
                    "count": 1,
                    "group_size": "5-9",
                    "age_band": "13-15",
                    "note": None,
                },
                user_id=user_id,
                kommun_code=kommun,
            )
            stored.is_synthetic = True
        stored_s = time.perf_counter() - start
        with factory() as session:
            cube = cache.get(session, today=today)
        visible_s = time.perf_counter() - start
        if counted(cube) != before + 1:
            msg = "the new report is not counted by the cube CubeCache.get returned"
            raise RuntimeError(msg)
        samples.append({"store_ms": stored_s * 1000.0, "visible_ms": visible_s * 1000.0})
        print(f"  new report: stored {stored_s * 1000:.0f} ms, visible {visible_s:.2f} s")
    return samples


# --- report -----------------------------------------------------------------------------


def print_latency(rows: Sequence[Results]) -> None:
    """B1 as a table: one line per period and query."""
    print_table(
        [
            "period",
            "query",
            "rows read",
            "cells",
            "fast p50",
            "fast p95",
            "base p50",
            "base p95",
            "speed-up",
        ],
        [
            [
                f"{r['weeks']} v",
                r["query"],
                f"{r['rows_read_baseline']:,}",
                f"{r['cells']:,}",
                ms(r["fast_p50_ms"]),
                ms(r["fast_p95_ms"]),
                ms(r["baseline_p50_ms"]),
                ms(r["baseline_p95_ms"]),
                f"{r['baseline_p50_ms'] / r['fast_p50_ms']:.1f}x",
            ]
            for r in rows
        ],
    )


def print_memory(states: dict[str, dict[str, float]]) -> None:
    """B2 as a table: RSS, USS and peak RSS per state, MiB."""
    print_table(
        ["state", "RSS MiB", "USS MiB", "peak RSS MiB"],
        [
            [
                name,
                f"{m['rss_mib']:,.0f}",
                f"{m['uss_mib']:,.0f}",
                f"{m['peak_rss_mib']:,.0f}",
            ]
            for name, m in states.items()
        ],
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run B2/B3 (build), B1 (latency) and B3 (new report); print and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", type=Path, required=True, help="national.py's --out directory")
    parser.add_argument("--reps", type=int, default=20, help="timed calls per query and period")
    parser.add_argument("--kommun", default=None, help="kommun code (default: most DeSO)")
    parser.add_argument("--level", default="deso", help="area level of the map and table")
    parser.add_argument("--new-reports", type=int, default=3, help="new reports timed (B3)")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument(
        "--max-rss-gb",
        type=float,
        default=None,
        help="stop (exit 3) above this RSS (default: 80 %% of the memory available at start)",
    )
    args = parser.parse_args(argv)
    if args.reps < 1 or args.new_reports < 0:
        parser.error("--reps must be at least 1 and --new-reports at least 0")
    manifest_path = args.db / MANIFEST
    if not manifest_path.exists():
        print(f"{manifest_path} is missing: build it with bench/national.py", file=sys.stderr)
        return 2
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    available_gb = memory_available_gb()
    limit_gb = args.max_rss_gb or 0.8 * available_gb
    today = project_today()
    results: Results = {
        "database": manifest,
        "today": today.isoformat(),
        "machine": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "sqlite": sqlite3.sqlite_version,
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg()[0],
            "memory_available_gb": round(available_gb, 1),
        },
        "reps": args.reps,
    }
    start_watchdog(limit_gb, results, args.json)

    print("SSP Lägesbild – count store at national scale (issue 19)")
    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}, {available_gb:.1f} GB available (stop above "
        f"{limit_gb:.1f} GB RSS); today {today}"
    )
    print(
        f"Database: {manifest['observations']:,} observations, {manifest['areas_kommun']} "
        f"kommuner, {manifest['areas_regso']:,} RegSO, {manifest['areas_deso']:,} DeSO "
        f"({manifest['database_url'].split('://')[0]})"
    )
    engine = make_engine(manifest["database_url"])
    factory = make_session_factory(engine)
    with factory() as session:
        kommun = args.kommun or largest_kommun(session, args.level)
    viewer = Viewer(role="admin", kommun_code=None, level=AudienceLevel(5))
    results["selection"] = {"kommun": kommun, "level": args.level, "viewer": "admin, k=5"}

    states = {"at the start": memory()}
    results["memory_mib"] = states
    print("\nBaseline: every observation row into one DataFrame", flush=True)
    start = time.perf_counter()
    with factory() as session:
        baseline = Baseline(session)
    load_s = time.perf_counter() - start
    states["after the baseline's DataFrame"] = memory()
    results["baseline_load_s"] = load_s
    results["baseline_frame_mib"] = baseline.rows.memory_usage(deep=True).sum() / MIB
    print(
        f"  {len(baseline.rows):,} rows in {load_s:.1f} s, "
        f"{results['baseline_frame_mib']:,.0f} MiB (pandas memory_usage)"
    )
    cases = selections(kommun, args.level, today)
    print(f"B1 baseline: kommun {kommun}, level {args.level}, {args.reps} reps", flush=True)
    latency, tables = measure_baseline(baseline, viewer, cases, args.reps)
    results["latency"] = latency
    write_json(args.json, results)

    print("\nB3/B2 cold build: CubeCache().get on an empty cache", flush=True)
    cache = CubeCache()
    start = time.perf_counter()
    with factory() as session:
        cache.get(session, today=today)
    build_s = time.perf_counter() - start
    states["after the cube"] = memory()
    results["build_s"] = build_s
    write_json(args.json, results)
    print(f"  cold build {build_s:.2f} s")

    print(f"B1 fast path: {args.reps} reps", flush=True)
    problems = measure_fast(
        cube_path(factory, cache, today), viewer, cases, args.reps, latency, tables
    )
    results["differences"] = problems
    write_json(args.json, results)

    print("\nB1 latency, ms (fast = version check + query on the cached cube)")
    print_latency(latency)
    if problems:
        print("DIFFERENCES between the fast path and the baseline (timings compare unlike work):")
        for problem in problems:
            print(f"  {problem}")
    else:
        print(f"The fast path and the baseline publish identical tables ({len(latency)} cases).")
    print("\nB2 memory")
    print_memory(states)
    before = states["after the baseline's DataFrame"]
    cube_mib = states["after the cube"]["rss_mib"] - before["rss_mib"]
    cube_uss = states["after the cube"]["uss_mib"] - before["uss_mib"]
    print(f"The cube adds {cube_mib:,.0f} MiB RSS, {cube_uss:,.0f} MiB USS.")

    # A rebuild holds the old cube and the new one at once (CubeCache.get replaces the
    # cube when the new one is ready): the watchdog may stop the run here.
    print(f"\nB3 new report: {args.new_reports} × store_observation, then CubeCache.get")
    new = measure_new_report(
        factory, cache, kommun=kommun, level=args.level, today=today, reps=args.new_reports
    )
    results["new_report"] = new
    results["memory_mib"]["at the end"] = memory()
    write_json(args.json, results)
    engine.dispose()

    print("\nB3 freshness")
    print(f"cold build (empty cache → ready): {build_s:.2f} s")
    if new:
        store = [s["store_ms"] for s in new]
        visible = [s["visible_ms"] / 1000 for s in new]
        print(
            f"one new report: stored in {pct(store, 50):.0f} ms (median of {len(new)}), "
            f"counted by CubeCache.get after {pct(visible, 50):.2f} s (max {max(visible):.2f} s)"
        )
    if args.json is not None:
        print(f"\nFigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
