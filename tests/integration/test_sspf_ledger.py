"""The consent ledger (issue 18): no case without an active consent, encryption at rest,
ending and expiry tear the consent up, nätverksmöte when consent is declined.

Runs on SQLite and PostgreSQL (the ``engine`` fixture). Every name is synthetic.
"""

from __future__ import annotations

import json
import os
import stat
import unicodedata
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from data.access.scope import AccessDenied
from data.consent.cases import CaseView, add_observation, list_cases, read_case
from data.consent.ledger import (
    ConsentError,
    PartyInput,
    end_consent,
    extend_consent,
    network_meetings,
    open_case,
    record_network_meeting,
)
from data.consent.teardown import TearUpReceipt
from data.consent.vocabulary import ENDED, EXPIRED, FILES_FOLDER, NO_ACCESS
from data.storage.consent_models import (
    SspfCase,
    SspfChild,
    SspfConsent,
    SspfConsentEvent,
    SspfDisposal,
    SspfNetworkMeeting,
    SspfParty,
)
from data.storage.db import make_session_factory, unit_of_work
from data.storage.models import AuditEvent, User
from tests.corpus import pii_corpus
from tests.hostile_names import HOSTILE_NAMES
from tests.sspf_support import (
    MARK_BACKGROUND,
    MARK_BIRTH,
    MARK_FORM,
    MARK_GUARDIAN,
    MARK_LABEL,
    MARK_NAME,
    MARKERS,
    TODAY,
    Layer,
    People,
    actor_of,
    consent_input,
    fast_password_hashes,
    make_layer,
    make_people,
    open_test_case,
)

UNICODE_TEXT = "\U0001f469\u200d\U0001f467 Åsa-Örjan \u202ertl\u202c é \ufdfd \U0001d518"
"""Emoji with a joiner, Swedish letters, bidi controls (format, not control,
characters), a ligature and an astral letter."""


@dataclass(frozen=True)
class World:
    engine: Engine
    sessions: sessionmaker[Session]
    people: People
    layer: Layer


