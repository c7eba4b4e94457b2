"""Cases at the data layer (issue 18): who gets what, what parties may write, the audit
trail without content, reminders by ref, and the one disclosure-controlled number.

Runs on SQLite and PostgreSQL (the ``engine`` fixture). Every name is synthetic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from data.access.audit import ACTION_CODES
from data.access.scope import AccessDenied, Viewer
from data.consent.access import CaseRole
from data.consent.cases import (
    CaseView,
    add_meeting,
    add_observation,
    add_plan_item,
    export_plan,
    list_cases,
    read_case,
    set_signals,
    update_plan_item,
)
from data.consent.counts import active_case_counts
from data.consent.ledger import ConsentError, PartyInput, end_consent, extend_consent, open_case
from data.consent.reminders import reminders
from data.consent.vocabulary import NO_ACCESS
from data.privacy.disclosure import AudienceLevel, cell_noise
from data.storage.consent_models import SspfCase, SspfObservation, SspfSignal
from data.storage.db import make_session_factory, unit_of_work
from data.storage.models import AuditEvent, User
from tests.sspf_support import (
    KOMMUN,
    MARK_NAME,
    MARK_NOTES,
    MARK_OBSERVATION,
    MARK_PLAN,
    MARKERS,
    OTHER_KOMMUN,
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


@dataclass(frozen=True)
class World:
    engine: Engine
    sessions: sessionmaker[Session]
    people: People
    layer: Layer

    def call(self, function: Any, user_id: int, *args: Any, today: date = TODAY, **kw: Any) -> Any:
        """``function(session, user_id, *args, today, actor, **kw, cipher, instance_folder)``
        in its own unit of work (the way the web layer calls the case functions)."""
        with unit_of_work(self.sessions) as session:
            return function(
                session,
                user_id,
                *args,
                today,
                actor_of(session, user_id),
                cipher=self.layer.cipher,
                instance_folder=self.layer.instance,
                **kw,
            )

    def open(self, **changes: object) -> str:
        with unit_of_work(self.sessions) as session:
            return open_test_case(session, self.people, self.layer, **changes)


@pytest.fixture
def world(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    fast_password_hashes(monkeypatch)
    sessions = make_session_factory(engine)
    with unit_of_work(sessions) as session:
        people = make_people(session)
    return World(engine, sessions, people, make_layer(tmp_path))


def _fill(world: World, ref: str) -> int:
    """The coordinator writes an observation, a meeting, signals and a plan item (each
    with its marker); the plan item's id."""
    coordinator = world.people.coordinator
    world.call(
        add_observation,
        coordinator,
        ref,
        party="polis",
        observed_on=TODAY - timedelta(days=1),
        text=MARK_OBSERVATION,
    )
    world.call(
        add_meeting,
        coordinator,
        ref,
        kind="familjemote",
        held_on=TODAY,
        notes=MARK_NOTES,
        decision="fortsatt",
    )
    world.call(set_signals, coordinator, ref, codes=["brott", "trygg_vuxen"], party="polis")
    return int(
        world.call(
            add_plan_item,
            coordinator,
            ref,
            party="polis",
            what=MARK_PLAN,
            due_on=TODAY + timedelta(days=20),
            follow_up_on=TODAY + timedelta(days=3),
        )
    )


def _who(people: People, name: str) -> int:
    return int(getattr(people, name))


ACCESS_MATRIX = [
    ("coordinator", CaseRole.COORDINATOR),
    ("skola", CaseRole.PARTY),
    ("polis", CaseRole.PARTY),
    ("other_coordinator", None),
    ("foreign_coordinator", None),
    ("admin", None),
    ("leadership", None),
    ("fritid", None),
]


