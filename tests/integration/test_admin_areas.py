"""The admin areas page: only administrators, server-side, in every callback."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from dashboard.callbacks.admin_areas import guess_fields
from tests.helpers import call_by_input, call_callback, merge_answers, send_file, stored_answer

LAYER = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"kod": "0191-T1", "namn": "Testområde"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[17.9, 59.6], [17.91, 59.6], [17.91, 59.61], [17.9, 59.6]]],
                },
            }
        ],
    }
).encode()

# Each callback by its triggering input (several share their outputs).
ADMIN_CALLBACKS: list[tuple[str, dict[str, Any]]] = [
    (ids.AREA_UPLOADED, {f"{ids.AREA_UPLOADED}.data": {"token": "u1-" + "0" * 32 + ".geojson"}}),
    (ids.AREA_IMPORT, {f"{ids.AREA_IMPORT}.n_clicks": 1}),
    (ids.AREA_POLL, {f"{ids.AREA_POLL}.n_intervals": 1, f"{ids.AREA_JOB}.data": {"id": "x"}}),
    (ids.POP_UPLOADED, {f"{ids.POP_UPLOADED}.data": {"token": "u1-" + "0" * 32 + ".csv"}}),
    (ids.OWN_KOMMUN, {f"{ids.OWN_KOMMUN}.value": "0380"}),
    (ids.OWN_CREATE, {f"{ids.OWN_CREATE}.n_clicks": 1}),
]


@pytest.mark.parametrize("username", ["samordnare", "rapportor", "polis", "ledning"])
@pytest.mark.parametrize(
    ("trigger", "values"), ADMIN_CALLBACKS, ids=[t for t, _ in ADMIN_CALLBACKS]
)
def test_every_admin_callback_refuses_other_roles(
    app: Flask,
    client_as: Callable[[str], FlaskClient],
    username: str,
    trigger: str,
    values: dict[str, Any],
) -> None:
    response = call_by_input(client_as(username), app, trigger, values)
    assert response.status_code == 403


def test_admin_page_layout_refuses_a_coordinator(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    values = {"_pages_location.pathname": "/admin/omraden", "_pages_location.search": ""}
    response = call_callback(client_as("samordnare"), app, "_pages_content.children", values)
    text = json.dumps(response.get_json(), ensure_ascii=False)
    assert "Ingen behörighet" in text and "ad-area-upload" not in text


def upload_layer(client: FlaskClient, app: Flask, raw: bytes, name: str) -> dict[str, Any]:
    """Send a layer file through the route and the page; poll until its fields are read."""
    stored = stored_answer(send_file(client, "areas", raw, name))
    response = call_by_input(client, app, ids.AREA_UPLOADED, {f"{ids.AREA_UPLOADED}.data": stored})
    assert response.status_code == 200
    answer = dict(response.get_json()["response"])
    job = answer.get(ids.AREA_JOB, {}).get("data")
    if job is None:
        return answer
    values = {
        f"{ids.AREA_POLL}.n_intervals": 1,
        f"{ids.AREA_JOB}.data": job,
        f"{ids.AREA_UPLOAD_TOKEN}.data": answer[ids.AREA_UPLOAD_TOKEN]["data"],
    }
    deadline = time.monotonic() + 60
    while True:
        polled = call_by_input(client, app, ids.AREA_POLL, values).get_json()["response"]
        if polled[ids.AREA_POLL]["disabled"]:
            return merge_answers(answer, polled)
        assert time.monotonic() < deadline, "the field read did not finish"
        time.sleep(0.1)


def test_upload_lists_the_fields_and_guesses_them(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    result = upload_layer(client_as("admin"), app, LAYER, "lager.geojson")
    assert [o["value"] for o in result[ids.AREA_CODE_FIELD]["options"]] == ["kod", "namn"]
    assert result[ids.AREA_CODE_FIELD]["value"] == "kod"
    assert result[ids.AREA_NAME_FIELD]["value"] == "namn"
    assert "2 fält" in json.dumps(result[ids.AREA_UPLOAD_INFO], ensure_ascii=False)
    token = result[ids.AREA_UPLOAD_TOKEN]["data"]
    assert token.endswith(".geojson") and "/" not in token


def test_upload_of_an_unknown_file_type_is_refused_clearly(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    result = upload_layer(client_as("admin"), app, LAYER, "lager.exe")
    assert "stöds inte" in json.dumps(result, ensure_ascii=False)
    assert result[ids.AREA_UPLOAD_TOKEN]["data"] is None


def test_import_refuses_a_forged_upload_token(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    values = {
        f"{ids.AREA_IMPORT}.n_clicks": 1,
        f"{ids.AREA_UPLOAD_TOKEN}.data": "../../secret_key",
        f"{ids.AREA_LEVEL}.value": "custom",
        f"{ids.AREA_CODE_FIELD}.value": "kod",
        f"{ids.AREA_NAME_FIELD}.value": "namn",
    }
    response = call_by_input(client_as("admin"), app, ids.AREA_IMPORT, values)
    assert response.status_code == 200
    assert "Ladda upp en fil först" in json.dumps(response.get_json(), ensure_ascii=False)


def test_field_guesses_for_scb_layers() -> None:
    fields = ["deso_2018", "kommun_kod", "kommun_namn", "regso_2020_kod", "regso_2020_namn"]
    assert guess_fields(fields) == {
        "code": "deso_2018",
        "name": "deso_2018",
        "parent": "regso_2020_kod",
        "parent_name": "regso_2020_namn",
    }
    assert guess_fields(["regsokod", "regsonamn", "kommunkod"])["name"] == "regsonamn"


def test_a_broken_zip_is_refused_and_not_kept(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    from pathlib import Path

    uploads = Path(app.instance_path) / "uploads"
    before = {p.name for p in uploads.glob("u*")} if uploads.exists() else set()
    result = upload_layer(client_as("admin"), app, b"not a zip", "lager.zip")
    assert "skadad" in json.dumps(result, ensure_ascii=False)
    assert result[ids.AREA_UPLOAD_TOKEN]["data"] is None
    assert {p.name for p in uploads.glob("u*")} == before


def test_abandoned_uploads_are_removed_after_an_hour(tmp_path: Any) -> None:
    import os

    from dashboard.uploads import remove_stale_uploads

    old, new = tmp_path / "old.geojson", tmp_path / "new.geojson"
    old.write_text("x")
    new.write_text("y")
    # Ages are in the file system's clock (the tests' clock is frozen on another day).
    two_hours_ago = new.stat().st_mtime - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    assert remove_stale_uploads(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["new.geojson"]


def test_a_job_whose_worker_died_is_reported_failed(app: Flask) -> None:
    from datetime import timedelta

    from dashboard.state import app_state
    from data.storage.db import unit_of_work
    from data.storage.jobs import job_status, start_job
    from data.storage.models import ImportJob, User, utcnow

    state = app_state(app)
    with unit_of_work(state.sessions) as session:
        admin_id = session.query(User).filter_by(username="admin").one().id
        job_id = start_job(session, kind="areas", user_id=admin_id)
        job = session.get(ImportJob, job_id)
        assert job is not None
        job.created_at = utcnow() - timedelta(hours=2)
    with state.sessions() as session:
        status = job_status(session, job_id, user_id=admin_id)
        assert status is not None and status.status == "failed"
        assert job_status(session, job_id, user_id=admin_id + 999) is None
