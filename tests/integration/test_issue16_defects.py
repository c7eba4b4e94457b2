"""Issue 16, item 6: the defects leadership met on Översikt, Tid & händelser and the API,
each called the way the browser (or a script) calls it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from dashboard.pages.events_page import default_year
from dashboard.periods import quick_period, window_value
from data.calendar.windows import event_windows
from data.counts.cube import monday_of
from tests.clock import TEST_TODAY
from tests.helpers import call_callback, overview_values

YEAR = default_year(TEST_TODAY)
VALBORG = next(w for w in event_windows(YEAR) if w.key == "valborg")
SUNDAY = monday_of(TEST_TODAY) + timedelta(days=6)


def event_values(level: str, **changes: Any) -> dict[str, Any]:
    return {
        f"{ids.EV_EVENT}.value": window_value(VALBORG),
        f"{ids.EV_LEVEL}.value": level,
        f"{ids.EV_CATEGORIES}.value": [],
        f"{ids.EV_YEAR}.value": YEAR,
        f"{ids.EV_KOMMUN}.value": "0380",
    } | changes


def event_output(client: FlaskClient, app: Flask, level: str, **changes: Any) -> dict[str, Any]:
    response = call_callback(
        client, app, f"{ids.EV_SUMMARY}.children", event_values(level, **changes)
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    out: dict[str, Any] = response.get_json()["response"]
    return out


# --- Översikt: the monthly trend --------------------------------------------------------------


def test_leadership_trend_is_in_months_with_the_running_month_apart(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    first, last = quick_period("4w", TEST_TODAY, grain="month")
    values = overview_values("0380", "custom", (first.isoformat(), last.isoformat()))
    response = call_callback(client_as("ledning"), app, f"{ids.TREND}.figure", values)
    assert response.status_code == 200
    figure = response.get_json()["response"][ids.TREND]["figure"]
    text = json.dumps(figure, ensure_ascii=False)
    assert "vecka" not in text.lower()  # no "Vecka (måndag)", no "pågående vecka"
    assert figure["layout"]["xaxis"]["title"]["text"] == "Månad"
    line = figure["data"][0]
    running_month = date(TEST_TODAY.year, TEST_TODAY.month, 1)
    if monday_of(TEST_TODAY) + timedelta(days=3) < running_month:  # the week is last month's
        running_month = (running_month - timedelta(days=1)).replace(day=1)
    assert line["x"][-1] == running_month.isoformat()
    assert line["y"][-1] is None  # not joined to the line as a fall
    extra = {trace["name"]: trace for trace in figure["data"][1:]}
    hidden = next(name for name in extra if name.startswith("Dolt"))
    assert "<10" in hidden  # the grey squares are explained at leadership's threshold
    running = extra.get("pågående månad (ofullständig)")
    if running is not None:  # the running month is published: drawn apart, hollow
        assert running["x"] == [running_month.isoformat()]
        assert running["marker"]["symbol"] == "circle-open"
    (band,) = figure["layout"]["shapes"]
    assert band["name"] == "vald period" and band["showlegend"]
    assert band["x1"] <= (running_month + timedelta(days=15)).isoformat()


# --- Tid & händelser ----------------------------------------------------------------------------


def test_leadership_calendar_shows_the_reason_and_no_empty_chart(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    out = event_output(client_as("ledning"), app, "custom")
    assert "Visas inte" in str(out[ids.EV_HEATMAP_NOTE]["children"])
    assert out[ids.EV_HEATMAP]["style"] == {"display": "none"}
    assert out[ids.EV_BANDS]["style"] == {"display": "none"}
    shown = event_output(client_as("samordnare"), app, "custom")
    assert shown[ids.EV_HEATMAP]["style"] == {} and shown[ids.EV_BANDS]["style"] == {}
    assert shown[ids.EV_HEATMAP]["figure"]["data"]


def test_event_map_scale_starts_at_zero_and_never_collapses(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    for username, level in (("ledning", "custom"), ("ledning", "kommun"), ("samordnare", "custom")):
        for categories in ([], ["vapen"], ["positiv"]):
            out = event_output(
                client_as(username), app, level, **{f"{ids.EV_CATEGORIES}.value": categories}
            )
            values = out[ids.EV_MAP]["figure"]["data"][0]
            assert values["zmin"] == 0
            top = max(values["z"], default=0)
            assert values["zmax"] == (top if top > 0 else (10 if username == "ledning" else 5))


def test_the_calendar_hint_names_the_viewers_marker(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    for username, shown, not_shown in (("ledning", "<10", "<5"), ("samordnare", "<5", "<10")):
        values = {"_pages_location.pathname": "/tid", "_pages_location.search": ""}
        response = call_callback(client_as(username), app, "_pages_content.children", values)
        body = json.dumps(response.get_json(), ensure_ascii=False)
        hint = body[body.index("Ringar markerar") :][:200]
        assert f"\u201d{shown}\u201d" in hint and not_shown not in hint


def test_year_over_year_axis_runs_oldest_first(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    for username in ("samordnare", "ledning", "polis"):
        level = "custom"
        out = event_output(client_as(username), app, level)
        figure = out[ids.EV_YOY]["figure"]
        order = figure["layout"]["xaxis"]["categoryarray"]
        assert order == sorted(order) and len(order) >= 2
        assert figure["layout"]["xaxis"]["categoryorder"] == "array"
        drawn = {x for trace in figure["data"] for x in trace["x"]}
        assert drawn <= set(order)


# --- the API ------------------------------------------------------------------------------------


def test_api_labels_leadership_counts_with_their_month(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("ledning")
    week = monday_of(TEST_TODAY) - timedelta(weeks=6)
    asked = {"from": week.isoformat(), "to": (week + timedelta(days=6)).isoformat()}
    body = client.get("/api/v1/aggregates", query_string=asked).get_json()
    month = (week + timedelta(days=3)).strftime("%Y-%m")
    assert body["group_by"] == ["month"]
    assert [cell["month"] for cell in body["cells"]] == [month]
    first, last = date.fromisoformat(body["from"]), date.fromisoformat(body["to"])
    assert first <= week and last >= week + timedelta(days=6)  # the whole month, not the week
    assert (first + timedelta(days=3)).strftime("%Y-%m") == month
    assert (first - timedelta(days=4)).strftime("%Y-%m") != month
    # The same count as asking for the month itself.
    whole = client.get(
        "/api/v1/aggregates", query_string={"from": body["from"], "to": body["to"]}
    ).get_json()
    assert whole["cells"] == body["cells"]
    # Up to today: the running month ends with this week, never later.
    now = client.get("/api/v1/aggregates", query_string={"group_by": "area"}).get_json()
    assert date.fromisoformat(now["to"]) == SUNDAY
    assert now["group_by"] == ["area", "month"]
    # A coordinator's rows stay as asked.
    coordinator = client_as("samordnare").get("/api/v1/aggregates", query_string=asked).get_json()
    assert coordinator["group_by"] == [] and coordinator["from"] == asked["from"]
