"""Hostile names stored where users (and imported layer files) put names, then read
back through every export and chart, as the browser and the CLI ask for them.

Issue 14, findings 4 (formula injection in the CSV exports), 6 (the schedule PDF read
local files) and 7 (names became links in charts). Every user-suppliable text that
reaches an export gets a name of :mod:`tests.hostile_names`: the kommun's area names
(as an imported layer file names them), an association, a meeting place, local
events (one asks ReportLab for a local picture) and an API token's label.
"""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from dashboard import ids
from dashboard.figures import plain_text
from dashboard.periods import window_value
from dashboard.plan_exports import PAY_COLUMNS
from dashboard.state import app_state
from data.access.tokens import create_token
from data.calendar.municipal import add_local_event, event_key, kommun_windows
from data.calendar.windows import STOCKHOLM
from data.planning.registry import add_association, add_signup
from data.storage.db import AREAS_VERSION, bump_version, unit_of_work
from data.storage.models import Area
from tests.helpers import call_by_input, call_callback, overview_values
from tests.hostile_names import HOSTILE_NAMES, MARKUP_TAGS, hostile_name, local_image, stored
from tests.integration.test_planning_page import FRIDAY, call_save, propose, said, scope
from tests.unit.test_output_safety import chart_strings, parse_safe_csv, pdf_facts, shown

KOMMUN = "0380"
ASSOCIATION = stored(HOSTILE_NAMES[0])  # the ";=HYPERLINK(…)"
MEETING_POINT = stored(hostile_name(1))
LINK_EVENT = '<a href="https://evil.example">Klicka här</a>'


@dataclass(frozen=True)
class Hostile:
    """What the fixture stored: the area names by code and the local events."""

    area_names: dict[str, str]
    picture: Path
    image_event: str
    link_event: str


@pytest.fixture
def hostile(app: Flask, tmp_path: Path) -> Hostile:
    picture = tmp_path / "hemlig.png"
    Image.new("RGB", (40, 40), "red").save(picture)
    evening = datetime.combine(FRIDAY, time(18), tzinfo=STOCKHOLM)
    with unit_of_work(app_state(app).sessions) as session:
        areas = session.scalars(
            select(Area)
            .where(Area.kommun_code == KOMMUN, Area.level == "custom")
            .order_by(Area.code)
        ).all()
        names = {}
        for i, area in enumerate(areas):
            # An imported layer file's name field is taken as it is.
            area.name = names[area.code] = stored(hostile_name(i))
        bump_version(session)
        bump_version(session, AREAS_VERSION)
        club = add_association(session, KOMMUN, ASSOCIATION)
        add_signup(
            session,
            KOMMUN,
            association_id=club,
            night=FRIDAY,
            walkers=8,
            start="20:30",
            end="01:30",
        )
        image_event = local_image(picture)
        for name in (image_event, LINK_EVENT):
            add_local_event(
                session,
                KOMMUN,
                name=name,
                kind="match",
                starts_at=evening,
                ends_at=evening + timedelta(hours=7),
            )
        create_token(session, "samordnare", label=stored(HOSTILE_NAMES[0]))
    return Hostile(names, picture, image_event, LINK_EVENT)


def event_value(app: Flask, name: str) -> str:
    with app_state(app).sessions() as session:
        windows = kommun_windows(session, KOMMUN, FRIDAY.year)
    return window_value(next(w for w in windows if w.key == event_key(name)))


def event_week(app: Flask, name: str) -> dict[str, Any]:
    """Översikt's inputs for the week of the local event ``name``, the event chosen."""
    monday = FRIDAY - timedelta(days=FRIDAY.weekday())
    values = overview_values(
        KOMMUN, "custom", (monday.isoformat(), (monday + timedelta(days=6)).isoformat())
    )
    values[f"{ids.EVENT_PERIOD}.value"] = event_value(app, name)
    return values


