"""The overview callbacks through the Flask test client, as the browser calls them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from dashboard.state import app_state, today
from data.counts.cube import monday_of
from data.privacy.disclosure import SECONDARY_MARKER
from tests.clock import TEST_TODAY
from tests.helpers import call_callback, map_traces, overview_values, weeks_ago

MAX_FILTER_RESPONSE_BYTES = 50 * 1024


def _map_response(
    client: FlaskClient, app: Flask, values: dict[str, Any], changed: list[str]
) -> Any:
    response = call_callback(client, app, "ov-top-table.children", values, changed)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response


def test_filter_change_sends_values_not_geometry(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    values = overview_values("0380", "custom", weeks_ago(12), categories=["samling", "vald"])
    response = _map_response(client, app, values, [f"{ids.CATEGORIES}.value"])
    body = response.get_data()
    assert b"coordinates" not in body
    assert len(body) < MAX_FILTER_RESPONSE_BYTES
    figure = response.get_json()["response"][ids.MAP]["figure"]
    # A Patch: operations on the values of data[0]/data[1], no new figure, no geojson.
    assert "__dash_patch_update" in figure
    assert b"geojson" not in body


def test_first_load_names_the_geometry_url_instead_of_embedding_it(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    response = _map_response(client, app, overview_values("0380", "custom", weeks_ago(4)), [])
    body = response.get_data()
    assert b"coordinates" not in body
    figure = response.get_json()["response"][ids.MAP]["figure"]
    assert "__dash_patch_update" not in figure  # the first call sends the whole figure
    url = figure["data"][0]["geojson"]
    assert url.startswith("/geo/0380/custom.geojson")
    geometry = client.get(url)
    assert geometry.status_code == 200
    codes = {f["id"] for f in geometry.get_json()["features"]}
    assert codes == {f"0380-D{i:02d}" for i in range(1, 25)}


def test_map_shows_every_demo_area_of_the_kommun(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    response = _map_response(client, app, overview_values("0380", "custom", weeks_ago(12)), [])
    traces = map_traces(response.get_json()["response"][ids.MAP]["figure"])
    located = traces[0]["locations"] + traces[1]["locations"]
    assert sorted(located) == [f"0380-D{i:02d}" for i in range(1, 25)]
    assert sum(traces[0]["z"]) > 0


def _patched_z(payload: dict[str, Any], trace: int) -> list[int]:
    for op in payload["response"][ids.MAP]["figure"]["operations"]:
        if op["location"] == ["data", trace, "z"]:
            return list(op["params"]["value"])
    raise AssertionError("no z in the patch")


def test_filter_changes_the_map_values(app: Flask, client_as: Callable[[str], FlaskClient]) -> None:
    client = client_as("samordnare")
    period = weeks_ago(26)
    everything = _map_response(client, app, overview_values("0380", "custom", period), [])
    fewer = _map_response(
        client,
        app,
        overview_values("0380", "custom", period, categories=["vald"]),
        [f"{ids.CATEGORIES}.value"],
    )
    all_z = map_traces(everything.get_json()["response"][ids.MAP]["figure"])[0]["z"]
    violence_z = _patched_z(fewer.get_json(), 0)
    assert sum(all_z) > sum(violence_z) > 0


def _published_numbers(payload: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every count the overview callbacks send, with where it was found."""
    out: list[tuple[str, Any]] = []
    figure = payload["response"][ids.MAP]["figure"]
    if "__dash_patch_update" in figure:
        for op in figure["operations"]:
            location = op["location"]
            if location[-1] == "z":
                out.extend((f"patch z trace {location[1]}", v) for v in op["params"]["value"])
            if location[-1] == "customdata":
                out.extend(
                    (f"patch text trace {location[1]}", row[1]) for row in op["params"]["value"]
                )
    else:
        for index, trace in enumerate(figure["data"]):
            if index == 0:
                out.extend(("map z", v) for v in trace["z"])
            out.extend((f"map text trace {index}", row[1]) for row in trace["customdata"])
    return out


def _assert_safe(value: Any, k: int, where: str) -> None:
    if value in (f"<{k}", SECONDARY_MARKER):
        return
    number = int(value)
    assert number == 0 or number >= k, f"{where}: published {value!r}"


def _table_numbers(children: Any) -> list[str]:
    """Texts of the count column of the top-areas table."""
    if not isinstance(children, dict) or children.get("type") != "Table":
        return []
    body = children["props"]["children"][1]
    return [row["props"]["children"][2]["props"]["children"] for row in body["props"]["children"]]


