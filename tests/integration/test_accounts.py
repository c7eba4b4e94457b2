"""Accounts: the admin page Användare, Mitt konto and the command line, through the
callbacks and commands as the browser and a terminal call them; sessions that end."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from dashboard.state import app_state
from data.access.accounts import set_active, update_user, user_id_of
from data.access.audit import Actor, AuditFilter, audit_rows
from data.access.users import UserError, authenticate
from data.clock import utc_now
from data.storage.db import unit_of_work
from tests.conftest import DEMO_PASSWORD
from tests.helpers import call_by_input, login, overview_values, weeks_ago

NEW_PASSWORD = "en helt ny lösenfras 2026"
ADMIN_ACTOR = Actor(None, "test", "127.0.0.1")


def said(response: Any) -> Any:
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    return response.get_json()["response"]


def find(tree: Any, component_id: str) -> Any:
    """The children of the component with ``component_id`` in a callback's answer."""
    if isinstance(tree, dict):
        props = tree.get("props", {})
        if isinstance(props, dict) and props.get("id") == component_id:
            return props.get("children")
        return next(
            (f for f in (find(v, component_id) for v in tree.values()) if f is not None), None
        )
    if isinstance(tree, list):
        return next((f for f in (find(v, component_id) for v in tree) if f is not None), None)
    return None


def works(client: FlaskClient, app: Flask) -> int:
    """The status of a data callback: 200 while the session is alive, 401 after."""
    values = overview_values("0380", "custom", weeks_ago(4))
    return int(call_by_input(client, app, ids.QUICK_PERIOD, values).status_code)


def user_id(app: Flask, username: str) -> int:
    with app_state(app).sessions() as session:
        return user_id_of(session, username)


def actions(app: Flask, **wanted: Any) -> list[tuple[str, str, str]]:
    """(action, actor, target) of the audit rows matching ``wanted``, oldest first."""
    with app_state(app).sessions() as session:
        rows = audit_rows(session, AuditFilter(**wanted))
    return [(r.action, r.actor, r.target) for r in rows]


def create(client: FlaskClient, app: Flask, username: str, **scope: Any) -> Any:
    values = {
        f"{ids.US_CREATE}.n_clicks": 1,
        f"{ids.US_NEW_USERNAME}.value": username,
        f"{ids.US_NEW_ROLE}.value": scope.get("role", "reporter"),
        f"{ids.US_NEW_KOMMUN}.value": scope.get("kommun", "0380"),
        f"{ids.US_NEW_SOURCE}.value": scope.get("source"),
        f"{ids.US_NEW_AREAS}.value": scope.get("areas", []),
        f"{ids.US_REFRESH}.data": 0,
    }
    return call_by_input(client, app, ids.US_CREATE, values)


def edit(client: FlaskClient, app: Flask, chosen: Any, **scope: Any) -> Any:
    values = {
        f"{ids.US_SAVE}.n_clicks": 1,
        f"{ids.US_PICK}.value": chosen,
        f"{ids.US_EDIT_ROLE}.value": scope.get("role"),
        f"{ids.US_EDIT_KOMMUN}.value": scope.get("kommun", "0380"),
        f"{ids.US_EDIT_SOURCE}.value": scope.get("source"),
        f"{ids.US_EDIT_AREAS}.value": scope.get("areas", []),
        f"{ids.US_REFRESH}.data": 0,
    }
    return call_by_input(client, app, ids.US_SAVE, values)


def act(client: FlaskClient, app: Flask, button: str, chosen: Any) -> Any:
    values = {
        f"{button}.n_clicks": 1,
        f"{ids.US_PICK}.value": chosen,
        f"{ids.US_REFRESH}.data": 0,
    }
    return call_by_input(client, app, button, values)


