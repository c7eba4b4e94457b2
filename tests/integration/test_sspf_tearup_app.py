"""Tear-up through the running app leaves no byte of the case (issue 18, acceptance
checks "tear-up test on SQLite and PostgreSQL" and "expiry").

The real app on its own demo database (SQLite file, or a PostgreSQL database of its
own), Redis for its rate limits and login throttle, every log at DEBUG. Everything goes
through the pages: the coordinator logs in, uploads the scanned form to
``/upload/sspf_form``, records the consent (markers in the child's name, birth date,
background, guardians, an invited party's label, the form), the school adds an
observation, the coordinator a family meeting, signals and an åtagandeplan item, and a
declined consent's nätverksmöte; both read the case and its PDF. Then the consent is
torn up — withdrawn on the page, expired by ``ssp sweep-consents``, or expired at the
first access after the clock moved — and the byte scans of ``tests/byte_scan.py``
find no marker and no ciphertext of the case in the database files and WAL,
``pg_dump``, PostgreSQL's table files, the instance folder (uploads, case files, the
disposal log), Redis (every database) or the logs. Before, each scan must find the
ciphertexts, the form in the upload folder and a control marker in Redis and the log.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from sqlalchemy import select

from dashboard.state import app_state
from data.clock import FixedClock
from data.consent.vocabulary import EXPIRED, NO_ACCESS
from data.storage.consent_models import SspfCase
from tests import byte_scan
from tests.byte_scan import Hit, Needle, describe, found_labels
from tests.clock import TEST_TODAY
from tests.conftest import TEST_REDIS_URL, DemoTemplate, private_postgres, require
from tests.helpers import login
from tests.sspf_apps import (
    own_instance,
    postgres_case_app,
    redis_prefix_for_module,
    sqlite_case_app,
)
from tests.sspf_markers import (
    CONTROL_LOGGER,
    Markers,
    PostgresPlaces,
    app_records,
    as_needles,
    audit_texts,
    ciphertexts,
    network_ciphertexts,
    new_markers,
)
from tests.sspf_web import (
    COORDINATOR,
    SCHOOL,
    case_list,
    case_page,
    fill_case,
    logged_in,
    network_meeting,
    new_consent,
    tear_up,
    upload_form,
)

VALID_DAYS = 10
"""The expiry tests' consents are valid for ten days from the test's today."""


@dataclass
class Site:
    """One test's app and every place it could leave a byte."""

    app: Flask
    root: Path
    """The folder holding the SQLite database (if any) and the instance folder."""
    prefix: str
    pg: PostgresPlaces | None

    @property
    def instance(self) -> Path:
        return Path(self.app.instance_path)

    def scan(self, wanted: tuple[Needle, ...], *, wal: bool = True) -> list[Hit]:
        """Every place but the logs (the SQLite files and the instance folder, Redis,
        and on PostgreSQL the dump, the table files, the server log, the WAL)."""
        hits = byte_scan.scan_tree(self.root, wanted)
        hits += byte_scan.scan_redis(byte_scan.redis_all_databases(TEST_REDIS_URL), wanted)
        if self.pg is not None:
            hits += self.pg.scan_dump(wanted) + self.pg.scan_files(wanted)
            hits += self.pg.scan_server_log(wanted)
            if wal:
                hits += self.pg.scan_wal(wanted)
        return hits


@pytest.fixture(scope="module")
def prefix() -> Iterator[str]:
    """This module's Redis key prefix (its keys deleted afterwards)."""
    with redis_prefix_for_module() as found:
        yield found


@pytest.fixture(scope="module")
def pg_app(tmp_path_factory: pytest.TempPathFactory, prefix: str) -> Iterator[Flask]:
    """The app on a PostgreSQL demo database of its own (each test on a copy)."""
    with postgres_case_app(tmp_path_factory.mktemp("sspf-pg"), prefix) as found:
        yield found


@pytest.fixture(params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path: Path, demo_template: DemoTemplate, prefix: str
) -> Iterator[Site]:
    """The app with Redis, on the app's real SQLite file or on PostgreSQL."""
    root = tmp_path / "site"
    if request.param == "sqlite":
        yield Site(sqlite_case_app(demo_template, root, prefix), root, prefix, None)
        return
    flask_app: Flask = request.getfixturevalue("pg_app")
    throttle = app_state(flask_app).login_throttle  # on Redis; private_postgres resets it
    with private_postgres(flask_app), own_instance(flask_app, root / "instance"):
        app_state(flask_app).login_throttle = throttle
        places = PostgresPlaces(app_state(flask_app).engine, None)
        ok, why = byte_scan.readable(places.wal_files())
        if not ok:
            require(False, f"PostgreSQL's WAL cannot be read here: {why}")
        yield Site(flask_app, root, prefix, places)


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every logger at DEBUG for the whole test."""
    caplog.set_level(logging.DEBUG)
    return caplog


@dataclass
class Recorded:
    """A case recorded through the pages, and what the scans look for."""

    ref: str
    markers: Markers
    case_ciphers: tuple[Needle, ...]
    """The case's ciphertexts in the database and its encrypted form on disk."""
    coordinator: FlaskClient
    party: FlaskClient


