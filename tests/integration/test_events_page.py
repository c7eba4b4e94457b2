"""Tid & händelser through the Flask test client, as the browser calls its callbacks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from dashboard.pages.events_page import RANKED_LIMIT, default_year
from dashboard.periods import window_value
from dashboard.state import app_state
from data.calendar.municipal import MAX_EVENTS_PER_YEAR, add_local_event, local_events
from data.calendar.windows import event_windows, local
from data.privacy.disclosure import SECONDARY_MARKER
from data.storage.db import unit_of_work
from tests.clock import TEST_TODAY
from tests.helpers import call_callback

YEAR = default_year(TEST_TODAY)
VALBORG = next(w for w in event_windows(YEAR) if w.key == "valborg")


def values(event: str | None = None, **changes: Any) -> dict[str, Any]:
    base = {
        f"{ids.EV_EVENT}.value": window_value(VALBORG) if event is None else event,
        f"{ids.EV_LEVEL}.value": "custom",
        f"{ids.EV_CATEGORIES}.value": [],
        f"{ids.EV_YEAR}.value": YEAR,
        f"{ids.EV_KOMMUN}.value": "0380",
    }
    return base | changes


def update(client: FlaskClient, app: Flask, vals: dict[str, Any]) -> Any:
    return call_callback(client, app, f"{ids.EV_SUMMARY}.children", vals)


def test_the_event_list_offers_the_years_finished_windows_valborg_first(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    response = call_callback(
        client_as("samordnare"),
        app,
        f"{ids.EV_EVENT}.options",
        {f"{ids.EV_YEAR}.value": YEAR, f"{ids.EV_KOMMUN}.value": "0380"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    body = response.get_json()["response"]
    labels = [o["label"] for o in body[ids.EV_EVENT]["options"]]
    assert any(label.startswith("Valborg (30 apr 18:00 – 1 maj 06:00)") for label in labels)
    assert any(label.startswith("Lönehelg") for label in labels)
    assert body[ids.EV_EVENT]["value"] == window_value(VALBORG)


def test_valborg_gives_a_map_a_year_over_year_chart_a_ranking_and_a_calendar(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    response = update(client_as("samordnare"), app, values())
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    out = response.get_json()["response"]
    assert "Valborg" in str(out[ids.EV_SUMMARY]["children"])
    figure = out[ids.EV_MAP]["figure"]
    assert figure["data"][0]["geojson"].startswith("/geo/0380/custom.geojson")
    shown = figure["data"][0]["z"]
    assert all(v == 0 or v >= 5 for v in shown)  # published counts only
    yoy = out[ids.EV_YOY]["figure"]["data"]
    years = [*yoy[0]["x"], *yoy[1]["x"]]
    assert str(YEAR) in years
    ranked = str(out[ids.EV_RANKED]["children"])
    assert "Valborg" in ranked and "Lönehelg" in ranked
    heat = out[ids.EV_HEATMAP]["figure"]["data"][0]
    assert heat["x"] == ["mån", "tis", "ons", "tor", "fre", "lör", "sön"]
    assert len(heat["y"]) == 9  # the event's week and four on each side
    cells = [c for row in heat["text"] for c in row]
    for cell in cells:
        assert cell in ("<5", SECONDARY_MARKER) or int(cell) == 0 or int(cell) >= 5
    rings = out[ids.EV_HEATMAP]["figure"]["data"][1]["text"]
    assert any("Valborg" in r for r in rings) and any("Första maj" in r for r in rings)


def test_choosing_another_event_changes_the_map_and_the_chart(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    midsommar = next(w for w in event_windows(YEAR) if w.key == "midsommar")
    first = update(client, app, values()).get_json()["response"]
    second = update(client, app, values(window_value(midsommar))).get_json()["response"]
    assert first[ids.EV_MAP]["figure"]["layout"]["title"]["text"] == f"Valborg {YEAR}"
    assert second[ids.EV_MAP]["figure"]["layout"]["title"]["text"] == f"Midsommar {YEAR}"
    assert first[ids.EV_YOY]["figure"] != second[ids.EV_YOY]["figure"]


def test_leadership_gets_comparisons_but_no_day_by_day_calendar(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    response = update(client_as("ledning"), app, values(**{f"{ids.EV_LEVEL}.value": "regso"}))
    if response.status_code == 403:  # no RegSO in the demo: leadership's own areas
        response = update(client_as("ledning"), app, values(**{f"{ids.EV_LEVEL}.value": "kommun"}))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    out = response.get_json()["response"]
    assert "Visas inte" in str(out[ids.EV_HEATMAP_NOTE]["children"])
    assert out[ids.EV_HEATMAP]["figure"] == {}
    text = str(out[ids.EV_SUMMARY]["children"])
    assert "<10" in text or "händelser" in text


@pytest.mark.parametrize(
    "changes",
    [
        {f"{ids.EV_EVENT}.value": "valborg|1999-04-30T18:00+02:00"},
        {f"{ids.EV_EVENT}.value": {"x": 1}},
        {f"{ids.EV_YEAR}.value": "tjugohundra"},
        {f"{ids.EV_YEAR}.value": 1999},
        {f"{ids.EV_LEVEL}.value": "'; drop table"},
        {f"{ids.EV_CATEGORIES}.value": "samling"},
    ],
)
def test_forged_values_are_refused(
    app: Flask, client_as: Callable[[str], FlaskClient], changes: dict[str, Any]
) -> None:
    response = update(client_as("samordnare"), app, values(**changes))
    assert response.status_code == 400


def test_another_kommun_is_refused_and_no_login_is_refused(
    app: Flask, client_as: Callable[[str], FlaskClient], client: FlaskClient
) -> None:
    response = update(client_as("samordnare"), app, values(**{f"{ids.EV_KOMMUN}.value": "0191"}))
    assert response.status_code == 403
    assert update(client, app, values()).status_code in (401, 403)


def test_the_page_is_listed_and_served(app: Flask, client_as: Callable[[str], FlaskClient]) -> None:
    client = client_as("samordnare")
    page = client.get("/tid")
    assert page.status_code == 200


def test_areas_are_compared_with_their_own_normal_weeks(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    out = update(client_as("samordnare"), app, values()).get_json()["response"]
    table = str(out[ids.EV_AREAS]["children"])
    assert "ev-areas-table" in table and "Demoområde" in table
    assert "'Ja'" in table  # the demo's valborg effect is clear in some area
    shown = out[ids.EV_MAP]["figure"]["data"][0]
    # The table's counts are the map's published numbers, not new ones.
    import re

    counts = {int(c) for c in re.findall(r"'children': '(\d+)'}", table)}
    assert counts <= {int(z) for z in shown["z"]} | {0}


def test_a_year_full_of_local_events_shows_the_top_20_and_how_many_there_are(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """With as many local events as a kommun may enter (60 a year) the ranking shows
    the 20 clearest rises and says how many windows there are, not a 80-row table."""
    last = min(TEST_TODAY - timedelta(days=2), date(YEAR, 12, 28))
    span = (last - date(YEAR, 1, 2)).days
    with unit_of_work(app_state(app).sessions) as session:
        have = [r for r in local_events(session, "0380") if r.window.start.year == YEAR]
        for i in range(MAX_EVENTS_PER_YEAR - len(have)):
            start = local(date(YEAR, 1, 2) + timedelta(days=(7 * i) % span), 18)
            add_local_event(
                session,
                "0380",
                name=f"Lokalt evenemang {i}",
                kind="annat",
                starts_at=start,
                ends_at=start + timedelta(hours=4),
            )
    client = client_as("samordnare")
    options = call_callback(
        client,
        app,
        f"{ids.EV_EVENT}.options",
        {f"{ids.EV_YEAR}.value": YEAR, f"{ids.EV_KOMMUN}.value": "0380"},
    ).get_json()["response"][ids.EV_EVENT]["options"]
    assert len(options) > RANKED_LIMIT + MAX_EVENTS_PER_YEAR // 2
    response = update(client, app, values())
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    ranked = response.get_json()["response"][ids.EV_RANKED]["children"]
    note, table = ranked
    assert note["props"]["children"] == (
        f"Visar {RANKED_LIMIT} av {len(options)} händelser: de med störst ökning."
    )
    rows = table["props"]["children"][1]["props"]["children"]
    assert len(rows) == RANKED_LIMIT == 20
