"""Crafted callback inputs are refused with 400 (never a 500, never data)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from tests.helpers import call_callback, overview_values, weeks_ago

GOOD = overview_values("0380", "custom", weeks_ago(4))


def with_value(key: str, value: Any) -> dict[str, Any]:
    return {**GOOD, key: value}


def with_level(level: Any) -> dict[str, Any]:
    """A hostile level where the trend reads it and in the map-layer store."""
    layer = {"kommun": "0380", "level": level, "url": f"/geo/0380/{level}.geojson?v=1"}
    return {**GOOD, f"{ids.LEVEL}.value": level, f"{ids.MAP_LAYER}.data": layer}


HOSTILE_FILTERS = [
    pytest.param(with_level("bogus"), id="unknown-level"),
    pytest.param(with_level(["custom"]), id="level-as-list"),
    pytest.param(
        with_value(f"{ids.CATEGORIES}.value", ["no-such-category"]), id="unknown-category"
    ),
    pytest.param(with_value(f"{ids.CATEGORIES}.value", 5), id="categories-as-int"),
    pytest.param(with_value(f"{ids.SOURCES}.value", [["polis"]]), id="nested-sources"),
    pytest.param(with_value(f"{ids.SOURCES}.value", ["x"] * 101), id="too-many-sources"),
    pytest.param(
        {
            **GOOD,
            f"{ids.KOMMUN}.value": {"$ne": 1},
            f"{ids.MAP_LAYER}.data": {"kommun": {"$ne": 1}, "level": "custom", "url": "x"},
        },
        id="kommun-as-object",
    ),
]


@pytest.mark.parametrize("values", HOSTILE_FILTERS)
@pytest.mark.parametrize("output", ["ov-top-table.children", "ov-trend.figure"])
def test_malformed_filters_get_400(
    app: Flask, client_as: Callable[[str], FlaskClient], values: dict[str, Any], output: str
) -> None:
    response = call_callback(client_as("samordnare"), app, output, values)
    assert response.status_code == 400
    assert b'"z"' not in response.data and b'"y"' not in response.data


@pytest.mark.parametrize(
    "layer",
    [
        "0380/custom",
        None,
        {"kommun": "0380", "level": "custom", "url": "https://evil.example/x.geojson"},
        {"kommun": "0380", "level": "custom", "url": "/geo/0191/custom.geojson?v=1"},
    ],
)
def test_malformed_map_layer_gets_400(
    app: Flask, client_as: Callable[[str], FlaskClient], layer: Any
) -> None:
    values = with_value(f"{ids.MAP_LAYER}.data", layer)
    response = call_callback(client_as("samordnare"), app, "ov-top-table.children", values)
    assert response.status_code == 400


@pytest.mark.parametrize("level", [5, {"a": 1}])
def test_malformed_level_types_get_400(
    app: Flask, client_as: Callable[[str], FlaskClient], level: Any
) -> None:
    response = call_callback(
        client_as("samordnare"), app, "ov-top-table.children", with_level(level)
    )
    assert response.status_code == 400


@pytest.mark.parametrize("focus", [["0380-D01"], {"a": 1}, 7, "x" * 65])
def test_malformed_focus_gets_400(
    app: Flask, client_as: Callable[[str], FlaskClient], focus: Any
) -> None:
    values = with_value(f"{ids.FOCUS}.data", focus)
    response = call_callback(client_as("samordnare"), app, "ov-trend.figure", values)
    assert response.status_code == 400


@pytest.mark.parametrize(
    "period",
    [("9999-12-31", "9999-12-31"), ("0001-01-01", "0001-01-07"), ("0100-01-01", "2026-01-01")],
)
def test_extreme_dates_are_clamped_not_crashing(
    app: Flask, client_as: Callable[[str], FlaskClient], period: tuple[str, str]
) -> None:
    client = client_as("samordnare")
    values = overview_values("0380", "custom", period)
    for output in ("ov-top-table.children", "ov-trend.figure"):
        response = call_callback(client, app, output, values)
        assert response.status_code == 200
        assert len(response.data) < 200_000


@pytest.mark.parametrize("click", ["x", {"points": "abc"}, {"points": [1]}, {"points": [{}]}])
def test_malformed_click_events_clear_the_focus(
    app: Flask, client_as: Callable[[str], FlaskClient], click: Any
) -> None:
    response = call_callback(
        client_as("samordnare"),
        app,
        "ov-focus.data",
        {f"{ids.MAP}.clickData": click},
        [f"{ids.MAP}.clickData"],
    )
    assert response.status_code == 200
    assert response.get_json()["response"][ids.FOCUS]["data"] is None


@pytest.mark.parametrize("choice", ["zzz", ["4w"]])
def test_unknown_quick_period_gets_400(
    app: Flask, client_as: Callable[[str], FlaskClient], choice: Any
) -> None:
    response = call_callback(
        client_as("samordnare"), app, "ov-period.start_date", {f"{ids.QUICK_PERIOD}.value": choice}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "body",
    [{}, [], "x", {"output": "no-such-output", "inputs": []}, {"output": "ov-focus.data"}],
)
def test_malformed_callback_requests_get_400(
    client_as: Callable[[str], FlaskClient], body: Any
) -> None:
    response = client_as("samordnare").post(
        "/_dash-update-component", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400


def test_unknown_component_file_is_404(client: FlaskClient) -> None:
    assert client.get("/_dash-component-suites/dash/nope.js").status_code == 404
    assert client.get("/_dash-component-suites/evil/x.js").status_code == 404


@pytest.mark.parametrize(
    "mutate",
    [
        lambda body: body.update(inputs=[]),
        lambda body: body.update(inputs=[1]),
        lambda body: body.update(state="x"),
        lambda body: body.update(outputs=None),
    ],
    ids=["no-inputs", "int-input", "state-text", "no-outputs"],
)
def test_misshapen_callback_bodies_get_400(
    app: Flask, client_as: Callable[[str], FlaskClient], mutate: Callable[[dict[str, Any]], None]
) -> None:
    from tests.helpers import dash_payload

    body = dash_payload(app, "ov-top-table.children", GOOD)
    mutate(body)
    response = client_as("samordnare").post(
        "/_dash-update-component", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
