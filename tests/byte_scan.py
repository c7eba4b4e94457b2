"""Byte scans for the case layer's tear-up tests (issue 18): is a secret anywhere?

A *needle* is a secret the tests planted (a marker text in a child's name, a free
text, a form file) or a ciphertext they read back from the database. Every place
a copy could survive is read as raw bytes — the SQLite file and its ``-wal``,
``-journal`` and ``-shm``, the instance folder (``sspf-files``, ``uploads``, log
files), ``pg_dump`` of the database, PostgreSQL's table files after a
``CHECKPOINT`` and its WAL segments, every Redis key with its ``DUMP`` value, the
captured log records — and each needle is looked for in several spellings:

- ``utf-8``: the text as stored or logged;
- ``utf-16-le``: as Windows tools, some PDF strings and JavaScript engines write it;
- ``lower``: the lower-cased needle in the lower-cased bytes (a search index, a
  normalised key, ``str.upper`` in a log line);
- ``hex``: the bytes hex-encoded (``bytea`` in ``pg_dump``'s COPY text, a hex log).

A scan proves nothing unless it can find what it looks for: every test runs it once
*before* the tear-up and asserts that the ciphertexts (or a marker planted in an
unencrypted control place) are found — the positive control — and then again after.
"""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, cast

from redis import Redis
from sqlalchemy import Engine, text

PG_DUMP: Final = "/usr/bin/pg_dump"
SPELLINGS: Final = ("utf-8", "utf-16-le", "lower", "hex")


@dataclass(frozen=True, slots=True)
class Hit:
    """One needle found in one place, in one spelling."""

    place: str
    needle: str
    spelling: str

    def __str__(self) -> str:
        return f"{self.needle} in {self.place} ({self.spelling})"


@dataclass(frozen=True, slots=True)
class Needle:
    """A secret to look for: a label for the report and its raw bytes (UTF-8 for a
    text, the token's bytes for a ciphertext)."""

    label: str
    raw: bytes

    def spellings(self) -> Iterator[tuple[str, bytes, bool]]:
        """``(spelling, bytes, in lower-cased data)`` for every spelling."""
        yield "utf-8", self.raw, False
        try:
            decoded = self.raw.decode("utf-8")
        except UnicodeDecodeError:
            decoded = None
        if decoded is not None:
            yield "utf-16-le", decoded.encode("utf-16-le"), False
            yield "lower", decoded.lower().encode("utf-8"), True
        yield "hex", self.raw.hex().encode("ascii"), True


def needles(secrets: Mapping[str, str | bytes]) -> tuple[Needle, ...]:
    """Needles from ``label → text or bytes``; empty values are refused (an empty
    needle is found everywhere and would prove nothing)."""
    out = []
    for label, value in secrets.items():
        raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        if len(raw) < 8:
            msg = f"needle {label!r} is too short to be unique ({len(raw)} bytes)"
            raise ValueError(msg)
        out.append(Needle(label, raw))
    return tuple(out)


def scan_bytes(place: str, data: bytes, wanted: Iterable[Needle]) -> list[Hit]:
    """Every needle of ``wanted`` found in ``data`` (one hit per needle and spelling)."""
    lowered: bytes | None = None
    hits = []
    for needle in wanted:
        for spelling, pattern, in_lower in needle.spellings():
            if in_lower:
                lowered = data.lower() if lowered is None else lowered
                haystack = lowered
            else:
                haystack = data
            if pattern in haystack:
                hits.append(Hit(place, needle.label, spelling))
    return hits


def scan_files(paths: Iterable[Path], wanted: Iterable[Needle]) -> list[Hit]:
    """Scan each readable regular file of ``paths`` whole (unreadable ones raise)."""
    pinned = tuple(wanted)
    hits = []
    for path in paths:
        if path.is_file() and not path.is_symlink():
            hits.extend(scan_bytes(str(path), path.read_bytes(), pinned))
    return hits


def tree_files(root: Path) -> list[Path]:
    """Every regular file under ``root`` (the SQLite file and its ``-wal``,
    ``-journal``, ``-shm``; the instance folder with ``sspf-files``, ``uploads``, the
    disposal log and any log file)."""
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def scan_tree(root: Path, wanted: Iterable[Needle]) -> list[Hit]:
    """Scan every file under ``root``."""
    return scan_files(tree_files(root), wanted)


def libpq_url(engine: Engine) -> str:
    """The engine's database as a URL ``pg_dump`` understands (no driver suffix)."""
    url = engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def pg_dump(engine: Engine, *, schema: str | None = None) -> bytes:
    """``pg_dump`` of the engine's database (only ``schema`` when given), plain SQL
    with the data in COPY text (``bytea`` as hex)."""
    args = [PG_DUMP, "--no-owner", "--no-privileges", f"--dbname={libpq_url(engine)}"]
    if schema:
        args.append(f"--schema={schema}")
    done = subprocess.run(args, capture_output=True, check=False, timeout=300)
    if done.returncode != 0:
        msg = f"pg_dump failed ({done.returncode}): {done.stderr.decode(errors='replace')}"
        raise RuntimeError(msg)
    return done.stdout


