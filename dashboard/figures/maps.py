"""The choropleth map: offline style, colours, values per display unit (pure builders)."""

from __future__ import annotations

import math
from typing import Any, Final

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.text import plain_text
from dashboard.formatting import format_decimal, published
from dashboard.i18n import N_, _
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


MEASURE_TITLES: Final = {"count": N_("Antal"), "rate": N_("Per 1 000 unga")}
"""The colour bar's title per measure (Swedish; translated where shown)."""


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
    ``measure="rate"``, incidents per 1,000 youths, on a scale from 0 to ``zmax``
    (:func:`_colour_top`); trace 1 greys the suppressed
    areas (and, for rates, areas without population). No geometry: the polygons
    come from the layer URL. Rates are derived from published counts only; area
    names in the hover are escaped (:func:`~dashboard.figures.text.plain_text`).
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
        label = plain_text(unit_label(str(name), str(merge)))
        if hidden:
            grey["locations"].append(code)
            # A constant colour index, not a count (the hover says "<k" or "skyddad").
            grey["z"].append(0)
            grey["customdata"].append([label, published(shown), "–"])
            continue
        rate = per_thousand(int(count), pop)
        rate_text = _("saknar befolkning") if rate is None else format_decimal(rate, 1)
        if measure == "rate" and rate is None:
            grey["locations"].append(code)
            grey["z"].append(0)
            grey["customdata"].append([label, str(int(count)), rate_text])
            continue
        values["locations"].append(code)
        values["z"].append(int(count) if measure == "count" else rate)
        values["customdata"].append([label, str(int(count)), rate_text])
    return {
        "values": values,
        "suppressed": grey,
        "title": _(MEASURE_TITLES[measure]),
        "zmax": _colour_top(values["z"], k=table.k, measure=measure),
    }


def _colour_top(values: list[Any], *, k: int, measure: str = "count") -> float:
    """The top of the colour scale, whose bottom is 0: the largest value, or — when
    every value is 0 (or none is shown) — a fixed top (``k``, the smallest count that
    can be published; 1 per 1 000), so zero areas get the scale's lightest colour
    instead of Plotly's middle of a −0.5…0.5 range."""
    top = max((float(v) for v in values if v is not None), default=0.0)
    if top > 0:
        return top
    return float(k) if measure == "count" else 1.0


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
    ``title`` is plain text (an event's name may be in it), shown as written.
    """
    data = map_traces_data(table, measure=measure)
    hover = (
        "<b>%{customdata[0]}</b><br>"
        + _("Antal")
        + ": %{customdata[1]}<br>"
        + _("Per 1 000 unga (10–19 år)")
        + ": %{customdata[2]}<extra></extra>"
    )
    values = go.Choroplethmap(
        geojson=geojson_url,
        featureidkey="id",
        locations=data["values"]["locations"],
        z=data["values"]["z"],
        customdata=data["values"]["customdata"],
        colorscale=COLORSCALE,
        zmin=0,
        zmax=data["zmax"],
        marker={"line": {"width": 0.8, "color": "#ffffff"}, "opacity": 0.85},
        colorbar={"title": {"text": data["title"]}, "thickness": 12},
        hovertemplate=hover,
        name=_("Antal"),
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
        name=_("Färre än %(k)s (dolt)", k=table.k),
    )
    fig = go.Figure([values, suppressed])
    fig.update_layout(
        map={"style": OFFLINE_MAP_STYLE, **map_view(bounds)},
        margin={"l": 0, "r": 0, "t": 30, "b": 0},
        title={"text": plain_text(title), "font": {"size": 14}, "x": 0.01},
        uirevision=geojson_url,
        height=480,
    )
    return fig
