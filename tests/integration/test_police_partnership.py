"""Samverkan polis through the Dash callbacks: the police see walks and parent meetings
only in their areas, agree or comment on the week's plan (a later change shows), record
riktade insatser, and import polisen.se events for their kommun."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from dashboard import ids
from dashboard.state import app_state
from data.access.users import create_user
from data.counts.cube import monday_of
from data.planning.meetings import add_meeting
from data.storage.db import bump_version, unit_of_work
from data.storage.models import Area, AuditEvent, JointOperation, Observation, PlannedWalk
from data.vocabulary import MONTH_NAMES
from tests.clock import TEST_TODAY
from tests.conftest import DEMO_PASSWORD
from tests.helpers import call_by_input, call_callback, login, send_file, stored_answer
from tests.hostile_names import HOSTILE_NAMES, stored

WEEK = monday_of(TEST_TODAY) + timedelta(weeks=1)
FRIDAY, SATURDAY = WEEK + timedelta(days=4), WEEK + timedelta(days=5)
INSIDE, ALSO_INSIDE, OUTSIDE = "0380-D02", "0380-D03", "0380-D09"
"""The demo police user ``polis`` has 0380-D01..D06."""
MARKUP_COMPONENTS = frozenset({"A", "Img", "Font", "B", "Script", "Br", "Span", "Iframe"})
"""Components a hostile text would have become if it were read as markup."""
SIGTUNA_POLICE = "polis_sigtuna"
OTHER_POLICE = "polis_en"


def add_walk(
    app: Flask, area: str, night: date = FRIDAY, *, point: str = "", walkers: int = 4
) -> int:
    """A saved walk of the schedule (as Planering saves it)."""
    with unit_of_work(app_state(app).sessions) as session:
        area_row = session.scalars(select(Area).where(Area.code == area)).one()
        walk = PlannedWalk(
            kommun_code=area_row.kommun_code,
            night=night,
            area_id=area_row.id,
            walkers=walkers,
            start_time="20:30",
            end_time="01:30",
            meeting_point=point,
            expected=0.5,
        )
        session.add(walk)
        session.flush()
        return walk.id


def add_parent_meeting(app: Flask, area: str, theme: str, day: date = FRIDAY) -> None:
    with unit_of_work(app_state(app).sessions) as session:
        add_meeting(
            session,
            area[:4],
            area_code=area,
            held_on=day,
            place="school",
            theme=theme,
            attending=None,
            follow_up_on=None,
        )


def add_user(app: Flask, username: str, kommun: str, areas: list[str]) -> None:
    with unit_of_work(app_state(app).sessions) as session:
        create_user(
            session,
            username,
            DEMO_PASSWORD,
            role="police_area",
            kommun_code=kommun,
            source_code="polis",
            area_codes=areas,
        )


def text_of(response: Any) -> str:
    """A callback's answer as text, non-ASCII letters as they are."""
    body = response.get_json(silent=True)
    return response.get_data(as_text=True) if body is None else json.dumps(body, ensure_ascii=False)