def pg_checkpoint(engine: Engine) -> None:
    """``CHECKPOINT``: every dirty page on disk, so the table files show what is stored."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("CHECKPOINT"))


def pg_data_directory(engine: Engine) -> Path:
    """The server's data directory (``SHOW data_directory``; superuser)."""
    with engine.connect() as conn:
        return Path(str(conn.execute(text("SHOW data_directory")).scalar_one()))


def pg_database_files(engine: Engine) -> list[Path]:
    """The table, index and TOAST files of the engine's database
    (``base/<database oid>/*``), after a :func:`pg_checkpoint`."""
    with engine.connect() as conn:
        oid = conn.execute(
            text("SELECT oid FROM pg_database WHERE datname = current_database()")
        ).scalar_one()
    return tree_files(pg_data_directory(engine) / "base" / str(oid))


def pg_wal_files(engine: Engine, *, since: float = 0.0) -> list[Path]:
    """The WAL segments (``pg_wal/*``) written at or after ``since`` (a
    ``time.time()``); the WAL is the server's, shared by every database."""
    folder = pg_data_directory(engine) / "pg_wal"
    return [p for p in tree_files(folder) if p.stat().st_mtime >= since - 1]


def readable(paths: Iterable[Path]) -> tuple[bool, str]:
    """Whether this process can read every file of ``paths``, and why not."""
    for path in paths:
        if not os.access(path, os.R_OK):
            return False, f"{path} is not readable by uid {os.getuid()} (run as root/postgres)"
    return True, ""


def _redis(url: str, db: int | None = None) -> Redis:
    client = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    if db is None:
        return client
    options = dict(client.connection_pool.connection_kwargs)
    client.close()
    options["db"] = db
    return Redis(**options)


def redis_values(url: str, *, prefix: str | None = None, db: int | None = None) -> dict[str, bytes]:
    """``key → key bytes + DUMP value`` of every Redis key of the database in ``url``
    (or database ``db``), or of the keys under ``prefix``; ``SCAN`` never blocks the
    server."""
    client = _redis(url, db)
    try:
        found: dict[str, bytes] = {}
        match = f"{prefix}*" if prefix else None
        for key in client.scan_iter(match=match, count=500):
            raw_key = key if isinstance(key, bytes) else str(key).encode()
            dumped = cast(bytes | None, client.dump(key))
            found[raw_key.decode("utf-8", "replace")] = raw_key + b"\n" + (dumped or b"")
        return found
    finally:
        client.close()


def redis_all_databases(url: str) -> dict[str, bytes]:
    """Every key with its DUMP value in every non-empty database of the Redis server
    of ``url`` (``INFO keyspace``), like ``redis-cli --scan`` over each database."""
    client = _redis(url)
    try:
        spaces = list(cast(dict[str, object], client.info("keyspace")))
    finally:
        client.close()
    found: dict[str, bytes] = {}
    for space in spaces:  # "db0", "db15", …
        number = int(str(space).removeprefix("db"))
        for key, value in redis_values(url, db=number).items():
            found[f"db{number}:{key}"] = value
    return found


def scan_redis(values: Mapping[str, bytes], wanted: Iterable[Needle]) -> list[Hit]:
    """Scan Redis keys and values from :func:`redis_values`."""
    pinned = tuple(wanted)
    hits = []
    for key, value in values.items():
        hits.extend(scan_bytes(f"redis:{key}", value, pinned))
    return hits


def log_bytes(records: Iterable[logging.LogRecord]) -> bytes:
    """Captured log records as one text: each record's logger, formatted message,
    raw arguments and exception text (what a handler could write)."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    lines = []
    for record in records:
        lines.append(formatter.format(record))
        lines.append(repr(record.args))
        if record.exc_info:
            lines.append(formatter.formatException(record.exc_info))
    return "\n".join(lines).encode("utf-8", "surrogateescape")


def file_tail(path: Path, offset: int) -> bytes:
    """The bytes of ``path`` after ``offset`` (what a log file gained during a test)."""
    if not path.exists():
        return b""
    with path.open("rb") as handle:
        handle.seek(offset)
        return handle.read()


def file_size(path: Path) -> int:
    """The size of ``path`` now (0 if absent), for :func:`file_tail`."""
    return path.stat().st_size if path.exists() else 0


def describe(hits: Iterable[Hit]) -> str:
    """Hits as lines, for an assertion message."""
    return "\n".join(sorted(str(hit) for hit in hits)) or "(none)"


def found_labels(hits: Iterable[Hit]) -> set[str]:
    """The labels of the needles found."""
    return {hit.needle for hit in hits}
