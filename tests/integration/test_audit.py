"""The audit log: append-only on both backends, one row per kind of action, never data,
and the admin page Granskningslogg (filter, pages, CSV export)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, delete, inspect, text, update
from sqlalchemy.exc import DBAPIError

from dashboard import ids
from dashboard.audit import AUDIT_CSV_HEADER, audit_csv
from dashboard.state import app_state
from data.access.audit import (
    Actor,
    AuditFilter,
    AuditRow,
    audit_count,
    audit_page,
    audit_rows,
    details_json,
    record,
)
from data.access.users import create_user
from data.clock import utc_now
from data.storage.db import alembic_config, make_session_factory, migrate, unit_of_work
from data.storage.jobs import finish_job, start_job
from data.storage.models import AuditEvent
from data.storage.setup import initialise_database
from tests.conftest import DEMO_PASSWORD, _postgres_engine
from tests.helpers import call_by_input, call_callback, csrf_from, login, overview_values, weeks_ago
from tests.integration.test_accounts import said
from tests.integration.test_planning_page import scope

ACTOR = Actor(7, "kim", "192.0.2.1")


def _one_row(engine: Engine) -> None:
    with unit_of_work(make_session_factory(engine)) as session:
        record(session, "auth.login", actor=ACTOR, target="kim")


def test_audit_rows_cannot_be_changed_or_deleted(engine: Engine) -> None:
    _one_row(engine)
    factory = make_session_factory(engine)
    attempts = (
        update(AuditEvent).values(actor_name="någon annan"),
        update(AuditEvent).values(details="{}").where(AuditEvent.id == 1),
        delete(AuditEvent),
        delete(AuditEvent).where(AuditEvent.action == "auth.login"),
    )
    for attempt in attempts:
        with pytest.raises(DBAPIError, match="append-only"), unit_of_work(factory) as session:
            session.execute(attempt)
    with factory() as session:
        rows = audit_rows(session, AuditFilter())
    assert [(r.actor, r.action) for r in rows] == [("kim", "auth.login")]


def test_audit_rows_cannot_be_truncated_on_postgresql() -> None:
    """TRUNCATE is PostgreSQL's (SQLite has none): a statement trigger refuses it."""
    for engine in _postgres_engine():
        initialise_database(engine)
        _audit_truncate_refused(engine)


def _audit_truncate_refused(engine: Engine) -> None:
    _one_row(engine)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text("TRUNCATE audit_event"))


def test_migration_0010_downgrades_and_upgrades_again(engine: Engine) -> None:
    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0009")
    inspector = inspect(engine)
    assert "audit_event" not in inspector.get_table_names()
    assert "expires_at" not in {c["name"] for c in inspector.get_columns("api_token")}
    assert "totp_secret" not in {c["name"] for c in inspector.get_columns("user_account")}
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
    _one_row(engine)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(delete(AuditEvent))


def test_upgrade_gives_existing_tokens_ninety_days_from_the_upgrade(raw_engine: Engine) -> None:
    migrate(raw_engine, "0009")
    with raw_engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO user_account (username, password_hash, role, kommun_code, active,"
            " created_at, session_token) VALUES ('gammal', 'x', 'admin', NULL, 1,"
            " '2026-01-01', 'abc')"
        )
        connection.exec_driver_sql(
            "INSERT INTO api_token (user_id, token_hash, label, created_at)"
            " VALUES (1, 'h', '', '2026-01-01')"
        )
    migrate(raw_engine, "head")
    with raw_engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT expires_at FROM api_token").scalar_one()
    expires = datetime.fromisoformat(str(stored)).replace(tzinfo=UTC)
    assert abs(expires - (utc_now() + timedelta(days=90))) < timedelta(minutes=5)


@pytest.mark.parametrize(
    "details",
    [
        {"Note": "x"},
        {"counts": {"D01": 3}},
        {"rows": [1, 2]},
        {"text": "x" * 90, "more": ["y" * 150] * 40},
    ],
)
def test_details_are_filters_and_ids_not_data(details: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="audit"):
        details_json(details)


def test_unknown_actions_are_refused(engine: Engine) -> None:
    with (
        pytest.raises(ValueError, match="unknown audit action"),
        unit_of_work(make_session_factory(engine)) as session,
    ):
        record(session, "data.read", actor=ACTOR)


