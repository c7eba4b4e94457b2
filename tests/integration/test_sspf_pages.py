"""The SSPF web layer: the pages, their callbacks and the two PDFs (issue 18).

Everything goes through the test client: a coordinator records a consent (which opens
a case) on /sspf, the case page's forms write to it, a named party sees it, an unnamed
party, another coordinator, a forged reference and a role outside SSPF get nothing —
the same answer whether or not the case exists — and nothing they post is written.
The names are synthetic ("Testbarn …").
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from dashboard.state import app_state
from data.access.accounts import user_id_of
from data.access.users import create_user
from data.consent.vocabulary import NO_ACCESS
from data.storage.db import unit_of_work
from data.storage.models import AuditEvent
from tests.clock import TEST_TODAY
from tests.conftest import DEMO_PASSWORD
from tests.corpus import pii_corpus
from tests.helpers import call_by_input, call_callback, send_file
from tests.hostile_names import HOSTILE_NAMES, MARKUP_TAGS
from tests.pdf_checks import pdf_pages, receipt_counts

CHILD = "Testbarn Webbsida-KV31"
GUARDIAN = "Testvårdnadshavare Webb-GH12"
BACKGROUND = "Bakgrund-BG77 oro för skolfrånvaro"
PLAN_TEXT = "Åtagande-AT45 läxhjälp på fritidsgården"
OBSERVATION = "Observation-OB88 sågs sent vid centrum"
UNNAMED = "fritid_sspf"
OTHER_COORDINATOR = "samordnare_tva"
REF = re.compile(r"SSPF-[A-Z0-9]+")


def day(offset: int) -> str:
    """The test's today plus ``offset`` days, as the form writes it."""
    return (TEST_TODAY + timedelta(days=offset)).isoformat()


def consent_values(app: Flask, **changes: Any) -> dict[str, Any]:
    """The new-consent form filled in: the school party is the demo's ``rapportor``,
    the police party the demo's ``polis``."""
    with app.app_context(), unit_of_work(app_state(app).sessions) as session:
        school, police = user_id_of(session, "rapportor"), user_id_of(session, "polis")
    values: dict[str, Any] = {
        f"{ids.SF_NEW_CHILD}.value": CHILD,
        f"{ids.SF_NEW_BIRTH}.value": "2013-05-04",
        f"{ids.SF_NEW_BACKGROUND}.value": BACKGROUND,
        f"{ids.SF_NEW_GUARDIANS}.value": f"{GUARDIAN}\nTestvårdnadshavare Två",
        f"{ids.SF_NEW_SIGNED}.value": day(-1),
        f"{ids.SF_NEW_VALID}.value": day(180),
        f"{ids.sf_party_org(0)}.value": "skola",
        f"{ids.sf_party_user(0)}.value": school,
        f"{ids.sf_party_org(1)}.value": "polis",
        f"{ids.sf_party_user(1)}.value": police,
        f"{ids.SF_REFRESH}.data": 0,
        f"{ids.SF_NEW_SAVE}.n_clicks": 1,
    }
    values.update(changes)
    return values


def answer(response: Any) -> dict[str, Any]:
    """A callback's outputs ({component: {prop: value}}), after checking it answered."""
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    result: dict[str, Any] = response.get_json()["response"]
    return result


def text_of(response: Any) -> str:
    """A callback's answer as text (for searching)."""
    return json.dumps(answer(response), ensure_ascii=False)


def open_case(client: FlaskClient, app: Flask, **changes: Any) -> str:
    """Record a consent through the form; the new case's reference (the form is
    emptied after the save)."""
    response = call_callback(
        client, app, f"{ids.SF_NEW_RESULT}.children", consent_values(app, **changes)
    )
    found = text_of(response)
    match = REF.search(found)
    assert match, found
    assert answer(response)[ids.SF_NEW_CHILD]["value"] == ""
    assert answer(response)[ids.sf_party_user(0)]["value"] is None
    return match.group(0)


def case_content(client: FlaskClient, app: Flask, ref: str) -> dict[str, Any]:
    """The case page's content callback as ``client`` sees it."""
    values = {f"{ids.SC_REF}.data": ref, f"{ids.SC_REFRESH}.data": 0}
    return answer(call_callback(client, app, f"{ids.SC_CONTENT}.children", values))


