"""Parse the public polisen.se events API ("händelser") into group-level police reports.

Pure: no database, no network. The caller decides what to store.

Two location formats exist (see ``shared/data/SOURCES.md``):

* **old** (until 2026-01-27): ``location.name`` is the kommun ("Uppsala") and
  ``location.gps`` is the kommun centroid;
* **new**: ``location.name`` is the county ("Uppsala län") and the kommun is only the
  last comma-separated part of ``name`` ("22 augusti 17.59, Brand, Uppsala"). When that
  last part is itself a county ("…, Sammanfattning natt, Uppsala län") the report is
  county-wide.

So the finest precision any report gets is ``kommun``; ``gps`` is an administrative
centroid, never an incident location, and is ignored. County-wide reports get
precision ``county`` and an empty ``kommun_name``.

``summary`` and ``url`` are **not** carried over: the free text may name streets,
ages or people, and the url repeats the title. Only the structured fields are kept.

``occurred_at`` is when the incident happened, from the start of the title ("22
augusti 07.21, Brand, Uppsala"), with the year taken from the API's ``datetime``
field — which is when polisen.se *published* the report (hours later, sometimes the
next day: in the real file 1,768 of 1,878 reports differ in the hour). A title dated
in December published in January belongs to the year before. When the title has no
readable date, the publication time is used.
Time bands: ``day`` 06:00–17:59, ``evening`` 18:00–21:59, ``night`` 22:00–05:59;
a report at 00:00–05:59 is filed under the date before (the night that began that
evening), as nattvandring and event windows count nights.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

from data.vocabulary import CATEGORIES, MONTH_NAMES

STOCKHOLM: Final = ZoneInfo("Europe/Stockholm")
TYPE_TABLE_PATH: Final = Path(__file__).with_name("polisen_typer.csv")
COUNTY_SUFFIX: Final = " län"
_DATETIME_FORMAT: Final = "%Y-%m-%d %H:%M:%S %z"
_CATEGORY_CODES: Final = frozenset(term.code for term in CATEGORIES)


@dataclass(frozen=True, slots=True)
class PolisenReport:
    """One polisen.se report at kommun (or county) precision, without free text."""

    report_id: int
    occurred_at: datetime
    """Aware, in Europe/Stockholm."""
    occurred_on: date
    time_band: str
    kommun_name: str
    """The kommun ("Uppsala"); empty for county-wide reports."""
    county_name: str | None
    """The county ("Uppsala län") when the record names one, else None."""
    precision: str
    """``kommun`` or ``county`` — never finer."""
    category: str
    report_type: str


@dataclass(frozen=True, slots=True)
class PolisenParse:
    """Parsed reports, and (report id, Swedish reason) for every record not imported."""

    reports: tuple[PolisenReport, ...]
    skipped: tuple[tuple[int | None, str], ...]


class _Skip(Exception):
    """A record that cannot be imported; the message is the Swedish reason."""


def load_type_table(path: Path | None = None) -> dict[str, str | None]:
    """Read the type → category table (CSV ``typ,kategori[,kommentar]``).

    An empty ``kategori`` means the type is known but not imported (for example
    traffic). Refuses unknown category codes and duplicate types.
    """
    source = TYPE_TABLE_PATH if path is None else path
    table: dict[str, str | None] = {}
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"typ", "kategori"} <= set(reader.fieldnames):
            msg = f"{source}: the type table needs the columns 'typ' and 'kategori'"
            raise ValueError(msg)
        for line, row in enumerate(reader, start=2):
            typ = (row["typ"] or "").strip()
            kategori = (row["kategori"] or "").strip() or None
            if not typ:
                msg = f"{source}, line {line}: empty 'typ'"
                raise ValueError(msg)
            if typ in table:
                msg = f"{source}, line {line}: type {typ!r} is listed twice"
                raise ValueError(msg)
            if kategori is not None and kategori not in _CATEGORY_CODES:
                msg = (
                    f"{source}, line {line}: unknown category {kategori!r}; "
                    f"use one of {sorted(_CATEGORY_CODES)} or leave it empty"
                )
                raise ValueError(msg)
            table[typ] = kategori
    return table


def slot_date(moment: datetime) -> date:
    """The date an observation at ``moment`` is filed under: its own date, except
    that 00:00–05:59 belongs to the night that began the evening before (the
    ``night`` band of a date runs 22–06 into the next morning; see data.calendar)."""
    return (moment - timedelta(hours=6)).date() if moment.hour < 6 else moment.date()


def time_band(moment: datetime) -> str:
    """The time-of-day band of a local time: day 06–18, evening 18–22, night 22–06."""
    if 6 <= moment.hour < 18:
        return "day"
    if 18 <= moment.hour < 22:
        return "evening"
    return "night"


def parse_polisen_reports(
    raw: bytes | str | list[dict[str, Any]],
    *,
    kommuner: Collection[str] | None = None,
    type_table: Mapping[str, str | None] | None = None,
) -> PolisenParse:
    """Parse a polisen.se events array (its "händelser") (JSON text or already decoded).

    Records are deduplicated by ``id`` (the last one wins). With ``kommuner`` only
    reports of those kommuner are kept; county-wide reports are then skipped too.
    Records that are malformed, of a type not imported, or outside ``kommuner`` are
    returned in ``skipped`` with a Swedish reason. Raises ValueError only when the
    input as a whole is not a JSON array.
    """
    records = _decode(raw)
    table = load_type_table() if type_table is None else type_table
    wanted = None if kommuner is None else frozenset(kommuner)
    reports: list[PolisenReport] = []
    skipped: list[tuple[int | None, str]] = []
    for report_id, record in _dedupe(records, skipped):
        try:
            report = _parse_record(report_id, record, table)
        except _Skip as reason:
            skipped.append((report_id, str(reason)))
            continue
        if wanted is not None and report.kommun_name not in wanted:
            where = report.kommun_name or f"hela {report.county_name or 'länet'}"
            skipped.append((report_id, f"händelsen gäller {where}, inte de valda kommunerna"))
            continue
        reports.append(report)
    reports.sort(key=lambda e: (e.occurred_at, e.report_id))
    return PolisenParse(reports=tuple(reports), skipped=tuple(skipped))


def _decode(raw: bytes | str | list[dict[str, Any]]) -> list[Any]:
    if isinstance(raw, bytes | str):
        try:
            decoded = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            msg = f"The polisen.se file is not valid JSON: {error}"
            raise ValueError(msg) from error
    else:
        decoded = raw
    if not isinstance(decoded, list):
        msg = "The polisen.se file must be a JSON array of events"
        raise ValueError(msg)
    return decoded


def _dedupe(
    records: list[Any], skipped: list[tuple[int | None, str]]
) -> list[tuple[int, dict[str, Any]]]:
    """Records by id, the last version of each id kept; id-less records go to skipped."""
    by_id: dict[int, dict[str, Any]] = {}
    for position, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            skipped.append((None, f"post {position} är inget JSON-objekt"))
            continue
        report_id = record.get("id")
        if isinstance(report_id, bool) or not isinstance(report_id, int) or report_id <= 0:
            skipped.append((None, f"post {position} saknar giltigt id"))
            continue
        by_id.pop(report_id, None)  # keep the last version, in its last position
        by_id[report_id] = record
    return list(by_id.items())


def _parse_record(
    report_id: int, record: dict[str, Any], table: Mapping[str, str | None]
) -> PolisenReport:
    report_type = _text(record, "type", "händelsetyp").strip()
    if report_type not in table:
        raise _Skip(f"okänd händelsetyp {report_type!r}; lägg till den i typtabellen")
    category = table[report_type]
    if category is None:
        raise _Skip(f"händelsetypen {report_type!r} importeras inte")
    published = _occurred_at(_text(record, "datetime", "tidpunkt"))
    occurred_at = incident_time(str(record.get("name") or ""), published)
    kommun_name, county_name, precision = _location(record)
    return PolisenReport(
        report_id=report_id,
        occurred_at=occurred_at,
        occurred_on=slot_date(occurred_at),
        time_band=time_band(occurred_at),
        kommun_name=kommun_name,
        county_name=county_name,
        precision=precision,
        category=category,
        report_type=report_type,
    )


SWEDISH_MONTHS: Final = {
    name: number
    for number, name in enumerate(
        MONTH_NAMES,
        start=1,
    )
}
_TITLE_TIME: Final = re.compile(r"^\s*(\d{1,2}) ([a-zåäö]+) (\d{1,2})[.:](\d{2})\b", re.IGNORECASE)


def incident_time(title: str, published: datetime) -> datetime:
    """When the report happened: the title's "22 augusti 07.21" in the publication's year.

    Falls back to ``published`` (Europe/Stockholm) when the title has no such date.
    """
    match = _TITLE_TIME.match(title)
    month = SWEDISH_MONTHS.get(match.group(2).lower()) if match else None
    if match is None or month is None:
        return published
    year = published.year - 1 if month == 12 and published.month == 1 else published.year
    try:
        moment = datetime(
            year, month, int(match.group(1)), int(match.group(3)), int(match.group(4))
        )
    except ValueError:
        return published
    return moment.replace(tzinfo=STOCKHOLM)


def _text(record: Mapping[str, Any], key: str, label: str) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _Skip(f"{label} ({key}) saknas eller är ingen text")
    return value


def _occurred_at(value: str) -> datetime:
    try:
        moment = datetime.strptime(value.strip(), _DATETIME_FORMAT)
    except ValueError:
        raise _Skip(
            "tidpunkten (datetime) kan inte tolkas; väntat 'ÅÅÅÅ-MM-DD tt:mm:ss +hh:mm'"
        ) from None
    return moment.astimezone(STOCKHOLM)


def _location(record: Mapping[str, Any]) -> tuple[str, str | None, str]:
    """(kommun name, county name, precision) from ``location.name`` and ``name``."""
    location = record.get("location")
    if not isinstance(location, dict):
        raise _Skip("platsen (location) saknas")
    place = _text(location, "name", "platsens namn").strip()
    if not place.endswith(COUNTY_SUFFIX):
        return place, None, "kommun"  # old format: location.name is the kommun
    last_part = _text(record, "name", "rubrik").rsplit(",", 1)[-1].strip()
    if "," not in record["name"] or not last_part:
        raise _Skip("rubriken (name) saknar kommun efter sista kommatecknet")
    if last_part.endswith(COUNTY_SUFFIX):
        return "", last_part, "county"
    return last_part, place, "kommun"