def test_a_finished_job_is_recorded_as_its_user(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        user = create_user(session, "kim", DEMO_PASSWORD, role="coordinator", kommun_code="0380")
        job = start_job(session, kind="observations-import", user_id=user.id)
    finish_job(factory, job, ok=False, messages=["Rad 3: personnummer"])
    with factory() as session:
        (row,) = audit_rows(session, AuditFilter(action="import.finished"))
    assert (row.actor, row.target, row.details) == (
        "kim",
        "observations-import",
        {"job": job, "ok": False},
    )
    assert "personnummer" not in json.dumps(row.details)


# --- rows written by the app ------------------------------------------------------------


def last(app: Flask, action: str) -> AuditRow:
    with app_state(app).sessions() as session:
        rows = audit_page(session, AuditFilter(action=action), page=0, per_page=1)
    assert rows, f"no {action} row"
    return rows[0]


def test_logins_failures_and_logouts_are_recorded(app: Flask, client: FlaskClient) -> None:
    assert login(client, "samordnare", "fel-lösenord-123").status_code == 401
    failed = last(app, "auth.login_failed")
    assert (failed.actor, failed.target, failed.address) == ("", "samordnare", "127.0.0.1")
    assert "fel-lösenord" not in json.dumps(failed.details)
    assert login(client, "samordnare", DEMO_PASSWORD).status_code == 302
    assert last(app, "auth.login").actor == "samordnare"
    token = csrf_from(client.get("/login").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert last(app, "auth.logout").actor == "samordnare"


def test_a_map_export_is_recorded_with_its_filters_not_its_numbers(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    values = overview_values("0380", "custom", weeks_ago(4), categories=["vald"])
    values[f"{ids.EXPORT_BUTTON}.n_clicks"] = 1
    client = client_as("samordnare")
    response = call_callback(client, app, "ov-export-download.data", values)
    content = said(response)[ids.EXPORT_DOWNLOAD]["data"]["content"]
    row = last(app, "export.csv")
    assert row.actor == "samordnare"
    assert row.details["kommun"] == "0380" and row.details["categories"] == ["vald"]
    assert row.details["level"] == "custom" and row.details["from"] <= row.details["to"]
    table = content.split("\r\n\r\n", 1)[1]  # the filter block, an empty line, the table
    counts = [line.split(";")[3] for line in table.splitlines()[1:]]
    assert not set(row.details) & {"antal", "count", "rows"} and counts


@pytest.mark.parametrize(
    ("button", "action", "fmt"),
    [
        (ids.PL_EXPORT_CSV, "export.schedule", "csv"),
        (ids.PL_EXPORT_PDF, "export.schedule", "pdf"),
        (ids.PL_EXPORT_PAY, "export.compensation", None),
    ],
)
def test_schedule_and_pay_exports_are_recorded(
    app: Flask, client_as: Callable[[str], FlaskClient], button: str, action: str, fmt: str | None
) -> None:
    said(call_by_input(client_as("samordnare"), app, button, scope(**{f"{button}.n_clicks": 1})))
    row = last(app, action)
    assert (row.actor, row.target, row.details.get("format")) == ("samordnare", "0380", fmt)


def test_api_exports_and_hourly_token_use_are_recorded(app: Flask, coordinator_token: str) -> None:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {coordinator_token}"}
    query = "/api/v1/aggregates?area=0380&group_by=category&category=vald,hot"
    for _ in range(3):
        assert client.get(query, headers=headers).status_code == 200
    with app_state(app).sessions() as session:
        assert audit_count(session, AuditFilter(action="export.api")) == 3
        assert audit_count(session, AuditFilter(action="token.used")) == 1
    row = last(app, "export.api")
    assert row.details == {
        "area": "0380",
        "group_by": ["category"],
        "category": ["vald", "hot"],
        "bearer_token": True,
    }
    assert last(app, "token.used").actor == "samordnare"
    with time_machine.travel(utc_now() + timedelta(minutes=61), tick=False):
        assert client.get(query, headers=headers).status_code == 200
    with app_state(app).sessions() as session:
        assert audit_count(session, AuditFilter(action="token.used")) == 2


def test_token_creation_and_revocation_on_the_command_line_are_recorded(app: Flask) -> None:
    runner = app.test_cli_runner()
    made = runner.invoke(args=["ssp", "create-token", "ledning", "--label", "skript"])
    secret = made.stdout.strip()
    created = last(app, "token.created")
    assert created.target == "ledning" and created.actor.startswith("cli:")
    assert created.details["expires"] > utc_now().date().isoformat()
    runner.invoke(args=["ssp", "revoke-token", str(created.details["token"])])
    assert last(app, "token.revoked").details == {"token": created.details["token"]}
    with app_state(app).sessions() as session:
        everything = json.dumps([r.details for r in audit_rows(session, AuditFilter())])
    assert secret not in everything


def test_command_line_imports_are_recorded(app: Flask, tmp_path: Path) -> None:
    bad = tmp_path / "obs.csv"
    bad.write_text("datum;omrade;kategori;kalla;antal\n2026-11-30;0380-D01;vald;skola;x\n")
    result = app.test_cli_runner().invoke(args=["ssp", "import-observations", str(bad)])
    assert result.exit_code == 1
    row = last(app, "import.finished")
    assert (row.target, row.details, row.address) == ("observations", {"ok": False}, "cli")


def test_starting_an_import_on_the_page_is_recorded(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    from tests.integration.test_import_page import CHECK_IN, csv_upload, mapping_values, upload

    client = client_as("samordnare")
    body = "datum;omrade;kategori;kalla;antal\n2026-11-30;0380-D01;vald;skola;1\n"
    answer = upload(client, app, csv_upload(body), "obs.csv")
    values = {
        f"{ids.IMPORT_CHECK}.n_clicks": 1,
        f"{ids.IMPORT_TOKEN}.data": answer[ids.IMPORT_TOKEN]["data"],
        **mapping_values({"datum": 0, "omrade": 1, "kategori": 2, "kalla": 3, "antal": 4}),
    }
    said(call_by_input(client, app, CHECK_IN, values))
    row = last(app, "import.started")
    assert (row.actor, row.target) == ("samordnare", "observations-check")


# --- the page -----------------------------------------------------------------------------


def _fill(app: Flask, n: int) -> None:
    with unit_of_work(app_state(app).sessions) as session:
        for i in range(n):
            record(session, "auth.login", actor=Actor(None, f"person{i % 3}", "192.0.2.9"))


def show(client: FlaskClient, app: Flask, clicked: str = ids.AU_USER, **values: Any) -> Any:
    base = {
        f"{ids.AU_USER}.value": None,
        f"{ids.AU_ACTION}.value": None,
        f"{ids.AU_PERIOD}.start_date": None,
        f"{ids.AU_PERIOD}.end_date": None,
        f"{ids.AU_PAGE}.data": 0,
        f"{ids.AU_PREV}.n_clicks": 0,
        f"{ids.AU_NEXT}.n_clicks": 0,
    }
    base.update({k.replace("__", "."): v for k, v in values.items()})
    return said(call_by_input(client, app, clicked, base))


def test_the_page_filters_pages_and_exports(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    _fill(app, 120)
    admin = client_as("admin")
    first = show(admin, app, **{f"{ids.AU_USER}__value": "person1"})
    assert first[ids.AU_INFO]["children"] == "Sida 1 av 1 (40 händelser)"
    everyone = show(admin, app, **{f"{ids.AU_ACTION}__value": "auth.login"})
    total = int(everyone[ids.AU_INFO]["children"].split("(")[1].split()[0])
    assert total >= 120 and everyone[ids.AU_PAGE]["data"] == 0
    second = show(
        admin,
        app,
        ids.AU_NEXT,
        **{f"{ids.AU_ACTION}__value": "auth.login", f"{ids.AU_PAGE}__data": 0},
    )
    assert second[ids.AU_PAGE]["data"] == 1 and "Sida 2 av" in second[ids.AU_INFO]["children"]
    future = (utc_now().date() + timedelta(days=2)).isoformat()
    none = show(admin, app, **{f"{ids.AU_PERIOD}__start_date": future})
    assert "Inga händelser" in str(none[ids.AU_TABLE]["children"])
    forged = call_by_input(
        admin,
        app,
        ids.AU_ACTION,
        {f"{ids.AU_ACTION}.value": "drop table", f"{ids.AU_PAGE}.data": 0},
    )
    assert forged.status_code == 400

    values = {
        f"{ids.AU_EXPORT}.n_clicks": 1,
        f"{ids.AU_USER}.value": "person2",
        f"{ids.AU_ACTION}.value": None,
        f"{ids.AU_PERIOD}.start_date": None,
        f"{ids.AU_PERIOD}.end_date": None,
    }
    download = said(call_by_input(admin, app, ids.AU_EXPORT, values))[ids.AU_DOWNLOAD]["data"]
    rows = list(csv.reader(io.StringIO(download["content"].lstrip("\ufeff")), delimiter=";"))
    assert tuple(rows[0]) == AUDIT_CSV_HEADER and len(rows) == 41
    assert {r[1] for r in rows[1:]} == {"person2"}
    exported = last(app, "export.audit")
    assert (exported.actor, exported.details["user"]) == ("admin", "person2")


def test_the_audit_csv_quotes_and_neutralises_every_cell() -> None:
    row = AuditRow(
        id=1,
        at=datetime(2026, 12, 2, 11, 0, tzinfo=UTC),
        actor='=HYPERLINK("x")',
        address="127.0.0.1",
        action="auth.login_failed",
        target=";@SUM(A1)",
        details={"reason": "password"},
    )
    out = audit_csv([row])
    line = out.splitlines()[1]
    cells = next(csv.reader(io.StringIO(line), delimiter=";"))
    assert cells[0] == "2026-12-02T12:00:00+01:00"
    assert cells[1] == '\'=HYPERLINK("x")'  # neutralised: shown as text, never run
    assert len(cells) == 7 and cells[5] == ";@SUM(A1)"  # quoted: the ; shifts nothing
    assert cells[4] == "Misslyckad inloggning"
