"""The walk schedule as CSV, iCalendar and a printable PDF (one page per night).

Rows hold only what the schedule says: night, area, association, number of
walkers, times, meeting point and the expected activity the optimiser saw (a
number derived from published counts only).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final

from icalendar import Calendar, Event
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from data.calendar.windows import STOCKHOLM
from data.planning.schedule import Compensation, PlannedVsDone
from data.privacy.pii import neutralise_formula

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
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for w in walks:
        values = (
            w.night.isoformat(),
            WEEKDAYS[w.night.weekday()],
            w.area_code,
            w.area_name,
            w.association,
            str(w.walkers),
            w.start,
            w.end,
            w.meeting_point,
            f"{w.expected:.1f}".replace(".", ","),
        )
        writer.writerow([neutralise_formula(v) for v in values])
    return out.getvalue()


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
    night matters (the forecast's reasons)."""
    buffer = io.BytesIO()
    styles = getSampleStyleSheet()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, title=f"Nattvandring {kommun}", author="SSP Lägesbild"
    )
    story: list[Flowable] = []
    nights = sorted({w.night for w in walks})
    for n, night in enumerate(nights):
        if n:
            story.append(PageBreak())
        story.append(
            Paragraph(
                f"Nattvandring {WEEKDAYS[night.weekday()]} {night.isoformat()}", styles["Title"]
            )
        )
        if night in reasons:
            story.append(Paragraph(reasons[night], styles["Normal"]))
        story.append(Spacer(1, 12))
        rows = [["Område", "Förening", "Vandrare", "Tid", "Samlingsplats", "Förväntat"]]
        rows += [
            [
                w.area_name,
                w.association or "–",
                str(w.walkers),
                f"{w.start}–{w.end}",
                w.meeting_point or "–",
                f"{w.expected:.1f}".replace(".", ","),
            ]
            for w in walks
            if w.night == night
        ]
        table = Table(rows, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1f5f99")),
                    ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#b8bec6")),
                    ("FONTSIZE", (0, 0), (-1, -1), 10),
                ]
            )
        )
        story.append(table)
        story.append(Spacer(1, 18))
        story.append(
            Paragraph(
                "Bara gruppnivå: skriv aldrig namn eller personuppgifter i rapporten efter "
                "vandringen. Förväntat = väntad aktivitet under passet enligt prognosen.",
                styles["Italic"],
            )
        )
    if not nights:
        story.append(Paragraph("Inga planerade vandringar.", styles["Title"]))
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
    """The pay basis per association as ``;``-separated, formula-safe CSV: walks planned,
    reported, confirmed by the coordinator, paid (confirmed with enough walkers),
    walker-nights of the confirmed walks and the amount."""
    lines = [";".join(PAY_COLUMNS)]
    lines += [
        ";".join(
            neutralise_formula(v)
            for v in (
                c.association,
                str(c.planned),
                str(c.reported),
                str(c.confirmed),
                str(c.qualifying),
                str(c.walker_nights),
                f"{c.amount:.2f}",
            )
        )
        for c in rows
    ]
    return "\n".join(lines) + "\n"
