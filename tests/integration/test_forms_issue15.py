"""Issue 15, forms: the report and walk forms' defects, each with a named test, and
Mina rapporter (each user sees only their own reports, newest first, paged)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from dashboard import ids
from dashboard.state import app_state
from data.access.users import create_user
from data.areas.listing import kommun_options, member_options, natural_key, reportable_areas
from data.ingest.observation_store import AlreadySaved, form_key, store_observation
from data.storage.db import unit_of_work
from data.storage.models import Observation, User, WalkReport
from tests.clock import TEST_TODAY
from tests.conftest import DEMO_PASSWORD
from tests.helpers import call_callback, login
from tests.integration.test_report_form import form
from tests.integration.test_walk_form import walk_form

REPORT = "rp-result.children"
WALK = "wk-result.children"


def post(client: FlaskClient, app: Flask, output: str, values: dict[str, Any]) -> dict[str, Any]:
    trigger = ids.REPORT_SUBMIT if output == REPORT else ids.WALK_SUBMIT
    response = call_callback(client, app, output, values, [f"{trigger}.n_clicks"])
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    out: dict[str, Any] = response.get_json()["response"]
    return out


def text(out: dict[str, Any]) -> str:
    return json.dumps(out, ensure_ascii=False)


def page(client: FlaskClient, app: Flask, path: str, search: str = "") -> str:
    values = {"_pages_location.pathname": path, "_pages_location.search": search}
    response = call_callback(client, app, "_pages_content.children", values)
    assert response.status_code == 200
    return json.dumps(response.get_json(), ensure_ascii=False)


def count(app: Flask, model: Any, *where: Any) -> int:
    with app_state(app).sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


# --- Defect: an empty report got the file import's messages ---------------------------


def test_an_empty_report_gets_the_forms_messages_not_the_file_imports(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    empty = form(
        **{
            f"{ids.REPORT_DATE}.date": None,
            f"{ids.REPORT_AREA}.value": None,
            f"{ids.REPORT_CATEGORY}.value": None,
            f"{ids.REPORT_COUNT}.value": None,
            f"{ids.REPORT_GROUP}.value": None,
            f"{ids.REPORT_AGE}.value": None,
            f"{ids.REPORT_NOTE}.value": "",
        }
    )
    out = post(client_as("samordnare"), app, REPORT, empty)
    errors = {f: out[ids.report_error(f)]["children"] for f in ids.REPORT_FIELDS}
    assert errors["kategori"] == "Välj en kategori."
    assert errors["omrade"] == "Välj ett område."
    assert errors["datum"] == "Välj ett datum."
    assert errors["antal"].startswith("Skriv antalet händelser")
    assert "mallen" not in text(out) and "saknas" not in text(out)


# --- Defect: fields with errors were not highlighted --------------------------------


def test_refused_fields_are_marked_and_listed_in_a_summary_at_the_top(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    out = post(client_as("samordnare"), app, REPORT, form(**{f"{ids.REPORT_CATEGORY}.value": None}))
    assert out[ids.report_field("kategori")]["className"] == "form-field field-invalid"
    assert out[ids.report_field("omrade")]["className"] == "form-field"
    summary = text(out[ids.REPORT_RESULT]["children"])
    assert "rätta fältet nedan" in summary and "Kategori: Välj en kategori." in summary
    # the summary sits at the top of the form, before the first field
    body = page(client_as("samordnare"), app, "/rapportera")
    assert body.index(ids.REPORT_RESULT) < body.index(ids.report_field("datum"))


# --- Defect: not cleared after saving; a second click saved an identical report ------


def test_the_same_nonce_twice_saves_one_report_and_says_redan_sparad(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    note = f"Dubbelklick {uuid.uuid4().hex[:8]}"
    values = form(**{f"{ids.REPORT_NOTE}.value": note})
    client = client_as("samordnare")
    first = post(client, app, REPORT, values)
    second = post(client, app, REPORT, values)
    assert "Rapporten är sparad" in text(first[ids.REPORT_RESULT])
    assert "Redan sparad" in text(second[ids.REPORT_RESULT])
    assert count(app, Observation, Observation.note == note) == 1
    # a new form (new nonce) with the same content is a new report
    post(client, app, REPORT, {**values, f"{ids.REPORT_NONCE}.data": uuid.uuid4().hex})
    assert count(app, Observation, Observation.note == note) == 2


def test_a_saved_report_clears_the_form_and_renews_the_nonce(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    values = form()
    out = post(client_as("samordnare"), app, REPORT, values)
    assert out[ids.REPORT_NONCE]["data"] != values[f"{ids.REPORT_NONCE}.data"]
    assert out[ids.REPORT_CATEGORY]["value"] is None
    assert out[ids.REPORT_AREA]["value"] is None
    assert out[ids.REPORT_NOTE]["value"] == ""
    assert out[ids.REPORT_COUNT]["value"] == 1
    assert out[ids.REPORT_DATE]["date"] == TEST_TODAY.isoformat()


def test_a_refused_report_keeps_what_was_typed_and_its_nonce(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    out = post(client_as("samordnare"), app, REPORT, form(**{f"{ids.REPORT_CATEGORY}.value": None}))
    assert ids.REPORT_NOTE not in out and ids.REPORT_NONCE not in out


def test_a_report_without_a_forms_nonce_is_not_saved(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    note = "Utan nyckel"
    values = form(**{f"{ids.REPORT_NOTE}.value": note, f"{ids.REPORT_NONCE}.data": "x' OR 1=1"})
    out = post(client_as("samordnare"), app, REPORT, values)
    assert "för gammalt" in text(out[ids.REPORT_RESULT])
    assert count(app, Observation, Observation.note == note) == 0


def test_the_same_nonce_twice_saves_one_walk(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    note = f"Dubbel vandring {uuid.uuid4().hex[:8]}"
    values = walk_form(**{f"{ids.WALK_NOTE}.value": note})
    client = client_as("rapportor")
    first = post(client, app, WALK, values)
    second = post(client, app, WALK, values)
    assert "Nattvandringen är rapporterad" in text(first[ids.WALK_RESULT])
    assert "Redan sparad" in text(second[ids.WALK_RESULT])
    assert count(app, WalkReport, WalkReport.note == note) == 1
    assert (
        first[ids.WALK_AREAS]["value"] == []
        and first[ids.walk_seen(1, "category")]["value"] is None
    )


def test_data_layer_refuses_a_second_observation_with_the_same_form_key(app: Flask) -> None:
    key = form_key(1, uuid.uuid4().hex)
    assert key is not None and form_key(1, "not-a-nonce") is None
    row: dict[str, object] = {
        "area_code": "0380-D05",
        "occurred_on": TEST_TODAY,
        "time_band": "evening",
        "category_code": "samling",
        "source_code": "skola",
        "count": 1,
        "group_size": None,
        "age_band": None,
        "note": None,
    }
    state = app_state(app)
    with unit_of_work(state.sessions) as session:
        store_observation(session, row, user_id=1, kommun_code="0380", key=key)
    try:
        with unit_of_work(state.sessions) as session:
            store_observation(session, row, user_id=1, kommun_code="0380", key=key)
    except AlreadySaved:
        pass
    else:
        raise AssertionError("a second save with the same key was stored")
    assert count(app, Observation, Observation.external_key == key) == 1


# --- Defect: area lists sorted 1, 10, 11, …, 2, 20 ----------------------------------


def test_area_lists_sort_naturally_demoomrade_2_before_10_and_swedish_letters_after_z(
    app: Flask,
) -> None:
    names = ["Demoområde 10", "Örby", "Demoområde 2", "Zeta", "Åby", "Ängby", "Demoområde 1"]
    assert sorted(names, key=natural_key) == [
        "Demoområde 1",
        "Demoområde 2",
        "Demoområde 10",
        "Zeta",
        "Åby",
        "Ängby",
        "Örby",
    ]
    with app_state(app).sessions() as session:
        listed = [name for _code, name in reportable_areas(session, "0380")]
        kommuner = [name for _code, name in kommun_options(session)]
        members = [label for _code, label in member_options(session, "0380")]
    assert listed == sorted(listed, key=natural_key) and len(listed) > 10
    assert listed.index("Demoområde 2") < listed.index("Demoområde 10")
    assert kommuner == sorted(kommuner, key=natural_key)
    regso = [m for m in members if "(RegSO" in m]
    assert members[: len(regso)] == regso  # RegSO first, then DeSO, each in natural order
    demo = [n for n in listed if n.startswith("Demoområde ")]
    assert [int(n.split()[1]) for n in demo] == sorted(int(n.split()[1]) for n in demo)


def test_the_report_forms_area_dropdown_is_in_natural_order(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    body = page(client_as("samordnare"), app, "/rapportera")
    assert body.index("Demoområde 2 (") < body.index("Demoområde 10 (")


# --- Defect: a coordinator could choose the source "Polisen.se-import" ----------------


def test_polisen_se_import_is_not_offered_on_the_form_and_refused_when_posted(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    body = page(client, app, "/rapportera")
    assert "Polisen.se-import" not in body and "Skola" in body
    note = "Försök med importkälla"
    values = form(**{f"{ids.REPORT_SOURCE}.value": "polisen_se", f"{ids.REPORT_NOTE}.value": note})
    out = post(client, app, REPORT, values)
    assert out[ids.report_error("kalla")]["children"] == "Välj en källa."
    assert count(app, Observation, Observation.note == note) == 0


def test_the_data_layer_refuses_an_import_only_source_from_a_form(app: Flask) -> None:
    row: dict[str, object] = {
        "area_code": "0380-D05",
        "occurred_on": TEST_TODAY,
        "time_band": None,
        "category_code": "samling",
        "source_code": "polisen_se",
        "count": 1,
        "group_size": None,
        "age_band": None,
        "note": None,
    }
    try:
        with unit_of_work(app_state(app).sessions) as session:
            store_observation(session, row, user_id=1, kommun_code="0380")
    except PermissionError as error:
        assert "import" in str(error)
    else:
        raise AssertionError("an import-only source was stored from a form")


# --- Defect: nobody could see a list of their own reports or walks --------------------


def _new_reporter(app: Flask, username: str) -> FlaskClient:
    with unit_of_work(app_state(app).sessions) as session:
        if session.scalar(select(User).where(User.username == username)) is None:
            create_user(
                session,
                username,
                DEMO_PASSWORD,
                role="reporter",
                kommun_code="0380",
                source_code="fritid",
            )
    client = app.test_client()
    assert login(client, username, DEMO_PASSWORD).status_code == 302
    return client


def test_my_reports_lists_only_the_users_own_reports_and_walks_newest_first(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    mine = _new_reporter(app, "egna_rapporter")
    other = client_as("rapportor")
    post(other, app, REPORT, form(**{f"{ids.REPORT_NOTE}.value": "Någon annans rapport"}))
    post(mine, app, REPORT, form(**{f"{ids.REPORT_NOTE}.value": "Min första rapport"}))
    post(mine, app, WALK, walk_form(**{f"{ids.WALK_NOTE}.value": "Min vandring"}))
    body = page(mine, app, "/mina-rapporter")
    assert "Min första rapport" in body and "Min vandring" in body
    assert "Någon annans rapport" not in body
    assert body.index("Min vandring") < body.index("Min första rapport")  # newest first
    assert "Nattvandring" in body and ids.MY_REPORTS_OLDER not in body


def test_my_reports_pages_by_twenty_without_publishing_a_total(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = _new_reporter(app, "manga_rapporter")
    for i in range(21):
        post(client, app, REPORT, form(**{f"{ids.REPORT_NOTE}.value": f"Rapport nr {i:02d}"}))
    first = page(client, app, "/mina-rapporter")
    assert "Rapport nr 20" in first and "Rapport nr 00" not in first
    assert ids.MY_REPORTS_OLDER in first and "21" not in first.replace("nr 2", "")
    second = page(client, app, "/mina-rapporter", "?sida=2")
    assert "Rapport nr 00" in second and ids.MY_REPORTS_NEWER in second


def test_my_reports_empty_state_says_what_to_do(app: Flask) -> None:
    client = _new_reporter(app, "inga_rapporter")
    body = page(client, app, "/mina-rapporter")
    assert "inte skickat några rapporter" in body
    assert "/rapportera" in body and "/nattvandring" in body


def test_my_reports_is_in_the_nav_of_reporting_roles_only(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    for username, shown in (("rapportor", True), ("samordnare", True), ("ledning", False)):
        layout = json.dumps(client_as(username).get("/_dash-layout").get_json())
        assert ('"href": "/mina-rapporter"' in layout) is shown, username
    body = page(client_as("ledning"), app, "/mina-rapporter")
    assert "Ingen behörighet" in body
