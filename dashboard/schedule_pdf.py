"""The walkers' printed schedule (A4 PDF, Swedish): the kommun's name and the period
on top, the contact line, then night after night — date with weekday, times, areas by
name, meeting point, association, walkers, why the night matters — each with a small
map of the night's areas drawn as vector outlines. Page numbers "Sida N av M".

Every user text goes through :func:`dashboard.pdf_text.paragraph` (never read as
markup); map labels are numbers, the names are in the table beside them.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final

from reportlab.graphics.shapes import Drawing, Polygon, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from dashboard.pdf_parts import (
    BLUE,
    GREY,
    a4_document,
    add_scale_bar,
    fit_outlines,
    numbered_canvas,
    swedish_day,
)
from dashboard.pdf_text import paragraph
from data.planning.printout import AreaOutline

COLUMNS: Final = ("", "Område", "Tid", "Samlingsplats", "Förening", "Vandrare")
COLUMN_WIDTHS: Final = (14, 86, 68, 84, 72, 50)
"""Points; with the map (114 pt wide) beside the table the A4 text width is filled."""
MAP_SIZE: Final = (110.0, 100.0)
FILL: Final = colors.HexColor("#fdd9a8")
NO_CONTACT: Final = "Kontakt: fråga SSP-samordnaren (ingen kontakt är angiven i planeringen)."
FOOTER: Final = "Nattvandring – schema för vandrarna"


def night_map(
    codes: Sequence[str], outlines: Mapping[str, AreaOutline], *, size: tuple[float, float]
) -> Drawing | None:
    """The night's areas as filled outlines numbered 1, 2, … in table order, fitted to
    ``size`` (points) with a scale bar; ``None`` without geometry."""
    shown = [(n, outlines[c]) for n, c in enumerate(codes, start=1) if c in outlines]
    fitted = fit_outlines((p for _, o in shown for ring in o.rings for p in ring), size)
    if fitted is None:
        return None
    at, scale, span = fitted
    drawing = Drawing(*size)
    for number, outline in shown:
        for ring in outline.rings:
            flat = [v for x, y in ring for v in at(x, y)]
            drawing.add(Polygon(flat, fillColor=FILL, strokeColor=BLUE, strokeWidth=0.8))
        lx, ly = at(*outline.label)
        drawing.add(String(lx, ly - 3, str(number), fontSize=8, textAnchor="middle"))
    add_scale_bar(drawing, scale, span)
    return drawing


def _walk_table(walks: Sequence[Any], cell: ParagraphStyle, header: ParagraphStyle) -> Table:
    rows = [
        [paragraph(h, header) for h in COLUMNS],
        *(
            [
                paragraph(text, cell)
                for text in (
                    str(number),
                    w.area_name,
                    f"{w.start}–{w.end}",
                    w.meeting_point or "Ej angiven – fråga samordnaren",
                    w.association or "(utan förening)",
                    str(w.walkers),
                )
            ]
            for number, w in enumerate(walks, start=1)
        ),
    ]
    table = Table(rows, repeatRows=1, colWidths=COLUMN_WIDTHS)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), BLUE),
                ("GRID", (0, 0), (-1, -1), 0.5, GREY),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def schedule_pdf(
    walks: Sequence[Any],
    *,
    kommun: str,
    reasons: Mapping[date, str],
    period: tuple[date, date] | None = None,
    contact: str = "",
    outlines: Mapping[str, AreaOutline] | None = None,
) -> bytes:
    """The walkers' schedule as A4 PDF bytes. ``kommun`` is the kommun's *name*,
    ``walks`` are :class:`dashboard.plan_exports.ScheduledWalk`, ``outlines`` the
    areas' outlines by code (:func:`data.planning.printout.schedule_printout`)."""
    buffer = io.BytesIO()
    styles = getSampleStyleSheet()
    cell = ParagraphStyle("cell", parent=styles["Normal"], fontSize=9, leading=11)
    header = ParagraphStyle("header", parent=cell, textColor=colors.white)
    night_title = ParagraphStyle("night", parent=styles["Heading2"], spaceBefore=10)
    title = f"Nattvandring i {kommun}"
    document = a4_document(buffer, title=title)
    nights = sorted({w.night for w in walks})
    story: list[Flowable] = [paragraph(title, styles["Title"])]
    if period is not None:
        when = f"{swedish_day(period[0], weekday=False)} – {swedish_day(period[1], weekday=False)}"
        story.append(paragraph(f"Schema för {when}", styles["Heading3"]))
    story.append(
        paragraph(
            f"Kontakt under vandringen (arbetskontakt): {contact}" if contact else NO_CONTACT,
            styles["Normal"],
        )
    )
    story.append(
        paragraph(
            "Gå minst tre tillsammans. Skriv aldrig namn eller andra personuppgifter i "
            "rapporten efter vandringen, bara vad gruppen såg.",
            styles["Italic"],
        )
    )
    for night in nights:
        of_night = [w for w in walks if w.night == night]
        block: list[Flowable] = [paragraph(swedish_day(night).capitalize(), night_title)]
        if night in reasons:
            block.append(paragraph(f"Varför just i kväll: {reasons[night]}", cell))
        block.append(Spacer(1, 4))
        table = _walk_table(of_night, cell, header)
        drawing = night_map([w.area_code for w in of_night], outlines or {}, size=MAP_SIZE)
        if drawing is None:
            block.append(table)
        else:
            side = Table([[table, drawing]], colWidths=(sum(COLUMN_WIDTHS) + 4, MAP_SIZE[0] + 4))
            side.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
            block.append(side)
        story.append(KeepTogether(block))
    if not nights:
        story.append(paragraph("Inga planerade vandringar i perioden.", styles["Heading2"]))
    document.build(story, canvasmaker=numbered_canvas(FOOTER))
    return buffer.getvalue()
