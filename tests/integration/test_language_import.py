"""Importera in the reader's language (issue 15): an English coordinator reads no
Swedish text of the catalogue on the page, in the column choices nor in the check's
preview; the job's own messages (data/) stay Swedish."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from tests.integration.test_import_page import (  # noqa: F401 (fixtures)
    CHECK_IN,
    DAY,
    as_user,
    csv_upload,
    import_app,
    import_template,
    start,
    upload,
    wait,
)
from tests.integration.test_language import choose
from tests.integration.test_language_forms import english, foreign, page, readable, swedish

VALID = "datum;omrade;kategori;kalla;antal;tid\n" + f"{DAY};0380-D05;vald;skola;2;kväll\n" * 3
MAPPING = {"datum": 0, "omrade": 1, "kategori": 2, "kalla": 3, "antal": 4, "tid": 5}


def checked_preview(client: FlaskClient, app: Flask) -> tuple[list[str], list[str]]:
    """(texts of the upload's answer, texts of the check's preview) of a valid file."""
    answer = upload(client, app, csv_upload(VALID), "fil.csv")
    token = answer[ids.IMPORT_TOKEN]["data"]
    job = start(client, app, CHECK_IN, token, MAPPING)[ids.IMPORT_JOB]["data"]
    preview = wait(client, app, job, token)[ids.IMPORT_PREVIEW]
    return list(readable(answer)), list(readable(preview))


def test_importera_in_english_has_no_swedish_text(
    import_app: Flask,  # noqa: F811
    as_user: Callable[[str], FlaskClient],  # noqa: F811
) -> None:
    client = as_user("samordnare")
    choose(client, import_app, "en")
    texts = page(client, import_app, "/importera")
    assert "Import observations" in texts and "2. Check the file" in texts
    assert foreign(texts, swedish()) == []
    answer, preview = checked_preview(client, import_app)
    assert "tid – column 6" in answer
    assert "3 rows read: 3 without errors, 0 with errors; 0 already exist and are skipped." in (
        preview
    )
    assert "Row" in preview and "Evening (18–22)" in preview and "Violence/fights" in preview
    assert foreign(answer + preview, swedish()) == []


def test_importera_refused_in_english_says_no_access_in_english(
    import_app: Flask,  # noqa: F811
    as_user: Callable[[str], FlaskClient],  # noqa: F811
) -> None:
    client = as_user("rapportor")
    choose(client, import_app, "en")
    texts = page(client, import_app, "/importera")
    assert texts[:2] == ["No access", "Importing observations is for SSP coordinators."]


def test_importera_in_swedish_has_no_english_text(
    import_app: Flask,  # noqa: F811
    as_user: Callable[[str], FlaskClient],  # noqa: F811
) -> None:
    client = as_user("samordnare")
    texts = page(client, import_app, "/importera")
    answer, preview = checked_preview(client, import_app)
    assert "Importera observationer" in texts and "Kväll (18–22)" in preview
    assert foreign(texts + answer + preview, english()) == []
