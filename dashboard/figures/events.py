"""Tid & händelser: calendar heatmap, weekday × time band, year over year (pure builders)."""

from __future__ import annotations

from datetime import date
from typing import Any, Final

import plotly.graph_objects as go

from dashboard.figures.maps import SUPPRESSED_COLOR
from dashboard.figures.text import plain_lines, plain_text
from dashboard.formatting import published
from dashboard.i18n import N_, _
from data.privacy.disclosure import ProtectedCounts

WEEKDAY_NAMES: Final = (N_("mån"), N_("tis"), N_("ons"), N_("tor"), N_("fre"), N_("lör"), N_("sön"))
"""Short weekday names, Monday first (Swedish; translated where a chart shows them)."""


BAND_NAMES: Final = {
    "day": N_("Dag 06–18"),
    "evening": N_("Kväll 18–22"),
    "night": N_("Natt 22–06"),
}
"""Time-of-day bands of the band chart (Swedish; translated where shown)."""


HEAT_SCALE: Final = [[0.0, "#ffffd9"], [0.25, "#c7e9b4"], [0.5, "#41b6c4"], [1.0, "#081d58"]]
"""ColorBrewer YlGnBu, one direction from light to dark: readable with every common
colour vision deficiency (no red–green pair), and in greyscale."""
RISE_COLOR: Final = "#e66101"
"""A clear rise in the year-over-year chart: orange against blue (not red against
green), and a diamond instead of a circle so the colour is never the only sign."""
NORMAL_COLOR: Final = "#1f5f99"


def _heat_cells(table: ProtectedCounts) -> tuple[list[int | None], list[str]]:
    """Published values (``None`` where hidden: drawn as gaps) and their texts."""
    values = [
        None if hidden else int(v)
        for v, hidden in zip(table.frame["count"], table.frame["suppressed"], strict=True)
    ]
    return values, [published(text) for text in table.display()]


def _weekdays() -> list[str]:
    return [_(name) for name in WEEKDAY_NAMES]


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
    weekdays = _weekdays()
    for week, weekday, day, value, shown in zip(
        frame["week"], frame["weekday"], frame["day"], values, texts, strict=True
    ):
        row = weeks.index(week)
        z[row][int(weekday)] = value
        text[row][int(weekday)] = shown
        mark = plain_text(marks.get(day, ""))
        hover[row][int(weekday)] = f"{day.isoformat()}: {shown}" + (f"<br>{mark}" if mark else "")
        if mark:
            ring_x.append(weekdays[int(weekday)])
            ring_y.append(week)
            ring_text.append(mark)
    fig = go.Figure(
        go.Heatmap(
            x=weekdays,
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
            colorbar={"title": {"text": _("Antal")}, "thickness": 12},
            name=_("Antal per dag"),
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
            name=_("Helgdag / händelse"),
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
            x=_weekdays(),
            y=[_(BAND_NAMES[b]) for b in bands],
            z=z,
            text=text,
            texttemplate="%{text}",
            hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
            colorscale=HEAT_SCALE,
            zmin=0,
            xgap=2,
            ygap=2,
            colorbar={"title": {"text": _("Antal")}, "thickness": 12},
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

    ``points``, in the axis order (oldest first), have ``label`` (e.g. "2026"),
    ``ratio``, ``low``, ``high`` (``None``
    when there is nothing to compare), ``significant`` and ``hover`` (lines of plain
    text in the reader's language, shown one per line).
    Every value is derived from published counts only.
    """
    shown = [p for p in points if p["ratio"] is not None]
    missing = [p for p in points if p["ratio"] is None]
    colors = [RISE_COLOR if p["significant"] else NORMAL_COLOR for p in shown]
    symbols = ["diamond" if p["significant"] else "circle" for p in shown]
    fig = go.Figure(
        go.Scatter(
            x=[plain_text(p["label"]) for p in shown],
            y=[p["ratio"] for p in shown],
            mode="markers",
            marker={"size": 12, "color": colors, "symbol": symbols},
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
            name=_("Observerat / förväntat"),
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
            name=_("Går inte att jämföra"),
        )
    )
    fig.add_hline(y=1.0, line={"dash": "dash", "color": "#5b6776", "width": 1})
    fig.update_layout(
        margin={"l": 50, "r": 10, "t": 10, "b": 40},
        height=300,
        # Categories in the points' order (the caller's: oldest first), not in the
        # order the two traces happen to name them.
        xaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": [plain_text(p["label"]) for p in points],
            "title": {"text": _("År")},
        },
        yaxis={"title": {"text": _("Gånger det förväntade")}, "rangemode": "tozero"},
        showlegend=False,
        plot_bgcolor="#ffffff",
    )
    return fig
