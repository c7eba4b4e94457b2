"""Bulk import of group-level observations from CSV or XLSX: map, validate, write.

The columns and checks of one row live in :mod:`data.ingest.observation_rows`, the
column mapping in :mod:`data.ingest.observation_mapping`, the report form's store in
:mod:`data.ingest.observation_store`; their public names are importable from here too.

Every row is validated before anything is written (one unit of work: all rows or
none); rows are validated and written ``CHUNK_ROWS`` at a time, so memory stays flat
whatever the file's size (the command line has no row limit, the web upload keeps
``MAX_ROWS``). Every cell passes the PII guard: a cell with a personnummer, phone number,
e-mail address or street address is refused with a message that names the row and
column but never repeats the value. Re-importing a file, or rows that overlap an
earlier import, adds nothing: each row carries a content-based idempotency key.
"""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from data.ingest.import_keys import OBSERVATION_TABLE
from data.ingest.import_keys import Occurrences as _Occurrences
from data.ingest.import_keys import key_lookup as _key_lookup
from data.ingest.observation_mapping import (
    ALIASES,
    column_key,
    default_mapping,
    mapping_errors,
)
from data.ingest.observation_rows import (
    COLUMNS,
    DATE_FORMAT_HELP,
    MAX_NOTE,
    MAX_ROWS,
    REQUIRED,
    RowError,
    checked_day,
    date_parts,
    template_csv,
    validate_observation,
    vocabulary_lookup,
)
from data.ingest.observation_store import store_observation, within_assigned
from data.ingest.store import ImportSummary
from data.ingest.table import Table
from data.storage.db import bump_version
from data.storage.models import Area, utcnow

__all__ = [
    "ALIASES",
    "COLUMNS",
    "DATE_FORMAT_HELP",
    "MAX_NOTE",
    "REQUIRED",
    "ImportCheck",
    "ImportContext",
    "ImportRejected",
    "RowError",
    "check_observations",
    "checked_day",
    "column_key",
    "date_parts",
    "default_mapping",
    "import_context",
    "import_observations",
    "mapping_errors",
    "store_observation",
    "template_csv",
    "validate_observation",
    "validate_table",
    "vocabulary_lookup",
    "within_assigned",
]


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
    *,
    max_rows: int | None = MAX_ROWS,
) -> Iterator[tuple[int, tuple[object, ...] | None, list[RowError]]]:
    """Validate each row: yields ``(line, row, [])`` or ``(line, None, errors)``.

    ``row`` is a tuple in ``_INSERT_FIELDS`` order with a content-based idempotency
    key: the same content gets the same key in every import, and the n-th identical
    row of a file gets the n-th key, so a file with two identical rows imports two.
    Rows are handled ``CHUNK_ROWS`` at a time and how often each content occurred is
    counted on disk (:class:`_Occurrences`), so memory stays flat for any number of
    rows. ``max_rows`` (``None``: no limit) refuses a longer file with one error.
    Raises ``TableError`` when the file breaks off half-way (nothing is written then).
    """
    chunk_rows = max(1, CHUNK_ROWS)
    with closing(_Occurrences()) as occurrences:
        batch: list[tuple[int, tuple[object, ...] | None, list[RowError]]] = []
        for checked in _checked_rows(table, mapping, context, progress, max_rows):
            batch.append(checked)
            if len(batch) >= chunk_rows:
                yield from _with_keys(batch, occurrences)
                batch = []
        yield from _with_keys(batch, occurrences)


def _checked_rows(
    table: Table,
    mapping: Mapping[str, int],
    context: ImportContext,
    progress: Progress,
    max_rows: int | None,
) -> Iterator[tuple[int, tuple[object, ...] | None, list[RowError]]]:
    """Each row validated, as ``_INSERT_FIELDS`` with the row's content in place of
    its key (:func:`_with_keys` turns the content into the key)."""
    categories = dict(context.categories)
    sources = dict(context.sources)
    clean: set[str] = set()
    total = max(1, table.line_estimate)
    rows = 0
    for line, cells in table.rows():
        rows += 1
        if max_rows is not None and rows > max_rows:
            yield line, None, [RowError(line, "fil", _too_many_rows(max_rows))]
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
                content,
            ),
            [],
        )


def _too_many_rows(max_rows: int) -> str:
    limit = f"{max_rows:,}".replace(",", " ")
    return f"högst {limit} rader per fil här; större filer importeras med ssp import-observations"


def _with_keys(
    batch: list[tuple[int, tuple[object, ...] | None, list[RowError]]],
    occurrences: _Occurrences,
) -> Iterator[tuple[int, tuple[object, ...] | None, list[RowError]]]:
    """The batch in line order, each valid row's content replaced by its key."""
    contents = [str(row[-1]) for _line, row, _errors in batch if row is not None]
    digests = [
        int.from_bytes(hashlib.blake2b(c.encode(), digest_size=8).digest(), signed=True)
        for c in contents
    ]
    numbers = iter(occurrences.number(digests))
    for line, row, errors in batch:
        if row is None:
            yield line, None, errors
            continue
        key = hashlib.sha256(f"{row[-1]}#{next(numbers)}".encode()).hexdigest()[:40]
        yield line, (*row[:-1], f"csv:{key}"), []


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
"""Keys looked up per query (bind-parameter limits)."""
CHUNK_ROWS: Final = 5_000
"""Rows validated, keyed and inserted at a time: what an import holds in memory."""


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


