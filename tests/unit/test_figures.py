"""Figure builders: values only, suppressed cells kept apart, offline map style."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pandas as pd
import pytest

from dashboard.figures import OFFLINE_MAP_STYLE, map_figure, map_traces_data, map_view, trend_figure
from data.privacy.disclosure import AudienceLevel, ProtectedCounts, protect
from tests.helpers import quiet_keys

LEVEL = AudienceLevel(5)


def areas(counts: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": [f"A{i}" for i in range(len(counts))],
            "name": [f"Område {i}" for i in range(len(counts))],
            "synthetic": [True] * len(counts),
            "count": counts,
            "key": quiet_keys(len(counts)),
        }
    )


def test_suppressed_areas_go_to_the_grey_trace_without_their_count() -> None:
    data = map_traces_data(protect(areas([0, 3, 12]), level=LEVEL))
    assert data["values"]["locations"] == ["A0", "A2"]
    assert data["values"]["z"] == [0, 12]
    assert data["suppressed"]["locations"] == ["A1"]
    assert data["suppressed"]["customdata"] == [["Område 1", "<5", "–"]]
    assert 3 not in data["values"]["z"] + data["suppressed"]["z"]
    assert '"3"' not in json.dumps(data)


def test_map_figure_references_geometry_by_url_and_uses_no_tiles() -> None:
    figure = map_figure(
        protect(areas([5, 6]), level=LEVEL),
        geojson_url="/geo/0380/custom.geojson?v=1",
        bounds=(17.0, 59.5, 18.0, 60.2),
        title="t",
    )
    assert [t["geojson"] for t in figure.to_plotly_json()["data"]] == [
        "/geo/0380/custom.geojson?v=1"
    ] * 2
    assert "coordinates" not in figure.to_json()
    assert figure.layout.map.style == OFFLINE_MAP_STYLE
    assert "http" not in json.dumps(OFFLINE_MAP_STYLE)


def test_map_view_fits_a_kommun() -> None:
    view = map_view((17.2, 59.6, 18.1, 60.2))
    assert view["center"] == {"lon": 17.65, "lat": 59.900000000000006}
    # 0.6° of latitude at 60° N is 1.2° in Web Mercator: 460 px at zoom ≈ 8.
    assert 7.5 < view["zoom"] < 8.5


def test_trend_leaves_gaps_for_suppressed_weeks() -> None:
    weeks = [date(2026, 1, 5) + timedelta(weeks=i) for i in range(4)]
    table = protect(
        pd.DataFrame(
            {
                "week": weeks,
                "week_label": ["a", "b", "c", "d"],
                "count": [9, 2, 0, 30],
                "key": quiet_keys(4),
            }
        ),
        level=LEVEL,
    )
    figure = trend_figure(table, highlight=(weeks[0], weeks[-1]))
    trace = figure.data[0]
    assert list(trace.y) == [9, None, 0, 30]
    assert list(trace.text) == ["9", "<5", "0", "30"]
    hidden = figure.data[1]
    assert list(hidden.x) == [weeks[1]] and hidden.marker.color == "#b8bec6"
    assert hidden.name == "Dolt: <5 eller skyddad" and figure.layout.showlegend


def _three_weeks(counts: list[int], level: AudienceLevel = LEVEL) -> ProtectedCounts:
    weeks = [date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)]
    frame = {"week": weeks, "week_label": ["a", "b", "c"], "count": counts, "key": quiet_keys(3)}
    return protect(pd.DataFrame(frame), level=level)


def test_running_week_is_drawn_apart_not_as_a_fall() -> None:
    table = _three_weeks([40, 41, 6])
    figure = trend_figure(table, running_week=date(2026, 11, 23))
    line, _gaps, running = figure.data
    assert list(line.y) == [40, 41, None]  # the line stops before the running week
    assert list(running.x) == [date(2026, 11, 23)] and list(running.y) == [6]
    assert running.name == "pågående vecka (ofullständig)"
    assert running.marker.symbol == "circle-open"
    assert "pågående vecka (ofullständig)" in running.hovertemplate
    # A finished period has no running marker and the whole line.
    finished = trend_figure(table, running_week=date(2026, 12, 7))
    assert len(finished.data) == 2 and list(finished.data[0].y) == [40, 41, 6]


def test_a_hidden_running_week_stays_a_gap_marker() -> None:
    figure = trend_figure(_three_weeks([40, 41, 3]), running_week=date(2026, 11, 23))
    assert len(figure.data) == 2 and list(figure.data[1].x) == [date(2026, 11, 23)]


def test_monthly_trend_reads_in_months_with_the_running_month_apart() -> None:
    months = [date(2026, 8, 31), date(2026, 9, 28), date(2026, 11, 2), date(2026, 11, 30)]
    frame = {
        "week": months,
        "week_label": ["2026-09", "2026-10", "2026-11", "2026-12"],
        "count": [553, 611, 452, 30],
        "key": quiet_keys(4),
    }
    table = protect(pd.DataFrame(frame), level=AudienceLevel(10, time_grain="month"))
    figure = trend_figure(
        table,
        grain="month",
        running_week=date(2026, 11, 30),
        highlight=(date(2026, 11, 2), date(2026, 11, 30)),
    )
    line, _gaps, running = figure.data
    firsts = [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)]
    assert list(line.x) == firsts  # each month on its first day
    assert list(line.y) == [553, 611, 452, None]
    assert list(running.y) == [30] and running.name == "pågående månad (ofullständig)"
    assert figure.layout.xaxis.title.text == "Månad"
    assert line.hovertemplate.startswith("Månad ")
    assert "vecka" not in json.dumps(figure.to_plotly_json(), default=str).lower()
    (band,) = figure.layout.shapes
    assert band.name == "vald period" and band.showlegend
    # The band ends half a month after the last point drawn, not over empty months.
    assert str(band.x1).startswith(str(date(2026, 12, 1) + timedelta(days=15)))


def with_population(counts: list[int], populations: list[int | None]) -> pd.DataFrame:
    frame = areas(counts)
    frame["merged"] = ["", "sammanslaget med Område 9", ""][: len(counts)]
    frame["population"] = pd.array(populations, dtype="Int64")
    return frame


def test_rates_per_thousand_youths_from_published_counts_only() -> None:
    table = protect(with_population([12, 3, 20], [400, 300, None]), level=LEVEL)
    data = map_traces_data(table, measure="rate")
    assert data["values"]["locations"] == ["A0"]
    assert data["values"]["z"] == [30.0]
    assert data["values"]["customdata"] == [["Område 0", "12", "30,0"]]
    # Suppressed: no rate (it would give the count back); no population: no rate.
    assert data["suppressed"]["locations"] == ["A1", "A2"]
    assert data["suppressed"]["customdata"][0] == [
        "Område 1 (sammanslaget med Område 9)",
        "<5",
        "–",
    ]
    assert data["suppressed"]["customdata"][1][2] == "saknar befolkning"
    assert data["title"] == "Per 1 000 unga"


def test_unknown_measure_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown measure"):
        map_traces_data(protect(areas([5]), level=LEVEL), measure="share")


def test_the_forecast_heatmap_shows_the_busiest_areas_by_night() -> None:
    from dashboard.figures import forecast_figure, night_label
    from data.planning.forecast import NightForecast

    friday, saturday = date(2026, 4, 24), date(2026, 4, 25)
    forecasts = [
        NightForecast(f"A{i}", f"Område {i}", night, i, 1.0, 0, 3, ("vanlig fredag",))
        for i in range(3)
        for night in (friday, saturday)
    ]
    heat = forecast_figure(forecasts, [friday, saturday], top=2).data[0]
    assert (
        list(heat.x)
        == [night_label(friday), night_label(saturday)]
        == [
            "fre 2026-04-24",
            "lör 2026-04-25",
        ]
    )
    assert list(heat.y) == ["Område 2", "Område 1"]
    assert [list(r) for r in heat.z] == [[3.0, 3.0], [2.0, 2.0]]
    assert "vanlig fredag" in heat.customdata[0][0] and "3,0" in heat.customdata[0][0]


def test_the_signal_chart_marks_the_alarm_week_and_the_meetings() -> None:
    from dashboard.figures import signal_figure
    from data.planning.signals import BASELINE_WEEKS, AreaSignal, Signal

    mondays = [date(2025, 1, 6) + timedelta(weeks=i) for i in range(BASELINE_WEEKS + 4)]
    weeks = tuple(m.isoformat() for m in mondays)
    signal = Signal(baseline=2.0, path=(0.0,) * 4, level=3.0, alarm=2)
    area = AreaSignal("A1", "Område 1", weeks, (None, *[2] * (len(weeks) - 1)), signal)
    figure = signal_figure(area, [mondays[-1] + timedelta(days=3)])
    lines = [s for s in figure.layout.shapes if s.type == "line"]
    assert {s.x0 for s in lines if s.x0 == s.x1} >= {weeks[BASELINE_WEEKS + 2], weeks[-1]}
    assert figure.data[0].y[0] is None


def test_an_all_zero_map_is_the_lightest_colour_not_mid_scale() -> None:
    """Issue 16: with every value 0 Plotly spread the scale over −0,4…0,4 and drew
    zero areas mid-blue. The scale starts at 0 and a zero range gets 0…k."""
    zeros = map_figure(
        protect(areas([0, 0, 0]), level=AudienceLevel(10)),
        geojson_url="/geo/x.geojson",
        bounds=(17.0, 59.0, 18.0, 60.0),
        title="t",
    )
    assert (zeros.data[0].zmin, zeros.data[0].zmax) == (0, 10)
    rates = map_traces_data(
        protect(with_population([0, 0], [400, 300]), level=LEVEL), measure="rate"
    )
    assert rates["zmax"] == 1.0
    some = map_traces_data(protect(areas([0, 12, 40]), level=LEVEL))
    assert some["zmax"] == max(some["values"]["z"]) > 0


def test_year_over_year_keeps_the_years_in_order_whatever_can_be_compared() -> None:
    from dashboard.figures import ratio_figure

    def point(year: str, ratio: float | None) -> dict[str, Any]:
        low = None if ratio is None else ratio / 2
        high = None if ratio is None else ratio * 2
        hover = [year]
        return {
            "label": year,
            "ratio": ratio,
            "low": low,
            "high": high,
            "significant": False,
            "hover": hover,
        }

    figure = ratio_figure([point("2024", None), point("2025", 1.2), point("2026", 0.8)])
    assert figure.layout.xaxis.categoryorder == "array"
    assert list(figure.layout.xaxis.categoryarray) == ["2024", "2025", "2026"]
