"""Planering: the night forecast heatmap and the parent-meeting signal chart (pure builders)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Final

import plotly.graph_objects as go

from dashboard.figures.events import WEEKDAY_NAMES
from dashboard.figures.text import plain_lines, plain_text
from data.planning.forecast import NightForecast
from data.planning.signals import BASELINE_WEEKS, AreaSignal

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
    the 80 % interval and the forecast's reasons on hover (names and reasons escaped)."""
    by_area: dict[str, dict[date, NightForecast]] = {}
    names: dict[str, str] = {}
    for f in forecasts:
        by_area.setdefault(f.code, {})[f.night] = f
        names[f.code] = plain_text(f.name)
    shown = sorted(by_area, key=lambda c: -max(f.total for f in by_area[c].values()))[:top]
    z = [[round(by_area[c][n].total, 2) for n in nights] for c in shown]
    hover = [
        [
            f"{names[c]} {night_label(n)}<br>väntat {decimal_comma(by_area[c][n].total)} "
            f"(80 %: {by_area[c][n].low}–{by_area[c][n].high})<br>"
            + plain_lines(by_area[c][n].reasons)
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
