"""Reading observations for the count cube: integers only, in chunks, straight into numpy.

The national data set has ten million observations; as SQLAlchemy rows, grouped in
SQL and probed by pandas that took two minutes. Here the database turns every
column into an integer (days since 1970, the position of the category, source and
age band), the driver's cursor hands over plain tuples in chunks, and each chunk
becomes a few narrow numpy columns at once: memory stays at the columns' size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

import numpy as np
from sqlalchemy.orm import Session

from data.vocabulary import AGE_BANDS

CHUNK: Final = 100_000
"""Rows fetched at a time."""
EPOCH: Final = date(1970, 1, 1)
COLUMN_TYPES: Final = (np.int64, np.int32, np.int32, np.int32, np.int32, np.int32, np.int64)
"""The numpy type of each column of :class:`Records`, in its order."""


@dataclass(frozen=True, slots=True)
class Records:
    """Observations as columns (one row per observation)."""

    area_id: np.ndarray
    day: np.ndarray
    """Days since 1970-01-01 (int32)."""
    category: np.ndarray
    source: np.ndarray
    age: np.ndarray
    """0–2: the stored band (:data:`AGE_BANDS`), 3: no band."""
    count: np.ndarray
    id: np.ndarray

    def __len__(self) -> int:
        return int(self.id.size)


def _quote(code: str) -> str:
    return "'" + code.replace("'", "''") + "'"


def _position(column: str, codes: tuple[str, ...], missing: int) -> str:
    """SQL for the position of ``column``'s value in ``codes`` (``missing`` otherwise)."""
    if not codes:
        return str(missing)
    cases = " ".join(f"WHEN {_quote(code)} THEN {i}" for i, code in enumerate(codes))
    return f"CASE {column} {cases} ELSE {missing} END"


def read_records(
    session: Session,
    *,
    categories: tuple[str, ...],
    sources: tuple[str, ...],
    first: date,
    last: date,
    min_id: int | None = None,
    max_id: int | None = None,
) -> Records:
    """The observations dated ``first``–``last`` (inclusive) with ``min_id < id <= max_id``
    (either bound optional), read in the session's transaction. Records of an unknown
    category or source are left out (the schema's foreign keys make that impossible)."""
    session.flush()  # pending writes of the caller count, as with a query through the ORM
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    day = (
        "(occurred_on - DATE '1970-01-01')"
        if postgres
        else ("CAST(julianday(occurred_on) - 2440587.5 AS INTEGER)")
    )
    mark = "%s" if postgres else "?"
    # SQLite would walk the date index and fetch every row by its id (random reads:
    # minutes for ten million rows); ``+`` turns the index off, so the table is read in
    # order and the dates are checked on the way. An id range uses the primary key.
    dated = "occurred_on" if postgres else "+occurred_on"
    where = [f"{dated} >= {mark}", f"{dated} <= {mark}"]
    params: list[object] = [first.isoformat(), last.isoformat()]
    if min_id is not None:
        where.append(f"id > {mark}")
        params.append(int(min_id))
    if max_id is not None:
        where.append(f"id <= {mark}")
        params.append(int(max_id))
    query = (
        f"SELECT area_id, {day}, {_position('category_code', categories, -1)}, "
        f"{_position('source_code', sources, -1)}, {_position('age_band', AGE_BANDS, 3)}, "
        f"count, id FROM observation WHERE {' AND '.join(where)}"
    )
    cursor = connection.connection.cursor()
    columns: list[list[np.ndarray]] = [[] for _ in COLUMN_TYPES]
    try:
        cursor.execute(query, tuple(params))
        while True:
            rows = cursor.fetchmany(CHUNK)
            if not rows:
                break
            chunk = np.array(rows, dtype=np.int64).reshape(-1, len(COLUMN_TYPES))
            del rows
            known = (chunk[:, 2] >= 0) & (chunk[:, 3] >= 0)
            for parts, i in zip(columns, range(len(COLUMN_TYPES)), strict=True):
                parts.append(chunk[known, i].astype(COLUMN_TYPES[i]))
    finally:
        cursor.close()
    joined = []
    for parts, dtype in zip(columns, COLUMN_TYPES, strict=True):
        joined.append(np.concatenate(parts) if parts else np.zeros(0, dtype=dtype))
        parts.clear()
    return Records(*joined)


def day_number(day: date) -> int:
    """Days since 1970-01-01, as :func:`read_records` gives them."""
    return (day - EPOCH).days
