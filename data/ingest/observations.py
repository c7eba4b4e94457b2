"""Bulk import of group-level observations from CSV: parse, validate, then write.

Every row is validated before anything is written (one unit of work: all rows or
none). Every cell passes the PII guard: a cell with a personnummer, phone number,
e-mail address or street address is refused with a message that names the row and
column but never repeats the value. Re-importing a file, or rows that overlap an
earlier import, adds nothing: each row carries a content-based idempotency key.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from data.db import bump_version
from data.ingest.pii import find_pii, pii_message
from data.ingest.store import ImportSummary
from data.models import Area, Category, Observation, Source
from data.vocabulary import AGE_BANDS, GROUP_SIZE_BANDS

COLUMNS: Final = (
    "datum",
    "tid",
    "omrade",
    "kategori",
    "kalla",
    "antal",
    "gruppstorlek",
    "alder",
    "anteckning",
)
"""The template's columns (Swedish, ASCII); English names are accepted too."""
ALIASES: Final = {
    "date": "datum",
    "time_band": "tid",
    "tidpunkt": "tid",
    "area": "omrade",
    "område": "omrade",
    "category": "kategori",
    "source": "kalla",
    "källa": "kalla",
    "count": "antal",
    "group_size": "gruppstorlek",
    "age_band": "alder",
    "ålder": "alder",
    "note": "anteckning",
}
REQUIRED: Final = ("datum", "omrade", "kategori", "kalla")
TIME_BANDS: Final = {
    "": None,
    "dag": "day",
    "day": "day",
    "kväll": "evening",
    "kvall": "evening",
    "evening": "evening",
    "natt": "night",
    "night": "night",
}
EARLIEST: Final = date(2000, 1, 1)
MAX_NOTE: Final = 280
MAX_ROWS: Final = 1_000_000
_DATE_FORMATS: Final = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
    re.compile(r"(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4})"),
)
TEMPLATE_EXAMPLE: Final = (
    "2026-11-20",
    "kväll",
    "0380-D01",
    "samling",
    "fritid",
    "2",
    "5-9",
    "13-15",
    "Samling vid skolgården efter stängning",
)


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one row (line numbers as in a spreadsheet: the header is line 1)."""

    line: int
    column: str
    message: str

    def text(self) -> str:
        """The error as one Swedish line."""
        return f"Rad {self.line}, {self.column}: {self.message}"


@dataclass
class ParsedObservations:
    """Valid rows (ready to write) and row-level errors."""

    rows: list[dict[str, object]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def template_csv() -> str:
    """The CSV template: the header and one valid example row (``;``-separated)."""
    return ";".join(COLUMNS) + "\n" + ";".join(TEMPLATE_EXAMPLE) + "\n"


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    msg = "Filen är varken UTF-8 eller Windows-1252."
    raise ValueError(msg)


def _parse_date(text: str, today: date) -> date | str:
    for pattern in _DATE_FORMATS:
        match = pattern.fullmatch(text)
        if match:
            try:
                day = date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return "datumet finns inte"
            if day > today:
                return "datumet ligger i framtiden"
            if day < EARLIEST:
                return "datumet är före år 2000"
            return day
    return "okänt datumformat; skriv t.ex. 2026-11-20 eller 20/11/2026"


def _parse_count(text: str) -> int | str:
    cleaned = text.replace(" ", "").replace(",", ".") or "1"
    if re.fullmatch(r"[0-9]{1,6}(\.0+)?", cleaned):
        value = int(float(cleaned))
        return value if value >= 1 else "antalet måste vara minst 1"
    return "antalet måste vara ett heltal, minst 1"


def parse_observation_csv(
    raw: bytes, *, categories: dict[str, str], sources: dict[str, str], today: date
) -> ParsedObservations:
    """Validate every row of a CSV; ``categories``/``sources`` map codes and labels to codes.

    Refuses (as errors, nothing raised) missing columns, more than ``MAX_ROWS`` rows,
    PII in any cell, unknown codes, bad dates and counts. Raises ``ValueError`` only
    for a file that cannot be read as text at all.
    """
    text = _decode(raw)
    if "\x00" in text:
        msg = "Filen innehåller nolltecken: det är ingen CSV-fil."
        raise ValueError(msg)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    result = ParsedObservations()
    try:
        header = next(reader)
    except StopIteration:
        result.errors.append(RowError(1, "rubrikrad", "filen är tom"))
        return result
    names = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        result.errors.append(
            RowError(1, "rubrikrad", f"kolumner saknas: {', '.join(missing)} (se mallen)")
        )
        return result
    position = {name: i for i, name in enumerate(names) if name in COLUMNS}
    seen: Counter[str] = Counter()
    try:
        for line, cells in enumerate(reader, start=2):
            if line - 1 > MAX_ROWS:
                result.errors.append(RowError(line, "fil", f"högst {MAX_ROWS} rader per fil"))
                break
            if not any(c.strip() for c in cells):
                continue
            _validate_row(line, cells, position, categories, sources, today, seen, result)
    except csv.Error:
        result.errors.append(RowError(0, "fil", "filen kunde inte läsas som CSV"))
    return result


def validate_observation(
    value: dict[str, str], *, categories: dict[str, str], sources: dict[str, str], today: date
) -> tuple[dict[str, object] | None, list[tuple[str, str]]]:
    """Validate one observation given as text per column (see ``COLUMNS``).

    Returns (row, []) or (None, [(column, Swedish message), …]). Shared by the CSV
    import and the report form, so both refuse exactly the same things. A cell with
    PII is blanked before anything else looks at it, and no message repeats it.
    """
    value = {name: (text or "").strip() for name, text in value.items()}
    errors: list[tuple[str, str]] = []
    for name, cell in value.items():
        findings = find_pii(cell)
        if findings:
            errors.append((name, pii_message(name, findings)))
            value[name] = ""  # never kept, never echoed
    day = _parse_date(value.get("datum", ""), today) if value.get("datum") else "datum saknas"
    if isinstance(day, str):
        errors.append(("datum", day))
    band = TIME_BANDS.get(value.get("tid", "").lower(), "?")
    if band == "?":
        errors.append(("tid", "skriv dag, kväll eller natt (eller lämna tomt)"))
    category = categories.get(value.get("kategori", "").lower())
    if category is None:
        errors.append(("kategori", "okänd kategori (se listan i mallen)"))
    source = sources.get(value.get("kalla", "").lower())
    if source is None:
        errors.append(("kalla", "okänd källa"))
    count = _parse_count(value.get("antal", ""))
    if isinstance(count, str):
        errors.append(("antal", count))
    group = value.get("gruppstorlek", "") or None
    if group is not None and group not in GROUP_SIZE_BANDS:
        errors.append(("gruppstorlek", f"välj {', '.join(GROUP_SIZE_BANDS)}"))
    age = value.get("alder", "") or None
    if age is not None and age not in AGE_BANDS:
        errors.append(("alder", f"välj {', '.join(AGE_BANDS)}"))
    note = value.get("anteckning", "") or None
    if note is not None and len(note) > MAX_NOTE:
        errors.append(("anteckning", f"högst {MAX_NOTE} tecken"))
    area = value.get("omrade", "")
    if not area:
        errors.append(("omrade", "område saknas"))
    if errors:
        return None, errors
    return {
        "area_code": area,
        "occurred_on": day,
        "time_band": band,
        "category_code": category,
        "source_code": source,
        "count": count,
        "group_size": group,
        "age_band": age,
        "note": note,
    }, []


def _validate_row(
    line: int,
    cells: list[str],
    position: dict[str, int],
    categories: dict[str, str],
    sources: dict[str, str],
    today: date,
    seen: Counter[str],
    result: ParsedObservations,
) -> None:
    value = {name: (cells[i] if i < len(cells) else "") for name, i in position.items()}
    row, errors = validate_observation(value, categories=categories, sources=sources, today=today)
    if row is None:
        result.errors.extend(RowError(line, column, message) for column, message in errors)
        return
    content = "|".join(
        str(row[k] or "")
        for k in (
            "occurred_on",
            "time_band",
            "area_code",
            "category_code",
            "source_code",
            "count",
            "group_size",
            "age_band",
            "note",
        )
    )
    seen[content] += 1
    key = hashlib.sha256(f"{content}#{seen[content]}".encode()).hexdigest()[:40]
    result.rows.append({"line": line, **row, "external_key": f"csv:{key}"})


def vocabulary_lookup(session: Session) -> tuple[dict[str, str], dict[str, str]]:
    """Codes and lower-cased Swedish labels of categories and sources, mapped to codes."""
    categories = {
        k.lower(): code
        for code, label in session.execute(select(Category.code, Category.label))
        for k in (code, label)
    }
    sources = {
        k.lower(): code
        for code, label in session.execute(select(Source.code, Source.label))
        for k in (code, label)
    }
    return categories, sources


def import_observations(
    session: Session, parsed: ParsedObservations, *, user_id: int | None = None
) -> tuple[ImportSummary, list[RowError]]:
    """Write the parsed rows when there is no error at all (the caller's unit commits).

    Unknown area codes are row errors too. Rows already imported (same content key)
    are duplicates and left alone.
    """
    errors = list(parsed.errors)
    codes = sorted({str(r["area_code"]) for r in parsed.rows})
    area_ids = dict(session.execute(select(Area.code, Area.id).where(Area.code.in_(codes))).all())
    errors.extend(
        RowError(int(str(r["line"])), "omrade", "okänt område (se list-areas)")
        for r in parsed.rows
        if r["area_code"] not in area_ids
    )
    keys = [str(r["external_key"]) for r in parsed.rows]
    existing = set(
        session.scalars(select(Observation.external_key).where(Observation.external_key.in_(keys)))
    )
    fresh = [r for r in parsed.rows if r["external_key"] not in existing]
    rejected_lines = len({e.line for e in errors})
    if errors:
        summary = ImportSummary(
            0, len(existing), rejected_lines, 0, tuple(e.text() for e in errors)
        )
        return summary, errors
    if fresh:
        session.execute(
            insert(Observation),
            [
                {
                    "area_id": area_ids[str(r["area_code"])],
                    "occurred_on": r["occurred_on"],
                    "time_band": r["time_band"],
                    "category_code": r["category_code"],
                    "source_code": r["source_code"],
                    "count": r["count"],
                    "group_size": r["group_size"],
                    "age_band": r["age_band"],
                    "note": r["note"],
                    "location_precision": "area",
                    "is_synthetic": False,
                    "created_by_id": user_id,
                    "external_key": r["external_key"],
                }
                for r in fresh
            ],
        )
        bump_version(session)
    return ImportSummary(len(fresh), len(existing), 0, 0, ()), []


def store_observation(
    session: Session,
    row: dict[str, object],
    *,
    user_id: int,
    kommun_code: str | None,
    area_codes: frozenset[str] = frozenset(),
) -> Observation:
    """Store one validated report from the form (the caller's unit of work commits).

    Refuses an area outside the reporter's kommun, and for a police area coordinator
    an area outside the assigned ones. Form reports carry no idempotency key: two
    identical reports are two reports.
    """
    area = session.scalar(select(Area).where(Area.code == str(row["area_code"])))
    if area is None or (kommun_code is not None and area.kommun_code != kommun_code):
        msg = "området finns inte i din kommun"
        raise PermissionError(msg)
    if area_codes:
        chain: set[str] = set()
        current: Area | None = area
        while current is not None and len(chain) < 8:
            chain.add(current.code)
            current = current.parent
        if not chain & area_codes:
            msg = "området ingår inte i dina tilldelade områden"
            raise PermissionError(msg)
    observation = Observation(
        area_id=area.id,
        occurred_on=row["occurred_on"],
        time_band=row["time_band"],
        category_code=row["category_code"],
        source_code=row["source_code"],
        count=row["count"],
        group_size=row["group_size"],
        age_band=row["age_band"],
        note=row["note"],
        location_precision="area",
        is_synthetic=False,
        created_by_id=user_id,
    )
    session.add(observation)
    session.flush()
    bump_version(session)
    return observation
