"""Benchmark of the map data path: count cube + Patch against the naive baseline.

Builds a throw-away SQLite demo database, then measures in one run:

1. map query latency: the fast path (cached :class:`~data.counts.cube.CountCube` →
   :func:`~data.counts.overview.map_values`) against the baseline kept here (raw rows
   read into pandas on every query, filtered, grouped per area, then the same
   :func:`~data.privacy.disclosure.protect`);
2. that both paths publish identical tables for every selection (exit status 1
   when they do not: the timings would compare different work);
3. the JSON a filter change sends: the ``Patch`` of values against a full
   ``plotly.express`` figure with the layer's geometry embedded.

Prints figures only; nothing here asserts a timing. Run from the project root::

    .venv/bin/python bench/bench_map_query.py [--reps 50] [--scale 1]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, Python puts bench/ on the path, not the project root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import gzip
import json
import os
import platform
import secrets
import sqlite3
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
import plotly.express as px
from dash import Patch
from plotly.io.json import to_json_plotly
from report import kb, print_table, wall_times
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from dashboard.figures import (
    OFFLINE_MAP_STYLE,
    SUPPRESSED_TRACE,
    VALUES_TRACE,
    map_figure,
    map_traces_data,
    map_view,
)
from data.access.scope import Selection, Viewer, last_weeks
from data.areas.browser import area_layer_geojson, layer_bounds, layer_scope
from data.clock import SYSTEM_CLOCK
from data.counts.cube import CubeCache, build_cube
from data.counts.overview import map_values
from data.demo.build import build_demo, observation_rows
from data.demo.synthetic import SyntheticArea, synthetic_observations
from data.privacy.disclosure import AudienceLevel, ProtectedCounts, protect
from data.storage.db import (
    bump_version,
    make_engine,
    make_session_factory,
    read_version,
    unit_of_work,
)
from data.storage.models import Area, Observation
from data.storage.setup import initialise_database

KOMMUN = "0380"
SEED = 2026
WARMUP = 3
KOMMUN_EVENT_CATEGORIES = ("vald", "narkotika", "stold", "skadegorelse")
KOMMUN_EVENTS_PER_DAY = 0.4
"""Rate of the kommun-level police events added to the demo (per kommun and day)."""
PAYLOAD_SELECTION = "12 v, 2 kategorier"
"""The filter change whose payload is measured (trace 1 has suppressed areas)."""

FloatList = list[float]


@dataclass(frozen=True, slots=True)
class Case:
    """One realistic map selection, named as a user would describe it."""

    name: str
    selection: Selection


def cases(today: date) -> list[Case]:
    """The selections measured: quick periods, category and source filters, both levels."""

    def make(name: str, n: int, level: str = "custom", **filters: Any) -> Case:
        first, last = last_weeks(today, n)
        return Case(name, Selection(KOMMUN, level, first, last, **filters))

    two = ("narkotika", "vald")
    return [
        make("4 v, alla", 4),
        make("4 v, 2 kategorier", 4, categories=two),
        make("12 v, alla", 12),
        make(PAYLOAD_SELECTION, 12, categories=two),
        make("52 v, alla", 52),
        make("52 v, källa polis", 52, sources=("polis",)),
        make("52 v, kommunnivå", 52, level="kommun"),
    ]


# --- the two paths ----------------------------------------------------------------------


def fast_map_values(
    session: Session, cache: CubeCache, selection: Selection, viewer: Viewer
) -> ProtectedCounts:
    """What the map callback does per request: version check, then the cube query."""
    return map_values(cache.get(session, today=SYSTEM_CLOCK.today()), selection, viewer)


def baseline_map_values(
    session: Session, selection: Selection, viewer: Viewer
) -> tuple[ProtectedCounts, int]:
    """Per-area counts from raw rows, grouped in pandas; returns the table and rows read.

    Kommun and period are filtered in SQL (indexed columns), categories and sources
    in pandas. Records count for the area itself or its nearest ancestor at the
    chosen level (the hierarchy is at most DeSO → RegSO → kommun, hence two joins).
    Refuses police area coordinators: their per-area scope is not replicated here.
    """
    if viewer.role == "police_area" or not viewer.may_see_kommun(selection.kommun_code):
        msg = "the baseline covers whole-kommun scopes only"
        raise ValueError(msg)
    own, parent, grandparent = aliased(Area), aliased(Area), aliased(Area)
    statement = (
        select(
            own.code.label("own"),
            own.level.label("own_level"),
            parent.code.label("parent"),
            parent.level.label("parent_level"),
            grandparent.code.label("grandparent"),
            grandparent.level.label("grandparent_level"),
            Observation.id.label("record"),
            Observation.occurred_on,
            Observation.category_code.label("category"),
            Observation.source_code.label("source"),
            Observation.count,
        )
        .join(own, own.id == Observation.area_id)
        .outerjoin(parent, parent.id == own.parent_id)
        .outerjoin(grandparent, grandparent.id == parent.parent_id)
        .where(
            own.kommun_code == selection.kommun_code,
            Observation.occurred_on.between(
                selection.first_monday, selection.last_monday + timedelta(days=6)
            ),
        )
    )
    connection = session.connection()
    rows = pd.read_sql(statement, connection)
    n_rows = len(rows)
    if selection.categories:
        rows = rows[rows["category"].isin(selection.categories)]
    if selection.sources:
        rows = rows[rows["source"].isin(selection.sources)]
    target = pd.Series(None, index=rows.index, dtype=object)
    # Farthest first, so the nearest area at the chosen level wins.
    for column in ("grandparent", "parent", "own"):
        target = target.mask(rows[f"{column}_level"] == selection.level, rows[column])
    # The record key of the cell key method: the sum of the observation ids behind a cell.
    grouped = rows.assign(target=target).dropna(subset=["target"]).groupby("target")
    per_area, per_area_key = grouped["count"].sum(), grouped["record"].sum()
    shown = pd.read_sql(
        select(Area.code, Area.name, Area.is_synthetic.label("synthetic"))
        .where(Area.kommun_code == selection.kommun_code, Area.level == selection.level)
        .order_by(Area.id),
        connection,
    )
    frame = shown.assign(
        count=shown["code"].map(per_area).fillna(0).astype("int64"),
        key=shown["code"].map(per_area_key).fillna(0).astype("int64"),
    )
    return protect(frame, level=viewer.level, additive=True), n_rows


# --- setup --------------------------------------------------------------------------------


def add_denser_reporting(session: Session, *, end: date, extra_sets: int) -> int:
    """Add ``extra_sets`` more synthetic report sets over the demo's areas and period.

    Same areas, same two years, other seeds: a kommun with N times the reporting.
    The cube keeps its shape; the baseline reads N times the rows. Returns rows added.
    """
    areas = session.execute(
        select(Area.id, Area.code, Area.kommun_code, Area.population_10_19).where(
            Area.is_synthetic.is_(True), Area.population_10_19.is_not(None)
        )
    ).all()
    synthetic = [SyntheticArea(a.code, a.kommun_code, int(a.population_10_19)) for a in areas]
    area_ids = {a.code: a.id for a in areas}
    added = 0
    for offset in range(1, extra_sets + 1):
        frame = synthetic_observations(synthetic, end=end, seed=SEED + offset).observations
        rows = observation_rows(frame, area_ids)
        session.execute(insert(Observation), rows)
        added += len(rows)
    bump_version(session)
    return added


def add_kommun_level_events(session: Session, *, end: date, days: int = 730) -> int:
    """Add police events known only per kommun, like a polisen.se import.

    The demo has none; with them the check covers the roll-up to kommun level and
    the rule that such records are never spread onto finer areas. Returns rows added.
    """
    rng = np.random.default_rng(SEED)
    kommuner = session.execute(select(Area.id).where(Area.level == "kommun")).scalars().all()
    rows = [
        {
            "area_id": area_id,
            "occurred_on": end - timedelta(days=day),
            "category_code": str(rng.choice(KOMMUN_EVENT_CATEGORIES)),
            "source_code": "polisen_se",
            "count": 1,
            "location_precision": "kommun",
            "is_synthetic": True,
        }
        for area_id in kommuner
        for day in range(days)
        for _ in range(int(rng.poisson(KOMMUN_EVENTS_PER_DAY)))
    ]
    if rows:
        session.execute(insert(Observation), rows)
    bump_version(session)
    return len(rows)


def build_database(directory: Path, *, today: date, scale: int) -> sessionmaker[Session]:
    """A migrated SQLite demo database in ``directory``, ``scale`` times the reports."""
    engine = make_engine(f"sqlite:///{directory / 'bench.sqlite'}")
    initialise_database(engine)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        build_demo(session, end=today, password=secrets.token_urlsafe(16), seed=SEED)
        add_kommun_level_events(session, end=today)
        if scale > 1:
            add_denser_reporting(session, end=today, extra_sets=scale - 1)
    return factory


# --- measuring ------------------------------------------------------------------------------


def timings_ms(action: Callable[[], object], reps: int) -> FloatList:
    """Wall-clock milliseconds of ``reps`` calls after a short warm-up (GC off while timing)."""
    return [s * 1000.0 for s in wall_times(action, reps, warmup=WARMUP)]


def p50(samples: Sequence[float]) -> float:
    """Median."""
    return float(np.percentile(samples, 50))


def p95(samples: Sequence[float]) -> float:
    """95th percentile."""
    return float(np.percentile(samples, 95))


def ms(value: float) -> str:
    """Milliseconds with sensible precision."""
    return f"{value:.3f}" if value < 1 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def published(table: ProtectedCounts) -> list[tuple[Any, ...]]:
    """What a table publishes: k, then (code, name, synthetic, value or None) per row."""
    frame = table.frame
    rows = zip(
        frame["code"],
        frame["name"],
        (bool(s) for s in frame["synthetic"]),
        table.published_values(),
        strict=True,
    )
    return [(table.k,), *rows]


def check_identical(
    session: Session, cube_cases: Sequence[Case], viewers: Sequence[Viewer], cache: CubeCache
) -> list[str]:
    """Compare fast and baseline tables for every case and viewer; return the differences."""
    problems: list[str] = []
    for viewer in viewers:
        for case in cube_cases:
            fast = published(fast_map_values(session, cache, case.selection, viewer))
            slow = published(baseline_map_values(session, case.selection, viewer)[0])
            if fast == slow:
                continue
            differing = [f"{f} != {s}" for f, s in zip(fast, slow, strict=False) if f != s]
            if len(fast) != len(slow):
                differing.append(f"{len(fast) - 1} rows != {len(slow) - 1} rows")
            problems.append(f"{case.name} (k={viewer.level.k}): " + "; ".join(differing[:3]))
    return problems


def filter_change_patch(table: ProtectedCounts) -> Any:
    """The ``Patch`` the overview map callback sends when only a filter changed."""
    data = map_traces_data(table)
    patch = Patch()
    for index, part in ((VALUES_TRACE, "values"), (SUPPRESSED_TRACE, "suppressed")):
        for key in ("locations", "z", "customdata"):
            patch["data"][index][key] = data[part][key]
    return patch


def embedded_geometry_figure(
    table: ProtectedCounts, layer: dict[str, Any], bounds: tuple[float, float, float, float]
) -> Any:
    """The baseline figure: ``plotly.express`` with the layer's polygons embedded."""
    frame = table.frame.assign(
        count=[np.nan if v is None else float(v) for v in table.published_values()],
        antal=table.display(),
    )
    fig = px.choropleth_map(
        frame,
        geojson=layer,
        locations="code",
        featureidkey="id",
        color="count",
        hover_name="name",
        hover_data={"antal": True, "count": False, "code": False},
    )
    fig.update_layout(
        map={"style": OFFLINE_MAP_STYLE, **map_view(bounds)},
        margin={"l": 0, "r": 0, "t": 30, "b": 0},
        height=480,
    )
    return fig


