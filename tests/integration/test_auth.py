"""Authorisation is checked server-side on every route and callback."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from data.privacy.disclosure import SECONDARY_MARKER
from tests.conftest import DEMO_PASSWORD
from tests.helpers import call_callback, csrf_from, dash_payload, login, map_traces, weeks_ago
from tests.helpers import overview_values as map_values_for

PROTECTED_JSON = ["/_dash-layout", "/_dash-dependencies", "/geo/0380/custom.geojson"]


@pytest.mark.parametrize("path", PROTECTED_JSON)
def test_anonymous_json_endpoints_get_401(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 401
    assert b"coordinates" not in response.data


def test_anonymous_page_redirects_to_login(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_every_callback_refuses_a_request_without_session(app: Flask, client: FlaskClient) -> None:
    dash_app = app.extensions["dash"]
    for key in dash_app.callback_map:
        body = dash_payload(app, key, map_values_for("0380", "custom", weeks_ago(4)))
        response = client.post(
            "/_dash-update-component", data=json.dumps(body), content_type="application/json"
        )
        assert response.status_code == 401, key
        assert b"ov-map" not in response.data and b'"z"' not in response.data


def test_forged_session_cookie_gets_no_data(app: Flask, client: FlaskClient) -> None:
    client.set_cookie("session", "eyJfdXNlcl9pZCI6IjEifQ.forged.signature")
    response = call_callback(
        client, app, "ov-top-table.children", map_values_for("0380", "custom", weeks_ago(4))
    )
    assert response.status_code == 401


def test_session_of_a_deactivated_user_stops_working(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    from dashboard.state import app_state
    from data.storage.models import User

    client = client_as("rapportor")
    state = app_state(app)
    with state.sessions.begin() as session:
        user = session.query(User).filter_by(username="rapportor").one()
        user.active = False
    try:
        response = call_callback(
            client, app, "ov-top-table.children", map_values_for("0380", "custom", weeks_ago(4))
        )
        assert response.status_code == 401
    finally:
        with state.sessions.begin() as session:
            session.query(User).filter_by(username="rapportor").one().active = True


def test_wrong_password_is_refused_without_hint(client: FlaskClient) -> None:
    response = login(client, "samordnare", "fel-lösenord-123")
    assert response.status_code == 401
    text = response.get_data(as_text=True)
    assert "Fel användarnamn eller lösenord." in text
    assert client.get("/_dash-layout").status_code == 401


def test_login_form_without_csrf_token_is_refused(client: FlaskClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"username": "samordnare", "password": DEMO_PASSWORD})
    assert response.status_code == 400


def test_login_does_not_redirect_off_site(client: FlaskClient) -> None:
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login?next=//evil.example/x",
        data={"csrf_token": token, "username": "samordnare", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_logout_needs_post_with_token(client_as: Callable[[str], FlaskClient]) -> None:
    client = client_as("samordnare")
    assert client.get("/logout").status_code == 302
    assert client.post("/logout").status_code == 400
    assert client.get("/_dash-layout").status_code == 200
    token = csrf_from(client.get("/login").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/_dash-layout").status_code == 401


def test_coordinator_cannot_query_another_kommun(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    response = call_callback(
        client, app, "ov-top-table.children", map_values_for("0191", "custom", weeks_ago(4))
    )
    assert response.status_code == 403
    assert b'"z"' not in response.data


def test_coordinator_cannot_fetch_another_kommuns_geometry(
    client_as: Callable[[str], FlaskClient],
) -> None:
    assert client_as("samordnare").get("/geo/0191/custom.geojson").status_code == 403


def test_police_area_sees_only_assigned_areas(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("polis")
    response = call_callback(
        client, app, "ov-top-table.children", map_values_for("0380", "custom", weeks_ago(12))
    )
    assert response.status_code == 200
    traces = map_traces(response.get_json()["response"][ids.MAP]["figure"])
    shown = set(traces[0]["locations"]) | set(traces[1]["locations"])
    assert shown == {f"0380-D{i:02d}" for i in range(1, 7)}


def test_police_area_cannot_ask_for_the_kommun_total(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("polis")
    response = call_callback(
        client, app, "ov-top-table.children", map_values_for("0380", "kommun", weeks_ago(4))
    )
    assert response.status_code == 403


def test_police_area_cannot_focus_an_unassigned_area(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("polis")
    values = map_values_for("0380", "custom", weeks_ago(4))
    values[f"{ids.FOCUS}.data"] = "0380-D20"
    response = call_callback(client, app, "ov-trend.figure", values)
    assert response.status_code == 403


def test_leadership_gets_the_stricter_threshold(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("ledning")
    response = call_callback(
        client, app, "ov-top-table.children", map_values_for("0380", "custom", weeks_ago(4))
    )
    assert response.status_code == 200
    traces = map_traces(response.get_json()["response"][ids.MAP]["figure"])
    assert all(z == 0 or z >= 10 for z in traces[0]["z"])
    assert all(c[1] in ("<10", SECONDARY_MARKER) for c in traces[1]["customdata"])
    assert any(c[1] == "<10" for c in traces[1]["customdata"])


def test_a_copied_cookie_stops_working_after_logout(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    original = client_as("rapportor")
    cookie = original.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    values = map_values_for("0380", "custom", weeks_ago(4))
    assert call_callback(thief, app, "ov-top-table.children", values).status_code == 200
    token = csrf_from(original.get("/login").get_data(as_text=True))
    assert original.post("/logout", data={"csrf_token": token}).status_code == 302
    assert call_callback(thief, app, "ov-top-table.children", values).status_code == 401


def test_session_cookie_expires_after_a_working_day(client: FlaskClient) -> None:
    response = login(client, "samordnare", DEMO_PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "Expires=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_repeated_failures_slow_the_client_but_never_lock_the_username(app: Flask) -> None:
    """Issue 14: this test used to assert the hard lock (10 failures → 429 for everyone
    for 15 minutes), which let anyone lock anyone out. Now failures delay only the
    guessing client's next attempts at that name, for seconds, with ``Retry-After``."""
    from dashboard.state import app_state
    from dashboard.throttle import LoginThrottle
    from data.access.users import create_user
    from data.storage.db import unit_of_work

    with unit_of_work(app_state(app).sessions) as session:
        create_user(session, "gissad", DEMO_PASSWORD, role="reporter", kommun_code="0380")
    app_state(app).login_throttle = LoginThrottle(clock=lambda: 2e9)  # time stands still
    client = app.test_client()
    statuses = [login(client, "gissad", f"fel-gissning-{i:03d}").status_code for i in range(4)]
    assert statuses == [401, 401, 401, 429]
    delayed = login(client, "gissad", DEMO_PASSWORD)
    assert delayed.status_code == 429
    assert "Vänta 1 sekund innan du försöker igen." in delayed.get_data(as_text=True)
    assert delayed.headers["Retry-After"] == "1"
    # The owner at another address gets in at once; other users are not slowed.
    other = app.test_client()
    assert login(other, "samordnare", DEMO_PASSWORD).status_code == 302
    owner = app.test_client()
    token = csrf_from(owner.get("/login").get_data(as_text=True))
    response = owner.post(
        "/login",
        data={"csrf_token": token, "username": "gissad", "password": DEMO_PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert response.status_code == 302


def test_the_form_token_is_set_at_login(client: FlaskClient) -> None:
    """Set in the login response, so concurrent first requests cannot drop it."""
    assert login(client, "samordnare", DEMO_PASSWORD).status_code == 302
    with client.session_transaction() as session:
        assert session.get("csrf_token")
