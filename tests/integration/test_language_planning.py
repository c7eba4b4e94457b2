"""Planering in the reader's language (issue 15): the layout and every main callback's
answer hold no Swedish catalogue text for an English coordinator and no English
catalogue text for a Swedish one. What the data layer words (the forecast's reasons,
refusals from ``data/``) and the walkers' downloads stay Swedish by design and are left
out of the comparison."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from dashboard import ids
from dashboard.state import app_state
from data.storage.models import Area, Association
from tests.browser.test_language_browser import catalogue, pattern
from tests.helpers import call_by_input, call_callback
from tests.integration.test_language import choose, page_text
from tests.integration.test_planning_page import FRIDAY, call_save, propose, said, scope

TEXT_KEYS = frozenset(
    {
        "children",
        "label",
        "placeholder",
        "hint",
        "data-aria-label",
        "title",
        "text",
        "name",
        "customdata",
        "x",
        "y",
    }
)
"""Props and figure keys that hold what a person reads."""
NOT_READ = frozenset({ids.PL_REASONS})
"""Outputs worded by the data layer (the forecast's reasons stay Swedish)."""


def texts(tree: Any, key: str = "children") -> Iterator[str]:
    """Every readable string in a serialised layout or callback answer."""
    if isinstance(tree, str):
        if key in TEXT_KEYS:
            # A hover is "area night<br>expected …<br>reasons": the reasons are data's.
            yield "<br>".join(tree.split("<br>")[:2]) if key == "customdata" else tree
    elif isinstance(tree, list):
        for item in tree:
            yield from texts(item, key)
    elif isinstance(tree, dict):
        for name, value in tree.items():
            if name in NOT_READ:
                continue
            yield from texts(value, name if name in TEXT_KEYS else key if name == "props" else name)


def readable(app: Flask, *answers: Any) -> str:
    """The answers' readable text with data (area and association names) taken out."""
    with app_state(app).sessions() as session:
        names = list(session.scalars(select(Area.name))) + list(
            session.scalars(select(Association.name))
        )
    text = "\n".join(t for a in answers for t in texts(a))
    for name in [*sorted({n for n in names if n}, key=len, reverse=True), "SSP Lägesbild"]:
        text = text.replace(name, " ")  # data, and the product's name
    return text


def swedish_left(text: str) -> list[str]:
    return [sv for sv, en in catalogue().items() if en and en != sv and pattern(sv).search(text)]


def english_shown(text: str) -> list[str]:
    return [en for sv, en in catalogue().items() if en and en != sv and pattern(en).search(text)]


def planning_answers(client: FlaskClient, app: Flask) -> list[Any]:
    """The layout and the main callbacks' answers: period view, association, sign-up,
    proposal, save, meeting, signals and severities."""
    layout = said(
        call_by_input(
            client,
            app,
            "_pages_location",
            {"_pages_location.pathname": "/planering", "_pages_location.search": ""},
        )
    )
    club = said(
        call_by_input(
            client,
            app,
            ids.PL_ADD_ASSOCIATION,
            scope(
                **{
                    f"{ids.PL_ADD_ASSOCIATION}.n_clicks": 1,
                    f"{ids.PL_NEW_ASSOCIATION}.value": "Demo IK",
                }
            ),
        )
    )
    chosen = club[ids.PL_ASSOCIATION]["value"]
    refused = said(
        call_by_input(
            client,
            app,
            ids.PL_ADD_SIGNUP,
            scope(**{f"{ids.PL_ADD_SIGNUP}.n_clicks": 1, f"{ids.PL_SIGNUP_WALKERS}.value": 3}),
        )
    )
    signup = said(
        call_by_input(
            client,
            app,
            ids.PL_ADD_SIGNUP,
            scope(
                **{
                    f"{ids.PL_ADD_SIGNUP}.n_clicks": 1,
                    f"{ids.PL_ASSOCIATION}.value": chosen,
                    f"{ids.PL_SIGNUP_NIGHT}.value": FRIDAY.isoformat(),
                    f"{ids.PL_SIGNUP_WALKERS}.value": 6,
                    f"{ids.PL_SIGNUP_START}.value": "21:00",
                    f"{ids.PL_SIGNUP_END}.value": "01:00",
                }
            ),
        )
    )
    proposal = propose(client, app)
    rows = proposal[ids.PL_SCHEDULE]["data"]
    saved = said(
        call_save(
            client, app, scope(**{f"{ids.PL_SAVE}.n_clicks": 1, f"{ids.PL_SCHEDULE}.data": rows})
        )
    )
    view = said(call_callback(client, app, f"{ids.PL_FORECAST}.figure", scope()))
    meeting = said(
        call_by_input(
            client,
            app,
            ids.PL_ADD_MEETING,
            scope(**{f"{ids.PL_ADD_MEETING}.n_clicks": 1, f"{ids.PL_MEETING_DATE}.date": None}),
        )
    )
    signals = said(
        call_callback(
            client,
            app,
            f"{ids.PL_SIGNALS}.children",
            scope(**{f"{ids.PL_CONCERNS}.value": ["narkotika", "rekrytering"]}),
        )
    )
    none_watched = said(
        call_callback(
            client, app, f"{ids.PL_SIGNALS}.children", scope(**{f"{ids.PL_CONCERNS}.value": []})
        )
    )
    severities = said(call_callback(client, app, f"{ids.PL_SEVERITIES}.children", scope()))
    return [
        layout,
        club,
        refused,
        signup,
        proposal,
        saved,
        view,
        meeting,
        signals,
        none_watched,
        severities,
    ]


def test_planning_in_english_has_no_swedish_text(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    choose(client, app, "en")
    answers = planning_answers(client, app)
    text = readable(app, *answers)
    assert not swedish_left(text), f"Swedish on the English Planering: {swedish_left(text)}"
    for english in (
        "Forecast per area and night",
        "How to use Planning",
        "Propose schedule",
        "The sign-up is added.",
        "The schedule is saved: ",
        "Expected obs.<br>per evening",
        "expected observations",
        "Choose the meeting's date.",
        "Choose at least one category to watch.",
    ):
        assert english in text, english
    heat = answers[6][ids.PL_FORECAST]["figure"]["data"][0]
    assert all(re.fullmatch(r"(Fri|Sat|Sun|Mon|Tue|Wed|Thu) \d{4}-\d\d-\d\d", x) for x in heat["x"])


def test_planning_in_swedish_has_no_english_text(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    answers = planning_answers(client, app)
    text = readable(app, *answers)
    assert not english_shown(text), f"English on the Swedish Planering: {english_shown(text)}"
    for swedish in (
        "Prognos per område och natt",
        "Så använder du Planering",
        "Anmälan är tillagd.",
        "Schemat är sparat: ",
        "Väntade obs.<br>per kväll",
        "Välj mötets datum.",
    ):
        assert swedish in text, swedish


@pytest.mark.parametrize(("language", "decimal"), [("en", r"\d\.\d"), ("sv", r"\d,\d")])
def test_the_expected_value_is_written_with_the_readers_decimal_mark(
    app: Flask, client_as: Callable[[str], FlaskClient], language: str, decimal: str
) -> None:
    client = client_as("samordnare")
    choose(client, app, language)
    table = str(propose(client, app)[ids.PL_SCHEDULE_TABLE])
    unit = "expected obs." if language == "en" else "väntade obs."
    assert re.search(decimal + " " + re.escape(unit), table), table[:400]
    hover = said(call_callback(client, app, f"{ids.PL_FORECAST}.figure", scope()))
    first = hover[ids.PL_FORECAST]["figure"]["data"][0]["customdata"][0][0]
    assert re.search(r"(observations|observationer) " + decimal, first), first


def test_removing_a_signup_in_either_language_answers_instead_of_crashing(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """Regression: the remove callback unpacked into ``_`` and then called ``_()``."""
    client = client_as("samordnare")
    for language, gone in (("en", "Not found."), ("sv", "Fanns inte.")):
        choose(client, app, language)
        answer = call_by_input(
            client,
            app,
            '{"item":["ALL"],"type":"pl-delete"}',
            scope(),
            clicked=[{"id": {"item": "signup|999999", "type": ids.PL_DELETE_TYPE}, "value": 1}],
        )
        assert gone in str(said(answer))
    assert page_text(client, app, "/planering")
