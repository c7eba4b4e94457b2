"""Migration 0017 and the police partnership's data functions on SQLite and PostgreSQL:
the walks a police user sees, their agreement (and a later change), riktade insatser."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session

from data.access.audit import Actor
from data.access.scope import AccessDenied, Viewer
from data.planning.operations import (
    OperationInput,
    delete_operation,
    save_operation,
    week_operations,
)
from data.planning.police import review_plan, review_state, week_walks
from data.privacy.disclosure import AudienceLevel
from data.storage.db import make_session_factory, migrate, unit_of_work
from data.storage.models import Area, AuditEvent, JointOperation, PlannedWalk, User

TODAY = date(2026, 12, 2)
WEEK = date(2026, 12, 7)
LEVEL = AudienceLevel(5, noise_key=b"t")
POLICE = Viewer("police_area", "0380", LEVEL, frozenset({"0380-A"}))
TABLES = {"plan_review", "joint_operation", "joint_operation_area"}


def setup_kommun(session: Session) -> dict[str, int]:
    """A kommun with areas A (the police user's), A1 inside A, and B; a police user."""
    kommun = Area(code="0380", name="Uppsala", level="kommun", kommun_code="0380")
    session.add(kommun)
    session.flush()
    a = Area(code="0380-A", name="Område A", level="custom", kommun_code="0380", parent=kommun)
    b = Area(code="0380-B", name="Område B", level="custom", kommun_code="0380", parent=kommun)
    session.add_all([a, b])
    session.flush()
    a1 = Area(code="0380-A1", name="Del av A", level="deso", kommun_code="0380", parent=a)
    session.add(a1)
    session.add(User(username="polis", password_hash="x", role="police_area", kommun_code="0380"))
    session.flush()
    return {"A": a.id, "A1": a1.id, "B": b.id, "kommun": kommun.id}


def walk(area_id: int, night: date, start: str = "20:30") -> PlannedWalk:
    return PlannedWalk(
        kommun_code="0380",
        night=night,
        area_id=area_id,
        walkers=4,
        start_time=start,
        end_time="01:30",
    )


def actor(session: Session) -> Actor:
    user_id = session.scalars(select(User.id).where(User.username == "polis")).one()
    return Actor(user_id, "polis", "test")


def test_migration_0017_downgrades_and_upgrades_with_data_present(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        ids = setup_kommun(session)
        session.add(walk(ids["A"], WEEK + timedelta(days=4)))
    migrate(engine, "0015", downgrade=True)
    assert not TABLES & set(inspect(engine).get_table_names())
    migrate(engine, "head")
    assert set(inspect(engine).get_table_names()) >= TABLES
    with unit_of_work(factory) as session:
        assert session.scalar(select(PlannedWalk.id)) is not None  # nothing else lost
        review_plan(
            session,
            POLICE,
            actor(session),
            "0380",
            WEEK,
            kind="agreed",
            comment="",
            areas=frozenset({"0380-A", "0380-A1"}),
            today=TODAY,
        )
    with factory() as session:
        (agreement,) = review_state(session, "0380", WEEK).agreements
        assert (agreement.username, agreement.walks, agreement.changed) == ("polis", 1, False)


def test_walks_in_scope_agreement_and_a_later_change_on_both_backends(engine: Engine) -> None:
    factory = make_session_factory(engine)
    scope = frozenset({"0380-A", "0380-A1"})
    with unit_of_work(factory) as session:
        ids = setup_kommun(session)
        friday = WEEK + timedelta(days=4)
        session.add_all([walk(ids["A"], friday), walk(ids["A1"], friday), walk(ids["B"], friday)])
        session.add(walk(ids["A"], WEEK + timedelta(days=7)))  # next week
    with factory() as session:
        seen = week_walks(session, "0380", WEEK, scope)
        assert sorted(w.area_code for w in seen) == ["0380-A", "0380-A1"]
        assert len(week_walks(session, "0380", WEEK, None)) == 3
    with unit_of_work(factory) as session:
        review_plan(
            session, POLICE, actor(session), "0380", WEEK,
            kind="agreed", comment="Ok", areas=scope, today=TODAY,
        )  # fmt: skip
    with unit_of_work(factory) as session:  # the plan is saved again, same content
        session.query(PlannedWalk).filter(PlannedWalk.area_id == ids["A1"]).delete()
        session.add(walk(ids["A1"], friday))
        session.add(walk(ids["B"], friday, "21:00"))  # outside the scope: no change
    with factory() as session:
        assert not review_state(session, "0380", WEEK).agreements[0].changed
    with unit_of_work(factory) as session:
        moved = session.scalars(select(PlannedWalk).where(PlannedWalk.area_id == ids["A"])).first()
        assert moved is not None
        moved.start_time = "22:30"
    with factory() as session:
        state = review_state(session, "0380", WEEK)
        (agreement,) = state.agreements
        assert agreement.changed
        assert [k[1:3] for k in agreement.added] == [("0380-A", "22:30")]
        assert [k[1:3] for k in agreement.removed] == [("0380-A", "20:30")]
        assert [c.text for c in state.comments] == ["Ok"]
        events = session.scalars(select(AuditEvent.action)).all()
        assert events == ["police.plan_agreed"]


def test_insatser_stay_with_their_owner_on_both_backends(engine: Engine) -> None:
    factory = make_session_factory(engine)
    data = OperationInput(
        day=WEEK + timedelta(days=4),
        start="",
        end="",
        areas=("0380-A",),
        partners=("polis", "fritid"),
        kind="trygghetsskapande",
        note="",
    )
    with unit_of_work(factory) as session:
        setup_kommun(session)
        session.add(User(username="polis2", password_hash="x", role="police_area"))
        session.flush()
        operation_id = save_operation(
            session, POLICE, actor(session), "0380", data, allowed_areas={"0380-A"}, today=TODAY
        )
        other = Actor(session.scalars(select(User.id).where(User.username == "polis2")).one(),
                      "polis2", "test")  # fmt: skip
    with pytest.raises(AccessDenied), unit_of_work(factory) as session:
        delete_operation(session, POLICE, other, operation_id)
    with factory() as session:
        (listed,) = week_operations(session, "0380", WEEK)
        assert (listed.partners, listed.area_codes) == (("polis", "fritid"), ("0380-A",))
        assert week_operations(session, "0380", WEEK, owner_id=other.user_id) == []
    with unit_of_work(factory) as session:
        delete_operation(session, POLICE, actor(session), operation_id)
    with factory() as session:
        assert session.scalar(select(JointOperation.id)) is None


def test_a_narrowed_scope_hides_changes_outside_the_readers_areas_now(engine: Engine) -> None:
    factory = make_session_factory(engine)
    scope = frozenset({"0380-A", "0380-A1"})
    with unit_of_work(factory) as session:
        ids = setup_kommun(session)
        session.add(walk(ids["A"], WEEK + timedelta(days=4)))
        session.flush()
        review_plan(
            session, POLICE, actor(session), "0380", WEEK,
            kind="agreed", comment="", areas=scope, today=TODAY,
        )  # fmt: skip
        session.add(walk(ids["A1"], WEEK + timedelta(days=5)))
    with factory() as session:
        (wide,) = review_state(session, "0380", WEEK).agreements
        assert wide.changed and [k[1] for k in wide.added] == ["0380-A1"]
        # The reviewer has lost A1 since: what they read stays inside A.
        (narrow,) = review_state(session, "0380", WEEK, within={"0380-A"}).agreements
        assert not narrow.changed and narrow.added == () and narrow.walks == 1
