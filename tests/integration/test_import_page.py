"""The import page: upload → column mapping → check with preview → import, coordinators only."""

from __future__ import annotations

import io
import json
import secrets
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook
from sqlalchemy import func, select

from dashboard import create_app, ids
from dashboard.state import app_state
from data.demo.build import build_demo
from data.ingest.observations import COLUMNS
from data.storage.db import unit_of_work
from data.storage.models import Observation
from data.storage.setup import initialise_database
from tests.clock import TEST_TODAY
from tests.conftest import DemoTemplate, private_database, sqlite_template
from tests.helpers import (
    call_by_input,
    call_callback,
    login,
    merge_answers,
    send_file,
    stored_answer,
)

PASSWORD = "import-page-test-1"
DAY = (TEST_TODAY - timedelta(days=3)).isoformat()
# Each callback by its triggering input (several share their outputs).
UPLOAD_IN = ids.IMPORT_UPLOADED
CHECK_IN = ids.IMPORT_CHECK
RUN_IN = ids.IMPORT_RUN
POLL_IN = ids.IMPORT_POLL


@pytest.fixture(scope="module")
def import_template(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Flask, DemoTemplate]]:
    """An app of its own (these tests write observations) and its template database."""
    instance = tmp_path_factory.mktemp("import-instance")
    app = create_app(
        {
            "SSP_INSTANCE_PATH": str(instance),
            "DATABASE_URL": f"sqlite:///{instance / 'ssp.sqlite'}",
            "SECRET_KEY": secrets.token_hex(16),
            "TESTING": True,
            # Jobs in threads keep this module quick; the process runner (the default)
            # is proved in test_upload_route.py and by the browser and serve tests.
            "SSP_JOB_RUNNER": "thread",
        }
    )
    state = app_state(app)
    initialise_database(state.engine)
    with unit_of_work(state.sessions) as session:
        build_demo(session, end=TEST_TODAY, password=PASSWORD, days=30)
    yield app, sqlite_template(app, instance)
    state.engine.dispose()


@pytest.fixture
def import_app(import_template: tuple[Flask, DemoTemplate], tmp_path: Path) -> Iterator[Flask]:
    """The import app on a private copy of its database (one test's writes stay its own)."""
    app, template = import_template
    with private_database(app, template, tmp_path):
        yield app


@pytest.fixture
def as_user(import_app: Flask) -> Callable[[str], FlaskClient]:
    def _login(username: str) -> FlaskClient:
        client = import_app.test_client()
        assert login(client, username, PASSWORD).status_code == 302
        return client

    return _login


def xlsx_upload(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_upload(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


OWN_LAYOUT: list[list[object]] = [
    ["Vecka", "När", "Var", "Vad", "Vem", "Hur många", "Kommentar"],
    *[
        [47, date.fromisoformat(DAY), f"0380-D{1 + i % 3:02d}", "samling", "fritid", 2, "Samling"]
        for i in range(30)
    ],
]
OWN_MAPPING = {"datum": 1, "omrade": 2, "kategori": 3, "kalla": 4, "antal": 5, "anteckning": 6}


def mapping_values(mapping: dict[str, int]) -> dict[str, Any]:
    return {f"{ids.import_map(c)}.value": mapping.get(c) for c in COLUMNS}


def receive(client: FlaskClient, app: Flask, stored: Any) -> dict[str, Any]:
    """Hand the page's store value to the upload callback; when it starts reading the
    columns, poll until they are read. Return every answer merged."""
    values = {f"{ids.IMPORT_UPLOADED}.data": stored}
    response = call_by_input(client, app, UPLOAD_IN, values)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    answer = dict(response.get_json()["response"])
    job = answer[ids.IMPORT_JOB]["data"] if ids.IMPORT_JOB in answer else None
    if job is None:
        return answer
    return merge_answers(answer, wait(client, app, job, answer[ids.IMPORT_TOKEN]["data"]))


def upload(client: FlaskClient, app: Flask, raw: bytes, filename: str) -> dict[str, Any]:
    """Send a file through the upload route, then through the page (see ``receive``)."""
    return receive(client, app, stored_answer(send_file(client, "observations", raw, filename)))


def start(
    client: FlaskClient, app: Flask, output: str, token: Any, mapping: dict[str, int]
) -> dict[str, Any]:
    button = output
    values = {f"{button}.n_clicks": 1, f"{ids.IMPORT_TOKEN}.data": token, **mapping_values(mapping)}
    response = call_by_input(client, app, output, values)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return dict(response.get_json()["response"])


def wait(client: FlaskClient, app: Flask, job: Any, token: Any) -> dict[str, Any]:
    """Poll like the page does until the job is no longer running; return the last answer."""
    values = {
        f"{ids.IMPORT_POLL}.n_intervals": 1,
        f"{ids.IMPORT_JOB}.data": job,
        f"{ids.IMPORT_TOKEN}.data": token,
    }
    deadline = time.monotonic() + 60
    while True:
        result = dict(call_by_input(client, app, POLL_IN, values).get_json()["response"])
        if result[ids.IMPORT_POLL]["disabled"]:
            return result
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.05)


def observations(app: Flask) -> int:
    with app_state(app).sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Observation)) or 0)