def _record(site: Site, logs: pytest.LogCaptureFixture, *, valid_days: int) -> Recorded:
    """Record a case with a marker in every field through the pages, read it, and run
    every positive control (the scans must find what they look for)."""
    app = site.app
    m = new_markers(p.read_bytes().decode("latin-1") for p in byte_scan.tree_files(site.root))
    failed = app.test_client()  # a failed login: the throttle writes to Redis
    assert login(failed, COORDINATOR, "fel-lösenord-123").status_code != 302
    coordinator, party = logged_in(app, COORDINATOR), logged_in(app, SCHOOL)
    uploaded = upload_form(coordinator, m)
    upload_hits = byte_scan.scan_tree(site.instance / "uploads", m.needles())
    assert found_labels(upload_hits) == {"blankett"}, describe(upload_hits)  # control
    ref = new_consent(coordinator, app, m, valid_days=valid_days, uploaded=uploaded)
    left = byte_scan.scan_tree(site.instance / "uploads", m.needles())
    assert not left, f"the uploaded form stayed in the upload folder:\n{describe(left)}"
    fill_case(coordinator, party, app, ref, m)
    note = m.text("nätverksmöte")
    assert "registrerat" in network_meeting(coordinator, app, note)
    for client in (coordinator, party):
        page = case_page(client, app, ref)
        assert m.text("observation") in page and m.text("åtagandeplan") in page
        assert ref in case_list(client, app)
        pdf = client.get(f"/sspf/{ref}/atagandeplan.pdf")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    with app_state(app).sessions() as session:
        stored = as_needles(ciphertexts(session))
        network = as_needles(network_ciphertexts(session))
    assert len(stored) == 8 and len(network) == 1, (stored, network)
    form = as_needles(
        {f"chiffer fil {p.name}": p.read_bytes()[-48:] for p in _files(site.instance)}
    )
    assert len(form) == 1, form
    _positive_controls(site, logs, m, stored + form + network)
    return Recorded(ref, m, stored + form, coordinator, party)


def _files(instance: Path) -> list[Path]:
    folder = instance / "sspf-files"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def _positive_controls(
    site: Site, logs: pytest.LogCaptureFixture, m: Markers, ciphers: tuple[Needle, ...]
) -> None:
    """Before the tear-up: every ciphertext is found, a control marker in Redis and in
    the log is found, and no marker is anywhere in plain text (encryption at rest)."""
    redis = Redis.from_url(TEST_REDIS_URL)
    try:
        assert list(redis.scan_iter(match=f"{site.prefix}*")), "the app wrote nothing to Redis"
        redis.set(f"{site.prefix}:kontroll", f"kontroll {m.control}".encode(), ex=600)
    finally:
        redis.close()
    logging.getLogger(CONTROL_LOGGER).debug("kontroll %s", m.control)
    before = site.scan(m.needles() + ciphers + m.control_needles())
    missing = {n.label for n in ciphers + m.control_needles()} - found_labels(before)
    assert not missing, f"the scans did not find {sorted(missing)}: they would prove nothing"
    assert byte_scan.scan_bytes("log", byte_scan.log_bytes(logs.records), m.control_needles())
    plain = [h for h in before if h.needle in m.secret_values()]
    assert not plain, f"plain text at rest:\n{describe(plain)}"


