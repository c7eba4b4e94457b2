"""Issue 15 on Tid & händelser: every area shown, a documented "Tydlig ökning",
styled tables, help in place and colour-blind-safe colours."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from plotly.utils import PlotlyJSONEncoder

from dashboard import ids
from dashboard.figures import COLORSCALE, HEAT_SCALE, RISE_COLOR, ratio_figure
from dashboard.pages.events_page import area_numbers, area_table
from dashboard.periods import window_value
from data.counts.uplift import CLEAR_RISE_RATIO, clear_rise, uplift
from data.counts.windows import AreaComparison
from tests.helpers import call_callback
from tests.integration.test_overview_issue15 import _rows, _valborg
from tests.integration.test_pages import page


def _tid(client: FlaskClient, app: Flask, level: str = "custom") -> dict[str, Any]:
    valborg = _valborg()
    response = call_callback(
        client,
        app,
        f"{ids.EV_SUMMARY}.children",
        {
            f"{ids.EV_EVENT}.value": window_value(valborg),
            f"{ids.EV_LEVEL}.value": level,
            f"{ids.EV_CATEGORIES}.value": [],
            f"{ids.EV_YEAR}.value": valborg.start.year,
            f"{ids.EV_KOMMUN}.value": "0380",
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    out: dict[str, Any] = response.get_json()["response"]
    return out


def test_tid_areas_table_shows_every_area_in_scope_not_15_of_24(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """Was: a fixed limit of 15 rows dropped Demoområde 16–24 (17 had 5 at valborg)."""
    out = _tid(client_as("samordnare"), app)
    table = out[ids.EV_AREAS]["children"]
    rows = _rows(table)
    names = [row[0] for row in rows]
    assert len(rows) == 24
    assert sorted(names) == sorted(f"Demoområde {i}" for i in range(1, 25))
    assert "Demoområde 17" in names
    assert "data-table" in table["props"]["className"]


def _ratio(text: str) -> float | None:
    if text == "∞":
        return float("inf")
    cleaned = text.lstrip("≥").replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        return None


def test_tydlig_okning_is_set_by_the_documented_rule_on_every_row(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """Was: "Tydlig ökning" blank even at 7,2×. Now: count shown (≥ k) and ≥ 2×."""
    out = _tid(client_as("samordnare"), app)
    rows = _rows(out[ids.EV_AREAS]["children"])
    flagged = 0
    for name, count, _expected, ratio, flag in rows:
        value = _ratio(ratio)
        expect = count.isdigit() and int(count) >= 5 and value is not None and value >= 2
        assert (flag == "Ja") == expect, (name, count, ratio, flag)
        flagged += expect
    assert flagged >= 2  # the demo's valborg has clear rises
    # Clear rises come first.
    flags = [row[4] for row in rows]
    assert flags == sorted(flags, key=lambda f: f != "Ja")


def test_an_area_at_7_2_times_the_expected_is_a_clear_rise() -> None:
    result = uplift(9, [1, 2, 1, 1], known_dispersion=6.0)  # expected 1,25: 7,2×
    assert result.ratio == 7.2 and not result.significant  # the interval alone said no
    row = AreaComparison("A1", "Område 1", 9, 5, result, 4, False)
    expected, ratio, rise, _ = area_numbers(row, 5)
    assert (expected, ratio, rise) == ("1,2", "7,2", True)
    cells = _rows(json.loads(json.dumps(area_table([row], 5), cls=PlotlyJSONEncoder)))
    assert cells == [["Område 1", "9", "1,2", "7,2", "Ja"]]


def test_clear_rise_rule() -> None:
    assert CLEAR_RISE_RATIO == 2
    assert clear_rise(9, 1.25, 5)
    assert clear_rise(10, 5.0, 5)  # exactly twice
    assert not clear_rise(9, 5.0, 5)  # 1,8×
    assert not clear_rise(4, 0.5, 5)  # below k would not be published
    assert not clear_rise(None, 0.5, 5)  # "<5"
    assert not clear_rise(9, None, 5)  # nothing to compare


def test_no_event_at_all_in_the_comparable_weeks_reads_infinite_not_blank() -> None:
    result = uplift(8, [0, 0, 0, 0])
    row = AreaComparison("A7", "Område 7", 8, 0, result, 4, False)
    assert area_numbers(row, 5)[:3] == ("0,0", "∞", True)


def test_hidden_comparable_weeks_give_bounds_not_blanks() -> None:
    """Comparable weeks "<5" over 6 periods: expected at most 4/6 (shown ≤0,7)."""
    row = AreaComparison("A3", "Område 3", 8, None, None, 6, True)
    expected, ratio, rise, _ = area_numbers(row, 5)
    assert (expected, ratio, rise) == ("≤0,7", "≥11,4", True)
    protected = AreaComparison("A4", "Område 4", 8, None, None, 6, False)  # "skyddad"
    assert area_numbers(protected, 5)[:3] == ("–", "–", False)


def test_tid_tables_are_styled(app: Flask, client_as: Callable[[str], FlaskClient]) -> None:
    out = _tid(client_as("samordnare"), app)
    ranked = out[ids.EV_RANKED]["children"]
    tables = [c for c in ranked if c["type"] == "Table"]
    assert tables and "data-table" in tables[0]["props"]["className"]


def test_tid_help_explains_uplift_at_the_viewers_threshold(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    for user, marker in (("samordnare", "<5"), ("ledning", "<10")):
        status, body = page(client_as(user), app, "/tid")
        assert status == 200 and ids.EV_HELP in body
        for words in ("Förväntat:", "Gånger (×)", "Tydlig ökning:", f"\u201d{marker}\u201d"):
            assert words in body, (user, words)


def test_uplift_and_map_colours_are_colour_blind_safe() -> None:
    """No red–green pair: the heatmap is YlGnBu (light to dark), the map Blues, a clear
    rise orange and a diamond against blue circles."""
    assert [c for _, c in HEAT_SCALE] == ["#ffffd9", "#c7e9b4", "#41b6c4", "#081d58"]
    assert [c for _, c in COLORSCALE] == ["#f7fbff", "#9ecae1", "#3182bd", "#08306b"]
    point = {"label": "2026", "low": 2.0, "high": 9.0, "hover": ["x"]}
    figure = ratio_figure(
        [point | {"ratio": 4.0, "significant": True}, point | {"ratio": 1.0, "significant": False}]
    )
    marker = figure.data[0].marker
    assert list(marker.color) == [RISE_COLOR, "#1f5f99"]
    assert list(marker.symbol) == ["diamond", "circle"]