def test_every_count_sent_to_the_browser_is_zero_at_least_five_or_marked(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """Sweep all demo areas of both kommuner over every single week of the demo."""
    client = client_as("admin")
    with app_state(app).sessions() as session:
        cube = app_state(app).cubes.get(session, today=today(app))
    checked = 0
    for kommun in ("0380", "0191"):
        for level in ("custom", "kommun"):
            monday = cube.first_monday
            while monday <= cube.last_monday:
                period = (monday.isoformat(), (monday + timedelta(days=6)).isoformat())
                values = overview_values(kommun, level, period)
                response = call_callback(
                    client, app, "ov-top-table.children", values, [f"{ids.PERIOD}.start_date"]
                )
                payload = response.get_json()
                for where, value in _published_numbers(payload):
                    _assert_safe(value, 5, where)
                    checked += 1
                for text in _table_numbers(payload["response"][ids.TOP_TABLE]["children"]):
                    _assert_safe(text, 5, "top table")
                monday += timedelta(weeks=1)
    assert checked > 4000


FOCUS_AREAS = [None, *(f"0380-D{i:02d}" for i in range(1, 25))]


@pytest.mark.parametrize("focus", FOCUS_AREAS)
def test_every_trend_value_is_zero_at_least_five_or_a_gap(
    app: Flask, client_as: Callable[[str], FlaskClient], focus: str | None
) -> None:
    """Every week of the whole demo, for the kommun and for each of its areas."""
    client = client_as("samordnare")
    with app_state(app).sessions() as session:
        cube = app_state(app).cubes.get(session, today=today(app))
    period = (cube.first_monday.isoformat(), TEST_TODAY.isoformat())
    response = call_callback(
        client, app, "ov-trend.figure", overview_values("0380", "custom", period, focus=focus)
    )
    assert response.status_code == 200
    figure = response.get_json()["response"][ids.TREND]["figure"]
    trace = figure["data"][0]
    assert len(trace["y"]) == cube.n_weeks
    running = figure["data"][2:]  # the running week, drawn apart when it is published
    if running:
        assert running[0]["x"] == [trace["x"][-1]] and trace["y"][-1] is None
        trace["y"][-1] = running[0]["y"][0]
    for value, text in zip(trace["y"], trace["text"], strict=True):
        if value is None:
            assert text == "<5"
        else:
            assert value == 0 or value >= 5
            assert text == str(value)


def test_focus_area_narrows_the_trend(app: Flask, client_as: Callable[[str], FlaskClient]) -> None:
    client = client_as("samordnare")
    period = weeks_ago(52)
    whole = call_callback(client, app, "ov-trend.figure", overview_values("0380", "custom", period))
    one = call_callback(
        client, app, "ov-trend.figure", overview_values("0380", "custom", period, focus="0380-D01")
    )
    whole_y = [v or 0 for v in whole.get_json()["response"][ids.TREND]["figure"]["data"][0]["y"]]
    one_y = [v or 0 for v in one.get_json()["response"][ids.TREND]["figure"]["data"][0]["y"]]
    assert sum(one_y) < sum(whole_y)
    title = one.get_json()["response"][ids.TREND_TITLE]["children"]
    assert "Demoområde 1" in title


def test_clicking_an_area_sets_the_focus(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    values = {f"{ids.MAP}.clickData": {"points": [{"location": "0380-D03"}]}}
    response = call_callback(client, app, "ov-focus.data", values, [f"{ids.MAP}.clickData"])
    assert response.get_json()["response"][ids.FOCUS]["data"] == "0380-D03"
    cleared = call_callback(client, app, "ov-focus.data", values, [f"{ids.FOCUS_CLEAR}.n_clicks"])
    assert cleared.get_json()["response"][ids.FOCUS]["data"] is None


def test_quick_period_sets_whole_weeks(app: Flask, client_as: Callable[[str], FlaskClient]) -> None:
    client = client_as("samordnare")
    response = call_callback(
        client,
        app,
        "ov-period.start_date",
        {f"{ids.QUICK_PERIOD}.value": "12w"},
        [f"{ids.QUICK_PERIOD}.value"],
    )
    period = response.get_json()["response"][ids.PERIOD]
    start = date.fromisoformat(period["start_date"])
    end = date.fromisoformat(period["end_date"])
    assert start.weekday() == 0 and end.weekday() == 6
    assert start == monday_of(TEST_TODAY) - timedelta(weeks=11)


def test_status_line_explains_period_and_suppression(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    response = _map_response(
        client, app, overview_values("0380", "custom", ("2026-03-04", "2026-03-10")), []
    )
    status = response.get_json()["response"][ids.STATUS]["children"]
    assert "v. 10 2026 – v. 11 2026" in status
    assert "visas som <5" in status


def test_level_options_follow_the_kommun(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("admin")
    response = call_callback(
        client,
        app,
        "ov-level.options",
        {f"{ids.KOMMUN}.value": "0191", f"{ids.LEVEL}.value": "custom"},
    )
    result = response.get_json()["response"][ids.LEVEL]
    offered = [o["value"] for o in result["options"]]
    # Coarse first; other tests may have imported DeSO/RegSO for Sigtuna meanwhile.
    assert offered[0] == "kommun" and offered[-1] == "custom"
    assert set(offered) <= {"kommun", "regso", "deso", "custom"}
    assert result["value"] == "custom"


def _valborg() -> Any:
    from dashboard.pages.events_page import default_year
    from data.calendar.windows import event_windows

    year = default_year(TEST_TODAY)
    return next(w for w in event_windows(year) if w.key == "valborg")


def test_an_event_is_offered_as_a_period_and_sets_its_whole_weeks(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    from dashboard.periods import window_value

    client = client_as("samordnare")
    valborg = _valborg()
    options = call_callback(
        client, app, f"{ids.EVENT_PERIOD}.options", {f"{ids.KOMMUN}.value": "0380"}
    ).get_json()["response"][ids.EVENT_PERIOD]["options"]
    assert window_value(valborg) in [o["value"] for o in options]
    assert any(
        o["label"].startswith(f"Valborg {valborg.start.year} (30 apr 18:00") for o in options
    )
    synced = call_callback(
        client,
        app,
        "ov-period.start_date",
        {f"{ids.EVENT_PERIOD}.value": window_value(valborg), f"{ids.KOMMUN}.value": "0380"},
        [f"{ids.EVENT_PERIOD}.value"],
    ).get_json()["response"][ids.PERIOD]
    monday = monday_of(valborg.days[0])
    assert synced == {
        "start_date": monday.isoformat(),
        "end_date": (monday_of(valborg.days[1]) + timedelta(days=6)).isoformat(),
    }


def test_the_map_of_an_event_period_is_the_windows_and_equals_tid_och_handelser(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    from dashboard.periods import window_value

    client = client_as("samordnare")
    valborg = _valborg()
    first, last = monday_of(valborg.days[0]), monday_of(valborg.days[1]) + timedelta(days=6)
    values = overview_values("0380", "custom", (first.isoformat(), last.isoformat()))
    values[f"{ids.EVENT_PERIOD}.value"] = window_value(valborg)
    out = _map_response(client, app, values, []).get_json()["response"]
    figure = out[ids.MAP]["figure"]
    assert figure["layout"]["title"]["text"].startswith(f"Valborg {valborg.start.year}")
    assert "händelsen Valborg" in out[ids.STATUS]["children"]
    page = call_callback(
        client,
        app,
        f"{ids.EV_SUMMARY}.children",
        {
            f"{ids.EV_EVENT}.value": window_value(valborg),
            f"{ids.EV_LEVEL}.value": "custom",
            f"{ids.EV_CATEGORIES}.value": [],
            f"{ids.EV_YEAR}.value": valborg.start.year,
            f"{ids.EV_KOMMUN}.value": "0380",
        },
    ).get_json()["response"][ids.EV_MAP]["figure"]
    assert figure["data"][0]["z"] == page["data"][0]["z"]  # the same published cells
    weekly = dict(values)
    weekly[f"{ids.EVENT_PERIOD}.value"] = None
    whole = _map_response(client, app, weekly, []).get_json()["response"][ids.MAP]["figure"]
    assert sum(whole["data"][0]["z"]) > sum(figure["data"][0]["z"])  # a week holds more


def test_dates_changed_by_hand_or_a_quick_pick_leave_the_event(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    from dashboard.periods import window_value

    client = client_as("samordnare")
    valborg = _valborg()
    base = {f"{ids.EVENT_PERIOD}.value": window_value(valborg), f"{ids.KOMMUN}.value": "0380"}
    moved = call_callback(
        client,
        app,
        "ov-period.start_date",
        base | {f"{ids.PERIOD}.start_date": "2026-01-05", f"{ids.PERIOD}.end_date": "2026-01-11"},
        [f"{ids.PERIOD}.start_date"],
    ).get_json()["response"]
    assert moved[ids.EVENT_PERIOD]["value"] is None
    quick = call_callback(
        client,
        app,
        "ov-period.start_date",
        base | {f"{ids.QUICK_PERIOD}.value": "4w"},
        [f"{ids.QUICK_PERIOD}.value"],
    ).get_json()["response"]
    assert quick[ids.EVENT_PERIOD]["value"] is None


@pytest.mark.parametrize(
    "event",
    ["valborg|1999-04-30T18:00+02:00", "valborg|igår", "x" * 200, "valborg|2026-04-30T19:00+02:00"],
)
def test_a_forged_event_period_is_refused(
    app: Flask, client_as: Callable[[str], FlaskClient], event: str
) -> None:
    values = overview_values("0380", "custom", weeks_ago(1))
    values[f"{ids.EVENT_PERIOD}.value"] = event
    response = call_callback(client_as("samordnare"), app, "ov-top-table.children", values, [])
    assert response.status_code == 400
