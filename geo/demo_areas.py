"""Synthetic demo neighbourhoods: a Voronoi partition of a municipality.

Real DeSO/RegSO layers are imported by the area-import feature; these polygons
only exist so the demo has believable neighbourhoods. They are labelled synthetic
wherever they are shown.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.layers import SWEREF99TM, WGS84

MIN_AREAS = 2


def voronoi_neighbourhoods(
    outline: BaseGeometry,
    *,
    n_areas: int,
    seed: int,
    centre: tuple[float, float] | None = None,
    urban_share: float = 0.6,
    urban_radius_m: float = 6000.0,
) -> gpd.GeoDataFrame:
    """Partition ``outline`` (EPSG:4326) into ``n_areas`` Voronoi cells.

    A share ``urban_share`` of the seed points is drawn around ``centre`` (lon, lat)
    with a normal spread of ``urban_radius_m`` metres, the rest uniformly, so towns
    get small neighbourhoods and the countryside large ones, as in DeSO. Cells are
    clipped to the outline; the result is a coverage (no overlaps, union = outline),
    ordered from the centre outwards, in EPSG:4326 with a column ``rank`` (1-based).
    Deterministic for a given ``seed``. Refuses fewer than 2 areas and empty outlines.
    """
    if n_areas < MIN_AREAS:
        msg = f"n_areas must be at least {MIN_AREAS}, got {n_areas}"
        raise ValueError(msg)
    if outline.is_empty:
        msg = "the outline is empty"
        raise ValueError(msg)
    if not 0.0 <= urban_share <= 1.0:
        msg = f"urban_share must be within 0..1, got {urban_share}"
        raise ValueError(msg)
    rng = np.random.default_rng(seed)
    metric = gpd.GeoSeries([outline], crs=WGS84).to_crs(SWEREF99TM).iloc[0]
    if centre is None:
        centre_m = metric.representative_point()
    else:
        centre_m = gpd.GeoSeries([shapely.Point(centre)], crs=WGS84).to_crs(SWEREF99TM).iloc[0]
    points = _seed_points(
        metric, rng, n_areas, (centre_m.x, centre_m.y), urban_share, urban_radius_m
    )
    cells = shapely.voronoi_polygons(shapely.MultiPoint(points), extend_to=metric)
    clipped = [cell.intersection(metric) for cell in shapely.get_parts(cells)]
    # Grid-snapping makes the vertices that neighbours share exactly identical,
    # which coverage simplification needs later.
    polygons = shapely.set_precision(np.array(clipped, dtype=object), grid_size=1.0)
    polygons = np.array([shapely.make_valid(p) for p in polygons], dtype=object)
    polygons = np.array([_polygonal(p) for p in polygons], dtype=object)
    keep = ~shapely.is_empty(polygons)
    polygons = polygons[keep]
    centroid_distance = shapely.distance(shapely.centroid(polygons), centre_m)
    order = np.argsort(centroid_distance, kind="stable")
    gdf = gpd.GeoDataFrame(
        {"rank": np.arange(1, len(order) + 1)},
        geometry=list(polygons[order]),
        crs=SWEREF99TM,
    )
    return gdf.to_crs(WGS84)


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """Drop lines and points that clipping can leave in a collection."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _seed_points(
    outline_m: BaseGeometry,
    rng: np.random.Generator,
    n: int,
    centre_m: tuple[float, float],
    urban_share: float,
    radius_m: float,
) -> np.ndarray:
    """Draw ``n`` distinct points inside ``outline_m`` (metres)."""
    minx, miny, maxx, maxy = outline_m.bounds
    prepared = outline_m
    shapely.prepare(prepared)
    n_urban = round(n * urban_share)
    found: list[tuple[float, float]] = []
    # Rejection sampling; a cap keeps a pathological outline from looping forever.
    for _ in range(10_000):
        if len(found) >= n:
            break
        if len(found) < n_urban:
            x, y = rng.normal(centre_m, radius_m)
        else:
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if shapely.contains_xy(prepared, x, y) and all(
            (x - fx) ** 2 + (y - fy) ** 2 > 250.0**2 for fx, fy in found
        ):
            found.append((float(x), float(y)))
    if len(found) < n:
        msg = f"could not place {n} seed points inside the outline"
        raise ValueError(msg)
    return np.array(found)
