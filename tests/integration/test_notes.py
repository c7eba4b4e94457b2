"""Notes of observations (``area_notes``) on SQLite and PostgreSQL: scope, roles, disclosure.

A small hand-built kommun: two RegSO with DeSO under them, every area large enough not
to be merged, and observations whose counts sit just below and above k = 5 in two whole
months. Notes come from a fixed lattice — a DeSO (the notes level here) × a whole month,
every category and source — and only from cells the month's DeSO map publishes (issue
14: before, the category filter and coarser areas let a suppressed cell's notes through).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from hashlib import sha256
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from data.access.scope import AccessDenied, Selection, Viewer
from data.counts.cube import CountCube, build_cube, monday_of
from data.counts.notes import (
    HIDDEN_LEVEL,
    HIDDEN_SMALL,
    AreaNotes,
    area_notes,
    lattice_months,
    notes_level,
)
from data.counts.overview import map_values, unplaced_count
from data.privacy.disclosure import AudienceLevel
from data.privacy.pii import find_pii
from data.storage.db import AREAS_VERSION, bump_version, make_session_factory, unit_of_work
from data.storage.models import Area, AreaMember, Observation

END = date(2026, 5, 31)
WEEK = monday_of(END) - timedelta(weeks=1)
"""2026-05-18: a week of May."""
EARLIER = WEEK - timedelta(weeks=3)
"""2026-04-27: its Thursday is 30 April, so the week belongs to April."""
COORDINATOR = Viewer("coordinator", "0380", AudienceLevel(5))
POLICE_D3 = Viewer("police_area", "0380", AudienceLevel(5), area_codes=frozenset({"0380D3"}))
LEADERSHIP = Viewer("leadership", "0380", AudienceLevel(10))

R1_NOTES = ("Samling vid skolan på kvällen", "Klotter på fritidsgården", "Mopeder på gångvägen")
VAPEN_NOTE = "NOTE-D2-VAPEN"
"""Two reports about weapons in D2 in May: a suppressed cell (the attack of issue 14)."""
PII_NOTE = "Ring 070-123 45 67 om mer"
"""Stored behind the guard's back (as an old import might have): never shown."""


def _observation(
    area: Area,
    note: str | None,
    *,
    day: date = WEEK,
    category: str = "samling",
    count: int = 1,
    precision: str = "area",
) -> Observation:
    return Observation(
        area=area,
        occurred_on=day,
        category_code=category,
        source_code="skola",
        count=count,
        note=note,
        location_precision=precision,
    )


def _kommun(session: Session) -> dict[str, Area]:
    """Kommun 0380 → RegSO R1 (DeSO D1, D2, D6), R2 (DeSO D3, D4, D5)."""
    kommun = Area(
        code="0380", name="Uppsala", level="kommun", kommun_code="0380", population_10_19=20_000
    )
    regso = {
        code: Area(
            code=f"0380{code}",
            name=f"RegSO {code}",
            level="regso",
            kommun_code="0380",
            parent=kommun,
            population_10_19=1_200,
        )
        for code in ("R1", "R2")
    }
    deso = {
        code: Area(
            code=f"0380{code}",
            name=f"DeSO {code}",
            level="deso",
            kommun_code="0380",
            parent=regso[parent],
            population_10_19=400,
        )
        for code, parent in (
            ("D1", "R1"),
            ("D2", "R1"),
            ("D6", "R1"),
            ("D3", "R2"),
            ("D4", "R2"),
            ("D5", "R2"),
        )
    }
    session.add_all([kommun, *regso.values(), *deso.values()])
    return {"0380": kommun} | regso | deso


