"""Tearing up an SSPF consent (issue 18): the content is gone, the tombstone and the
disposal log remain, a restored backup is purged again — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import logging
import secrets
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from data.access.audit import Actor
from data.access.scope import AccessDenied
from data.consent.crypto import CaseCipher, load_cipher
from data.consent.files import DISPOSAL_LOG, FILES_FOLDER
from data.consent.sweep import sweep_each
from data.consent.teardown import (
    CONTENT_TABLES,
    COUNT_KINDS,
    DEFAULT_GALLRING,
    NO_ACCESS,
    TearUpError,
    gallring_decision,
    reapply_disposals,
    receipt_for,
    scrub_storage,
    set_gallring_decision,
    tear_up,
)
from data.storage.consent_models import (
    SspfCase,
    SspfChild,
    SspfConsent,
    SspfConsentEvent,
    SspfDisposal,
)
from data.storage.db import make_engine, make_session_factory, unit_of_work
from data.storage.models import AuditEvent
from data.storage.setup import initialise_database
from tests.clock import TEST_TODAY
from tests.conftest import copy_sqlite, require
from tests.sspf_plant import PlantedCase, content_rows, plant_case, user

ACTOR = Actor(None, "cli:test", "cli")
EXPECTED_COUNTS = {
    "identitet": 1,
    "vardnadshavare": 2,
    "parter": 2,
    "signaler": 1,
    "observationer": 2,
    "moten": 1,
    "atagandeplan": 2,
    "blankett": 1,
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    instance = tmp_path / "instance"
    instance.mkdir()
    return instance


@pytest.fixture
def cipher(folder: Path) -> CaseCipher:
    return load_cipher("", folder)


def _plant(
    factory: sessionmaker[Session], cipher: CaseCipher, folder: Path, *, days_valid: int = 30
) -> PlantedCase:
    with unit_of_work(factory) as session:
        return plant_case(
            session,
            cipher,
            folder,
            coordinator=user(session, "samordnare"),
            signed_on=TEST_TODAY - timedelta(days=20),
            valid_until=TEST_TODAY + timedelta(days=days_valid),
        )


def _tear(
    factory: sessionmaker[Session], planted: PlantedCase, folder: Path, cipher: CaseCipher
) -> None:
    with unit_of_work(factory) as session:
        case = session.get(SspfCase, planted.case_id)
        assert case is not None
        tear_up(
            session,
            case,
            "withdrawn",
            TEST_TODAY,
            ACTOR,
            instance_folder=folder,
            decision="KS 2026/41 § 7",
            cipher=cipher,
        )


def test_tear_up_removes_every_content_row_and_keeps_a_tombstone(
    engine: Engine, folder: Path, cipher: CaseCipher
) -> None:
    factory = make_session_factory(engine)
    planted = _plant(factory, cipher, folder)
    kept = _plant(factory, cipher, folder)
    with factory() as session:
        before = content_rows(session, planted.case_id)
    assert before == {
        "sspf_child": 1,
        "sspf_party": 2,
        "sspf_signal": 1,
        "sspf_observation": 2,
        "sspf_meeting": 1,
        "sspf_plan_item": 2,
    }
    form = folder / FILES_FOLDER / planted.form_file
    assert form.exists()

    _tear(factory, planted, folder, cipher)

    with factory() as session:
        assert set(content_rows(session, planted.case_id).values()) == {0}
        assert content_rows(session, kept.case_id) == before, "another case was touched"
        case = session.get(SspfCase, planted.case_id)
        assert case is not None
        assert (case.status, case.purge_reason, case.purged_on) == (
            "purged",
            "withdrawn",
            TEST_TODAY,
        )
        assert json.loads(case.removed_counts or "") == EXPECTED_COUNTS
        consent = session.scalars(
            select(SspfConsent).where(SspfConsent.case_id == planted.case_id)
        ).one()
        assert (consent.status, consent.guardians_enc, consent.form_file) == (
            "withdrawn",
            None,
            None,
        )
        events = session.scalars(
            select(SspfConsentEvent.status).where(SspfConsentEvent.case_id == planted.case_id)
        ).all()
        assert events == ["active", "withdrawn"]
        disposal = session.scalars(select(SspfDisposal)).one()
        assert (disposal.case_ref, disposal.reason, disposal.decision) == (
            planted.ref,
            "withdrawn",
            "KS 2026/41 § 7",
        )
        assert json.loads(disposal.removed_counts) == EXPECTED_COUNTS
        audit = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "sspf.case_purged")
        ).one()
        assert audit.target == planted.ref
    assert not form.exists()
    assert (folder / FILES_FOLDER / kept.form_file).exists()
    lines = (folder / DISPOSAL_LOG).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    logged = json.loads(lines[0])
    assert (logged["ref"], logged["reason"], logged["removed"]) == (
        planted.ref,
        "withdrawn",
        EXPECTED_COUNTS,
    )
    assert (folder / DISPOSAL_LOG).stat().st_mode & 0o077 == 0
    disposal_text = lines[0] + disposal.removed_counts + audit.details
    assert not [marker for marker in planted.markers if marker in disposal_text]


def _scan(paths: list[Path], needles: tuple[bytes, ...]) -> list[bytes]:
    data = b"".join(path.read_bytes() for path in paths if path.exists())
    return [needle for needle in needles if needle in data]


def test_sqlite_files_hold_no_ciphertext_after_tear_up_and_scrub(
    tmp_path: Path, folder: Path, cipher: CaseCipher
) -> None:
    database = tmp_path / "scan.sqlite"
    engine = make_engine(f"sqlite:///{database}")
    initialise_database(engine)
    factory = make_session_factory(engine)
    planted = _plant(factory, cipher, folder)
    files = [database, tmp_path / "scan.sqlite-wal", tmp_path / "scan.sqlite-journal"]
    # Tokens are unique 100+ byte strings; a 40-byte slice of each is enough to find them.
    needles = tuple(token[10:50] for token in planted.tokens)
    assert _scan(files, needles) == list(needles), "positive control: the scan finds them"

    _tear(factory, planted, folder, cipher)
    scrub_storage(engine)

    assert _scan(files, needles) == []
    engine.dispose()


def test_pg_dump_holds_no_ciphertext_after_tear_up(
    pg_engine: Engine, folder: Path, cipher: CaseCipher
) -> None:
    engine = pg_engine
    require(shutil.which("pg_dump") is not None, "pg_dump is not installed")
    factory = make_session_factory(engine)
    planted = _plant(factory, cipher, folder)
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()

    def dump() -> str:
        done = subprocess.run(
            ["pg_dump", "--data-only", "--schema", schema, url],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return done.stdout

    needles = tuple(token[10:50].hex() for token in planted.tokens)
    before = dump()
    assert all(needle in before for needle in needles), "positive control"
    _tear(factory, planted, folder, cipher)
    scrub_storage(engine)
    after = dump()
    assert [needle for needle in needles if needle in after] == []


def test_receipt_is_for_the_case_coordinator_only(
    engine: Engine, folder: Path, cipher: CaseCipher
) -> None:
    factory = make_session_factory(engine)
    planted = _plant(factory, cipher, folder)
    with unit_of_work(factory) as session:
        coordinator = user(session, "samordnare")
        with pytest.raises(AccessDenied, match=NO_ACCESS):
            receipt_for(session, coordinator, planted.ref)  # not torn up yet
    _tear(factory, planted, folder, cipher)
    with unit_of_work(factory) as session:
        receipt = receipt_for(session, user(session, "samordnare"), planted.ref)
        assert (receipt.ref, receipt.reason, receipt.ended_on, receipt.decision) == (
            planted.ref,
            "withdrawn",
            TEST_TODAY,
            "KS 2026/41 § 7",
        )
        assert receipt.signed_on == TEST_TODAY - timedelta(days=20)
        assert receipt.removed == tuple((kind, EXPECTED_COUNTS[kind]) for kind in COUNT_KINDS)
        others = [
            user(session, "annan.samordnare"),
            user(session, "admin.sspf", role="admin", kommun=None),  # type: ignore[arg-type]
            user(session, "ledning.sspf", role="leadership"),
        ]
        for other in others:
            with pytest.raises(AccessDenied, match=NO_ACCESS):
                receipt_for(session, other, planted.ref)
        with pytest.raises(AccessDenied, match=NO_ACCESS):
            receipt_for(session, user(session, "samordnare"), "SSPF-FINNS0")


def test_sweep_tears_up_only_consents_past_their_date(
    engine: Engine, folder: Path, cipher: CaseCipher
) -> None:
    factory = make_session_factory(engine)
    soon = _plant(factory, cipher, folder, days_valid=3)
    later = _plant(factory, cipher, folder, days_valid=40)
    quiet = sweep_each(factory, TEST_TODAY + timedelta(days=3), ACTOR, instance_folder=folder)
    assert quiet.receipts == []
    receipts = sweep_each(
        factory, TEST_TODAY + timedelta(days=4), ACTOR, instance_folder=folder, cipher=cipher
    ).receipts
    assert [(r.ref, r.reason, r.decision) for r in receipts] == [
        (soon.ref, "expired", DEFAULT_GALLRING)
    ]
    with factory() as session:
        assert set(content_rows(session, soon.case_id).values()) == {0}
        assert sum(content_rows(session, later.case_id).values()) == 9
        consent = session.scalars(
            select(SspfConsent).where(SspfConsent.case_id == soon.case_id)
        ).one()
        assert consent.status == "expired"


def test_gallring_decision_names_the_kommuns_decision(engine: Engine, folder: Path) -> None:
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        assert gallring_decision(session, "0380", DEFAULT_GALLRING) == DEFAULT_GALLRING
        set_gallring_decision(session, "0380", "  KS 2026/41  § 7 ", ACTOR)
    with unit_of_work(factory) as session:
        assert gallring_decision(session, "0380", DEFAULT_GALLRING) == "KS 2026/41 § 7"
        assert gallring_decision(session, "0191", "standard") == "standard"
        for bad in ("", "x" * 201, "rad\nbrytning"):
            with pytest.raises(TearUpError):
                set_gallring_decision(session, "0380", bad, ACTOR)


def _restore(
    engine: Engine, tmp_path: Path, snapshot: Path | None, planted: PlantedCase, cipher: CaseCipher
) -> Engine:
    """Bring the torn-up case's content back as a restored backup would: SQLite from a
    file copy taken before the tear-up; PostgreSQL by writing the rows back."""
    if engine.dialect.name == "sqlite":
        assert snapshot is not None
        database = Path(str(engine.url.database))
        engine.dispose()
        for side in ("-wal", "-shm"):
            database.with_name(database.name + side).unlink(missing_ok=True)
        copy_sqlite(snapshot, database)
        return make_engine(f"sqlite:///{database}")
    with unit_of_work(make_session_factory(engine)) as session:
        session.add(
            SspfChild(
                case_id=planted.case_id,
                name_enc=cipher.encrypt("Testbarn återställd"),
                birth_date_enc=cipher.encrypt("2012-05-01"),
            )
        )
        case = session.get(SspfCase, planted.case_id)
        consent = session.scalars(
            select(SspfConsent).where(SspfConsent.case_id == planted.case_id)
        ).one()
        assert case is not None
        case.status, case.purged_on, case.purge_reason, case.removed_counts = (
            "active",
            None,
            None,
            None,
        )
        consent.status, consent.guardians_enc = "active", cipher.encrypt_list(["Återställd"])
    return engine


def test_a_restored_backup_is_purged_again(
    engine: Engine, tmp_path: Path, folder: Path, cipher: CaseCipher
) -> None:
    factory = make_session_factory(engine)
    planted = _plant(factory, cipher, folder)
    snapshot = None
    if engine.dialect.name == "sqlite":
        snapshot = tmp_path / "backup.sqlite"
        copy_sqlite(Path(str(engine.url.database)), snapshot)
    _tear(factory, planted, folder, cipher)

    restored = _restore(engine, tmp_path, snapshot, planted, cipher)
    factory = make_session_factory(restored)
    with factory() as session:
        assert content_rows(session, planted.case_id)["sspf_child"] == 1, "positive control"
    with open(folder / DISPOSAL_LOG, "a", encoding="utf-8") as log:
        log.write(json.dumps({"ref": "SSPF-SAKNAS", "reason": "ended"}) + "\n")  # no row: fine

    with unit_of_work(factory) as session:
        assert reapply_disposals(session, folder, ACTOR) == 1
    with unit_of_work(factory) as session:
        assert set(content_rows(session, planted.case_id).values()) == {0}
        case = session.get(SspfCase, planted.case_id)
        consent = session.scalars(
            select(SspfConsent).where(SspfConsent.case_id == planted.case_id)
        ).one()
        assert case is not None
        assert (case.status, case.purge_reason, case.purged_on) == (
            "purged",
            "withdrawn",
            TEST_TODAY,
        )
        assert json.loads(case.removed_counts or "") == EXPECTED_COUNTS, "the log's counts"
        assert (consent.status, consent.guardians_enc) == ("withdrawn", None)
        assert reapply_disposals(session, folder, ACTOR) == 0, "idempotent"
    assert len((folder / DISPOSAL_LOG).read_text(encoding="utf-8").splitlines()) == 2
    restored.dispose()


def test_the_disposal_log_refuses_update_and_delete(
    engine: Engine, folder: Path, cipher: CaseCipher
) -> None:
    factory = make_session_factory(engine)
    _tear(factory, _plant(factory, cipher, folder), folder, cipher)
    for statement in (
        "UPDATE sspf_disposal SET decision = 'ändrat'",
        "DELETE FROM sspf_disposal",
    ):
        with pytest.raises(DBAPIError), engine.begin() as connection:
            connection.execute(text(statement))
    with factory() as session:
        assert session.scalars(select(SspfDisposal.decision)).all() == ["KS 2026/41 § 7"]


def test_sqlite_connections_zero_deleted_content(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'pragma.sqlite'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA secure_delete")).scalar_one() == 1
    engine.dispose()


def test_pg_scrub_gives_up_on_a_locked_table_instead_of_hanging(
    pg_engine: Engine, folder: Path, cipher: CaseCipher
) -> None:
    """Another request's open transaction that read a case table must not make the
    scrub (VACUUM FULL, an exclusive lock) wait — and every reader queue behind it."""
    engine = pg_engine
    factory = make_session_factory(engine)
    planted = _plant(factory, cipher, folder)
    _tear(factory, planted, folder, cipher)
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        with engine.connect() as reader:
            # An open transaction that read a content table holds a lock on it.
            reader.execute(text("SELECT count(*) FROM sspf_observation")).all()
            scrubbing = pool.submit(scrub_storage, engine)
            try:
                scrubbing.result(timeout=30)
            except TimeoutError:
                pytest.fail("the scrub waited for another transaction's lock")
            assert reader.execute(select(SspfCase.status)).scalars().all() == ["purged"]
    finally:
        pool.shutdown(wait=True)  # the reader is closed: a waiting VACUUM ends now


def test_pg_scrub_logs_each_step_a_weaker_role_cannot_do(
    pg_engine: Engine, folder: Path, cipher: CaseCipher, caplog: pytest.LogCaptureFixture
) -> None:
    """docs/sspf.md: the app's role must own the case tables and hold pg_checkpoint;
    a role that does not gets each skipped step logged by name, none silently."""
    role = f"scrub_{secrets.token_hex(4)}"
    with pg_engine.begin() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
        connection.execute(text(f'CREATE ROLE "{role}"'))
        connection.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"'))
    weaker = make_engine(
        pg_engine.url.render_as_string(hide_password=False),
        connect_args={"options": f"-csearch_path={schema} -crole={role}"},
    )
    try:
        with caplog.at_level(logging.WARNING, logger="data.consent.teardown"):
            scrub_storage(weaker)
    finally:
        weaker.dispose()
        with pg_engine.begin() as connection:
            connection.execute(text(f'DROP OWNED BY "{role}"'))
            connection.execute(text(f'DROP ROLE "{role}"'))
    messages = [record.getMessage() for record in caplog.records]
    for table in CONTENT_TABLES:
        assert any(f"VACUUM FULL {table} hoppades över" in m for m in messages), messages
    assert any(m.startswith("CHECKPOINT efter rivning hoppades över") for m in messages)
