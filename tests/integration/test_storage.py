"""Storage, migrations and queries on SQLite and PostgreSQL (the ``engine`` fixture)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, func, insert, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from data.access.scope import AccessDenied, Selection, Viewer
from data.access.users import UserError, authenticate, create_user
from data.counts.cube import CubeCache, build_cube, monday_of
from data.counts.overview import map_values, unplaced_count, weekly_trend
from data.demo.build import DEMO_ACCOUNTS, DemoError, build_demo, is_demo_database
from data.privacy.disclosure import NOISE_BOUND, AudienceLevel
from data.storage.db import (
    AREAS_VERSION,
    bump_version,
    make_session_factory,
    read_version,
    unit_of_work,
)
from data.storage.models import Area, Base, Category, Observation, Source, User
from data.storage.setup import initialise_database
from data.vocabulary import CATEGORIES, SOURCES

PASSWORD = "ett-långt-lösenord"
END = date(2026, 5, 31)
COORDINATOR = Viewer(role="coordinator", kommun_code="0380", level=AudienceLevel(5))


@pytest.fixture
def demo_sessions(engine: Engine) -> sessionmaker[Session]:
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        build_demo(session, end=END, password=PASSWORD, days=400)
    return factory


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_init_is_idempotent_and_seeds_vocabularies(engine: Engine) -> None:
    initialise_database(engine)
    with make_session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Category)) == len(CATEGORIES)
        assert session.scalar(select(func.count()).select_from(Source)) == len(SOURCES)


def test_schema_has_no_personal_fields(engine: Engine) -> None:
    forbidden = ("personnummer", "name_of", "first_name", "last_name", "phone", "email", "address")
    columns = inspect(engine).get_columns("observation")
    assert not [c["name"] for c in columns if any(f in c["name"] for f in forbidden)]


def test_observation_count_must_be_positive(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        session.add(Area(code="9999", name="Testkommun", level="kommun", kommun_code="9999"))
    with pytest.raises(IntegrityError), unit_of_work(factory) as session:
        area_id = session.scalar(select(Area.id))
        session.execute(
            insert(Observation),
            [
                {
                    "area_id": area_id,
                    "occurred_on": END,
                    "category_code": "vald",
                    "source_code": "skola",
                    "count": 0,
                    "location_precision": "area",
                    "is_synthetic": False,
                }
            ],
        )


def test_version_counter_moves_inside_the_unit_of_work(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with factory() as session:
        before = read_version(session)
    with pytest.raises(RuntimeError), unit_of_work(factory) as session:
        bump_version(session)
        raise RuntimeError("rolled back")
    with unit_of_work(factory) as session:
        bump_version(session)
    with factory() as session:
        assert read_version(session) == before + 1


def test_users_authenticate_with_argon2(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        create_user(session, "anna.s", PASSWORD, role="coordinator", kommun_code="0380")
    with factory() as session:
        user = authenticate(session, "anna.s", PASSWORD)
        assert user is not None and user.role == "coordinator"
        assert user.password_hash.startswith("$argon2id$")
        assert authenticate(session, "anna.s", PASSWORD + "x") is None
        assert authenticate(session, "nobody", PASSWORD) is None


@pytest.mark.parametrize(
    ("username", "role", "kommun", "message"),
    [
        ("x", "coordinator", "0380", "Användarnamnet"),
        ("anna", "superuser", "0380", "Okänd roll"),
        ("anna", "reporter", None, "måste höra till en kommun"),
        ("anna", "reporter", "380", "fyra siffror"),
    ],
)
def test_invalid_users_are_refused(
    engine: Engine, username: str, role: str, kommun: str | None, message: str
) -> None:
    with pytest.raises(UserError, match=message), unit_of_work(make_session_factory(engine)) as s:
        create_user(s, username, PASSWORD, role=role, kommun_code=kommun)


def test_duplicate_username_is_refused(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        create_user(session, "anna", PASSWORD, role="reporter", kommun_code="0380")
    with pytest.raises(UserError, match="upptaget"), unit_of_work(factory) as session:
        create_user(session, "anna", PASSWORD, role="reporter", kommun_code="0380")


def test_demo_fills_both_kommuner(demo_sessions: sessionmaker[Session]) -> None:
    with demo_sessions() as session:
        assert is_demo_database(session)
        levels = dict(
            session.execute(
                select(Area.kommun_code, func.count())
                .where(Area.level == "custom")
                .group_by(Area.kommun_code)
            ).all()
        )
        assert levels == {"0380": 24, "0191": 16}
        assert session.scalar(select(func.count()).select_from(User)) == len(DEMO_ACCOUNTS) == 6
        first, last = session.execute(
            select(func.min(Observation.occurred_on), func.max(Observation.occurred_on))
        ).one()
        assert last == END and first == END - timedelta(days=399)
        assert session.scalar(select(func.count()).where(Observation.is_synthetic.is_(False))) == 0


def test_demo_refuses_a_non_empty_database(demo_sessions: sessionmaker[Session]) -> None:
    with pytest.raises(DemoError, match="--force"), unit_of_work(demo_sessions) as session:
        build_demo(session, end=END, password=PASSWORD)


def test_cube_equals_sql_sums(demo_sessions: sessionmaker[Session]) -> None:
    with demo_sessions() as session:
        cube = build_cube(session, today=END)
        total = session.scalar(select(func.sum(Observation.count)))
        assert cube.total() == total
        first = monday_of(END) - timedelta(weeks=7)
        sql = dict(
            session.execute(
                select(Area.code, func.sum(Observation.count))
                .join(Area, Observation.area_id == Area.id)
                .where(Observation.occurred_on >= first, Observation.category_code == "samling")
                .group_by(Area.code)
            ).all()
        )
        per_area = cube.per_area(
            first_monday=first, last_monday=monday_of(END), categories=("samling",)
        )
        from_cube = {c: int(v) for c, v in zip(cube.areas.codes, per_area, strict=True) if v}
        assert from_cube == {c: int(v) for c, v in sql.items()}


def test_map_values_match_raw_counts_where_published(demo_sessions: sessionmaker[Session]) -> None:
    with demo_sessions() as session:
        cube = build_cube(session, today=END)
        first = monday_of(END) - timedelta(weeks=11)
        selection = Selection("0380", "custom", first, monday_of(END))
        table = map_values(cube, selection, COORDINATOR)
        raw = dict(
            session.execute(
                select(Area.code, func.sum(Observation.count))
                .join(Area, Observation.area_id == Area.id)
                .where(Observation.occurred_on >= first, Area.kommun_code == "0380")
                .group_by(Area.code)
            ).all()
        )
    for code, count, hidden in zip(
        table.frame["code"], table.frame["count"], table.frame["suppressed"], strict=True
    ):
        expected = int(raw.get(code, 0))
        if hidden:
            assert 1 <= expected <= 4
        else:
            # Published with the cell key method's bounded noise (clamped at k).
            assert abs(int(count) - expected) <= NOISE_BOUND or int(count) == 5


def test_kommun_level_is_the_sum_of_its_areas(demo_sessions: sessionmaker[Session]) -> None:
    with demo_sessions() as session:
        cube = build_cube(session, today=END)
    first = monday_of(END) - timedelta(weeks=3)
    kommun = map_values(
        cube,
        Selection("0191", "kommun", first, monday_of(END)),
        Viewer("admin", None, AudienceLevel(5)),
    )
    areas = cube.per_area(first_monday=first, last_monday=monday_of(END))
    in_sigtuna = [i for i, k in enumerate(cube.areas.kommun_codes) if k == "0191"]
    # The kommun's number is the sum of its areas' records, within the noise bound.
    assert abs(int(kommun.frame["count"].iloc[0]) - int(areas[in_sigtuna].sum())) <= NOISE_BOUND


def test_kommun_level_records_are_never_spread_onto_areas(
    demo_sessions: sessionmaker[Session],
) -> None:
    with unit_of_work(demo_sessions) as session:
        kommun_id = session.scalar(select(Area.id).where(Area.code == "0380"))
        session.add(
            Observation(
                area_id=kommun_id,
                occurred_on=END,
                category_code="brand",
                source_code="polisen_se",
                count=7,
                location_precision="kommun",
            )
        )
        bump_version(session)
    with demo_sessions() as session:
        cube = build_cube(session, today=END)
    week = monday_of(END)
    brand = Selection("0380", "custom", week, week, categories=("brand",), sources=("polisen_se",))
    assert (
        int(np.nansum(map_values(cube, brand, COORDINATOR).frame["count"].to_numpy(dtype=float)))
        == 0
    )
    (unplaced,) = unplaced_count(cube, brand, COORDINATOR).published_values()
    whole = Selection("0380", "kommun", week, week, categories=("brand",), sources=("polisen_se",))
    # The same 7 records at kommun level: the same published number both ways, within
    # the cell key noise (which number depends on the record ids, i.e. on the demo).
    assert map_values(cube, whole, COORDINATOR).published_values() == [unplaced]
    assert unplaced is not None and abs(unplaced - 7) <= NOISE_BOUND


def test_cube_cache_rebuilds_after_a_write(demo_sessions: sessionmaker[Session]) -> None:
    cache = CubeCache()
    with demo_sessions() as session:
        first = cache.get(session, today=END)
        assert cache.get(session, today=END) is first
    with unit_of_work(demo_sessions) as session:
        bump_version(session)
    with demo_sessions() as session:
        assert cache.get(session, today=END).version == first.version + 1


def test_trend_has_one_row_per_week_including_empty_ones(
    demo_sessions: sessionmaker[Session],
) -> None:
    with demo_sessions() as session:
        cube = build_cube(session, today=END)
    first = monday_of(END) - timedelta(weeks=60)  # starts before the data does
    table = weekly_trend(cube, Selection("0380", "custom", first, monday_of(END)), COORDINATOR)
    assert len(table.frame) == 61
    assert table.frame["week_label"].iloc[-1] == "2026-W22"
    assert int(table.frame["count"].iloc[0]) == 0


def test_queries_refuse_another_kommun(demo_sessions: sessionmaker[Session]) -> None:
    with demo_sessions() as session:
        cube = build_cube(session, today=END)
    with pytest.raises(AccessDenied):
        map_values(cube, Selection("0191", "custom", monday_of(END), monday_of(END)), COORDINATOR)


def test_new_observations_do_not_change_the_areas_version(
    demo_sessions: sessionmaker[Session],
) -> None:
    with demo_sessions() as session:
        areas_before = read_version(session, AREAS_VERSION)
        observations_before = read_version(session)
    with unit_of_work(demo_sessions) as session:
        bump_version(session)
    with demo_sessions() as session:
        assert read_version(session, AREAS_VERSION) == areas_before
        assert read_version(session) == observations_before + 1


def test_focus_area_must_be_of_the_chosen_level(demo_sessions: sessionmaker[Session]) -> None:
    """Leadership may not reach a finer layer through the trend's focus area."""
    with unit_of_work(demo_sessions) as session:
        kommun_id = session.scalar(select(Area.id).where(Area.code == "0380"))
        session.add(
            Area(
                code="0380-DESO-X",
                name="DeSO X",
                level="deso",
                kommun_code="0380",
                parent_id=kommun_id,
            )
        )
        bump_version(session)
    with demo_sessions() as session:
        cube = build_cube(session, today=END)
    leadership = Viewer("leadership", "0380", AudienceLevel(10))
    week = monday_of(END)
    with pytest.raises(AccessDenied):
        weekly_trend(
            cube, Selection("0380", "kommun", week, week, focus_area="0380-DESO-X"), leadership
        )
    with pytest.raises(AccessDenied):
        weekly_trend(
            cube, Selection("0380", "kommun", week, week, focus_area="0380-D01"), COORDINATOR
        )
    allowed = weekly_trend(
        cube, Selection("0380", "custom", week, week, focus_area="0380-D01"), leadership
    )
    assert len(allowed.frame) == 1