def _observations(areas: dict[str, Area]) -> list[Observation]:
    """May: D1 6 (published), D2 2 weapons (suppressed), D3 6 (published), D4 5
    (published), D6 20 without notes (the complement secondary suppression hides).
    April: D3 5 (published), D4 2 (suppressed), D6 20, and a kommun-level police record
    of 9 (the "unplaced" cell at DeSO level, published). D5 is empty."""
    d1, d2, d3, d4, d6 = (areas[c] for c in ("D1", "D2", "D3", "D4", "D6"))
    return [
        _observation(d1, R1_NOTES[0]),
        _observation(d1, R1_NOTES[0] + "  "),  # the same note again: shown once
        _observation(d1, R1_NOTES[1]),
        _observation(d1, None),
        _observation(d1, R1_NOTES[2]),
        _observation(d1, ""),
        *(_observation(d2, VAPEN_NOTE, category="vapen") for _ in range(2)),
        *(_observation(d3, "NOTE-D3-VALD", category="vald") for _ in range(4)),
        _observation(d3, PII_NOTE, category="vald"),
        _observation(d3, "NOTE-D3-SAMLING"),
        *(_observation(d4, "NOTE-D4-MAJ") for _ in range(5)),
        _observation(d6, None, count=20),
        *(_observation(d3, "NOTE-D3-OLD", day=EARLIER) for _ in range(5)),
        *(_observation(d4, "NOTE-D4-APRIL", day=EARLIER, category="vapen") for _ in range(2)),
        _observation(d6, None, day=EARLIER, count=20),
        _observation(areas["0380"], "NOTE-KOMMUN", day=EARLIER, count=9, precision="kommun"),
    ]


@pytest.fixture
def notes_db(engine: Engine) -> sessionmaker[Session]:
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        session.add_all(_observations(_kommun(session)))
        bump_version(session)
        bump_version(session, AREAS_VERSION)
    return factory


@pytest.fixture
def cube(notes_db: sessionmaker[Session]) -> CountCube:
    with notes_db() as session:
        return build_cube(session, today=END)


def _found(
    factory: sessionmaker[Session],
    cube: CountCube,
    level: str,
    focus: str,
    viewer: Viewer = COORDINATOR,
    *,
    first: date = WEEK,
    last: date = WEEK,
    categories: tuple[str, ...] = (),
    sources: tuple[str, ...] = (),
    limit: int = 10,
) -> AreaNotes:
    selection = Selection(
        "0380", level, first, last, categories=categories, sources=sources, focus_area=focus
    )
    with factory() as session:
        return area_notes(session, cube, selection, viewer, limit=limit)


def _notes(
    factory: sessionmaker[Session], cube: CountCube, *args: Any, **options: Any
) -> tuple[str, ...]:
    return _found(factory, cube, *args, **options).notes


APRIL = (EARLIER - timedelta(weeks=3), EARLIER)
MAY = (WEEK - timedelta(weeks=2), WEEK + timedelta(weeks=1))


def _map(cube: CountCube, month: tuple[date, date], viewer: Viewer = COORDINATOR) -> dict[str, str]:
    table = map_values(cube, Selection("0380", "deso", *month), viewer)
    return dict(zip(table.frame["code"], table.display(), strict=True))


def test_the_fixture_publishes_and_hides_the_cells_the_tests_rely_on(cube: CountCube) -> None:
    """The notes gate is the map's own table per month: it shows what the docstrings say."""
    may, april = _map(cube, MAY), _map(cube, APRIL)
    assert may["0380D2"] == "<5"
    assert april["0380D4"] == "<5"
    assert all(int(may[c]) >= 5 for c in ("0380D1", "0380D3", "0380D4"))
    assert int(april["0380D3"]) >= 5
    assert int(unplaced_count(cube, Selection("0380", "deso", *APRIL), COORDINATOR).display()[0])
    selection = Selection("0380", "deso", WEEK, WEEK)
    assert lattice_months(selection, cube) == [MAY]
    # April within the cube's weeks: the cube starts at the first recorded week.
    april_in_cube = (EARLIER, EARLIER)
    assert lattice_months(replace(selection, first_monday=EARLIER), cube) == [april_in_cube, MAY]
    assert notes_level(cube, "0380", COORDINATOR) == "deso"


