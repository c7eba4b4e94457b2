"""Issue 15 on Översikt: the defects a new user met, each with its regression test.

Through the callbacks as the browser calls them (Flask test client), plus the pure
helpers where the rule itself is the point (ordering of the top list).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pandas as pd
from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from dashboard.callbacks.overview.map_panel import _status, top_order
from data.access.scope import Selection
from data.counts.cube import monday_of
from data.privacy.csv_safe import BOM
from data.privacy.disclosure import SECONDARY_MARKER, AudienceLevel, protect
from tests.clock import TEST_TODAY
from tests.helpers import call_callback, map_traces, overview_values, quiet_keys, weeks_ago
from tests.integration.test_pages import page

LEVEL = AudienceLevel(5)


def _valborg() -> Any:
    from dashboard.pages.events_page import default_year
    from data.calendar.windows import event_windows

    year = default_year(TEST_TODAY)
    return next(w for w in event_windows(year) if w.key == "valborg")


def _valborg_values() -> dict[str, Any]:
    from dashboard.periods import window_value

    valborg = _valborg()
    first, last = monday_of(valborg.days[0]), monday_of(valborg.days[1]) + timedelta(days=6)
    values = overview_values("0380", "custom", (first.isoformat(), last.isoformat()))
    values[f"{ids.EVENT_PERIOD}.value"] = window_value(valborg)
    return values


def _texts(component: Any) -> list[str]:
    """Every string in a serialised Dash component tree, depth first."""
    if isinstance(component, str):
        return [component]
    if isinstance(component, list):
        return [t for c in component for t in _texts(c)]
    if isinstance(component, dict):
        children = component.get("props", {}).get("children")
        return _texts(children) if children is not None else []
    return []


def _rows(component: Any) -> list[list[str]]:
    """The body rows of the top table (cells as text) in a serialised component."""
    if isinstance(component, list):
        return [r for c in component for r in _rows(c)]
    if not isinstance(component, dict):
        return []
    if component.get("type") == "Tbody":
        return [_texts(tr["props"]["children"]) for tr in component["props"]["children"]]
    return _rows(component.get("props", {}).get("children"))


# --- a single area's trend -------------------------------------------------------------


def test_single_area_trend_has_whole_number_ticks_and_a_legend_for_hidden_weeks(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """Was: grey stubs without a legend, a y axis in 0.2 steps with decimal points."""
    values = overview_values("0380", "custom", weeks_ago(52), focus="0380-D17")
    out = call_callback(client_as("samordnare"), app, "ov-trend.figure", values).get_json()
    figure = out["response"][ids.TREND]["figure"]
    yaxis = figure["layout"]["yaxis"]
    assert yaxis["dtick"] >= 1 and float(yaxis["dtick"]).is_integer()
    assert yaxis["tickformat"] == ",d"  # no decimals
    assert figure["layout"]["showlegend"] is True
    counts, hidden = figure["data"][0], figure["data"][1]
    assert "<5" in hidden["name"] and SECONDARY_MARKER in hidden["name"]
    assert hidden["showlegend"] is True
    gap_weeks = [x for x, y in zip(counts["x"], counts["y"], strict=True) if y is None]
    # Every hidden week is marked, with a name; the running week (drawn apart from the
    # line since issue 16, so absent from its points) may be one of them.
    running = monday_of(TEST_TODAY).isoformat()
    assert gap_weeks and set(gap_weeks) ^ set(hidden["x"]) <= {running}
    assert set(hidden["text"]) <= {"<5", SECONDARY_MARKER}
    # Mostly hidden: published weeks are bars, readable on their own between gaps.
    assert counts["type"] == "bar"


def test_leadership_trend_is_labelled_in_months(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    values = overview_values("0380", "kommun", weeks_ago(52))
    out = call_callback(client_as("ledning"), app, "ov-trend.figure", values).get_json()
    figure = out["response"][ids.TREND]["figure"]
    assert figure["layout"]["xaxis"]["title"]["text"] == "Månad"
    assert "<10" in figure["data"][1]["name"]


# --- the top table with an event as period -----------------------------------------------


def test_event_period_top_table_ranks_small_areas_above_zero_and_omits_zeros(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """Was: at valborg, ranks 5–10 were areas with 0 while "<5" areas were left out."""
    response = call_callback(
        client_as("samordnare"), app, "ov-top-table.children", _valborg_values()
    )
    out = response.get_json()["response"]
    traces = map_traces(out[ids.MAP]["figure"])
    positive = sum(1 for z in traces[0]["z"] if z and z > 0)
    hidden = len(traces[1]["locations"])
    assert hidden > 0, "the demo's valborg must have suppressed areas for this test"
    rows = _rows(out[ids.TOP_TABLE]["children"])
    counts = [row[2] for row in rows]
    assert "0" not in counts
    assert len(rows) == min(10, positive + hidden)
    # Published counts first (largest first), then the hidden ones without rank numbers.
    shown = [int(c) for c in counts if c.isdigit()]
    assert shown == sorted(shown, reverse=True)
    assert counts[: len(shown)] == [str(v) for v in shown]
    assert all(row[0] == "–" for row in rows[len(shown) :])
    assert all(c in {"<5", SECONDARY_MARKER} for c in counts[len(shown) :])


def _table(counts: list[int], names: list[str]) -> Any:
    frame = pd.DataFrame(
        {
            "code": [f"A{i}" for i in range(len(counts))],
            "name": names,
            "count": counts,
            "key": quiet_keys(len(counts)),
        }
    )
    return protect(frame, level=LEVEL)


def test_top_order_never_orders_suppressed_cells_by_their_hidden_counts() -> None:
    names = ["Område 10", "Område 2", "Område 1", "Område 3", "Område 20"]
    one = _table([1, 4, 0, 30, 2], names)
    other = _table([4, 1, 0, 30, 3], names)
    assert top_order(one, 10) == top_order(other, 10)
    ordered = [names[i] for i in top_order(one, 10)]
    # 30 first; "<5" rows in natural name order; the 0 row left out.
    assert ordered == ["Område 3", "Område 2", "Område 10", "Område 20"]


# --- the quick period follows the real period ---------------------------------------------


def _sync(client: FlaskClient, app: Flask, values: dict[str, Any], changed: str) -> Any:
    response = call_callback(client, app, "ov-period.start_date", values, [changed])
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()["response"]


def test_event_period_clears_the_quick_period_choice(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """Was: with an event chosen, "Senaste 4 veckorna" stayed selected."""
    from dashboard.periods import window_value

    client = client_as("samordnare")
    values = {
        f"{ids.EVENT_PERIOD}.value": window_value(_valborg()),
        f"{ids.KOMMUN}.value": "0380",
        f"{ids.QUICK_PERIOD}.value": "4w",
    }
    out = _sync(client, app, values, f"{ids.EVENT_PERIOD}.value")
    assert out[ids.QUICK_PERIOD]["value"] is None


def test_dates_changed_by_hand_select_own_range_but_a_quick_picks_dates_keep_it(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    from dashboard.periods import quick_period

    client = client_as("samordnare")
    first, last = quick_period("4w", TEST_TODAY)
    same = {
        f"{ids.KOMMUN}.value": "0380",
        f"{ids.QUICK_PERIOD}.value": "4w",
        f"{ids.PERIOD}.start_date": first.isoformat(),
        f"{ids.PERIOD}.end_date": last.isoformat(),
    }
    kept = _sync(client, app, same, f"{ids.PERIOD}.start_date")
    assert ids.QUICK_PERIOD not in kept  # no update: still "Senaste 4 veckorna"
    moved = same | {f"{ids.PERIOD}.start_date": (first - timedelta(weeks=3)).isoformat()}
    out = _sync(client, app, moved, f"{ids.PERIOD}.start_date")
    assert out[ids.QUICK_PERIOD]["value"] == "custom"


# --- the status line and empty states -----------------------------------------------------


def test_status_line_names_the_event_and_the_period_shown(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    out = call_callback(
        client_as("samordnare"), app, "ov-top-table.children", _valborg_values()
    ).get_json()["response"]
    status = out[ids.STATUS]["children"]
    title = out[ids.MAP]["figure"]["layout"]["title"]["text"]
    valborg = _valborg()
    assert f"händelsen Valborg {valborg.start.year}" in status
    assert title.startswith(f"Valborg {valborg.start.year}")


def test_empty_selection_says_what_to_do() -> None:
    table = _table([0, 0, 0], ["A", "B", "C"])
    monday = date(2026, 11, 2)
    selection = Selection("0380", "custom", monday, monday)
    assert "Inga händelser för det här urvalet" in _status(selection, table)
    from dashboard.callbacks.overview.map_panel import _top_table

    assert "Välj en längre period" in str(_top_table(table).children)


# --- help in place ------------------------------------------------------------------------


def test_overview_help_explains_markers_at_the_viewers_threshold(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    for user, marker in (("samordnare", "<5"), ("ledning", "<10")):
        status, body = page(client_as(user), app, "/")
        assert status == 200
        assert ids.OV_HELP in body and "Så läser du Översikt" in body
        assert f"\u201d{marker}\u201d" in body
        for word in ("Skyddad", "\u00b12", "Sammanslagna områden", "Ser du inga siffror"):
            assert word in body, (user, word)


# --- the CSV download ---------------------------------------------------------------------


def test_overview_csv_has_a_bom_and_records_the_filters(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """Was: no UTF-8 BOM (Excel garbled å/ä/ö) and nothing said which filters it holds."""
    values = overview_values("0380", "custom", weeks_ago(4), categories=["samling"])
    values[f"{ids.EXPORT_BUTTON}.n_clicks"] = 1
    response = call_callback(
        client_as("samordnare"),
        app,
        "ov-export-download.data",
        values,
        [f"{ids.EXPORT_BUTTON}.n_clicks"],
    )
    assert response.status_code == 200
    content = response.get_json()["response"][ids.EXPORT_DOWNLOAD]["data"]["content"]
    assert content.startswith(BOM)
    head, table = content[1:].split("\r\n\r\n", 1)
    block = dict(row[:2] for row in csv.reader(io.StringIO(head), delimiter=";"))
    assert block["Kommun"] == "Uppsala"
    assert block["Områdesnivå"] == "Egna områden"
    assert block["Period"].startswith("v. ")
    assert "Samling" in block["Kategorier"] and block["Källor"] == "alla"
    assert "<5" in block["Skydd"]
    assert block["Framtagen"] == TEST_TODAY.isoformat()
    rows = list(csv.DictReader(io.StringIO(table), delimiter=";"))
    assert len(rows) == 24 and "antal" in rows[0]


def test_leadership_status_and_csv_name_the_whole_months_shown(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """Leadership sees whole months: the status line and the CSV say so, not only weeks."""
    client = client_as("ledning")
    values = overview_values("0380", "kommun", ("2026-11-09", "2026-11-15"))
    out = call_callback(client, app, "ov-top-table.children", values).get_json()["response"]
    assert (
        "Period: hela månader, november 2026: v. 45 2026 – v. 48 2026"
        in (out[ids.STATUS]["children"])
    )
    values[f"{ids.EXPORT_BUTTON}.n_clicks"] = 1
    response = call_callback(
        client, app, "ov-export-download.data", values, [f"{ids.EXPORT_BUTTON}.n_clicks"]
    )
    content = response.get_json()["response"][ids.EXPORT_DOWNLOAD]["data"]["content"]
    assert "Period;hela månader, november 2026" in content
    assert "<10" in content
