"""Benchmark of point → area assignment: AreaLocator against geopandas.sjoin.

Draws ``--points`` random points (seeded) uniformly in the bounding box of the
Stockholm-county DeSO layer (1,287 areas, ``../shared/data``) and measures in one run:

1. :class:`geo.assign.AreaLocator`: the build, ``locate`` on WGS84 input, ``locate``
   on SWEREF 99 TM input (reprojection included), and build + locate;
2. the baseline ``geopandas.sjoin(points, areas, predicate="within")``, from the same
   coordinate arrays (points GeoDataFrame built inside the timing) and without that;
3. two plain STRtree variants that were tried for ``AreaLocator`` (why the grid won);
4. that all of them assign every point to the same area (exit status 1 when not: the
   timings would compare different work). sjoin reports a point once per area it lies
   in, so a point in an overlap takes the lowest row, as ``locate`` does; a point
   exactly on a border is outside for ``within`` and inside for ``locate`` and is
   counted apart, not as a mismatch.

Prints figures only; nothing here asserts a timing. Run from the project root::

    .venv/bin/python bench/bench_assign.py [--points 1000000] [--reps 5]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, Python puts bench/ on the path, not the project root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import os
import platform
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pyproj
import shapely
from report import print_table, wall_times

from geo.assign import OUTSIDE, AreaLocator
from geo.layers import SWEREF99TM, WGS84

ROOT = Path(__file__).resolve().parents[1]
STOCKHOLM_DESO = ROOT.parent / "shared" / "data" / "geo" / "stockholms_lan_deso_2018.geojson"
SEED = 2026
GOAL_POINTS_PER_S = 500_000

Assignment = npt.NDArray[np.int64]


def lowest_per_point(point: np.ndarray, area: np.ndarray, n_points: int) -> Assignment:
    """From (point, area) pairs: the lowest area per point, -1 for points without a pair."""
    result = np.full(n_points, OUTSIDE, dtype=np.int64)
    order = np.lexsort((area, point))
    point, area = point[order], area[order]
    first = np.ones(point.size, dtype=bool)
    first[1:] = point[1:] != point[:-1]
    result[point[first]] = area[first]
    return result


def sjoin_assign(points: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> Assignment:
    """The baseline: sjoin ``within``, reduced to the lowest area row per point."""
    joined = gpd.sjoin(points, areas[["geometry"]], predicate="within")
    rows = areas.index.get_indexer(joined["index_right"].to_numpy())
    return lowest_per_point(joined.index.to_numpy(), rows, len(points))


def sjoin_from_arrays(lon: np.ndarray, lat: np.ndarray, areas: gpd.GeoDataFrame) -> Assignment:
    """What a caller holding coordinate arrays pays for the baseline."""
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=areas.crs)
    return sjoin_assign(points, areas)


def strtree_predicate(lon: np.ndarray, lat: np.ndarray, polygons: np.ndarray) -> Assignment:
    """Tried first: point geometries, ``STRtree.query(points, predicate="intersects")``."""
    point, area = shapely.STRtree(polygons).query(shapely.points(lon, lat), predicate="intersects")
    return lowest_per_point(point, area, lon.size)


def strtree_then_xy(lon: np.ndarray, lat: np.ndarray, polygons: np.ndarray) -> Assignment:
    """Tried second: envelope query, then ``intersects_xy`` on prepared polygons."""
    point, area = shapely.STRtree(polygons).query(shapely.points(lon, lat))
    hit = shapely.intersects_xy(polygons[area], lon[point], lat[point])
    return lowest_per_point(point[hit], area[hit], lon.size)


def on_a_border(areas: gpd.GeoDataFrame, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Which points lie exactly on some area's border (where within and covers differ)."""
    borders = shapely.boundary(np.asarray(areas.geometry.values))
    return np.asarray(shapely.intersects(shapely.union_all(borders), shapely.points(lon, lat)))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its figures; 1 when the assignments disagree."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--points", type=int, default=1_000_000, help="random points per batch")
    parser.add_argument("--reps", type=int, default=5, help="timed calls per fast path")
    parser.add_argument("--layer", type=Path, default=STOCKHOLM_DESO, help="area layer file")
    args = parser.parse_args(argv)
    if args.points < 1 or args.reps < 1:
        parser.error("--points and --reps must be at least 1")
    if not args.layer.is_file():
        print(f"layer not found: {args.layer} (needs ../shared/data beside the project)")
        return 2

    areas = gpd.read_file(args.layer)
    west, south, east, north = areas.to_crs(WGS84).total_bounds
    rng = np.random.default_rng(SEED)
    lon = rng.uniform(west, east, args.points)
    lat = rng.uniform(south, north, args.points)
    to_sweref = pyproj.Transformer.from_crs(WGS84, SWEREF99TM, always_xy=True)
    easting, northing = to_sweref.transform(lon, lat)
    n = args.points
    slow_reps = min(args.reps, 3)

    locator = AreaLocator(areas)
    polygons = np.asarray(areas.to_crs(WGS84).geometry.values).copy()
    shapely.prepare(polygons)
    points_gdf = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=areas.crs)

    located = locator.locate(lon, lat)
    results = {
        "locate, SWEREF 99 TM input": locator.locate(easting, northing, crs=SWEREF99TM),
        "STRtree.query(points, predicate)": strtree_predicate(lon, lat, polygons),
        "STRtree envelopes + intersects_xy": strtree_then_xy(lon, lat, polygons),
        "geopandas.sjoin within": sjoin_assign(points_gdf, areas),
    }

    print("SSP Lägesbild – point → area assignment benchmark")
    print(
        f"Python {platform.python_version()}, shapely {shapely.__version__} "
        f"(GEOS {shapely.geos_version_string}), geopandas {gpd.__version__}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    vertices = int(shapely.get_num_coordinates(polygons).sum())
    print(
        f"Layer: {args.layer.name}, {len(areas):,} areas, {vertices:,} vertices; "
        f"{n:,} random points (seed {SEED}) in its bounding box, "
        f"{(located != OUTSIDE).mean():.1%} inside an area"
    )
    print()

    problems = []
    for name, other in results.items():
        differ = np.flatnonzero(other != located)
        border = on_a_border(areas, lon[differ], lat[differ]) if differ.size else differ
        if differ.size - int(np.count_nonzero(border)):
            problems.append(f"{name}: {differ.size - np.count_nonzero(border):,} points differ")
        if np.count_nonzero(border):
            print(f"{name}: {np.count_nonzero(border)} points exactly on a border (expected)")
    if problems:
        print("MISMATCH with AreaLocator.locate:")
        for problem in problems:
            print(f"  {problem}")
        return 1
    print(f"Correctness: all {len(results) + 1} paths assign all {n:,} points identically.")
    print()

    timed: dict[str, list[float]] = {
        "AreaLocator build": wall_times(lambda: AreaLocator(areas), args.reps),
        "locate (WGS84)": wall_times(lambda: locator.locate(lon, lat), args.reps),
        "locate (SWEREF 99 TM, incl. reprojection)": wall_times(
            lambda: locator.locate(easting, northing, crs=SWEREF99TM), args.reps
        ),
        "build + locate (WGS84)": wall_times(
            lambda: AreaLocator(areas).locate(lon, lat), args.reps
        ),
        "sjoin from arrays (incl. points GeoDataFrame)": wall_times(
            lambda: sjoin_from_arrays(lon, lat, areas), slow_reps
        ),
        "sjoin, points GeoDataFrame prebuilt": wall_times(
            lambda: sjoin_assign(points_gdf, areas), slow_reps
        ),
        "tried: STRtree.query(points, predicate)": wall_times(
            lambda: strtree_predicate(lon, lat, polygons), slow_reps
        ),
        "tried: STRtree envelopes + intersects_xy": wall_times(
            lambda: strtree_then_xy(lon, lat, polygons), slow_reps
        ),
    }
    median = {name: float(np.median(samples)) for name, samples in timed.items()}
    baseline = median["sjoin from arrays (incl. points GeoDataFrame)"]
    rows = [
        [
            name,
            str(len(timed[name])),
            f"{median[name] * 1000:.0f}",
            "" if name == "AreaLocator build" else f"{n / median[name] / 1e6:.2f}",
            "" if name == "AreaLocator build" else f"{baseline / median[name]:.1f}x",
        ]
        for name in timed
    ]
    print(
        f"Median wall time for {n:,} points ({args.reps} timed calls after one warm-up; "
        f"sjoin and tried paths {slow_reps})"
    )
    print_table(["path", "calls", "ms", "M points/s", "vs sjoin"], rows)
    print()

    locate_s = median["locate (WGS84)"]
    fast = n / locate_s
    print(
        f"locate: {fast / 1e6:.2f}M points/s excluding the build, "
        f"{n / median['build + locate (WGS84)'] / 1e6:.2f}M including it; "
        f"sjoin {n / baseline / 1e6:.2f}M points/s; ratio {baseline / locate_s:.0f}x "
        f"(goal ≥ {GOAL_POINTS_PER_S / 1e6:.1f}M points/s: "
        f"{'met' if fast >= GOAL_POINTS_PER_S else 'NOT met'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
