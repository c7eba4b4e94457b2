"""The content keys of imported observations: occurrence numbers and stored-key lookup.

A row's idempotency key is the hash of its content and of how often that content
occurred earlier in the file (:class:`Occurrences`), so re-importing a file adds
nothing and two identical rows of one file are two records. :func:`key_lookup` asks
the database which keys are stored already. Both keep memory flat whatever the size
of the file (issue 19).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable
from typing import Final

from sqlalchemy import Connection, bindparam, select

from data.storage.models import Observation

KEY_CHUNK: Final = 5_000
"""Keys looked up (or occurrence rows read) per query."""
OCCURRENCE_CACHE_KIB: Final = 8 * 1024
OBSERVATION_TABLE: Final = Observation.metadata.tables["observation"]


class Occurrences:
    """How often each row content (a 64-bit digest) occurred so far in one file.

    Counted in a private temporary SQLite database — on disk, deleted when closed,
    holding nothing but digests and counts — so a file of ten million rows takes no
    more memory than one of ten thousand (a dict of digests took ~90 bytes a row).
    It is the import's own scratch space, apart from the database imported into.
    """

    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # "": a private temporary file, removed on close
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute(f"PRAGMA cache_size=-{OCCURRENCE_CACHE_KIB}")
        self._db.execute(
            "CREATE TABLE seen (digest INTEGER PRIMARY KEY, n INTEGER NOT NULL, call INTEGER)"
        )
        self._calls = 0

    def number(self, digests: list[int]) -> list[int]:
        """The occurrence (1, 2, …) of each digest, counting earlier calls' and this
        call's earlier ones."""
        self._calls += 1
        here = Counter(digests)
        rows = sorted(here.items())  # in key order: the B-tree is walked, not jumped
        before = self._db.total_changes
        # The call's number is written into the statement: the rows go in as they are.
        self._db.executemany(f"INSERT OR IGNORE INTO seen VALUES (?, ?, {self._calls})", rows)
        earlier: dict[int, int] = {}
        if self._db.total_changes - before < len(rows):  # some occurred in earlier calls
            for start in range(0, len(rows), KEY_CHUNK):
                part = [digest for digest, _ in rows[start : start + KEY_CHUNK]]
                marks = ",".join("?" * len(part))
                earlier.update(
                    self._db.execute(
                        f"SELECT digest, n FROM seen WHERE call < ? AND digest IN ({marks})",
                        [self._calls, *part],
                    )
                )
            self._db.executemany(
                "UPDATE seen SET n = n + ? WHERE digest = ?",
                [(here[digest], digest) for digest in sorted(earlier)],
            )
        self._db.commit()
        if not earlier and len(rows) == len(digests):
            return [1] * len(digests)  # the usual chunk: every content new and once
        numbers = []
        for digest in digests:
            earlier[digest] = earlier.get(digest, 0) + 1
            numbers.append(earlier[digest])
        return numbers

    def close(self) -> None:
        self._db.close()


def key_lookup(connection: Connection) -> Callable[[list[str]], set[str]]:
    """Which of some content keys are stored already, ``KEY_CHUNK`` keys a query.

    The query is compiled once per number of keys and run with the driver's
    placeholders: SQLAlchemy's expanding ``IN`` left ~300 bytes a key in reference
    cycles until the garbage collector ran, so a long import's memory crept up.
    """
    compiled: dict[int, tuple[str, list[int] | None]] = {}

    def statement(size: int) -> tuple[str, list[int] | None]:
        if size not in compiled:
            names = [f"k{i}" for i in range(size)]
            column = OBSERVATION_TABLE.c.external_key
            query = select(column).where(column.in_([bindparam(name) for name in names]))
            done = query.compile(dialect=connection.dialect)
            position = {name: i for i, name in enumerate(names)}
            order = [position[n] for n in done.positiontup] if done.positiontup else None
            compiled[size] = (done.string, order)
        return compiled[size]

    def existing(keys: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(keys), KEY_CHUNK):
            part = keys[start : start + KEY_CHUNK]
            sql, order = statement(len(part))
            params = (
                tuple(part[i] for i in order)
                if order is not None
                else {f"k{i}": key for i, key in enumerate(part)}
            )
            found.update(connection.exec_driver_sql(sql, params).scalars().all())
        return found

    return existing
