"""Browser simplification of the real DeSO layers: what the map is actually served.

The source files overlap and leave gaps between neighbours (SOURCES.md); the served
GeoJSON must be a clean coverage: areas meet along identical borders, so there is
nothing to see between them.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from data.areas.browser import LAYER_TOLERANCE_M
from geo.layers import SWEREF99TM, WGS84
from geo.simplify import clean_coverage, dumps_compact, feature_collection, simplify_coverage

pytestmark = pytest.mark.shared_data

LAYERS = {"sigtuna": "sigtuna_deso_2018.geojson", "stockholm": "stockholms_lan_deso_2018.geojson"}
TOLERANCE_M = LAYER_TOLERANCE_M["deso"]
MAX_OVERLAP_M2 = 100.0
"""Largest overlap allowed between two served areas (none is expected at all)."""
MAX_GAP_M2 = 100.0
"""Largest hole in the served layer's union that the cleaned input did not have."""
SLIVER_M2 = 100.0
"""A polygon part smaller than this is a sliver."""
NATIONAL_DESO = 5984
NATIONAL_GZIP_BUDGET = 1_500_000


@dataclass(frozen=True)
class ServedLayer:
    """One real layer: the source, its cleaned coverage and the served GeoJSON, in metres."""

    source_codes: list[str]
    codes: list[str]
    raw: np.ndarray
    cleaned: np.ndarray
    served: np.ndarray
    body: bytes


def metric(geometry: object) -> np.ndarray:
    return gpd.GeoSeries(geometry, crs=WGS84).to_crs(SWEREF99TM).to_numpy()


@pytest.fixture(scope="module", params=sorted(LAYERS))
def layer(request: pytest.FixtureRequest, shared_data: Path) -> ServedLayer:
    source = gpd.read_file(shared_data / "geo" / LAYERS[request.param])
    simplified = simplify_coverage(source, tolerance_m=TOLERANCE_M)
    body = dumps_compact(feature_collection(simplified, id_field="deso_2018"))
    features = json.loads(body)["features"]
    return ServedLayer(
        source_codes=source["deso_2018"].tolist(),
        codes=[f["id"] for f in features],
        raw=metric(source.geometry),
        cleaned=clean_coverage(source).geometry.to_numpy(),
        served=metric([shapely.geometry.shape(f["geometry"]) for f in features]),
        body=body,
    )


def neighbour_pairs(geometry: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    first, second = shapely.STRtree(geometry).query(geometry, predicate="intersects")
    keep = first < second
    return first[keep], second[keep]


def shared_border_m(geometry: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    borders = shapely.boundary(geometry)
    return shapely.length(shapely.intersection(borders[first], borders[second]))


def holes(geometry: np.ndarray) -> np.ndarray:
    """The holes of the union: places enclosed by areas but covered by none."""
    union = shapely.union_all(geometry)
    rings = [ring for polygon in shapely.get_parts(union) for ring in polygon.interiors]
    return shapely.polygons(rings) if rings else np.array([], dtype=object)


def test_every_area_keeps_its_code_and_stays_a_valid_polygon(layer: ServedLayer) -> None:
    assert layer.codes == layer.source_codes
    assert shapely.is_valid(layer.served).all()
    assert not shapely.is_empty(layer.served).any()
    assert set(shapely.get_type_id(layer.served)) <= {
        shapely.GeometryType.POLYGON,
        shapely.GeometryType.MULTIPOLYGON,
    }


def test_served_areas_do_not_overlap(layer: ServedLayer) -> None:
    first, second = neighbour_pairs(layer.served)
    overlaps = shapely.area(shapely.intersection(layer.served[first], layer.served[second]))
    assert overlaps.max(initial=0.0) < MAX_OVERLAP_M2
    # Stronger: no overlap at all and shared borders identical, vertex for vertex.
    assert bool(shapely.coverage_is_valid(layer.served))


def test_no_gap_opens_between_neighbours(layer: ServedLayer) -> None:
    cleaned_holes = holes(layer.cleaned)
    new_gaps = [
        hole
        for hole in holes(layer.served)
        if hole.area > MAX_GAP_M2 and not shapely.intersects(hole, cleaned_holes).any()
    ]
    assert new_gaps == []
    # Neighbours in the cleaned layer still share (most of) their border.
    first, second = neighbour_pairs(layer.cleaned)
    before = shared_border_m(layer.cleaned, first, second)
    after = shared_border_m(layer.served, first, second)
    neighbours = before > 1.0
    assert neighbours.sum() > len(layer.codes)
    assert (after[neighbours] / before[neighbours]).min() > 0.5


def test_cleaning_closes_the_source_gaps(layer: ServedLayer) -> None:
    assert len(holes(layer.raw)) > 50
    assert len(holes(layer.served)) == 0


def test_simplification_leaves_no_slivers(layer: ServedLayer) -> None:
    def slivers(geometry: np.ndarray) -> int:
        return int((shapely.area(shapely.get_parts(geometry)) < SLIVER_M2).sum())

    assert slivers(layer.served) <= slivers(layer.raw)


def test_area_change_per_area_is_small(layer: ServedLayer) -> None:
    by_simplification = np.abs(shapely.area(layer.served) / shapely.area(layer.cleaned) - 1)
    by_cleaning = np.abs(shapely.area(layer.cleaned) / shapely.area(layer.raw) - 1)
    print(
        f"area change per area: simplification max {by_simplification.max():.2%}; "
        f"cleaning (source overlaps and gaps resolved) p95 "
        f"{np.percentile(by_cleaning, 95):.2%}, max {by_cleaning.max():.2%}"
    )
    assert by_simplification.max() < 0.02
    # Small inner-city DeSO can gain a source gap of half their size; most barely move.
    assert np.percentile(by_cleaning, 95) < 0.10


def test_served_geojson_is_compact(layer: ServedLayer) -> None:
    assert b" " not in layer.body
    assert re.search(rb"\.\d{6}", layer.body) is None  # five decimals at most (~1 m)
    for geometry in layer.served:
        for ring in shapely.get_rings(shapely.get_parts(geometry)):
            coords = shapely.get_coordinates(ring)
            assert not (coords[1:] == coords[:-1]).all(axis=1).any()


def test_national_deso_layer_fits_the_gzip_budget(layer: ServedLayer) -> None:
    """Scaled by the number of areas; bench/bench_layer_size.py refines the estimate."""
    gzipped = len(gzip.compress(layer.body, compresslevel=6))
    estimate = gzipped * NATIONAL_DESO / len(layer.codes)
    print(f"{len(layer.codes)} DeSO: {gzipped:,} B gzip; national estimate {estimate:,.0f} B")
    assert estimate < NATIONAL_GZIP_BUDGET
