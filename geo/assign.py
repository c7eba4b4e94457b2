"""Point → area assignment: which area of a layer each observation lies in.

The work is done in EPSG:4326 (WGS84 lon/lat), the CRS layers are stored in, so the
common input — GPS positions — needs no reprojection; SWEREF 99 TM input (EPSG:3006)
is reprojected to WGS84 with pyproj first.

Rules, the same for every batch:

- a point on an area's border counts as inside it (closed polygons, as
  ``shapely.covers``);
- a point on a shared border, or in an overlap of two areas, goes to the area with
  the lowest row position in the layer (deterministic, independent of batching);
- a point outside every area, or with a missing (NaN) or infinite coordinate, gets
  ``-1``. The caller keeps those at municipality level and counts them: nothing is
  dropped here.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pyproj
import shapely
from pyproj.exceptions import CRSError
from shapely import STRtree

from geo.layers import WGS84, require_crs, require_polygons, to_wgs84

OUTSIDE = -1
"""Result for a point outside every area (or without finite coordinates)."""

_AMBIGUOUS = -2
_CHUNK = 1 << 20
"""Points per batch step: bounds the temporary arrays to some tens of MB."""


class AreaLocator:
    """Point-in-area lookup for one polygon layer, built once and reused for many batches.

    Index: a uniform grid over the layer's bounds, about ``cells_per_area`` cells per
    area. At build time an STRtree query tells each cell which areas touch it; a cell
    covered by one area alone answers its points directly, the other points are tested
    against their cell's few candidates with ``shapely.intersects_xy`` on prepared
    polygons. No point geometries are created, which is what makes it fast.

    Refuses a layer without CRS and rows that are not (non-empty) polygons. Results
    are row positions (``iloc``) into ``areas``, not index labels.
    """

    def __init__(self, areas: gpd.GeoDataFrame, *, cells_per_area: int = 32) -> None:
        require_crs(areas)
        require_polygons(areas)
        if cells_per_area < 1:
            msg = f"cells_per_area must be at least 1, got {cells_per_area}"
            raise ValueError(msg)
        geometry = to_wgs84(areas).geometry.to_numpy()
        # Copies, so preparing them leaves the caller's geometries untouched.
        self._polygons = shapely.from_wkb(shapely.to_wkb(geometry))
        shapely.prepare(self._polygons)

        n_areas = len(self._polygons)
        west, south, east, north = (
            shapely.total_bounds(self._polygons) if n_areas else (0.0, 0.0, 0.0, 0.0)
        )
        width, height = east - west, north - south
        # Cells are widened by a hair so a point on a cell edge, after the float
        # division below, is still inside the cell box it is looked up in.
        self._eps = 1e-9 * max(width, height, 1.0)
        cell = math.sqrt(width * height / (cells_per_area * n_areas)) if n_areas else 1.0
        self._nx = max(1, math.ceil(width / cell)) if cell > 0 else 1
        self._ny = max(1, math.ceil(height / cell)) if cell > 0 else 1
        self._west, self._south = west, south
        self._dx = width / self._nx or 1.0
        self._dy = height / self._ny or 1.0
        self._bounds = (west - self._eps, south - self._eps, east + self._eps, north + self._eps)
        self._cell_area, self._offsets, self._candidates = self._index_cells()

    def _index_cells(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per cell: the one area covering it, -1 (none) or -2 (test the candidates)."""
        n_cells = self._nx * self._ny
        col, row = np.divmod(np.arange(n_cells), self._ny)
        west = self._west + col * self._dx
        south = self._south + row * self._dy
        boxes = shapely.box(
            west - self._eps,
            south - self._eps,
            west + self._dx + self._eps,
            south + self._dy + self._eps,
        )
        cell_of_pair, area_of_pair = STRtree(self._polygons).query(boxes, predicate="intersects")
        # Candidates grouped by cell in ascending area order: the first hit is the lowest row.
        order = np.lexsort((area_of_pair, cell_of_pair))
        cell_of_pair, area_of_pair = cell_of_pair[order], area_of_pair[order]
        counts = np.bincount(cell_of_pair, minlength=n_cells)
        offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)

        cell_area = np.full(n_cells, OUTSIDE, dtype=np.int64)
        cell_area[counts > 1] = _AMBIGUOUS
        single = np.flatnonzero(counts == 1)
        only = area_of_pair[offsets[single]]
        covered = shapely.covers(self._polygons[only], boxes[single])
        cell_area[single] = np.where(covered, only, _AMBIGUOUS)
        return cell_area, offsets, area_of_pair.astype(np.int64)

    def locate(
        self, x: npt.ArrayLike, y: npt.ArrayLike, *, crs: str = WGS84
    ) -> npt.NDArray[np.int64]:
        """Row position of the area containing each point, ``-1`` when there is none.

        ``x``/``y`` are 1-D and of equal length: longitude/latitude in degrees for
        EPSG:4326, easting/northing in metres for SWEREF 99 TM (``crs="EPSG:3006"``),
        or any CRS pyproj knows. NaN or infinite coordinates give ``-1`` (see the
        module docstring). Refuses WGS84 coordinates outside ±180°/±90°, which are
        almost always metres passed without ``crs``.
        """
        lon, lat = _as_wgs84(x, y, crs)
        result = np.full(lon.shape, OUTSIDE, dtype=np.int64)
        for start in range(0, lon.size, _CHUNK):
            stop = start + _CHUNK
            result[start:stop] = self._locate_wgs84(lon[start:stop], lat[start:stop])
        return result

    def _locate_wgs84(
        self, lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.int64]:
        result = np.full(lon.shape, OUTSIDE, dtype=np.int64)
        west, south, east, north = self._bounds
        # NaN compares false, so missing coordinates stay OUTSIDE here.
        points = np.flatnonzero((lon >= west) & (lon <= east) & (lat >= south) & (lat <= north))
        px, py = lon[points], lat[points]
        col = np.clip(np.floor((px - self._west) / self._dx), 0, self._nx - 1).astype(np.int64)
        row = np.clip(np.floor((py - self._south) / self._dy), 0, self._ny - 1).astype(np.int64)
        cells = col * self._ny + row
        direct = self._cell_area[cells]
        result[points] = np.maximum(direct, OUTSIDE)

        ambiguous = direct == _AMBIGUOUS
        points, cells = points[ambiguous], cells[ambiguous]
        first = self._offsets[cells]
        n_candidates = self._offsets[cells + 1] - first
        point_of_pair = np.repeat(points, n_candidates)
        # Position of each pair inside its cell's run of candidates, then in the flat list.
        run_start = np.repeat(np.cumsum(n_candidates) - n_candidates, n_candidates)
        pair_in_run = np.arange(point_of_pair.size) - run_start
        area_of_pair = self._candidates[np.repeat(first, n_candidates) + pair_in_run]
        hit = shapely.intersects_xy(
            self._polygons[area_of_pair], lon[point_of_pair], lat[point_of_pair]
        )
        hit_point, hit_area = point_of_pair[hit], area_of_pair[hit]
        lowest = np.ones(hit_point.size, dtype=bool)
        lowest[1:] = hit_point[1:] != hit_point[:-1]
        result[hit_point[lowest]] = hit_area[lowest]
        return result