def test_pii_note_is_what_the_guard_refuses() -> None:
    assert find_pii(PII_NOTE)


def test_a_published_area_gives_its_notes_deduplicated_in_hash_order(
    notes_db: sessionmaker[Session], cube: CountCube
) -> None:
    notes = _notes(notes_db, cube, "deso", "0380D1")
    assert notes == tuple(sorted(R1_NOTES, key=lambda t: sha256(t.encode()).hexdigest()))
    assert _notes(notes_db, cube, "deso", "0380D1", limit=2) == notes[:2]


def test_a_coarse_area_gives_only_the_notes_of_published_cells_inside_it(
    notes_db: sessionmaker[Session], cube: CountCube
) -> None:
    """R1 (28 in May) holds D1 (published), D2 (2 weapons, "<5") and D6 (no notes).
    Before issue 14 R1 showed D2's notes, and R1 minus D1 gave them away."""
    assert sorted(_notes(notes_db, cube, "regso", "0380R1")) == sorted(R1_NOTES)


def test_a_suppressed_or_empty_area_gives_no_notes_and_says_why(
    notes_db: sessionmaker[Session], cube: CountCube
) -> None:
    for focus in ("0380D2", "0380D5"):
        found = _found(notes_db, cube, "deso", focus)
        assert found.notes == ()
        assert found.hidden == HIDDEN_SMALL


def test_notes_ignore_the_category_and_source_filters(
    notes_db: sessionmaker[Session], cube: CountCube
) -> None:
    """Before issue 14 notes followed the filters: "all" minus "all but vapen" gave
    the weapon notes of a suppressed cell. Now every filter gives the same notes."""
    everything = _notes(notes_db, cube, "deso", "0380D3")
    assert set(everything) == {"NOTE-D3-VALD", "NOTE-D3-SAMLING"}
    for categories in (("vald",), ("samling",), ("vapen",), ("hot", "ran")):
        assert _notes(notes_db, cube, "deso", "0380D3", categories=categories) == everything
    assert _notes(notes_db, cube, "deso", "0380D3", sources=("polis",)) == everything


def test_notes_come_in_whole_months(notes_db: sessionmaker[Session], cube: CountCube) -> None:
    """One week of May reads the whole of May; a period reaching into April adds
    April's published cells."""
    may = _found(notes_db, cube, "deso", "0380D3")
    assert may.months == (date(2026, 5, 1),)
    assert "NOTE-D3-OLD" not in may.notes
    assert _notes(notes_db, cube, "deso", "0380D3", first=MAY[0], last=MAY[1]) == may.notes
    both = _found(notes_db, cube, "deso", "0380D3", first=EARLIER)
    assert both.months == (date(2026, 4, 1), date(2026, 5, 1))
    assert set(both.notes) == {"NOTE-D3-OLD", *may.notes}


def test_a_suppressed_month_adds_no_notes_to_a_longer_period(
    notes_db: sessionmaker[Session], cube: CountCube
) -> None:
    """D4: April 2 weapons ("<5"), May 5. April + May (7, published) shows May's
    note only, so the longer period minus May reveals nothing about April."""
    assert _notes(notes_db, cube, "deso", "0380D4") == ("NOTE-D4-MAJ",)
    assert _notes(notes_db, cube, "deso", "0380D4", first=EARLIER) == ("NOTE-D4-MAJ",)
    april = _found(notes_db, cube, "deso", "0380D4", first=EARLIER, last=EARLIER)
    assert april.notes == ()
    assert april.hidden == HIDDEN_SMALL


def test_a_note_the_pii_guard_refuses_is_never_shown(
    notes_db: sessionmaker[Session], cube: CountCube
) -> None:
    for level, focus in (("deso", "0380D3"), ("regso", "0380R2"), ("kommun", "0380")):
        for first in (WEEK, EARLIER):
            assert PII_NOTE not in _notes(notes_db, cube, level, focus, first=first, limit=100)


