"""Rapportera, Nattvandring and Mina rapporter in the reader's language (issue 15):
an English user reads no Swedish text of the catalogue on them, also not in the
messages of a refused form, and a Swedish user reads no English."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from dashboard.callbacks.submit import DATA_MESSAGES
from dashboard.state import app_state
from data.access.accounts import user_id_of
from data.ingest.observation_rows import FORM_MESSAGES
from data.ingest.observation_store import IMPORT_ONLY
from data.ingest.own_reports import own_reports
from data.planning.walk_links import NOT_THAT_NIGHT, NOT_YOURS
from tests.clock import TEST_TODAY
from tests.helpers import call_by_input, call_callback
from tests.integration.test_language import choose, said
from tests.language_tools import catalogue

TEXT_KEYS = frozenset({"children", "label", "placeholder", "aria-label", "data-label", "title"})
"""The properties a person reads (never ``value`` or ``id``: codes such as "kväll")."""
LONG = 15
"""Msgids at least this long are also looked for inside longer texts."""
FORM_PAGES = ("/rapportera", "/nattvandring", "/mina-rapporter")


def readable(node: Any, key: str = "") -> Iterator[str]:
    """Every text a person reads in a Dash layout or callback answer (JSON)."""
    if isinstance(node, str):
        if key in TEXT_KEYS:
            yield node
    elif isinstance(node, list):
        for item in node:
            yield from readable(item, key)
    elif isinstance(node, dict):
        for name, value in node.items():
            yield from readable(value, name)


def foreign(texts: list[str], wrong: set[str]) -> list[str]:
    """The texts of the wrong language found in ``texts`` (whole, or long ones inside)."""
    joined = "\n".join(texts)
    whole = {t.strip() for t in texts} & wrong
    inside = {w for w in wrong if len(w) >= LONG and "%(" not in w and w in joined}
    return sorted(whole | inside)


def swedish() -> set[str]:
    return set(catalogue())


def english() -> set[str]:
    return set(catalogue().values())


def page(client: FlaskClient, app: Flask, path: str) -> list[str]:
    values = {"_pages_location.pathname": path, "_pages_location.search": ""}
    return list(readable(said(call_by_input(client, app, "_pages_location", values))))


def report_form(**changes: Any) -> dict[str, Any]:
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
        f"{ids.REPORT_NOTE}.value": "",
        f"{ids.REPORT_NONCE}.data": uuid.uuid4().hex,
    }
    values.update(changes)
    return values


EMPTY_REPORT = {
    f"{ids.REPORT_AREA}.value": None,
    f"{ids.REPORT_CATEGORY}.value": None,
    f"{ids.REPORT_COUNT}.value": None,
    f"{ids.REPORT_NOTE}.value": "x" * 281,
}


def submit_report(client: FlaskClient, app: Flask, values: dict[str, Any]) -> list[str]:
    response = call_callback(
        client, app, f"{ids.REPORT_RESULT}.children", values, [f"{ids.REPORT_SUBMIT}.n_clicks"]
    )
    return list(readable(said(response)))


def submit_walk(client: FlaskClient, app: Flask, **changes: Any) -> list[str]:
    values: dict[str, Any] = {
        f"{ids.WALK_SUBMIT}.n_clicks": 1,
        f"{ids.WALK_DATE}.date": TEST_TODAY.isoformat(),
        f"{ids.WALK_AREAS}.value": ["0380-D05"],
        f"{ids.WALK_START}.value": "20:00",
        f"{ids.WALK_END}.value": "00:30",
        f"{ids.WALK_WALKERS}.value": 4,
        f"{ids.WALK_RATING}.value": "calm",
        f"{ids.WALK_NOTE}.value": "",
        f"{ids.walk_seen(1, 'category')}.value": "samling",
        f"{ids.walk_seen(1, 'count')}.value": 2,
        f"{ids.WALK_NONCE}.data": uuid.uuid4().hex,
    }
    values.update(changes)
    response = call_callback(
        client, app, f"{ids.WALK_RESULT}.children", values, [f"{ids.WALK_SUBMIT}.n_clicks"]
    )
    return list(readable(said(response)))


@pytest.fixture
def english_reporter(app: Flask, client_as: Callable[[str], FlaskClient]) -> FlaskClient:
    client = client_as("rapportor")
    choose(client, app, "en")
    return client


@pytest.mark.parametrize("path", FORM_PAGES)
def test_form_pages_in_english_have_no_swedish_text(
    app: Flask, english_reporter: FlaskClient, path: str
) -> None:
    texts = page(english_reporter, app, path)
    assert texts, path
    assert foreign(texts, swedish()) == []


def test_rapportera_in_english_has_english_labels_and_help(
    app: Flask, english_reporter: FlaskClient
) -> None:
    texts = page(english_reporter, app, "/rapportera")
    for text in ("Report an observation", "Time of day", "Send report", "Choose category"):
        assert text in texts
    assert "Evening (18–22)" in texts or "Evening" in " ".join(texts)


def test_an_empty_report_in_english_gets_english_messages(
    app: Flask, english_reporter: FlaskClient
) -> None:
    texts = submit_report(english_reporter, app, report_form(**EMPTY_REPORT))
    assert "Choose an area." in texts
    assert "Choose a category." in texts
    assert "Enter the number of incidents: a whole number, at least 1." in texts
    assert "At most 280 characters." in texts
    assert "The report was not saved: correct the fields below." in texts
    assert "Category: Choose a category." in texts
    assert foreign(texts, swedish()) == []


def test_a_saved_report_and_mina_rapporter_in_english(
    app: Flask, english_reporter: FlaskClient
) -> None:
    saved = submit_report(english_reporter, app, report_form())
    assert any(t.startswith("Thank you! The report is saved") for t in saved)
    again = report_form()
    submit_report(english_reporter, app, again)
    assert any(t.startswith("Already saved") for t in submit_report(english_reporter, app, again))
    texts = page(english_reporter, app, "/mina-rapporter")
    assert "Submitted" in texts and "Observation" in texts and "evening" in texts
    # The "What" column is worded by data.ingest.own_reports and stays Swedish.
    with app_state(app).sessions() as session:
        rows = own_reports(session, user_id_of(session, "rapportor"), 1).rows
    worded_in_data = {row.what for row in rows}
    assert "Samling/störande samling, 2 st (Skola)" in worded_in_data
    assert foreign([t for t in texts if t not in worded_in_data], swedish()) == []


def test_a_refused_walk_in_english_gets_english_messages(
    app: Flask, english_reporter: FlaskClient
) -> None:
    texts = submit_walk(
        english_reporter,
        app,
        **{
            f"{ids.WALK_AREAS}.value": [],
            f"{ids.WALK_START}.value": "25",
            f"{ids.WALK_RATING}.value": None,
        },
    )
    assert "choose at least one area" in texts
    assert "write the time as HH:MM, e.g. 20:00" in texts
    assert "choose Calm or Uneasy" in texts
    assert "The night walk was not saved: correct the fields below." in texts
    assert foreign(texts, swedish()) == []
    saved = submit_walk(english_reporter, app)
    assert any(
        t.startswith("Thank you! The night walk is reported: 1 area, 2 incidents") for t in saved
    )


def test_form_pages_in_swedish_have_no_english_text(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("rapportor")
    texts = [text for path in FORM_PAGES for text in page(client, app, path)]
    texts += submit_report(client, app, report_form(**EMPTY_REPORT))
    texts += submit_walk(client, app, **{f"{ids.WALK_AREAS}.value": []})
    assert "Välj en kategori." in texts and "välj minst ett område" in texts
    assert foreign(texts, english()) == []


def test_every_form_message_of_data_is_marked_for_translation() -> None:
    """The form's messages worded in data/ are shown through DATA_MESSAGES: a message
    added there without a mark here would reach an English user in Swedish."""
    shown = {
        *FORM_MESSAGES.values(),
        f"{IMPORT_ONLY[:1].upper()}{IMPORT_ONLY[1:]}.",
        f"{NOT_THAT_NIGHT[:1].upper()}{NOT_THAT_NIGHT[1:]}.",
        f"{NOT_YOURS[:1].upper()}{NOT_YOURS[1:]}.",
    }
    assert shown <= set(DATA_MESSAGES)
    assert shown <= set(catalogue())
    assert len(shown) >= 10