def saved_schedule(client: FlaskClient, app: Flask) -> list[dict[str, Any]]:
    """Propose the Friday's walks (the hostile association signed up) and save them
    with a hostile meeting place."""
    rows = propose(client, app, walkers=8)[ids.PL_SCHEDULE]["data"]
    assert rows, "no walks proposed"
    for row in rows:
        row["meeting_point"] = MEETING_POINT
    saved = call_save(
        client, app, scope(**{f"{ids.PL_SAVE}.n_clicks": 1, f"{ids.PL_SCHEDULE}.data": rows})
    )
    assert "Schemat är sparat" in str(said(saved))
    return rows


def parse_export(text: str, *, delimiter: str = ";") -> list[list[str]]:
    """The CSV's rows, each as long as its header, no cell formula-like."""
    lines = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    return parse_safe_csv(text, columns=len(lines[0]), rows=len(lines) - 1, delimiter=delimiter)


def planning_export(client: FlaskClient, app: Flask, button: str) -> Any:
    out = call_by_input(client, app, button, scope(**{f"{button}.n_clicks": 1}))
    return said(out)[ids.PL_DOWNLOAD]["data"]


def test_the_pay_csv_keeps_the_association_in_its_cell_and_the_amount_in_place(
    app: Flask, client_as: Callable[[str], FlaskClient], hostile: Hostile
) -> None:
    """The issue's attack: an association named ``;=HYPERLINK(…)`` became a formula
    cell of its own and shifted the amount."""
    client = client_as("samordnare")
    rows = saved_schedule(client, app)
    content = planning_export(client, app, ids.PL_EXPORT_PAY)["content"]
    parsed = parse_export(content)
    assert parsed[0][0] == "forening" and len(parsed[0]) == len(PAY_COLUMNS)
    (club,) = [r for r in parsed[1:] if shown(r[0]) == ASSOCIATION]
    assert club[0] == ASSOCIATION  # one quoted cell; ";" is no formula trigger
    assert club[1] == str(sum(r["association"] == ASSOCIATION for r in rows))
    float(club[-1])  # the amount is still the last cell, a number


def test_the_schedule_csv_and_pdf_show_hostile_names_as_text(
    app: Flask, client_as: Callable[[str], FlaskClient], hostile: Hostile
) -> None:
    """The CSV keeps every name in its cell; the PDF prints the markup of a local
    event's name (it is in the night's reasons) instead of embedding the picture."""
    client = client_as("samordnare")
    rows = saved_schedule(client, app)
    content = planning_export(client, app, ids.PL_EXPORT_CSV)["content"]
    parsed = parse_safe_csv(content, columns=10, rows=len(rows))
    assert {shown(r[3]) for r in parsed[1:]} == {hostile.area_names[r["area"]] for r in rows}
    assert {shown(r[8]) for r in parsed[1:]} == {MEETING_POINT}
    pdf = planning_export(client, app, ids.PL_EXPORT_PDF)
    images, text = pdf_facts(base64.b64decode(pdf["content"]))
    assert images == 0
    assert f'<img src="{hostile.picture}"' in text
    assert "Klicka här</a>" in text


