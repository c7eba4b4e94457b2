"""Dash Pages serves layouts through one callback keyed on the path; each checks access."""

from __future__ import annotations

import json
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from dashboard.state import app_state
from data.access.users import create_user
from data.storage.db import unit_of_work
from tests.conftest import DEMO_PASSWORD
from tests.helpers import call_callback, login


def page(client: FlaskClient, app: Flask, path: str) -> tuple[int, str]:
    values = {"_pages_location.pathname": path, "_pages_location.search": ""}
    response = call_callback(client, app, "_pages_content.children", values)
    return response.status_code, json.dumps(
        response.get_json(silent=True) or {}, ensure_ascii=False
    )


def test_overview_layout_has_map_trend_and_table(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    status, body = page(client_as("samordnare"), app, "/")
    assert status == 200
    for component in ("ov-map", "ov-trend", "ov-top-table", "ov-kommun", "ov-categories"):
        assert component in body


def test_layout_is_refused_without_login(app: Flask, client: FlaskClient) -> None:
    status, body = page(client, app, "/")
    assert status == 401
    assert "ov-map" not in body


def test_police_user_without_areas_gets_a_clear_refusal(app: Flask) -> None:
    with unit_of_work(app_state(app).sessions) as session:
        create_user(
            session, "polis.utan.omraden", DEMO_PASSWORD, role="police_area", kommun_code="0191"
        )
    client = app.test_client()
    assert login(client, "polis.utan.omraden", DEMO_PASSWORD).status_code == 302
    status, body = page(client, app, "/")
    assert status == 200
    assert "Ingen behörighet" in body
    assert "ov-map" not in body


def test_unknown_path_gets_a_swedish_404(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    status, body = page(client_as("samordnare"), app, "/finns-inte")
    assert status == 200
    assert "Sidan finns inte" in body
    assert "ov-map" not in body


def test_shell_shows_user_role_and_demo_label(client_as: Callable[[str], FlaskClient]) -> None:
    layout = client_as("ledning").get("/_dash-layout").get_data(as_text=True)
    assert "ledning \\u00b7 Kommunledning" in layout
    assert "DEMO" in layout
    assert "csrf_token" in layout