def text_of(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def test_upload_check_preview_and_import_an_excel_file_with_its_own_columns(
    import_app: Flask, as_user: Callable[[str], FlaskClient]
) -> None:
    client = as_user("samordnare")
    answer = upload(client, import_app, xlsx_upload(OWN_LAYOUT), "egen.xlsx")
    token = answer[ids.IMPORT_TOKEN]["data"]
    assert token and answer[ids.IMPORT_CHECK]["disabled"] is False
    options = answer[ids.import_map("datum")]["options"]
    assert [o["label"] for o in options][:2] == ["Vecka – kolumn 1", "När – kolumn 2"]
    # Nothing in this layout has a template name, so nothing is pre-chosen.
    assert all(answer[ids.import_map(c)]["value"] is None for c in COLUMNS)
    # Import before a check is refused.
    refused = start(client, import_app, RUN_IN, token, OWN_MAPPING)
    assert "Kontrollera filen" in text_of(refused[ids.IMPORT_RESULT])
    before = observations(import_app)

    started = start(client, import_app, CHECK_IN, token, OWN_MAPPING)
    job = started[ids.IMPORT_JOB]["data"]
    checked = wait(client, import_app, job, token)
    preview = text_of(checked[ids.IMPORT_PREVIEW]["children"])
    assert "30 rader lästes: 30 utan fel, 0 med fel; 0 finns redan" in preview
    assert "0380-D01" in preview and "Samling" in preview
    assert checked[ids.IMPORT_RUN]["disabled"] is False
    assert checked[ids.IMPORT_PROGRESS]["value"] == "100"
    assert observations(import_app) == before  # a check writes nothing

    # The mapping that was checked is the only one that may be imported.
    other = {**OWN_MAPPING, "antal": 0}
    refused = start(client, import_app, RUN_IN, token, other)
    assert "Kontrollera filen" in text_of(refused[ids.IMPORT_RESULT])

    job = start(client, import_app, RUN_IN, token, OWN_MAPPING)[ids.IMPORT_JOB]["data"]
    done = wait(client, import_app, job, token)
    assert "30 observationer importerades" in text_of(done[ids.IMPORT_RESULT]["children"])
    assert observations(import_app) == before + 30
    # The upload and its check are gone: the token cannot be reused.
    assert not list((Path(import_app.instance_path) / "uploads").glob("u*"))
    again = start(client, import_app, RUN_IN, token, OWN_MAPPING)
    assert "Ladda upp filen" in text_of(again[ids.IMPORT_RESULT])


def test_the_same_file_again_is_all_duplicates_and_adds_nothing(
    import_app: Flask, as_user: Callable[[str], FlaskClient]
) -> None:
    client = as_user("samordnare")
    text = "datum;omrade;kategori;kalla;antal\n" + f"{DAY};0380-D05;vald;skola;1\n" * 7
    token = upload(client, import_app, csv_upload(text), "v.csv")[ids.IMPORT_TOKEN]["data"]
    mapping = {"datum": 0, "omrade": 1, "kategori": 2, "kalla": 3, "antal": 4}
    wait(
        client,
        import_app,
        start(client, import_app, CHECK_IN, token, mapping)[ids.IMPORT_JOB]["data"],
        token,
    )
    job = start(client, import_app, RUN_IN, token, mapping)[ids.IMPORT_JOB]["data"]
    wait(client, import_app, job, token)
    before = observations(import_app)
    token = upload(client, import_app, csv_upload(text), "v.csv")[ids.IMPORT_TOKEN]["data"]
    job = start(client, import_app, CHECK_IN, token, mapping)[ids.IMPORT_JOB]["data"]
    checked = wait(client, import_app, job, token)
    assert "7 finns redan" in text_of(checked[ids.IMPORT_PREVIEW]["children"])
    job = start(client, import_app, RUN_IN, token, mapping)[ids.IMPORT_JOB]["data"]
    done = wait(client, import_app, job, token)
    assert "0 observationer importerades, 7 fanns redan" in text_of(done[ids.IMPORT_RESULT])
    assert observations(import_app) == before


def test_bad_rows_are_listed_without_their_values_and_block_the_import(
    import_app: Flask, as_user: Callable[[str], FlaskClient]
) -> None:
    client = as_user("samordnare")
    secret = "19121212-1212"  # Skatteverket's published test personnummer (not a person)
    text = (
        "datum;omrade;kategori;kalla;anteckning\n"
        f"{DAY};0380-D01;samling;fritid;Lugnt\n"
        f"{DAY};0380-D01;samling;fritid;Pratade med {secret}\n"
        f"2099-01-01;0380-D01;samling;fritid;\n"
        f"{DAY};0191-D01;samling;fritid;\n"
        f"{DAY};0380-D01;okänd;fritid;\n"
    )
    answer = upload(client, import_app, csv_upload(text, "cp1252"), "fel.csv")
    token = answer[ids.IMPORT_TOKEN]["data"]
    mapping = {
        c: answer[ids.import_map(c)]["value"]
        for c in COLUMNS
        if answer[ids.import_map(c)]["value"] is not None
    }
    assert mapping == {"datum": 0, "omrade": 1, "kategori": 2, "kalla": 3, "anteckning": 4}
    job = start(client, import_app, CHECK_IN, token, mapping)[ids.IMPORT_JOB]["data"]
    checked = wait(client, import_app, job, token)
    shown = text_of(checked)
    assert "5 rader lästes: 1 utan fel, 4 med fel" in shown
    assert "Rad 3, anteckning" in shown and "personnummer" in shown
    assert "Rad 4, datum: datumet ligger i framtiden" in shown
    # Another kommun's area is unknown to this coordinator's import.
    assert "Rad 5, omrade: okänt område" in shown
    assert "Rad 6, kategori" in shown
    assert secret not in shown and "1212" not in shown
    assert checked[ids.IMPORT_RUN]["disabled"] is True
    before = observations(import_app)
    refused = start(client, import_app, RUN_IN, token, mapping)
    assert "Filen har fel" in text_of(refused[ids.IMPORT_RESULT])
    assert observations(import_app) == before
    check_files = list((Path(import_app.instance_path) / "uploads").glob("*.check.json"))
    assert all(secret not in p.read_text("utf-8") for p in check_files)


@pytest.mark.parametrize(
    ("raw", "filename", "message"),
    [
        (csv_upload("x"), "lager.geojson", "stöds inte"),
        (csv_upload(""), "tom.csv", "tom"),
        (bytes.fromhex("d0cf11e0a1b11ae1"), "gammal.xlsx", "xls"),
        (b"PK\x03\x04 inte en zip", "trasig.xlsx", "skadad"),
        (b"a;b\n\x00\x01", "binär.csv", "nolltecken"),
    ],
)
def test_unusable_uploads_are_refused_and_not_kept(
    import_app: Flask,
    as_user: Callable[[str], FlaskClient],
    raw: bytes,
    filename: str,
    message: str,
) -> None:
    answer = upload(as_user("samordnare"), import_app, raw, filename)
    assert message in text_of(answer[ids.IMPORT_UPLOAD_INFO]["children"])
    assert answer[ids.IMPORT_TOKEN]["data"] is None
    assert not list((Path(import_app.instance_path) / "uploads").glob("u*"))


@pytest.mark.parametrize(
    "stored",
    [12, {"token": "../../ssp.sqlite"}, {"token": "u1-" + "0" * 32 + ".csv"}, None, "x"],
)
def test_a_forged_store_value_is_refused(
    import_app: Flask, as_user: Callable[[str], FlaskClient], stored: Any
) -> None:
    answer = receive(as_user("samordnare"), import_app, stored)
    assert "Ladda upp filen" in text_of(answer[ids.IMPORT_UPLOAD_INFO]["children"])
    assert answer[ids.IMPORT_TOKEN]["data"] is None


def test_a_token_of_another_user_or_a_forged_one_is_refused(
    import_app: Flask, as_user: Callable[[str], FlaskClient]
) -> None:
    owner = as_user("samordnare")
    token = upload(owner, import_app, csv_upload("datum;omrade;kategori;kalla\n"), "a.csv")[
        ids.IMPORT_TOKEN
    ]["data"]
    mapping = {"datum": 0, "omrade": 1, "kategori": 2, "kalla": 3}
    for forged in (
        token.replace("u", "u9", 1),
        "../../ssp.sqlite",
        {"x": 1},
        "u1-" + "0" * 32 + ".csv",
    ):
        refused = start(owner, import_app, CHECK_IN, forged, mapping)
        assert "Ladda upp filen" in text_of(refused[ids.IMPORT_RESULT])
    bad_mapping = start(owner, import_app, CHECK_IN, token, {**mapping, "antal": -1})
    assert "Ogiltigt" in text_of(bad_mapping[ids.IMPORT_RESULT])
    missing = start(owner, import_app, CHECK_IN, token, {"datum": 0})
    assert "Välj en kolumn för område" in text_of(missing[ids.IMPORT_RESULT])
    # A poll for a job id that is not the user's says so.
    values = {
        f"{ids.IMPORT_POLL}.n_intervals": 1,
        f"{ids.IMPORT_JOB}.data": {"id": "x", "kind": "check"},
    }
    result = call_by_input(owner, import_app, POLL_IN, values).get_json()["response"]
    assert "Okänt importjobb" in text_of(result)


IMPORT_CALLBACKS: list[tuple[str, dict[str, Any]]] = [
    (UPLOAD_IN, {f"{ids.IMPORT_UPLOADED}.data": {"token": "u1-" + "0" * 32 + ".csv"}}),
    (CHECK_IN, {f"{ids.IMPORT_CHECK}.n_clicks": 1}),
    (RUN_IN, {f"{ids.IMPORT_RUN}.n_clicks": 1}),
    (POLL_IN, {f"{ids.IMPORT_POLL}.n_intervals": 1}),
]


@pytest.mark.parametrize("username", ["admin", "rapportor", "polis", "ledning"])
@pytest.mark.parametrize(
    ("trigger", "values"), IMPORT_CALLBACKS, ids=[o for o, _ in IMPORT_CALLBACKS]
)
def test_every_import_callback_refuses_other_roles(
    import_app: Flask,
    as_user: Callable[[str], FlaskClient],
    username: str,
    trigger: str,
    values: dict[str, Any],
) -> None:
    assert call_by_input(as_user(username), import_app, trigger, values).status_code == 403


def test_the_page_and_the_template(
    import_app: Flask, as_user: Callable[[str], FlaskClient]
) -> None:
    values = {"_pages_location.pathname": "/importera", "_pages_location.search": ""}
    page = call_callback(as_user("rapportor"), import_app, "_pages_content.children", values)
    assert "Ingen behörighet" in text_of(page.get_json()) and ids.IMPORT_UPLOAD not in text_of(
        page.get_json()
    )
    page = call_callback(as_user("samordnare"), import_app, "_pages_content.children", values)
    assert ids.IMPORT_UPLOAD in text_of(page.get_json())
    template = as_user("samordnare").get("/importera/mall.csv")
    assert template.status_code == 200
    body = template.get_data(as_text=True)
    assert body.startswith("\ufeffdatum;tid;omrade;kategori;kalla;antal")
    assert len(body.strip().splitlines()) == 2
    anonymous = import_app.test_client().get("/importera/mall.csv")
    assert anonymous.status_code in (302, 401)


def test_import_preview_shows_the_time_band_category_and_source_in_swedish_not_evening(
    import_app: Flask, as_user: Callable[[str], FlaskClient]
) -> None:
    """Issue 15: the preview showed the stored code "evening" (and category and source
    codes); it shows the Swedish labels of data.vocabulary."""
    client = as_user("samordnare")
    text = f"datum;tid;omrade;kategori;kalla;antal\n{DAY};kväll;0380-D01;samling;fritid;2\n"
    answer = upload(client, import_app, csv_upload(text), "kvall.csv")
    token = answer[ids.IMPORT_TOKEN]["data"]
    mapping = {c: answer[ids.import_map(c)]["value"] for c in COLUMNS}
    assert mapping["tid"] == 1  # template names are chosen automatically
    started = start(
        client, import_app, CHECK_IN, token, {c: v for c, v in mapping.items() if v is not None}
    )
    checked = wait(client, import_app, started[ids.IMPORT_JOB]["data"], token)
    preview = text_of(checked[ids.IMPORT_PREVIEW]["children"])
    assert "1 rader lästes: 1 utan fel" in preview
    assert "Kväll (18–22)" in preview and "Samling/störande samling" in preview
    assert "Fritid" in preview
    assert "evening" not in preview and '"samling"' not in preview
