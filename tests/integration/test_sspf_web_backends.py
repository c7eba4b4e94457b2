"""The SSPF web flow on SQLite and PostgreSQL: open, write, tear up through the
callbacks, then the receipt — in particular that a tear-up in a web request (the case
layer commits it and runs ``VACUUM FULL`` on PostgreSQL) finishes while the request's
own session is open, and that nothing of the case is readable afterwards."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from data.consent.vocabulary import NO_ACCESS
from tests.conftest import DEMO_PASSWORD, postgres_demo_app, private_database, private_postgres
from tests.helpers import call_by_input, login
from tests.integration.test_sspf_pages import (
    CHILD,
    PLAN_TEXT,
    add_plan_item,
    answer,
    case_content,
    open_case,
    text_of,
)
from tests.pdf_checks import pdf_pages


@pytest.fixture(scope="module")
def postgres_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """A short demo on a PostgreSQL database of its own (each test runs on a copy)."""
    with postgres_demo_app(tmp_path_factory.mktemp("sspf-pg"), days=21) as pg_app:
        yield pg_app


@pytest.fixture(params=["sqlite", "postgresql"])
def web_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """The session's SQLite demo app (private copy) or this module's PostgreSQL one."""
    if request.param == "sqlite":
        flask_app_: Flask = request.getfixturevalue("app")
        template = request.getfixturevalue("demo_template")
        with private_database(flask_app_, template, tmp_path / "sspf"):
            yield flask_app_
        return
    flask_app: Flask = request.getfixturevalue("postgres_app")
    with private_postgres(flask_app):
        yield flask_app


def client_for(flask_app: Flask, username: str) -> FlaskClient:
    client = flask_app.test_client()
    assert login(client, username, DEMO_PASSWORD).status_code == 302
    return client


def test_open_write_and_tear_up_through_the_web_on_both_backends(web_app: Flask) -> None:
    coordinator = client_for(web_app, "samordnare")
    school = client_for(web_app, "rapportor")
    ref = open_case(coordinator, web_app)
    assert "report-ok" in text_of(add_plan_item(school, web_app, ref, "skola", PLAN_TEXT))
    assert PLAN_TEXT in json.dumps(case_content(coordinator, web_app, ref), ensure_ascii=False)
    ended = call_by_input(
        coordinator,
        web_app,
        ids.SC_END_CONFIRM,
        {
            f"{ids.SC_END_CONFIRM}.submit_n_clicks": 1,
            f"{ids.SC_END_REASON}.value": "ended",
            f"{ids.SC_REF}.data": ref,
            f"{ids.SC_REFRESH}.data": 1,
        },
    )
    assert answer(ended)[ids.SC_REFRESH]["data"] == 2
    tombstone = json.dumps(case_content(coordinator, web_app, ref), ensure_ascii=False)
    assert "Samtycket är rivet" in tombstone
    assert CHILD not in tombstone
    assert NO_ACCESS in json.dumps(case_content(school, web_app, ref), ensure_ascii=False)
    receipt = coordinator.get(f"/sspf/{ref}/kvitto.pdf")
    assert receipt.status_code == 200
    text = " ".join(pdf_pages(receipt.data))
    assert "SSPF avslutades och samtycket revs" in text
    assert CHILD not in text
