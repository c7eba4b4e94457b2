"""The administration pages and the 404 page in the reader's language (issue 15): an
English administrator reads no Swedish text of the catalogue on them nor in their
callbacks' answers, and a Swedish one no English."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from tests.helpers import call_by_input
from tests.integration.test_accounts import act, edit
from tests.integration.test_admin_areas import LAYER, upload_layer
from tests.integration.test_audit import show
from tests.integration.test_language import choose, said
from tests.integration.test_language_forms import english, foreign, page, readable, swedish

ADMIN_PAGES = ("/admin/omraden", "/admin/anvandare", "/admin/granskning", "/finns-inte")


def forged_area_import(client: FlaskClient, app: Flask) -> list[str]:
    values = {
        f"{ids.AREA_IMPORT}.n_clicks": 1,
        f"{ids.AREA_UPLOAD_TOKEN}.data": "../../secret_key",
        f"{ids.AREA_LEVEL}.value": "custom",
        f"{ids.AREA_CODE_FIELD}.value": "kod",
        f"{ids.AREA_NAME_FIELD}.value": "namn",
        f"{ids.AREA_CRS}.value": "fel",
    }
    return list(readable(said(call_by_input(client, app, ids.AREA_IMPORT, values))))


@pytest.fixture
def english_admin(app: Flask, client_as: Callable[[str], FlaskClient]) -> FlaskClient:
    client = client_as("admin")
    choose(client, app, "en")
    return client


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_in_english_have_no_swedish_text(
    app: Flask, english_admin: FlaskClient, path: str
) -> None:
    texts = page(english_admin, app, path)
    assert texts, path
    assert foreign(texts, swedish()) == []


def test_omraden_in_english_answers_in_english(app: Flask, english_admin: FlaskClient) -> None:
    texts = page(english_admin, app, "/admin/omraden")
    assert "Import area layers" in texts and "Areas in the database" in texts
    refused = forged_area_import(english_admin, app)
    assert "Upload a file first." in refused
    assert "A coordinate system is given as EPSG:nnnn, e.g. EPSG:3006." in refused
    assert foreign(refused, swedish()) == []
    uploaded = list(readable(upload_layer(english_admin, app, LAYER, "lager.geojson")))
    assert any(t.endswith("2 fields. Check the fields below.") for t in uploaded), uploaded
    assert foreign(uploaded, swedish()) == []


def test_anvandare_in_english_answers_in_english(app: Flask, english_admin: FlaskClient) -> None:
    texts = page(english_admin, app, "/admin/anvandare")
    assert "New user" in texts and "Reset two-step verification" in texts
    refreshed = said(
        call_by_input(english_admin, app, ids.US_REFRESH, {f"{ids.US_REFRESH}.data": 1})
    )
    listing = list(readable(refreshed))
    assert "Role" in listing and "active" in listing
    assert any(t.startswith("rapportor (Reporter") for t in listing), listing
    assert foreign(listing, swedish()) == []
    nobody = list(readable(said(edit(english_admin, app, None))))
    assert "Choose a user first." in nobody
    chosen = next(
        o["value"] for o in refreshed[ids.US_PICK]["options"] if "rapportor" in o["label"]
    )
    picked = list(
        readable(
            said(call_by_input(english_admin, app, ids.US_PICK, {f"{ids.US_PICK}.value": chosen}))
        )
    )
    assert "Active." in picked
    done = list(readable(said(act(english_admin, app, ids.US_DEACTIVATE, chosen))))
    assert "rapportor is deactivated and logged out." in done
    assert foreign(nobody + picked + done, swedish()) == []


def test_granskningslogg_in_english_answers_in_english(
    app: Flask, english_admin: FlaskClient
) -> None:
    texts = page(english_admin, app, "/admin/granskning")
    assert "Events" in texts and "Export CSV" in texts and "Login" in texts
    shown = list(readable(show(english_admin, app)))
    assert any(t.startswith("Page 1 of ") and t.endswith(" events)") for t in shown), shown
    assert "Own language changed" in shown and "Event" in shown
    assert foreign(shown, swedish()) == []


def test_the_404_page_in_english(app: Flask, english_admin: FlaskClient) -> None:
    texts = page(english_admin, app, "/finns-inte")
    assert "The address does not lead to any page in SSP Lägesbild." in texts


def test_admin_pages_in_swedish_have_no_english_text(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("admin")
    texts = [text for path in ADMIN_PAGES for text in page(client, app, path)]
    texts += forged_area_import(client, app)
    assert "Ladda upp en fil först." in texts and "Sidan finns inte" in texts
    assert foreign(texts, english()) == []