def check_observations(
    session: Session,
    table: Table,
    mapping: Mapping[str, int],
    context: ImportContext,
    progress: Progress = _no_progress,
    *,
    max_rows: int | None = MAX_ROWS,
) -> ImportCheck:
    """Validate every row and count what an import would add; writes nothing.

    ``max_rows`` as for :func:`import_observations`."""
    check = ImportCheck()
    header_errors = mapping_errors(table.header, mapping)
    if header_errors:
        check.add_errors(header_errors)
        return check
    existing_keys = _key_lookup(session.connection())
    pending: list[str] = []
    for line, row, errors in validate_table(table, mapping, context, progress, max_rows=max_rows):
        check.rows += 1
        if row is None:
            check.add_errors(errors)
            continue
        check.valid += 1
        if len(check.preview) < PREVIEW_ROWS:
            check.preview.append((line, row))
        pending.append(str(row[-1]))
        if len(pending) >= CHUNK_ROWS:
            check.duplicates += len(existing_keys(pending))
            pending = []
    if pending:
        check.duplicates += len(existing_keys(pending))
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
    max_rows: int | None = MAX_ROWS,
) -> ImportSummary:
    """Validate and write every row in the caller's unit of work: all rows or none.

    Rows are written ``CHUNK_ROWS`` at a time as they are validated, so memory stays
    flat whatever the file's size; the first bad row stops the writing, the rest is
    still checked so every error is reported, and ``ImportRejected`` is raised — the
    caller's unit of work then rolls back everything written. Rows already imported
    (same content key) are duplicates and left alone. The observations version is
    bumped once, in the same unit of work, when anything was written.
    ``max_rows`` refuses a file with more rows (``MAX_ROWS`` by default: the web
    upload's job); ``None`` has no limit (the command line, for operators).
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

    existing_keys = _key_lookup(connection)
    write = _row_writer(connection)

    def flush() -> int:
        keys = [str(r[-1]) for r in chunk]
        existing = existing_keys(keys)
        check.duplicates += len(existing)
        fresh = [r for r in chunk if r[-1] not in existing]
        if fresh:
            write(fresh, ("area", False, user_id, utcnow()))  # _FIXED_FIELDS
        chunk.clear()
        return len(fresh)

    try:
        for _line, row, errors in validate_table(
            table,
            mapping,
            context,
            lambda f, step: progress(0.98 * f, step.replace("Kontrollerar", "Importerar")),
            max_rows=max_rows,
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
            if len(chunk) >= CHUNK_ROWS:
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


_FIXED_FIELDS: Final = ("location_precision", "is_synthetic", "created_by_id", "created_at")
"""Columns with one value for every row of a chunk, written after ``_INSERT_FIELDS``."""
RowWriter = Callable[[list[tuple[object, ...]], tuple[object, ...]], None]


def _row_writer(connection: Connection) -> RowWriter:
    """Insert rows (``_INSERT_FIELDS`` order) and their fixed values (``_FIXED_FIELDS``)
    with one executemany per call.

    On SQLite the statement is compiled once and run on the driver's cursor, each
    value bound by its column type's own bind processor just as SQLAlchemy binds it
    (the fixed values once per call), without SQLAlchemy's per-row parameter
    bookkeeping, which took about a fifth of an import. Other databases (PostgreSQL)
    get SQLAlchemy Core's executemany, which batches rows into multi-row statements
    there (the ORM's bulk path costs ~3x more).
    """
    fields = (*_INSERT_FIELDS, *_FIXED_FIELDS)
    if connection.dialect.name != "sqlite":

        def core(rows: list[tuple[object, ...]], fixed: tuple[object, ...]) -> None:
            connection.execute(
                insert(OBSERVATION_TABLE),
                [dict(zip(fields, (*r, *fixed), strict=True)) for r in rows],
            )

        return core
    dialect = connection.dialect
    compiled = insert(OBSERVATION_TABLE).compile(dialect=dialect, column_keys=list(fields))
    order = [fields.index(name) for name in compiled.positiontup or ()]
    if sorted(order) != list(range(len(fields))):
        msg = f"the observation insert binds {compiled.positiontup}, not {fields}"
        raise RuntimeError(msg)
    binds = [
        OBSERVATION_TABLE.c[f].type.dialect_impl(dialect).bind_processor(dialect) for f in fields
    ]
    per_row = [(i, bind) for i, bind in enumerate(binds[: len(_INSERT_FIELDS)]) if bind]
    fixed_binds = binds[len(_INSERT_FIELDS) :]
    pick = operator.itemgetter(*order)
    sql = compiled.string

    def driver(rows: list[tuple[object, ...]], fixed: tuple[object, ...]) -> None:
        bound = [v if bind is None else bind(v) for v, bind in zip(fixed, fixed_binds, strict=True)]
        params = []
        for row in rows:
            values = [*row, *bound]
            for i, bind in per_row:
                values[i] = bind(values[i])
            params.append(pick(values))
        connection.exec_driver_sql(sql, params)

    return driver