@pytest.fixture
def world(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    fast_password_hashes(monkeypatch)
    sessions = make_session_factory(engine)
    with unit_of_work(sessions) as session:
        people = make_people(session)
    return World(engine, sessions, people, make_layer(tmp_path))


def _open(world: World, **changes: object) -> str:
    with unit_of_work(world.sessions) as session:
        return open_test_case(session, world.people, world.layer, **changes)


def _case_count(world: World) -> int:
    with unit_of_work(world.sessions) as session:
        return int(session.scalar(select(func.count(SspfCase.id))) or 0)


def _read(world: World, user_id: int, ref: str, today: date = TODAY) -> CaseView:
    with unit_of_work(world.sessions) as session:
        return read_case(
            session,
            user_id,
            ref,
            today,
            actor_of(session, user_id),
            cipher=world.layer.cipher,
            instance_folder=world.layer.instance,
        )


def test_a_case_opens_with_its_active_consent_and_reads_back_exactly(world: World) -> None:
    ref = _open(world)
    view = _read(world, world.people.coordinator, ref)
    assert ref.startswith("SSPF-")
    assert len(ref) == 11
    assert (view.child_name, view.birth_date, view.background) == (
        MARK_NAME,
        MARK_BIRTH,
        MARK_BACKGROUND,
    )
    assert view.guardians == (MARK_GUARDIAN, "Testvårdnadshavare Två")
    assert view.consent_status == "active"
    assert view.valid_until == TODAY + timedelta(days=180)
    assert [(p.organisation, p.user_id, p.label) for p in view.parties] == [
        ("skola", world.people.skola, "Klassföreståndare"),
        ("polis", world.people.polis, ""),
        ("annan", None, MARK_LABEL),
    ]
    assert view.coordinator_name == "samordnare"
    with unit_of_work(world.sessions) as session:
        events = session.execute(select(SspfConsentEvent.status, SspfConsentEvent.recorded_by))
        assert [tuple(e) for e in events] == [("active", world.people.coordinator)]
        consent = session.scalars(select(SspfConsent)).one()
        assert consent.recorded_by == world.people.coordinator


BAD_FIELDS = [
    ("child_name", {"child_name": "   "}),
    ("child_name", {"child_name": "Testbarn\tTabb"}),
    ("child_name", {"child_name": "T" * 121}),
    ("birth_date", {"birth_date": TODAY + timedelta(days=1)}),
    ("background", {"background": "x" * 2001}),
    ("background", {"background": "rad\x00noll"}),
    ("guardians", {"guardians": ()}),
    ("guardians", {"guardians": (" ", "")}),
    ("guardians", {"guardians": tuple(f"Testvårdnadshavare {i}" for i in range(5))}),
    ("signed_on", {"signed_on": TODAY + timedelta(days=1)}),
    ("valid_until", {"valid_until": TODAY - timedelta(days=2)}),
    ("valid_until", {"valid_until": TODAY}),
    (
        "valid_until",
        {"signed_on": TODAY - timedelta(days=5), "valid_until": TODAY + timedelta(days=3 * 366)},
    ),
    ("parties", {"parties": ()}),
    ("parties.0", {"parties": (PartyInput("klubben", None, "Klubb"),)}),
    ("parties.0", {"parties": (PartyInput("annan", None, ""),)}),
]


@pytest.mark.parametrize(("field", "changes"), BAD_FIELDS)
def test_an_invalid_consent_names_its_field_and_stores_nothing(
    world: World, field: str, changes: dict[str, object]
) -> None:
    with pytest.raises(ConsentError) as raised, unit_of_work(world.sessions) as session:
        open_test_case(session, world.people, world.layer, **changes)
    assert field in raised.value.errors
    assert raised.value.errors[field]
    for marker in MARKERS:
        assert marker not in str(raised.value)
    assert _case_count(world) == 0


def test_several_invalid_fields_are_reported_together(world: World) -> None:
    with pytest.raises(ConsentError) as raised, unit_of_work(world.sessions) as session:
        open_test_case(session, world.people, world.layer, child_name="", guardians=(), parties=())
    assert set(raised.value.errors) == {"child_name", "guardians", "parties"}
    assert "Minst en vårdnadshavare måste ha skrivit under." in str(raised.value)


@pytest.mark.parametrize("who", ["other_kommun", "leadership", "deactivated", "admin"])
def test_a_named_party_must_be_an_active_account_of_the_kommun(world: World, who: str) -> None:
    people = world.people
    party_user = {
        "other_kommun": people.foreign_coordinator,
        "leadership": people.leadership,
        "deactivated": people.fritid,
        "admin": people.admin,
    }[who]
    if who == "deactivated":
        with unit_of_work(world.sessions) as session:
            user = session.get(User, people.fritid)
            assert user is not None
            user.active = False
    with pytest.raises(ConsentError) as raised, unit_of_work(world.sessions) as session:
        open_test_case(
            session, people, world.layer, parties=(PartyInput("fritid", party_user, ""),)
        )
    assert "parties.0" in raised.value.errors
    assert _case_count(world) == 0


@pytest.mark.parametrize(
    "who", ["other_coordinator_kommun", "reporter", "police", "leadership", "admin"]
)
def test_only_a_coordinator_of_the_kommun_opens_a_case(world: World, who: str) -> None:
    people = world.people
    user_id = {
        "other_coordinator_kommun": people.foreign_coordinator,
        "reporter": people.skola,
        "police": people.polis,
        "leadership": people.leadership,
        "admin": people.admin,
    }[who]
    with pytest.raises(AccessDenied), unit_of_work(world.sessions) as session:
        open_case(
            session,
            user_id,
            consent_input(people),
            TODAY,
            actor_of(session, user_id),
            cipher=world.layer.cipher,
            instance_folder=world.layer.instance,
        )
    assert _case_count(world) == 0


def test_encrypted_columns_and_the_form_file_hold_no_plaintext(world: World) -> None:
    ref = _open(world, form=MARK_FORM, form_name="samtycke.pdf")
    with world.engine.connect() as connection:
        rows = [
            *connection.execute(
                text("SELECT name_enc, birth_date_enc, background_enc FROM sspf_child")
            ),
            *connection.execute(text("SELECT guardians_enc, form_file FROM sspf_consent")),
            *connection.execute(text("SELECT label_enc FROM sspf_party")),
        ]
    stored = [
        bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode()
        for r in rows
        for v in r
        if v is not None
    ]
    assert len(stored) >= 7
    for value in stored:
        for marker in (*MARKERS, "Markör", "Markor"):
            assert marker.encode("utf-8") not in value
    # Positive control: the same values open to the markers with the key.
    cipher = world.layer.cipher
    assert cipher.decrypt(stored[0]) == MARK_NAME
    files = list((world.layer.instance / FILES_FOLDER).iterdir())
    assert len(files) == 1
    assert stat.S_IMODE(os.stat(files[0]).st_mode) == 0o600
    assert b"Blankettmarkor" not in files[0].read_bytes()
    assert cipher.decrypt_bytes(files[0].read_bytes()) == MARK_FORM
    assert ref


def _refused(value: str, *, line_breaks: bool) -> bool:
    cleaned = value.replace("\r\n", "\n").strip() if line_breaks else value.strip()
    return any(unicodedata.category(c) == "Cc" and not (line_breaks and c == "\n") for c in cleaned)


def test_hostile_and_personal_texts_round_trip_exactly_or_are_refused(world: World) -> None:
    """Names and texts are allowed here (no PII guard): identity numbers, markup and
    formulas come back exactly as written (trimmed); control characters but the line
    break are refused, naming the field and never echoing the text."""
    ref = _open(world)
    texts = list(
        dict.fromkeys([*HOSTILE_NAMES, *(t for t, _kind in pii_corpus()[:40]), UNICODE_TEXT])
    )
    expected: list[str] = []
    for value in texts:
        refused = _refused(value, line_breaks=True)
        expect = pytest.raises(ConsentError) if refused else nullcontext()
        with expect as raised, unit_of_work(world.sessions) as session:
            add_observation(
                session,
                world.people.coordinator,
                ref,
                TODAY,
                actor_of(session, world.people.coordinator),
                party="skola",
                observed_on=TODAY,
                text=value,
                cipher=world.layer.cipher,
                instance_folder=world.layer.instance,
            )
        if raised is not None:
            assert set(raised.value.errors) == {"text"}
            assert value.strip() not in str(raised.value)
        else:
            expected.append(value.replace("\r\n", "\n").strip())
    view = _read(world, world.people.coordinator, ref)
    assert sorted(o.text for o in view.observations) == sorted(expected)
    assert len(expected) >= len(texts) - 3
    assert UNICODE_TEXT in expected


def test_hostile_child_names_round_trip(world: World) -> None:
    refs = {}
    for value in [*HOSTILE_NAMES, UNICODE_TEXT]:
        if _refused(value, line_breaks=False):
            with pytest.raises(ConsentError) as raised:
                _open(world, child_name=value)
            assert set(raised.value.errors) == {"child_name"}
        else:
            refs[value] = _open(world, child_name=value)
    assert len(refs) >= len(HOSTILE_NAMES) - 3
    for value, ref in refs.items():
        assert _read(world, world.people.coordinator, ref).child_name == value.strip()


def _end(
    world: World, user_id: int, ref: str, reason: str = "withdrawn", today: date = TODAY
) -> TearUpReceipt:
    with unit_of_work(world.sessions) as session:
        return end_consent(
            session,
            user_id,
            ref,
            reason,
            today,
            actor_of(session, user_id),
            cipher=world.layer.cipher,
            instance_folder=world.layer.instance,
        )


@pytest.mark.parametrize("reason", ["withdrawn", "ended"])
def test_ending_the_consent_tears_the_case_up(world: World, reason: str) -> None:
    ref = _open(world, form=MARK_FORM)
    receipt = _end(world, world.people.coordinator, ref, reason)
    assert receipt.ref == ref
    assert receipt.reason == reason
    assert dict(receipt.removed) == {
        "identitet": 1,
        "vardnadshavare": 2,
        "parter": 3,
        "signaler": 0,
        "observationer": 0,
        "moten": 0,
        "atagandeplan": 0,
        "blankett": 1,
    }
    with unit_of_work(world.sessions) as session:
        case = session.scalars(select(SspfCase)).one()
        assert (case.status, case.purge_reason, case.purged_on) == ("purged", reason, TODAY)
        assert session.scalar(select(func.count()).select_from(SspfChild)) == 0
        assert session.scalar(select(func.count()).select_from(SspfParty)) == 0
        consent = session.scalars(select(SspfConsent)).one()
        assert (consent.status, consent.guardians_enc, consent.form_file) == (reason, None, None)
        assert session.scalar(select(func.count()).select_from(SspfDisposal)) == 1
    assert list((world.layer.instance / FILES_FOLDER).iterdir()) == []
    with pytest.raises(AccessDenied, match=ENDED):
        _read(world, world.people.coordinator, ref)
    with pytest.raises(AccessDenied, match=NO_ACCESS):
        _read(world, world.people.skola, ref)


def test_only_the_coordinator_ends_a_consent(world: World) -> None:
    ref = _open(world)
    for user_id in (world.people.skola, world.people.other_coordinator, world.people.admin):
        with pytest.raises(AccessDenied):
            _end(world, user_id, ref)
    with pytest.raises(ConsentError):
        _end(world, world.people.coordinator, ref, "expired")
    assert _read(world, world.people.coordinator, ref).child_name == MARK_NAME


def test_no_write_after_the_consent_ended(world: World) -> None:
    ref = _open(world)
    _end(world, world.people.coordinator, ref)
    for user_id in (world.people.coordinator, world.people.skola):
        with pytest.raises(AccessDenied), unit_of_work(world.sessions) as session:
            add_observation(
                session,
                user_id,
                ref,
                TODAY,
                actor_of(session, user_id),
                party="skola",
                observed_on=TODAY,
                text="ny text",
                cipher=world.layer.cipher,
                instance_folder=world.layer.instance,
            )
    with pytest.raises(AccessDenied):
        _end(world, world.people.coordinator, ref)


def test_an_expired_consent_is_torn_up_on_first_access(world: World) -> None:
    ref = _open(world, valid_until=TODAY + timedelta(days=10))
    # The last valid day still opens the case.
    assert _read(world, world.people.skola, ref, TODAY + timedelta(days=10)).child_name
    later = TODAY + timedelta(days=11)
    with pytest.raises(AccessDenied, match=EXPIRED):
        _read(world, world.people.skola, ref, later)
    with unit_of_work(world.sessions) as session:
        case = session.scalars(select(SspfCase)).one()
        assert (case.status, case.purge_reason, case.purged_on) == ("purged", "expired", later)
        assert session.scalar(select(func.count()).select_from(SspfChild)) == 0
        consent = session.scalars(select(SspfConsent)).one()
        assert consent.status == "expired"
        events = session.scalars(select(SspfConsentEvent.status).order_by(SspfConsentEvent.id))
        assert list(events) == ["active", "expired"]
    with pytest.raises(AccessDenied, match=ENDED):
        _read(world, world.people.coordinator, ref, later)
    lines = (world.layer.instance / "sspf-disposals.jsonl").read_text().splitlines()
    assert [json.loads(line)["reason"] for line in lines] == ["expired"]


def test_an_unnamed_user_touching_an_expired_case_triggers_nothing_and_learns_nothing(
    world: World,
) -> None:
    """No tear-up with an outsider as actor (and no latency telling the ref exists):
    the nightly sweep or the case's own people tear it up."""
    ref = _open(world, valid_until=TODAY + timedelta(days=10))
    with pytest.raises(AccessDenied) as raised:
        _read(world, world.people.fritid, ref, TODAY + timedelta(days=11))
    assert str(raised.value) == NO_ACCESS
    with unit_of_work(world.sessions) as session:
        assert session.scalars(select(SspfCase.status)).one() == "active"


def test_listing_tears_up_expired_cases_and_leaves_them_out(world: World) -> None:
    short = _open(world, valid_until=TODAY + timedelta(days=5))
    long = _open(world)
    with unit_of_work(world.sessions) as session:
        listed = list_cases(
            session,
            world.people.coordinator,
            TODAY + timedelta(days=6),
            actor_of(session, world.people.coordinator),
            cipher=world.layer.cipher,
            instance_folder=world.layer.instance,
        )
    assert [s.ref for s in listed] == [long]
    with unit_of_work(world.sessions) as session:
        status = {r.ref: r.status for r in session.execute(select(SspfCase.ref, SspfCase.status))}
    assert status == {short: "purged", long: "active"}


def _extend(world: World, user_id: int, ref: str, days: int) -> None:
    with unit_of_work(world.sessions) as session:
        extend_consent(
            session,
            user_id,
            ref,
            TODAY + timedelta(days=days),
            TODAY,
            actor_of(session, user_id),
            cipher=world.layer.cipher,
            instance_folder=world.layer.instance,
        )


def test_the_coordinator_extends_a_consent_within_three_years(world: World) -> None:
    ref = _open(world, valid_until=TODAY + timedelta(days=3))
    _extend(world, world.people.coordinator, ref, 400)
    assert _read(world, world.people.coordinator, ref).valid_until == TODAY + timedelta(days=400)
    with pytest.raises(ConsentError) as raised:
        _extend(world, world.people.coordinator, ref, 3 * 366)
    assert set(raised.value.errors) == {"valid_until"}
    with pytest.raises(ConsentError):
        _extend(world, world.people.coordinator, ref, 0)
    with pytest.raises(AccessDenied):
        _extend(world, world.people.skola, ref, 500)
    assert _read(world, world.people.coordinator, ref).valid_until == TODAY + timedelta(days=400)


def _network(world: World, user_id: int, **changes: object) -> None:
    values: dict[str, object] = {
        "kommun_code": "0380",
        "declined_on": TODAY - timedelta(days=1),
        "held_on": TODAY + timedelta(days=7),
        "organisations": ("skola", "fritid"),
        "note": "Nätverksmarkör-NW11 vårdnadshavarna vill träffa skolan",
    }
    values |= changes
    with unit_of_work(world.sessions) as session:
        record_network_meeting(
            session,
            user_id,
            today=TODAY,
            actor=actor_of(session, user_id),
            cipher=world.layer.cipher,
            **values,  # type: ignore[arg-type]
        )


def test_a_declined_consent_leads_to_a_network_meeting_without_child_data(world: World) -> None:
    _network(world, world.people.coordinator)
    with unit_of_work(world.sessions) as session:
        meetings = network_meetings(session, world.people.coordinator, cipher=world.layer.cipher)
        assert [(m.organisations, m.note) for m in meetings] == [
            (("fritid", "skola"), "Nätverksmarkör-NW11 vårdnadshavarna vill träffa skolan")
        ]
        assert (
            network_meetings(session, world.people.other_coordinator, cipher=world.layer.cipher)
            == []
        )
        raw = session.scalars(select(SspfNetworkMeeting.note_enc)).one()
        assert raw is not None
        assert b"NW11" not in raw
        audit = [tuple(r) for r in session.execute(select(AuditEvent.action, AuditEvent.details))]
        assert [a for a, _d in audit] == ["sspf.network_meeting"]
        assert "NW11" not in audit[0][1]
    with pytest.raises(AccessDenied):
        _network(world, world.people.skola)
    with pytest.raises(AccessDenied):
        _network(world, world.people.foreign_coordinator)
    with pytest.raises(ConsentError) as raised:
        _network(
            world, world.people.coordinator, organisations=(), held_on=TODAY - timedelta(days=9)
        )
    assert set(raised.value.errors) == {"organisations", "held_on"}


def test_case_references_are_random_and_unique(world: World) -> None:
    refs = {_open(world) for _ in range(5)}
    assert len(refs) == 5
    assert all(MARK_NAME not in ref for ref in refs)


def test_names_are_trimmed_and_the_input_left_as_it_was(world: World) -> None:
    data = consent_input(world.people, child_name="  Testbarn Mellanslag  ")
    with unit_of_work(world.sessions) as session:
        ref = open_case(
            session,
            world.people.coordinator,
            data,
            TODAY,
            actor_of(session, world.people.coordinator),
            cipher=world.layer.cipher,
            instance_folder=world.layer.instance,
        ).ref
    assert data.child_name == "  Testbarn Mellanslag  "
    assert _read(world, world.people.coordinator, ref).child_name == "Testbarn Mellanslag"


@pytest.mark.parametrize(
    ("organisation", "who"),
    [("skola", "polis"), ("polis", "skola"), ("skola", "coordinator")],
)
def test_a_named_person_is_named_for_the_organisation_of_their_account(
    world: World, organisation: str, who: str
) -> None:
    """A police account cannot be named as Skola and then write as Skola."""
    party_user = getattr(world.people, who)
    with pytest.raises(ConsentError) as raised, unit_of_work(world.sessions) as session:
        open_test_case(
            session, world.people, world.layer, parties=(PartyInput(organisation, party_user, ""),)
        )
    assert "parties.0" in raised.value.errors
    assert "hör inte till" in raised.value.errors["parties.0"]
    assert _case_count(world) == 0
    with unit_of_work(world.sessions) as session:
        open_test_case(
            session,
            world.people,
            world.layer,
            parties=(PartyInput("socialtjanst", world.people.coordinator, ""),),
        )
    assert _case_count(world) == 1
