"""The SSPF case layer's commands: sweep-consents, reapply-disposals, rotate-case-key,
sspf-gallring, and init-db / demo as far as they touch the layer."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from sqlalchemy import func, select

from dashboard import create_app
from dashboard.config import load_config
from dashboard.state import app_state
from data.access.audit import Actor
from data.clock import FixedClock
from data.consent.cases import list_cases
from data.consent.crypto import CaseCipher, CaseKeyError
from data.consent.files import FILES_FOLDER
from data.consent.reminders import reminders
from data.consent.teardown import tear_up
from data.storage.consent_models import (
    SspfCase,
    SspfChild,
    SspfConsent,
    SspfDisposal,
    SspfNetworkMeeting,
    SspfObservation,
)
from data.storage.db import unit_of_work
from data.storage.models import AuditEvent, User
from tests.clock import TEST_TODAY
from tests.sspf_plant import PlantedCase, content_rows, plant_case, user

OLD_KEY = Fernet.generate_key().decode("ascii")
NEW_KEY = Fernet.generate_key().decode("ascii")
TOKENS_PER_CASE = 10
"""Encrypted values of a planted case: child 3, guardians 1, party label 1,
observations 2, meeting 1, plan items 2."""


@pytest.fixture
def sspf_app(tmp_path: Path) -> Flask:
    app = create_app(
        {
            "SSP_INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}",
            "SECRET_KEY": "k" * 32,
            "SSP_CASE_KEYS": OLD_KEY,
        }
    )
    result = app.test_cli_runner().invoke(args=["ssp", "init-db"])
    assert result.exit_code == 0, result.output
    return app


def _cipher(*keys: str) -> CaseCipher:
    return CaseCipher(tuple(key.encode("ascii") for key in keys))


def _plant(app: Flask, days_valid: int) -> PlantedCase:
    with unit_of_work(app_state(app).sessions) as session:
        return plant_case(
            session,
            _cipher(OLD_KEY),
            Path(app.instance_path),
            coordinator=user(session, "samordnare"),
            signed_on=TEST_TODAY - timedelta(days=10),
            valid_until=TEST_TODAY + timedelta(days=days_valid),
        )


def test_sweep_consents_tears_up_expired_consents_and_names_refs_only(sspf_app: Flask) -> None:
    soon = _plant(sspf_app, 3)
    later = _plant(sspf_app, 60)
    runner = sspf_app.test_cli_runner()
    day = (TEST_TODAY + timedelta(days=4)).isoformat()
    sspf_app.config["SSP_CLOCK"] = FixedClock.on(TEST_TODAY + timedelta(days=4))
    result = runner.invoke(args=["ssp", "sweep-consents"])
    assert result.exit_code == 0, result.output
    assert f"rivna {day}: 1 ({soon.ref})" in result.output
    assert later.ref not in result.output
    assert not [m for m in soon.markers + later.markers if m in result.output]
    with app_state(sspf_app).sessions() as session:
        assert set(content_rows(session, soon.case_id).values()) == {0}
        assert sum(content_rows(session, later.case_id).values()) == 9
        audit = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "sspf.case_purged")
        ).one()
        assert (audit.target, audit.actor_name.startswith("cli:")) == (soon.ref, True)
    again = runner.invoke(args=["ssp", "sweep-consents", "--today", day])
    assert "rivna" in again.output and ": 0" in again.output


def _restore_rows(app: Flask, planted: PlantedCase) -> None:
    """As a restored backup would: the torn-up case holds content again."""
    cipher = _cipher(OLD_KEY)
    with unit_of_work(app_state(app).sessions) as session:
        session.add(
            SspfChild(
                case_id=planted.case_id,
                name_enc=cipher.encrypt("Testbarn återställd"),
                birth_date_enc=cipher.encrypt("2012-05-01"),
            )
        )
        session.add(
            SspfObservation(
                case_id=planted.case_id,
                party="skola",
                observed_on=TEST_TODAY,
                text_enc=cipher.encrypt("återställd"),
            )
        )


def _tear(app: Flask, planted: PlantedCase) -> None:
    with unit_of_work(app_state(app).sessions) as session:
        case = session.get(SspfCase, planted.case_id)
        assert case is not None
        tear_up(
            session,
            case,
            "ended",
            TEST_TODAY,
            Actor(None, "cli:test", "cli"),
            instance_folder=Path(app.instance_path),
            decision="KS 2026/41 § 7",
        )


@pytest.mark.parametrize("command", ["reapply-disposals", "init-db"])
def test_reapply_and_init_db_purge_a_restored_case_again(sspf_app: Flask, command: str) -> None:
    planted = _plant(sspf_app, 30)
    _tear(sspf_app, planted)
    _restore_rows(sspf_app, planted)
    with app_state(sspf_app).sessions() as session:
        assert content_rows(session, planted.case_id)["sspf_child"] == 1, "positive control"
    result = sspf_app.test_cli_runner().invoke(args=["ssp", command])
    assert result.exit_code == 0, result.output
    assert "1 " in result.output and "gallrade på nytt" in result.output
    with app_state(sspf_app).sessions() as session:
        assert set(content_rows(session, planted.case_id).values()) == {0}
        assert session.scalar(select(func.count()).select_from(SspfDisposal)) == 2
    quiet = sspf_app.test_cli_runner().invoke(args=["ssp", "reapply-disposals"])
    assert "0 ärenden" in quiet.output


def test_rotate_case_key_re_encrypts_every_value_and_form(sspf_app: Flask) -> None:
    planted = [_plant(sspf_app, 30), _plant(sspf_app, 30)]
    sspf_app.config["SSP_CASE_KEYS"] = f"{NEW_KEY},{OLD_KEY}"
    result = sspf_app.test_cli_runner().invoke(args=["ssp", "rotate-case-key"])
    assert result.exit_code == 0, result.output
    assert f"{2 * TOKENS_PER_CASE} värden och 2 blanketter" in result.output
    new_only, old_only = _cipher(NEW_KEY), _cipher(OLD_KEY)
    with app_state(sspf_app).sessions() as session:
        child = session.get(SspfChild, planted[0].case_id)
        consent = session.scalars(
            select(SspfConsent).where(SspfConsent.case_id == planted[0].case_id)
        ).one()
        assert child is not None
        assert new_only.decrypt(child.name_enc) == f"Testbarn {planted[0].markers[0]}"
        with pytest.raises(CaseKeyError):
            old_only.decrypt(child.name_enc)
        assert len(new_only.decrypt_list(consent.guardians_enc)) == 2
        form = Path(sspf_app.instance_path) / FILES_FOLDER / str(consent.form_file)
        assert new_only.decrypt_bytes(form.read_bytes()).startswith(b"%PDF")
        assert form.stat().st_mode & 0o077 == 0
        assert (
            session.scalars(
                select(AuditEvent.details).where(AuditEvent.action == "sspf.key_rotated")
            ).one()
            == '{"files": 2, "values": 20}'
        )


def test_rotate_case_key_refuses_a_value_no_key_opens(sspf_app: Flask) -> None:
    _plant(sspf_app, 30)
    sspf_app.config["SSP_CASE_KEYS"] = NEW_KEY  # the old key dropped too early
    result = sspf_app.test_cli_runner().invoke(args=["ssp", "rotate-case-key"])
    assert result.exit_code != 0
    assert "Inget ändrades" in result.output


def test_sspf_gallring_names_the_decision_used_by_the_next_tear_up(sspf_app: Flask) -> None:
    runner = sspf_app.test_cli_runner()
    result = runner.invoke(
        args=["ssp", "sspf-gallring", "--kommun", "0380", "--beslut", "KS 2026/41 § 7"]
    )
    assert result.exit_code == 0, result.output
    assert "KS 2026/41 § 7" in result.output
    planted = _plant(sspf_app, 1)
    sspf_app.config["SSP_CLOCK"] = FixedClock.on(TEST_TODAY + timedelta(days=2))
    assert runner.invoke(args=["ssp", "sweep-consents"]).exit_code == 0
    with app_state(sspf_app).sessions() as session:
        disposal = session.scalars(select(SspfDisposal)).one()
        assert (disposal.case_ref, disposal.decision) == (planted.ref, "KS 2026/41 § 7")
    bad = runner.invoke(args=["ssp", "sspf-gallring", "--kommun", "uppsala", "--beslut", "x"])
    assert bad.exit_code != 0 and "fyra siffror" in bad.output


def test_demo_builds_the_synthetic_cases(sspf_app: Flask) -> None:
    result = sspf_app.test_cli_runner().invoke(
        args=["ssp", "demo", "--force", "--days", "14", "--end-date", TEST_TODAY.isoformat()]
    )
    assert result.exit_code == 0, result.output
    assert "fritid" in result.output
    cipher = _cipher(OLD_KEY)
    with app_state(sspf_app).sessions() as session:
        names = sorted(
            cipher.decrypt(token) for token in session.scalars(select(SspfChild.name_enc))
        )
        assert names == [
            "Demobarn Alva (syntetisk)",
            "Demobarn Elias (syntetisk)",
            "Demobarn Noor (syntetisk)",
        ]
        valid = sorted(session.scalars(select(SspfConsent.valid_until)))
        assert valid[0] == TEST_TODAY + timedelta(days=3), "one consent about to expire"


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("SSP_CASE_KEYS", "inte-en-nyckel", "SSP_CASE_KEYS"),
        ("SSP_CASE_KEYS", f"{NEW_KEY},kort", "SSP_CASE_KEYS"),
    ],
)
def test_config_refuses_malformed_case_settings(
    tmp_path: Path, setting: str, value: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        load_config({"SSP_INSTANCE_PATH": str(tmp_path)}, environ={setting: value})


def test_config_defaults_for_the_case_layer(tmp_path: Path) -> None:
    config = load_config({"SSP_INSTANCE_PATH": str(tmp_path)}, environ={})
    assert config["SSP_CASE_KEYS"] == ""
    assert "SSP_SSPF_GALLRING" not in config, "the decision is a per-kommun setting only"
    keys = load_config(
        {"SSP_INSTANCE_PATH": str(tmp_path)}, environ={"SSP_CASE_KEYS": f" {NEW_KEY} , {OLD_KEY}"}
    )
    assert keys["SSP_CASE_KEYS"] == f"{NEW_KEY},{OLD_KEY}"


def test_demo_cases_name_rapportor_and_polis_on_two_cases_and_fritid_on_none(
    sspf_app: Flask,
) -> None:
    end = TEST_TODAY.isoformat()
    result = sspf_app.test_cli_runner().invoke(
        args=["ssp", "demo", "--force", "--days", "14", "--end-date", end]
    )
    assert result.exit_code == 0, result.output
    state = app_state(sspf_app)
    folder = Path(sspf_app.instance_path)
    seen: dict[str, int] = {}
    with unit_of_work(state.sessions) as session:
        ids = {u.username: u.id for u in session.scalars(select(User))}
        for name in ("samordnare", "rapportor", "polis", "fritid"):
            actor = Actor(ids[name], name, "test")
            listed = list_cases(
                session,
                ids[name],
                TEST_TODAY,
                actor,
                cipher=_cipher(OLD_KEY),
                instance_folder=folder,
            )
            seen[name] = len(listed)
        due = {(r.kind, r.on) for r in reminders(session, ids["samordnare"], TEST_TODAY)}
        network = session.scalar(select(func.count()).select_from(SspfNetworkMeeting))
    assert seen == {"samordnare": 3, "rapportor": 2, "polis": 2, "fritid": 0}
    kinds_on = {on - TEST_TODAY for _kind, on in due}
    assert {timedelta(days=2), timedelta(days=3)} <= kinds_on, due
    assert network == 1
