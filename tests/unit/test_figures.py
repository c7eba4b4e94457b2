"""Figure builders: values only, suppressed cells kept apart, offline map style."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pandas as pd
import pytest

from dashboard.figures import OFFLINE_MAP_STYLE, map_figure, map_traces_data, map_view, trend_figure
from data.privacy.disclosure import AudienceLevel, protect
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
    grey = [s for s in figure.layout.shapes if s.fillcolor == "#b8bec6"]
    assert len(grey) == 1


def test_running_week_is_labelled_as_incomplete() -> None:
    weeks = [date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)]
    table = protect(
        pd.DataFrame(
            {
                "week": weeks,
                "week_label": ["a", "b", "c"],
                "count": [40, 41, 6],
                "key": quiet_keys(3),
            }
        ),
        level=LEVEL,
    )
    labelled = trend_figure(table, running_week=date(2026, 11, 23))
    assert [a.text for a in labelled.layout.annotations] == ["pågående vecka"]
    assert trend_figure(table, running_week=date(2026, 12, 7)).layout.annotations == ()


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
