"""Benchmark of the count store (issue 19): the project's sparse cells against DuckDB and pandas.

The same records — national shape by default: 5,984 DeSO, ten years of weeks, 18
categories, 8 sources, four age groups, 10 million observations, generated here in
memory (or read from a database with ``--database``) — go into three engines, and each
answers the same questions, as the map and the trend ask them:

- **map**: counts and record keys per area, one category of three chosen, for the
  last 1, 4, 12, 52, 104 and 520 weeks;
- **map, source filter**: the same with one source chosen (the store cannot use its
  prefix sums then and reads the period's cells);
- **trend**: counts and keys per week for the 20 DeSO of one kommun, 104 and 520 weeks.

Engines: the project's :class:`~data.counts.cells.CellTable` (non-zero cells sorted by
week, prefix sums per area and category, per-area order); DuckDB over the same
non-zero cells (an in-memory table; a ``GROUP BY`` per question); pandas over the same
cells (boolean masks and ``groupby``: the naive path). Every answer is checked equal
across the three before timing (exit status 1 otherwise). Prints build time, memory
and per-question medians and p95, with ratios against pandas measured in the same run;
``--json`` writes them. Asserts no timing::

    .venv/bin/python bench/bench_count_store.py [--rows 10000000] [--reps 15]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import json
import os
import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from data.counts.cells import N_AGES, CellTable, build_table, combo_of

N_AREAS, N_WEEKS, N_CATEGORIES, N_SOURCES = 5_984, 523, 18, 8
PERIODS = (1, 4, 12, 52, 104, 520)


def rss_mb() -> float:
    """Resident memory of this process, from /proc (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def synthetic_table(rows: int, seed: int = 1) -> CellTable:
    """The cells of ``rows`` synthetic observations of national shape (ids 1..rows)."""
    rng = np.random.default_rng(seed)
    # Busy areas and weeks are busier: a skewed draw, like real reports.
    area = (rng.pareto(1.5, rows) * 300).astype(np.int64) % N_AREAS
    week = rng.integers(0, N_WEEKS, rows)
    combos = combo_of(
        rng.integers(0, N_CATEGORIES, rows),
        rng.integers(0, N_SOURCES, rows),
        rng.integers(0, N_AGES, rows),
        N_SOURCES,
    )
    n = 1 + (rng.random(rows) < 0.2).astype(np.int64)
    ids = np.arange(1, rows + 1, dtype=np.int64)
    return build_table(
        week,
        area,
        combos,
        n,
        ids,
        n_areas=N_AREAS,
        n_weeks=N_WEEKS,
        n_categories=N_CATEGORIES,
        n_sources=N_SOURCES,
    )


def cells_frame(table: CellTable) -> pd.DataFrame:
    per_category = N_SOURCES * N_AGES
    return pd.DataFrame(
        {
            "week": table.week,
            "area": table.area,
            "category": table.combo // per_category,
            "source": (table.combo // N_AGES) % N_SOURCES,
            "n": table.n.astype(np.int64),
            "key": table.key,
        }
    )


def timed(run: Callable[[], Any], reps: int) -> tuple[float, float]:
    run()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return float(np.median(times)), float(np.percentile(times, 95))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    import duckdb

    print("SSP Lägesbild – count store: sparse cells vs DuckDB vs pandas")
    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"duckdb {duckdb.__version__}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}"
    )
    before = rss_mb()
    start = time.perf_counter()
    table = synthetic_table(args.rows)
    build_s = time.perf_counter() - start
    print(
        f"{args.rows:,} observations → {table.size:,} non-zero cells of "
        f"{N_AREAS * N_WEEKS * N_CATEGORIES * N_SOURCES * N_AGES:,} possible; "
        f"store {table.nbytes / 1e6:.0f} MB (RSS +{rss_mb() - before:.0f} MB), "
        f"built in {build_s:.1f} s (dense int32+int64 cube would be "
        f"{N_AREAS * N_WEEKS * N_CATEGORIES * N_SOURCES * N_AGES * 12 / 1e9:.1f} GB)"
    )
    frame = cells_frame(table)
    start = time.perf_counter()
    db = duckdb.connect()
    db.register("cells_view", frame)
    db.execute("CREATE TABLE cells AS SELECT * FROM cells_view ORDER BY week")
    db.unregister("cells_view")
    print(f"DuckDB table loaded in {time.perf_counter() - start:.1f} s")

    category = 3
    source = 2
    kommun = np.arange(100, 120)
    kommun_mask = np.zeros(N_AREAS, dtype=bool)
    kommun_mask[kommun] = True
    per_category = N_SOURCES * N_AGES
    combo_source = (np.arange(table.n_combos) // N_AGES) % N_SOURCES == source
    combo_source &= np.arange(table.n_combos) // per_category == category

    def store_map(weeks: int) -> np.ndarray:
        lo = N_WEEKS - weeks
        by_category = table.area_category(lo, N_WEEKS)
        keys = table.area_category(lo, N_WEEKS, keys=True)
        return np.stack([by_category[:, category], keys[:, category]])

    def store_map_source(weeks: int) -> np.ndarray:
        rows = table.rows_in(N_WEEKS - weeks, N_WEEKS)
        index = np.where(combo_source[table.combo[rows]], table.area[rows], -1)
        return np.stack(
            [table.sums(rows, index, N_AREAS), table.sums(rows, index, N_AREAS, keys=True)]
        )

    def store_trend(weeks: int) -> np.ndarray:
        lo = N_WEEKS - weeks
        rows = table.rows_in(lo, N_WEEKS, kommun)
        index = np.where(kommun_mask[table.area[rows]], table.week[rows] - lo, -1)
        return np.stack([table.sums(rows, index, weeks), table.sums(rows, index, weeks, keys=True)])

    def dense(pairs: Any, size: int) -> np.ndarray:
        out = np.zeros((2, size), dtype=np.int64)
        for at, n, key in pairs:
            out[0, int(at)] = int(n)
            out[1, int(at)] = int(key)
        return out

    def duck_map(weeks: int, extra: str = "") -> np.ndarray:
        rows = db.execute(
            "SELECT area, sum(n), sum(key) FROM cells WHERE week >= ? AND category = ?"
            f"{extra} GROUP BY area",
            [N_WEEKS - weeks, category],
        ).fetchall()
        return dense(rows, N_AREAS)

    def duck_trend(weeks: int) -> np.ndarray:
        lo = N_WEEKS - weeks
        rows = db.execute(
            "SELECT week - ?, sum(n), sum(key) FROM cells WHERE week >= ? "
            "AND area BETWEEN 100 AND 119 GROUP BY week",
            [lo, lo],
        ).fetchall()
        return dense(rows, weeks)

    def pandas_map(weeks: int, by_source: bool = False) -> np.ndarray:
        chosen = (frame["week"] >= N_WEEKS - weeks) & (frame["category"] == category)
        if by_source:
            chosen &= frame["source"] == source
        sums = frame[chosen].groupby("area")[["n", "key"]].sum()
        return dense(zip(sums.index, sums["n"], sums["key"], strict=True), N_AREAS)

    def pandas_trend(weeks: int) -> np.ndarray:
        lo = N_WEEKS - weeks
        chosen = (frame["week"] >= lo) & frame["area"].between(100, 119)
        sums = frame[chosen].groupby("week")[["n", "key"]].sum()
        return dense(zip(sums.index - lo, sums["n"], sums["key"], strict=True), weeks)

    Question = tuple[str, int, dict[str, Callable[[], np.ndarray]]]

    def map_question(weeks: int) -> Question:
        return (
            "map",
            weeks,
            {
                "store": lambda: store_map(weeks),
                "duckdb": lambda: duck_map(weeks),
                "pandas": lambda: pandas_map(weeks),
            },
        )

    def source_question(weeks: int) -> Question:
        return (
            "map, one source",
            weeks,
            {
                "store": lambda: store_map_source(weeks),
                "duckdb": lambda: duck_map(weeks, f" AND source = {source}"),
                "pandas": lambda: pandas_map(weeks, by_source=True),
            },
        )

    def trend_question(weeks: int) -> Question:
        return (
            "trend, one kommun",
            weeks,
            {
                "store": lambda: store_trend(weeks),
                "duckdb": lambda: duck_trend(weeks),
                "pandas": lambda: pandas_trend(weeks),
            },
        )

    questions = [
        *(map_question(w) for w in PERIODS),
        *(source_question(w) for w in (4, 52, 520)),
        *(trend_question(w) for w in (104, 520)),
    ]

    for name, weeks, engines in questions:
        answers = {engine: run() for engine, run in engines.items()}
        if not all((a == answers["pandas"]).all() for a in answers.values()):
            print(f"DIFFERENT ANSWERS for {name}, {weeks} weeks: the timings would compare unlike")
            return 1

    results = []
    print()
    print(
        f"{'question':<20}{'weeks':>6}  "
        + "".join(f"{e + ' p50/p95 ms':>22}" for e in ("store", "duckdb", "pandas"))
        + "  store vs pandas"
    )
    for name, weeks, engines in questions:
        row: dict[str, Any] = {"question": name, "weeks": weeks}
        for engine, run in engines.items():
            row[engine] = timed(run, args.reps)
        ratio = row["pandas"][0] / row["store"][0]
        row["ratio_vs_pandas"] = ratio
        results.append(row)
        cells = "".join(
            f"{row[e][0]:>13.2f} / {row[e][1]:>6.2f}" for e in ("store", "duckdb", "pandas")
        )
        print(f"{name:<20}{weeks:>6}  {cells}  {ratio:>8.0f}×")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "rows": args.rows,
                    "cells": table.size,
                    "store_mb": table.nbytes / 1e6,
                    "build_s": build_s,
                    "results": results,
                },
                indent=2,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