def test_cube_ignores_dates_outside_the_history_window(
    demo_sessions: sessionmaker[Session],
) -> None:
    """A mistyped year must not blow the week axis up to centuries (memory per worker)."""
    with unit_of_work(demo_sessions) as session:
        area_id = session.scalar(select(Area.id).where(Area.code == "0380-D01"))
        for day in (date(1926, 1, 1), date(2099, 12, 31)):
            session.add(
                Observation(
                    area_id=area_id,
                    occurred_on=day,
                    category_code="vald",
                    source_code="skola",
                    count=1,
                )
            )
        bump_version(session)
    with demo_sessions() as session:
        cube = build_cube(session, today=END)
        assert cube.first_monday >= date(END.year - 10, 1, 1)
        assert cube.last_monday == monday_of(END)
        assert cube.n_weeks < 60


def test_upgrade_from_0001_gives_existing_users_a_session_token(raw_engine: Engine) -> None:
    from alembic import command

    from data.storage.db import alembic_config

    cfg = alembic_config()
    with raw_engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0001")
        connection.exec_driver_sql(
            "INSERT INTO user_account (username, password_hash, role, kommun_code, active,"
            " created_at) VALUES ('gammal', 'x', 'admin', NULL, 1, '2026-01-01')"
        )
        command.upgrade(cfg, "head")
        tokens = (
            connection.exec_driver_sql("SELECT session_token FROM user_account").scalars().all()
        )
    assert len(tokens) == 1 and len(tokens[0]) >= 40


