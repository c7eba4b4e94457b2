"""The weekly (or monthly) trend of the overview (pure builders)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import plotly.graph_objects as go

from dashboard.figures.maps import SUPPRESSED_COLOR
from data.privacy.disclosure import ProtectedCounts


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
