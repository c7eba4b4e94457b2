"""Issue 15 item 4: the map's numbers also as an accessible table, on Översikt and on
Tid & händelser — the same published values as the map, area by area."""

from __future__ import annotations

import json
from collections.abc import Callable
from html import unescape
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from dashboard.periods import window_value
from tests.helpers import call_callback, map_traces, overview_values, weeks_ago
from tests.integration.test_overview_issue15 import _rows, _valborg
from tests.integration.test_pages import page

ROLES = [("samordnare", "<5"), ("ledning", "<10")]


def _find(component: Any, type_: str) -> list[dict[str, Any]]:
    if isinstance(component, list):
        return [found for c in component for found in _find(c, type_)]
    if not isinstance(component, dict):
        return []
    if "props" in component and not isinstance(component["props"], dict):
        return []
    here = [component] if component.get("type") == type_ else []
    return here + [found for value in component.values() for found in _find(value, type_)]


def _map_rows(figure: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Area label → (count, rate) as the map's hover shows them, over both traces."""
    shown: dict[str, tuple[str, str]] = {}
    for trace in map_traces(figure).values():
        for custom in trace["customdata"]:
            shown[unescape(custom[0])] = (custom[1], custom[2])
    return shown


def _check_table(response: dict[str, Any], map_id: str, table_id: str, marker: str) -> None:
    table = response[table_id]["children"]
    assert table["type"] == "Table"
    assert "data-table" in table["props"]["className"]
    assert len(_find(table, "Caption")) == 1
    heads = _find(table, "Th")
    assert heads and all(th["props"]["scope"] == "col" for th in heads)
    rows = _rows(table)
    on_map = _map_rows(response[map_id]["figure"])
    assert {row[0] for row in rows} == set(on_map)  # every area of the map, no other
    for name, count, rate in rows:
        assert (count, rate) == on_map[name], name
    hidden = [row for row in rows if not row[1].isdigit()]
    assert hidden, "the selection should have a suppressed area"
    assert all(row[1] in (marker, "skyddad") for row in hidden)
    assert any(row[1] == marker for row in hidden)
    # Natural name order: Demoområde 2 before Demoområde 10.
    numbers = [int(row[0].split()[1]) for row in rows if row[0].startswith("Demoområde ")]
    assert numbers == sorted(numbers)


@pytest.mark.parametrize(("role", "marker"), ROLES)
def test_overview_map_table_equals_the_maps_published_values(
    app: Flask, client_as: Callable[[str], FlaskClient], role: str, marker: str
) -> None:
    values = overview_values("0380", "custom", weeks_ago(2))
    response = call_callback(client_as(role), app, f"{ids.TOP_TABLE}.children", values, [])
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    _check_table(response.get_json()["response"], ids.MAP, ids.OV_MAP_TABLE, marker)


@pytest.mark.parametrize(("role", "marker"), ROLES)
def test_tid_map_table_equals_the_maps_published_values(
    app: Flask, client_as: Callable[[str], FlaskClient], role: str, marker: str
) -> None:
    valborg = _valborg()
    values = {
        f"{ids.EV_EVENT}.value": window_value(valborg),
        f"{ids.EV_LEVEL}.value": "custom",
        f"{ids.EV_CATEGORIES}.value": [],
        f"{ids.EV_YEAR}.value": valborg.start.year,
        f"{ids.EV_KOMMUN}.value": "0380",
    }
    response = call_callback(client_as(role), app, f"{ids.EV_SUMMARY}.children", values)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    _check_table(response.get_json()["response"], ids.EV_MAP, ids.EV_MAP_TABLE, marker)


@pytest.mark.parametrize("role", ["samordnare", "ledning"])
def test_map_table_box_is_closed_under_each_map(
    app: Flask, client_as: Callable[[str], FlaskClient], role: str
) -> None:
    client = client_as(role)
    for path, container in (("/", ids.OV_MAP_TABLE), ("/tid", ids.EV_MAP_TABLE)):
        status, body = page(client, app, path)
        assert status == 200
        boxes = [
            box
            for box in _find(json.loads(body), "Details")
            if "map-table-box" in str(box["props"].get("className"))
        ]
        assert len(boxes) == 1, path
        assert not boxes[0]["props"].get("open")
        summary, holder = boxes[0]["props"]["children"]
        assert summary["props"]["children"] == "Kartans siffror som tabell"
        assert holder["props"]["id"] == container