def write(client: FlaskClient, app: Flask, button: str, ref: str, **fields: Any) -> Any:
    """Press ``button`` of the case page with ``fields`` ({component id: value})."""
    values: dict[str, Any] = {
        f"{button}.n_clicks": 1,
        f"{ids.SC_REF}.data": ref,
        f"{ids.SC_REFRESH}.data": 0,
    }
    for component, value in fields.items():
        prop = "value"
        values[f"{component}.{prop}"] = value
    return call_by_input(client, app, button, values)


def add_plan_item(client: FlaskClient, app: Flask, ref: str, party: str, text: str) -> Any:
    """Add an åtagandeplan item through the form."""
    return write(
        client,
        app,
        ids.SC_PLAN_SAVE,
        ref,
        **{
            ids.SC_PLAN_PARTY: party,
            ids.SC_PLAN_WHAT: text,
            ids.SC_PLAN_DUE: day(20),
            ids.SC_PLAN_FOLLOW: day(3),
        },
    )


@pytest.fixture
def people(app: Flask) -> None:
    """An unnamed fritid reporter and a second coordinator of the demo kommun."""
    with unit_of_work(app_state(app).sessions) as session:
        create_user(
            session,
            UNNAMED,
            DEMO_PASSWORD,
            role="reporter",
            kommun_code="0380",
            source_code="fritid",
        )
        create_user(
            session, OTHER_COORDINATOR, DEMO_PASSWORD, role="coordinator", kommun_code="0380"
        )


@pytest.fixture
def case_ref(app: Flask, client_as: Callable[[str], FlaskClient], people: None) -> str:
    """A case opened by the demo coordinator, with one plan item of the school."""
    coordinator = client_as("samordnare")
    ref = open_case(coordinator, app)
    assert "report-ok" in text_of(add_plan_item(coordinator, app, ref, "skola", PLAN_TEXT))
    return ref


def audit_actions(app: Flask, target: str) -> list[str]:
    """The audit actions about ``target``, oldest first."""
    with app.app_context(), unit_of_work(app_state(app).sessions) as session:
        rows = session.query(AuditEvent).filter(AuditEvent.target == target).all()
        return [row.action for row in rows]


def test_the_coordinator_opens_a_case_and_sees_it_in_the_list(
    app: Flask, client_as: Callable[[str], FlaskClient], case_ref: str
) -> None:
    coordinator = client_as("samordnare")
    listed = text_of(
        call_callback(coordinator, app, f"{ids.SF_CASES}.children", {f"{ids.SF_REFRESH}.data": 1})
    )
    assert case_ref in listed
    assert CHILD in listed
    content = json.dumps(case_content(coordinator, app, case_ref), ensure_ascii=False)
    for text in (CHILD, BACKGROUND, GUARDIAN, PLAN_TEXT):
        assert text in content
    assert "sspf.case_created" in audit_actions(app, case_ref)
    assert "sspf.case_read" in audit_actions(app, case_ref)


def test_a_named_party_sees_the_case_and_writes_for_its_own_organisation(
    app: Flask, client_as: Callable[[str], FlaskClient], case_ref: str
) -> None:
    school = client_as("rapportor")
    listed = text_of(
        call_callback(school, app, f"{ids.SF_CASES}.children", {f"{ids.SF_REFRESH}.data": 1})
    )
    assert case_ref in listed
    seen = case_content(school, app, case_ref)
    assert PLAN_TEXT in json.dumps(seen, ensure_ascii=False)
    assert seen[ids.SC_PARTY_FORMS]["hidden"] is False
    assert seen[ids.SC_COORD_FORMS]["hidden"] is True
    assert [o["value"] for o in seen[ids.SC_OBS_PARTY]["options"]] == ["skola"]
    saved = write(
        school,
        app,
        ids.SC_OBS_SAVE,
        case_ref,
        **{ids.SC_OBS_PARTY: "skola", ids.SC_OBS_DATE: day(0), ids.SC_OBS_TEXT: OBSERVATION},
    )
    assert "report-ok" in text_of(saved)
    assert answer(saved)[ids.SC_OBS_TEXT]["value"] == ""  # the form is emptied after a save
    police_side = write(
        school,
        app,
        ids.SC_OBS_SAVE,
        case_ref,
        **{ids.SC_OBS_PARTY: "polis", ids.SC_OBS_DATE: day(0), ids.SC_OBS_TEXT: "annan part"},
    )
    assert "report-error" in text_of(police_side)
    assert ids.SC_OBS_TEXT not in answer(police_side)  # kept for correcting
    content = json.dumps(case_content(client_as("samordnare"), app, case_ref), ensure_ascii=False)
    assert OBSERVATION in content
    assert "annan part" not in content


