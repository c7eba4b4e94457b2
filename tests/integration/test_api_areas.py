"""The aggregate API over DeSO, RegSO and own areas, on SQLite and PostgreSQL.

The demo has only own areas; this kommun (``tests.hierarchy_data``) has the whole
hierarchy and a small DeSO, so level and area rules can be seen through HTTP.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dashboard import create_app
from dashboard.state import app_state
from data.access.tokens import create_token
from data.storage.db import unit_of_work
from data.storage.setup import initialise_database
from tests.clock import TEST_TODAY
from tests.conftest import postgres_schema
from tests.hierarchy_data import D1, D2, D4, EGEN, OTHER_AREA, R1, R2, USERS, build_hierarchy

URL = "/api/v1/aggregates"


def _postgres_url() -> Iterator[str]:
    """A PostgreSQL URL whose connections use a fresh schema (dropped afterwards)."""
    with postgres_schema() as (url, schema):
        separator = "&" if "?" in url else "?"
        yield f"{url}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def area_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Flask, dict[str, str]]]:
    """An app on the hierarchy kommun, with one token per user."""
    instance = tmp_path_factory.mktemp("areas")
    urls = (
        iter([f"sqlite:///{Path(instance) / 'areas.sqlite'}"])
        if request.param == "sqlite"
        else _postgres_url()
    )
    for url in urls:
        app = create_app(
            {
                "SSP_INSTANCE_PATH": str(instance),
                "DATABASE_URL": url,
                "SECRET_KEY": secrets.token_hex(16),
                "TESTING": True,
            }
        )
        state = app_state(app)
        initialise_database(state.engine)
        tokens = {}
        with unit_of_work(state.sessions) as session:
            build_hierarchy(session, today=TEST_TODAY)
            for username in USERS:
                tokens[username] = create_token(session, username)[1]
        yield app, tokens
        state.engine.dispose()


def ask(area_app: tuple[Flask, dict[str, str]], username: str, **params: str) -> Any:
    app, tokens = area_app
    client: FlaskClient = app.test_client()
    return client.get(
        URL, query_string=params, headers={"Authorization": f"Bearer {tokens[username]}"}
    )


def areas_of(response: Any) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return sorted({c["area"] for c in response.get_json()["cells"]})


def test_deso_level_shows_the_small_deso_merged(area_app: Any) -> None:
    response = ask(area_app, "samordnare9", level="deso", group_by="area")
    assert areas_of(response) == sorted([D1, D2, R2])


def test_an_area_narrows_to_the_areas_inside_it(area_app: Any) -> None:
    assert areas_of(ask(area_app, "samordnare9", level="deso", area=R1, group_by="area")) == [
        D1,
        D2,
    ]
    assert areas_of(ask(area_app, "samordnare9", level="deso", area=EGEN, group_by="area")) == [D1]
    body = ask(area_app, "samordnare9", level="regso", area=R2, group_by="week").get_json()
    assert body["area"] == R2 and len(body["cells"]) == 4


def test_an_area_merged_away_at_the_level_is_403(area_app: Any) -> None:
    response = ask(area_app, "samordnare9", level="deso", area=D4)
    assert response.status_code == 403
    assert response.get_json()["parameter"] == "area"


def test_leadership_gets_regso_with_k_10_but_never_deso(area_app: Any) -> None:
    refused = ask(area_app, "ledning9", level="deso", group_by="area")
    assert refused.status_code == 403
    assert refused.get_json()["parameter"] == "level"
    weekly = ask(area_app, "ledning9", level="regso", group_by="area,week")
    assert weekly.status_code == 403  # leadership sees whole months
    body = ask(area_app, "ledning9", level="regso", group_by="area,month").get_json()
    assert body["k"] == 10
    assert {c["area"] for c in body["cells"]} == {R1, R2}
    assert all(c["count"] is None or c["count"] == 0 or c["count"] >= 10 for c in body["cells"])


def test_police_get_their_regso_and_nothing_else(area_app: Any) -> None:
    assert areas_of(ask(area_app, "polis9", group_by="area")) == [R1]  # default level: regso
    for params in (
        {"level": "kommun"},
        {"level": "deso"},
        {"level": "regso", "area": R2},
        {"level": "regso", "area": "9902"},
    ):
        response = ask(area_app, "polis9", **params)
        assert response.status_code == 403, params


def test_other_kommuner_are_403_both_ways(area_app: Any) -> None:
    for username, area in (
        ("samordnare9", "9902"),
        ("samordnare9", OTHER_AREA),
        ("samordnare2", R1),
    ):
        response = ask(area_app, username, area=area)
        assert response.status_code == 403, (username, area)
        assert response.get_json()["parameter"] == "area"
    assert ask(area_app, "samordnare2", level="deso", group_by="area").status_code == 200
