"""Walk reports in the database, on SQLite and PostgreSQL (the ``engine`` fixture)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from data.access.users import create_user
from data.demo.build import build_demo
from data.ingest.walks import Seen, Walk, store_walk
from data.storage.db import make_session_factory, read_version, unit_of_work
from data.storage.models import Area, Observation, User, WalkReport, WalkReportArea

PASSWORD = "ett-långt-lösenord"
DAY = date(2026, 5, 1)


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    """Two kommuner, a neighbourhood in one of them, a reporter there."""
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        uppsala = Area(code="0380", name="Uppsala", level="kommun", kommun_code="0380")
        sigtuna = Area(code="0191", name="Sigtuna", level="kommun", kommun_code="0191")
        session.add_all([uppsala, sigtuna])
        session.flush()
        session.add_all(
            [
                Area(code="0380-A", name="A", level="custom", kommun_code="0380", parent=uppsala),
                Area(code="0380-B", name="B", level="custom", kommun_code="0380", parent=uppsala),
                Area(code="0191-A", name="S", level="custom", kommun_code="0191", parent=sigtuna),
            ]
        )
        session.flush()
        create_user(session, "rapp", PASSWORD, role="reporter", kommun_code="0380")
    return factory


def a_walk(*areas: str, seen: tuple[Seen, ...] = ()) -> Walk:
    return Walk(
        walked_on=DAY,
        area_codes=areas,
        start_time="22:30",
        end_time="02:00",
        walkers=3,
        rating="calm",
        seen=seen,
        note=None,
    )


def user_id(session: Session) -> int:
    return int(session.scalar(select(User.id).where(User.username == "rapp")) or 0)


def test_sightings_become_nattvandring_observations_and_refresh_the_cache(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        version = read_version(session)
    walk = a_walk("0380-A", "0380-B", seen=(Seen("vald", "0380-B", 3), Seen("hot", "0380-A", 1)))
    with unit_of_work(sessions) as session:
        store_walk(session, walk, user_id=user_id(session), kommun_code="0380")
    with sessions() as session:
        assert read_version(session) == version + 1
        rows = session.execute(
            select(Area.code, Observation.category_code, Observation.count, Observation.time_band)
            .join(Area, Area.id == Observation.area_id)
            .where(Observation.source_code == "nattvandring", Observation.occurred_on == DAY)
            .order_by(Area.code)
        ).all()
        assert [tuple(r) for r in rows] == [
            ("0380-A", "hot", 1, "night"),
            ("0380-B", "vald", 3, "night"),
        ]
        report = session.scalars(select(WalkReport)).one()
        assert report.kommun_code == "0380" and report.walkers == 3


def test_deleting_a_walk_deletes_its_sightings_and_where_it_walked(
    sessions: sessionmaker[Session],
) -> None:
    with unit_of_work(sessions) as session:
        store_walk(
            session,
            a_walk("0380-A", seen=(Seen("samling", "0380-A", 2),)),
            user_id=user_id(session),
            kommun_code="0380",
        )
    with unit_of_work(sessions) as session:
        session.execute(delete(WalkReport))
    with sessions() as session:
        for model in (Observation, WalkReportArea):
            assert session.scalar(select(func.count()).select_from(model)) == 0
        assert session.scalar(select(func.count()).select_from(Area)) == 5


def test_deleting_the_reporter_keeps_the_walk(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as session:
        store_walk(session, a_walk("0380-A"), user_id=user_id(session), kommun_code="0380")
    with unit_of_work(sessions) as session:
        session.execute(delete(User))
    with sessions() as session:
        report = session.scalars(select(WalkReport)).one()
        assert report.created_by_id is None
        assert [a.code for a in report.areas] == ["0380-A"]


@pytest.mark.parametrize(
    ("areas", "kommun", "message"),
    [
        (("0191-A",), "0380", "din kommun"),
        (("0380-X",), "0380", "din kommun"),
        (("0380-A", "0191-A"), None, "samma kommun"),
    ],
)
def test_areas_outside_the_kommun_are_refused_and_nothing_is_written(
    sessions: sessionmaker[Session], areas: tuple[str, ...], kommun: str | None, message: str
) -> None:
    with pytest.raises(PermissionError, match=message), unit_of_work(sessions) as session:
        store_walk(session, a_walk(*areas), user_id=user_id(session), kommun_code=kommun)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(WalkReport)) == 0


def test_police_are_refused_outside_their_areas_but_not_below_them(
    sessions: sessionmaker[Session],
) -> None:
    with pytest.raises(PermissionError, match="tilldelade"), unit_of_work(sessions) as session:
        store_walk(
            session,
            a_walk("0380-A", "0380-B"),
            user_id=user_id(session),
            kommun_code="0380",
            area_codes=frozenset({"0380-A"}),
        )
    with unit_of_work(sessions) as session:
        # An area under an assigned one (here: the whole kommun) is in scope.
        store_walk(
            session,
            a_walk("0380-B"),
            user_id=user_id(session),
            kommun_code="0380",
            area_codes=frozenset({"0380"}),
        )
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(WalkReport)) == 1


def test_a_sighting_on_the_whole_kommun_stays_at_kommun_precision(
    sessions: sessionmaker[Session],
) -> None:
    with unit_of_work(sessions) as session:
        store_walk(
            session,
            a_walk("0380", seen=(Seen("brand", "0380", 1),)),
            user_id=user_id(session),
            kommun_code="0380",
        )
    with sessions() as session:
        assert session.scalars(select(Observation.location_precision)).all() == ["kommun"]


@pytest.mark.parametrize(
    ("column", "value"),
    [("walkers", 0), ("rating", "okej"), ("start_time", "8:00"), ("end_time", "")],
)
def test_the_database_refuses_impossible_walks(
    sessions: sessionmaker[Session], column: str, value: object
) -> None:
    values: dict[str, object] = {
        "kommun_code": "0380",
        "walked_on": DAY,
        "start_time": "20:00",
        "end_time": "23:00",
        "walkers": 2,
        "rating": "calm",
    }
    values[column] = value
    with pytest.raises(IntegrityError), unit_of_work(sessions) as session:
        session.add(WalkReport(**values))


def test_demo_force_replaces_a_database_holding_walks(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        build_demo(session, end=DAY, password=PASSWORD, days=14)
    with unit_of_work(factory) as session:
        walker = int(session.scalar(select(User.id).where(User.username == "rapportor")) or 0)
        walk = a_walk("0380-D01", seen=(Seen("vald", "0380-D01", 2),))
        store_walk(session, walk, user_id=walker, kommun_code="0380")
    with unit_of_work(factory) as session:
        build_demo(session, end=DAY, password=PASSWORD, days=14, force=True)
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(WalkReport)) == 0
        assert session.scalar(select(func.count()).where(Observation.walk_id.is_not(None))) == 0


def test_upgrade_to_walk_reports_keeps_existing_observations(raw_engine: Engine) -> None:
    from alembic import command

    from data.storage.db import alembic_config

    cfg = alembic_config()
    with raw_engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0005")
        connection.exec_driver_sql(
            "INSERT INTO category (code, label, severity, sort_order, active)"
            " VALUES ('vald', 'Våld', 3.0, 0, 1)"
        )
        connection.exec_driver_sql(
            "INSERT INTO source (code, label, sort_order) VALUES ('skola', 'Skola', 0)"
        )
        connection.exec_driver_sql(
            "INSERT INTO area (code, name, level, kommun_code, is_synthetic)"
            " VALUES ('0380', 'Uppsala', 'kommun', '0380', 0)"
        )
        connection.exec_driver_sql(
            "INSERT INTO observation (area_id, occurred_on, category_code, source_code, count,"
            " location_precision, is_synthetic, created_at)"
            " VALUES (1, '2026-05-01', 'vald', 'skola', 3, 'kommun', 0, '2026-05-01')"
        )
        command.upgrade(cfg, "head")
        rows = connection.exec_driver_sql("SELECT count, walk_id FROM observation").all()
        assert [tuple(r) for r in rows] == [(3, None)]
        command.downgrade(cfg, "0005")
        assert connection.exec_driver_sql("SELECT count FROM observation").scalars().all() == [3]


def _planned_walk(session: Session, area: str, association: str | None = None) -> int:
    """A planned walk of ``DAY`` in ``area`` (of a new association when named)."""
    from data.planning.registry import add_association
    from data.storage.models import PlannedWalk

    club = add_association(session, "0380", association) if association else None
    walk = PlannedWalk(
        kommun_code="0380",
        night=DAY,
        area_id=session.scalar(select(Area.id).where(Area.code == area)),
        association_id=club,
        walkers=3,
        start_time="22:30",
        end_time="02:00",
    )
    session.add(walk)
    session.flush()
    return walk.id


def test_a_planned_walk_takes_one_report_in_the_database_too(
    sessions: sessionmaker[Session],
) -> None:
    """Two reports racing for one planned walk: the unique index refuses the second."""
    with unit_of_work(sessions) as session:
        planned = _planned_walk(session, "0380-A")
    values: dict[str, object] = {
        "kommun_code": "0380",
        "walked_on": DAY,
        "start_time": "22:30",
        "end_time": "02:00",
        "walkers": 3,
        "rating": "calm",
        "planned_walk_id": planned,
    }
    with unit_of_work(sessions) as session:
        session.add(WalkReport(**values))
    with pytest.raises(IntegrityError), unit_of_work(sessions) as session:
        session.add(WalkReport(**values))


def test_only_the_associations_walker_links_and_only_a_coordinator_confirms(
    sessions: sessionmaker[Session],
) -> None:
    from data.access.scope import AccessDenied
    from data.planning.schedule import compensation
    from data.planning.walk_links import LinkRefused, set_association, set_confirmed

    with unit_of_work(sessions) as session:
        planned = _planned_walk(session, "0380-A", "Klubben")
        boss = create_user(session, "boss", PASSWORD, role="coordinator", kommun_code="0380").id
    with pytest.raises(LinkRefused, match="egna vandrare"), unit_of_work(sessions) as session:
        store_walk(
            session,
            a_walk("0380-A"),
            user_id=user_id(session),
            kommun_code="0380",
            planned_walk_id=planned,
        )
    with unit_of_work(sessions) as session:
        set_association(session, "rapp", "Klubben")
        store_walk(
            session,
            a_walk("0380-A"),
            user_id=user_id(session),
            kommun_code="0380",
            planned_walk_id=planned,
        )

    def paid() -> tuple[int, int, int]:
        with sessions() as session:
            (club,) = compensation(session, "0380", DAY, DAY, min_walkers=3, per_night=100)
        return club.reported, club.confirmed, club.qualifying

    assert paid() == (1, 0, 0)
    with pytest.raises(AccessDenied), unit_of_work(sessions) as session:
        set_confirmed(session, user_id(session), planned, confirmed=True)
    assert paid() == (1, 0, 0)
    with unit_of_work(sessions) as session:
        assert set_confirmed(session, boss, planned, confirmed=True)
    assert paid() == (1, 1, 1)
    with sessions() as session:
        report = session.scalars(select(WalkReport)).one()
        assert report.confirmed_by_id == boss and report.confirmed_at is not None


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty database without any schema, on each backend."""
    from data.storage.db import make_engine
    from tests.conftest import postgres_database

    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'raw.sqlite'}")
        yield eng
        eng.dispose()
        return
    with postgres_database() as url:
        eng = make_engine(url)
        try:
            yield eng
        finally:
            eng.dispose()


