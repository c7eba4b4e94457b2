"""Point → area assignment (AreaLocator) against brute force, in both input CRSs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry.base import BaseGeometry

from geo.assign import OUTSIDE, AreaLocator, assign_points
from geo.demo_areas import voronoi_neighbourhoods
from geo.layers import SWEREF99TM, WGS84, municipality_outlines

WEST, SOUTH, EAST, NORTH = 17.5, 59.5, 18.0, 59.7
"""A box around Sigtuna, where the synthetic layers are drawn (degrees)."""


def brute_force(
    polygons: Sequence[BaseGeometry] | np.ndarray, lon: np.ndarray, lat: np.ndarray
) -> np.ndarray:
    """Lowest row whose polygon covers each point, -1 for none: every pair tested."""
    points = np.asarray(shapely.points(lon, lat))
    covers = shapely.covers(np.asarray(polygons, dtype=object)[:, np.newaxis], points)
    return np.where(covers.any(axis=0), covers.argmax(axis=0), OUTSIDE)


def layer(polygons: list[BaseGeometry]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"code": range(len(polygons))}, geometry=polygons, crs=WGS84)


@pytest.fixture(scope="module")
def neighbourhoods() -> gpd.GeoDataFrame:
    """A real coverage: 12 Voronoi cells of Sigtuna, sharing their borders exactly."""
    outline = municipality_outlines(["0191"]).geometry.iloc[0]
    return voronoi_neighbourhoods(outline, n_areas=12, seed=5)


lons = st.floats(WEST - 0.05, EAST + 0.05)
lats = st.floats(SOUTH - 0.05, NORTH + 0.05)


@st.composite
def overlapping_polygons(draw: st.DrawFn) -> BaseGeometry:
    """A box, a disc or a two-part multipolygon; neighbours drawn this way overlap."""
    lon, lat = draw(st.floats(WEST, EAST)), draw(st.floats(SOUTH, NORTH))
    size = draw(st.floats(0.001, 0.2))
    kind = draw(st.sampled_from(["box", "disc", "multi"]))
    if kind == "disc":
        return shapely.Point(lon, lat).buffer(size / 2, quad_segs=4)
    first = shapely.box(lon, lat, lon + size, lat + size / 2)
    if kind == "box":
        return first
    return shapely.MultiPolygon([first, shapely.box(lon - 2 * size, lat, lon - size, lat + size)])


@settings(max_examples=60, deadline=None)
@given(
    polygons=st.lists(overlapping_polygons(), min_size=1, max_size=8),
    points=st.lists(st.tuples(lons, lats), max_size=60),
    vertex_picks=st.lists(st.integers(min_value=0), max_size=20),
    cells_per_area=st.sampled_from([1, 4, 32]),
)
def test_each_point_lands_in_the_lowest_area_that_covers_it(
    polygons: list[BaseGeometry],
    points: list[tuple[float, float]],
    vertex_picks: list[int],
    cells_per_area: int,
) -> None:
    # Polygon vertices lie exactly on borders, often inside other polygons as well.
    vertices = shapely.get_coordinates(polygons)
    picked = [tuple(vertices[i % len(vertices)]) for i in vertex_picks]
    lon, lat = np.array([*points, *picked], dtype=float).reshape(-1, 2).T
    located = AreaLocator(layer(polygons), cells_per_area=cells_per_area).locate(lon, lat)
    assert located.dtype == np.int64
    np.testing.assert_array_equal(located, brute_force(polygons, lon, lat))


@settings(max_examples=30, deadline=None)
@given(points=st.lists(st.tuples(lons, lats), min_size=1, max_size=200))
def test_points_outside_every_area_give_minus_one(
    neighbourhoods: gpd.GeoDataFrame, points: list[tuple[float, float]]
) -> None:
    lon, lat = np.array(points).T
    located = AreaLocator(neighbourhoods).locate(lon, lat)
    outside = ~shapely.covers(neighbourhoods.union_all(), shapely.points(lon, lat))
    np.testing.assert_array_equal(located == OUTSIDE, outside)


def test_points_on_shared_borders_go_to_the_lowest_row(neighbourhoods: gpd.GeoDataFrame) -> None:
    polygons = np.asarray(neighbourhoods.geometry.values)
    lon, lat = shapely.get_coordinates(polygons).T
    expected = brute_force(polygons, lon, lat)
    shared = shapely.covers(polygons[:, np.newaxis], shapely.points(lon, lat)).sum(axis=0) > 1
    assert shared.sum() > 50  # the test really exercises ties
    np.testing.assert_array_equal(AreaLocator(neighbourhoods).locate(lon, lat), expected)


def test_sweref_input_gives_the_same_areas_as_wgs84(neighbourhoods: gpd.GeoDataFrame) -> None:
    rng = np.random.default_rng(11)
    lon = rng.uniform(WEST, EAST, 20_000)
    lat = rng.uniform(SOUTH, NORTH, 20_000)
    easting, northing = pyproj.Transformer.from_crs(WGS84, SWEREF99TM, always_xy=True).transform(
        lon, lat
    )
    locator = AreaLocator(neighbourhoods)
    from_wgs84 = locator.locate(lon, lat)
    from_sweref = locator.locate(easting, northing, crs=SWEREF99TM)
    # The round trip through metres moves a point by ~1e-9 m: only a point within a
    # hair of a border could change sides, and random points are not that close.
    borders = shapely.boundary(neighbourhoods.union_all())
    assert shapely.distance(borders, shapely.points(lon, lat)).min() > 1e-9
    np.testing.assert_array_equal(from_sweref, from_wgs84)
    assert (from_wgs84 != OUTSIDE).mean() > 0.3


def test_empty_batch_gives_an_empty_result(neighbourhoods: gpd.GeoDataFrame) -> None:
    located = AreaLocator(neighbourhoods).locate([], [])
    assert located.shape == (0,) and located.dtype == np.int64
    assert AreaLocator(neighbourhoods).locate([], [], crs=SWEREF99TM).shape == (0,)


@pytest.mark.parametrize("crs", [WGS84, SWEREF99TM])
def test_missing_or_infinite_coordinates_give_minus_one(
    neighbourhoods: gpd.GeoDataFrame, crs: str
) -> None:
    centre = neighbourhoods.geometry.iloc[0].representative_point()
    x, y = centre.x, centre.y
    if crs == SWEREF99TM:
        x, y = pyproj.Transformer.from_crs(WGS84, crs, always_xy=True).transform(x, y)
    nan, inf = float("nan"), float("inf")
    located = AreaLocator(neighbourhoods).locate(
        [x, nan, x, inf, -inf, x], [y, y, nan, y, y, inf], crs=crs
    )
    assert located.tolist() == [0, OUTSIDE, OUTSIDE, OUTSIDE, OUTSIDE, OUTSIDE]


def test_metres_passed_as_degrees_are_refused(neighbourhoods: gpd.GeoDataFrame) -> None:
    with pytest.raises(ValueError, match="EPSG:3006"):
        AreaLocator(neighbourhoods).locate([668_000.0], [6_610_000.0])


def test_unknown_crs_is_refused(neighbourhoods: gpd.GeoDataFrame) -> None:
    with pytest.raises(ValueError, match="unknown coordinate reference system"):
        AreaLocator(neighbourhoods).locate([17.9], [59.6], crs="EPSG:not-a-code")


def test_unequal_coordinate_arrays_are_refused(neighbourhoods: gpd.GeoDataFrame) -> None:
    with pytest.raises(ValueError, match="equal length"):
        AreaLocator(neighbourhoods).locate([17.9, 17.8], [59.6])


def test_layer_without_crs_is_refused() -> None:
    with pytest.raises(ValueError, match="no coordinate reference system"):
        AreaLocator(gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1)]))


@pytest.mark.parametrize(
    "geometry",
    [shapely.Point(17.9, 59.6), shapely.LineString([(17.9, 59.6), (18, 59.7)]), shapely.Polygon()],
)
def test_non_polygonal_or_empty_areas_are_refused(geometry: BaseGeometry) -> None:
    with pytest.raises(ValueError, match=r"not non-empty polygons \(rows 1\)"):
        AreaLocator(layer([shapely.box(17.8, 59.5, 17.9, 59.6), geometry]))


def test_empty_layer_puts_every_point_outside() -> None:
    located = AreaLocator(layer([])).locate([17.9, 18.0], [59.6, 59.7])
    assert located.tolist() == [OUTSIDE, OUTSIDE]


def test_building_leaves_the_callers_geometries_unprepared(
    neighbourhoods: gpd.GeoDataFrame,
) -> None:
    AreaLocator(neighbourhoods)
    assert not shapely.is_prepared(np.asarray(neighbourhoods.geometry.values)).any()


def test_assign_points_is_a_one_off_locate(neighbourhoods: gpd.GeoDataFrame) -> None:
    lon, lat = np.array([17.85, 17.95, 10.0]), np.array([59.62, 59.6, 50.0])
    np.testing.assert_array_equal(
        assign_points(lon, lat, neighbourhoods), AreaLocator(neighbourhoods).locate(lon, lat)
    )


@pytest.mark.shared_data
def test_real_sigtuna_deso_layer_agrees_with_geopandas_sjoin(shared_data: Path) -> None:
    deso = gpd.read_file(shared_data / "geo" / "sigtuna_deso_2018.geojson")
    west, south, east, north = deso.total_bounds
    rng = np.random.default_rng(2026)
    lon = rng.uniform(west, east, 20_000)
    lat = rng.uniform(south, north, 20_000)
    located = AreaLocator(deso).locate(lon, lat)

    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=deso.crs)
    joined = gpd.sjoin(points, deso[["geometry"]], predicate="within")
    # The source polygons overlap slightly (SOURCES.md): a point in two areas takes the lowest.
    lowest = joined.groupby(level=0)["index_right"].min()
    expected = np.full(lon.size, OUTSIDE)
    expected[lowest.index.to_numpy()] = deso.index.get_indexer(lowest.to_numpy())
    np.testing.assert_array_equal(located, expected)
    assert 0.3 < (located != OUTSIDE).mean() < 1


@pytest.mark.shared_data
def test_real_sigtuna_police_centroids(shared_data: Path) -> None:
    """The kommun centroid polisen.se gives for Sigtuna lies in a DeSO; Uppsala's does not."""
    deso = gpd.read_file(shared_data / "geo" / "sigtuna_deso_2018.geojson")
    located = AreaLocator(deso).locate([17.723419, 17.638927], [59.619146, 59.858564])
    assert located[0] != OUTSIDE and located[1] == OUTSIDE
    assert deso["kommun_kod"].iloc[located[0]] == "0191"
