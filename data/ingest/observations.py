"""Bulk import of group-level observations from CSV or XLSX: map, validate, write.

Every row is validated before anything is written (one unit of work: all rows or
none). Every cell passes the PII guard: a cell with a personnummer, phone number,
e-mail address or street address is refused with a message that names the row and
column but never repeats the value. Re-importing a file, or rows that overlap an
earlier import, adds nothing: each row carries a content-based idempotency key.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from data.access.scope import kommun_in_scope
from data.ingest.store import ImportSummary
from data.ingest.table import Table
from data.privacy.pii import find_pii, pii_message
from data.storage.db import bump_version
from data.storage.models import Area, Category, Observation, Source
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
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters (tab and line breaks are text) are refused in every cell."""
MAX_CLEAN_CELL: Final = 40
MAX_CLEAN_CELLS: Final = 100_000
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


def template_csv() -> str:
    """The CSV template: the header and one valid example row (``;``-separated)."""
    return ";".join(COLUMNS) + "\n" + ";".join(TEMPLATE_EXAMPLE) + "\n"


def checked_day(year: int, month: int, day: int, today: date) -> date | str:
    """The date, or why it cannot be an observation's date (Swedish): it must exist
    and lie between 2000-01-01 and today. Shared by imports, the report and walk forms."""
    try:
        value = date(year, month, day)
    except ValueError:
        return "datumet finns inte"
    if value > today:
        return "datumet ligger i framtiden"
    if value < EARLIEST:
        return "datumet är före år 2000"
    return value


DATE_FORMAT_HELP: Final = "okänt datumformat; skriv t.ex. 2026-11-20 eller 20/11/2026"


def date_parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a date written 2026-11-20, 20261120, 20/11/2026 or
    20.11.2026; ``None`` for anything else. The caller checks that the date exists."""
    for pattern in _DATE_FORMATS:
        match = pattern.fullmatch(text.strip())
        if match:
            return int(match["y"]), int(match["m"]), int(match["d"])
    return None


def _parse_date(text: str, today: date) -> date | str:
    parts = date_parts(text)
    if parts is None:
        return DATE_FORMAT_HELP
    return checked_day(*parts, today)


def _parse_count(text: str) -> int | str:
    cleaned = text.replace(" ", "").replace(",", ".") or "1"
    if re.fullmatch(r"[0-9]{1,6}(\.0+)?", cleaned):
        value = int(float(cleaned))
        return value if value >= 1 else "antalet måste vara minst 1"
    return "antalet måste vara ett heltal, minst 1"


def validate_observation(
    value: dict[str, str],
    *,
    categories: dict[str, str],
    sources: dict[str, str],
    today: date,
    clean: set[str] | None = None,
    count_required: bool = False,
) -> tuple[dict[str, object] | None, list[tuple[str, str]]]:
    """Validate one observation given as text per column (see ``COLUMNS``).

    Returns (row, []) or (None, [(column, Swedish message), …]). Shared by the CSV
    import and the report form, so both refuse exactly the same things. A cell with
    PII is blanked before anything else looks at it, and no message repeats it.
    ``clean`` (bulk imports) remembers short cells already found free of PII — dates,
    codes and counts repeat on every row; a cell with PII is never remembered.
    In a file an empty count means 1; with ``count_required`` (the report form, whose
    browser empties a count field that is not a number) it is refused instead.
    """
    value = {name: (text or "").strip() for name, text in value.items()}
    errors: list[tuple[str, str]] = []
    for name, cell in value.items():
        if clean is not None and cell in clean:
            continue
        if _CONTROL.search(cell):
            errors.append((name, "innehåller styrtecken som inte är text"))
            value[name] = ""
            continue
        findings = find_pii(cell)
        if findings:
            errors.append((name, pii_message(name, findings)))
            value[name] = ""  # never kept, never echoed
        elif clean is not None and len(cell) <= MAX_CLEAN_CELL and len(clean) < MAX_CLEAN_CELLS:
            clean.add(cell)
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
    if count_required and not value.get("antal"):
        count = "skriv antalet händelser (ett heltal, minst 1)"
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


# --- bulk import: mapping, validation stream, check, write ---------------------------


def column_key(name: str) -> str:
    """A file's column name as the template column it stands for (or itself, lower-cased)."""
    cleaned = name.strip().lower()
    return ALIASES.get(cleaned, cleaned)


def default_mapping(header: Sequence[str]) -> dict[str, int]:
    """Template column → position in ``header``, for the columns the header names."""
    mapping: dict[str, int] = {}
    for i, name in enumerate(header):
        key = column_key(name)
        if key in COLUMNS and key not in mapping:
            mapping[key] = i
    return mapping