def test_the_map_csv_keeps_area_and_event_names_in_their_cells(
    app: Flask, client_as: Callable[[str], FlaskClient], hostile: Hostile
) -> None:
    values = event_week(app, hostile.link_event)
    values[f"{ids.EXPORT_BUTTON}.n_clicks"] = 1
    response = call_callback(
        client_as("samordnare"),
        app,
        f"{ids.EXPORT_DOWNLOAD}.data",
        values,
        [f"{ids.EXPORT_BUTTON}.n_clicks"],
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    content = response.get_json()["response"][ids.EXPORT_DOWNLOAD]["data"]["content"]
    head, table = content.removeprefix("\ufeff").split("\r\n\r\n", 1)
    block = dict(parse_safe_csv(head, columns=2, rows=head.count("\r\n")))  # the filters
    assert block["Period"].startswith(LINK_EVENT)
    parsed = parse_safe_csv(table, columns=6, rows=len(hostile.area_names))
    assert {shown(r[1]) for r in parsed[1:]} == set(hostile.area_names.values())
    assert all(r[4].startswith(LINK_EVENT) for r in parsed[1:])


@pytest.mark.parametrize(
    ("args", "column"),
    [
        (["list-areas", "--kommun", KOMMUN, "--level", "custom"], "name"),
        (["calendar", "--kommun", KOMMUN, "--year", str(FRIDAY.year)], "name"),
        (["list-tokens", "samordnare"], "label"),
    ],
)
def test_the_cli_listings_keep_hostile_names_in_their_cells(
    app: Flask, hostile: Hostile, args: list[str], column: str
) -> None:
    result = app.test_cli_runner().invoke(args=["ssp", *args])
    assert result.exit_code == 0, result.output
    parsed = parse_export(result.output, delimiter=",")
    index = parsed[0].index(column)
    names = {shown(r[index]) for r in parsed[1:]}
    expected = {
        "list-areas": set(hostile.area_names.values()),
        "calendar": {hostile.image_event, hostile.link_event},
        "list-tokens": {ASSOCIATION},
    }[args[0]]
    assert expected <= names


def assert_no_markup(figure: Any) -> str:
    """The figure's strings hold no hostile tag; returns them joined (for more checks)."""
    texts = chart_strings(figure)
    joined = "\n".join(texts)
    for tag in MARKUP_TAGS:
        for text in texts:
            rest = text
            for own in ("<br>", "<b>", "</b>", "<extra>", "</extra>"):
                rest = rest.replace(own, "")
            assert tag not in rest, text
    return joined


def test_an_event_name_in_the_tid_map_title_is_text_not_a_link(
    app: Flask, client_as: Callable[[str], FlaskClient], hostile: Hostile
) -> None:
    """The issue's attack: a local event's name rendered as a clickable link."""
    values = {
        f"{ids.EV_EVENT}.value": event_value(app, hostile.link_event),
        f"{ids.EV_LEVEL}.value": "custom",
        f"{ids.EV_CATEGORIES}.value": [],
        f"{ids.EV_YEAR}.value": FRIDAY.year,
        f"{ids.EV_KOMMUN}.value": KOMMUN,
    }
    response = call_callback(client_as("samordnare"), app, f"{ids.EV_SUMMARY}.children", values)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    out = response.get_json()["response"]
    title = out[ids.EV_MAP]["figure"]["layout"]["title"]["text"]
    assert title.startswith('&lt;a href="https://evil.example"&gt;Klicka här&lt;/a&gt;')
    for chart in (ids.EV_MAP, ids.EV_YOY, ids.EV_HEATMAP):
        assert_no_markup(out[chart]["figure"])


def test_area_names_on_the_planering_axis_are_text_not_links(
    app: Flask, client_as: Callable[[str], FlaskClient], hostile: Hostile
) -> None:
    """The issue's attack: area names on the forecast's axis were links."""
    response = call_callback(client_as("samordnare"), app, f"{ids.PL_FORECAST}.figure", scope())
    figure = said(response)[ids.PL_FORECAST]["figure"]
    assert_no_markup(figure)
    axis = figure["data"][0]["y"]
    # 15 of the 24 areas are shown; at least one of the ten with markup is among them.
    assert set(axis) <= {plain_text(n) for n in hostile.area_names.values()}
    assert any("&lt;" in name for name in axis)


@pytest.mark.parametrize("changed", [[], [f"{ids.PERIOD}.start_date"]], ids=["new", "patch"])
def test_overview_map_hover_and_title_are_text(
    app: Flask, client_as: Callable[[str], FlaskClient], hostile: Hostile, changed: list[str]
) -> None:
    """A new layer gets a figure, any other change a Patch: both escape the names."""
    values = event_week(app, hostile.link_event)
    response = call_callback(client_as("samordnare"), app, f"{ids.MAP}.figure", values, changed)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    figure = response.get_json()["response"][ids.MAP]["figure"]
    joined = assert_no_markup(figure)
    assert '&lt;a href="https://evil.example"&gt;' in joined  # the title, or the Patch's
