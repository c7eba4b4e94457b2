"""Driving the SSPF pages the way a browser does, for the tear-up tests (issue 18): log
in through the form, upload the scanned form to ``/upload/sspf_form``, record the
consent and every kind of content through the pages' callbacks, read the case and its
åtagandeplan PDF, tear the consent up through the confirmation step."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from dashboard.state import app_state
from data.access.accounts import user_id_of
from data.storage.db import unit_of_work
from tests.clock import TEST_TODAY
from tests.conftest import DEMO_PASSWORD
from tests.helpers import call_by_input, call_callback, login, send_file, stored_answer
from tests.sspf_markers import Markers

REF = re.compile(r"SSPF-[A-Z0-9]{4,12}")
COORDINATOR, SCHOOL, POLICE = "samordnare", "rapportor", "polis"


def day(offset: int) -> str:
    """The test's today plus ``offset`` days, as a form writes it."""
    return (TEST_TODAY + timedelta(days=offset)).isoformat()


def logged_in(app: Flask, username: str) -> FlaskClient:
    """A client logged in as the demo account ``username`` through the login form."""
    client = app.test_client()
    response = login(client, username, DEMO_PASSWORD)
    assert response.status_code == 302, f"login as {username} failed"
    return client


def answer(response: Any) -> dict[str, Any]:
    """A callback's outputs, after checking it answered 200."""
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    result: dict[str, Any] = response.get_json()["response"]
    return result


def text_of(response: Any) -> str:
    """A callback's answer as text."""
    return json.dumps(answer(response), ensure_ascii=False)


def upload_form(client: FlaskClient, m: Markers) -> dict[str, Any]:
    """Send the scanned form to ``/upload/sspf_form``; what the page's store holds."""
    response = send_file(client, "sspf_form", m.form_bytes(), "samtycke.pdf")
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    return stored_answer(response)


def new_consent(
    client: FlaskClient, app: Flask, m: Markers, *, valid_days: int, uploaded: Any
) -> str:
    """Record the consent on /sspf (every personal field holding a marker); the ref."""
    with app.app_context(), unit_of_work(app_state(app).sessions) as session:
        school, police = user_id_of(session, SCHOOL), user_id_of(session, POLICE)
    values: dict[str, Any] = {
        f"{ids.SF_NEW_CHILD}.value": m.text("barnets namn"),
        f"{ids.SF_NEW_BIRTH}.value": m.birth_date.isoformat(),
        f"{ids.SF_NEW_BACKGROUND}.value": m.text("bakgrund"),
        f"{ids.SF_NEW_GUARDIANS}.value": f"{m.text('vårdnadshavare 1')}\n"
        f"{m.text('vårdnadshavare 2')}",
        f"{ids.SF_NEW_SIGNED}.value": day(-1),
        f"{ids.SF_NEW_VALID}.value": day(valid_days),
        f"{ids.sf_party_org(0)}.value": "skola",
        f"{ids.sf_party_user(0)}.value": school,
        f"{ids.sf_party_org(1)}.value": "polis",
        f"{ids.sf_party_user(1)}.value": police,
        f"{ids.sf_party_org(2)}.value": "annan",
        f"{ids.sf_party_label(2)}.value": m.text("part (annan)"),
        f"{ids.SF_NEW_UPLOADED}.data": uploaded,
        f"{ids.SF_REFRESH}.data": 0,
        f"{ids.SF_NEW_SAVE}.n_clicks": 1,
    }
    found = text_of(call_callback(client, app, f"{ids.SF_NEW_RESULT}.children", values))
    match = REF.search(found)
    assert match, found
    return match.group(0)


def press(client: FlaskClient, app: Flask, button: str, ref: str, **fields: Any) -> str:
    """Press ``button`` of the case page with ``fields`` ({component id: value}); the
    answer as text."""
    values: dict[str, Any] = {
        f"{button}.n_clicks": 1,
        f"{ids.SC_REF}.data": ref,
        f"{ids.SC_REFRESH}.data": 0,
    }
    values.update({f"{component}.value": value for component, value in fields.items()})
    return text_of(call_by_input(client, app, button, values))


def fill_case(
    coordinator: FlaskClient, party: FlaskClient, app: Flask, ref: str, m: Markers
) -> None:
    """An observation by the school, a family meeting with notes, signals and an
    åtagandeplan item, each through its form."""
    press(
        party,
        app,
        ids.SC_OBS_SAVE,
        ref,
        **{
            ids.SC_OBS_PARTY: "skola",
            ids.SC_OBS_DATE: day(0),
            ids.SC_OBS_TEXT: m.text("observation"),
        },
    )
    press(
        coordinator,
        app,
        ids.SC_MEET_SAVE,
        ref,
        **{
            ids.SC_MEET_KIND: "familjemote",
            ids.SC_MEET_DATE: day(0),
            ids.SC_MEET_NOTES: m.text("mötesanteckning"),
            ids.SC_MEET_DECISION: None,
        },
    )
    press(
        coordinator,
        app,
        ids.SC_SIGNALS_SAVE,
        ref,
        **{ids.SC_SIGNALS: ["brott", "skolfranvaro", "trygg_vuxen"], ids.SC_SIGNALS_PARTY: "polis"},
    )
    press(
        coordinator,
        app,
        ids.SC_PLAN_SAVE,
        ref,
        **{
            ids.SC_PLAN_PARTY: "skola",
            ids.SC_PLAN_WHAT: m.text("åtagandeplan"),
            ids.SC_PLAN_DUE: day(20),
            ids.SC_PLAN_FOLLOW: day(3),
        },
    )


def network_meeting(client: FlaskClient, app: Flask, note: str) -> str:
    """Record a declined consent's nätverksmöte with ``note``; the answer as text."""
    values = {
        f"{ids.SF_NM_DECLINED}.value": day(-2),
        f"{ids.SF_NM_HELD}.value": day(5),
        f"{ids.SF_NM_ORGS}.value": ["skola", "fritid"],
        f"{ids.SF_NM_NOTE}.value": note,
        f"{ids.SF_REFRESH}.data": 0,
        f"{ids.SF_NM_SAVE}.n_clicks": 1,
    }
    return text_of(call_by_input(client, app, ids.SF_NM_SAVE, values))


def case_page(client: FlaskClient, app: Flask, ref: str) -> str:
    """The case page's content as ``client`` sees it, as text."""
    values = {f"{ids.SC_REF}.data": ref, f"{ids.SC_REFRESH}.data": 0}
    return text_of(call_callback(client, app, f"{ids.SC_CONTENT}.children", values))


def case_list(client: FlaskClient, app: Flask) -> str:
    """The /sspf case list as ``client`` sees it, as text."""
    values = {f"{ids.SF_REFRESH}.data": 0}
    return text_of(call_callback(client, app, f"{ids.SF_CASES}.children", values))


def tear_up(client: FlaskClient, app: Flask, ref: str, reason: str = "withdrawn") -> str:
    """ "Riv samtycket": choose the reason, confirm; the answer as text."""
    asked = answer(
        call_by_input(
            client,
            app,
            ids.SC_END,
            {f"{ids.SC_END}.n_clicks": 1, f"{ids.SC_END_REASON}.value": reason},
        )
    )
    assert asked[ids.SC_END_CONFIRM]["displayed"] is True, asked
    values = {
        f"{ids.SC_END_CONFIRM}.submit_n_clicks": 1,
        f"{ids.SC_END_REASON}.value": reason,
        f"{ids.SC_REF}.data": ref,
        f"{ids.SC_REFRESH}.data": 0,
    }
    return text_of(call_by_input(client, app, ids.SC_END_CONFIRM, values))
