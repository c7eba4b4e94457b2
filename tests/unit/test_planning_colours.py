"""Planering's charts read without telling red from green (issue 15, WCAG 1.4.1): the
forecast is one sequential hue, light to dark; the signal chart's two markers are not a
red/green pair and differ in line style too."""

from __future__ import annotations

import colorsys
from datetime import date

from dashboard.figures import forecast_figure, signal_figure
from dashboard.figures.planning import FORECAST_SCALE, MEETING_COLOR, SIGNAL_COLOR
from data.planning.forecast import NightForecast
from data.planning.signals import BASELINE_WEEKS, AreaSignal, Signal


def rgb(colour: str) -> tuple[float, float, float]:
    value = colour.lstrip("#")
    r, g, b = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return r, g, b


def hue(colour: str) -> float:
    return colorsys.rgb_to_hls(*rgb(colour))[0] * 360


def luminance(colour: str) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def reddish(colour: str) -> bool:
    return hue(colour) < 20 or hue(colour) > 340


def greenish(colour: str) -> bool:
    return 75 <= hue(colour) <= 165


def test_forecast_scale_is_one_hue_getting_darker() -> None:
    colours = [c for _stop, c in FORECAST_SCALE]
    lightness = [luminance(c) for c in colours]
    assert lightness == sorted(lightness, reverse=True)
    assert lightness[0] / lightness[-1] > 10  # low and high are far apart without colour
    assert not any(greenish(c) for c in colours)
    night = date(2026, 4, 24)
    forecast = NightForecast("A", "Centrum", night, 0.5, 0.5, 0, 2, ("vanlig fredag",))
    heat = forecast_figure([forecast], [night]).data[0]
    assert [c for _stop, c in heat.colorscale] == colours


def test_signal_chart_has_no_red_green_pair() -> None:
    """Regression: the raised week was red (#b2182b) and the meetings green (#1a9850)."""
    assert not (reddish(SIGNAL_COLOR) and greenish(MEETING_COLOR))
    assert not (greenish(SIGNAL_COLOR) or greenish(MEETING_COLOR))
    monday = date(2026, 1, 5)
    weeks = tuple(monday.fromordinal(monday.toordinal() + 7 * i).isoformat() for i in range(30))
    area = AreaSignal(
        "A", "Centrum", weeks, (1,) * 30, Signal(1.0, (0.0,) * 30, 5.0, 30 - BASELINE_WEEKS - 2)
    )
    figure = signal_figure(area, [date(2026, 6, 10)])
    lines = {shape.line.color: shape.line.dash for shape in figure.layout.shapes}
    assert set(lines) >= {SIGNAL_COLOR, MEETING_COLOR}
    assert lines[SIGNAL_COLOR] != lines[MEETING_COLOR]  # told apart without colour too