@pytest.mark.parametrize("username", [UNNAMED, OTHER_COORDINATOR])
def test_an_unnamed_user_gets_the_same_answer_as_for_an_unknown_case_and_writes_nothing(
    app: Flask, client_as: Callable[[str], FlaskClient], case_ref: str, username: str
) -> None:
    outsider = client_as(username)
    listed = text_of(
        call_callback(outsider, app, f"{ids.SF_CASES}.children", {f"{ids.SF_REFRESH}.data": 1})
    )
    assert case_ref not in listed
    assert CHILD not in listed
    real = case_content(outsider, app, case_ref)
    unknown = case_content(outsider, app, "SSPF-FINNS")
    assert NO_ACCESS in json.dumps(real, ensure_ascii=False)
    assert json.dumps(real).replace(case_ref, "X") == json.dumps(unknown).replace("SSPF-FINNS", "X")
    assert real[ids.SC_PARTY_FORMS]["hidden"] is True
    writes = [
        (
            ids.SC_OBS_SAVE,
            {ids.SC_OBS_PARTY: "fritid", ids.SC_OBS_DATE: day(0), ids.SC_OBS_TEXT: "X-LEAK-1"},
        ),
        (ids.SC_PLAN_SAVE, {ids.SC_PLAN_PARTY: "skola", ids.SC_PLAN_WHAT: "X-LEAK-2"}),
    ]
    for button, fields in writes:
        assert NO_ACCESS in text_of(write(outsider, app, button, case_ref, **fields))
    content = json.dumps(case_content(client_as("samordnare"), app, case_ref), ensure_ascii=False)
    assert "X-LEAK" not in content
    assert outsider.get(f"/sspf/{case_ref}/atagandeplan.pdf").status_code == 404


@pytest.mark.parametrize("username", ["ledning", "admin"])
def test_a_role_outside_sspf_is_refused_by_every_callback_and_route(
    app: Flask, client_as: Callable[[str], FlaskClient], case_ref: str, username: str
) -> None:
    outsider = client_as(username)
    for button in (ids.SC_OBS_SAVE, ids.SC_PLAN_SAVE, ids.SC_MEET_SAVE, ids.SC_EXTEND_SAVE):
        assert write(outsider, app, button, case_ref).status_code == 403
    refused = call_callback(outsider, app, f"{ids.SF_NEW_RESULT}.children", consent_values(app))
    assert refused.status_code == 403
    assert outsider.get(f"/sspf/{case_ref}/atagandeplan.pdf").status_code == 403
    assert outsider.get(f"/sspf/{case_ref}/kvitto.pdf").status_code == 403


def test_a_party_cannot_do_what_only_the_coordinator_may(
    app: Flask, client_as: Callable[[str], FlaskClient], case_ref: str
) -> None:
    school = client_as("rapportor")
    assert write(school, app, ids.SC_MEET_SAVE, case_ref).status_code == 403
    end = call_by_input(
        school,
        app,
        ids.SC_END_CONFIRM,
        {
            f"{ids.SC_END_CONFIRM}.submit_n_clicks": 1,
            f"{ids.SC_END_REASON}.value": "withdrawn",
            f"{ids.SC_REF}.data": case_ref,
        },
    )
    assert end.status_code == 403
    assert CHILD in json.dumps(
        case_content(client_as("samordnare"), app, case_ref), ensure_ascii=False
    )


