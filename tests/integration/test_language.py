"""Language per user: Mitt konto saves the choice (audited) and every page after it is
in that language — the page's ``lang``, the navigation, Dash's own texts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from dashboard.state import app_state
from data.access.accounts import account, user_id_of
from data.access.audit import AuditFilter, audit_rows
from tests.helpers import call_by_input


def said(response: Any) -> Any:
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    return response.get_json()["response"]


def choose(client: FlaskClient, app: Flask, language: Any) -> Any:
    return said(call_by_input(client, app, ids.ME_LANGUAGE, {f"{ids.ME_LANGUAGE}.value": language}))


def language_of(app: Flask, username: str) -> str:
    with app_state(app).sessions() as session:
        return account(session, user_id_of(session, username)).language


def page_text(client: FlaskClient, app: Flask, path: str) -> str:
    """The layout Dash Pages serves for ``path`` (as the browser's router asks for it)."""
    values = {"_pages_location.pathname": path, "_pages_location.search": ""}
    return str(said(call_by_input(client, app, "_pages_location", values)))


def test_choosing_english_on_mitt_konto_saves_it_audited_and_reloads_the_page(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    assert 'lang="sv"' in client.get("/").get_data(as_text=True)
    answer = choose(client, app, "en")
    assert answer[ids.ME_LANGUAGE_RELOAD]["href"] == "/konto"
    assert language_of(app, "samordnare") == "en"
    with app_state(app).sessions() as session:
        rows = audit_rows(session, AuditFilter(action="user.language_changed"))
    assert [(r.target, r.details) for r in rows] == [("samordnare", {"language": "en"})]
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en"' in page
    assert "Loading..." not in page
    assert "Loading" in page  # the start-up text, in English
    layout = page_text(client, app, "/")
    assert "'Select all'" in layout
    assert "Välj alla" not in layout
    # Choosing the same language again writes no second row.
    choose(client, app, "en")
    with app_state(app).sessions() as session:
        assert len(audit_rows(session, AuditFilter(action="user.language_changed"))) == 1


def test_a_swedish_user_gets_swedish_dash_texts_and_lang(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("ledning")
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="sv"' in page
    assert "Laddar…" in page
    layout = page_text(client, app, "/")
    for text in (
        "'Välj alla'",
        "'{num_selected} valda'",
        "'Inga alternativ'",
        "'first_day_of_week': 1",
    ):
        assert text in layout
    assert "Select All" not in layout


def test_an_unknown_language_is_refused_and_changes_nothing(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("rapportor")
    for value in ("de", ["en"], None, "EN"):
        answer = choose(client, app, value)
        assert "Okänt språk" in str(answer[ids.ME_LANGUAGE_REPORT]["children"])
        assert ids.ME_LANGUAGE_RELOAD not in answer
    assert language_of(app, "rapportor") == "sv"


def test_the_language_choice_needs_a_login(app: Flask, client: FlaskClient) -> None:
    body = call_by_input(client, app, ids.ME_LANGUAGE, {f"{ids.ME_LANGUAGE}.value": "en"})
    assert body.status_code == 401