def test_kommun_level_notes_are_never_attributed_to_an_area(
    notes_db: sessionmaker[Session], cube: CountCube
) -> None:
    """The kommun-level record is its own cell (the map's "unplaced" count, 9 in April):
    shown for the kommun, never for an area inside it."""
    assert set(_notes(notes_db, cube, "kommun", "0380", first=EARLIER, last=EARLIER)) == {
        "NOTE-D3-OLD",
        "NOTE-KOMMUN",
    }
    assert _notes(notes_db, cube, "regso", "0380R2", first=EARLIER, last=EARLIER) == (
        "NOTE-D3-OLD",
    )


def test_at_most_k_notes_are_shown_each_among_the_first_k_of_its_cell(
    notes_db: sessionmaker[Session], cube: CountCube
) -> None:
    """The kommun in May has 6 distinct notes in published cells; k = 5 are shown, even
    when more are asked for, and each is among the first 5 (hash order) of its DeSO."""
    shown = _notes(notes_db, cube, "kommun", "0380", limit=100)
    assert len(shown) == COORDINATOR.level.k
    firsts = {
        note
        for focus in ("0380D1", "0380D3", "0380D4")
        for note in _notes(notes_db, cube, "deso", focus, limit=100)
    }
    assert set(shown) <= firsts
    assert VAPEN_NOTE not in shown


def test_the_focus_must_hold_whole_areas_of_the_notes_level(engine: Engine) -> None:
    """With an own area composed of D1 and D3 the notes level is "custom" (the level
    Översikt opens with); R1 holds no whole own area: no notes, and the reason."""
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        areas = _kommun(session)
        own = Area(
            code="0380C1",
            name="Eget område",
            level="custom",
            kommun_code="0380",
            parent=areas["0380"],
            population_10_19=800,
        )
        session.add(own)
        session.flush()
        session.add_all(AreaMember(area_id=own.id, member_id=areas[c].id) for c in ("D1", "D3"))
        session.add_all(_observations(areas))
        bump_version(session)
        bump_version(session, AREAS_VERSION)
    with factory() as session:
        cube = build_cube(session, today=END)
    assert notes_level(cube, "0380", COORDINATOR) == "custom"
    across = _found(factory, cube, "regso", "0380R1")
    assert across.notes == ()
    assert across.hidden == HIDDEN_LEVEL
    inside = _notes(factory, cube, "custom", "0380C1", limit=100)
    assert set(inside) <= {*R1_NOTES, "NOTE-D3-VALD", "NOTE-D3-SAMLING"}
    assert len(inside) == COORDINATOR.level.k


def test_police_sees_notes_only_in_assigned_areas(
    notes_db: sessionmaker[Session], cube: CountCube
) -> None:
    shown = _notes(notes_db, cube, "deso", "0380D3", POLICE_D3)
    assert set(shown) == {"NOTE-D3-VALD", "NOTE-D3-SAMLING"}
    with pytest.raises(AccessDenied):
        _notes(notes_db, cube, "deso", "0380D1", POLICE_D3)
    with pytest.raises(AccessDenied):
        _notes(notes_db, cube, "kommun", "0380", POLICE_D3)


@pytest.mark.parametrize(("level", "focus"), [("kommun", "0380"), ("regso", "0380R1")])
def test_leadership_never_gets_notes(
    notes_db: sessionmaker[Session], cube: CountCube, level: str, focus: str
) -> None:
    """Refused even where the count is published at the leadership threshold."""
    with pytest.raises(AccessDenied):
        _notes(notes_db, cube, level, focus, LEADERSHIP)


def test_another_kommun_is_refused(notes_db: sessionmaker[Session], cube: CountCube) -> None:
    other = Viewer("coordinator", "0191", AudienceLevel(5))
    with pytest.raises(AccessDenied):
        _notes(notes_db, cube, "regso", "0380R1", other)