PAYLOADS = {
    "patch": "filter change: Patch of values (fast)",
    "fast_full": "kommun/level change: figure with URL (fast)",
    "layer": "layer GeoJSON, once per layer and version",
    "embedded": "any change: px figure, embedded geometry",
}
"""What travels to the browser, by key of :func:`measure_payloads`."""


def sizes(text: str | bytes) -> tuple[int, int]:
    """Raw and gzip-compressed size of a JSON document, in bytes."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return len(raw), len(gzip.compress(raw, compresslevel=6))


def measure_payloads(
    session: Session, cache: CubeCache, selection: Selection, viewer: Viewer
) -> dict[str, tuple[int, int]]:
    """(raw, gzip) bytes of each of the ``PAYLOADS`` for ``selection``."""
    cube = cache.get(session, today=SYSTEM_CLOCK.today())
    table = map_values(cube, selection, viewer)
    scope = layer_scope(cube, selection.kommun_code, selection.level, viewer)
    bounds = layer_bounds(session, scope)
    layer_bytes = area_layer_geojson(session, cube, selection.kommun_code, selection.level, scope)
    url = f"/geo/{selection.kommun_code}/{selection.level}.geojson?v={cube.version}"
    fast_full = map_figure(table, geojson_url=url, bounds=bounds, title="Antal händelser")
    embedded = embedded_geometry_figure(table, json.loads(layer_bytes), bounds)
    return {
        "patch": sizes(to_json_plotly(filter_change_patch(table))),
        "fast_full": sizes(to_json_plotly(fast_full)),
        "layer": sizes(layer_bytes),
        "embedded": sizes(embedded.to_json()),
    }


# --- report ---------------------------------------------------------------------------------


def latency_table(
    session: Session, cache: CubeCache, measured: Sequence[Case], viewer: Viewer, reps: int
) -> tuple[list[list[str]], FloatList, FloatList]:
    """One row per selection, and every fast and baseline sample for the summary."""
    cube = cache.get(session, today=SYSTEM_CLOCK.today())
    rows: list[list[str]] = []
    all_fast: FloatList = []
    all_slow: FloatList = []
    for case in measured:
        selection = case.selection
        query_only = timings_ms(partial(map_values, cube, selection, viewer), reps)
        fast = timings_ms(partial(fast_map_values, session, cache, selection, viewer), reps)
        slow = timings_ms(partial(baseline_map_values, session, selection, viewer), reps)
        n_rows = baseline_map_values(session, selection, viewer)[1]
        all_fast += fast
        all_slow += slow
        rows.append(
            [
                case.name,
                f"{n_rows:,}",
                ms(p50(query_only)),
                ms(p50(fast)),
                ms(p95(fast)),
                ms(p50(slow)),
                ms(p95(slow)),
                f"{p50(slow) / p50(fast):.0f}x",
            ]
        )
    return rows, all_fast, all_slow


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its figures; 1 when the two paths disagree."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reps", type=int, default=50, help="timed calls per path and selection")
    parser.add_argument(
        "--scale", type=int, default=1, help="N times the demo's reports (same areas and period)"
    )
    args = parser.parse_args(argv)
    if args.reps < 1 or args.scale < 1:
        parser.error("--reps and --scale must be at least 1")

    today = SYSTEM_CLOCK.today()
    coordinator = Viewer(role="coordinator", kommun_code=KOMMUN, level=AudienceLevel(5))
    strict_check = Viewer(role="coordinator", kommun_code=KOMMUN, level=AudienceLevel(2))
    measured = cases(today)

    with tempfile.TemporaryDirectory(prefix="ssp-bench-") as directory:
        start = time.perf_counter()
        factory = build_database(Path(directory), today=today, scale=args.scale)
        setup_s = time.perf_counter() - start
        with factory() as session:
            n_observations = session.scalar(select(func.count()).select_from(Observation)) or 0
            n_areas = session.scalar(select(func.count()).select_from(Area)) or 0

            cache = CubeCache()
            start = time.perf_counter()
            cube = cache.get(session, today=SYSTEM_CLOCK.today())
            cold_build_ms = (time.perf_counter() - start) * 1000.0
            rebuild_ms = timings_ms(lambda: build_cube(session, today=SYSTEM_CLOCK.today()), reps=5)
            version_ms = timings_ms(
                lambda: cache.get(session, today=SYSTEM_CLOCK.today()), reps=args.reps
            )
            read_version_ms = timings_ms(lambda: read_version(session), reps=args.reps)

            print("SSP Lägesbild – map data path benchmark")
            print(
                f"Python {platform.python_version()}, numpy {np.__version__}, "
                f"pandas {pd.__version__}, SQLite {sqlite3.sqlite_version}, "
                f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
                f"{args.reps} timed calls per cell after {WARMUP} warm-up"
            )
            print(
                f"Database: {n_observations:,} observation rows (scale {args.scale}), "
                f"{n_areas} areas; built in {setup_s:.1f} s"
            )
            print(
                f"Cube: {cube.base.size:,} non-zero cells (area × week × category × source "
                f"× age), {cube.nbytes / 1e6:.2f} MB; cold build {ms(cold_build_ms)} ms, "
                f"rebuild p50 {ms(p50(rebuild_ms))} ms"
            )
            print(
                f"Version check per query (CubeCache.get, warm): p50 {ms(p50(version_ms))} ms, "
                f"p95 {ms(p95(version_ms))} ms; read_version alone p50 "
                f"{ms(p50(read_version_ms))} ms"
            )
            print()

            problems = check_identical(session, measured, (coordinator, strict_check), cache)
            if problems:
                print("MISMATCH between the fast path and the baseline:")
                for problem in problems:
                    print(f"  {problem}")
                return 1
            print(
                f"Correctness: fast and baseline publish identical tables for all "
                f"{len(measured)} selections (k=5 and k=2)."
            )
            print()

            rows, all_fast, all_slow = latency_table(
                session, cache, measured, coordinator, args.reps
            )
            print("Map query latency, ms (fast = version check + map_values on the cached cube)")
            print_table(
                [
                    "selection",
                    "rows read",
                    "cube p50",
                    "fast p50",
                    "fast p95",
                    "base p50",
                    "base p95",
                    "speed-up",
                ],
                rows,
            )
            print()

            after_filter_change = next(c for c in measured if c.name == PAYLOAD_SELECTION)
            layers = ("custom", "kommun")
            payloads = {
                level: measure_payloads(
                    session, cache, replace(after_filter_change.selection, level=level), coordinator
                )
                for level in layers
            }

    print(f"Map payload, JSON raw (gzip), selection {PAYLOAD_SELECTION}")
    print_table(
        ["what travels", "Demoområden", "kommun"],
        [
            [
                label,
                *(f"{kb(payloads[lvl][key][0])} ({kb(payloads[lvl][key][1])})" for lvl in layers),
            ]
            for key, label in PAYLOADS.items()
        ],
    )
    print()

    patch_bytes = payloads["custom"]["patch"][0]
    embedded_bytes = payloads["custom"]["embedded"][0]
    fast_p50, slow_p50 = p50(all_fast), p50(all_slow)
    print(
        f"map query: fast p50={ms(fast_p50)} ms, baseline p50={ms(slow_p50)} ms, "
        f"ratio={slow_p50 / fast_p50:.0f}x; filter payload: {kb(patch_bytes)} vs "
        f"{kb(embedded_bytes)} ({embedded_bytes / patch_bytes:.0f}x smaller)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
