"""The TOTP second factor: enrolment on Mitt konto, the code step at login, resets."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pyotp
import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from data.clock import utc_now
from tests.conftest import DEMO_PASSWORD
from tests.helpers import call_by_input, csrf_from, login
from tests.integration.test_accounts import act, actions, find, said, user_id, works


def start_enrolment(client: FlaskClient, app: Flask) -> str:
    answer = said(
        call_by_input(client, app, ids.ME_TOTP_START, {f"{ids.ME_TOTP_START}.n_clicks": 1})
    )
    setup = answer[ids.ME_TOTP_SETUP]["children"]
    assert "data:image/svg+xml" in str(setup)  # the QR code, drawn on the server
    secret = find(setup, ids.ME_TOTP_SECRET)
    assert isinstance(secret, str) and len(secret) >= 32
    return secret


def confirm(client: FlaskClient, app: Flask, code: str, password: str = DEMO_PASSWORD) -> str:
    values = {
        f"{ids.ME_TOTP_CONFIRM}.n_clicks": 1,
        f"{ids.ME_TOTP_CODE}.value": code,
        f"{ids.ME_TOTP_PASSWORD}.value": password,
    }
    return str(said(call_by_input(client, app, ids.ME_TOTP_CONFIRM, values)))


def code_at(secret: str, moment: datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


@contextmanager
def later(seconds: float) -> Iterator[datetime]:
    """The clock ``seconds`` on (a new TOTP step), standing still."""
    moment = utc_now() + timedelta(seconds=seconds)
    with time_machine.travel(moment, tick=False):
        yield moment


def send_code(client: FlaskClient, code: str) -> Any:
    token = csrf_from(client.get("/login/kod").get_data(as_text=True))
    return client.post("/login/kod", data={"csrf_token": token, "code": code})


def post_code(client: FlaskClient, code: str) -> Any:
    """POST a code with the session's form token, without asking for the page first."""
    with client.session_transaction() as session:
        token = session.get("csrf_token", "")
    return client.post("/login/kod", data={"csrf_token": token, "code": code})


@pytest.fixture
def enrolled(app: Flask, client_as: Callable[[str], FlaskClient]) -> str:
    """The demo coordinator with a second factor; returns its secret."""
    client = client_as("samordnare")
    secret = start_enrolment(client, app)
    assert "stämmer inte" in confirm(
        client, app, "000000" if code_at(secret, utc_now()) != "000000" else "111111"
    )
    assert "Lösenordet stämmer inte" in confirm(
        client, app, code_at(secret, utc_now()), "fel-lösenord-123"
    )
    assert "Tvåstegsverifiering är på" in confirm(client, app, code_at(secret, utc_now()))
    return secret


def test_login_asks_for_the_code_after_the_password(app: Flask, enrolled: str) -> None:
    client = app.test_client()
    with later(35) as moment:
        response = login(client, "samordnare", DEMO_PASSWORD)
        assert response.status_code == 302 and response.headers["Location"] == "/login/kod"
        assert works(client, app) == 401  # the password alone gives no session
        wrong = send_code(client, "123456" if code_at(enrolled, moment) != "123456" else "654321")
        assert wrong.status_code == 401 and "Fel kod" in wrong.get_data(as_text=True)
        right = send_code(client, code_at(enrolled, moment))
        assert right.status_code == 302 and right.headers["Location"] == "/"
        assert works(client, app) == 200
        # The same code a second time (someone who saw it) is refused.
        other = app.test_client()
        assert login(other, "samordnare", DEMO_PASSWORD).status_code == 302
        assert send_code(other, code_at(enrolled, moment)).status_code == 401
        assert works(other, app) == 401
    done = [a for a, _, _ in actions(app, username="samordnare")]
    assert {"totp.enrolled", "auth.totp_failed", "auth.login"} <= set(done)


def test_wrong_codes_void_the_half_login_even_with_a_replayed_cookie(
    app: Flask, enrolled: str
) -> None:
    client = app.test_client()
    with later(35) as moment:
        assert login(client, "samordnare", DEMO_PASSWORD).status_code == 302
        cookie = client.get_cookie("session")
        assert cookie is not None
        good = code_at(enrolled, moment)
        wrong = next(c for c in ("111111", "222222", "333333") if c != good)
        for _ in range(4):
            assert send_code(client, wrong).status_code == 401
        assert send_code(client, wrong).headers["Location"] == "/login"
        replay = app.test_client()
        replay.set_cookie("session", cookie.value)  # the cookie from before the failures
        assert replay.get("/login/kod").headers["Location"] == "/login"
        assert post_code(replay, good).headers["Location"] == "/login"
        assert works(replay, app) == 401


def test_a_stale_code_step_sends_you_back_to_the_password(app: Flask, enrolled: str) -> None:
    client = app.test_client()
    assert login(client, "samordnare", DEMO_PASSWORD).status_code == 302
    with later(301) as moment:
        assert client.get("/login/kod").headers["Location"] == "/login"
        assert post_code(client, code_at(enrolled, moment)).headers["Location"] == "/login"
        assert works(client, app) == 401


def test_an_admin_resets_a_lost_second_factor(
    app: Flask, client_as: Callable[[str], FlaskClient], enrolled: str
) -> None:
    admin = client_as("admin")
    said(act(admin, app, ids.US_RESET_TOTP, user_id(app, "samordnare")))
    client = app.test_client()
    response = login(client, "samordnare", DEMO_PASSWORD)
    assert response.headers["Location"] == "/"
    assert ("totp.reset", "admin", "samordnare") in actions(app)


def test_you_turn_your_own_second_factor_off_with_a_code(
    app: Flask, client_as: Callable[[str], FlaskClient], enrolled: str
) -> None:
    client = app.test_client()
    with later(35) as moment:
        assert login(client, "samordnare", DEMO_PASSWORD).status_code == 302
        assert send_code(client, code_at(enrolled, moment)).status_code == 302
    with later(70) as moment:
        values = {f"{ids.ME_TOTP_OFF}.n_clicks": 1, f"{ids.ME_TOTP_OFF_CODE}.value": "x"}
        refused = said(call_by_input(client, app, ids.ME_TOTP_OFF, values))
        assert "stämmer inte" in str(refused)
        values[f"{ids.ME_TOTP_OFF_CODE}.value"] = code_at(enrolled, moment)
        assert "avstängd" in str(said(call_by_input(client, app, ids.ME_TOTP_OFF, values)))
    assert login(app.test_client(), "samordnare", DEMO_PASSWORD).headers["Location"] == "/"


def test_confirming_without_starting_is_refused(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    assert "Aktivera först" in confirm(client_as("samordnare"), app, "123456")


TOTP_CALLBACKS = [
    (ids.ME_TOTP_START, {f"{ids.ME_TOTP_START}.n_clicks": 1}),
    (ids.ME_TOTP_CONFIRM, {f"{ids.ME_TOTP_CONFIRM}.n_clicks": 1}),
    (ids.ME_TOTP_OFF, {f"{ids.ME_TOTP_OFF}.n_clicks": 1}),
]


@pytest.mark.parametrize("username", ["rapportor", "polis", "ledning"])
@pytest.mark.parametrize(("button", "values"), TOTP_CALLBACKS, ids=[b for b, _ in TOTP_CALLBACKS])
def test_the_second_factor_is_for_admins_and_coordinators_only(
    app: Flask,
    client_as: Callable[[str], FlaskClient],
    username: str,
    button: str,
    values: dict[str, Any],
) -> None:
    response = call_by_input(client_as(username), app, button, values)
    assert response.status_code == 403
    assert "otpauth" not in response.get_data(as_text=True)
