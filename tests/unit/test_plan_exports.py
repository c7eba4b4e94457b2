"""The schedule's exports: CSV, iCalendar (valid, Europe/Stockholm times) and PDF."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import numpy as np
import pypdfium2 as pdfium
from icalendar import Calendar
from reportlab.graphics.shapes import Polygon

from dashboard.plan_exports import (
    ScheduledWalk,
    schedule_csv,
    schedule_ics,
    schedule_pdf,
    walk_times,
)
from dashboard.schedule_pdf import night_map
from data.calendar.windows import STOCKHOLM
from data.planning.printout import AreaOutline
from tests.clock import TEST_NOW
from tests.pdf_checks import pdf_pages

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


SQUARE = ((0.0, 0.0), (900.0, 0.0), (900.0, 700.0), (0.0, 700.0), (0.0, 0.0))
OUTLINES = {
    "0380-D01": AreaOutline("0380-D01", "Demoområde 1", (SQUARE,), (450.0, 350.0)),
    "0380-D02": AreaOutline(
        "0380-D02", "Demoområde 2", (tuple((x + 900, y) for x, y in SQUARE),), (1350.0, 350.0)
    ),
}


def test_the_schedule_pdf_names_the_kommun_and_starts_the_first_night_on_page_one() -> None:
    """Issue 15: the printout said "Nattvandring 0380", page 1 was mostly empty and had
    no meeting point or contact."""
    raw = schedule_pdf(
        WALKS,
        kommun="Uppsala",
        reasons={date(2026, 4, 30): "Valborg"},
        period=(date(2026, 3, 27), date(2026, 5, 1)),
        contact="SSP-samordnaren via kontaktcenter",
        outlines=OUTLINES,
    )
    pages = pdf_pages(raw)
    first = pages[0]
    assert "Nattvandring i Uppsala" in first and "0380" not in first.split("Sida")[0][:40]
    assert "27 mars 2026 – 1 maj 2026" in first
    assert "SSP-samordnaren via kontaktcenter" in first and "arbetskontakt" in first
    # Nights in date order from the top of page 1: the first night, its areas by name.
    assert "Lördag 28 mars 2026" in first and "Torsdag 30 april 2026" in first
    assert first.index("Lördag 28 mars") < first.index("Torsdag 30 april")
    assert "Torget" in first and "IFK" in first and "22:30–03:30" in first
    assert all(f"Sida {n} av {len(pages)}" in page for n, page in enumerate(pages, start=1))
    image = np.asarray(pdfium.PdfDocument(raw)[0].render(scale=1).to_pil().convert("L"))
    top = image[: image.shape[0] // 2]
    assert (top < 128).mean() > 0.01  # the upper half carries the content


def test_the_night_map_draws_the_areas_as_vector_polygons() -> None:
    drawing = night_map(["0380-D01", "0380-D02", "okänd"], OUTLINES, size=(110.0, 100.0))
    assert drawing is not None
    polygons = [s for s in drawing.contents if isinstance(s, Polygon)]
    assert len(polygons) == 2
    xs = [x for p in polygons for x in p.points[0::2]]
    assert min(xs) >= 0 and max(xs) <= 110  # fitted inside the map
    assert night_map(["okänd"], OUTLINES, size=(110.0, 100.0)) is None


def test_an_empty_schedule_pdf_says_so_on_one_page() -> None:
    pages = pdf_pages(schedule_pdf([], kommun="Uppsala", reasons={}))
    assert len(pages) == 1 and "Inga planerade vandringar" in pages[0]
    assert "Sida 1 av 1" in pages[0]


def test_the_ics_calendar_is_named_after_the_kommun() -> None:
    calendar = Calendar.from_ical(
        schedule_ics(WALKS, kommun="0380", stamp=TEST_NOW, name="Uppsala")
    )
    assert str(calendar["X-WR-CALNAME"]) == "Nattvandring Uppsala"