def test_every_form_sent_empty_is_refused_and_writes_nothing(
    app: Flask, client_as: Callable[[str], FlaskClient], case_ref: str
) -> None:
    coordinator = client_as("samordnare")
    empty = {f"{ids.SF_NEW_SAVE}.n_clicks": 1, f"{ids.SF_REFRESH}.data": 0}
    refused = call_callback(coordinator, app, f"{ids.SF_NEW_RESULT}.children", empty)
    assert "report-error" in text_of(refused)
    assert ids.SF_NEW_CHILD not in answer(refused)  # nothing cleared: kept for correcting
    network = call_callback(
        coordinator, app, f"{ids.SF_NM_RESULT}.children", {f"{ids.SF_NM_SAVE}.n_clicks": 1}
    )
    assert "report-error" in text_of(network)
    before = json.dumps(case_content(coordinator, app, case_ref), ensure_ascii=False)
    for button in (
        ids.SC_OBS_SAVE,
        ids.SC_PLAN_SAVE,
        ids.SC_ITEM_SAVE,
        ids.SC_MEET_SAVE,
        ids.SC_SIGNALS_SAVE,
        ids.SC_EXTEND_SAVE,
    ):
        found = text_of(write(coordinator, app, button, case_ref))
        assert "report-error" in found, button
    asked = call_by_input(
        coordinator, app, ids.SC_END, {f"{ids.SC_END}.n_clicks": 1, f"{ids.SC_REF}.data": case_ref}
    )
    assert answer(asked)[ids.SC_END_CONFIRM]["displayed"] is False
    assert json.dumps(case_content(coordinator, app, case_ref), ensure_ascii=False) == before


def test_hostile_strings_in_every_text_field_are_shown_as_text_or_refused(
    app: Flask, client_as: Callable[[str], FlaskClient], people: None
) -> None:
    coordinator = client_as("samordnare")
    stored = 0
    for number, hostile in enumerate(HOSTILE_NAMES):
        values = consent_values(
            app,
            **{
                f"{ids.SF_NEW_CHILD}.value": hostile,
                f"{ids.SF_NEW_BACKGROUND}.value": hostile,
                f"{ids.SF_NEW_GUARDIANS}.value": hostile,
                f"{ids.sf_party_org(2)}.value": "annan",
                f"{ids.sf_party_label(2)}.value": hostile,
            },
        )
        response = call_callback(coordinator, app, f"{ids.SF_NEW_RESULT}.children", values)
        found = text_of(response)
        match = REF.search(found)
        if match is None:
            assert "report-error" in found, (number, hostile)
            continue
        ref = match.group(0)
        stored += 1
        fields = {
            ids.SC_OBS_PARTY: "skola",
            ids.SC_OBS_DATE: day(0),
            ids.SC_OBS_TEXT: hostile,
        }
        assert write(coordinator, app, ids.SC_OBS_SAVE, ref, **fields).status_code == 200
        assert add_plan_item(coordinator, app, ref, "skola", hostile).status_code == 200
        meeting = {ids.SC_MEET_KIND: "intag", ids.SC_MEET_DATE: day(0), ids.SC_MEET_NOTES: hostile}
        assert write(coordinator, app, ids.SC_MEET_SAVE, ref, **meeting).status_code == 200
        case_content(coordinator, app, ref)
        pdf = coordinator.get(f"/sspf/{ref}/atagandeplan.pdf")
        assert pdf.status_code == 200
        text = " ".join(pdf_pages(pdf.data))
        assert "Åtagandeplan" in text
        assert not any(tag in text for tag in MARKUP_TAGS if tag not in hostile)
        if hostile.startswith("<"):
            assert hostile.split(">")[0] in text  # the markup is printed as text
    assert stored >= len(HOSTILE_NAMES) // 2  # most are kept as text, not refused


def test_the_plan_pdf_opens_and_holds_the_plan_in_swedish(
    app: Flask, client_as: Callable[[str], FlaskClient], case_ref: str
) -> None:
    for username in ("samordnare", "rapportor"):
        response = client_as(username).get(f"/sspf/{case_ref}/atagandeplan.pdf")
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert response.headers["Cache-Control"] == "no-store"
        text = " ".join(pdf_pages(response.data))
        for expected in ("Åtagandeplan", CHILD, PLAN_TEXT, "Skola", "Planerad", "Underskrift"):
            assert expected in text, expected
    assert audit_actions(app, case_ref).count("sspf.plan_exported") == 2
    unknown = client_as("samordnare").get("/sspf/SSPF-FINNS/atagandeplan.pdf")
    forbidden = client_as("polis").get("/sspf/SSPF-FINNS/atagandeplan.pdf")
    assert unknown.status_code == forbidden.status_code == 404
    assert unknown.data == forbidden.data


