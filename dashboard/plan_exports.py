"""The walk schedule as CSV, iCalendar and a printable PDF (one page per night).

Rows hold only what the schedule says: night, area, association, number of
walkers, times, meeting point and the expected activity the optimiser saw (a
number derived from published counts only).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final

from icalendar import Calendar, Event
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.platypus import (
    Flowable,
    PageBreak,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from dashboard.figures import decimal_comma
from dashboard.pdf_text import paragraph
from data.calendar.windows import STOCKHOLM
from data.planning.schedule import Compensation, PlannedVsDone
from data.privacy.csv_safe import csv_text

WEEKDAYS: Final = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
CSV_COLUMNS: Final = (
    "natt",
    "veckodag",
    "omrade_kod",
    "omrade",
    "forening",
    "vandrare",
    "start",
    "slut",
    "samlingsplats",
    "forvantat",
)
PDF_COLUMNS: Final = ("Område", "Förening", "Vandrare", "Tid", "Samlingsplats", "Förväntat")
PDF_COLUMN_WIDTHS: Final = (100, 90, 55, 70, 80, 56)
"""Points: the 451 between A4's margins; long names wrap inside their column."""


@dataclass(frozen=True, slots=True)
class ScheduledWalk:
    """One walk as the exports show it."""

    night: date
    area_code: str
    area_name: str
    association: str
    walkers: int
    start: str
    end: str
    meeting_point: str
    expected: float


def walk_times(night: date, start: str, end: str) -> tuple[datetime, datetime]:
    """Local start and end of a walk on ``night`` (times before noon are after
    midnight; an end at or before the start is the next day)."""

    def clock(hhmm: str) -> time:
        hours, minutes = hhmm.split(":")
        return time(int(hours), int(minutes))

    first = datetime.combine(night, clock(start), tzinfo=STOCKHOLM)
    if first.hour < 12:
        first = datetime.combine(night + timedelta(days=1), clock(start), tzinfo=STOCKHOLM)
    last = datetime.combine(first.date(), clock(end), tzinfo=STOCKHOLM)
    if last <= first:
        last = datetime.combine(first.date() + timedelta(days=1), clock(end), tzinfo=STOCKHOLM)
    return first, last


def schedule_csv(walks: Sequence[ScheduledWalk]) -> str:
    """``;``-separated, formula-safe CSV, one row per walk."""
    rows = [
        (
            w.night.isoformat(),
            WEEKDAYS[w.night.weekday()],
            w.area_code,
            w.area_name,
            w.association,
            w.walkers,
            w.start,
            w.end,
            w.meeting_point,
            decimal_comma(w.expected),
        )
        for w in walks
    ]
    return csv_text(CSV_COLUMNS, rows)


def schedule_ics(walks: Sequence[ScheduledWalk], *, kommun: str, stamp: datetime) -> bytes:
    """An iCalendar file with one event per walk, times in Europe/Stockholm."""
    calendar = Calendar()
    calendar.add("prodid", "-//SSP Lägesbild//Nattvandring//SV")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Nattvandring {kommun}")
    for w in walks:
        first, last = walk_times(w.night, w.start, w.end)
        event = Event()
        event.add("uid", f"ssp-walk-{kommun}-{w.night.isoformat()}-{w.area_code}@ssp-lagesbild")
        event.add("dtstamp", stamp)
        event.add("dtstart", first)
        event.add("dtend", last)
        event.add("summary", f"Nattvandring: {w.area_name}")
        event.add("location", w.meeting_point or w.area_name)
        who = f"{w.association}, " if w.association else ""
        event.add("description", f"{who}{w.walkers} vandrare. Område {w.area_code}.")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def schedule_pdf(walks: Sequence[ScheduledWalk], *, kommun: str, reasons: dict[date, str]) -> bytes:
    """A printable A4 PDF, one page per night: the walks as a table and why the
    night matters (the forecast's reasons). Every text is shown as text
    (:func:`dashboard.pdf_text.paragraph`), never read as markup."""
    buffer = io.BytesIO()
    styles = getSampleStyleSheet()
    cell = ParagraphStyle("cell", parent=styles["Normal"], fontSize=10, leading=12)
    header = ParagraphStyle("header", parent=cell, textColor=colors.white)
    document = SimpleDocTemplate(
        buffer, pagesize=A4, title=f"Nattvandring {kommun}", author="SSP Lägesbild"
    )
    story: list[Flowable] = []
    nights = sorted({w.night for w in walks})
    for n, night in enumerate(nights):
        if n:
            story.append(PageBreak())
        story.append(
            paragraph(
                f"Nattvandring {WEEKDAYS[night.weekday()]} {night.isoformat()}", styles["Title"]
            )
        )
        if night in reasons:
            story.append(paragraph(reasons[night], styles["Normal"]))
        story.append(Spacer(1, 12))
        rows = [
            [paragraph(h, header) for h in PDF_COLUMNS],
            *(
                [
                    paragraph(text, cell)
                    for text in (
                        w.area_name,
                        w.association or "–",
                        str(w.walkers),
                        f"{w.start}–{w.end}",
                        w.meeting_point or "–",
                        decimal_comma(w.expected),
                    )
                ]
                for w in walks
                if w.night == night
            ),
        ]
        table = Table(rows, repeatRows=1, colWidths=PDF_COLUMN_WIDTHS)
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1f5f99")),
                    ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#b8bec6")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
        story.append(Spacer(1, 18))
        story.append(
            paragraph(
                "Bara gruppnivå: skriv aldrig namn eller personuppgifter i rapporten efter "
                "vandringen. Förväntat = väntad aktivitet under passet enligt prognosen.",
                styles["Italic"],
            )
        )
    if not nights:
        story.append(paragraph("Inga planerade vandringar.", styles["Title"]))
    document.build(story)
    return buffer.getvalue()


def saved_walks(rows: Iterable[PlannedVsDone]) -> list[ScheduledWalk]:
    """The saved schedule (planned vs done rows) as the exports show it."""
    return [
        ScheduledWalk(
            r.night,
            r.area_code,
            r.area_name,
            r.association,
            r.planned_walkers,
            r.start,
            r.end,
            r.meeting_point,
            r.expected,
        )
        for r in rows
    ]


PAY_COLUMNS: Final = (
    "forening",
    "planerade",
    "rapporterade",
    "bekraftade",
    "ersattningsgrundande",
    "vandrarnatter",
    "belopp",
)


def compensation_csv(rows: Iterable[Compensation]) -> str:
    """The pay basis per association as ``;``-separated, formula-safe CSV (an
    association's name is one quoted cell whatever it holds): walks planned, reported,
    confirmed by the coordinator, paid (confirmed with enough walkers), walker-nights
    of the confirmed walks and the amount."""
    table = [
        (
            c.association,
            c.planned,
            c.reported,
            c.confirmed,
            c.qualifying,
            c.walker_nights,
            f"{c.amount:.2f}",
        )
        for c in rows
    ]
    return csv_text(PAY_COLUMNS, table)
