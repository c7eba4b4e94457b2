"""Races and edges of the SSPF tear-up (issue 18 review): two sessions tearing up one
case, and an outsider opening an expired-but-not-yet-swept reference."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from data.access.audit import Actor
from data.access.scope import AccessDenied
from data.consent.access import load_case, tear_up_now
from data.consent.crypto import CaseCipher, load_cipher
from data.consent.files import DISPOSAL_LOG
from data.consent.reminders import reminders
from data.consent.teardown import NO_ACCESS
from data.consent.vocabulary import EXPIRED
from data.storage.consent_models import SspfCase, SspfConsent, SspfConsentEvent, SspfDisposal
from data.storage.db import make_session_factory, unit_of_work
from data.storage.models import AuditEvent
from tests.clock import TEST_TODAY
from tests.sspf_plant import PlantedCase, plant_case, user


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    instance = tmp_path / "instance"
    instance.mkdir()
    return instance


@pytest.fixture
def cipher(folder: Path) -> CaseCipher:
    return load_cipher("", folder)


def _plant(engine: Engine, cipher: CaseCipher, folder: Path, days_valid: int) -> PlantedCase:
    with unit_of_work(make_session_factory(engine)) as session:
        return plant_case(
            session,
            cipher,
            folder,
            coordinator=user(session, "samordnare"),
            signed_on=TEST_TODAY - timedelta(days=20),
            valid_until=TEST_TODAY + timedelta(days=days_valid),
        )


def test_two_sessions_tearing_up_one_case_count_once(
    engine: Engine, folder: Path, cipher: CaseCipher
) -> None:
    planted = _plant(engine, cipher, folder, 30)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        coordinator_id = user(session, "samordnare").id
    actor = Actor(coordinator_id, "samordnare", "coordinator")
    first, second = factory(), factory()
    try:
        loaded = [
            load_case(
                s,
                coordinator_id,
                planted.ref,
                TEST_TODAY,
                actor,
                cipher=cipher,
                instance_folder=folder,
            )[0]
            for s in (first, second)
        ]
        receipts = [
            tear_up_now(s, case, reason, TEST_TODAY, actor, cipher=cipher, instance_folder=folder)
            for s, case, reason in zip((first, second), loaded, ("withdrawn", "ended"), strict=True)
        ]
    finally:
        first.close()
        second.close()
    counts = dict(receipts[0].removed)
    assert counts["signaler"] > 0
    assert counts["blankett"] == 1
    assert receipts[1] == receipts[0]
    with unit_of_work(factory) as session:
        case = session.get(SspfCase, planted.case_id)
        assert case is not None
        assert case.purge_reason == "withdrawn"
        assert json.loads(case.removed_counts or "{}") == counts
        assert session.scalar(select(func.count()).select_from(SspfDisposal)) == 1
        events = session.scalars(select(SspfConsentEvent.status)).all()
        assert events.count("withdrawn") == 1
        assert "ended" not in events
        consent = session.scalar(select(SspfConsent).where(SspfConsent.case_id == case.id))
        assert consent is not None
        assert consent.status == "withdrawn"
    assert len((folder / DISPOSAL_LOG).read_text(encoding="utf-8").splitlines()) == 1


def test_an_outsider_naming_an_expired_ref_triggers_no_tear_up(
    engine: Engine, folder: Path, cipher: CaseCipher
) -> None:
    planted = _plant(engine, cipher, folder, -1)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        outsider = user(session, "annan-samordnare").id
        coordinator_id = user(session, "samordnare").id
    with unit_of_work(factory) as session, pytest.raises(AccessDenied) as refused:
        load_case(
            session,
            outsider,
            planted.ref,
            TEST_TODAY,
            Actor(outsider, "annan-samordnare", "coordinator"),
            cipher=cipher,
            instance_folder=folder,
        )
    assert str(refused.value) == NO_ACCESS
    with unit_of_work(factory) as session:
        case = session.get(SspfCase, planted.case_id)
        assert case is not None
        assert case.status == "active"
        assert session.scalar(select(func.count()).select_from(SspfDisposal)) == 0
        purged = select(func.count()).where(AuditEvent.action == "sspf.case_purged")
        assert session.scalar(purged) == 0
        expired = [(r.kind, r.label) for r in reminders(session, coordinator_id, TEST_TODAY)]
    # Not presented as active: no follow-up of its plan, only "the consent has expired".
    assert len(expired) == 1
    assert expired[0][0] == "samtycke"
    assert expired[0][1].startswith("Samtycket har gått ut")
    with unit_of_work(factory) as session, pytest.raises(AccessDenied) as told:
        load_case(
            session,
            coordinator_id,
            planted.ref,
            TEST_TODAY,
            Actor(coordinator_id, "samordnare", "coordinator"),
            cipher=cipher,
            instance_folder=folder,
        )
    assert str(told.value) == EXPIRED
    with unit_of_work(factory) as session:
        case = session.get(SspfCase, planted.case_id)
        assert case is not None
        assert case.status == "purged"
        assert session.scalar(purged) == 1
