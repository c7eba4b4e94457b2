"""Tid & händelser and Kalender in the reader's language (issue 15, i18n wave 2): an
English user reads no Swedish text of the catalogue on the pages and in their callbacks'
answers, a Swedish user no English translation."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from dashboard.periods import window_value
from tests.helpers import call_by_input, call_callback
from tests.integration.test_calendar_page import event_values
from tests.integration.test_language import choose, said
from tests.integration.test_overview_issue15 import _valborg
from tests.integration.test_pages import page
from tests.language_tools import catalogue

NOT_TEXT = frozenset(
    {"id", "className", "type", "namespace", "htmlFor", "role", "value"}
    | {"display_format", "month_format"}
)
"""Props that are never read as text (the rest: children, labels, titles, hover …);
a date picker's formats are patterns, not words."""


def _pattern(text: str) -> re.Pattern[str]:
    """The whole of ``text`` with each ``%(name)s`` matching anything."""
    pieces = re.split(r"%\(\w+\)[sd]", text.replace("%%", "%"))
    return re.compile(r".*?".join(re.escape(p) for p in pieces), re.DOTALL)


def texts(node: Any, key: str = "") -> Iterator[str]:
    """Every string a reader may see in a serialised layout or callback answer."""
    if isinstance(node, str):
        if key not in NOT_TEXT:
            yield node
    elif isinstance(node, list):
        for item in node:
            yield from texts(item, key)
    elif isinstance(node, dict):
        for name, value in node.items():
            yield from texts(value, name if isinstance(value, str | list) else key)


def left_over(strings: list[str], messages: list[str]) -> list[str]:
    """``messages`` that one of ``strings`` is (whole, placeholders filled in) or,
    for long messages, contains."""
    found = []
    for message in messages:
        whole = _pattern(message)
        if any(
            whole.fullmatch(s) or (len(message) >= 25 and "%(" not in message and message in s)
            for s in strings
        ):
            found.append(message)
    return found


def _tid_answers(client: FlaskClient, app: Flask) -> list[Any]:
    valborg = _valborg()
    values = {
        f"{ids.EV_EVENT}.value": window_value(valborg),
        f"{ids.EV_LEVEL}.value": "custom",
        f"{ids.EV_CATEGORIES}.value": [],
        f"{ids.EV_YEAR}.value": valborg.start.year,
        f"{ids.EV_KOMMUN}.value": "0380",
    }
    status, layout = page(client, app, "/tid")
    assert status == 200
    update = call_callback(client, app, f"{ids.EV_SUMMARY}.children", values)
    options = call_callback(
        client,
        app,
        f"{ids.EV_EVENT}.options",
        {f"{ids.EV_YEAR}.value": valborg.start.year, f"{ids.EV_KOMMUN}.value": "0380"},
    )
    import json

    return [json.loads(layout), said(update), said(options)]


def _kalender_answers(client: FlaskClient, app: Flask) -> list[Any]:
    import json

    status, layout = page(client, app, "/kalender")
    assert status == 200
    listing = call_callback(
        client,
        app,
        f"{ids.CAL_SCHOOL_LIST}.children",
        {f"{ids.CAL_KOMMUN}.value": "0380", f"{ids.CAL_REFRESH}.data": 0},
    )
    refused = call_by_input(
        client, app, ids.CAL_EVENT_ADD, event_values(**{f"{ids.CAL_EVENT_START_DAY}.date": None})
    )
    saved = call_by_input(client, app, ids.CAL_EVENT_ADD, event_values())
    return [json.loads(layout), said(listing), said(refused), said(saved)]


PAGES: dict[str, Callable[[FlaskClient, Flask], list[Any]]] = {
    "tid": _tid_answers,
    "kalender": _kalender_answers,
}


@pytest.mark.parametrize("name", list(PAGES))
def test_page_in_english_has_no_swedish_text(
    app: Flask, client_as: Callable[[str], FlaskClient], name: str
) -> None:
    """test_tid_in_english_has_no_swedish_text and test_kalender_in_english_…"""
    client = client_as("samordnare")
    choose(client, app, "en")
    strings = list(texts(PAGES[name](client, app)))
    assert any("Count" in s or "Type" in s for s in strings)  # it is in English
    swedish = left_over(strings, list(catalogue()))
    assert not swedish, f"Swedish left on {name} for an English user: {swedish}"


@pytest.mark.parametrize("name", list(PAGES))
def test_page_in_swedish_has_no_english_text(
    app: Flask, client_as: Callable[[str], FlaskClient], name: str
) -> None:
    """test_tid_in_swedish_… and test_kalender_in_swedish_has_no_english_text."""
    client = client_as("samordnare")
    strings = list(texts(PAGES[name](client, app)))
    assert any("Antal" in s or "Typ" in s for s in strings)
    english = left_over(strings, list(catalogue().values()))
    assert not english, f"English on {name} for a Swedish user: {english}"
