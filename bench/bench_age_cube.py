"""Benchmark of the count cube's age dimension (issue 17): what it costs a user and memory.

Builds the map benchmark's throw-away SQLite demo database, then measures in one run:

1. the cube's build time (median of 5, the two builds in turn) and memory without the
   age dimension (the build before issue 17, kept here as the baseline: no
   ``age_band`` in the grouped query, no age arrays) and with it
   (:func:`~data.counts.cube.build_cube`);
2. what a user waits for on Översikt after a filter change — the version check, the
   map (:func:`~data.counts.overview.map_values`), the unplaced count and the trend
   (:func:`~data.counts.overview.weekly_trend`, at least 12 weeks as the callback
   shows) — for 4, 12 and 52 weeks: on the baseline cube, on the new cube without an
   age filter, and with age filters (one band, unknown age, two bands, one band and
   one category);
3. the aggregate API's table by area against by area × age band.

Every time is also given as a ratio to the baseline of the same period, measured in
the same run. Before timing, the new cube without an age filter must publish exactly
the baseline's tables (exit status 1 otherwise). Prints figures; asserts no timing::

    .venv/bin/python bench/bench_age_cube.py [--reps 30] [--scale 1]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, Python puts bench/ on the path, not the project root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import gc
import os
import platform
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date, timedelta
from functools import partial

import numpy as np
import pandas as pd
from bench_map_query import KOMMUN, build_database
from report import print_table
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.access.scope import Selection, Viewer, last_weeks
from data.clock import SYSTEM_CLOCK
from data.counts.aggregates import aggregate
from data.counts.cube import (
    CountCube,
    _load_areas,
    build_cube,
    history_start,
    monday_of,
)
from data.counts.overview import map_values, unplaced_count, weekly_trend
from data.privacy.disclosure import AudienceLevel
from data.storage.db import read_version
from data.storage.models import Category, Observation, Source

WARMUP = 2
MIN_TREND_WEEKS = 12
"""The trend shows at least this many weeks (as the Översikt callback does)."""
AGE_CASES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("ny kub, ingen åldersfilter", (), ()),
    ("13–15", ("13-15",), ()),
    ("okänd ålder", ("okand",), ()),
    ("10–12 + 16–18", ("10-12", "16-18"), ()),
    ("13–15, narkotika", ("13-15",), ("narkotika",)),
)


def build_cube_without_ages(session: Session, *, today: date) -> CountCube:
    """The cube as it was built before the age dimension: the baseline.

    The same grouped query without ``age_band`` and the same arrays; the age arrays are
    empty (nothing reads them without an age filter)."""
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
            func.sum(Observation.count),
            func.sum(Observation.id),
        )
        .where(Observation.occurred_on.between(history_start(today), today))
        .group_by(
            Observation.area_id,
            Observation.occurred_on,
            Observation.category_code,
            Observation.source_code,
        )
    ).all()
    frame = pd.DataFrame(grouped, columns=["area_id", "day", "category", "source", "n", "key"])
    days = pd.to_datetime(frame["day"])
    first_monday = monday_of(days.min().date())
    n_weeks = (monday_of(today) - first_monday).days // 7 + 1
    counts = np.zeros((len(areas.codes), n_weeks, len(categories), len(sources)), dtype=np.int32)
    keys = np.zeros(counts.shape, dtype=np.int64)
    position = {area_id: i for i, area_id in enumerate(areas.ids)}
    a = frame["area_id"].map(position).to_numpy(dtype=np.int64)
    w = ((days - pd.Timestamp(first_monday)).dt.days // 7).to_numpy(dtype=np.int64)
    c = frame["category"].map({code: i for i, code in enumerate(categories)}).to_numpy(np.int64)
    s = frame["source"].map({code: i for i, code in enumerate(sources)}).to_numpy(np.int64)
    np.add.at(counts, (a, w, c, s), frame["n"].to_numpy(dtype=np.int32))
    np.add.at(keys, (a, w, c, s), frame["key"].to_numpy(dtype=np.int64))
    empty = np.zeros((3, 0, 0, 0, 0), dtype=np.int16)
    no_keys = np.zeros((3, 0, 0, 0, 0), dtype=np.int64)
    return CountCube(
        version, areas, first_monday, categories, sources, counts, keys, empty, no_keys
    )


def overview_work(
    session: Session, cube: CountCube, selection: Selection, viewer: Viewer
) -> tuple[object, ...]:
    """What one Översikt filter change computes: version check, map, unplaced, trend."""
    read_version(session)
    trend = selection
    if selection.n_weeks < MIN_TREND_WEEKS:
        trend = replace(
            selection, first_monday=selection.last_monday - timedelta(weeks=MIN_TREND_WEEKS - 1)
        )
    return (
        map_values(cube, selection, viewer),
        unplaced_count(cube, selection, viewer),
        weekly_trend(cube, trend, viewer),
    )


def interleaved_ms(
    actions: Mapping[str, Callable[..., object]], viewer: Viewer, reps: int
) -> dict[str, float]:
    """Median wall-clock ms of each action, the actions timed in turn, round after round,
    every other round in reverse order (a busy machine's drift, and whatever the action
    before leaves in the caches, hit every case alike; GC off while timing)."""
    for action in actions.values():
        for _ in range(WARMUP):
            action(viewer)
    samples: dict[str, list[float]] = {name: [] for name in actions}
    gc.collect()
    gc.disable()
    try:
        names = list(actions)
        for round_ in range(reps):
            for name in names if round_ % 2 == 0 else names[::-1]:
                start = time.perf_counter()
                actions[name](viewer)
                samples[name].append((time.perf_counter() - start) * 1000.0)
    finally:
        gc.enable()
    return {name: float(np.median(values)) for name, values in samples.items()}


def published(tables: tuple[object, ...]) -> list[list[str]]:
    """What a user sees of the tables: every shown value."""
    return [t.display() for t in tables]  # type: ignore[attr-defined]


def peak_mb(build: Callable[[], CountCube]) -> tuple[float, CountCube]:
    """(peak traced memory of one build in MB, the cube)."""
    tracemalloc.start()
    cube = build()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6, cube


def cube_mb(cube: CountCube) -> float:
    """Memory of the cube's arrays in MB."""
    arrays = (cube.counts, cube.keys, cube.age_counts, cube.age_keys)
    return sum(a.nbytes for a in arrays) / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=30, help="timed calls per case")
    parser.add_argument("--scale", type=int, default=1, help="times the demo's reports")
    args = parser.parse_args()
    today = SYSTEM_CLOCK.today()
    viewer = Viewer("coordinator", KOMMUN, AudienceLevel(5, noise_key=b"bench"))

    with tempfile.TemporaryDirectory(prefix="ssp-bench-age-") as directory:
        factory = build_database(Path(directory), today=today, scale=args.scale)
        with factory() as session:
            rows = session.scalar(select(func.count()).select_from(Observation)) or 0
            with_age = session.scalar(select(func.count()).where(Observation.age_band.is_not(None)))
            builds = {
                "old": lambda _v: build_cube_without_ages(session, today=today),
                "new": lambda _v: build_cube(session, today=today),
            }
            build_ms = interleaved_ms(builds, viewer, 5)  # in turn: the same page cache
            old_ms, new_ms = build_ms["old"], build_ms["new"]
            old_peak, old = peak_mb(lambda: build_cube_without_ages(session, today=today))
            new_peak, new = peak_mb(lambda: build_cube(session, today=today))

            print("SSP Lägesbild – the count cube's age dimension")
            print(
                f"Python {platform.python_version()}, numpy {np.__version__}, "
                f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
                f"{args.reps} timed calls per case after {WARMUP} warm-up"
            )
            print(
                f"Database: {rows:,} observation rows (scale {args.scale}), "
                f"{with_age:,} with an age band; cube shape {new.counts.shape}"
            )
            print()
            print_table(
                ["cube", "build p50", "ratio", "arrays", "ratio", "build peak"],
                [
                    ["utan ålder (baslinje)", f"{old_ms:.0f} ms", "1.00",
                     f"{cube_mb(old):.1f} MB", "1.00", f"{old_peak:.1f} MB"],
                    ["med ålder", f"{new_ms:.0f} ms", f"{new_ms / old_ms:.2f}",
                     f"{cube_mb(new):.1f} MB", f"{cube_mb(new) / cube_mb(old):.2f}",
                     f"{new_peak:.1f} MB"],
                ],
            )  # fmt: skip
            print(
                f"Age arrays: counts {new.age_counts.dtype} "
                f"({new.age_counts.nbytes / 1e6:.1f} MB), keys {new.age_keys.dtype} "
                f"({new.age_keys.nbytes / 1e6:.1f} MB)"
            )
            print()

            problems = []
            for weeks in (4, 12, 52):
                first, last = last_weeks(today, weeks)
                selection = Selection(KOMMUN, "custom", first, last)
                if published(overview_work(session, old, selection, viewer)) != published(
                    overview_work(session, new, selection, viewer)
                ):
                    problems.append(f"{weeks} weeks")
            if problems:
                print(f"MISMATCH without an age filter: {', '.join(problems)}")
                return 1
            print("Correctness: without an age filter the new cube publishes the baseline's tables")
            print()

            table = []
            for weeks in (4, 12, 52):
                first, last = last_weeks(today, weeks)
                base = Selection(KOMMUN, "custom", first, last)
                actions = {"baslinje (kub utan ålder)": partial(overview_work, session, old, base)}
                for name, ages, categories in AGE_CASES:
                    selection = replace(base, age_bands=ages, categories=categories)
                    actions[name] = partial(overview_work, session, new, selection)
                times = interleaved_ms(actions, viewer, args.reps)
                baseline = times["baslinje (kub utan ålder)"]
                for i, (name, median) in enumerate(times.items()):
                    period = f"{weeks} v" if i == 0 else ""
                    table.append([period, name, f"{median:.2f}", f"{median / baseline:.2f}"])
            print("Översikt after a filter change (version check + map + unplaced + trend):")
            print_table(["period", "case", "p50 ms", "× baslinje"], table)
            print()

            first, last = last_weeks(today, 52)
            everywhere = np.ones(len(new.areas.codes), dtype=bool)

            def slices(cube: CountCube, ages: tuple[str, ...], _viewer: Viewer) -> None:
                for keys in (False, True):
                    cube.per_area(first_monday=first, last_monday=last, ages=ages, keys=keys)
                cube.per_week(first_monday=first, last_monday=last, area_mask=everywhere, ages=ages)

            cube_actions = {"baslinje (kub utan ålder)": partial(slices, old, ())}
            cube_actions |= {name: partial(slices, new, ages) for name, ages, _c in AGE_CASES[:4]}
            times = interleaved_ms(cube_actions, viewer, args.reps * 5)  # a few ms each
            baseline = times["baslinje (kub utan ålder)"]
            slice_rows = [[name, f"{t:.3f}", f"{t / baseline:.2f}"] for name, t in times.items()]
            print("The cube's part alone, 52 weeks (per_area counts + keys, per_week):")
            print_table(["case", "p50 ms", "× baslinje"], slice_rows)
            print()

            first, last = last_weeks(today, 12)
            twelve = Selection(KOMMUN, "custom", first, last)
            api_actions = {
                name: partial(lambda c, g, _v: aggregate(c, twelve, viewer, g), cube, group_by)
                for name, cube, group_by in (
                    ("area (baslinje)", old, ("area",)),
                    ("area (ny kub)", new, ("area",)),
                    ("area, category", new, ("area", "category")),
                    ("area, age_band", new, ("area", "age_band")),
                    ("area, category, age_band", new, ("area", "category", "age_band")),
                )
            }
            times = interleaved_ms(api_actions, viewer, max(3, args.reps // 5))
            base_ms = times["area (baslinje)"]
            api = [[name, f"{t:.2f}", f"{t / base_ms:.2f}"] for name, t in times.items()]
            print("Aggregate API, 12 weeks (aggregate incl. protect):")
            print_table(["group_by", "p50 ms", "× baslinje"], api)
    return 0


if __name__ == "__main__":
    start = time.perf_counter()
    status = main()
    print(f"\n({time.perf_counter() - start:.0f} s)")
    sys.exit(status)
