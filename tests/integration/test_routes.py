"""Health check and the cacheable per-layer geometry."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import shapely
from flask import Flask
from flask.testing import FlaskClient

from dashboard import create_app


def test_healthz_reports_a_working_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_does_not_answer(tmp_path: Path) -> None:
    broken = create_app(
        {
            "SSP_INSTANCE_PATH": str(tmp_path),
            # Nothing listens on port 1 of loopback: the connection is refused at once.
            "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2",
            "SECRET_KEY": "x" * 32,
        }
    )
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unavailable"}


def test_layer_geometry_is_gzipped_with_etag_and_revalidates(
    client_as: Callable[[str], FlaskClient],
) -> None:
    client = client_as("samordnare")
    response = client.get("/geo/0380/custom.geojson?v=1", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Content-Type"].startswith("application/geo+json")
    assert "max-age" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]
    collection = json.loads(gzip.decompress(response.data))
    assert len(collection["features"]) == 24
    again = client.get("/geo/0380/custom.geojson?v=1", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""


def test_layer_geometry_stays_a_valid_coverage(client_as: Callable[[str], FlaskClient]) -> None:
    collection = client_as("samordnare").get("/geo/0380/custom.geojson").get_json()
    shapes = [shapely.geometry.shape(f["geometry"]) for f in collection["features"]]
    assert all(s.is_valid and not s.is_empty for s in shapes)
    # Simplified neighbours still share their borders: no overlaps beyond rounding.
    union_area = shapely.union_all(shapes).area
    assert abs(sum(s.area for s in shapes) - union_area) / union_area < 1e-4


def test_unknown_layer_is_404(client_as: Callable[[str], FlaskClient]) -> None:
    client = client_as("samordnare")
    assert client.get("/geo/0380/stadsdel.geojson").status_code == 404
    assert client.get("/geo/abcd/custom.geojson").status_code == 404


def test_leadership_cannot_fetch_a_layer_it_may_not_see(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("ledning")
    assert client.get("/geo/0380/custom.geojson").status_code == 200
    assert client.get("/geo/0380/deso.geojson").status_code == 403
