"""Pure figure builders: protected tables in, plotly figures out (no I/O).

They accept only :class:`~data.privacy.disclosure.ProtectedCounts`, so nothing that
skipped disclosure control can be drawn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, Final

import pandas as pd
import plotly.graph_objects as go

from data.planning.forecast import NightForecast
from data.planning.signals import BASELINE_WEEKS, AreaSignal
from data.privacy.disclosure import ProtectedCounts

OFFLINE_MAP_STYLE: Final[dict[str, Any]] = {
    "version": 8,
    "name": "ssp-offline",
    # MapLibre requires "sources"; plotly drops empty dicts when it serialises a
    # figure, so an empty source keeps the key (without it a redraw fails with
    # 'missing required property "sources"').
    "sources": {
        "empty": {"type": "geojson", "data": {"type": "FeatureCollection", "features": []}}
    },
    "layers": [
        {"id": "background", "type": "background", "paint": {"background-color": "#eef1f4"}}
    ],
}
"""A MapLibre style with no tiles, sprites or glyphs: the map needs no network."""

COLORSCALE: Final = [[0.0, "#f7fbff"], [0.35, "#9ecae1"], [0.7, "#3182bd"], [1.0, "#08306b"]]
SUPPRESSED_COLOR: Final = "#b8bec6"
VALUES_TRACE: Final = 0
SUPPRESSED_TRACE: Final = 1


def map_view(
    bounds: tuple[float, float, float, float], *, width_px: int = 520, height_px: int = 440
) -> dict[str, Any]:
    """Centre and zoom that fit ``bounds`` (W, S, E, N degrees) in a panel of that size.

    MapLibre zoom z shows the world 512·2^z pixels wide; latitude is measured in
    Web Mercator so northern kommuner are not cut off.
    """
    west, south, east, north = bounds

    def mercator(lat: float) -> float:
        return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))

    lon_span = max(east - west, 1e-4)
    lat_span = max(mercator(north) - mercator(south), 1e-4)
    zoom_lon = math.log2(width_px * 360.0 / (512.0 * lon_span))
    zoom_lat = math.log2(height_px * 360.0 / (512.0 * lat_span))
    return {
        "center": {"lon": (west + east) / 2, "lat": (south + north) / 2},
        "zoom": round(max(3.0, min(zoom_lon, zoom_lat) - 0.15), 2),
    }


MEASURES: Final = ("count", "rate")
MEASURE_TITLES: Final = {"count": "Antal", "rate": "Per 1 000 unga"}


def per_thousand(count: int, population: int | None) -> float | None:
    """Incidents per 1,000 youths aged 10–19, one decimal; None without population."""
    if population is None or population <= 0:
        return None
    return round(1000.0 * count / population, 1)


def unit_label(name: str, merged: str) -> str:
    """Area name, with the small-area merge spelled out when there is one."""
    return f"{name} ({merged})" if merged else name


def map_traces_data(table: ProtectedCounts, *, measure: str = "count") -> dict[str, Any]:
    """Per-area values of the two map traces (what a filter change sends).

    Trace 0 colours the published counts (zeros included) or, with
    ``measure="rate"``, incidents per 1,000 youths; trace 1 greys the suppressed
    areas (and, for rates, areas without population). No geometry: the polygons
    come from the layer URL. Rates are derived from published counts only.
    """
    if measure not in MEASURES:
        msg = f"unknown measure {measure!r}"
        raise ValueError(msg)
    frame = table.frame
    populations = frame["population"] if "population" in frame.columns else [None] * len(frame)
    merged = frame["merged"] if "merged" in frame.columns else [""] * len(frame)
    values: dict[str, list[Any]] = {"locations": [], "z": [], "customdata": []}
    grey: dict[str, list[Any]] = {"locations": [], "z": [], "customdata": []}
    for code, name, merge, population, count, hidden, shown in zip(
        frame["code"],
        frame["name"],
        merged,
        populations,
        frame["count"],
        frame["suppressed"],
        table.display(),
        strict=True,
    ):
        pop = None if population is None or pd.isna(population) else int(population)
        label = unit_label(str(name), str(merge))
        if hidden:
            grey["locations"].append(code)
            # A constant colour index, not a count (the hover says "<k" or "skyddad").
            grey["z"].append(0)
            grey["customdata"].append([label, shown, "–"])
            continue
        rate = per_thousand(int(count), pop)
        rate_text = "saknar befolkning" if rate is None else f"{rate:.1f}".replace(".", ",")
        if measure == "rate" and rate is None:
            grey["locations"].append(code)
            grey["z"].append(0)
            grey["customdata"].append([label, str(int(count)), rate_text])
            continue
        values["locations"].append(code)
        values["z"].append(int(count) if measure == "count" else rate)
        values["customdata"].append([label, str(int(count)), rate_text])
    return {"values": values, "suppressed": grey, "title": MEASURE_TITLES[measure]}


def map_figure(
    table: ProtectedCounts,
    *,
    geojson_url: str,
    bounds: tuple[float, float, float, float],
    title: str,
    measure: str = "count",
) -> go.Figure:
    """The choropleth map (MapLibre, offline style) for one layer.

    ``geojson_url`` is fetched once by the browser; only values travel in callbacks.
    """
    data = map_traces_data(table, measure=measure)
    hover = (
        "<b>%{customdata[0]}</b><br>Antal: %{customdata[1]}"
        "<br>Per 1 000 unga (10–19 år): %{customdata[2]}<extra></extra>"
    )
    values = go.Choroplethmap(
        geojson=geojson_url,
        featureidkey="id",
        locations=data["values"]["locations"],
        z=data["values"]["z"],
        customdata=data["values"]["customdata"],
        colorscale=COLORSCALE,
        zmin=0,
        marker={"line": {"width": 0.8, "color": "#ffffff"}, "opacity": 0.85},
        colorbar={"title": {"text": data["title"]}, "thickness": 12},
        hovertemplate=hover,
        name="Antal",
    )
    suppressed = go.Choroplethmap(
        geojson=geojson_url,
        featureidkey="id",
        locations=data["suppressed"]["locations"],
        z=data["suppressed"]["z"],
        customdata=data["suppressed"]["customdata"],
        colorscale=[[0, SUPPRESSED_COLOR], [1, SUPPRESSED_COLOR]],
        showscale=False,
        marker={"line": {"width": 0.8, "color": "#ffffff"}, "opacity": 0.85},
        hovertemplate=hover,
        name=f"Färre än {table.k} (dolt)",
    )
    fig = go.Figure([values, suppressed])
    fig.update_layout(
        map={"style": OFFLINE_MAP_STYLE, **map_view(bounds)},
        margin={"l": 0, "r": 0, "t": 30, "b": 0},
        title={"text": title, "font": {"size": 14}, "x": 0.01},
        uirevision=geojson_url,
        height=480,
    )
    return fig


def _week_band(
    first: date, last: date, *, height: float, color: str, below: bool = False
) -> dict[str, Any]:
    """A rectangle over whole weeks (Mondays ``first``..``last``), from the x axis up."""
    band: dict[str, Any] = {
        "type": "rect",
        "xref": "x",
        "yref": "paper",
        "x0": first - timedelta(days=3.5),
        "x1": last + timedelta(days=3.5),
        "y0": 0,
        "y1": height,
        "fillcolor": color,
        "line": {"width": 0},
    }
    if below:
        band["layer"] = "below"
    return band


def trend_figure(
    table: ProtectedCounts,
    *,
    highlight: tuple[date, date] | None = None,
    running_week: date | None = None,
) -> go.Figure:
    """Weekly trend line; suppressed weeks are gaps, marked by grey bands.

    ``highlight`` (first Monday, last Monday) shades the selected period;
    ``running_week`` (a Monday) is labelled as not yet complete, so its lower
    count is not read as a drop.
    """
    frame = table.frame
    values = [
        None if hidden else int(v)
        for v, hidden in zip(frame["count"], frame["suppressed"], strict=True)
    ]
    texts = table.display()
    weeks = list(frame["week"])
    fig = go.Figure(
        go.Scatter(
            x=weeks,
            y=values,
            mode="lines+markers",
            connectgaps=False,
            text=texts,
            customdata=list(frame["week_label"]),
            hovertemplate="Vecka %{customdata}: %{text}<extra></extra>",
            line={"color": "#1f5f99", "width": 2},
            marker={"size": 5},
            name="Antal per vecka",
        )
    )
    shapes: list[dict[str, Any]] = []
    if highlight is not None and len(weeks) > 1:
        shapes.append(_week_band(*highlight, height=1, color="rgba(31,95,153,0.07)", below=True))
    shapes.extend(
        _week_band(week, week, height=0.04, color=SUPPRESSED_COLOR)
        for week, hidden in zip(weeks, frame["suppressed"], strict=True)
        if hidden
    )
    annotations = []
    if running_week is not None and running_week in weeks:
        annotations.append(
            {
                "x": running_week,
                "y": 0.06,
                "xref": "x",
                "yref": "paper",
                "text": "pågående vecka",
                "showarrow": False,
                "font": {"size": 11, "color": "#5b6776"},
                "xanchor": "right",
                "yanchor": "bottom",
            }
        )
    fig.update_layout(
        shapes=shapes,
        annotations=annotations,
        margin={"l": 40, "r": 10, "t": 10, "b": 40},
        height=300,
        xaxis={"title": {"text": "Vecka (måndag)"}, "tickformat": "%Y-%m-%d"},
        yaxis={"title": {"text": "Antal"}, "rangemode": "tozero"},
        showlegend=False,
        plot_bgcolor="#ffffff",
    )
    return fig


WEEKDAY_NAMES: Final = ("mån", "tis", "ons", "tor", "fre", "lör", "sön")
BAND_NAMES: Final = {"day": "Dag 06–18", "evening": "Kväll 18–22", "night": "Natt 22–06"}
HEAT_SCALE: Final = [[0.0, "#fff7ec"], [0.5, "#fc8d59"], [1.0, "#7f0000"]]


def _heat_cells(table: ProtectedCounts) -> tuple[list[int | None], list[str]]:
    """Published values (``None`` where hidden: drawn as gaps) and their texts."""
    values = [
        None if hidden else int(v)
        for v, hidden in zip(table.frame["count"], table.frame["suppressed"], strict=True)
    ]
    return values, table.display()


def heatmap_figure(table: ProtectedCounts, *, marks: dict[date, str]) -> go.Figure:
    """Calendar heatmap: one row per ISO week, one column per weekday.

    Hidden cells are gaps with their label ("<5", "skyddad") written in; days in
    ``marks`` (holidays, event windows) get a ring and their names in the hover.
    """
    frame = table.frame
    values, texts = _heat_cells(table)
    weeks = list(dict.fromkeys(frame["week"]))
    z: list[list[int | None]] = [[None] * 7 for _ in weeks]
    text = [[""] * 7 for _ in weeks]
    hover = [[""] * 7 for _ in weeks]
    ring_x, ring_y, ring_text = [], [], []
    for week, weekday, day, value, shown in zip(
        frame["week"], frame["weekday"], frame["day"], values, texts, strict=True
    ):
        row = weeks.index(week)
        z[row][int(weekday)] = value
        text[row][int(weekday)] = shown
        mark = marks.get(day, "")
        hover[row][int(weekday)] = f"{day.isoformat()}: {shown}" + (f"<br>{mark}" if mark else "")
        if mark:
            ring_x.append(WEEKDAY_NAMES[int(weekday)])
            ring_y.append(week)
            ring_text.append(mark)
    fig = go.Figure(
        go.Heatmap(
            x=list(WEEKDAY_NAMES),
            y=weeks,
            z=z,
            text=text,
            texttemplate="%{text}",
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale=HEAT_SCALE,
            zmin=0,
            xgap=2,
            ygap=2,
            colorbar={"title": {"text": "Antal"}, "thickness": 12},
            name="Antal per dag",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=ring_x,
            y=ring_y,
            mode="markers",
            marker={"symbol": "circle-open", "size": 26, "color": "#1f5f99", "line": {"width": 2}},
            text=ring_text,
            hovertemplate="%{text}<extra></extra>",
            name="Helgdag / händelse",
        )
    )
    fig.update_layout(
        margin={"l": 80, "r": 10, "t": 10, "b": 30},
        height=max(220, 34 * len(weeks) + 60),
        yaxis={"autorange": "reversed", "type": "category"},
        xaxis={"type": "category", "side": "top"},
        showlegend=False,
        plot_bgcolor="#ffffff",
    )
    return fig


def band_figure(table: ProtectedCounts) -> go.Figure:
    """Weekday × time-of-day heatmap (hidden cells as gaps with their label)."""
    frame = table.frame
    values, texts = _heat_cells(table)
    bands = list(BAND_NAMES)
    z: list[list[int | None]] = [[None] * 7 for _ in bands]
    text = [[""] * 7 for _ in bands]
    for weekday, band, value, shown in zip(
        frame["weekday"], frame["band"], values, texts, strict=True
    ):
        z[bands.index(band)][int(weekday)] = value
        text[bands.index(band)][int(weekday)] = shown
    fig = go.Figure(
        go.Heatmap(
            x=list(WEEKDAY_NAMES),
            y=[BAND_NAMES[b] for b in bands],
            z=z,
            text=text,
            texttemplate="%{text}",
            hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
            colorscale=HEAT_SCALE,
            zmin=0,
            xgap=2,
            ygap=2,
            colorbar={"title": {"text": "Antal"}, "thickness": 12},
        )
    )
    fig.update_layout(
        margin={"l": 90, "r": 10, "t": 10, "b": 30},
        height=200,
        yaxis={"autorange": "reversed", "type": "category"},
        xaxis={"type": "category"},
        plot_bgcolor="#ffffff",
    )
    return fig


def ratio_figure(points: list[dict[str, Any]]) -> go.Figure:
    """Year over year: observed / expected per occurrence with its interval, a line at 1.

    ``points`` have ``label`` (e.g. "2026"), ``ratio``, ``low``, ``high`` (``None``
    when there is nothing to compare), ``significant`` and ``hover`` (Swedish text).
    Every value is derived from published counts only.
    """
    shown = [p for p in points if p["ratio"] is not None]
    missing = [p for p in points if p["ratio"] is None]
    colors = ["#b2182b" if p["significant"] else "#1f5f99" for p in shown]
    fig = go.Figure(
        go.Scatter(
            x=[p["label"] for p in shown],
            y=[p["ratio"] for p in shown],
            mode="markers",
            marker={"size": 11, "color": colors},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [
                    (p["high"] - p["ratio"]) if p["high"] != float("inf") else 0 for p in shown
                ],
                "arrayminus": [p["ratio"] - p["low"] for p in shown],
                "color": "#5b6776",
                "thickness": 1.5,
            },
            text=[p["hover"] for p in shown],
            hovertemplate="%{text}<extra></extra>",
            name="Observerat / förväntat",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[p["label"] for p in missing],
            y=[1.0] * len(missing),
            mode="markers",
            marker={"size": 9, "symbol": "x", "color": SUPPRESSED_COLOR},
            text=[p["hover"] for p in missing],
            hovertemplate="%{text}<extra></extra>",
            name="Går inte att jämföra",
        )
    )
    fig.add_hline(y=1.0, line={"dash": "dash", "color": "#5b6776", "width": 1})
    fig.update_layout(
        margin={"l": 50, "r": 10, "t": 10, "b": 40},
        height=300,
        xaxis={"type": "category", "title": {"text": "År"}},
        yaxis={"title": {"text": "Gånger det förväntade"}, "rangemode": "tozero"},
        showlegend=False,
        plot_bgcolor="#ffffff",
    )
    return fig


# --- Planering ---

FORECAST_TOP_AREAS: Final = 15
"""The forecast heatmap shows the areas with the highest expected night."""


def night_label(night: date) -> str:
    """A walk night as the Planering page writes it: ``fre 2026-04-24``."""
    return f"{WEEKDAY_NAMES[night.weekday()]} {night.isoformat()}"


def decimal_comma(value: float) -> str:
    """One decimal, Swedish style (``2,5``)."""
    return f"{value:.1f}".replace(".", ",")


def forecast_figure(
    forecasts: Sequence[NightForecast], nights: Sequence[date], *, top: int = FORECAST_TOP_AREAS
) -> go.Figure:
    """Expected activity per area (rows: the ``top`` highest) and night (columns), with
    the 80 % interval and the forecast's reasons on hover."""
    by_area: dict[str, dict[date, NightForecast]] = {}
    names: dict[str, str] = {}
    for f in forecasts:
        by_area.setdefault(f.code, {})[f.night] = f
        names[f.code] = f.name
    shown = sorted(by_area, key=lambda c: -max(f.total for f in by_area[c].values()))[:top]
    z = [[round(by_area[c][n].total, 2) for n in nights] for c in shown]
    hover = [
        [
            f"{names[c]} {night_label(n)}<br>väntat {decimal_comma(by_area[c][n].total)} "
            f"(80 %: {by_area[c][n].low}–{by_area[c][n].high})<br>"
            + "<br>".join(by_area[c][n].reasons)
            for n in nights
        ]
        for c in shown
    ]
    fig = go.Figure(
        go.Heatmap(
            x=[night_label(n) for n in nights],
            y=[names[c] for c in shown],
            z=z,
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale=[[0, "#fff7ec"], [0.5, "#fc8d59"], [1, "#7f0000"]],
            colorbar={"title": {"text": "Väntat"}, "thickness": 12},
            xgap=2,
            ygap=2,
        )
    )
    fig.update_layout(
        margin={"l": 130, "r": 10, "t": 10, "b": 40},
        height=max(240, 26 * len(shown) + 80),
        yaxis={"autorange": "reversed", "type": "category"},
        xaxis={"type": "category"},
        plot_bgcolor="#ffffff",
    )
    return fig


def signal_figure(area: AreaSignal, meeting_days: Sequence[date]) -> go.Figure:
    """An area's published weekly counts of the watched concerns: the baseline (dotted),
    the week the signal was raised (red) and the parent meetings held (green, dashed)."""
    weeks = list(area.weeks)
    fig = go.Figure(
        go.Bar(
            x=weeks,
            y=list(area.published),
            name="Publicerat antal per vecka",
            marker={"color": "#9ecae1"},
        )
    )
    fig.add_hline(y=area.signal.baseline, line={"dash": "dot", "color": "#5b6776"})
    alarm = area.signal.alarm
    if alarm is not None and len(weeks) > BASELINE_WEEKS + alarm:
        fig.add_vline(x=weeks[BASELINE_WEEKS + alarm], line={"color": "#b2182b", "width": 2})
    for day in meeting_days:
        fig.add_vline(
            x=(day - timedelta(days=day.weekday())).isoformat(),
            line={"color": "#1a9850", "dash": "dash"},
        )
    fig.update_layout(
        height=200,
        margin={"l": 40, "r": 10, "t": 10, "b": 30},
        showlegend=False,
        plot_bgcolor="#ffffff",
    )
    return fig