def test_upgrading_with_data_loses_no_row_of_a_referencing_table(raw_engine: Engine) -> None:
    """Batch migrations on SQLite copy a table and drop the old one; with foreign keys
    on, that drop deleted every row referencing it with ON DELETE CASCADE (a user's API
    tokens when 0012 copied ``user_account``, a walk's sightings when it copied
    ``walk_report``). ``migrate`` runs with foreign keys off and checks them after."""
    from data.storage.db import migrate

    migrate(raw_engine, "0009")
    with raw_engine.begin() as connection:
        for statement in (
            "INSERT INTO category (code, label, severity, sort_order, active)"
            " VALUES ('vald', 'Våld', 3.0, 0, 1)",
            "INSERT INTO source (code, label, sort_order) VALUES ('nattvandring', 'NV', 0)",
            "INSERT INTO area (code, name, level, kommun_code, is_synthetic)"
            " VALUES ('0380', 'Uppsala', 'kommun', '0380', 0)",
            "INSERT INTO user_account (username, password_hash, role, kommun_code, active,"
            " created_at, session_token) VALUES ('gammal', 'x', 'coordinator', '0380', 1,"
            " '2026-01-01', 'abc')",
            "INSERT INTO api_token (user_id, token_hash, label, created_at)"
            " VALUES (1, 'h', '', '2026-01-01')",
            "INSERT INTO walk_report (kommun_code, walked_on, start_time, end_time, walkers,"
            " rating, created_at) VALUES ('0380', '2026-05-01', '22:00', '01:00', 4,"
            " 'calm', '2026-05-01')",
            "INSERT INTO observation (area_id, occurred_on, category_code, source_code, count,"
            " location_precision, is_synthetic, created_at, walk_id) VALUES (1, '2026-05-01',"
            " 'vald', 'nattvandring', 2, 'kommun', 0, '2026-05-01', 1)",
        ):
            connection.exec_driver_sql(statement)
    tables = ("user_account", "api_token", "walk_report", "observation")

    def counts() -> dict[str, int]:
        with raw_engine.connect() as connection:
            return {
                t: connection.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one()
                for t in tables
            }

    assert counts() == dict.fromkeys(tables, 1)
    migrate(raw_engine, "head")
    assert counts() == dict.fromkeys(tables, 1)
    with raw_engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