def test_tearing_up_removes_the_content_and_the_receipt_lists_what_was_removed(
    app: Flask, client_as: Callable[[str], FlaskClient], case_ref: str
) -> None:
    coordinator, school = client_as("samordnare"), client_as("rapportor")
    assert coordinator.get(f"/sspf/{case_ref}/kvitto.pdf").status_code == 404  # not torn up
    for text in (OBSERVATION, "Observation två"):
        fields = {ids.SC_OBS_PARTY: "skola", ids.SC_OBS_DATE: day(0), ids.SC_OBS_TEXT: text}
        assert "report-ok" in text_of(write(school, app, ids.SC_OBS_SAVE, case_ref, **fields))
    asked = call_by_input(
        coordinator,
        app,
        ids.SC_END,
        {f"{ids.SC_END}.n_clicks": 1, f"{ids.SC_END_REASON}.value": "withdrawn"},
    )
    assert answer(asked)[ids.SC_END_CONFIRM]["displayed"] is True
    ended = call_by_input(
        coordinator,
        app,
        ids.SC_END_CONFIRM,
        {
            f"{ids.SC_END_CONFIRM}.submit_n_clicks": 1,
            f"{ids.SC_END_REASON}.value": "withdrawn",
            f"{ids.SC_REF}.data": case_ref,
            f"{ids.SC_REFRESH}.data": 3,
        },
    )
    assert "report-ok" in text_of(ended)
    tombstone = json.dumps(case_content(coordinator, app, case_ref), ensure_ascii=False)
    assert "Samtycket är rivet" in tombstone
    assert f"/sspf/{case_ref}/kvitto.pdf" in tombstone
    for text in (CHILD, BACKGROUND, GUARDIAN, PLAN_TEXT):
        assert text not in tombstone
    gone = json.dumps(case_content(school, app, case_ref), ensure_ascii=False)
    assert NO_ACCESS in gone
    assert PLAN_TEXT not in gone
    assert school.get(f"/sspf/{case_ref}/atagandeplan.pdf").status_code == 404
    assert school.get(f"/sspf/{case_ref}/kvitto.pdf").status_code == 404
    receipt = coordinator.get(f"/sspf/{case_ref}/kvitto.pdf")
    assert receipt.status_code == 200
    text = " ".join(pdf_pages(receipt.data))
    for expected in (
        case_ref,
        "Kvitto",
        "Samtycket återkallades",
        "Barnets identitet",
        "Åtagandeplanens punkter",
        "kan inte längre dela information om barnet",
        "Gallringsbeslut",
    ):
        assert expected in text, expected
    # What was in the case: the child, two guardians, the school and the police, two
    # observations, one plan item; no signals, meetings or scanned form.
    assert receipt_counts(text) == {
        "identitet": 1,
        "vardnadshavare": 2,
        "parter": 2,
        "signaler": 0,
        "observationer": 2,
        "moten": 0,
        "atagandeplan": 1,
        "blankett": 0,
    }
    for personal in (CHILD, GUARDIAN, BACKGROUND, PLAN_TEXT, OBSERVATION, "2013"):
        assert personal not in text
    assert "sspf.receipt_exported" in audit_actions(app, case_ref)


def test_the_scanned_form_upload_is_for_coordinators_and_its_types_only(
    client_as: Callable[[str], FlaskClient],
) -> None:
    coordinator = client_as("samordnare")
    assert send_file(coordinator, "sspf_form", b"%PDF-1.4 test", "blankett.pdf").status_code == 201
    assert send_file(coordinator, "sspf_form", b"MZ", "blankett.exe").status_code == 400
    reporter = client_as("rapportor")
    assert send_file(reporter, "sspf_form", b"%PDF-1.4 test", "blankett.pdf").status_code == 403


