"""Veckans lägesbild (issue 17 items 1–3) through the Flask test client and its Dash
callbacks: who gets the page and which parts, the week's content, the reporting
completeness (coordinators only), and the actions — added, carried from week to
week, followed up and closed, with the police limited to the actions they own."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from dashboard import ids
from dashboard.auth import viewer_for
from dashboard.lagesbild_pdf import lagesbild_pdf
from dashboard.state import app_state
from data.access.audit import Actor
from data.access.scope import AccessDenied
from data.briefing.compose import build_briefing
from data.briefing.period import period_of, previous_period, week_period
from data.briefing.serial import briefing_from_json, briefing_to_json
from data.storage.db import bump_version, unit_of_work
from data.storage.models import AuditEvent, Observation, WeeklyAction
from data.weekly.actions import ActionRejected, actions_for_week, add_action, update_action
from data.weekly.completeness import reporting_completeness
from tests.clock import TEST_TODAY
from tests.helpers import call_callback
from tests.pdf_checks import pdf_pages

THIS_WEEK = week_period(TEST_TODAY).code
LAST_WEEK = previous_period(week_period(TEST_TODAY)).code
POLICE_AREA = "0380-D02"
"""One of the demo police's six areas (0380-D01 … D06)."""
OTHER_AREA = "0380-D20"
ACTOR = Actor(None, "test", "127.0.0.1")


def _page(client: FlaskClient, app: Flask, search: str = "") -> str:
    values = {"_pages_location.pathname": "/veckan", "_pages_location.search": search}
    response = call_callback(client, app, "_pages_content.children", values)
    assert response.status_code == 200
    return json.dumps(response.get_json(), ensure_ascii=False)


def _call(client: FlaskClient, app: Flask, output: str, **values: Any) -> Any:
    defaults = {
        f"{ids.VL_WEEK}.value": THIS_WEEK,
        f"{ids.VL_REFRESH}.data": 0,
        f"{ids.VL_ADD_SAVE}.n_clicks": 1,
        f"{ids.VL_EDIT_SAVE}.n_clicks": 1,
    }
    return call_callback(client, app, output, defaults | values)


def _ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["response"]


def _text(answer: Any) -> str:
    return json.dumps(answer, ensure_ascii=False)


def _add(client: FlaskClient, app: Flask, what: str, owner: str, areas: list[str]) -> str:
    answer = _ok(
        _call(
            client,
            app,
            f"{ids.VL_ADD_RESULT}.children",
            **{
                f"{ids.VL_ADD_WHAT}.value": what,
                f"{ids.VL_ADD_OWNER}.value": owner,
                f"{ids.VL_ADD_AREAS}.value": areas,
                f"{ids.VL_ADD_DUE}.value": (TEST_TODAY + timedelta(days=14)).isoformat(),
            },
        )
    )
    return _text(answer)


def _listed(client: FlaskClient, app: Flask, week: str = THIS_WEEK) -> dict[str, Any]:
    return _ok(
        _call(client, app, f"{ids.VL_ACTIONS_LIST}.children", **{f"{ids.VL_WEEK}.value": week})
    )


def _ids_of(session_app: Flask, what: str) -> int:
    with app_state(session_app).sessions() as session:
        return int(session.scalars(select(WeeklyAction.id).where(WeeklyAction.what == what)).one())


@pytest.mark.parametrize("username", ["samordnare", "polis"])
def test_coordinators_and_police_get_the_page(
    app: Flask, client_as: Callable[[str], FlaskClient], username: str
) -> None:
    body = _page(client_as(username), app)
    assert "Veckans lägesbild" in body and ids.VL_ACTIONS_LIST in body
    assert (ids.VL_COMPLETENESS in body) == (username == "samordnare")


@pytest.mark.parametrize("username", ["ledning", "rapportor", "admin"])
def test_other_roles_are_refused_the_page(
    app: Flask, client_as: Callable[[str], FlaskClient], username: str
) -> None:
    body = _page(client_as(username), app)
    assert "Ingen behörighet" in body and ids.VL_WEEK not in body


