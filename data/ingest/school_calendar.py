"""Reading a municipality's school calendar from CSV/XLSX or iCalendar (.ics).

CSV/XLSX: columns ``typ`` (sportlov, påsklov, höstlov, jullov, sommarlov,
skolavslutning), ``första dag`` and ``sista dag`` (dates like 2027-02-22; the last
day may be left empty for a single day). English names (``kind``, ``first_day``,
``last_day``) and ``start``/``slut`` are accepted too.

iCalendar: every VEVENT whose summary names one of the kinds (e.g. "Sportlov v. 8",
"Skolavslutning") becomes an entry; all-day events end the day before DTEND (the
iCalendar rule). Events that name no kind (studiedagar, föräldramöten …) are
skipped and listed, never guessed.

Nothing is returned unless every row is valid: :class:`CalendarRejected` lists
every problem with its line (Swedish), so a file is fixed once, not row by row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from icalendar import Calendar

from data.calendar.holidays import SCHOOL_KINDS, CalendarEntry
from data.calendar.windows import STOCKHOLM
from data.ingest.observation_rows import DATE_FORMAT_HELP, date_parts
from data.ingest.table import TableError, read_table

MAX_DAYS: Final = 100
"""Longest entry (sommarlov is about ten weeks)."""
MAX_ROWS: Final = 2000
EARLIEST_YEAR: Final = 2000
LATEST_YEAR: Final = 2100
_COLUMNS: Final = {
    "typ": "kind",
    "kind": "kind",
    "första dag": "first_day",
    "forsta dag": "first_day",
    "första_dag": "first_day",
    "forsta_dag": "first_day",
    "first_day": "first_day",
    "start": "first_day",
    "sista dag": "last_day",
    "sista_dag": "last_day",
    "last_day": "last_day",
    "slut": "last_day",
}
_KIND_WORDS: Final = {
    "sportlov": "sportlov",
    "påsklov": "påsklov",
    "pasklov": "påsklov",
    "höstlov": "höstlov",
    "hostlov": "höstlov",
    "jullov": "jullov",
    "sommarlov": "sommarlov",
    "skolavslutning": "skolavslutning",
    "skolavslutningen": "skolavslutning",
}


class CalendarRejected(ValueError):
    """The file has problems; ``errors`` lists each (Swedish, with line numbers)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(f"{len(errors)} fel i skolkalendern")
        self.errors = errors


@dataclass(frozen=True, slots=True)
class SchoolCalendarFile:
    """What a file held: the entries, and the iCalendar events that were skipped."""

    entries: tuple[CalendarEntry, ...]
    skipped: tuple[str, ...] = ()


def kind_of(text: str) -> str | None:
    """The school kind a text names (a whole word, any case), or ``None``."""
    for word in re.findall(r"[a-zåäö]+", text.casefold()):
        if word in _KIND_WORDS:
            return _KIND_WORDS[word]
    return None


def _day(text: str) -> date | str:
    parts = date_parts(text)
    if parts is None:
        return DATE_FORMAT_HELP
    try:
        day = date(*parts)
    except ValueError:
        return "datumet finns inte"
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        return f"året måste ligga mellan {EARLIEST_YEAR} och {LATEST_YEAR}"
    return day


def checked_entry(kind: str, first: date, last: date) -> CalendarEntry | str:
    """An entry, or why it is wrong (Swedish): order, length, skolavslutning one day."""
    if kind not in SCHOOL_KINDS:
        return f"okänd typ; använd {', '.join(SCHOOL_KINDS)}"
    if last < first:
        return "sista dagen ligger före den första"
    if (last - first).days + 1 > MAX_DAYS:
        return f"längre än {MAX_DAYS} dagar"
    if kind == "skolavslutning" and last != first:
        return "skolavslutning är en enda dag"
    return CalendarEntry(first, last, kind, "school")


