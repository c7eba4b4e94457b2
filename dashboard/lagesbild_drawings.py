"""The lägesbild PDF's two pictures as ReportLab vector drawings (no browser, no
network): the choropleth map of published counts per area with its legend, and the
trend as bars, an incomplete month drawn pale and dashed with "pågående".

Only published values are drawn: class limits in the legend and axis ticks are
published numbers or round tens, so no drawing shows a number the tables do not.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Final

from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.colors import Color

from dashboard.pdf_parts import BLUE, GREY, add_scale_bar, fit_outlines
from data.briefing.model import AreaValue, Method
from data.planning.printout import AreaOutline

SEQUENTIAL: Final = ("#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000")
"""ColorBrewer OrRd, light to dark: more reports, darker."""
ZERO: Final = colors.white
SUPPRESSED: Final = colors.HexColor("#a9a9a9")
PROTECTED: Final = colors.HexColor("#d9d9d9")
BACKDROP: Final = colors.HexColor("#f3f3f3")
PALE: Final = colors.HexColor("#dbe6f1")
LEGEND_WIDTH: Final = 150.0
MAX_MAP_LABELS: Final = 60
"""More areas than this and the values go only in the table (labels would overlap)."""
TICK_STEPS: Final = (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000)
"""Axis steps: never below ten, so an axis shows no number a leadership reader may not see."""


def value_classes(numbers: Sequence[int]) -> list[tuple[int, int]]:
    """Up to five classes ``(lowest, highest)`` of the positive published numbers, each
    limit a number that is published (quantiles of the distinct values)."""
    positive = sorted({n for n in numbers if n > 0})
    count = min(len(SEQUENTIAL), len(positive))
    groups = [
        positive[round(i * len(positive) / count) : round((i + 1) * len(positive) / count)]
        for i in range(count)
    ]
    return [(g[0], g[-1]) for g in groups if g]


def _class_colours(count: int) -> list[Color]:
    """``count`` colours spread over the sequential scale, darkest last."""
    if count == 1:
        return [colors.HexColor(SEQUENTIAL[2])]
    picks = [round(i * (len(SEQUENTIAL) - 1) / (count - 1)) for i in range(count)]
    return [colors.HexColor(SEQUENTIAL[i]) for i in picks]


def _box(
    box: tuple[float, float, float, float],
    fill: Color,
    stroke: tuple[Color, float],
    *,
    dashed: bool,
) -> Rect:
    """A rectangle ``(x, y, width, height)``, its outline dashed when ``dashed``."""
    rect = Rect(*box)
    rect.fillColor, (rect.strokeColor, rect.strokeWidth) = fill, stroke
    if dashed:
        rect.strokeDashArray = [3, 2]
    return rect


def _range_text(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}–{high}"


def _fill(
    area: AreaValue, classes: Sequence[tuple[int, int]], palette: Sequence[Color], method: Method
) -> Color:
    if area.number is None:
        return PROTECTED if area.value == method.secondary_marker else SUPPRESSED
    if area.number == 0:
        return ZERO
    index = next((i for i, (_, high) in enumerate(classes) if area.number <= high), -1)
    return palette[index]


def _legend(
    drawing: Drawing,
    x: float,
    areas: Sequence[AreaValue],
    classes: Sequence[tuple[int, int]],
    palette: Sequence[Color],
    method: Method,
) -> None:
    entries: list[tuple[Color, str, bool]] = [
        (colour, _range_text(*limits), False)
        for colour, limits in reversed(list(zip(palette, classes, strict=True)))
    ]
    if any(a.number == 0 for a in areas):
        entries.append((ZERO, "0", False))
    if any(a.number is None and a.value != method.secondary_marker for a in areas):
        entries.append((SUPPRESSED, f"{method.marker} (för få för att visas)", False))
    if any(a.value == method.secondary_marker for a in areas):
        entries.append((PROTECTED, f"{method.secondary_marker} (dold för att skydda)", False))
    if any(a.merged for a in areas):
        entries.append((colors.white, "sammanslaget område", True))
    y = drawing.height - 12
    drawing.add(String(x, y, "Rapporter i perioden", fontSize=8.5, fontName="Helvetica-Bold"))
    for colour, text, dashed in entries:
        y -= 15
        stroke = (colors.black, 0.9) if dashed else (GREY, 0.5)
        drawing.add(_box((x, y - 2, 14, 10), colour, stroke, dashed=dashed))
        drawing.add(String(x + 19, y, text, fontSize=8))


def choropleth(
    areas: Sequence[AreaValue],
    outlines: Mapping[str, AreaOutline],
    method: Method,
    *,
    size: tuple[float, float],
    kommun_code: str = "",
) -> Drawing | None:
    """The areas filled by their published number (sequential scale, classes in the
    legend), suppressed areas grey with their marker, merged areas dashed, the kommun
    behind them; ``size`` in points includes the legend. ``None`` without geometry."""
    width, height = size
    shown = [(a, outlines[a.code]) for a in areas if a.code in outlines]
    backdrop = outlines.get(kommun_code) if kommun_code not in {a.code for a in areas} else None
    rings = [r for _, o in shown for r in o.rings] + list(backdrop.rings if backdrop else ())
    fitted = fit_outlines((p for ring in rings for p in ring), (width - LEGEND_WIDTH, height))
    if not shown or fitted is None:
        return None
    at, scale, span = fitted
    classes = value_classes([a.number for a, _ in shown if a.number is not None])
    palette = _class_colours(len(classes)) if classes else []
    drawing = Drawing(width, height)
    for ring in backdrop.rings if backdrop else ():
        flat = [v for x, y in ring for v in at(x, y)]
        drawing.add(Polygon(flat, fillColor=BACKDROP, strokeColor=GREY, strokeWidth=0.6))
    for area, outline in shown:
        fill = _fill(area, classes, palette, method)
        for ring in outline.rings:
            polygon = Polygon(
                [v for x, y in ring for v in at(x, y)],
                fillColor=fill,
                strokeColor=colors.black if area.merged else colors.HexColor("#555555"),
                strokeWidth=1.1 if area.merged else 0.5,
            )
            if area.merged:
                polygon.strokeDashArray = [3, 2]
            drawing.add(polygon)
    if len(shown) <= MAX_MAP_LABELS:
        for area, outline in shown:
            dark = area.number is not None and area.number > 0 and classes[-1][0] <= area.number
            lx, ly = at(*outline.label)
            drawing.add(
                String(
                    lx,
                    ly - 2.5,
                    area.value,
                    fontSize=7,
                    textAnchor="middle",
                    fillColor=colors.white if dark and len(classes) > 2 else colors.black,
                )
            )
    add_scale_bar(drawing, scale, span)
    _legend(drawing, width - LEGEND_WIDTH + 12, [a for a, _ in shown], classes, palette, method)
    return drawing


def nice_step(highest: int) -> int:
    """The smallest axis step of :data:`TICK_STEPS` with at most five steps to ``highest``."""
    return next((s for s in TICK_STEPS if highest <= 5 * s), 10 ** len(str(highest)))


def trend_bars(
    months: Sequence[tuple[str, str, int | None, bool]], *, size: tuple[float, float]
) -> Drawing:
    """One bar per month (or week) with its published value on top; a suppressed one has
    no bar, only its marker; an incomplete one is pale and dashed and says "pågående",
    never drawn as a fall."""
    width, height = size
    left, bottom, top = 38.0, 30.0, 14.0
    drawing = Drawing(width, height)
    highest = max([n for _, _, n, _ in months if n is not None] + [0])
    step = nice_step(highest)
    ceiling = max(step, step * math.ceil(highest / step))
    plot_height = height - bottom - top

    def y_of(value: float) -> float:
        return bottom + plot_height * value / ceiling

    for tick in range(0, ceiling + 1, step):
        y = y_of(tick)
        drawing.add(
            Line(left, y, width, y, strokeColor=colors.HexColor("#e3e3e3"), strokeWidth=0.5)
        )
        drawing.add(String(left - 4, y - 2.5, str(tick), fontSize=7, textAnchor="end"))
    slot = (width - left) / max(len(months), 1)
    every = max(1, math.ceil(len(months) / 14))
    for index, (label, text, number, complete) in enumerate(months):
        middle = left + slot * (index + 0.5)
        bar = slot * 0.62
        if number is not None and number > 0:
            box = (middle - bar / 2, bottom, bar, y_of(number) - bottom)
            drawing.add(_box(box, BLUE if complete else PALE, (BLUE, 0.8), dashed=not complete))
        value_y = y_of(number) + 3 if number is not None else bottom + 3
        drawing.add(String(middle, value_y, text, fontSize=7, textAnchor="middle"))
        if index % every == 0 or not complete:
            drawing.add(String(middle, bottom - 11, label, fontSize=7, textAnchor="middle"))
        if not complete:
            drawing.add(
                String(
                    middle, bottom - 21, "pågående", fontSize=7, textAnchor="middle", fillColor=BLUE
                )
            )
    drawing.add(Line(left, bottom, width, bottom, strokeColor=colors.black, strokeWidth=0.8))
    return drawing