def test_a_consent_with_a_scanned_form_opens_a_case(
    app: Flask, client_as: Callable[[str], FlaskClient], people: None
) -> None:
    coordinator = client_as("samordnare")
    sent = send_file(coordinator, "sspf_form", b"%PDF-1.4 blankett", "blankett.pdf").get_json()
    ref = open_case(coordinator, app, **{f"{ids.SF_NEW_UPLOADED}.data": sent})
    assert ref.startswith("SSPF-")
    stored = list((Path(app.instance_path) / "sspf-files").iterdir())
    assert len(stored) == 1
    assert b"blankett" not in stored[0].read_bytes()  # only the encrypted copy is kept
    assert not (Path(app.instance_path) / "uploads" / sent["token"]).exists()


def test_the_overview_reminds_the_coordinator_by_reference_only(
    client_as: Callable[[str], FlaskClient], case_ref: str
) -> None:
    from tests.integration.test_authz_matrix import page_content

    coordinator = client_as("samordnare")
    overview = json.dumps(page_content(coordinator, "/"), ensure_ascii=False)
    assert ids.OV_SSPF_REMINDERS in overview
    assert case_ref in overview
    assert CHILD not in overview
    assert PLAN_TEXT not in overview
    reporter_view = json.dumps(page_content(client_as("rapportor"), "/"), ensure_ascii=False)
    assert ids.OV_SSPF_REMINDERS not in reporter_view


@pytest.mark.parametrize("username", ["samordnare", "ledning"])
def test_lagesbild_shows_the_number_of_active_cases(
    client_as: Callable[[str], FlaskClient], case_ref: str, username: str
) -> None:
    from tests.integration.test_authz_matrix import page_content

    page = json.dumps(page_content(client_as(username), "/lagesbild"), ensure_ascii=False)
    assert ids.LB_SSPF_CASES in page
    assert "Aktiva SSPF-ärenden" in page
    assert CHILD not in page
    assert case_ref not in page


def test_the_navigation_links_sspf_for_its_roles(
    client_as: Callable[[str], FlaskClient],
) -> None:
    roles = (("samordnare", True), ("rapportor", True), ("polis", True), ("ledning", False))
    for username, shown in roles:
        client = client_as(username)
        layout = json.dumps(client.get("/_dash-layout").get_json(), ensure_ascii=False)
        assert ('"href": "/sspf"' in layout) is shown, username


def test_names_and_identity_numbers_are_allowed_in_a_case_and_shown_as_written(
    app: Flask, client_as: Callable[[str], FlaskClient], case_ref: str
) -> None:
    """The case layer is where personal data may be (with consent): the PII guard of the
    group layer does not refuse a personnummer or a phone number here."""
    coordinator = client_as("samordnare")
    texts = [text for text, kind in pii_corpus()[:40:4] if kind is not None]
    assert texts
    for text in texts:
        fields = {ids.SC_OBS_PARTY: "skola", ids.SC_OBS_DATE: day(0), ids.SC_OBS_TEXT: text}
        assert "report-ok" in text_of(write(coordinator, app, ids.SC_OBS_SAVE, case_ref, **fields))
    content = json.dumps(case_content(coordinator, app, case_ref), ensure_ascii=False)
    for text in texts:
        assert json.dumps(" ".join(text.split()).strip(), ensure_ascii=False)[1:-1] in content


FORM_BYTES = b"%PDF-1.4 blankett Testbarn Klartext-FK19"


def linked_copy(app: Flask, token: str) -> Path:
    """A second name of the waiting upload's file (a hard link beside the uploads
    folder): after the upload is destroyed it shows whether the bytes on disk were
    overwritten (zeros) or the name was only unlinked (plaintext still there)."""
    copy = Path(app.instance_path) / f"link-{token}"
    os.link(Path(app.instance_path) / "uploads" / token, copy)
    assert copy.read_bytes() == FORM_BYTES  # positive control: the plaintext is there
    return copy