def test_an_admin_invites_changes_deactivates_and_resets_a_user(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    admin = client_as("admin")
    answer = said(create(admin, app, "kim.polis", role="police_area", areas=["0380-D01"]))
    password = find(answer[ids.US_CREATE_REPORT]["children"], ids.US_NEW_PASSWORD)
    assert isinstance(password, str) and len(password) >= 20
    assert answer[ids.US_REFRESH]["data"] == 1
    kim = app.test_client()
    assert login(kim, "kim.polis", password).status_code == 302
    assert works(kim, app) == 200

    listed = said(call_by_input(admin, app, ids.US_REFRESH, {f"{ids.US_REFRESH}.data": 1}))
    assert "kim.polis" in str(listed[ids.US_LIST]["children"])
    chosen = user_id(app, "kim.polis")
    assert chosen in [o["value"] for o in listed[ids.US_PICK]["options"]]
    picked = said(call_by_input(admin, app, ids.US_PICK, {f"{ids.US_PICK}.value": chosen}))
    assert picked[ids.US_EDIT_ROLE]["value"] == "police_area"
    assert picked[ids.US_EDIT_AREAS]["value"] == ["0380-D01"]
    assert "0380-D02" in [o["value"] for o in picked[ids.US_EDIT_AREAS]["options"]]

    areas = ["0380-D01", "0380-D02"]
    assert "sparade" in str(said(edit(admin, app, chosen, role="police_area", areas=areas)))
    refused = said(edit(admin, app, chosen, role="reporter", areas=areas))
    assert "bara områdespoliser" in str(refused[ids.US_EDIT_REPORT]["children"])
    said(edit(admin, app, chosen, role="reporter", source="skola"))
    with app_state(app).sessions() as session:
        user = authenticate(session, "kim.polis", password)
        assert user is not None and user.role == "reporter" and user.areas == []

    assert "inaktiverad" in str(said(act(admin, app, ids.US_DEACTIVATE, chosen)))
    assert works(kim, app) == 401  # the deactivated user's session ended at once
    assert login(app.test_client(), "kim.polis", password).status_code == 401
    said(act(admin, app, ids.US_ACTIVATE, chosen))
    kim = app.test_client()
    assert login(kim, "kim.polis", password).status_code == 302

    reset = said(act(admin, app, ids.US_RESET_PASSWORD, chosen))
    fresh = find(reset[ids.US_EDIT_REPORT]["children"], ids.US_NEW_PASSWORD)
    assert isinstance(fresh, str) and fresh != password
    assert works(kim, app) == 401  # a reset ends the user's sessions
    assert login(app.test_client(), "kim.polis", password).status_code == 401
    assert login(app.test_client(), "kim.polis", fresh).status_code == 302

    done = [(a, actor) for a, actor, target in actions(app, username="kim.polis")]
    for expected in (
        "user.created",
        "user.changed",
        "user.deactivated",
        "user.activated",
        "user.password_reset",
    ):
        assert (expected, "admin") in done, expected
    assert ("auth.login", "kim.polis") in done


def test_a_taken_username_and_a_missing_choice_are_refused_clearly(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    admin = client_as("admin")
    taken = said(create(admin, app, "samordnare"))
    assert "upptaget" in str(taken[ids.US_CREATE_REPORT]["children"])
    forged = said(create(admin, app, "ny.person", role=["admin"], kommun={"x": 1}))
    assert "report-error" in str(forged[ids.US_CREATE_REPORT]["children"])
    nobody = said(act(admin, app, ids.US_DEACTIVATE, "1"))
    assert "Välj en användare" in str(nobody[ids.US_EDIT_REPORT]["children"])


def test_an_admin_cannot_lock_out_themselves_or_the_last_admin(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    admin = client_as("admin")
    me = user_id(app, "admin")
    own = said(act(admin, app, ids.US_DEACTIVATE, me))
    assert "ditt eget konto" in str(own[ids.US_EDIT_REPORT]["children"])
    demoted = said(edit(admin, app, me, role="coordinator"))
    assert "minst en aktiv administratör" in str(demoted[ids.US_EDIT_REPORT]["children"])
    with (
        pytest.raises(UserError, match="minst en aktiv"),
        unit_of_work(app_state(app).sessions) as session,
    ):
        set_active(session, ADMIN_ACTOR, me, active=False)
    assert works(admin, app) == 200


USER_PAGE_CALLBACKS: list[tuple[str, dict[str, Any]]] = [
    (ids.US_NEW_KOMMUN, {f"{ids.US_NEW_KOMMUN}.value": "0380"}),
    (ids.US_EDIT_KOMMUN, {f"{ids.US_EDIT_KOMMUN}.value": "0380"}),
    (ids.US_REFRESH, {f"{ids.US_REFRESH}.data": 1}),
    (ids.US_PICK, {f"{ids.US_PICK}.value": 1}),
    (
        ids.US_CREATE,
        {
            f"{ids.US_CREATE}.n_clicks": 1,
            f"{ids.US_NEW_USERNAME}.value": "inkraktare",
            f"{ids.US_NEW_ROLE}.value": "admin",
        },
    ),
    (ids.US_SAVE, {f"{ids.US_SAVE}.n_clicks": 1, f"{ids.US_EDIT_ROLE}.value": "admin"}),
    (ids.US_DEACTIVATE, {f"{ids.US_DEACTIVATE}.n_clicks": 1}),
    (ids.US_RESET_PASSWORD, {f"{ids.US_RESET_PASSWORD}.n_clicks": 1}),
    (ids.AU_USER, {f"{ids.AU_USER}.value": None}),
    (ids.AU_EXPORT, {f"{ids.AU_EXPORT}.n_clicks": 1}),
]


@pytest.mark.parametrize("username", ["samordnare", "rapportor", "polis", "ledning"])
@pytest.mark.parametrize(
    ("button", "values"), USER_PAGE_CALLBACKS, ids=[b for b, _ in USER_PAGE_CALLBACKS]
)
def test_every_admin_account_and_audit_callback_refuses_other_roles(
    app: Flask,
    client_as: Callable[[str], FlaskClient],
    username: str,
    button: str,
    values: dict[str, Any],
) -> None:
    chosen = user_id(app, "rapportor")
    values = {f"{ids.US_PICK}.value": chosen, **values}
    response = call_by_input(client_as(username), app, button, values)
    assert response.status_code == 403
    assert "rapportor" not in response.get_data(as_text=True)
    with app_state(app).sessions() as session:
        assert authenticate(session, "rapportor", DEMO_PASSWORD) is not None
        assert authenticate(session, "inkraktare", DEMO_PASSWORD) is None
        assert "inkraktare" not in {a for a, _, _ in actions(app)}


@pytest.mark.parametrize("page", ["/admin/anvandare", "/admin/granskning"])
def test_admin_page_layouts_refuse_a_coordinator(
    app: Flask, client_as: Callable[[str], FlaskClient], page: str
) -> None:
    values = {"_pages_location.pathname": page, "_pages_location.search": ""}
    answer = said(call_by_input(client_as("samordnare"), app, "_pages_location", values))
    text = str(answer)
    assert "Ingen behörighet" in text and "us-create" not in text and "au-table" not in text


def change_password(client: FlaskClient, app: Flask, current: str, new: str, again: str) -> Any:
    values = {
        f"{ids.ME_CHANGE}.n_clicks": 1,
        f"{ids.ME_CURRENT}.value": current,
        f"{ids.ME_NEW}.value": new,
        f"{ids.ME_REPEAT}.value": again,
    }
    return said(call_by_input(client, app, ids.ME_CHANGE, values))[ids.ME_CHANGE_REPORT]


def test_changing_your_password_ends_your_other_sessions_not_this_one(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    here, elsewhere = client_as("rapportor"), client_as("rapportor")
    assert works(elsewhere, app) == 200
    report = change_password(here, app, DEMO_PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    assert "Lösenordet är bytt" in str(report)
    assert works(here, app) == 200
    assert works(elsewhere, app) == 401
    assert login(app.test_client(), "rapportor", DEMO_PASSWORD).status_code == 401
    assert login(app.test_client(), "rapportor", NEW_PASSWORD).status_code == 302
    assert ("user.password_changed", "rapportor", "rapportor") in actions(app)


@pytest.mark.parametrize(
    ("current", "new", "again", "message"),
    [
        ("fel-nuvarande-lösen", NEW_PASSWORD, NEW_PASSWORD, "nuvarande lösenordet stämmer inte"),
        (DEMO_PASSWORD, "kort-lösen", "kort-lösen", "minst 12 tecken"),
        (DEMO_PASSWORD, "Lösenord2026!", "Lösenord2026!", "för vanligt"),
        (DEMO_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "skiljer sig åt"),
        (DEMO_PASSWORD, DEMO_PASSWORD, DEMO_PASSWORD, "måste skilja sig"),
        (DEMO_PASSWORD, ["en lista"], ["en lista"], "minst 12 tecken"),
    ],
)
def test_a_password_change_that_breaks_the_policy_is_refused(
    app: Flask,
    client_as: Callable[[str], FlaskClient],
    current: str,
    new: Any,
    again: str,
    message: str,
) -> None:
    here, elsewhere = client_as("rapportor"), client_as("rapportor")
    report = change_password(here, app, current, new, again)
    assert message in str(report)
    assert works(elsewhere, app) == 200  # nothing changed
    assert login(app.test_client(), "rapportor", DEMO_PASSWORD).status_code == 302


def test_mitt_konto_needs_a_login_and_shows_totp_only_to_admins_and_coordinators(
    app: Flask, client: FlaskClient, client_as: Callable[[str], FlaskClient]
) -> None:
    values = {f"{ids.ME_CHANGE}.n_clicks": 1, f"{ids.ME_NEW}.value": NEW_PASSWORD}
    assert call_by_input(client, app, ids.ME_CHANGE, values).status_code == 401
    page = {"_pages_location.pathname": "/konto", "_pages_location.search": ""}
    reporter = str(said(call_by_input(client_as("rapportor"), app, "_pages_location", page)))
    coordinator = str(said(call_by_input(client_as("samordnare"), app, "_pages_location", page)))
    assert ids.ME_CHANGE in reporter and ids.ME_TOTP_START not in reporter
    assert ids.ME_TOTP_START in coordinator


def test_a_session_ends_twelve_hours_after_login_however_busy(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    start = utc_now()
    for hours in (4, 8, 11.9):  # each request renews the 8-hour idle limit …
        with time_machine.travel(start + timedelta(hours=hours), tick=False):
            assert works(client, app) == 200, hours
    with time_machine.travel(start + timedelta(hours=12, minutes=1), tick=False):
        assert works(client, app) == 401  # … but not the absolute one
        assert login(client, "samordnare", DEMO_PASSWORD).status_code == 302
        assert works(client, app) == 200


def test_a_session_without_a_login_moment_has_ended(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """A cookie from before the absolute lifetime existed (no login moment) is refused."""
    client = client_as("samordnare")
    with client.session_transaction() as session:
        session.pop("login_at")
    assert works(client, app) == 401


def test_the_absolute_lifetime_is_a_setting(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    saved = app.config["SSP_SESSION_ABSOLUTE_HOURS"]
    app.config["SSP_SESSION_ABSOLUTE_HOURS"] = 1
    try:
        with time_machine.travel(utc_now() + timedelta(minutes=61), tick=False):
            assert works(client, app) == 401
    finally:
        app.config["SSP_SESSION_ABSOLUTE_HOURS"] = saved


def test_role_changes_apply_at_the_next_request(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    with unit_of_work(app_state(app).sessions) as session:
        update_user(
            session,
            ADMIN_ACTOR,
            user_id_of(session, "samordnare"),
            role="leadership",
            kommun_code="0380",
            source_code=None,
            area_codes=(),
        )
    page = {"_pages_location.pathname": "/planering", "_pages_location.search": ""}
    assert "Ingen behörighet" in str(said(call_by_input(client, app, "_pages_location", page)))


def run(app: Flask, *args: str, stdin: str = "") -> Any:
    result = app.test_cli_runner().invoke(args=["ssp", *args], input=stdin)
    return result


def test_the_command_line_covers_the_account_lifecycle(app: Flask) -> None:
    made = run(app, "create-user", "Kim.L", "--role", "police_area", "--kommun", "0380",
               "--area", "0380-D01", "--generate-password")  # fmt: skip
    assert made.exit_code == 0, made.output
    password = made.stdout.strip().splitlines()[-1]
    assert login(app.test_client(), "kim.l", password).status_code == 302

    changed = run(app, "update-user", "kim.l", "--area", "0380-D02")
    assert changed.exit_code == 0, changed.output
    listing = run(app, "list-users").output
    assert "kim.l,police_area,0380,,0380-D02,ja,nej" in listing
    assert run(app, "update-user", "kim.l", "--role", "reporter").exit_code != 0  # areas left
    assert run(app, "update-user", "kim.l", "--role", "reporter", "--no-areas").exit_code == 0

    client = app.test_client()
    assert login(client, "kim.l", password).status_code == 302
    assert run(app, "deactivate-user", "kim.l").exit_code == 0
    assert works(client, app) == 401
    assert run(app, "activate-user", "kim.l").exit_code == 0
    reset = run(app, "reset-password", "kim.l")
    fresh = reset.stdout.strip().splitlines()[-1]
    assert login(app.test_client(), "kim.l", password).status_code == 401
    assert login(app.test_client(), "kim.l", fresh).status_code == 302
    nothing = run(app, "reset-totp", "kim.l")
    assert nothing.exit_code != 0 and "ingen tvåstegsverifiering" in nothing.output
    assert "finns ingen användare" in run(app, "deactivate-user", "ingen.alls").output

    logged = run(app, "audit-log", "--user", "kim.l").output
    for action in ("user.created", "user.changed", "user.deactivated", "user.password_reset"):
        assert action in logged, action
    assert '"cli:' in logged
    assert password not in logged and fresh not in logged


@pytest.mark.parametrize(
    ("page", "component"),
    [
        ("/admin/anvandare", ids.US_CREATE),
        ("/admin/granskning", ids.AU_TABLE),
        ("/konto", ids.ME_CHANGE),
    ],
)
def test_an_admin_opens_the_account_pages(
    app: Flask, client_as: Callable[[str], FlaskClient], page: str, component: str
) -> None:
    values = {"_pages_location.pathname": page, "_pages_location.search": ""}
    answer = str(said(call_by_input(client_as("admin"), app, "_pages_location", values)))
    assert component in answer and "Ingen behörighet" not in answer
