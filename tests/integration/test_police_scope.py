"""The one police scope rule (:func:`data.access.scope.police_coverage`): the counts and
Samverkan polis (cube positions, :func:`data.planning.police.plan_areas`) and the
weekly actions and walks (database ids, :func:`data.weekly.actions.scoped_area_ids`)
give a police viewer the same areas."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from dashboard.auth import viewer_for
from dashboard.state import app_state
from data.access.scope import POLICE_SCOPE_DEPTH, Viewer, police_coverage
from data.counts.cube import build_cube
from data.planning.police import plan_areas
from data.privacy.disclosure import AudienceLevel
from data.storage.db import make_engine, make_session_factory, unit_of_work
from data.storage.models import Area
from data.storage.setup import initialise_database
from data.weekly.actions import scoped_area_ids
from tests.clock import TEST_TODAY
from tests.hierarchy_data import D1, D2, D3, D4, EGEN, KOMMUN, OTHER_AREA, R1, R2, build_hierarchy

TODAY = date(2026, 5, 31)


def test_coverage_takes_members_and_areas_inside_up_to_the_depth() -> None:
    children = {"k": ["r1", "r2"], "r1": ["d1"], "d1": ["x1"], "x1": ["x2"], "x2": ["x3"]}
    members = {"own": ["d9", "r2"], "d9": ["never"]}
    assert police_coverage(["r1"], children, members) == {"r1", "d1", "x1", "x2", "x3"}
    assert police_coverage(["own"], children, members) == {"own", "d9", "r2"}
    deep = {str(i): [str(i + 1)] for i in range(10)}
    assert police_coverage(["0"], deep, {}) == {str(i) for i in range(POLICE_SCOPE_DEPTH + 1)}
    assert police_coverage(["a"], {"a": ["b"], "b": ["a"]}, {}) == {"a", "b"}
    assert police_coverage([], children, members) == frozenset()


def _assignments(app: Flask) -> list[frozenset[str]]:
    with app_state(app).sessions() as session:
        rows = session.execute(
            select(Area.code, Area.level).where(Area.kommun_code == "0380").order_by(Area.code)
        ).all()
    by_level: dict[str, list[str]] = {}
    for code, level in rows:
        by_level.setdefault(level, []).append(code)
    picks = [frozenset(f"0380-D0{i}" for i in range(1, 7))]
    picks += [frozenset(codes[:2]) for codes in by_level.values()]
    picks.append(frozenset({"0380-D01", "9999-X"}))  # another kommun's code is ignored
    return picks


def test_the_counts_and_the_weekly_actions_give_the_police_the_same_areas(app: Flask) -> None:
    picks = _assignments(app)
    assert len(picks) >= 4  # the police's six areas, two per level, another kommun's
    with app_state(app).sessions() as session:
        cube = app_state(app).cubes.get(session, today=TEST_TODAY)
        for pick in picks:
            with app.test_request_context():
                viewer = viewer_for("police_area", "0380", pick)
            by_cube = plan_areas(cube, viewer, "0380")
            ids = scoped_area_ids(session, viewer)
            assert ids is not None and by_cube is not None
            by_sql = set(session.scalars(select(Area.code).where(Area.id.in_(sorted(ids)))))
            assert by_sql == by_cube, sorted(pick)
            assert {c for c in pick if c.startswith("0380")} <= by_cube
            assert "9999-X" not in by_cube


@pytest.fixture(scope="module")
def hierarchy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The hand-written hierarchy (:mod:`tests.hierarchy_data`: an own area ``EGEN``
    of D1 and D3) on SQLite: the demo has no own-area members."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('scope') / 'scope.sqlite'}")
    initialise_database(engine)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        build_hierarchy(session, today=TODAY)
    yield factory
    engine.dispose()


@pytest.mark.parametrize(
    ("assigned", "expected"),
    [
        ({EGEN}, {EGEN, D1, D3}),
        ({R1}, {R1, D1, D2}),
        ({R2, EGEN}, {R2, D3, D4, EGEN, D1}),
        ({KOMMUN}, {KOMMUN, R1, R2, D1, D2, D3, D4, EGEN}),
        ({OTHER_AREA}, set()),
    ],
)
def test_both_parts_agree_on_own_areas_and_their_members(
    hierarchy: Any, assigned: set[str], expected: set[str]
) -> None:
    viewer = Viewer("police_area", KOMMUN, AudienceLevel(5), frozenset(assigned))
    with hierarchy() as session:
        cube = build_cube(session, today=TODAY)
        by_cube = plan_areas(cube, viewer, KOMMUN)
        ids = scoped_area_ids(session, viewer)
        assert ids is not None
        by_sql = set(session.scalars(select(Area.code).where(Area.id.in_(sorted(ids)))))
    assert by_cube == by_sql == expected