@pytest.mark.parametrize(
    "change",
    [
        {f"{ids.SF_NEW_BIRTH}.value": "2013-13-40"},  # refused before the case layer
        {f"{ids.sf_party_org(0)}.value": None, f"{ids.sf_party_org(1)}.value": None},  # by it
    ],
    ids=["bad-date", "refused-by-the-case-layer"],
)
def test_a_refused_consent_destroys_the_uploaded_form_and_asks_for_it_again(
    app: Flask, client_as: Callable[[str], FlaskClient], people: None, change: dict[str, Any]
) -> None:
    coordinator = client_as("samordnare")
    sent = send_file(coordinator, "sspf_form", FORM_BYTES, "blankett.pdf").get_json()
    copy = linked_copy(app, sent["token"])
    values = consent_values(app, **{f"{ids.SF_NEW_UPLOADED}.data": sent, **change})
    response = call_callback(coordinator, app, f"{ids.SF_NEW_RESULT}.children", values)
    found = text_of(response)
    assert "report-error" in found and not REF.search(found)
    assert "bifoga blanketten igen" in found
    assert answer(response)[ids.SF_NEW_UPLOADED]["data"] is None  # no file claimed attached
    assert answer(response)[ids.SF_NEW_PROGRESS]["value"] == "0"
    assert ids.SF_NEW_CHILD not in answer(response)  # the rest is kept for correcting
    assert not (Path(app.instance_path) / "uploads" / sent["token"]).exists()
    assert copy.read_bytes() == bytes(len(FORM_BYTES))  # overwritten, not only unlinked


def test_a_second_chosen_form_destroys_the_first(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    coordinator = client_as("samordnare")
    first = send_file(coordinator, "sspf_form", FORM_BYTES, "blankett.pdf").get_json()
    copy = linked_copy(app, first["token"])
    second = send_file(coordinator, "sspf_form", b"%PDF-1.4 andra", "andra.png").get_json()
    assert (Path(app.instance_path) / "uploads" / second["token"]).exists()
    assert not (Path(app.instance_path) / "uploads" / first["token"]).exists()
    assert copy.read_bytes() == bytes(len(FORM_BYTES))


KEY_MESSAGE = "Ärendeskiktets nyckel öppnar inte uppgifterna — kontakta systemansvarig."


def test_a_wrong_case_key_says_so_on_the_pages_and_the_printouts(
    app: Flask,
    client_as: Callable[[str], FlaskClient],
    case_ref: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A well-formed key that is not the one the data was written with: the pages and
    the PDFs say so in Swedish (503 for the PDFs), the log names the error class only."""
    from cryptography.fernet import Fernet

    from data.consent.crypto import CaseCipher

    coordinator = client_as("samordnare")
    network = {
        f"{ids.SF_NM_SAVE}.n_clicks": 1,
        f"{ids.SF_NM_DECLINED}.value": day(-2),
        f"{ids.SF_NM_NOTE}.value": "Nätverksmöte-NM12",
        f"{ids.SF_NM_ORGS}.value": ["skola"],
        f"{ids.SF_REFRESH}.data": 0,
    }
    assert "report-ok" in text_of(
        call_callback(coordinator, app, f"{ids.SF_NM_RESULT}.children", network)
    )
    monkeypatch.setattr(app_state(app), "cipher", CaseCipher((Fernet.generate_key(),)))
    caplog.set_level("ERROR")
    listed = text_of(
        call_callback(coordinator, app, f"{ids.SF_CASES}.children", {f"{ids.SF_REFRESH}.data": 1})
    )
    assert KEY_MESSAGE in listed
    meetings = call_callback(
        coordinator, app, f"{ids.SF_NM_LIST}.children", {f"{ids.SF_REFRESH}.data": 1}
    )
    assert KEY_MESSAGE in text_of(meetings)
    assert KEY_MESSAGE in json.dumps(case_content(coordinator, app, case_ref), ensure_ascii=False)
    plan = coordinator.get(f"/sspf/{case_ref}/atagandeplan.pdf")
    assert plan.status_code == 503
    assert plan.get_data(as_text=True) == KEY_MESSAGE
    written = write(
        coordinator,
        app,
        ids.SC_OBS_SAVE,
        case_ref,
        **{ids.SC_OBS_PARTY: "skola", ids.SC_OBS_DATE: day(0), ids.SC_OBS_TEXT: "Fel-nyckel-OBS"},
    )
    assert "report-ok" not in text_of(written), "a wrong key must not write what it can't read"
    monkeypatch.undo()
    assert "Fel-nyckel-OBS" not in json.dumps(
        case_content(coordinator, app, case_ref), ensure_ascii=False
    )
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "CaseKeyError" in logged
    for text in (CHILD, BACKGROUND, GUARDIAN, PLAN_TEXT, "Nätverksmöte-NM12"):
        assert text not in logged
