"""Shared set-up of the SSPF case-layer tests: synthetic accounts, a consent, markers.

Every name here is synthetic ("Testbarn …", "Testvårdnadshavare …"). The markers are
unique strings planted in each personal field so a scan can prove where they are —
and are not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

import data.access.users
from data.access.audit import Actor
from data.access.users import create_user
from data.consent.crypto import CaseCipher, load_cipher
from data.consent.ledger import ConsentInput, PartyInput, open_case
from data.storage.models import User
from tests.clock import TEST_TODAY

TODAY = TEST_TODAY
KOMMUN = "0380"
OTHER_KOMMUN = "0381"
PASSWORD = "sspf-test-lösenord-1"

MARK_NAME = "Testbarn Markörnamn-QX71"
MARK_BIRTH = date(2013, 2, 17)
MARK_BIRTH_TEXT = MARK_BIRTH.isoformat()
MARK_BACKGROUND = "Bakgrundsmarkör-ZK42 oro sedan hösten"
MARK_GUARDIAN = "Testvårdnadshavare Markör-VH93"
MARK_LABEL = "Morbror Markör-LB55"
MARK_OBSERVATION = "Observationsmarkör-OB17 sågs med äldre"
MARK_NOTES = "Mötesmarkör-MN28 familjen deltog"
MARK_PLAN = "Planmarkör-PL64 läxhjälp två gånger i veckan"
MARK_FORM = b"%PDF-1.4 Blankettmarkor-FM39"
MARKERS = (
    MARK_NAME,
    MARK_BIRTH_TEXT,
    MARK_BACKGROUND,
    MARK_GUARDIAN,
    MARK_LABEL,
    MARK_OBSERVATION,
    MARK_NOTES,
    MARK_PLAN,
)
"""Every planted text (the form's marker is bytes: :data:`MARK_FORM`)."""


@dataclass(frozen=True)
class People:
    """The accounts of a case-layer test (ids)."""

    coordinator: int
    other_coordinator: int
    foreign_coordinator: int
    admin: int
    leadership: int
    skola: int
    polis: int
    fritid: int


def fast_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters for this test's accounts (eight per test, two backends;
    the case layer never looks at the hashes)."""
    monkeypatch.setattr(
        data.access.users, "_HASHER", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


def make_people(session: Session) -> People:
    """The test's accounts: the case's coordinator, another of the same kommun, one of
    another kommun, an admin, leadership, a school reporter and a police area
    coordinator (named parties) and a fritid reporter (never named)."""

    def user(name: str, role: str, kommun: str | None, source: str | None = None) -> int:
        return create_user(
            session, name, PASSWORD, role=role, kommun_code=kommun, source_code=source
        ).id

    return People(
        coordinator=user("samordnare", "coordinator", KOMMUN),
        other_coordinator=user("samordnare2", "coordinator", KOMMUN),
        foreign_coordinator=user("samordnare-annan", "coordinator", OTHER_KOMMUN),
        admin=user("admin", "admin", None),
        leadership=user("ledning", "leadership", KOMMUN),
        skola=user("skolan", "reporter", KOMMUN, "skola"),
        polis=user("polisen", "police_area", KOMMUN, "polis"),
        fritid=user("fritiden", "reporter", KOMMUN, "fritid"),
    )


def actor_of(session: Session, user_id: int) -> Actor:
    """The audit actor of an account."""
    user = session.get(User, user_id)
    assert user is not None
    return Actor(user.id, user.username, "127.0.0.1")


def consent_input(people: People, **changes: object) -> ConsentInput:
    """A valid consent with every personal field holding its marker; ``changes``
    replace fields."""
    data = ConsentInput(
        kommun_code=KOMMUN,
        child_name=MARK_NAME,
        birth_date=MARK_BIRTH,
        background=MARK_BACKGROUND,
        guardians=(MARK_GUARDIAN, "Testvårdnadshavare Två"),
        signed_on=TODAY - timedelta(days=2),
        valid_until=TODAY + timedelta(days=180),
        parties=(
            PartyInput("skola", people.skola, "Klassföreståndare"),
            PartyInput("polis", people.polis, ""),
            PartyInput("annan", None, MARK_LABEL),
        ),
    )
    return replace(data, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Layer:
    """What every case function needs besides the session."""

    cipher: CaseCipher
    instance: Path


def make_layer(tmp_path: Path) -> Layer:
    """A cipher with a fresh key file and an instance folder under ``tmp_path``."""
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    return Layer(load_cipher("", instance), instance)


def open_test_case(session: Session, people: People, layer: Layer, **changes: object) -> str:
    """Open a case as the coordinator (markers everywhere); its ref."""
    case = open_case(
        session,
        people.coordinator,
        consent_input(people, **changes),
        TODAY,
        actor_of(session, people.coordinator),
        cipher=layer.cipher,
        instance_folder=layer.instance,
    )
    return case.ref
