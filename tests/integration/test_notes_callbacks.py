"""The notes panel over HTTP: coordinators read notes, leadership gets none from anywhere.

The demo's observations carry no notes; a fixture gives the recent observations
of one central demo area a distinctive synthetic note and takes it away again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import dash
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from dashboard import ids
from dashboard.callbacks.overview.trend import describe_months
from dashboard.state import app_state
from data.storage.models import Area, Observation
from tests.clock import TEST_TODAY
from tests.helpers import (
    call_callback,
    dash_payload,
    find_callback,
    overview_values,
    weeks_ago,
)

MARKER = "ANTECKNING-XYZ-123"
AREA = "0380-D01"
WEEKS = 12


@pytest.fixture
def marked_notes(app: Flask) -> Iterator[str]:
    """Give the last weeks' observations of ``AREA`` the note ``MARKER`` (removed after)."""
    since = TEST_TODAY - timedelta(weeks=WEEKS)
    with app_state(app).sessions.begin() as session:
        area_id = session.scalar(select(Area.id).where(Area.code == AREA))
        session.execute(
            update(Observation)
            .where(Observation.area_id == area_id, Observation.occurred_on >= since)
            .values(note=MARKER)
        )
        marked = session.scalar(select(func.count()).where(Observation.note == MARKER))
    assert marked is not None and marked >= 5
    try:
        yield MARKER
    finally:
        with app_state(app).sessions.begin() as session:
            session.execute(update(Observation).where(Observation.note == MARKER).values(note=None))


def _notes_values(level: str = "custom", focus: str | None = AREA) -> dict[str, Any]:
    return overview_values("0380", level, weeks_ago(WEEKS), focus=focus)


def _page(client: FlaskClient, app: Flask, path: str) -> Any:
    values = {"_pages_location.pathname": path, "_pages_location.search": ""}
    return call_callback(client, app, "_pages_content.children", values)


def test_coordinator_reads_the_notes_of_the_focused_area(
    app: Flask, client_as: Callable[[str], FlaskClient], marked_notes: str
) -> None:
    response = call_callback(client_as("samordnare"), app, f"{ids.NOTES}.", _notes_values())
    assert response.status_code == 200
    children = response.get_json()["response"][ids.NOTES]["children"]
    items = children[0]["props"]["children"]
    # Plain text in a list item: Dash escapes it; no markdown or HTML component.
    assert [item["props"]["children"] for item in items] == [marked_notes]
    assert all(item["type"] == "Li" for item in items)


def test_the_panel_says_how_notes_are_chosen(
    app: Flask, client_as: Callable[[str], FlaskClient], marked_notes: str
) -> None:
    """Issue 14: notes come from whole months and whole areas, whatever the filters,
    at most k of them; the panel says so (in Swedish), and the filters are not even
    inputs of the callback."""
    body = call_callback(client_as("samordnare"), app, f"{ids.NOTES}.", _notes_values())
    text = json.dumps(body.get_json(), ensure_ascii=False)
    assert "hela månader" in text
    assert "filtren påverkar dem inte" in text
    assert "Högst 5 anteckningar" in text
    _key, spec = find_callback(app, f"{ids.NOTES}.")
    assert {i["id"] for i in spec["inputs"]}.isdisjoint({ids.CATEGORIES, ids.SOURCES})


@pytest.mark.parametrize(
    ("months", "text"),
    [
        ((date(2026, 5, 1),), "maj 2026"),
        ((date(2026, 4, 1), date(2026, 5, 1)), "april – maj 2026"),
        ((date(2025, 12, 1), date(2026, 1, 1)), "december 2025 – januari 2026"),
    ],
)
def test_months_are_described_in_swedish(months: tuple[date, ...], text: str) -> None:
    assert describe_months(months) == text


