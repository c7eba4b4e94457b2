"""Browser geometry: topology-preserving simplification and GeoJSON output."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from geo.layers import to_metric, to_wgs84

COORDINATE_DECIMALS = 5
"""Five decimals of a degree is about 1 m: finer than any area boundary we show."""


def simplify_coverage(gdf: gpd.GeoDataFrame, *, tolerance_m: float) -> gpd.GeoDataFrame:
    """Simplify a polygon coverage so shared borders stay shared (no gaps or slivers).

    ``tolerance_m`` is in metres (computed in SWEREF 99 TM). Uses shapely's
    coverage simplification (Visvalingam–Whyatt on shared edges). Returns
    EPSG:4326. Refuses layers without a CRS and negative tolerances.
    """
    if tolerance_m < 0:
        msg = f"tolerance_m must be >= 0, got {tolerance_m}"
        raise ValueError(msg)
    metric = to_metric(gdf)
    simplified = shapely.coverage_simplify(np.asarray(metric.geometry.values), tolerance_m)
    out = metric.copy()
    out.geometry = gpd.GeoSeries(simplified, index=metric.index, crs=metric.crs)
    return to_wgs84(out)


def _rounded(coords: Any) -> Any:
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), COORDINATE_DECIMALS) for c in coords]
    return [_rounded(c) for c in coords]


def feature_collection(
    gdf: gpd.GeoDataFrame, *, id_field: str, properties: Sequence[str] = ()
) -> dict[str, Any]:
    """Return ``gdf`` as a GeoJSON FeatureCollection dict in EPSG:4326.

    Each feature's top-level ``id`` is ``gdf[id_field]``; coordinates are rounded to
    five decimals (identical inputs round identically, so shared borders stay shared).
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
                    "coordinates": _rounded(mapping["coordinates"]),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def dumps_compact(obj: dict[str, Any]) -> bytes:
    """Serialise GeoJSON compactly (no spaces) as UTF-8 bytes."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
