"""Browser geometry: topology-preserving simplification and GeoJSON output."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import shapely

from geo.layers import require_polygons, to_metric, to_wgs84

COORDINATE_DECIMALS = 5
"""Five decimals of a degree is about 1 m: finer than any area boundary we show."""


DEFAULT_GAP_WIDTH_M = 100.0
"""Enclosed gaps between areas narrower than this (metres) are closed for display.

Real layers carry such gaps as artefacts: the DeSO files in ``../shared/data`` were
simplified polygon by polygon (≈0.0005°, 30–55 m), which left 2,591 gaps between
Stockholm county's DeSO, all narrower than 100 m. SCB's own layers tile without gaps.
"""

DEFAULT_SNAPPING_M = 2.0
"""Vertices closer than this (metres) are snapped together when cleaning.

Below the served precision (five decimals, about 1 m); GEOS's automatic distance
(about 1 mm for a county) leaves slivers of a few m² where overlaps are resolved.
"""


def clean_coverage(
    gdf: gpd.GeoDataFrame,
    *,
    gap_width_m: float = DEFAULT_GAP_WIDTH_M,
    snapping_m: float = DEFAULT_SNAPPING_M,
) -> gpd.GeoDataFrame:
    """Make an area layer a valid polygon coverage, in SWEREF 99 TM (metres).

    ``shapely.coverage_clean``: vertices within ``snapping_m`` are snapped together,
    each overlap goes to the neighbour with the longest shared border, and gaps
    narrower than ``gap_width_m`` are merged the same way, so shared borders become
    identical. A gap is a hole in the layer's union; notches open to the outside
    stay. Invalid polygons are repaired first. An area the cleaning leaves empty (a
    duplicate, or one lying wholly inside another) comes back empty. Refuses layers
    without a CRS, rows that are not non-empty polygons and negative distances.
    """
    if gap_width_m < 0 or snapping_m < 0:
        msg = f"gap_width_m and snapping_m must be >= 0, got {gap_width_m} and {snapping_m}"
        raise ValueError(msg)
    require_polygons(gdf)
    metric = to_metric(gdf)
    geometry = metric.geometry.to_numpy().copy()
    invalid = ~shapely.is_valid(geometry)
    geometry[invalid] = shapely.make_valid(
        geometry[invalid], method="structure", keep_collapsed=False
    )
    # types-shapely 2.1 does not know coverage_clean yet (new in shapely 2.2).
    cleaned = shapely.coverage_clean(  # type: ignore[attr-defined]
        geometry, gap_width=gap_width_m, snapping_distance=snapping_m
    )
    out = metric.copy()
    out.geometry = gpd.GeoSeries(cleaned, index=metric.index, crs=metric.crs)
    return out


def simplify_coverage(
    gdf: gpd.GeoDataFrame,
    *,
    tolerance_m: float,
    gap_width_m: float = DEFAULT_GAP_WIDTH_M,
    snapping_m: float = DEFAULT_SNAPPING_M,
) -> gpd.GeoDataFrame:
    """Simplify an area layer for the browser so shared borders stay shared.

    Real layers are rarely perfect coverages (small overlaps and gaps between
    neighbours), so the layer is first cleaned into one (:func:`clean_coverage`), then
    simplified as a coverage (Visvalingam–Whyatt on shared edges, ``tolerance_m``
    metres ≈ the square root of the largest triangle area removed): no overlaps, no
    slivers, no gaps between neighbours. An area the cleaning would leave empty keeps
    its own simplified shape rather than vanish from the map. Same rows and columns;
    returns EPSG:4326. Refuses layers without a CRS, non-polygonal rows and negative
    tolerances.
    """
    if tolerance_m < 0:
        msg = f"tolerance_m must be >= 0, got {tolerance_m}"
        raise ValueError(msg)
    cleaned = clean_coverage(gdf, gap_width_m=gap_width_m, snapping_m=snapping_m)
    geometry = cleaned.geometry.to_numpy()
    simplified = shapely.coverage_simplify(geometry, tolerance_m)
    swallowed = shapely.is_empty(geometry)
    if swallowed.any():
        original = to_metric(gdf).geometry.to_numpy()[swallowed]
        simplified[swallowed] = shapely.simplify(original, tolerance_m, preserve_topology=True)
    out = cleaned.copy()
    out.geometry = gpd.GeoSeries(simplified, index=cleaned.index, crs=cleaned.crs)
    return to_wgs84(out)


def _rounded(coords: Any) -> Any:
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), COORDINATE_DECIMALS) for c in coords]
    return [_rounded(c) for c in coords]


def _ring(coords: Any) -> list[list[float]]:
    """A ring rounded to the served precision, repeated positions dropped (≥ 4 kept)."""
    rounded = _rounded(coords)
    compact = [p for i, p in enumerate(rounded) if i == 0 or p != rounded[i - 1]]
    return compact if len(compact) >= 4 else rounded


def _served_coordinates(geometry_type: str, coords: Any) -> Any:
    if geometry_type == "Polygon":
        return [_ring(ring) for ring in coords]
    if geometry_type == "MultiPolygon":
        return [[_ring(ring) for ring in polygon] for polygon in coords]
    return _rounded(coords)


def feature_collection(
    gdf: gpd.GeoDataFrame, *, id_field: str, properties: Sequence[str] = ()
) -> dict[str, Any]:
    """Return ``gdf`` as a GeoJSON FeatureCollection dict in EPSG:4326.

    Each feature's top-level ``id`` is ``gdf[id_field]``; coordinates are rounded to
    five decimals (identical inputs round identically, so shared borders stay shared)
    and positions the rounding repeats are dropped.
    """
    wgs = to_wgs84(gdf)
    features = []
    for row_id, geom, *props in zip(
        wgs[id_field],
        wgs.geometry,
        *(wgs[p] for p in properties),
        strict=True,
    ):
        mapping = shapely.geometry.mapping(geom)
        features.append(
            {
                "type": "Feature",
                "id": str(row_id),
                "properties": dict(zip(properties, props, strict=True)),
                "geometry": {
                    "type": mapping["type"],
                    "coordinates": _served_coordinates(mapping["type"], mapping["coordinates"]),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def dumps_compact(obj: dict[str, Any]) -> bytes:
    """Serialise GeoJSON compactly (no spaces) as UTF-8 bytes."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