def client_of(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    assert login(client, username, DEMO_PASSWORD).status_code == 302
    return client


def show(client: FlaskClient, app: Flask, week: date = WEEK) -> Any:
    values = {f"{ids.SV_WEEK}.value": week.isoformat(), f"{ids.SV_REFRESH}.data": 0}
    return call_callback(client, app, f"{ids.SV_WALKS}.children", values)


def shown(client: FlaskClient, app: Flask, week: date = WEEK) -> str:
    response = show(client, app, week)
    assert response.status_code == 200, text_of(response)
    return text_of(response)


def review(client: FlaskClient, app: Flask, button: str, comment: str = "") -> Any:
    values = {
        f"{ids.SV_WEEK}.value": WEEK.isoformat(),
        f"{ids.SV_COMMENT}.value": comment,
        f"{ids.SV_REFRESH}.data": 0,
        f"{button}.n_clicks": 1,
    }
    return call_by_input(client, app, button, values)


def planning_reviews(client: FlaskClient, app: Flask) -> Any:
    values = {
        f"{ids.PL_KOMMUN}.value": "0380",
        f"{ids.PL_FIRST}.date": WEEK.isoformat(),
        f"{ids.PL_WEEKS}.value": 1,
        f"{ids.PL_REFRESH}.data": 0,
    }
    return call_callback(client, app, f"{ids.PL_POLICE_REVIEW}.children", values)


def operation_form(**changes: Any) -> dict[str, Any]:
    return {
        f"{ids.SV_OP_SAVE}.n_clicks": 1,
        f"{ids.SV_OP_DAY}.date": FRIDAY.isoformat(),
        f"{ids.SV_OP_START}.value": "21:00",
        f"{ids.SV_OP_END}.value": "23:30",
        f"{ids.SV_OP_AREAS}.value": [INSIDE, ALSO_INSIDE],
        f"{ids.SV_OP_PARTNERS}.value": ["polis", "socialtjanst"],
        f"{ids.SV_OP_KIND}.value": "narkotika",
        f"{ids.SV_OP_NOTE}.value": "Samling vid centrum, lugnt efter 23.",
        f"{ids.SV_OP_EDITING}.data": None,
        f"{ids.SV_REFRESH}.data": 0,
    } | {f"{k}": v for k, v in changes.items()}


def save_operation(client: FlaskClient, app: Flask, **changes: Any) -> Any:
    return call_by_input(client, app, ids.SV_OP_SAVE, operation_form(**changes))


def operation_ids(app: Flask) -> list[int]:
    with app_state(app).sessions() as session:
        return list(session.scalars(select(JointOperation.id).order_by(JointOperation.id)))


def click(client: FlaskClient, app: Flask, kind: str, operation_id: int) -> Any:
    button = {"type": kind, "item": str(operation_id)}
    first = ids.SV_OP_EDIT_TYPE if kind == ids.SV_OP_EDIT_TYPE else ids.SV_OP_DELETE_TYPE
    key = json.dumps({"item": ["ALL"], "type": first}, separators=(",", ":"))
    return call_by_input(
        client,
        app,
        key,
        {f"{ids.SV_REFRESH}.data": 0},
        clicked=[{"id": button, "value": 1}],
    )


# --- Authorisation: only their areas -------------------------------------------------


def test_police_see_planned_walks_and_meetings_only_in_their_areas(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    add_walk(app, INSIDE, point="Torget-inne")
    add_walk(app, ALSO_INSIDE, SATURDAY, point="Skolgården-inne")
    add_walk(app, OUTSIDE, point="Stationen-ute")
    add_walk(app, "0380", point="Hela-kommunen")  # contains the police areas: not theirs
    add_parent_meeting(app, INSIDE, "Oro för narkotika inne")
    add_parent_meeting(app, OUTSIDE, "Oro för narkotika ute")
    police = shown(client_as("polis"), app)
    assert "Torget-inne" in police and "Skolgården-inne" in police
    assert "Oro för narkotika inne" in police
    for leak in ("Stationen-ute", "Hela-kommunen", "Oro för narkotika ute", OUTSIDE):
        assert leak not in police, leak
    coordinator = shown(client_as("samordnare"), app)
    for seen in ("Torget-inne", "Stationen-ute", "Hela-kommunen", "Oro för narkotika ute"):
        assert seen in coordinator, seen


def test_a_walk_in_an_area_inside_an_assigned_one_is_shown(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    with unit_of_work(app_state(app).sessions) as session:
        parent = session.scalars(select(Area).where(Area.code == INSIDE)).one()
        session.add(
            Area(
                code="0380-D02-del",
                name="Del av område 2",
                level="deso",
                kommun_code="0380",
                parent_id=parent.id,
                is_synthetic=True,
            )
        )
        bump_version(session)
    add_walk(app, "0380-D02-del", point="Delområdets-torg")
    assert "Delområdets-torg" in shown(client_as("polis"), app)


def test_the_page_offers_only_the_police_users_areas(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    from tests.integration.test_authz_matrix import page_content

    text = json.dumps(page_content(client_as("polis"), "/samverkan"), ensure_ascii=False)
    assert "Ingen behörighet" not in text
    assert all(f"0380-D{n:02d}" in text for n in range(1, 7))
    assert all(f"0380-D{n:02d}" not in text for n in range(7, 25))


def test_a_police_user_of_another_kommun_sees_nothing_of_this_one(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    add_walk(app, INSIDE, point="Torget-inne")
    add_parent_meeting(app, INSIDE, "Oro inne")
    add_user(app, SIGTUNA_POLICE, "0191", ["0191-D01"])
    text = shown(client_of(app, SIGTUNA_POLICE), app)
    assert "Torget-inne" not in text and "Oro inne" not in text and "0380" not in text


@pytest.mark.parametrize("username", ["rapportor", "ledning", "admin"])
def test_other_roles_are_refused_by_every_new_callback(
    app: Flask, client_as: Callable[[str], FlaskClient], username: str
) -> None:
    client = client_as(username)
    assert show(client, app).status_code in (401, 403)
    assert review(client, app, ids.SV_AGREE).status_code == 403
    assert review(client, app, ids.SV_SEND_COMMENT, "Bra").status_code == 403
    assert save_operation(client, app).status_code == 403
    assert click(client, app, ids.SV_OP_DELETE_TYPE, 1).status_code == 403
    assert click(client, app, ids.SV_OP_EDIT_TYPE, 1).status_code == 403
    assert import_file(client, app, b"[]").status_code in (401, 403)
    assert planning_reviews(client, app).status_code == 403


def test_coordinators_read_but_never_write_the_police_answers(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    add_walk(app, INSIDE)
    client = client_as("samordnare")
    assert review(client, app, ids.SV_AGREE).status_code == 403
    assert save_operation(client, app).status_code == 403
    assert planning_reviews(client, app).status_code == 200
    assert planning_reviews(client_as("polis"), app).status_code == 403


# --- Agreeing and commenting ---------------------------------------------------------


def test_agreement_shows_on_planering_and_a_later_change_shows_it_predates_it(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    add_walk(app, INSIDE)
    police, coordinator = client_as("polis"), client_as("samordnare")
    response = review(police, app, ids.SV_AGREE)
    assert response.status_code == 200 and "Planen är godkänd" in text_of(response)
    before = text_of(planning_reviews(coordinator, app))
    assert "Godkänd av polis" in before and "(1 vandring)" in before
    add_walk(app, OUTSIDE)  # outside the police areas: not part of what they agreed
    assert "ändrats efter" not in text_of(planning_reviews(coordinator, app))
    add_walk(app, ALSO_INSIDE, SATURDAY)
    after = text_of(planning_reviews(coordinator, app))
    assert "har ändrats efter godkännandet" in after
    assert f"Ny: {SATURDAY.isoformat()} {ALSO_INSIDE}" in after
    assert "har ändrats efter" in shown(police, app)  # the police user sees it too
    review(police, app, ids.SV_AGREE)  # agreeing again covers the new plan
    assert "ändrats efter" not in text_of(planning_reviews(coordinator, app))


def test_an_empty_plan_cannot_be_agreed(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    add_walk(app, OUTSIDE)
    text = text_of(review(client_as("polis"), app, ids.SV_AGREE))
    assert "inga planerade vandringar i dina områden" in text


def test_comments_are_pii_guarded_length_limited_and_shown_to_the_coordinator(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    police, coordinator = client_as("polis"), client_as("samordnare")
    refused = review(police, app, ids.SV_SEND_COMMENT, "Ring 070-123 45 67 om fredag")
    assert "telefonnummer" in text_of(refused)
    assert "070-123" not in text_of(refused)
    too_long = review(police, app, ids.SV_SEND_COMMENT, "x" * 501)
    assert "Högst 500 tecken" in text_of(too_long)
    assert "Skriv en kommentar" in text_of(review(police, app, ids.SV_SEND_COMMENT, "  "))
    ok = review(police, app, ids.SV_SEND_COMMENT, "Flytta gärna lördagens pass till torget.")
    assert "Kommentaren är skickad" in text_of(ok)
    text = text_of(planning_reviews(coordinator, app))
    assert "Flytta gärna lördagens pass till torget." in text


@pytest.mark.parametrize("hostile", HOSTILE_NAMES)
def test_hostile_comments_are_stored_and_shown_as_text(
    app: Flask, client_as: Callable[[str], FlaskClient], hostile: str
) -> None:
    police = client_as("polis")
    assert review(police, app, ids.SV_SEND_COMMENT, hostile).status_code == 200
    body = planning_reviews(client_as("samordnare"), app).get_json()
    texts = json.dumps(body, ensure_ascii=False)
    assert json.dumps(stored(hostile), ensure_ascii=False)[1:-1] in texts
    # Text children only: no component the markup could have become.
    assert not {n["type"] for n in walk_components(body)} & MARKUP_COMPONENTS


def test_the_police_see_only_their_own_answers(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    add_user(app, OTHER_POLICE, "0380", ["0380-D20"])
    review(client_of(app, OTHER_POLICE), app, ids.SV_SEND_COMMENT, "Kommentar om område 20.")
    assert "Kommentar om område 20." not in shown(client_as("polis"), app)
    coordinator = text_of(planning_reviews(client_as("samordnare"), app))
    assert "Kommentar om område 20." in coordinator


def test_a_police_user_cannot_agree_for_another_kommun(app: Flask) -> None:
    from dashboard.auth import viewer_for
    from data.access.audit import Actor
    from data.access.scope import AccessDenied
    from data.planning.police import review_plan

    add_walk(app, "0191-D01")
    with app.app_context():
        viewer = viewer_for("police_area", "0380", frozenset({INSIDE}))
    with pytest.raises(AccessDenied), unit_of_work(app_state(app).sessions) as session:
        review_plan(
            session,
            viewer,
            Actor(1, "polis", "test"),
            "0191",
            WEEK,
            kind="agreed",
            comment="",
            areas=frozenset({"0191-D01"}),
            today=TEST_TODAY,
        )


def test_a_forged_week_is_refused(app: Flask, client_as: Callable[[str], FlaskClient]) -> None:
    police = client_as("polis")
    for week in ("not a week", WEEK + timedelta(days=1), WEEK + timedelta(weeks=60), ["x"]):
        value = week.isoformat() if isinstance(week, date) else week
        values = {f"{ids.SV_WEEK}.value": value, f"{ids.SV_REFRESH}.data": 0}
        response = call_callback(police, app, f"{ids.SV_WALKS}.children", values)
        assert response.status_code == 400, week


# --- Riktade insatser ----------------------------------------------------------------


def test_police_record_change_and_delete_their_insats_and_the_coordinator_sees_it(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    police, coordinator = client_as("polis"), client_as("samordnare")
    response = save_operation(police, app)
    assert "Insatsen är sparad" in text_of(response)
    (operation_id,) = operation_ids(app)
    text = shown(coordinator, app)
    assert "Narkotika" in text and "Socialtjänst" in text and "Samling vid centrum" in text
    loaded = click(police, app, ids.SV_OP_EDIT_TYPE, operation_id).get_json()["response"]
    assert loaded[ids.SV_OP_EDITING]["data"] == operation_id
    assert loaded[ids.SV_OP_AREAS]["value"] == [INSIDE, ALSO_INSIDE]
    changed = save_operation(
        police,
        app,
        **{f"{ids.SV_OP_EDITING}.data": operation_id, f"{ids.SV_OP_KIND}.value": "annat"},
    )
    assert "Insatsen är sparad" in text_of(changed)
    assert operation_ids(app) == [operation_id]
    assert "Annat" in shown(coordinator, app)
    assert click(police, app, ids.SV_OP_DELETE_TYPE, operation_id).status_code == 200
    assert operation_ids(app) == []
    with app_state(app).sessions() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("police.operation_%"))
        ).all()
    assert [e.action for e in events] == [
        "police.operation_created",
        "police.operation_changed",
        "police.operation_deleted",
    ]
    assert all("Samling" not in e.details and "narkotika" not in e.details for e in events)


def test_an_insats_outside_the_police_areas_or_with_bad_fields_is_refused(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    police = client_as("polis")
    cases = {
        f"{ids.SV_OP_AREAS}.value": ([OUTSIDE], "Välj minst ett av dina områden"),
        f"{ids.SV_OP_PARTNERS}.value": (["maffian"], "samverkanspart"),
        f"{ids.SV_OP_KIND}.value": ("razzia", "Välj typ"),
        f"{ids.SV_OP_START}.value": ("25:00", "tt:mm"),
        f"{ids.SV_OP_DAY}.date": ("2020-01-01", "inom ett år"),
        f"{ids.SV_OP_NOTE}.value": ("Anna Svensson 19121212-1212 var där", "personnummer"),
    }
    for key, (value, message) in cases.items():
        text = text_of(save_operation(police, app, **{key: value}))
        assert message in text, key
    long_note = save_operation(police, app, **{f"{ids.SV_OP_NOTE}.value": "x" * 281})
    assert "Högst 280 tecken" in text_of(long_note)
    assert operation_ids(app) == []


def test_a_police_user_cannot_change_or_delete_another_users_insats(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    save_operation(client_as("polis"), app)
    (operation_id,) = operation_ids(app)
    add_user(app, OTHER_POLICE, "0380", [INSIDE, ALSO_INSIDE])
    other = client_of(app, OTHER_POLICE)
    assert click(other, app, ids.SV_OP_EDIT_TYPE, operation_id).status_code == 403
    assert click(other, app, ids.SV_OP_DELETE_TYPE, operation_id).status_code == 403
    forged = save_operation(other, app, **{f"{ids.SV_OP_EDITING}.data": operation_id})
    assert forged.status_code == 403
    assert operation_ids(app) == [operation_id]
    assert "Samling vid centrum" not in shown(other, app)  # another's insats is not listed


@pytest.mark.parametrize("hostile", HOSTILE_NAMES)
def test_hostile_notes_are_stored_and_shown_as_text(
    app: Flask, client_as: Callable[[str], FlaskClient], hostile: str
) -> None:
    police = client_as("polis")
    response = save_operation(police, app, **{f"{ids.SV_OP_NOTE}.value": hostile})
    assert "Insatsen är sparad" in text_of(response)
    body = show(client_as("samordnare"), app).get_json()
    texts = json.dumps(body, ensure_ascii=False)
    assert json.dumps(stored(hostile), ensure_ascii=False)[1:-1] in texts
    assert not {n["type"] for n in walk_components(body)} & MARKUP_COMPONENTS


# --- polisen.se import ---------------------------------------------------------------


def event(event_id: int, kommun: str, kind: str = "Skadegörelse", **changes: Any) -> dict[str, Any]:
    """A record in the polisen.se API format (new format: the county as location)."""
    return {
        "id": event_id,
        "datetime": f"{TEST_TODAY.isoformat()} 23:10:00 +01:00",
        "name": f"{TEST_TODAY.day} {MONTH_NAMES[TEST_TODAY.month - 1]} 21.40, {kind}, {kommun}",
        "summary": "Fritext som aldrig sparas.",
        "url": "/aktuellt/handelser/x",
        "type": kind,
        "location": {"name": "Uppsala län", "gps": "60.0,17.3"},
    } | changes


def events_file() -> bytes:
    return json.dumps(
        [
            event(9001, "Uppsala"),
            event(9002, "Uppsala", "Narkotikabrott"),
            event(9003, "Uppsala", "Bråk"),
            event(9004, "Sigtuna", location={"name": "Stockholms län", "gps": "59.6,17.8"}),
            event(9005, "Uppsala län", "Brand"),
            event(9006, "Uppsala", "Trafikolycka"),
        ]
    ).encode()


def import_file(client: FlaskClient, app: Flask, raw: bytes, name: str = "handelser.json") -> Any:
    answer = stored_answer(send_file(client, "polisen", raw, name))
    values = {f"{ids.SV_IMPORT_UPLOADED}.data": answer}
    return call_callback(client, app, f"{ids.SV_IMPORT_RESULT}.children", values)


def police_observations(app: Flask) -> list[tuple[str, str]]:
    with app_state(app).sessions() as session:
        return list(
            session.execute(
                select(Area.code, Observation.location_precision)
                .join(Area, Observation.area_id == Area.id)
                .where(Observation.external_key.like("polisen:900%"))
            ).all()
        )


def test_polisen_import_through_the_page_stores_only_the_own_kommun(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    police = client_as("polis")
    first = import_file(police, app, events_file())
    assert first.status_code == 200
    text = text_of(first)
    assert "Importerat: 3 nya händelser, 0 fanns redan, 3 hoppades över" in text
    assert "2 i andra kommuner eller hela länet" in text
    assert "Fritext" not in text
    assert sorted(police_observations(app)) == [("0380", "kommun")] * 3
    again = text_of(import_file(police, app, events_file()))
    assert "Importerat: 0 nya händelser, 3 fanns redan" in again
    with app_state(app).sessions() as session:
        assert (
            session.scalar(
                select(func.count()).where(
                    AuditEvent.action == "import.finished", AuditEvent.target == "polisen"
                )
            )
            == 2
        )


def test_polisen_import_for_another_kommuns_police_skips_every_uppsala_event(app: Flask) -> None:
    add_user(app, SIGTUNA_POLICE, "0191", ["0191-D01"])
    text = text_of(import_file(client_of(app, SIGTUNA_POLICE), app, events_file()))
    assert "Importerat: 1 nya händelser" in text
    assert police_observations(app) == [("0191", "kommun")]


def test_a_file_that_is_not_polisen_json_imports_nothing(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    police = client_as("polis")
    for raw in (b"{not json", b'{"id": 1}'):
        text = text_of(import_file(police, app, raw))
        assert "Ingenting importerades" in text
    wrong_type = send_file(police, "polisen", b"a;b\n", "handelser.csv")
    assert wrong_type.status_code == 400
    assert police_observations(app) == []


def test_other_roles_cannot_upload_polisen_files(
    client_as: Callable[[str], FlaskClient],
) -> None:
    for username in ("rapportor", "ledning", "admin"):
        response = send_file(client_as(username), "polisen", b"[]", "handelser.json")
        assert response.status_code == 403, username


@pytest.mark.parametrize("hostile", HOSTILE_NAMES)
def test_hostile_times_areas_and_kinds_are_refused_with_a_field_error(
    app: Flask, client_as: Callable[[str], FlaskClient], hostile: str
) -> None:
    police = client_as("polis")
    for key, value in (
        (f"{ids.SV_OP_START}.value", hostile),
        (f"{ids.SV_OP_AREAS}.value", [hostile]),
        (f"{ids.SV_OP_PARTNERS}.value", [hostile]),
        (f"{ids.SV_OP_KIND}.value", hostile),
    ):
        response = save_operation(police, app, **{key: value})
        assert response.status_code == 200, key
        assert stored(hostile) not in text_of(response), key  # never echoed
    assert operation_ids(app) == []


@pytest.mark.parametrize("hostile", HOSTILE_NAMES)
def test_hostile_polisen_files_import_nothing_and_show_only_text(
    app: Flask, client_as: Callable[[str], FlaskClient], hostile: str
) -> None:
    records = [
        event(9101, hostile),
        event(9102, "Uppsala", kind=hostile),
        event(9103, "Uppsala", location={"name": hostile}),
    ]
    response = import_file(client_as("polis"), app, json.dumps(records).encode())
    assert response.status_code == 200
    assert "Importerat: 0 nya händelser" in text_of(response)
    assert police_observations(app) == []
    kinds = {n["type"] for n in walk_components(response.get_json())}
    assert kinds <= {"Ul", "Li"}, kinds


def walk_components(node: Any) -> list[dict[str, Any]]:
    """Every Dash component in a callback answer."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if "type" in node and "props" in node:
            found.append(node)
        for value in node.values():
            found += walk_components(value)
    elif isinstance(node, list):
        for item in node:
            found += walk_components(item)
    return found
