"""Pure figure builders: protected tables in, plotly figures out (no I/O).

Every Plotly figure of the app is built in this package, one module per page family
(``maps``, ``trends``, ``events``, ``planning``); builders that take a table take
:class:`~data.privacy.disclosure.ProtectedCounts`, so nothing that skipped
disclosure control can be drawn. Import them from ``dashboard.figures``.
"""

from __future__ import annotations

from dashboard.figures.events import (
    BAND_NAMES,
    HEAT_SCALE,
    RISE_COLOR,
    WEEKDAY_NAMES,
    band_figure,
    heatmap_figure,
    ratio_figure,
)
from dashboard.figures.maps import (
    COLORSCALE,
    MEASURE_TITLES,
    MEASURES,
    OFFLINE_MAP_STYLE,
    SUPPRESSED_COLOR,
    SUPPRESSED_TRACE,
    VALUES_TRACE,
    map_figure,
    map_traces_data,
    map_view,
    per_thousand,
    unit_label,
)
from dashboard.figures.planning import (
    FORECAST_TOP_AREAS,
    decimal_comma,
    forecast_figure,
    night_label,
    signal_figure,
)
from dashboard.figures.text import plain_lines, plain_text
from dashboard.figures.trends import trend_figure

__all__ = [
    "BAND_NAMES",
    "COLORSCALE",
    "FORECAST_TOP_AREAS",
    "HEAT_SCALE",
    "MEASURES",
    "MEASURE_TITLES",
    "OFFLINE_MAP_STYLE",
    "RISE_COLOR",
    "SUPPRESSED_COLOR",
    "SUPPRESSED_TRACE",
    "VALUES_TRACE",
    "WEEKDAY_NAMES",
    "band_figure",
    "decimal_comma",
    "forecast_figure",
    "heatmap_figure",
    "map_figure",
    "map_traces_data",
    "map_view",
    "night_label",
    "per_thousand",
    "plain_lines",
    "plain_text",
    "ratio_figure",
    "signal_figure",
    "trend_figure",
    "unit_label",
]
