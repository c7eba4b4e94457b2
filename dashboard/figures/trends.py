"""The weekly (or monthly) trend of the overview (pure builders)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Final

import plotly.graph_objects as go

from dashboard.figures.maps import SUPPRESSED_COLOR
from dashboard.formatting import published
from dashboard.i18n import _
from data.access.scope import month_of
from data.privacy.disclosure import SECONDARY_MARKER, ProtectedCounts


def _week_band(
    first: date,
    last: date,
    *,
    height: float,
    color: str,
    below: bool = False,
    half: float = 3.5,
) -> dict[str, Any]:
    """A rectangle over whole weeks (Mondays ``first``..``last``), from the x axis up;
    ``half`` days either side of the points (15 for months)."""
    band: dict[str, Any] = {
        "type": "rect",
        "xref": "x",
        "yref": "paper",
        "x0": first - timedelta(days=half),
        "x1": last + timedelta(days=half),
        "y0": 0,
        "y1": height,
        "fillcolor": color,
        "line": {"width": 0},
    }
    if below:
        band["layer"] = "below"
    return band


NICE_STEPS: Final = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000)
"""Tick steps of the count axis: whole numbers only (counts have no decimals)."""
MAX_TICKS: Final = 6
SPARSE_SHARE: Final = 1 / 3
"""From this share of hidden points on, published counts are drawn as bars: a line
broken by many gaps leaves only dots."""
TREND_COLOR: Final = "#1f5f99"
HIGHLIGHT_COLOR: Final = "rgba(31,95,153,0.07)"
"""The selected period behind the trend (legend "vald period")."""


def count_axis(top: int, k: int) -> dict[str, Any]:
    """A y axis for counts up to ``top``: whole-number ticks (step at least 1, no
    decimal point), from 0, at least up to ``k`` so an all-hidden chart still reads."""
    ceiling = max(int(top), k, 1)
    step = next((s for s in NICE_STEPS if ceiling / s <= MAX_TICKS), NICE_STEPS[-1])
    return {
        "title": {"text": _("Antal")},
        "rangemode": "tozero",
        "range": [0, ceiling * 1.08],
        "tickmode": "linear",
        "tick0": 0,
        "dtick": step,
        "tickformat": ",d",
        "fixedrange": False,
    }


def _running_label(monthly: bool) -> str:
    return _("pågående månad (ofullständig)") if monthly else _("pågående vecka (ofullständig)")


def trend_figure(
    table: ProtectedCounts,
    *,
    highlight: tuple[date, date] | None = None,
    running_week: date | None = None,
    grain: str = "week",
) -> go.Figure:
    """Weekly (``grain="month"``: monthly) trend; suppressed points are gaps, marked by
    grey squares on the axis with a legend entry ("<5 eller skyddad").

    Published counts are a line, or bars when at least :data:`SPARSE_SHARE` of the
    points are hidden (a single area's trend). The count axis has whole-number ticks
    (:func:`count_axis`). ``highlight`` (first Monday, last Monday) shades the
    selected period (legend "vald period"). The week (month) of ``running_week`` (a
    Monday) is not complete yet: it is drawn apart as a hollow marker with its own
    legend entry and not joined to the line, so its lower count is not read as a
    fall. Monthly points stand on the first day of their month.
    """
    frame = table.frame
    monthly = grain == "month"
    hidden_flags = [bool(h) for h in frame["suppressed"]]
    counts = [
        None if hidden else int(v) for v, hidden in zip(frame["count"], hidden_flags, strict=True)
    ]
    texts = [published(text) for text in table.display()]
    xs = [month_of(w) for w in frame["week"]] if monthly else list(frame["week"])
    running_x = None
    if running_week is not None:
        running_x = month_of(running_week) if monthly else running_week
    running = [x == running_x for x in xs]
    values = [None if now else count for count, now in zip(counts, running, strict=True)]
    labels = list(frame["week_label"])
    hidden_word = _("dolt")
    word = _("Månad") if monthly else _("Vecka")
    sparse = bool(xs) and sum(hidden_flags) >= SPARSE_SHARE * len(xs)
    common: dict[str, Any] = {
        "x": xs,
        "y": values,
        "text": texts,
        "customdata": labels,
        "hovertemplate": f"{word} %{{customdata}}: %{{text}}<extra></extra>",
        "name": _("Antal per månad") if monthly else _("Antal per vecka"),
    }
    main: Any = (
        go.Bar(**common, marker={"color": TREND_COLOR}, textposition="none")
        if sparse
        else go.Scatter(
            **common,
            mode="lines+markers",
            connectgaps=False,
            line={"color": TREND_COLOR, "width": 2},
            marker={"size": 7},
        )
    )
    fig = go.Figure(main)
    gaps = [i for i, hidden in enumerate(hidden_flags) if hidden]
    fig.add_trace(
        go.Scatter(
            x=[xs[i] for i in gaps],
            y=[0.02] * len(gaps),
            yaxis="y2",
            mode="markers",
            marker={"symbol": "square", "size": 10, "color": SUPPRESSED_COLOR},
            text=[texts[i] for i in gaps],
            customdata=[labels[i] for i in gaps],
            hovertemplate=f"{word} %{{customdata}}: %{{text}} ({hidden_word})<extra></extra>",
            name=_(
                "Dolt: %(marker)s eller %(protected)s",
                marker=table.marker,
                protected=published(SECONDARY_MARKER),
            ),
            showlegend=True,
        )
    )
    # After the gap markers, so traces 0 and 1 stay the counts and the gaps.
    shown_now = [i for i, now in enumerate(running) if now and not hidden_flags[i]]
    if shown_now:
        label = _running_label(monthly)
        fig.add_trace(
            go.Scatter(
                x=[xs[i] for i in shown_now],
                y=[counts[i] for i in shown_now],
                text=[texts[i] for i in shown_now],
                customdata=[labels[i] for i in shown_now],
                mode="markers",
                marker={
                    "symbol": "circle-open",
                    "size": 11,
                    "color": TREND_COLOR,
                    "line": {"width": 2},
                },
                hovertemplate=f"{word} %{{customdata}}: %{{text}} ({label})<extra></extra>",
                name=label,
            )
        )
    shapes: list[dict[str, Any]] = []
    if highlight is not None and len(xs) > 1:
        first, last = highlight
        if monthly:
            first, last = month_of(first), month_of(last)
        half = 15.0 if monthly else 3.5
        # Never beyond the last point drawn: a band over months (weeks) without data
        # reads as a bar of its own.
        last = min(last, max(xs))
        shapes.append(
            {
                **_week_band(first, last, height=1, color=HIGHLIGHT_COLOR, below=True, half=half),
                "showlegend": True,
                "name": _("vald period"),
            }
        )
    top = max((v for v in [*values, *(counts[i] for i in shown_now)] if v is not None), default=0)
    fig.update_layout(
        shapes=shapes,
        margin={"l": 48, "r": 10, "t": 30, "b": 40},
        height=320,
        # Plotly's own date ticks, in the chart's locale ("jan. 2025", "2 nov."):
        # assets/plotly-locale-sv.js for Swedish.
        xaxis={"title": {"text": _("Månad") if monthly else _("Vecka (måndag)")}},
        yaxis=count_axis(top, table.k),
        yaxis2={"overlaying": "y", "range": [0, 1], "visible": False, "fixedrange": True},
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": 1.02, "xanchor": "left", "yanchor": "bottom"},
        bargap=0.15,
        plot_bgcolor="#ffffff",
    )
    return fig
