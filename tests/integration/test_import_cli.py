"""Hostile layers through ``ssp import-areas``: refused clearly, database unchanged."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from flask import Flask

from dashboard import create_app
from tests.unit.test_importing import squares, write_layer, zip_with


@pytest.fixture
def cli_app(tmp_path: Path) -> Flask:
    app = create_app(
        {
            "SSP_INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'import.sqlite'}",
            "SECRET_KEY": "k" * 32,
        }
    )
    runner = app.test_cli_runner()
    assert runner.invoke(args=["ssp", "init-db"]).exit_code == 0
    # Custom areas near Märsta: a database that already holds something.
    first = write_layer(squares(("0191-E1", "0191-E2")), tmp_path / "first.gpkg")
    result = runner.invoke(args=["ssp", "import-areas", str(first), *OPTIONS])
    assert result.exit_code == 0, result.output
    return app


OPTIONS = ["--level", "custom", "--code-field", "kod", "--name-field", "namn"]


def listing(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["ssp", "list-areas"])
    assert result.exit_code == 0
    return str(result.output)


def no_crs(tmp_path: Path) -> Path:
    layer = squares(("0191-N1",))
    path = tmp_path / "no_crs.geojson"
    data = json.loads(layer.to_json())
    data.pop("crs", None)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def duplicates(tmp_path: Path) -> Path:
    return write_layer(squares(("0191-D1", "0191-D1")), tmp_path / "dup.gpkg")


def huge(tmp_path: Path) -> Path:
    path = tmp_path / "huge.geojson"
    with path.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: costs no disk
    return path


def bomb(tmp_path: Path) -> Path:
    members = {"lager.shp": bytes(32 * 1024**2), "lager.shx": b"x", "lager.dbf": b"x"}
    return zip_with(tmp_path / "bomb.zip", members)


def traversal(tmp_path: Path) -> Path:
    return zip_with(tmp_path / "evil.zip", {"../evil.shp": b"x", "../evil.shx": b"x"})


def million_vertices(tmp_path: Path) -> Path:
    angles = np.linspace(0, 2 * np.pi, 1_000_000, endpoint=False)
    ring = np.column_stack([17.8 + 0.1 * np.cos(angles), 59.6 + 0.05 * np.sin(angles)])
    polygon = shapely.Polygon(ring)
    layer = gpd.GeoDataFrame({"kod": ["0191-M1"], "namn": ["Stor"]}, geometry=[polygon], crs=4326)
    return write_layer(layer, tmp_path / "million.geojson")


HOSTILE: list[tuple[Callable[[Path], Path], str]] = [
    (no_crs, "koordinatsystem"),
    (duplicates, "0191-D1"),
    (huge, "högst 100 MB"),
    (bomb, "zip-bomb"),
    (traversal, "evil"),
    (million_vertices, "hörnpunkter"),
]


@pytest.mark.parametrize(("make", "reason"), HOSTILE, ids=[m.__name__ for m, _ in HOSTILE])
def test_hostile_layer_is_refused_and_leaves_the_database_unchanged(
    cli_app: Flask, tmp_path: Path, make: Callable[[Path], Path], reason: str
) -> None:
    before = listing(cli_app)
    path = make(tmp_path)
    result = cli_app.test_cli_runner().invoke(args=["ssp", "import-areas", str(path), *OPTIONS])
    assert result.exit_code != 0
    assert "Ingenting importerades" in result.output
    assert reason in result.output
    assert listing(cli_app) == before


def test_self_intersecting_polygon_is_repaired_reported_and_imported(
    cli_app: Flask, tmp_path: Path
) -> None:
    x0, y0 = 662_000.0, 6_610_000.0
    bowtie = shapely.Polygon(
        [(x0, y0), (x0 + 1000, y0 + 1000), (x0 + 1000, y0), (x0, y0 + 1000), (x0, y0)]
    )
    layer = gpd.GeoDataFrame({"kod": ["0191-B1"], "namn": ["Fluga"]}, geometry=[bowtie], crs=3006)
    path = write_layer(layer, tmp_path / "bowtie.gpkg")
    result = cli_app.test_cli_runner().invoke(args=["ssp", "import-areas", str(path), *OPTIONS])
    assert result.exit_code == 0, result.output
    assert "0191-B1" in result.output  # the repair is reported by code
    assert "0191-B1" in listing(cli_app)


def test_list_areas_prints_the_documented_csv(cli_app: Flask) -> None:
    lines = listing(cli_app).splitlines()
    assert lines[0] == "code,name,level,parent_code,population_10_19"
    assert "0191-E1,Område 1,custom,0191," in lines
    only = cli_app.test_cli_runner().invoke(args=["ssp", "list-areas", "--level", "kommun"])
    assert only.output.splitlines()[1:] == ["0191,Sigtuna,kommun,,"]