def mapping_errors(header: Sequence[str], mapping: Mapping[str, int]) -> list[RowError]:
    """Why ``mapping`` cannot be used with ``header`` (Swedish, as line-1 errors)."""
    errors: list[RowError] = []
    unknown = sorted(set(mapping) - set(COLUMNS))
    if unknown:
        errors.append(RowError(1, "rubrikrad", f"okända mallkolumner: {', '.join(unknown)}"))
    missing = [c for c in REQUIRED if c not in mapping]
    if missing:
        errors.append(
            RowError(1, "rubrikrad", f"kolumner saknas: {', '.join(missing)} (se mallen)")
        )
    if any(not 0 <= i < len(header) for i in mapping.values()):
        errors.append(RowError(1, "rubrikrad", "en vald kolumn finns inte i filen"))
    used = Counter(mapping.values())
    if any(n > 1 for n in used.values()):
        errors.append(RowError(1, "rubrikrad", "samma kolumn i filen är vald för två fält"))
    return errors


@dataclass(frozen=True, slots=True)
class ImportContext:
    """What validation checks rows against: vocabularies, known areas, today."""

    categories: Mapping[str, str]
    sources: Mapping[str, str]
    areas: Mapping[str, int]
    """Area code → id of the areas this import may write to."""
    today: date


def import_context(
    session: Session, *, today: date, kommun_code: str | None = None
) -> ImportContext:
    """Vocabularies and areas from the database (only ``kommun_code``'s areas if given)."""
    categories, sources = vocabulary_lookup(session)
    query = select(Area.code, Area.id)
    if kommun_code is not None:
        query = query.where(Area.kommun_code == kommun_code)
    areas = {str(code): int(area_id) for code, area_id in session.execute(query)}
    return ImportContext(categories, sources, areas, today)


_INSERT_FIELDS: Final = (
    "area_id",
    "occurred_on",
    "time_band",
    "category_code",
    "source_code",
    "count",
    "group_size",
    "age_band",
    "note",
    "external_key",
)
Progress = Callable[[float, str], None]


def _no_progress(_fraction: float, _step: str) -> None:
    return None


def validate_table(
    table: Table,
    mapping: Mapping[str, int],
    context: ImportContext,
    progress: Progress = _no_progress,
) -> Iterator[tuple[int, tuple[object, ...] | None, list[RowError]]]:
    """Validate each row: yields ``(line, row, [])`` or ``(line, None, errors)``.

    ``row`` is a tuple in ``_INSERT_FIELDS`` order with a content-based idempotency
    key: the same content gets the same key in every import, and the n-th identical
    row of a file gets the n-th key, so a file with two identical rows imports two.
    Raises ``TableError`` when the file breaks off half-way (nothing is written then).
    """
    categories = dict(context.categories)
    sources = dict(context.sources)
    seen: dict[int, int] = {}
    clean: set[str] = set()
    total = max(1, table.line_estimate)
    rows = 0
    for line, cells in table.rows():
        rows += 1
        if rows > MAX_ROWS:
            yield line, None, [RowError(line, "fil", f"högst {MAX_ROWS} rader per fil")]
            return
        if rows % 5000 == 0:
            progress(min(line / total, 1.0), f"Kontrollerar rad {line:,}".replace(",", " "))
        value = {name: (cells[i] if i < len(cells) else "") for name, i in mapping.items()}
        row, problems = validate_observation(
            value, categories=categories, sources=sources, today=context.today, clean=clean
        )
        if row is None:
            yield line, None, [RowError(line, column, message) for column, message in problems]
            continue
        area_id = context.areas.get(str(row["area_code"]))
        if area_id is None:
            yield line, None, [RowError(line, "omrade", "okänt område (se list-areas)")]
            continue
        content = "|".join(str(row[k] or "") for k in _CONTENT_FIELDS)
        digest = int.from_bytes(hashlib.blake2b(content.encode(), digest_size=8).digest())
        occurrence = seen.get(digest, 0) + 1
        seen[digest] = occurrence
        key = hashlib.sha256(f"{content}#{occurrence}".encode()).hexdigest()[:40]
        yield (
            line,
            (
                area_id,
                row["occurred_on"],
                row["time_band"],
                row["category_code"],
                row["source_code"],
                row["count"],
                row["group_size"],
                row["age_band"],
                row["note"],
                f"csv:{key}",
            ),
            [],
        )


