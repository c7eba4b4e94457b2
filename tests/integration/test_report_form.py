"""The report form callback: validation like the CSV import, scope, roles, PII."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from dashboard import ids
from dashboard.state import app_state
from data.storage.models import Observation
from tests.clock import TEST_TODAY
from tests.helpers import call_callback

OUTPUT = "rp-result.children"


def form(**changes: Any) -> dict[str, Any]:
    values = {
        f"{ids.REPORT_SUBMIT}.n_clicks": 1,
        f"{ids.REPORT_DATE}.date": TEST_TODAY.isoformat(),
        f"{ids.REPORT_BAND}.value": "kväll",
        f"{ids.REPORT_AREA}.value": "0380-D05",
        f"{ids.REPORT_CATEGORY}.value": "samling",
        f"{ids.REPORT_SOURCE}.value": "skola",
        f"{ids.REPORT_COUNT}.value": 2,
        f"{ids.REPORT_GROUP}.value": "5-9",
        f"{ids.REPORT_AGE}.value": "13-15",
        f"{ids.REPORT_NOTE}.value": "Samling vid skolgården",
        f"{ids.REPORT_NONCE}.data": uuid.uuid4().hex,
    }
    values.update({f"{k}": v for k, v in changes.items()})
    return values


def submit(client: FlaskClient, app: Flask, values: dict[str, Any]) -> tuple[int, str]:
    response = call_callback(client, app, OUTPUT, values, [f"{ids.REPORT_SUBMIT}.n_clicks"])
    return response.status_code, json.dumps(
        response.get_json(silent=True) or {}, ensure_ascii=False
    )


def test_a_reporter_submits_and_the_report_is_stored_for_their_organisation(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    note = "Unik testanteckning 4711"
    status, body = submit(
        client_as("rapportor"),
        app,
        form(**{f"{ids.REPORT_SOURCE}.value": "polis", f"{ids.REPORT_NOTE}.value": note}),
    )
    assert status == 200 and "Rapporten är sparad" in body
    with app_state(app).sessions() as session:
        stored = session.scalar(select(Observation).where(Observation.note == note))
        assert stored is not None
        assert stored.source_code == "skola"  # the reporter's own organisation, not 'polis'
        assert stored.count == 2 and stored.time_band == "evening"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({f"{ids.REPORT_NOTE}.value": "Ring 070-123 45 67"}, "anteckning", "telefonnummer"),
        ({f"{ids.REPORT_NOTE}.value": "x" * 281}, "anteckning", "280"),
        ({f"{ids.REPORT_COUNT}.value": 0}, "antal", "minst 1"),
        ({f"{ids.REPORT_COUNT}.value": -3}, "antal", "minst 1"),
        ({f"{ids.REPORT_COUNT}.value": None}, "antal", "Skriv antalet"),
        ({f"{ids.REPORT_NOTE}.value": {"x": 1}}, "anteckning", "styrtecken"),
        ({f"{ids.REPORT_NOTE}.value": "Lugnt\x07"}, "anteckning", "styrtecken"),
        ({f"{ids.REPORT_CATEGORY}.value": None}, "kategori", "Välj en kategori."),
        ({f"{ids.REPORT_DATE}.date": "2099-01-01"}, "datum", "framtiden"),
        ({f"{ids.REPORT_AREA}.value": "0191-D01"}, "omrade", "din kommun"),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_stored(
    app: Flask,
    client_as: Callable[[str], FlaskClient],
    change: dict[str, Any],
    field: str,
    message: str,
) -> None:
    with app_state(app).sessions() as session:
        before = session.query(Observation).count()
    status, body = submit(client_as("samordnare"), app, form(**change))
    assert status == 200
    payload = json.loads(body)["response"]
    assert message in str(payload[ids.report_error(field)]["children"])
    assert "sparades inte" in body
    assert "070-123" not in body
    with app_state(app).sessions() as session:
        assert session.query(Observation).count() == before


def test_police_can_report_only_in_assigned_areas(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    _, body = submit(client_as("polis"), app, form(**{f"{ids.REPORT_AREA}.value": "0380-D20"}))
    assert "tilldelade" in body
    _, body = submit(client_as("polis"), app, form(**{f"{ids.REPORT_AREA}.value": "0380-D02"}))
    assert "Rapporten är sparad" in body


@pytest.mark.parametrize("username", ["ledning", "admin"])
def test_roles_that_do_not_report_are_refused(
    app: Flask, client_as: Callable[[str], FlaskClient], username: str
) -> None:
    status, _ = submit(client_as(username), app, form())
    assert status == 403


def test_police_without_assigned_areas_report_nowhere(app: Flask) -> None:
    """An empty area list is no areas, not "no limit" (it was: a police user whose
    areas were all removed could report in the whole kommun)."""
    from data.access.users import create_user
    from data.storage.db import unit_of_work
    from tests.conftest import DEMO_PASSWORD
    from tests.helpers import login

    with unit_of_work(app_state(app).sessions) as session:
        create_user(
            session,
            "polis_utan",
            DEMO_PASSWORD,
            role="police_area",
            kommun_code="0380",
            source_code="polis",
        )
    client = app.test_client()
    assert login(client, "polis_utan", DEMO_PASSWORD).status_code == 302
    _, body = submit(client, app, form(**{f"{ids.REPORT_NOTE}.value": "Utan område 5150"}))
    assert "tilldelade" in body
    with app_state(app).sessions() as session:
        assert (
            session.scalar(select(Observation).where(Observation.note == "Utan område 5150"))
            is None
        )