def assign_points(
    x: npt.ArrayLike, y: npt.ArrayLike, areas: gpd.GeoDataFrame, *, crs: str = WGS84
) -> npt.NDArray[np.int64]:
    """One-off :meth:`AreaLocator.locate`; build an :class:`AreaLocator` to reuse a layer."""
    return AreaLocator(areas).locate(x, y, crs=crs)


def _as_wgs84(
    x: npt.ArrayLike, y: npt.ArrayLike, crs: str
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Coordinates as float64 lon/lat arrays; non-finite input stays non-finite."""
    xs = np.asarray(x, dtype=np.float64)
    ys = np.asarray(y, dtype=np.float64)
    if xs.ndim != 1 or xs.shape != ys.shape:
        msg = f"x and y must be 1-D and of equal length, got shapes {xs.shape} and {ys.shape}"
        raise ValueError(msg)
    try:
        source = pyproj.CRS.from_user_input(crs)
    except CRSError as error:
        msg = f"unknown coordinate reference system {crs!r}: use EPSG:4326 or EPSG:3006"
        raise ValueError(msg) from error
    if source.is_geographic:
        _refuse_out_of_range(xs, ys, crs)
    if source == pyproj.CRS.from_user_input(WGS84):
        return xs, ys
    finite = np.isfinite(xs) & np.isfinite(ys)
    lon = np.full(xs.shape, np.nan)
    lat = np.full(ys.shape, np.nan)
    transformer = pyproj.Transformer.from_crs(source, WGS84, always_xy=True)
    lon[finite], lat[finite] = transformer.transform(xs[finite], ys[finite])
    return lon, lat


def _refuse_out_of_range(
    lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64], crs: str
) -> None:
    # Non-finite values are not "out of range": they become -1 like any missing point.
    wrong = np.isfinite(lon) & np.isfinite(lat) & ((np.abs(lon) > 180) | (np.abs(lat) > 90))
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        msg = (
            f"{int(wrong.sum())} point(s) lie outside ±180° longitude/±90° latitude "
            f"for {crs} (first: x={lon[i]}, y={lat[i]}); SWEREF 99 TM metres need "
            f"crs='EPSG:3006'"
        )
        raise ValueError(msg)
