"""Outlines, demo neighbourhoods and browser simplification."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from geo.demo_areas import voronoi_neighbourhoods
from geo.layers import SWEREF99TM, WGS84, municipality_outlines, require_crs
from geo.simplify import dumps_compact, feature_collection, simplify_coverage


@pytest.fixture(scope="module")
def sigtuna() -> BaseGeometry:
    return municipality_outlines(["0191"]).geometry.iloc[0]


def test_outlines_come_in_the_order_asked_for() -> None:
    outlines = municipality_outlines(["0380", "0191"])
    assert outlines["code"].tolist() == ["0380", "0191"]
    assert outlines["name"].tolist() == ["Uppsala", "Sigtuna"]
    assert outlines.crs == WGS84
    areas_km2 = outlines.to_crs(SWEREF99TM).area / 1e6
    assert 2000 < areas_km2.iloc[0] < 2500 and 300 < areas_km2.iloc[1] < 400


def test_unknown_kommun_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="9999"):
        municipality_outlines(["0380", "9999"])


def test_layer_without_crs_is_refused() -> None:
    with pytest.raises(ValueError, match="no coordinate reference system"):
        require_crs(gpd.GeoDataFrame(geometry=[shapely.Point(0, 0)]))


def test_voronoi_partition_covers_the_kommun_without_overlaps(sigtuna: BaseGeometry) -> None:
    cells = voronoi_neighbourhoods(sigtuna, n_areas=16, seed=7, centre=(17.856, 59.6196))
    assert len(cells) == 16
    assert cells["rank"].tolist() == list(range(1, 17))
    metric = cells.to_crs(SWEREF99TM)
    assert bool(shapely.coverage_is_valid(metric.geometry.values))
    outline = gpd.GeoSeries([sigtuna], crs=WGS84).to_crs(SWEREF99TM).iloc[0]
    assert abs(metric.union_all().area - outline.area) / outline.area < 1e-3


def test_voronoi_is_deterministic_for_a_seed(sigtuna: BaseGeometry) -> None:
    a = voronoi_neighbourhoods(sigtuna, n_areas=10, seed=3)
    b = voronoi_neighbourhoods(sigtuna, n_areas=10, seed=3)
    c = voronoi_neighbourhoods(sigtuna, n_areas=10, seed=4)
    assert a.geometry.equals(b.geometry)
    assert not a.geometry.equals(c.geometry)


def test_voronoi_puts_small_areas_in_town(sigtuna: BaseGeometry) -> None:
    cells = voronoi_neighbourhoods(sigtuna, n_areas=16, seed=7, centre=(17.856, 59.6196))
    area = cells.to_crs(SWEREF99TM).area
    assert area.iloc[:4].mean() < area.iloc[-4:].mean()


@pytest.mark.parametrize("n", [0, 1])
def test_too_few_areas_are_refused(sigtuna: BaseGeometry, n: int) -> None:
    with pytest.raises(ValueError, match="at least 2"):
        voronoi_neighbourhoods(sigtuna, n_areas=n, seed=1)


def test_simplification_keeps_a_coverage_and_shrinks_it(sigtuna: BaseGeometry) -> None:
    cells = voronoi_neighbourhoods(sigtuna, n_areas=16, seed=7)
    simplified = simplify_coverage(cells, tolerance_m=300)
    assert bool(shapely.coverage_is_valid(simplified.to_crs(SWEREF99TM).geometry.values))
    before = shapely.get_num_coordinates(cells.geometry.values).sum()
    after = shapely.get_num_coordinates(simplified.geometry.values).sum()
    assert after < before


def test_negative_tolerance_is_refused(sigtuna: BaseGeometry) -> None:
    cells = voronoi_neighbourhoods(sigtuna, n_areas=4, seed=1)
    with pytest.raises(ValueError, match="tolerance"):
        simplify_coverage(cells, tolerance_m=-1)


def test_simplification_cleans_overlaps_and_narrow_gaps_into_shared_borders() -> None:
    # Metres, a 2 km square: the bottom and top strips leave a 50 m gap between them,
    # closed at both ends by small areas, one of which overlaps the bottom by 10 m.
    boxes = [shapely.box(0, 0, 2000, 1000), shapely.box(0, 1050, 2000, 2000)]
    boxes += [shapely.box(0, 990, 500, 1050), shapely.box(1500, 1000, 2000, 1050)]
    layer = gpd.GeoDataFrame({"code": ["a", "b", "c", "d"]}, geometry=boxes, crs=SWEREF99TM)
    simplified = simplify_coverage(layer, tolerance_m=10).to_crs(SWEREF99TM)
    assert bool(shapely.coverage_is_valid(simplified.geometry.values))
    assert simplified.area.sum() == pytest.approx(2000 * 2000, rel=1e-6)
    assert simplified.union_all().area == pytest.approx(2000 * 2000, rel=1e-6)


def test_area_the_cleaning_would_swallow_keeps_its_own_shape() -> None:
    outer, inner = shapely.box(0, 0, 1000, 1000), shapely.box(400, 400, 500, 500)
    layer = gpd.GeoDataFrame(geometry=[outer, inner, inner], crs=SWEREF99TM)
    simplified = simplify_coverage(layer, tolerance_m=10).to_crs(SWEREF99TM)
    assert not simplified.is_empty.any()
    assert simplified.area.iloc[1] == pytest.approx(100 * 100, rel=1e-6)


def test_invalid_polygons_are_repaired_before_cleaning() -> None:
    bowtie = Polygon([(0, 0), (1000, 1000), (1000, 0), (0, 1000)])
    layer = gpd.GeoDataFrame(geometry=[bowtie, shapely.box(1000, 0, 2000, 1000)], crs=SWEREF99TM)
    simplified = simplify_coverage(layer, tolerance_m=1).to_crs(SWEREF99TM)
    assert simplified.is_valid.all()
    assert simplified.area.iloc[0] == pytest.approx(500 * 1000, rel=1e-6)


def test_simplification_refuses_non_polygonal_rows() -> None:
    layer = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1), None], crs=SWEREF99TM)
    with pytest.raises(ValueError, match=r"not non-empty polygons \(rows 1\)"):
        simplify_coverage(layer, tolerance_m=1)


@pytest.mark.parametrize("option", ["gap_width_m", "snapping_m"])
def test_negative_cleaning_distances_are_refused(sigtuna: BaseGeometry, option: str) -> None:
    cells = voronoi_neighbourhoods(sigtuna, n_areas=4, seed=1)
    with pytest.raises(ValueError, match=option):
        simplify_coverage(cells, tolerance_m=1, **{option: -1.0})


def test_feature_collection_rounds_and_names_features(sigtuna: BaseGeometry) -> None:
    cells = voronoi_neighbourhoods(sigtuna, n_areas=4, seed=1)
    cells["code"] = [f"0191-D{r:02d}" for r in cells["rank"]]
    collection = feature_collection(cells, id_field="code", properties=("rank",))
    first = collection["features"][0]
    assert first["id"] == "0191-D01"
    assert first["properties"] == {"rank": 1}
    polygon = shapely.geometry.shape(first["geometry"])
    assert isinstance(polygon, Polygon)
    lon, lat = polygon.exterior.coords[0]
    assert lon == round(lon, 5) and lat == round(lat, 5)
    assert b" " not in dumps_compact(collection)


@pytest.mark.shared_data
def test_real_sigtuna_deso_layer_simplifies_to_valid_polygons(shared_data: Path) -> None:
    deso = gpd.read_file(shared_data / "geo" / "sigtuna_deso_2018.geojson")
    assert len(deso) == 24
    simplified = simplify_coverage(deso, tolerance_m=15)
    assert len(simplified) == 24
    assert simplified.is_valid.all() and not simplified.is_empty.any()
    # The source polygons overlap slightly (SOURCES.md: ~0.05 %); simplifying must not
    # change the total area by more than a fraction of a percent.
    before = deso.to_crs(SWEREF99TM).area.sum()
    after = simplified.to_crs(SWEREF99TM).area.sum()
    assert abs(after - before) / before < 0.005
