"""Tearing up a consent leaves no byte of the case behind (issue 18, acceptance check).

Unique markers are planted in the child's name, birth date and every free-text field
of a case (background, guardians, an invited party's label, an observation, a meeting
note, an åtagandeplan item, the scanned form). Before the tear-up the scans must find
every ciphertext (positive control: otherwise a clean scan would prove nothing) and
no marker in plain text (encryption at rest); after the withdrawal and the storage
scrub, neither markers nor ciphertexts are anywhere: the SQLite file, its WAL and
journal, ``pg_dump``, PostgreSQL's table files after a CHECKPOINT, the instance folder
(case files, uploads, logs), Redis and the captured logs. PostgreSQL's WAL may keep a
ciphertext until the segment is recycled (docs/sspf.md, limits) — never a marker.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from data.access.audit import Actor
from data.consent.crypto import CaseCipher, new_key
from data.consent.files import FILES_FOLDER, files_folder
from data.consent.teardown import COUNT_KINDS, DEFAULT_GALLRING, scrub_storage, tear_up
from data.storage.consent_models import (
    SspfCase,
    SspfChild,
    SspfConsent,
    SspfDisposal,
    SspfMeeting,
    SspfObservation,
    SspfParty,
    SspfPlanItem,
    SspfSignal,
)
from data.storage.db import make_engine, make_session_factory, unit_of_work
from data.storage.models import User
from data.storage.setup import initialise_database
from tests import byte_scan
from tests.byte_scan import Hit, Needle, describe, found_labels
from tests.clock import TEST_TODAY
from tests.conftest import postgres_database, require
from tests.sspf_markers import (
    CONTROL_LOGGER,
    Markers,
    PostgresPlaces,
    app_records,
    as_needles,
    audit_texts,
    ciphertexts,
    file_tails,
    new_markers,
)

ACTOR_NAME = "samordnare-test"


@pytest.fixture
def cipher() -> CaseCipher:
    """A case cipher with a fresh key (outside the database)."""
    return CaseCipher((new_key().encode("ascii"),))


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty, migrated database: a SQLite file, or a PostgreSQL database of the
    test's own. Not a schema in the shared test database: VACUUM FULL keeps a deleted
    row that any open transaction in the same database may still see, so another
    test's transaction there would keep this test's ciphertexts in the table files."""
    if request.param == "sqlite":
        sqlite = make_engine(f"sqlite:///{tmp_path / 'test.sqlite'}")
        initialise_database(sqlite)
        yield sqlite
        sqlite.dispose()
        return
    with postgres_database() as url:
        own = make_engine(url)
        try:
            initialise_database(own)
            yield own
        finally:
            own.dispose()


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every logger at DEBUG for the whole test (also SQLAlchemy's statement echo)."""
    caplog.set_level(logging.DEBUG)
    yield caplog


def _coordinator(session: Session) -> User:
    user = User(username=ACTOR_NAME, password_hash="x", role="coordinator", kommun_code="0380")
    session.add(user)
    session.flush()
    return user


def _plant(
    session: Session, cipher: CaseCipher, instance: Path, user: User, m: Markers
) -> SspfCase:
    """A case holding a marker in every personal field, written with the models (the
    shape the case layer stores: Fernet tokens, the form encrypted on disk)."""
    case = SspfCase(
        ref=f"SSPF-{secrets.token_hex(3).upper()}",
        kommun_code="0380",
        coordinator_id=user.id,
        opened_on=TEST_TODAY,
    )
    session.add(case)
    session.flush()
    form_name = f"{secrets.token_urlsafe(18)}.bin"
    (files_folder(instance) / form_name).write_bytes(cipher.encrypt_bytes(m.form_bytes()))
    session.add_all(
        [
            SspfChild(
                case_id=case.id,
                name_enc=cipher.encrypt(m.text("barnets namn")),
                birth_date_enc=cipher.encrypt(m.birth_date.isoformat()),
                background_enc=cipher.encrypt(m.text("bakgrund")),
            ),
            SspfConsent(
                case_id=case.id,
                signed_on=TEST_TODAY,
                valid_until=TEST_TODAY.replace(year=TEST_TODAY.year + 1),
                guardians_enc=cipher.encrypt_list(
                    [m.text("vårdnadshavare 1"), m.text("vårdnadshavare 2")]
                ),
                form_file=form_name,
                recorded_by=user.id,
            ),
            SspfParty(case_id=case.id, organisation="skola", user_id=user.id),
            SspfParty(
                case_id=case.id,
                organisation="annan",
                label_enc=cipher.encrypt(m.text("part (annan)")),
            ),
            SspfSignal(case_id=case.id, code="brott", party="polis", noted_on=TEST_TODAY),
            SspfObservation(
                case_id=case.id,
                party="skola",
                observed_on=TEST_TODAY,
                text_enc=cipher.encrypt(m.text("observation")),
            ),
            SspfMeeting(
                case_id=case.id,
                kind="familjemote",
                held_on=TEST_TODAY,
                notes_enc=cipher.encrypt(m.text("mötesanteckning")),
            ),
            SspfPlanItem(
                case_id=case.id,
                party="fritid",
                what_enc=cipher.encrypt(m.text("åtagandeplan")),
                due_on=TEST_TODAY,
            ),
        ]
    )
    session.flush()
    return case


def _local_places(root: Path, wanted: tuple[Needle, ...]) -> list[Hit]:
    """The SQLite file with its -wal/-journal/-shm and the instance folder."""
    return byte_scan.scan_tree(root, wanted)


def _scan_all(
    root: Path, pg: PostgresPlaces | None, wanted: tuple[Needle, ...], *, wal: bool = True
) -> list[Hit]:
    hits = _local_places(root, wanted)
    if pg is not None:
        hits += pg.scan_dump(wanted) + pg.scan_files(wanted) + pg.scan_server_log(wanted)
        if wal:
            hits += pg.scan_wal(wanted)
    return hits


def _require_wal(pg: PostgresPlaces) -> None:
    ok, why = byte_scan.readable(pg.wal_files())
    if not ok:
        require(False, f"PostgreSQL's WAL cannot be read here: {why}")


# The positive control reads the server's WAL segments by their modification time; on a
# server busy with the rest of the suite it once found none of the just-written
# ciphertexts (2026-12-04, one of two full runs; passed on its own twice). The control
# failing proves nothing either way, so the test gets one more try; the scrub checks
# themselves are unchanged.
@pytest.mark.flaky(reruns=1, reruns_delay=2)
def test_tear_up_leaves_no_byte_of_the_case(
    engine: Engine, tmp_path: Path, cipher: CaseCipher, debug_logs: pytest.LogCaptureFixture
) -> None:
    """Markers in every field; ciphertexts found before, nothing of either after."""
    sessions = make_session_factory(engine)
    instance = tmp_path / "instance"
    instance.mkdir()
    pg = None
    if engine.dialect.name == "postgresql":
        pg = PostgresPlaces(engine, None)
        _require_wal(pg)
    baseline = byte_scan.tree_files(tmp_path)
    m = new_markers(p.read_bytes().decode("latin-1") for p in baseline)
    with unit_of_work(sessions) as session:
        user = _coordinator(session)
        case = _plant(session, cipher, instance, user, m)
        ref, actor = case.ref, Actor(user.id, ACTOR_NAME, "127.0.0.1")
    with sessions() as session:
        stored = as_needles(ciphertexts(session))
    assert len(stored) == 8, stored  # every encrypted column holds a value
    cipher_needles = stored + as_needles(file_tails(instance / FILES_FOLDER))
    secrets_ = m.needles()
    logging.getLogger(CONTROL_LOGGER).debug("kontroll %s", m.control)

    before = _scan_all(tmp_path, pg, secrets_ + cipher_needles)
    # Positive control: every ciphertext is where the scans look …
    missing = {n.label for n in cipher_needles} - found_labels(before)
    assert not missing, f"the scan did not find {sorted(missing)}: it would prove nothing"
    if pg is not None:  # … in each PostgreSQL place on its own
        for place, hits in (
            ("pg_dump", pg.scan_dump(cipher_needles)),
            ("table files", pg.scan_files(cipher_needles)),
            ("WAL", pg.scan_wal(cipher_needles)),
        ):
            assert found_labels(hits) == {n.label for n in stored}, place
    # … the log scan finds a control marker, and no marker is stored in plain text.
    assert byte_scan.scan_bytes("log", byte_scan.log_bytes(debug_logs.records), m.control_needles())
    plain = [h for h in before if h.needle in m.secret_values()]
    assert not plain, f"plain text at rest:\n{describe(plain)}"

    with unit_of_work(sessions) as session:
        loaded = session.scalars(select(SspfCase).where(SspfCase.ref == ref)).one()
        receipt = tear_up(
            session,
            loaded,
            "withdrawn",
            TEST_TODAY,
            actor,
            instance_folder=instance,
            decision=DEFAULT_GALLRING,
            cipher=cipher,
        )
    if pg is not None:
        pg.wait_until_quiet()
    scrub_storage(engine)

    after = _scan_all(tmp_path, pg, secrets_ + cipher_needles, wal=False)
    assert not after, f"left after the tear-up:\n{describe(after)}"
    if pg is not None:
        wal_markers = pg.scan_wal(secrets_)
        assert not wal_markers, describe(wal_markers)
    logs = byte_scan.log_bytes(debug_logs.records)
    assert not byte_scan.scan_bytes("log", logs, secrets_)
    app_logs = byte_scan.log_bytes(app_records(debug_logs.records))
    assert not byte_scan.scan_bytes("app log", app_logs, cipher_needles)
    assert dict(receipt.removed) == {
        "identitet": 1,
        "vardnadshavare": 2,
        "parter": 2,
        "signaler": 1,
        "observationer": 1,
        "moten": 1,
        "atagandeplan": 1,
        "blankett": 1,
    }
    _assert_tombstone_only(sessions, ref, m)


def _assert_tombstone_only(sessions: sessionmaker[Session], ref: str, m: Markers) -> None:
    """The case row holds only the reference, dates, reason and counts; the disposal
    log and the audit log hold no marker."""
    with sessions() as session:
        case = session.scalars(select(SspfCase).where(SspfCase.ref == ref)).one()
        assert (case.status, case.purge_reason, case.purged_on) == (
            "purged",
            "withdrawn",
            TEST_TODAY,
        )
        counts = json.loads(case.removed_counts or "{}")
        assert set(counts) == set(COUNT_KINDS)
        assert all(isinstance(v, int) for v in counts.values())
        for model in (SspfChild, SspfParty, SspfSignal, SspfObservation, SspfMeeting, SspfPlanItem):
            assert session.scalars(select(model).where(model.case_id == case.id)).all() == []
        consent = session.scalars(select(SspfConsent).where(SspfConsent.case_id == case.id)).one()
        assert (consent.status, consent.guardians_enc, consent.form_file) == (
            "withdrawn",
            None,
            None,
        )
        disposal = session.scalars(select(SspfDisposal).where(SspfDisposal.case_ref == ref)).one()
        texts = audit_texts(session) + disposal.decision + disposal.removed_counts
    for value in m.secret_values().values():
        assert value not in texts