@pytest.mark.parametrize(("who", "role"), ACCESS_MATRIX)
def test_access_matrix_of_a_case(world: World, who: str, role: CaseRole | None) -> None:
    ref = world.open()
    _fill(world, ref)
    user_id = _who(world.people, who)
    listed = world.call(list_cases, user_id)
    if role is None:
        with pytest.raises(AccessDenied) as raised:
            world.call(read_case, user_id, ref)
        assert str(raised.value) == NO_ACCESS
        assert listed == []
        with pytest.raises(AccessDenied):
            world.call(add_observation, user_id, ref, party="skola", observed_on=TODAY, text="x")
        with unit_of_work(world.sessions) as session:
            assert session.scalar(select(func.count()).select_from(SspfObservation)) == 1
        return
    view = world.call(read_case, user_id, ref)
    assert (view.role, view.child_name) == (role, MARK_NAME)
    assert [o.text for o in view.observations] == [MARK_OBSERVATION]
    assert [m.notes for m in view.meetings] == [MARK_NOTES]
    assert [p.what for p in view.plan] == [MARK_PLAN]
    assert {(s.code, s.party) for s in view.signals} == {
        ("brott", "polis"),
        ("trygg_vuxen", "polis"),
    }
    assert [(s.ref, s.child_name, s.role) for s in listed] == [(ref, MARK_NAME, role)]
    assert listed[0].next_follow_up == TODAY + timedelta(days=3)


def test_an_unknown_ref_gets_the_same_answer_as_a_forbidden_one(world: World) -> None:
    ref = world.open()
    answers = set()
    for user_id, asked in (
        (world.people.fritid, ref),
        (world.people.coordinator, "SSPF-ZZZZZZ"),
        (world.people.coordinator, ""),
        (world.people.coordinator, "x" * 500),
    ):
        with pytest.raises(AccessDenied) as raised:
            world.call(read_case, user_id, asked)
        answers.add(str(raised.value))
    assert answers == {NO_ACCESS}


def test_a_deactivated_named_party_gets_nothing(world: World) -> None:
    ref = world.open()
    assert world.call(read_case, world.people.skola, ref).role is CaseRole.PARTY
    with unit_of_work(world.sessions) as session:
        user = session.get(User, world.people.skola)
        assert user is not None
        user.active = False
    with pytest.raises(AccessDenied, match=NO_ACCESS):
        world.call(read_case, world.people.skola, ref)
    assert world.call(list_cases, world.people.skola) == []


def test_a_named_party_gets_nothing_after_withdrawal(world: World) -> None:
    ref = world.open()
    assert world.call(read_case, world.people.polis, ref).child_name == MARK_NAME
    world.call(end_consent, world.people.coordinator, ref, "withdrawn")
    with pytest.raises(AccessDenied) as raised:
        world.call(read_case, world.people.polis, ref)
    assert str(raised.value) == NO_ACCESS
    assert world.call(list_cases, world.people.polis) == []
    with pytest.raises(AccessDenied):
        world.call(
            add_plan_item,
            world.people.polis,
            ref,
            party="polis",
            what="x",
            due_on=None,
            follow_up_on=None,
        )


def test_a_named_party_gets_nothing_after_expiry(world: World) -> None:
    ref = world.open(valid_until=TODAY + timedelta(days=30))
    later = TODAY + timedelta(days=31)
    assert world.call(read_case, world.people.polis, ref, today=later - timedelta(days=1))
    with pytest.raises(AccessDenied):
        world.call(read_case, world.people.polis, ref, today=later)
    with unit_of_work(world.sessions) as session:
        assert session.scalars(select(SspfCase.purge_reason)).one() == "expired"
    with pytest.raises(AccessDenied, match=NO_ACCESS):
        world.call(read_case, world.people.polis, ref, today=later)


