"""Association links in the database, on SQLite and PostgreSQL (the ``engine``
fixture): created, opened, expired, revoked and reported through, on explicit moments
(never the real clock)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from data.access.audit import Actor
from data.planning.association_links import create_link, link_key, links, open_link, revoke_link
from data.planning.association_page import NotYours, file_report, offer_night, own_walks
from data.planning.registry import PlanError, add_association
from data.storage.db import make_session_factory, unit_of_work
from data.storage.models import Area, AuditEvent, PlannedWalk, WalkReport

KEY = link_key("test secret")
MOMENT = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
TODAY = date(2026, 5, 1)
ACTOR = Actor(7, "samordnare", "127.0.0.1")


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    """A kommun with one area and two associations, each with a planned walk today."""
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        uppsala = Area(code="0380", name="Uppsala", level="kommun", kommun_code="0380")
        session.add(uppsala)
        session.flush()
        area = Area(code="0380-A", name="A", level="custom", kommun_code="0380", parent=uppsala)
        session.add(area)
        session.flush()
        for name in ("Klubben", "Grannarna"):
            club = add_association(session, "0380", name)
            session.add(
                PlannedWalk(
                    kommun_code="0380", night=TODAY, area_id=area.id, association_id=club,
                    walkers=4, start_time="20:30", end_time="01:30",
                )
            )  # fmt: skip
    return factory


def _club(session: Session, name: str = "Klubben") -> int:
    from data.storage.models import Association

    return int(session.scalar(select(Association.id).where(Association.name == name)) or 0)


def test_a_link_opens_until_it_expires_or_is_revoked(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as session:
        link_id, token = create_link(
            session, "0380", _club(session), days=60, key=KEY, actor=ACTOR, now=MOMENT
        )
    with unit_of_work(sessions) as session:
        access = open_link(session, token, key=KEY, now=MOMENT + timedelta(days=59))
        assert (access.association, access.kommun_name) == ("Klubben", "Uppsala")
    with unit_of_work(sessions) as session, pytest.raises(PermissionError, match="expired"):
        open_link(session, token, key=KEY, now=MOMENT + timedelta(days=60))
    with unit_of_work(sessions) as session:
        assert revoke_link(session, "0380", link_id, actor=ACTOR, now=MOMENT)
    with unit_of_work(sessions) as session, pytest.raises(PermissionError, match="revoked"):
        open_link(session, token, key=KEY, now=MOMENT)
    with sessions() as session:
        (info,) = links(session, "0380")
        assert info.status(MOMENT) == "revoked"
        assert info.last_used_at == MOMENT + timedelta(days=59)
        actions = [a.action for a in session.scalars(select(AuditEvent))]
    assert actions == ["association_link.created", "association_link.revoked"]


def test_another_kommun_cannot_revoke(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as session:
        link_id, _token = create_link(
            session, "0380", _club(session), days=5, key=KEY, actor=ACTOR, now=MOMENT
        )
        assert not revoke_link(session, "0191", link_id, actor=ACTOR, now=MOMENT)


def test_the_link_files_its_own_walk_once_and_no_other(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as session:
        _id, token = create_link(
            session, "0380", _club(session), days=5, key=KEY, actor=ACTOR, now=MOMENT
        )
    with unit_of_work(sessions) as session:
        access = open_link(session, token, key=KEY, now=MOMENT)
        (walk,) = own_walks(session, access, TODAY)
        others = session.scalar(
            select(PlannedWalk.id).where(PlannedWalk.association_id == _club(session, "Grannarna"))
        )
        fields = {"start": "20:30", "slut": "01:30", "vandrare": "4", "stamning": "lugnt"}

        def filed(walk_id: int) -> dict[str, str]:
            return file_report(
                session, access, walk_id, fields=fields, seen=[], categories={}, today=TODAY,
                address="x",
            )  # fmt: skip

        with pytest.raises(NotYours):
            filed(int(others or 0))
        assert filed(walk.id) == {}
        again = filed(walk.id)
        assert "redan rapporterad" in again["planerad"]
        with pytest.raises(PlanError):
            offer_night(
                session, access, night="2026-04-30", walkers="4", start="20:30", end="01:30",
                today=TODAY, address="x",
            )  # fmt: skip
    with sessions() as session:
        (report,) = session.scalars(select(WalkReport)).all()
        assert (report.planned_walk_id, report.created_by_id) == (walk.id, None)
