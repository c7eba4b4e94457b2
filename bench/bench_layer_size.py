"""Size of the served area layers, and what it means for the national DeSO layer.

For each real DeSO layer in ``../shared/data`` (Sigtuna 24 areas, Stockholm county
1,287) and each tolerance, the layer goes through what the map serves —
:func:`geo.simplify.simplify_coverage`, :func:`~geo.simplify.feature_collection`
(id = DeSO code, ``name`` = RegSO name as a stand-in for an area name) and
:func:`~geo.simplify.dumps_compact` — and the script prints features, vertices (source,
cleaned, served), raw and gzip bytes, the largest area change simplification makes to
one area, and the time taken.

The issue's budget is the national DeSO layer (5,984 areas) at ≤ 1.5 MB gzipped. Only
Stockholm county is at hand, so two estimates are printed: by area count, and by DeSO
type (the code's fifth letter: A rural, B mixed, C urban), weighting Stockholm's bytes
per area of each type by the national counts from SCB's DeSO → RegSO key. Rural DeSO
are much larger and have longer borders, so the second is the one to trust.

Prints figures only. Run from the project root::

    .venv/bin/python bench/bench_layer_size.py [--tolerances 0,15,25,50]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, Python puts bench/ on the path, not the project root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import gzip
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from report import kb, print_table

from geo.layers import SWEREF99TM
from geo.simplify import clean_coverage, dumps_compact, feature_collection, simplify_coverage

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
LAYERS = {
    "Sigtuna": SHARED / "geo" / "sigtuna_deso_2018.geojson",
    "Stockholms län": SHARED / "geo" / "stockholms_lan_deso_2018.geojson",
}
NATIONAL_KEY = SHARED / "scb" / "koppling_deso2018_regso2020_sverige.csv"
NATIONAL_BUDGET_GZIP = 1_500_000
GZIP_LEVEL = 6
"""What the layer cache and a typical reverse proxy use."""


@dataclass(frozen=True)
class Served:
    """One layer at one tolerance, as the browser gets it."""

    features: int
    vertices: int
    raw_bytes: int
    gzip_bytes: int
    bytes_per_type: dict[str, float]
    """Mean raw bytes of one feature, by DeSO type (A, B, C)."""
    max_area_change: float
    seconds: float


def serve(areas: gpd.GeoDataFrame, cleaned_area: np.ndarray, tolerance_m: float) -> Served:
    start = time.perf_counter()
    simplified = simplify_coverage(areas, tolerance_m=tolerance_m)
    collection = feature_collection(simplified, id_field="deso_2018", properties=("name",))
    body = dumps_compact(collection)
    seconds = time.perf_counter() - start
    per_type: dict[str, list[int]] = {}
    for feature in collection["features"]:
        per_type.setdefault(feature["id"][4], []).append(len(dumps_compact(feature)) + 1)
    area = simplified.to_crs(SWEREF99TM).area.to_numpy()
    return Served(
        features=len(collection["features"]),
        vertices=count_positions(collection),
        raw_bytes=len(body),
        gzip_bytes=len(gzip.compress(body, compresslevel=GZIP_LEVEL)),
        bytes_per_type={kind: float(np.mean(sizes)) for kind, sizes in per_type.items()},
        max_area_change=float(np.max(np.abs(area / cleaned_area - 1))),
        seconds=seconds,
    )


def count_positions(collection: dict[str, object]) -> int:
    """Coordinate positions in a FeatureCollection (what the browser parses)."""
    features = collection["features"]
    assert isinstance(features, list)
    return int(
        sum(
            shapely.get_num_coordinates(shapely.geometry.shape(feature["geometry"]))
            for feature in features
        )
    )


def national_estimates(served: Served, national_types: Counter[str]) -> tuple[float, float]:
    """National gzip bytes: scaled by area count, and weighted by DeSO type."""
    by_count = served.gzip_bytes * sum(national_types.values()) / served.features
    ratio = served.gzip_bytes / served.raw_bytes
    by_type = ratio * sum(
        n * served.bytes_per_type.get(kind, served.raw_bytes / served.features)
        for kind, n in national_types.items()
    )
    return by_count, by_type


def main(argv: Sequence[str] | None = None) -> int:
    """Print the size table per layer and the national estimates."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--tolerances", default="0,15,25,50", help="comma-separated tolerances in metres"
    )
    args = parser.parse_args(argv)
    tolerances = [float(t) for t in args.tolerances.split(",")]
    missing = [str(p) for p in [*LAYERS.values(), NATIONAL_KEY] if not p.is_file()]
    if missing:
        print(f"not found: {', '.join(missing)} (needs ../shared/data beside the project)")
        return 2
    key = pd.read_csv(NATIONAL_KEY, dtype=str)
    national_types = Counter(code[4] for code in key["DeSO_2018"] if len(code) == 9)

    print("SSP Lägesbild – served layer size (simplify_coverage → feature_collection)")
    print(
        f"National DeSO 2018: {sum(national_types.values()):,} areas, by type "
        + ", ".join(f"{kind} {n:,}" for kind, n in sorted(national_types.items()))
        + f"; budget {kb(NATIONAL_BUDGET_GZIP)} gzip (level {GZIP_LEVEL})"
    )
    for name, path in LAYERS.items():
        areas = gpd.read_file(path)
        areas["name"] = areas["regso_2020_namn"]
        cleaned = clean_coverage(areas)
        cleaned_area = cleaned.area.to_numpy()
        source_vertices = int(shapely.get_num_coordinates(areas.geometry.to_numpy()).sum())
        cleaned_vertices = int(shapely.get_num_coordinates(cleaned.geometry.to_numpy()).sum())
        types = Counter(code[4] for code in areas["deso_2018"])
        print()
        print(
            f"{name}: {len(areas):,} DeSO ("
            + ", ".join(f"{kind} {n}" for kind, n in sorted(types.items()))
            + f"), {path.stat().st_size / 1000:,.0f} kB file; vertices: source "
            f"{source_vertices:,}, cleaned coverage {cleaned_vertices:,}"
        )
        rows = []
        for tolerance in tolerances:
            served = serve(areas, cleaned_area, tolerance)
            by_count, by_type = national_estimates(served, national_types)
            rows.append(
                [
                    f"{tolerance:g} m",
                    f"{served.vertices:,}",
                    kb(served.raw_bytes),
                    kb(served.gzip_bytes),
                    f"{served.gzip_bytes / served.features:,.0f}",
                    f"{served.max_area_change:.2%}",
                    f"{served.seconds:.2f}",
                    kb(by_count),
                    kb(by_type),
                    "yes" if by_type <= NATIONAL_BUDGET_GZIP else "NO",
                ]
            )
        print_table(
            [
                "tolerance",
                "vertices",
                "raw",
                "gzip",
                "B/area gz",
                "max Δarea",
                "s",
                "national (count)",
                "national (by type)",
                "≤ budget",
            ],
            rows,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
