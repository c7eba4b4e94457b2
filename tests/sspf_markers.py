"""Markers for the SSPF tear-up tests (issue 18): unique, synthetic secrets to plant in
every personal field of a case, and the places to look for them afterwards.

Every marker text is ``Testbarn-MARK-<field>-<random hex>``; the needle the scans look
for is the random hex alone, so a copy is found even when the text around it was
changed (trimmed, upper-cased, re-encoded). The birth date is a date no other row of
the database holds, looked for as ISO text (``2011-07-23``) and compact (``20110723``).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Final

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from data.storage.consent_models import (
    SspfChild,
    SspfConsent,
    SspfMeeting,
    SspfNetworkMeeting,
    SspfObservation,
    SspfParty,
    SspfPlanItem,
)
from data.storage.models import AuditEvent
from tests import byte_scan
from tests.byte_scan import Hit, Needle
from tests.conftest import require

FIELDS: Final = (
    "barnets namn",
    "bakgrund",
    "vårdnadshavare 1",
    "vårdnadshavare 2",
    "part (annan)",
    "observation",
    "mötesanteckning",
    "åtagandeplan",
    "blankett",
    "nätverksmöte",
)
"""Every personal value of a case a marker is planted in (plus the birth date), and a
declined consent's nätverksmöte note."""
PG_SERVER_LOG: Final = Path("/var/log/postgresql/postgresql-15-main.log")
CONTROL_LOGGER: Final = "data.consent"
QUIET: Final = text(
    "SELECT pid, datname, left(query, 60) FROM pg_stat_activity"
    " WHERE pid <> pg_backend_pid() AND xact_start < :start"
    " AND (backend_xid IS NOT NULL OR datname = current_database())"
)


@dataclass
class Markers:
    """The planted texts and the needles of one test."""

    cores: dict[str, str]
    birth_date: date
    control: str = field(default_factory=lambda: secrets.token_hex(10))
    """A marker written where the scan must find it (the positive control)."""

    def text(self, label: str) -> str:
        """The text planted in the field ``label``."""
        return f"Testbarn-MARK-{label.split()[0][:6]}-{self.cores[label]}"

    def form_bytes(self) -> bytes:
        """A small scanned form (PDF-shaped bytes) holding the form's marker."""
        body = f"(Samtycke {self.text('blankett')}) Tj".encode()
        return (
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 44 >>\nstream\n"
            + body
            + (b"\nendstream\nendobj\n%%EOF\n")
        )

    def secret_values(self) -> dict[str, str]:
        """``label → needle text``: every field's random core and the birth date."""
        values = dict(self.cores)
        values["födelsedatum (ISO)"] = self.birth_date.isoformat()
        values["födelsedatum (kompakt)"] = self.birth_date.strftime("%Y%m%d")
        return values

    def needles(self) -> tuple[Needle, ...]:
        """The markers as needles."""
        return byte_scan.needles(self.secret_values())

    def control_needles(self) -> tuple[Needle, ...]:
        """The positive-control marker as a needle."""
        return byte_scan.needles({"kontrollmarkör": self.control})


def new_markers(taken: Iterable[str] = ()) -> Markers:
    """Fresh markers; the birth date is one whose ISO and compact texts are not in
    ``taken`` (texts already present in the places scanned)."""
    cores = {label: secrets.token_hex(10) for label in FIELDS}
    blob = "\n".join(taken)
    day = date(2009, 1, 1) + timedelta(days=secrets.randbelow(5 * 365))
    while day.isoformat() in blob or day.strftime("%Y%m%d") in blob:
        day += timedelta(days=1)
    return Markers(cores, day)


def ciphertexts(session: Session, tail: int = 48) -> dict[str, bytes]:
    """``label → last bytes of the token`` of every encrypted value the case layer
    stores now (the tail is the token's HMAC: unique, and short enough never to be
    split over a database page)."""
    columns = (
        ("namn", SspfChild.name_enc),
        ("födelsedatum", SspfChild.birth_date_enc),
        ("bakgrund", SspfChild.background_enc),
        ("vårdnadshavare", SspfConsent.guardians_enc),
        ("part", SspfParty.label_enc),
        ("observation", SspfObservation.text_enc),
        ("möte", SspfMeeting.notes_enc),
        ("åtagandeplan", SspfPlanItem.what_enc),
    )
    found: dict[str, bytes] = {}
    for label, column in columns:
        for number, token in enumerate(session.scalars(select(column))):
            if token:
                found[f"chiffer {label} {number}"] = bytes(token)[-tail:]
    return found