def _from_table(raw: bytes, filename: str) -> SchoolCalendarFile:
    try:
        table = read_table(raw, filename)
    except TableError as error:
        raise CalendarRejected([str(error)]) from None
    columns = {_COLUMNS.get(name.strip().casefold()): i for i, name in enumerate(table.header)}
    missing = [name for name in ("kind", "first_day") if name not in columns]
    if missing:
        msg = "Kolumnerna typ och första dag behövs (sista dag får saknas)."
        raise CalendarRejected([f"Rad {table.header_line}: {msg}"])
    entries: list[CalendarEntry] = []
    errors: list[str] = []
    for line, cells in table.rows():
        if len(entries) + len(errors) >= MAX_ROWS:
            errors.append(f"Fler än {MAX_ROWS} rader: dela upp filen.")
            break

        def cell(name: str, cells: list[str] = cells) -> str:
            index = columns.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        kind = kind_of(cell("kind"))
        first = _day(cell("first_day"))
        last = _day(cell("last_day")) if cell("last_day") else first
        problems = []
        if isinstance(first, str):
            problems.append(f"första dag: {first}")
        elif isinstance(last, str):
            problems.append(f"sista dag: {last}")
        if kind is None:
            problems.append(f"typ: okänd; använd {', '.join(SCHOOL_KINDS)}")
        if not problems and kind and isinstance(first, date) and isinstance(last, date):
            entry = checked_entry(kind, first, last)
            if isinstance(entry, str):
                problems.append(entry)
            else:
                entries.append(entry)
        if problems:
            errors.append(f"Rad {line}: {'; '.join(problems)}")
    if errors:
        raise CalendarRejected(errors)
    if not entries:
        raise CalendarRejected(["Filen har inga rader under rubrikraden."])
    return SchoolCalendarFile(tuple(entries))


def _ical_day(value: object) -> date | None:
    if isinstance(value, datetime):
        return (value.astimezone(STOCKHOLM) if value.tzinfo else value).date()
    if isinstance(value, date):
        return value
    return None


def _from_ical(raw: bytes) -> SchoolCalendarFile:
    try:
        calendar = Calendar.from_ical(raw)
    except ValueError as error:
        raise CalendarRejected([f"Filen kunde inte läsas som iCalendar: {error}"]) from None
    entries: list[CalendarEntry] = []
    skipped: list[str] = []
    errors: list[str] = []
    for number, event in enumerate(calendar.walk("VEVENT"), start=1):
        summary = str(event.get("SUMMARY", "")).strip()
        label = f"Händelse {number} ({summary[:60] or 'utan rubrik'})"
        kind = kind_of(summary)
        if kind is None:
            skipped.append(label)
            continue
        start = _ical_day(event.decoded("DTSTART")) if "DTSTART" in event else None
        if start is None:
            errors.append(f"{label}: startdatum saknas")
            continue
        end_value = event.decoded("DTEND") if "DTEND" in event else None
        last = start
        if isinstance(end_value, datetime):
            last = _ical_day(end_value) or start
        elif isinstance(end_value, date):
            last = max(start, end_value - timedelta(days=1))  # all-day: DTEND is exclusive
        entry = checked_entry(kind, start, last)
        if isinstance(entry, str):
            errors.append(f"{label}: {entry}")
        else:
            entries.append(entry)
    if errors:
        raise CalendarRejected(errors)
    if not entries:
        raise CalendarRejected(["Filen har inga lov eller skolavslutningar."])
    return SchoolCalendarFile(tuple(entries), tuple(skipped))


def read_school_calendar(raw: bytes, filename: str = "") -> SchoolCalendarFile:
    """Read a school calendar (CSV, XLSX or iCalendar, by content); raise
    :class:`CalendarRejected` listing every problem when anything is wrong."""
    if raw.lstrip(b"\xef\xbb\xbf \r\n\t").upper().startswith(b"BEGIN:VCALENDAR"):
        return _from_ical(raw)
    return _from_table(raw, filename)