def test_coordinator_without_focus_is_asked_to_click_an_area(
    app: Flask, client_as: Callable[[str], FlaskClient], marked_notes: str
) -> None:
    response = call_callback(
        client_as("samordnare"), app, f"{ids.NOTES}.", _notes_values(focus=None)
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert marked_notes not in body
    assert (
        "Klicka på ett område"
        in json.loads(body)["response"][ids.NOTES]["children"][0]["props"]["children"]
    )


def test_coordinator_layout_has_the_notes_panel(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    body = _page(client_as("samordnare"), app, "/").get_data(as_text=True)
    assert ids.NOTES in body
    assert "Anteckningar fr\\u00e5n rapporter" in body or "Anteckningar från rapporter" in body


def test_leadership_layout_has_no_notes_panel(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    response = _page(client_as("ledning"), app, "/")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert ids.MAP in body
    assert ids.NOTES not in body
    assert "Anteckningar" not in body


@pytest.mark.parametrize("level", ["custom", "kommun"])
def test_leadership_gets_403_from_the_notes_callback_even_with_a_forged_request(
    app: Flask, client_as: Callable[[str], FlaskClient], marked_notes: str, level: str
) -> None:
    focus = AREA if level == "custom" else "0380"
    response = call_callback(
        client_as("ledning"), app, f"{ids.NOTES}.", _notes_values(level, focus)
    )
    assert response.status_code == 403
    assert marked_notes not in response.get_data(as_text=True)


@pytest.mark.parametrize("username", ["rapportor", "admin"])
def test_reporters_and_admins_get_403_from_the_notes_callback(
    app: Flask, client_as: Callable[[str], FlaskClient], marked_notes: str, username: str
) -> None:
    response = call_callback(
        client_as(username), app, f"{ids.NOTES}.", _notes_values("custom", AREA)
    )
    assert response.status_code == 403
    assert marked_notes not in response.get_data(as_text=True)


def _leadership_values() -> dict[str, Any]:
    """Plausible values for every component an overview callback reads."""
    values = _notes_values()
    values[f"{ids.MAP}.clickData"] = {"points": [{"location": AREA}]}
    values[f"{ids.FOCUS_CLEAR}.n_clicks"] = 0
    values[f"{ids.EXPORT_BUTTON}.n_clicks"] = 1
    values["_pages_location.pathname"] = "/"
    values["_pages_location.search"] = ""
    return values


def test_no_callback_page_or_route_gives_leadership_a_note(
    app: Flask, client_as: Callable[[str], FlaskClient], marked_notes: str
) -> None:
    client = client_as("ledning")
    marker = marked_notes.encode()
    values = _leadership_values()
    seen: list[tuple[str, int]] = []
    for key, spec in app.extensions["dash"].callback_map.items():
        if "callback" not in spec:
            continue  # a clientside callback: runs in the browser, never on the server
        body = dash_payload(app, key, values)
        first = spec["inputs"][0] if spec["inputs"] else None
        if first is not None:
            body["changedPropIds"] = [f"{first['id']}.{first['property']}"]
        response = client.post(
            "/_dash-update-component", data=json.dumps(body), content_type="application/json"
        )
        seen.append((key, response.status_code))
        assert marker not in response.data, key
    # The sweep reached the callbacks that send data, not just refusals.
    assert (f"{ids.NOTES}.children", 403) in seen
    assert any(status == 200 for key, status in seen if ids.TREND in key)
    for path in [page["path"] for page in dash.page_registry.values()]:
        response = _page(client, app, path)
        assert marker not in response.data, path
    for rule in app.url_map.iter_rules():
        if "GET" in (rule.methods or set()) and not rule.arguments:
            response = client.get(rule.rule)
            assert marker not in response.data, rule.rule
    for level in ("kommun", "custom"):
        response = client.get(f"/geo/0380/{level}.geojson")
        assert response.status_code == 200
        assert marker not in response.data


def test_the_notes_callback_refuses_an_area_outside_the_police_scope(
    app: Flask, client_as: Callable[[str], FlaskClient], marked_notes: str
) -> None:
    client = client_as("polis")
    inside = call_callback(client, app, f"{ids.NOTES}.", _notes_values())
    assert inside.status_code == 200
    assert marked_notes in inside.get_data(as_text=True)
    outside = call_callback(client, app, f"{ids.NOTES}.", _notes_values(focus="0380-D20"))
    assert outside.status_code == 403
    assert marked_notes not in outside.get_data(as_text=True)