def network_ciphertexts(session: Session, tail: int = 48) -> dict[str, bytes]:
    """The tails of every network meeting's encrypted note (not part of any case)."""
    notes = session.scalars(select(SspfNetworkMeeting.note_enc))
    return {f"chiffer nätverksmöte {n}": bytes(t)[-tail:] for n, t in enumerate(notes) if t}


def file_tails(folder: Path, tail: int = 48) -> dict[str, bytes]:
    """The last bytes of every file in ``folder`` (the encrypted forms)."""
    if not folder.is_dir():
        return {}
    return {f"chiffer fil {p.name}": p.read_bytes()[-tail:] for p in sorted(folder.iterdir())}


def audit_texts(session: Session) -> str:
    """Every audit row's action, target and details, as one text."""
    rows = session.execute(select(AuditEvent.action, AuditEvent.target, AuditEvent.details))
    return "\n".join(" ".join(str(v) for v in row) for row in rows)


@dataclass
class PostgresPlaces:
    """The PostgreSQL places of one test: the dump (of ``schema`` or the whole
    database), the database's files after a CHECKPOINT, the WAL written since the test
    began and the server's log file since then."""

    engine: Engine
    schema: str | None
    started: float = field(default_factory=time.time)
    log_offset: int = field(default_factory=lambda: byte_scan.file_size(PG_SERVER_LOG))

    def scan_dump(self, wanted: Iterable[Needle]) -> list[Hit]:
        """``pg_dump`` scanned."""
        dump = byte_scan.pg_dump(self.engine, schema=self.schema)
        return byte_scan.scan_bytes("pg_dump", dump, tuple(wanted))

    def scan_files(self, wanted: Iterable[Needle]) -> list[Hit]:
        """The database's table, TOAST and index files after a CHECKPOINT."""
        byte_scan.pg_checkpoint(self.engine)
        return byte_scan.scan_files(byte_scan.pg_database_files(self.engine), wanted)

    def wal_files(self) -> list[Path]:
        """The WAL segments written since the test began."""
        return byte_scan.pg_wal_files(self.engine, since=self.started)

    def scan_wal(self, wanted: Iterable[Needle]) -> list[Hit]:
        """The WAL segments written since the test began."""
        return byte_scan.scan_files(self.wal_files(), wanted)

    def wait_until_quiet(self, timeout: float = 240.0) -> None:
        """Wait until no other session runs a transaction begun before now that could
        keep a deleted row alive for VACUUM FULL: one in this database, or one holding
        a transaction id in any database of the server (every new snapshot's horizon
        stops at the oldest running id). Other tests on a shared server do that; the
        test then proves the scrub, not the neighbours. Skips (fails in CI) after
        ``timeout`` seconds."""
        with self.engine.connect() as conn:
            start = conn.execute(text("SELECT clock_timestamp()")).scalar_one()
        deadline = time.monotonic() + timeout
        while True:
            with self.engine.connect() as conn:
                busy = conn.execute(QUIET, {"start": start}).all()
            if not busy:
                return
            if time.monotonic() > deadline:
                require(False, f"other sessions kept old transactions open: {busy}")
            time.sleep(1)

    def scan_server_log(self, wanted: Iterable[Needle]) -> list[Hit]:
        """What the server's log file gained during the test."""
        tail = byte_scan.file_tail(PG_SERVER_LOG, self.log_offset)
        return byte_scan.scan_bytes(str(PG_SERVER_LOG), tail, tuple(wanted))


def current_schema(engine: Engine) -> str:
    """The engine's schema (the per-test schema of ``tests/conftest.py``)."""
    with engine.connect() as conn:
        return str(conn.execute(text("SELECT current_schema()")).scalar_one())


def app_records(records: Iterable[logging.LogRecord]) -> list[logging.LogRecord]:
    """The records of the app's own loggers (SQLAlchemy's statement echo left out: it
    prints bound ciphertexts at DEBUG, which production never runs)."""
    return [r for r in records if not r.name.startswith("sqlalchemy")]


def as_needles(values: Mapping[str, bytes | str]) -> tuple[Needle, ...]:
    """Needles of ``values`` (ciphertext tails)."""
    return byte_scan.needles(values)