def _assert_gone(site: Site, logs: pytest.LogCaptureFixture, case: Recorded, reason: str) -> None:
    """After the tear-up: no marker and no ciphertext of the case anywhere (WAL: no
    marker), the tombstone holds only counts, the audit log no marker."""
    m, wanted = case.markers, case.markers.needles() + case.case_ciphers
    after = site.scan(wanted, wal=False)
    assert not after, f"left after the tear-up:\n{describe(after)}"
    if site.pg is not None:
        in_wal = site.pg.scan_wal(m.needles())
        assert not in_wal, describe(in_wal)
    every_log = byte_scan.log_bytes(logs.records)
    assert not byte_scan.scan_bytes("log", every_log, m.needles()), describe(
        byte_scan.scan_bytes("log", every_log, m.needles())
    )
    app_log = byte_scan.log_bytes(app_records(logs.records))
    leaked = byte_scan.scan_bytes("app log", app_log, case.case_ciphers)
    assert not leaked, describe(leaked)
    with app_state(site.app).sessions() as session:
        tomb = session.scalars(select(SspfCase).where(SspfCase.ref == case.ref)).one()
        audit = audit_texts(session)
    assert (tomb.status, tomb.purge_reason) == ("purged", reason)
    counts = json.loads(tomb.removed_counts or "{}")
    assert counts["identitet"] == 1 and counts["vardnadshavare"] == 2, counts
    assert counts["observationer"] == 1 and counts["atagandeplan"] == 1, counts
    assert counts["blankett"] == 1 and counts["parter"] == 3, counts
    assert all(isinstance(v, int) for v in counts.values()), counts
    for value in m.secret_values().values():
        assert value not in audit
    assert case.ref in audit  # the audit log names the case by its reference


def test_withdrawn_on_the_page_leaves_nothing(site: Site, logs: pytest.LogCaptureFixture) -> None:
    case = _record(site, logs, valid_days=180)
    if site.pg is not None:
        site.pg.wait_until_quiet()
    done = tear_up(case.coordinator, site.app, case.ref, "withdrawn")
    assert "rivet" in done
    tomb = case_page(case.coordinator, site.app, case.ref)
    assert case.markers.text("barnets namn") not in tomb and case.ref in tomb
    assert NO_ACCESS in case_page(case.party, site.app, case.ref)
    receipt = case.coordinator.get(f"/sspf/{case.ref}/kvitto.pdf")
    assert receipt.status_code == 200 and receipt.data.startswith(b"%PDF")
    assert not byte_scan.scan_bytes("kvitto", receipt.data, case.markers.needles())
    _assert_gone(site, logs, case, "withdrawn")


def test_daily_job_tears_up_an_expired_consent(site: Site, logs: pytest.LogCaptureFixture) -> None:
    case = _record(site, logs, valid_days=VALID_DAYS)
    if site.pg is not None:
        site.pg.wait_until_quiet()
    saved = site.app.config["SSP_CLOCK"]
    site.app.config["SSP_CLOCK"] = FixedClock.on(TEST_TODAY + timedelta(days=VALID_DAYS + 1))
    try:
        result = site.app.test_cli_runner().invoke(args=["ssp", "sweep-consents"])
    finally:
        site.app.config["SSP_CLOCK"] = saved
    assert result.exit_code == 0, result.output
    assert case.ref in result.output
    assert not byte_scan.scan_bytes("cli", result.output.encode(), case.markers.needles())
    _assert_gone(site, logs, case, "expired")


def test_first_access_after_expiry_tears_up(site: Site, logs: pytest.LogCaptureFixture) -> None:
    case = _record(site, logs, valid_days=VALID_DAYS)
    if site.pg is not None:
        site.pg.wait_until_quiet()
    saved = site.app.config["SSP_CLOCK"]
    site.app.config["SSP_CLOCK"] = FixedClock.on(TEST_TODAY + timedelta(days=VALID_DAYS + 1))
    try:
        seen = case_page(case.party, site.app, case.ref)
    finally:
        site.app.config["SSP_CLOCK"] = saved
    assert EXPIRED in seen, seen
    assert case.markers.text("observation") not in seen
    _assert_gone(site, logs, case, "expired")


def test_a_checkpoint_blocked_by_a_reader_is_done_by_the_nightly_job(
    demo_template: DemoTemplate, tmp_path: Path, prefix: str, logs: pytest.LogCaptureFixture
) -> None:
    """SQLite: a reader holding a snapshot blocks the tear-up's WAL checkpoint, so the
    deleted rows' old pages stay in ``-wal``; docs/sspf.md says the next tear-up or the
    nightly job checkpoints again — the nightly job with nothing expiring must too."""
    root = tmp_path / "site"
    site = Site(sqlite_case_app(demo_template, root, prefix), root, prefix, None)
    case = _record(site, logs, valid_days=180)
    reader = sqlite3.connect(root / "ssp.sqlite")
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM sspf_child").fetchone() == (1,)
        assert "rivet" in tear_up(case.coordinator, site.app, case.ref, "withdrawn")
    finally:
        reader.close()
    assert any("blockerades" in r.getMessage() for r in logs.records), "the reader did not block"
    result = site.app.test_cli_runner().invoke(args=["ssp", "sweep-consents"])
    assert result.exit_code == 0, result.output
    _assert_gone(site, logs, case, "withdrawn")
