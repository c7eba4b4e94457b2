"""The lägesbild's trend chart (pure builder): published values in, a figure out.

A running (incomplete) month or week is drawn as a pale, outlined bar with its own
legend entry, never as a fall; hidden values ("<10", "skyddad") are grey stubs with
their marker as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import plotly.graph_objects as go

from dashboard.figures.maps import SUPPRESSED_COLOR
from dashboard.figures.trends import TREND_COLOR, count_axis
from dashboard.formatting import published
from dashboard.i18n import _

TrendPoint = tuple[str, str, int | None, bool]
"""(label, published text, number, complete): one point of ``Briefing.monthly``."""
RUNNING_FILL: Final = "rgba(31,95,153,0.18)"


def briefing_trend_figure(points: Sequence[TrendPoint], k: int, *, monthly: bool) -> go.Figure:
    """Bars of the published counts per month (``monthly``) or week."""
    labels = [p[0] for p in points]
    texts = [published(p[1]) for p in points]
    stub = max(k * 0.25, 0.5)

    def bars(keep: list[bool], name: str, **style: object) -> go.Bar:
        return go.Bar(
            x=[lab for lab, ok in zip(labels, keep, strict=True) if ok],
            y=[
                (p[2] if p[2] is not None else stub)
                for p, ok in zip(points, keep, strict=True)
                if ok
            ],
            text=[t for t, ok in zip(texts, keep, strict=True) if ok],
            textposition="outside",
            hovertemplate="%{x}: %{text}<extra></extra>",
            name=name,
            **style,
        )

    shown = [p[2] is not None and p[3] for p in points]
    running = [p[2] is not None and not p[3] for p in points]
    hidden = [p[2] is None for p in points]
    fig = go.Figure()
    fig.add_trace(
        bars(
            shown,
            _("Antal per månad") if monthly else _("Antal per vecka"),
            marker_color=TREND_COLOR,
        )
    )
    if any(running):
        fig.add_trace(
            bars(
                running,
                _("Pågående månad (ofullständig)")
                if monthly
                else _("Pågående vecka (ofullständig)"),
                marker={"color": RUNNING_FILL, "line": {"color": TREND_COLOR, "width": 2}},
            )
        )
    if any(hidden):
        fig.add_trace(
            bars(
                hidden,
                _("Dolt (%(marker)s eller skyddad)", marker=f"<{k}"),
                marker_color=SUPPRESSED_COLOR,
            )
        )
    top = max((p[2] for p in points if p[2] is not None), default=0)
    fig.update_layout(
        barmode="overlay",
        margin={"l": 48, "r": 10, "t": 30, "b": 60},
        xaxis={
            "title": {"text": _("Månad") if monthly else _("Vecka")},
            "type": "category",
            "categoryorder": "array",
            "categoryarray": labels,
        },
        yaxis=count_axis(int(top * 1.1) + 1, k),
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": 1.02, "xanchor": "left", "yanchor": "bottom"},
        plot_bgcolor="#ffffff",
    )
    return fig