def test_a_party_writes_observations_and_plan_items_of_its_own_organisation_only(
    world: World,
) -> None:
    ref = world.open()
    polis_item = _fill(world, ref)
    skola = world.people.skola
    world.call(add_observation, skola, ref, party="skola", observed_on=TODAY, text="Frånvaro ökar")
    own_item = world.call(
        add_plan_item,
        skola,
        ref,
        party="skola",
        what="Mentorssamtal varje vecka",
        due_on=TODAY + timedelta(days=14),
        follow_up_on=TODAY + timedelta(days=7),
    )
    world.call(
        update_plan_item,
        skola,
        ref,
        item_id=own_item,
        status="pagar",
        follow_up_on=TODAY + timedelta(days=9),
    )
    for other in ("polis", "fritid", "annan"):
        with pytest.raises(AccessDenied):
            world.call(add_observation, skola, ref, party=other, observed_on=TODAY, text="x")
        with pytest.raises(AccessDenied):
            world.call(
                add_plan_item, skola, ref, party=other, what="x", due_on=None, follow_up_on=None
            )
    with pytest.raises(AccessDenied):
        world.call(
            update_plan_item, skola, ref, item_id=polis_item, status="klar", follow_up_on=None
        )
    view: CaseView = world.call(read_case, skola, ref)
    assert view.own_organisations == ("skola",)
    assert sorted((p.party, p.status) for p in view.plan) == [
        ("polis", "planerad"),
        ("skola", "pagar"),
    ]
    assert sorted(o.party for o in view.observations) == ["polis", "skola"]


def test_a_party_may_not_hold_meetings_set_signals_or_change_the_consent(world: World) -> None:
    ref = world.open()
    skola = world.people.skola
    attempts: list[tuple[Any, dict[str, Any]]] = [
        (add_meeting, {"kind": "uppfoljning", "held_on": TODAY, "notes": "x"}),
        (set_signals, {"codes": ["brott"], "party": "skola"}),
    ]
    for function, kwargs in attempts:
        with pytest.raises(AccessDenied):
            world.call(function, skola, ref, **kwargs)
    with pytest.raises(AccessDenied):
        world.call(extend_consent, skola, ref, TODAY + timedelta(days=300))
    with pytest.raises(AccessDenied):
        world.call(end_consent, skola, ref, "withdrawn")
    view = world.call(read_case, world.people.coordinator, ref)
    assert (view.meetings, view.signals, view.consent_status) == ((), (), "active")


def test_the_coordinator_writes_only_for_parties_the_consent_covers(world: World) -> None:
    ref = world.open()
    coordinator = world.people.coordinator
    with pytest.raises(ConsentError) as raised:
        world.call(add_observation, coordinator, ref, party="fritid", observed_on=TODAY, text="x")
    assert set(raised.value.errors) == {"party"}
    with pytest.raises(ConsentError) as raised:
        world.call(
            add_observation,
            coordinator,
            ref,
            party="skola",
            observed_on=TODAY + timedelta(days=1),
            text=" ",
        )
    assert set(raised.value.errors) == {"observed_on", "text"}
    with pytest.raises(ConsentError):
        world.call(set_signals, coordinator, ref, codes=["okand_faktor"], party="skola")
    with pytest.raises(ConsentError):
        world.call(add_meeting, coordinator, ref, kind="fika", held_on=TODAY, notes="")
    with pytest.raises(ConsentError):
        world.call(
            add_meeting, coordinator, ref, kind="uppfoljning", held_on=TODAY, notes="", decision="x"
        )


def test_signals_are_replaced_per_party(world: World) -> None:
    ref = world.open()
    coordinator = world.people.coordinator
    world.call(set_signals, coordinator, ref, codes=["brott", "kamrater"], party="polis")
    world.call(set_signals, coordinator, ref, codes=["skolfranvaro"], party="skola")
    world.call(
        set_signals,
        coordinator,
        ref,
        codes=["kamrater", "trygg_vuxen"],
        party="polis",
        today=TODAY + timedelta(days=3),
    )
    view = world.call(read_case, coordinator, ref)
    assert sorted((s.party, s.code, s.noted_on) for s in view.signals) == [
        ("polis", "kamrater", TODAY),
        ("polis", "trygg_vuxen", TODAY + timedelta(days=3)),
        ("skola", "skolfranvaro", TODAY),
    ]


