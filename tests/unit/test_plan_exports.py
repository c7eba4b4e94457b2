"""The schedule's exports: CSV, iCalendar (valid, Europe/Stockholm times) and PDF."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import numpy as np
import pypdfium2 as pdfium
from icalendar import Calendar

from dashboard.plan_exports import (
    ScheduledWalk,
    schedule_csv,
    schedule_ics,
    schedule_pdf,
    walk_times,
)
from data.calendar.windows import STOCKHOLM
from tests.clock import TEST_NOW

SPRING = date(2026, 3, 28)
WALKS = [
    ScheduledWalk(
        date(2026, 4, 30), "0380-D01", "Demoområde 1", "IFK", 4, "22:30", "03:30", "Torget", 6.25
    ),
    ScheduledWalk(date(2026, 4, 30), "0380-D02", "Demoområde 2", "", 3, "20:30", "01:30", "", 2.0),
    ScheduledWalk(
        date(2026, 3, 28),
        "0380-D03",
        "=HYPERLINK(1)",
        "Nattvandrarna",
        3,
        "20:30",
        "01:30",
        "",
        1.0,
    ),
]


def test_walks_past_midnight_end_the_next_day_in_local_time() -> None:
    first, last = walk_times(date(2026, 4, 30), "22:30", "03:30")
    assert first == datetime(2026, 4, 30, 22, 30, tzinfo=STOCKHOLM)
    assert last == datetime(2026, 5, 1, 3, 30, tzinfo=STOCKHOLM)
    # The spring clock change night (02:00 → 03:00): 22:30–03:30 is 4 real hours.
    first, last = walk_times(SPRING, "22:30", "03:30")
    assert (last.astimezone(UTC) - first.astimezone(UTC)).total_seconds() == 4 * 3600
    assert walk_times(date(2026, 4, 30), "00:30", "02:00")[0].date() == date(2026, 5, 1)


def test_the_csv_has_one_formula_safe_row_per_walk() -> None:
    rows = list(csv.reader(io.StringIO(schedule_csv(WALKS)), delimiter=";"))
    assert rows[0][0] == "natt" and len(rows) == 4
    assert rows[1][:4] == ["2026-04-30", "torsdag", "0380-D01", "Demoområde 1"]
    assert rows[3][3].startswith("'=")  # never run by a spreadsheet


def test_the_ics_validates_and_keeps_europe_stockholm_times() -> None:
    raw = schedule_ics(WALKS, kommun="0380", stamp=TEST_NOW)
    calendar = Calendar.from_ical(raw)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 3
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]
    first = events[0]
    assert str(first["SUMMARY"]) == "Nattvandring: Demoområde 1"
    assert str(first["LOCATION"]) == "Torget"
    start = first.decoded("DTSTART")
    assert start == datetime(2026, 4, 30, 22, 30, tzinfo=STOCKHOLM)
    assert start.utcoffset().total_seconds() == 2 * 3600
    assert first.decoded("DTEND") == datetime(2026, 5, 1, 3, 30, tzinfo=STOCKHOLM)
    assert b"TZID=Europe/Stockholm" in raw
    assert len({str(e["UID"]) for e in events}) == 3


def test_the_pdf_has_a_page_per_night_and_page_one_is_not_blank() -> None:
    raw = schedule_pdf(WALKS, kommun="0380", reasons={date(2026, 4, 30): "Valborg"})
    pdf = pdfium.PdfDocument(raw)
    assert len(pdf) == 2
    image = np.asarray(pdf[0].render(scale=1).to_pil().convert("L"))
    assert image.std() > 10  # text and the table's header: not a blank page
    assert (image < 128).mean() > 0.005
    empty = pdfium.PdfDocument(schedule_pdf([], kommun="0380", reasons={}))
    assert len(empty) == 1