def test_migration_0012_keeps_the_first_report_per_planned_walk_and_downgrades(
    empty_engine: Engine,
) -> None:
    from alembic import command
    from sqlalchemy import inspect, text

    from data.storage.db import alembic_config

    cfg = alembic_config()
    with empty_engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0009")
        connection.execute(
            text(
                "INSERT INTO area (code, name, level, kommun_code, is_synthetic)"
                " VALUES ('0380', 'Uppsala', 'kommun', '0380', :no)"
            ),
            {"no": False},
        )
        connection.execute(
            text(
                "INSERT INTO planned_walk (kommun_code, night, area_id, walkers, start_time,"
                " end_time, meeting_point, expected, created_at) VALUES ('0380', :day,"
                " (SELECT id FROM area), 3, '22:30', '02:00', '', 0, :day)"
            ),
            {"day": DAY},
        )
        for _ in range(2):
            connection.execute(
                text(
                    "INSERT INTO walk_report (kommun_code, walked_on, start_time, end_time,"
                    " walkers, rating, created_at, planned_walk_id) VALUES ('0380', :day,"
                    " '22:30', '02:00', 3, 'calm', :day, (SELECT id FROM planned_walk))"
                ),
                {"day": DAY},
            )
        command.upgrade(cfg, "0012")
        rows = connection.execute(
            text("SELECT planned_walk_id, confirmed_at FROM walk_report ORDER BY id")
        ).all()
        assert [r[0] is not None for r in rows] == [True, False]  # the first keeps the link
        assert all(r[1] is None for r in rows)  # linked before: not yet confirmed
        user_columns = {c["name"] for c in inspect(connection).get_columns("user_account")}
        assert "association_id" in user_columns
        command.downgrade(cfg, "0009")
        columns = {c["name"] for c in inspect(connection).get_columns("walk_report")}
        assert not {"confirmed_at", "confirmed_by_id"} & columns
        user_columns = {c["name"] for c in inspect(connection).get_columns("user_account")}
        assert "association_id" not in user_columns
        assert connection.execute(text("SELECT count(*) FROM walk_report")).scalar() == 2
        command.upgrade(cfg, "head")