def test_a_plan_item_of_another_case_is_not_reachable(world: World) -> None:
    first = world.open()
    second = world.open()
    item = _fill(world, first)
    with pytest.raises(AccessDenied):
        world.call(
            update_plan_item,
            world.people.coordinator,
            second,
            item_id=item,
            status="klar",
            follow_up_on=None,
        )
    with pytest.raises(ConsentError):
        world.call(
            update_plan_item,
            world.people.coordinator,
            first,
            item_id=item,
            status="gjord",
            follow_up_on=None,
        )


def _audit_rows(world: World) -> list[tuple[Any, ...]]:
    with unit_of_work(world.sessions) as session:
        rows = session.execute(
            select(
                AuditEvent.action,
                AuditEvent.actor_id,
                AuditEvent.at,
                AuditEvent.target,
                AuditEvent.details,
                AuditEvent.actor_name,
            ).order_by(AuditEvent.id)
        )
        return [tuple(row) for row in rows]


def _holding(texts: list[str]) -> set[str]:
    """The markers (and the form's) found in ``texts``."""
    joined = "\n".join(texts)
    return {marker for marker in MARKERS if marker in joined}


def test_every_read_and_write_is_audited_with_user_and_time_and_no_content(world: World) -> None:
    ref = world.open()
    item = _fill(world, ref)
    people = world.people
    view = world.call(read_case, people.skola, ref)
    world.call(list_cases, people.polis)
    world.call(
        update_plan_item, people.coordinator, ref, item_id=item, status="pagar", follow_up_on=None
    )
    world.call(extend_consent, people.coordinator, ref, TODAY + timedelta(days=400))
    # Positive control: the scan finds the markers where they are — in what a reader sees.
    assert _holding([repr(view), view.birth_date.isoformat()]) == set(MARKERS)
    world.call(end_consent, people.coordinator, ref, "ended")
    rows = _audit_rows(world)
    actions = [row[0] for row in rows]
    assert actions == [
        "sspf.case_created",
        "sspf.case_written",
        "sspf.case_written",
        "sspf.case_written",
        "sspf.case_written",
        "sspf.case_read",
        "sspf.cases_listed",
        "sspf.case_written",
        "sspf.case_written",
        "sspf.consent_status",
        "sspf.case_purged",
    ]
    assert set(actions) <= ACTION_CODES
    for action, actor_id, at, target, _details, _name in rows:
        assert actor_id is not None
        assert at is not None
        if action != "sspf.cases_listed":
            assert target == ref
    assert rows[5][1] == people.skola
    assert rows[6][1] == people.polis
    assert ref in rows[6][4]
    kinds = [r[4] for r in rows if r[0] == "sspf.case_written"]
    assert [json.loads(k)["kind"] for k in kinds] == [
        "observation",
        "meeting",
        "signals",
        "plan_item",
        "plan_item",
        "consent_extended",
    ]
    assert _holding([str(part) for row in rows for part in row]) == set()
    for row in rows:
        assert "Markör" not in str(row) and "Testbarn" not in str(row)
        assert "2013-02-17" not in str(row)


def test_reminders_name_refs_and_dates_only(world: World) -> None:
    coordinator = world.people.coordinator
    ref = world.open(valid_until=TODAY + timedelta(days=10))
    later = world.open()

    def plan(at: str, follow_up: int, status: str = "planerad") -> None:
        item = world.call(
            add_plan_item,
            coordinator,
            at,
            party="skola",
            what=MARK_PLAN,
            due_on=None,
            follow_up_on=TODAY + timedelta(days=follow_up),
        )
        if status != "planerad":
            world.call(
                update_plan_item,
                coordinator,
                at,
                item_id=item,
                status=status,
                follow_up_on=TODAY + timedelta(days=follow_up),
            )

    plan(ref, 3)
    plan(ref, -2, "pagar")
    plan(ref, 10)
    plan(ref, 1, "klar")
    plan(later, 7)
    plan(later, 2, "avbruten")
    with unit_of_work(world.sessions) as session:
        other = open_test_case(session, world.people, world.layer)
        case = session.scalars(select(SspfCase).where(SspfCase.ref == other)).one()
        case.coordinator_id = world.people.other_coordinator
    plan_other = world.call(
        add_plan_item,
        world.people.other_coordinator,
        other,
        party="skola",
        what="x",
        due_on=None,
        follow_up_on=TODAY,
    )
    assert plan_other
    with unit_of_work(world.sessions) as session:
        found = reminders(session, coordinator, TODAY)
        assert reminders(session, world.people.skola, TODAY) == []
        assert reminders(session, world.people.admin, TODAY) == []
    assert [(r.ref, r.kind, r.on) for r in found] == [
        (ref, "uppfoljning", TODAY - timedelta(days=2)),
        (ref, "uppfoljning", TODAY + timedelta(days=3)),
        (later, "uppfoljning", TODAY + timedelta(days=7)),
        (ref, "samtycke", TODAY + timedelta(days=10)),
    ]
    assert "försenad" in found[0].label
    assert "Skola" in found[1].label
    assert _holding([repr(found)]) == set()
    assert "Testbarn" not in repr(found)