def test_the_week_comes_from_the_url_and_a_bad_one_falls_back(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    assert f'"value": "{LAST_WEEK}"' in _page(client, app, f"?vecka={LAST_WEEK}")
    future = week_period(TEST_TODAY + timedelta(weeks=3)).code
    body = _page(client, app, f"?vecka={future}")
    assert f'"value": "{THIS_WEEK}"' in body and "kunde inte visas" in body
    answer = _ok(
        _call(client, app, f"{ids.VL_CONTENT}.children", **{f"{ids.VL_WEEK}.value": LAST_WEEK})
    )
    assert answer[ids.VL_LINK_QUERY]["data"] == f"/veckan?vecka={LAST_WEEK}"
    forged = _ok(_call(client, app, f"{ids.VL_CONTENT}.children", **{f"{ids.VL_WEEK}.value": "x"}))
    assert forged[ids.VL_LINK_QUERY]["data"] == f"/veckan?vecka={THIS_WEEK}"


@pytest.mark.parametrize("username", ["samordnare", "polis"])
def test_the_content_shows_changes_events_walks_and_signals(
    app: Flask, client_as: Callable[[str], FlaskClient], username: str
) -> None:
    body = _text(_ok(_call(client_as(username), app, f"{ids.VL_CONTENT}.children")))
    for heading in (
        "Vad har förändrats?",
        "Kommande två veckor",
        "Nattvandringar utan rapport",
        "Signaler för föräldramöten",
    ):
        assert heading in body
    # The running week is not compared: the last complete week's changes are shown.
    assert "Veckan pågår och jämförs inte" in body
    if username == "polis":
        assert "Demoområde 20" not in body  # outside the police's six areas


def test_completeness_for_coordinators_names_every_partner(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    body = _text(_ok(_call(client_as("samordnare"), app, f"{ids.VL_COMPLETENESS}.children")))
    for label in ("Skola", "Socialtjänst", "Polis", "Fritid", "Polisen.se-import (import)"):
        assert label in body
    assert "Brukar (12 veckor)" in body


@pytest.mark.parametrize("username", ["polis", "ledning", "rapportor", "admin"])
def test_completeness_is_refused_to_everyone_but_coordinators(
    app: Flask, client_as: Callable[[str], FlaskClient], username: str
) -> None:
    response = _call(client_as(username), app, f"{ids.VL_COMPLETENESS}.children")
    assert response.status_code == 403


NEW_CALLBACKS = (
    f"{ids.VL_CONTENT}.children",
    f"{ids.VL_COMPLETENESS}.children",
    f"{ids.VL_ACTIONS_LIST}.children",
    f"{ids.VL_ADD_RESULT}.children",
    f"{ids.VL_EDIT_RESULT}.children",
    f"{ids.VL_EDIT_STATUS}.value",
)


@pytest.mark.parametrize("output", NEW_CALLBACKS)
@pytest.mark.parametrize("username", ["ledning", "rapportor", "admin"])
def test_wrong_roles_posting_to_every_new_callback_are_refused(
    app: Flask, client_as: Callable[[str], FlaskClient], username: str, output: str
) -> None:
    response = _call(client_as(username), app, output, **{f"{ids.VL_EDIT_ACTION}.value": 1})
    assert response.status_code == 403


def test_anonymous_posting_is_refused(app: Flask, client: FlaskClient) -> None:
    assert _call(client, app, f"{ids.VL_ADD_RESULT}.children").status_code == 401


def test_a_coordinator_adds_an_action_and_it_is_listed_and_audited_without_content(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    what = "Extra vuxennärvaro vid centrum fredag kväll"
    assert "Åtgärden är sparad" in _add(client, app, what, "fritid", [OTHER_AREA])
    listed = _text(_listed(client, app))
    assert what in listed and "Fritid" in listed and "Öppen" in listed
    with app_state(app).sessions() as session:
        rows = list(
            session.scalars(select(AuditEvent).where(AuditEvent.action == "action.created"))
        )
    assert len(rows) == 1
    assert what not in rows[0].details and "fritid" in rows[0].details
    assert rows[0].actor_name == "samordnare"


def test_personal_data_in_an_action_is_refused_and_not_stored(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    answer = _add(
        client_as("samordnare"), app, "Ring 070-123 45 67 om Kalle", "skola", [OTHER_AREA]
    )
    assert "report-error" in answer and "070" not in answer
    with app_state(app).sessions() as session:
        assert session.scalar(select(WeeklyAction.id)) is None


def test_police_see_and_close_the_actions_they_own_only(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    coordinator, police = client_as("samordnare"), client_as("polis")
    _add(coordinator, app, "Polisen patrullerar vid skolan", "polis", [POLICE_AREA])
    _add(coordinator, app, "Polisen i ett annat område", "polis", [OTHER_AREA])
    _add(coordinator, app, "Skolan informerar föräldrar", "skola", [POLICE_AREA])
    seen = _listed(police, app)
    text = _text(seen)
    assert "patrullerar vid skolan" in text
    assert "annat område" not in text and "informerar föräldrar" not in text
    own = _ids_of(app, "Polisen patrullerar vid skolan")
    assert [o["value"] for o in seen[ids.VL_EDIT_ACTION]["options"]] == [own]
    closed = _call(
        police,
        app,
        f"{ids.VL_EDIT_RESULT}.children",
        **{
            f"{ids.VL_EDIT_ACTION}.value": own,
            f"{ids.VL_EDIT_STATUS}.value": "klar",
            f"{ids.VL_EDIT_NOTE}.value": "Genomfört två kvällar",
        },
    )
    assert "Uppföljningen är sparad" in _text(_ok(closed))
    listed = _text(_listed(coordinator, app))
    assert "Klar" in listed and "Genomfört två kvällar" in listed


def test_police_cannot_change_or_create_actions_for_others(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    coordinator, police = client_as("samordnare"), client_as("polis")
    _add(coordinator, app, "Skolan informerar föräldrar", "skola", [POLICE_AREA])
    other = _ids_of(app, "Skolan informerar föräldrar")
    answer = _call(
        police,
        app,
        f"{ids.VL_EDIT_RESULT}.children",
        **{f"{ids.VL_EDIT_ACTION}.value": other, f"{ids.VL_EDIT_STATUS}.value": "klar"},
    )
    assert "report-error" in _text(_ok(answer))
    for owner, areas in (("skola", [POLICE_AREA]), ("polis", [OTHER_AREA])):
        assert "report-error" in _add(police, app, "Något som ska göras", owner, areas)
    assert "Åtgärden är sparad" in _add(police, app, "Egen patrull", "polis", [POLICE_AREA])
    with app_state(app).sessions() as session:
        statuses = {
            str(w): str(s)
            for w, s in session.execute(select(WeeklyAction.what, WeeklyAction.status))
        }
    assert statuses == {"Skolan informerar föräldrar": "oppen", "Egen patrull": "oppen"}


def test_the_data_layer_refuses_the_police_on_others_actions(app: Flask) -> None:
    with app.test_request_context():
        coordinator = viewer_for("coordinator", "0380")
        police = viewer_for("police_area", "0380", frozenset({"0380-D01", POLICE_AREA}))
        leadership = viewer_for("leadership", "0380")
    with unit_of_work(app_state(app).sessions) as session:
        action = add_action(
            session,
            coordinator,
            ACTOR,
            kommun="0380",
            what="Fält går extra rundor",
            owner="falt",
            area_codes=[POLICE_AREA],
            due_on=None,
            week=THIS_WEEK,
            today=TEST_TODAY,
        )
    with unit_of_work(app_state(app).sessions) as session:
        with pytest.raises(AccessDenied):
            update_action(session, police, ACTOR, action, status="klar", follow_up="")
        with pytest.raises(AccessDenied):
            actions_for_week(session, leadership, "0380", THIS_WEEK)
        with pytest.raises(ActionRejected):
            update_action(session, coordinator, ACTOR, action, status="gjord", follow_up="")
        assert actions_for_week(session, police, "0380", THIS_WEEK) == []


def _set_closed(app: Flask, action_id: int, day: date) -> None:
    with unit_of_work(app_state(app).sessions) as session:
        row = session.get(WeeklyAction, action_id)
        assert row is not None
        row.status, row.closed_at = "klar", datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def test_an_open_action_is_carried_to_later_weeks_and_a_closed_one_shows_in_its_week(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    weeks = [week_period(TEST_TODAY - timedelta(weeks=n)).code for n in (3, 2, 1, 0)]
    with app.test_request_context():
        coordinator = viewer_for("coordinator", "0380")
    with unit_of_work(app_state(app).sessions) as session:
        carried = add_action(
            session,
            coordinator,
            ACTOR,
            kommun="0380",
            what="Bärs vidare",
            owner="kommunen",
            area_codes=[OTHER_AREA],
            due_on=None,
            week=weeks[0],
            today=TEST_TODAY,
        )
        closing = add_action(
            session,
            coordinator,
            ACTOR,
            kommun="0380",
            what="Stängs vecka två",
            owner="skola",
            area_codes=[OTHER_AREA],
            due_on=None,
            week=weeks[0],
            today=TEST_TODAY,
        )
    _set_closed(app, closing, TEST_TODAY - timedelta(weeks=2))
    before = week_period(TEST_TODAY - timedelta(weeks=4)).code
    shown = {w: _text(_listed(client, app, w)) for w in [before, *weeks]}
    assert "Bärs vidare" not in shown[before]
    assert all("Bärs vidare" in shown[w] for w in weeks)
    assert ["Stängs vecka två" in shown[w] for w in weeks] == [True, True, False, False]
    assert carried != closing


def test_the_leadership_lagesbild_counts_actions_per_status_and_owner_without_text(
    app: Flask,
) -> None:
    with app.test_request_context():
        coordinator = viewer_for("coordinator", "0380")
        leadership = viewer_for("leadership", "0380")
    month = previous_period(period_of("month", TEST_TODAY))
    with unit_of_work(app_state(app).sessions) as session:
        for what, owner in (("Första", "polis"), ("Andra", "polis"), ("Tredje", "skola")):
            add_action(
                session,
                coordinator,
                ACTOR,
                kommun="0380",
                what=what,
                owner=owner,
                area_codes=[OTHER_AREA],
                due_on=None,
                week=week_period(month.first_day).code,
                today=TEST_TODAY,
            )
    now = datetime(2026, 12, 2, 11, tzinfo=UTC)
    with app_state(app).sessions() as session:
        cube = app_state(app).cubes.get(session, today=TEST_TODAY)
        chief = build_briefing(
            session, cube, leadership, "0380", "custom", month, today=TEST_TODAY, now=now
        )
        team = build_briefing(
            session, cube, coordinator, "0380", "custom", month, today=TEST_TODAY, now=now
        )
    assert [(a.status, a.owner, a.count, a.titles) for a in chief.decided] == [
        ("oppen", "polis", 2, ()),
        ("oppen", "skola", 1, ()),
    ]
    assert team.decided[0].titles == ("Första", "Andra")
    assert briefing_from_json(briefing_to_json(chief)) == chief
    chief_pdf = " ".join(pdf_pages(lagesbild_pdf(chief, {})))
    assert "Öppen, Polis: 2" in chief_pdf and "Första" not in chief_pdf
    assert "Första" in " ".join(pdf_pages(lagesbild_pdf(team, {})))


def test_a_partner_gone_quiet_last_week_is_flagged_silent_the_running_week_is_not_judged(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    running = week_period(TEST_TODAY)
    week = previous_period(running)
    with unit_of_work(app_state(app).sessions) as session:
        session.execute(
            delete(Observation).where(
                Observation.source_code == "fritid",
                Observation.occurred_on.between(week.first_day, week.last_day),
            )
        )
        session.execute(
            delete(Observation).where(
                Observation.source_code == "fritid",
                Observation.occurred_on.between(running.first_day, running.last_day),
            )
        )
        bump_version(session)
    body = _text(_ok(_call(client_as("samordnare"), app, f"{ids.VL_COMPLETENESS}.children")))
    assert "Veckan pågår: rapporter hittills." in body
    assert "bedöms när veckan är slut" in body
    assert "Inga rapporter denna vecka — brukar rapportera" not in body
    with app.test_request_context():
        viewer = viewer_for("coordinator", "0380")
    with app_state(app).sessions() as session:
        done = reporting_completeness(session, viewer, "0380", week.first_day, today=TEST_TODAY)
        now = reporting_completeness(session, viewer, "0380", running.first_day, today=TEST_TODAY)
    fritid = next(r for r in done.rows if r.source == "fritid")
    assert (fritid.this_week, fritid.status, fritid.flagged) == (0, "silent", True)
    assert done.rows[0].flagged  # flagged partners first
    assert not done.running
    pending = next(r for r in now.rows if r.source == "fritid")
    assert (pending.this_week, pending.status, pending.flagged) == (0, "pending", False)
    assert now.running and not any(r.flagged for r in now.rows)


def test_rebuilding_the_demo_over_actions_removes_them(app: Flask) -> None:
    """``ssp demo --force`` deletes the actions before the areas they point at."""
    from data.demo.build import build_demo
    from tests.conftest import DEMO_PASSWORD

    with app.test_request_context():
        coordinator = viewer_for("coordinator", "0380")
    with unit_of_work(app_state(app).sessions) as session:
        add_action(
            session,
            coordinator,
            ACTOR,
            kommun="0380",
            what="Före ombyggnad",
            owner="skola",
            area_codes=[OTHER_AREA],
            due_on=None,
            week=THIS_WEEK,
            today=TEST_TODAY,
        )
    with unit_of_work(app_state(app).sessions) as session:
        build_demo(session, end=TEST_TODAY, password=DEMO_PASSWORD, days=14, force=True)
    with app_state(app).sessions() as session:
        assert session.scalar(select(WeeklyAction.id)) is None
