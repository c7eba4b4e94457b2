"""Pieces every printed page of the dashboard shares (the walkers' schedule, the
lägesbild): "Sida N av M" with a footer line, Swedish dates, and fitting area
outlines (metres, SWEREF 99 TM) into a ReportLab drawing with a scale bar.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import IO, Any, Final

from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate

from data.vocabulary import MONTH_NAMES

WEEKDAYS: Final = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
BLUE: Final = colors.HexColor("#1f5f99")
GREY: Final = colors.HexColor("#b8bec6")
SCALE_BAR_SPACE: Final = 14.0
"""Points kept free under a map for its scale bar."""

Project = Callable[[float, float], tuple[float, float]]


def swedish_day(day: date, *, weekday: bool = True) -> str:
    """``fredag 4 december 2026`` (without the weekday: ``4 december 2026``)."""
    text = f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"
    return f"{WEEKDAYS[day.weekday()]} {text}" if weekday else text


def a4_document(buffer: IO[bytes], *, title: str, top_mm: float = 18) -> SimpleDocTemplate:
    """An A4 document with the printouts' margins (18 mm sides, room for the footer)."""
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author="SSP Lägesbild",
        topMargin=top_mm * mm,
        bottomMargin=20 * mm,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
    )


def numbered_canvas(footer: str) -> type[Canvas]:
    """A canvas class that writes ``footer`` and "Sida N av M" on every page once the
    page count is known (pass it as ``canvasmaker``)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont("Helvetica", 9)
                self.setFillColor(colors.HexColor("#444444"))
                self.drawRightString(A4[0] - 20 * mm, 12 * mm, f"Sida {number} av {total}")
                self.drawString(20 * mm, 12 * mm, footer)
                super().showPage()
            super().save()

    return NumberedCanvas


def fit_outlines(
    points: Iterable[tuple[float, float]], size: tuple[float, float]
) -> tuple[Project, float, float] | None:
    """A projection of metre coordinates into a drawing of ``size`` points that keeps
    the proportions and leaves :data:`SCALE_BAR_SPACE` free at the bottom: ``(project,
    points per metre, the span in metres)``; ``None`` without points."""
    listed = list(points)
    if not listed:
        return None
    width, height = size
    xs, ys = [p[0] for p in listed], [p[1] for p in listed]
    west, east, south, north = min(xs), max(xs), min(ys), max(ys)
    wide, tall = max(east - west, 200.0) * 1.1, max(north - south, 200.0) * 1.1
    scale = min(width / wide, (height - SCALE_BAR_SPACE) / tall)
    span = max(wide, tall)
    cx, cy = (west + east) / 2, (south + north) / 2
    middle = SCALE_BAR_SPACE + (height - SCALE_BAR_SPACE) / 2

    def project(x: float, y: float) -> tuple[float, float]:
        return width / 2 + (x - cx) * scale, middle + (y - cy) * scale

    return project, scale, span


def add_scale_bar(drawing: Drawing, scale: float, span: float) -> None:
    """A round-length scale bar (about a quarter of ``span`` metres) at the bottom left."""
    metres = next(
        (m for m in (100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000) if m >= span / 4),
        100000,
    )
    bar = metres * scale
    drawing.add(Line(4, 5, 4 + bar, 5, strokeColor=colors.black, strokeWidth=1.2))
    label = f"{metres // 1000} km" if metres >= 1000 else f"{metres} m"
    drawing.add(String(8 + bar, 2, label, fontSize=7))