def _viewer(role: str, k: int, kommun: str | None = KOMMUN) -> Viewer:
    return Viewer(role, kommun, AudienceLevel(k, noise_key=b"sspf-test"))


def test_active_case_counts_are_protected_and_count_only_active_unexpired_cases(
    world: World,
) -> None:
    active = [world.open() for _ in range(6)]
    world.open(valid_until=TODAY + timedelta(days=1))  # expired on the counting day
    ended = world.open()
    world.call(end_consent, world.people.coordinator, ended, "ended")
    with unit_of_work(world.sessions) as session:
        open_case(
            session,
            world.people.foreign_coordinator,
            consent_input(
                world.people,
                kommun_code=OTHER_KOMMUN,
                parties=(PartyInput("annan", None, "Inbjuden"),),
            ),
            TODAY,
            actor_of(session, world.people.foreign_coordinator),
            cipher=world.layer.cipher,
            instance_folder=world.layer.instance,
        )
    day = TODAY + timedelta(days=2)
    with unit_of_work(world.sessions) as session:
        ids = [session.scalar(select(SspfCase.id).where(SspfCase.ref == r)) for r in active]
        key = np.array([sum(int(i) for i in ids if i is not None)], dtype=np.int64)
        expected = max(3, 6 + int(cell_noise(key, b"sspf-test")[0]))
        shown = active_case_counts(session, _viewer("coordinator", 3), day)
        assert shown.frame["kommun_code"].tolist() == [KOMMUN]
        assert shown.frame["count"].tolist() == [expected]
        assert shown.frame["suppressed"].tolist() == [False]
        small = active_case_counts(session, _viewer("leadership", 10), day)
        assert small.frame["suppressed"].tolist() == [True]
        assert small.display() == ["<10"]
        assert active_case_counts(session, _viewer("leadership", 3), day).display() == [
            str(expected)
        ]
        for role in ("reporter", "police_area"):
            with pytest.raises(AccessDenied):
                active_case_counts(session, _viewer(role, 3), day)
        with pytest.raises(AccessDenied):
            active_case_counts(session, _viewer("admin", 3, None), day)
        other = active_case_counts(session, _viewer("coordinator", 3, OTHER_KOMMUN), day)
        assert other.display() == ["<3"]
        none_yet = active_case_counts(session, _viewer("coordinator", 3, "0382"), day)
        assert none_yet.frame["count"].tolist() == [0]
        assert session.scalar(select(func.count()).select_from(SspfSignal)) == 0


def test_the_plan_export_is_the_readers_view_audited_as_an_export(world: World) -> None:
    ref = world.open()
    _fill(world, ref)
    view = world.call(export_plan, world.people.polis, ref)
    assert [p.what for p in view.plan] == [MARK_PLAN]
    with pytest.raises(AccessDenied, match=NO_ACCESS):
        world.call(export_plan, world.people.fritid, ref)
    exported = [row for row in _audit_rows(world) if row[0] == "sspf.plan_exported"]
    assert [(row[1], row[3]) for row in exported] == [(world.people.polis, ref)]
    assert _holding([str(part) for row in exported for part in row]) == set()
