"""Area geometry for the browser: simplified GeoJSON per layer and its bounds, within the
viewer's scope.
"""

from __future__ import annotations

import geopandas as gpd
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access.scope import AccessDenied, Selection, Viewer, available_levels
from data.counts.cube import CountCube
from data.privacy.small_areas import display_units
from data.storage.models import Area
from geo.layers import WGS84
from geo.simplify import dumps_compact, feature_collection, simplify_coverage

LAYER_TOLERANCE_M = {"kommun": 100.0, "regso": 25.0, "deso": 15.0, "custom": 15.0}
"""Simplification tolerance per level, in metres: invisible at the zoom each is shown."""


def layer_scope(cube: CountCube, kommun_code: str, level: str, viewer: Viewer) -> tuple[str, ...]:
    """Codes of the display units of one layer the viewer may see; raises AccessDenied.

    These are the features of the layer's browser geometry: areas of the level,
    and the parents that small areas are merged into (:func:`display_units`).
    """
    if level not in available_levels(cube, kommun_code, viewer):
        msg = f"layer {level} of kommun {kommun_code} is outside your scope"
        raise AccessDenied(msg)
    # Display units do not depend on the period: any week of the cube will do.
    probe = Selection(kommun_code, level, cube.last_monday, cube.last_monday)
    units = display_units(cube, probe, viewer)
    return tuple(sorted(cube.areas.codes[u] for u in units.units))


def area_layer_geojson(
    session: Session, cube: CountCube, kommun_code: str, level: str, area_codes: tuple[str, ...]
) -> bytes:
    """Simplified GeoJSON (EPSG:4326) of the given areas; feature ``id`` = area code.

    Call :func:`layer_scope` first: it decides which codes the viewer may get.
    """
    rows = session.execute(
        select(Area.code, Area.name, Area.geometry_geojson)
        .where(Area.code.in_(area_codes), Area.geometry_geojson.is_not(None))
        .order_by(Area.code)
    ).all()
    if not rows:
        return dumps_compact({"type": "FeatureCollection", "features": []})
    gdf = gpd.GeoDataFrame(
        {"code": [r.code for r in rows], "name": [r.name for r in rows]},
        geometry=[shapely.from_geojson(r.geometry_geojson) for r in rows],
        crs=WGS84,
    )
    simplified = simplify_coverage(gdf, tolerance_m=LAYER_TOLERANCE_M.get(level, 25.0))
    return dumps_compact(feature_collection(simplified, id_field="code", properties=("name",)))


def layer_bounds(
    session: Session, area_codes: tuple[str, ...]
) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees of the given areas; Sweden when empty."""
    rows = session.scalars(
        select(Area.geometry_geojson).where(
            Area.code.in_(area_codes), Area.geometry_geojson.is_not(None)
        )
    ).all()
    if not rows:
        return (11.0, 55.3, 24.2, 69.1)
    geoms = [shapely.from_geojson(text) for text in rows]
    west, south, east, north = shapely.total_bounds(geoms)
    return (float(west), float(south), float(east), float(north))
