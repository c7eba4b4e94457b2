"""Tid & händelser: calendar heatmap, weekday × time band, year over year (pure builders)."""

from __future__ import annotations

from datetime import date
from typing import Any, Final

import plotly.graph_objects as go

from dashboard.figures.maps import SUPPRESSED_COLOR
from dashboard.figures.text import plain_lines, plain_text
from data.privacy.disclosure import ProtectedCounts

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
        mark = plain_text(marks.get(day, ""))
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
    when there is nothing to compare), ``significant`` and ``hover`` (lines of plain
    Swedish text, shown one per line).
    Every value is derived from published counts only.
    """
    shown = [p for p in points if p["ratio"] is not None]
    missing = [p for p in points if p["ratio"] is None]
    colors = ["#b2182b" if p["significant"] else "#1f5f99" for p in shown]
    fig = go.Figure(
        go.Scatter(
            x=[plain_text(p["label"]) for p in shown],
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
            text=[plain_lines(p["hover"]) for p in shown],
            hovertemplate="%{text}<extra></extra>",
            name="Observerat / förväntat",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[plain_text(p["label"]) for p in missing],
            y=[1.0] * len(missing),
            mode="markers",
            marker={"size": 9, "symbol": "x", "color": SUPPRESSED_COLOR},
            text=[plain_lines(p["hover"]) for p in missing],
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