_CONTENT_FIELDS: Final = (
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


@dataclass
class ImportCheck:
    """What an import would do: counts, row errors and the first valid rows."""

    rows: int = 0
    valid: int = 0
    duplicates: int = 0
    rejected_lines: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    """The first ``MAX_ERRORS_KEPT`` errors (``error_count`` has them all)."""
    preview: list[tuple[int, tuple[object, ...]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every row is valid (the file can be imported)."""
        return self.error_count == 0 and self.rows > 0

    def add_errors(self, errors: list[RowError]) -> None:
        """Count a rejected row and keep its errors while there is room."""
        self.rejected_lines += 1
        self.error_count += len(errors)
        room = MAX_ERRORS_KEPT - len(self.errors)
        if room > 0:
            self.errors.extend(errors[:room])

    def messages(self) -> tuple[str, ...]:
        """The kept errors as Swedish lines, and how many more there are."""
        lines = [e.text() for e in self.errors]
        if self.error_count > len(self.errors):
            lines.append(f"… och {self.error_count - len(self.errors)} fel till.")
        return tuple(lines)


MAX_ERRORS_KEPT: Final = 10_000
PREVIEW_ROWS: Final = 20
SQLITE_IMPORT_CACHE_KIB: Final = 128 * 1024
KEY_CHUNK: Final = 5_000
"""Keys looked up per query and rows inserted per statement (bind-parameter limits)."""


class ImportRejected(Exception):
    """The file has bad rows: nothing was written (the unit of work rolls back)."""

    def __init__(self, check: ImportCheck) -> None:
        super().__init__(f"{check.rejected_lines} rader avvisades")
        self.check = check

    @property
    def summary(self) -> ImportSummary:
        """The summary line's numbers: nothing imported."""
        check = self.check
        return ImportSummary(0, check.duplicates, check.rejected_lines, 0, check.messages())


def _existing_keys(session: Session, keys: list[str]) -> set[str]:
    return set(
        session.scalars(select(Observation.external_key).where(Observation.external_key.in_(keys)))
    )


def check_observations(
    session: Session,
    table: Table,
    mapping: Mapping[str, int],
    context: ImportContext,
    progress: Progress = _no_progress,
) -> ImportCheck:
    """Validate every row and count what an import would add; writes nothing."""
    check = ImportCheck()
    header_errors = mapping_errors(table.header, mapping)
    if header_errors:
        check.add_errors(header_errors)
        return check
    pending: list[str] = []
    for line, row, errors in validate_table(table, mapping, context, progress):
        check.rows += 1
        if row is None:
            check.add_errors(errors)
            continue
        check.valid += 1
        if len(check.preview) < PREVIEW_ROWS:
            check.preview.append((line, row))
        pending.append(str(row[-1]))
        if len(pending) >= KEY_CHUNK:
            check.duplicates += len(_existing_keys(session, pending))
            pending = []
    if pending:
        check.duplicates += len(_existing_keys(session, pending))
    progress(1.0, "Kontrollen är klar")
    return check


def import_observations(
    session: Session,
    table: Table,
    mapping: Mapping[str, int],
    context: ImportContext,
    *,
    user_id: int | None = None,
    progress: Progress = _no_progress,
) -> ImportSummary:
    """Validate and write every row in the caller's unit of work: all rows or none.

    Rows are written in chunks as they are validated (memory stays flat for a
    million rows); the first bad row stops the writing, the rest is still checked
    so every error is reported, and ``ImportRejected`` is raised — the caller's unit
    of work then rolls back everything written. Rows already imported (same content
    key) are duplicates and left alone.
    """
    check = ImportCheck()
    header_errors = mapping_errors(table.header, mapping)
    if header_errors:
        check.add_errors(header_errors)
        raise ImportRejected(check)
    imported = 0
    chunk: list[tuple[object, ...]] = []
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        # A bigger page cache for this connection: the unique key index takes random
        # inserts; with the default 2 MB cache a 300k-row import ran ~13 % slower.
        connection.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_IMPORT_CACHE_KIB}")

    def flush() -> int:
        keys = [str(r[-1]) for r in chunk]
        existing = _existing_keys(session, keys)
        check.duplicates += len(existing)
        fresh = [
            dict(zip(_INSERT_FIELDS, r, strict=True)) | _FIXED | {"created_by_id": user_id}
            for r in chunk
            if r[-1] not in existing
        ]
        if fresh:
            # Core insert (one executemany): the ORM's bulk path costs ~3x more here.
            session.connection().execute(insert(OBSERVATION_TABLE), fresh)
        chunk.clear()
        return len(fresh)

    try:
        for _line, row, errors in validate_table(
            table,
            mapping,
            context,
            lambda f, step: progress(0.98 * f, step.replace("Kontrollerar", "Importerar")),
        ):
            check.rows += 1
            if row is None:
                check.add_errors(errors)
                chunk.clear()
                continue
            check.valid += 1
            if check.error_count:
                continue  # nothing more is written once a row is bad; keep checking
            chunk.append(row)
            if len(chunk) >= KEY_CHUNK:
                imported += flush()
        if check.error_count or check.rows == 0:
            if check.rows == 0:
                check.add_errors([RowError(2, "fil", "filen har inga rader under rubrikraden")])
            raise ImportRejected(check)
        if chunk:
            imported += flush()
    finally:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA cache_size=-2000")  # SQLite's default
    if imported:
        bump_version(session)
    progress(1.0, "Sparar")
    return ImportSummary(imported, check.duplicates, 0, 0, ())


OBSERVATION_TABLE: Final = Observation.metadata.tables["observation"]
_FIXED: Final[dict[str, object]] = {"location_precision": "area", "is_synthetic": False}


def within_assigned(area: Area, area_codes: frozenset[str]) -> bool:
    """True when ``area`` is one of ``area_codes`` or lies inside one (empty: no limit)."""
    if not area_codes:
        return True
    chain: set[str] = set()
    current: Area | None = area
    while current is not None and len(chain) < 8:
        chain.add(current.code)
        current = current.parent
    return bool(chain & area_codes)


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
    if area is None or not kommun_in_scope(kommun_code, area.kommun_code):
        msg = "området finns inte i din kommun"
        raise PermissionError(msg)
    if not within_assigned(area, area_codes):
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
