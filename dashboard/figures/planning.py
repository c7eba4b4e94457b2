"""Planering: the night forecast heatmap and the parent-meeting signal chart (pure builders)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Final

import plotly.graph_objects as go

from dashboard.figures.text import plain_lines, plain_text
from dashboard.formatting import format_decimal
from dashboard.i18n import N_, _
from data.planning.forecast import NightForecast
from data.planning.signals import BASELINE_WEEKS, AreaSignal

FORECAST_TOP_AREAS: Final = 15
"""The forecast heatmap shows the areas with the highest expected night."""
NIGHT_DAYS: Final = (N_("mån"), N_("tis"), N_("ons"), N_("tor"), N_("fre"), N_("lör"), N_("sön"))
"""Weekday abbreviations of a walk night, Monday first (translated where shown)."""
FORECAST_SCALE: Final = ((0.0, "#fff7ec"), (0.5, "#fc8d59"), (1.0, "#7f0000"))
"""The forecast's colours: one sequential hue (ColorBrewer OrRd), light to dark, so
the order reads without telling red from green (colour-blind safe)."""
SIGNAL_COLOR: Final = "#d55e00"
"""The week a signal was raised: vermilion, solid (Okabe–Ito)."""
MEETING_COLOR: Final = "#0072b2"
"""A parent meeting: blue, dashed (Okabe–Ito; never red against green)."""


def night_label(night: date) -> str:
    """A walk night as the Planering page writes it: ``fre 2026-04-24`` (``Fri
    2026-04-24`` in English)."""
    return f"{_(NIGHT_DAYS[night.weekday()])} {night.isoformat()}"


def decimal_comma(value: float) -> str:
    """One decimal, Swedish style (``2,5``): for the walkers' downloads, which stay
    Swedish; the page itself uses :func:`dashboard.formatting.format_decimal`."""
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
            f"{names[c]} {night_label(n)}<br>"
            + _(
                "väntade observationer %(value)s (80 %%: %(low)s–%(high)s)",
                value=format_decimal(by_area[c][n].total),
                low=by_area[c][n].low,
                high=by_area[c][n].high,
            )
            + "<br>"
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
            colorscale=[list(stop) for stop in FORECAST_SCALE],
            colorbar={"title": {"text": _("Väntade obs.<br>per kväll")}, "thickness": 12},
            xgap=2,
            ygap=2,
        )
    )
    fig.update_layout(
        # Room above the plot for the chart's tool bar, clear of the colour bar's title.
        margin={"l": 130, "r": 10, "t": 36, "b": 40},
        height=max(240, 26 * len(shown) + 106),
        yaxis={"autorange": "reversed", "type": "category"},
        xaxis={"type": "category"},
        plot_bgcolor="#ffffff",
    )
    return fig


def signal_figure(area: AreaSignal, meeting_days: Sequence[date]) -> go.Figure:
    """An area's published weekly counts of the watched concerns: the baseline (dotted),
    the week the signal was raised (vermilion, solid) and the parent meetings held (blue,
    dashed): no red against green, and line style tells them apart without colour."""
    weeks = list(area.weeks)
    fig = go.Figure(
        go.Bar(
            x=weeks,
            y=list(area.published),
            name=_("Publicerat antal per vecka"),
            marker={"color": "#9ecae1"},
        )
    )
    fig.add_hline(y=area.signal.baseline, line={"dash": "dot", "color": "#5b6776"})
    alarm = area.signal.alarm
    if alarm is not None and len(weeks) > BASELINE_WEEKS + alarm:
        fig.add_vline(x=weeks[BASELINE_WEEKS + alarm], line={"color": SIGNAL_COLOR, "width": 2})
    for day in meeting_days:
        fig.add_vline(
            x=(day - timedelta(days=day.weekday())).isoformat(),
            line={"color": MEETING_COLOR, "dash": "dash"},
        )
    fig.update_layout(
        height=226,
        margin={"l": 40, "r": 10, "t": 36, "b": 30},
        showlegend=False,
        plot_bgcolor="#ffffff",
    )
    return fig
