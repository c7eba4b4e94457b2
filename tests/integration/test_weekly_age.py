"""Veckans lägesbild's age filter (issue 17: the age band "filterable on Översikt,
Veckans lägesbild and the parent-meeting signals") through the Dash callbacks: the
changes and the signals of one age group are that group's published values, named in
the headings and kept in the link; a forged age is refused."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from dashboard.auth import viewer_for
from dashboard.formatting import published
from dashboard.state import app_state
from data.access.scope import Selection
from data.briefing.period import previous_period, week_period
from data.counts.aggregates import aggregate
from data.counts.cube import CountCube
from data.counts.overview import map_values
from data.weekly.agenda import raised_signals
from tests.clock import TEST_TODAY
from tests.helpers import call_callback

LAST_WEEK = previous_period(week_period(TEST_TODAY))
TEEN = ["13-15"]


def _content(client: FlaskClient, app: Flask, ages: Any) -> Any:
    values = {f"{ids.VL_WEEK}.value": LAST_WEEK.code, f"{ids.VL_AGES}.value": ages}
    return call_callback(client, app, f"{ids.VL_CONTENT}.children", values)


def _ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["response"]


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "type" in node and "props" in node:
            yield node
            yield from _walk(node["props"].get("children"))
        else:
            for value in node.values():
                yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _table(answer: dict[str, Any], caption: str) -> dict[str, list[str]]:
    """The rows (label → the week's, last week's and last year's cells) of the table
    whose caption starts with ``caption``."""
    for node in _walk(answer):
        if node["type"] != "Table":
            continue
        parts = node["props"]["children"]
        if not str(parts[0]["props"]["children"]).startswith(caption):
            continue
        rows: dict[str, list[str]] = {}
        for tr in parts[2]["props"]["children"]:
            cells = [str(td["props"]["children"]) for td in tr["props"]["children"]]
            rows[cells[0]] = cells[1:4]
        return rows
    raise AssertionError(f"no table {caption!r}")


def _cube(app: Flask) -> CountCube:
    with app_state(app).sessions() as session:
        return app_state(app).cubes.get(session, today=TEST_TODAY)


def _published(app: Flask, ages: tuple[str, ...]) -> tuple[dict[str, str], dict[str, str]]:
    """The published week values per area (custom level: the coordinator's finest) and
    per category label, of ``ages``, straight from the count modules."""
    cube = _cube(app)
    with app.test_request_context():
        viewer = viewer_for("coordinator", "0380")
        monday = LAST_WEEK.first_monday
        areas = map_values(
            cube, Selection("0380", "custom", monday, monday, age_bands=ages), viewer
        )
        categories = aggregate(
            cube, Selection("0380", "kommun", monday, monday, age_bands=ages), viewer, ["category"]
        )
        by_area = dict(zip(areas.frame["name"], map(published, areas.display()), strict=True))
        by_code = dict(
            zip(categories.frame["category"], map(published, categories.display()), strict=True)
        )
    return by_area, by_code


def test_with_13_15_the_changes_are_that_ages_published_values(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    teen = _ok(_content(client, app, TEEN))
    every = _ok(_content(client, app, []))
    teen_areas = _table(teen, "Områden")
    every_areas = _table(every, "Områden")
    areas, categories = _published(app, ("13-15",))
    with app.test_request_context():
        assert {name: cells[0] for name, cells in teen_areas.items()} == areas
    all_areas, _categories = _published(app, ())
    assert {name: cells[0] for name, cells in every_areas.items()} == all_areas
    # The filter does something on the demo: some area's week differs from all ages.
    assert any(teen_areas[name] != every_areas[name] for name in teen_areas)
    teen_categories = _table(teen, "Kategorier")
    shown = [cells[0] for label, cells in teen_categories.items() if label != "Alla kategorier"]
    assert sorted(shown) == sorted(categories.values())
    text = json.dumps(teen, ensure_ascii=False)
    assert "Vad har förändrats? (13–15 år)" in text
    assert "Signaler för föräldramöten (13–15 år)" in text
    assert "(13–15 år)" not in json.dumps(every, ensure_ascii=False)


@pytest.mark.parametrize("username", ["samordnare", "polis"])
def test_the_age_is_kept_in_the_pages_link(
    app: Flask, client_as: Callable[[str], FlaskClient], username: str
) -> None:
    client = client_as(username)
    teen = _ok(_content(client, app, ["16-18", "13-15"]))
    assert teen[ids.VL_LINK_QUERY]["data"] == f"/veckan?vecka={LAST_WEEK.code}&alder=13-15%2C16-18"
    every = _ok(_content(client, app, None))
    assert every[ids.VL_LINK_QUERY]["data"] == f"/veckan?vecka={LAST_WEEK.code}"


def _page(client: FlaskClient, app: Flask, search: str) -> str:
    values = {"_pages_location.pathname": "/veckan", "_pages_location.search": search}
    response = call_callback(client, app, "_pages_content.children", values)
    assert response.status_code == 200
    return json.dumps(response.get_json(), ensure_ascii=False)


def _checklist_value(body: str) -> Any:
    for node in _walk(json.loads(body)):
        if node["props"].get("id") == ids.VL_AGES:
            return node["props"]["value"]
    raise AssertionError("no age filter")


def test_the_page_reads_the_age_from_its_link_and_labels_it(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    body = _page(client, app, f"?vecka={LAST_WEEK.code}&alder=16-18,13-15")
    assert _checklist_value(body) == ["13-15", "16-18"]
    assert f'"htmlFor": "{ids.VL_AGES}"' in body and "Ålder" in body
    assert "åldrar kunde inte" not in body
    forged = _page(client, app, f"?vecka={LAST_WEEK.code}&alder=13-15,99-99")
    assert _checklist_value(forged) == ["13-15"] and "åldrar kunde inte" in forged
    assert _checklist_value(_page(client, app, "")) == []


@pytest.mark.parametrize(
    "forged", [["19-21"], [{"x": 1}], "13-15; DROP", ["okand"], ["13-15"] * 999]
)
def test_a_forged_age_value_is_refused_not_a_500(
    app: Flask, client_as: Callable[[str], FlaskClient], forged: Any
) -> None:
    answer = _ok(_content(client_as("samordnare"), app, forged))
    text = json.dumps(answer, ensure_ascii=False)
    assert '"role": "alert"' in text and "Vad har förändrats?" not in text
    assert answer[ids.VL_LINK_QUERY]["data"] is None


@pytest.mark.parametrize("username", ["samordnare", "polis"])
def test_the_signals_are_those_of_the_chosen_age(
    app: Flask, client_as: Callable[[str], FlaskClient], username: str
) -> None:
    answer = _ok(_content(client_as(username), app, TEEN))
    cube = _cube(app)
    with app.test_request_context():
        role = "coordinator" if username == "samordnare" else "police_area"
        areas = frozenset(f"0380-D0{i}" for i in range(1, 7)) if role == "police_area" else None
        viewer = viewer_for(role, "0380", areas or frozenset())
        expected = [s.area_name for s in raised_signals(cube, viewer, "0380", ("13-15",))]
    signals = [node for node in _walk(answer) if node["type"] == "Section"][-1]
    rows = []
    for node in _walk(signals):
        if node["type"] == "Tr":
            cells = node["props"]["children"]
            if cells and cells[0]["type"] == "Td":
                rows.append(str(cells[0]["props"]["children"]))
    assert rows == expected
