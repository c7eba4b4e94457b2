"""save_schedule checks every row itself (no HTTP, no callback): personal data in a meeting
point, an area outside the kommun and the other row errors are refused before anything is
written; a valid row is saved."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from data.planning.optimiser import Walk
from data.planning.registry import PlanError, add_association
from data.planning.schedule import save_schedule
from data.planning.schedule_rows import check_rows, proposal_rows
from data.storage.db import make_engine, make_session_factory, unit_of_work
from data.storage.models import Area, PlannedWalk
from data.storage.setup import initialise_database

FRIDAY = date(2026, 4, 24)
LAST = date(2026, 4, 30)
KOMMUN = "0380"


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'schedule.sqlite'}")
    initialise_database(engine)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        for code, kommun in (("0380-A", KOMMUN), ("0380-B", KOMMUN), ("0191-A", "0191")):
            session.add(Area(code=code, name=f"Område {code}", level="custom", kommun_code=kommun))
        add_association(session, KOMMUN, "IFK Demo")
    yield factory
    engine.dispose()


def row(**changes: Any) -> dict[str, Any]:
    return {
        "night": FRIDAY.isoformat(),
        "area": "0380-A",
        "association": "IFK Demo",
        "walkers": 4,
        "start": "20:30",
        "end": "01:30",
        "meeting_point": "Biblioteket",
        "value": 1.5,
    } | changes


def saved(sessions: sessionmaker[Session]) -> list[tuple[date, str, int, str]]:
    with sessions() as session:
        return [
            (w.night, w.area.code, w.walkers, w.meeting_point)
            for w in session.scalars(select(PlannedWalk).order_by(PlannedWalk.id))
        ]


def save(sessions: sessionmaker[Session], rows: list[Any], **options: Any) -> int:
    with unit_of_work(sessions) as session:
        return save_schedule(session, KOMMUN, FRIDAY, LAST, rows, **options)


def test_a_valid_row_is_saved_with_its_meeting_point(sessions: sessionmaker[Session]) -> None:
    assert save(sessions, [row(), row(area="0380-B", meeting_point="")]) == 2
    assert saved(sessions) == [
        (FRIDAY, "0380-A", 4, "Biblioteket"),
        (FRIDAY, "0380-B", 4, ""),
    ]


@pytest.mark.parametrize(
    ("point", "kind"),
    [
        ("Hos Anna 19121212-1212", "personnummer"),
        ("Ring 070-123 45 67 vid entrén", "telefonnummer"),
    ],
)
def test_personal_data_in_a_meeting_point_is_refused_and_nothing_is_written(
    sessions: sessionmaker[Session], point: str, kind: str
) -> None:
    save(sessions, [row()])
    before = saved(sessions)
    with pytest.raises(PlanError) as refused:
        save(sessions, [row(area="0380-B"), row(meeting_point=point)])
    assert list(refused.value.errors) == ["rad 2"]
    message = refused.value.errors["rad 2"]
    assert kind in message and "samlingsplats" in message
    for part in ("1212", "070", "45 67"):
        assert part not in str(refused.value)
    assert saved(sessions) == before


def test_a_walk_with_personal_data_in_its_meeting_point_is_refused_too(
    sessions: sessionmaker[Session],
) -> None:
    walk = Walk("w1", FRIDAY, "0380-A", 4, "20:30", "01:30", "", 1.0)
    with pytest.raises(PlanError, match="telefonnummer"):
        save(sessions, [walk], meeting_points={"0380-A": "070-123 45 67"})
    assert saved(sessions) == []
    assert save(sessions, [walk], meeting_points={"0380-A": "Torget"}) == 1
    assert saved(sessions) == [(FRIDAY, "0380-A", 4, "Torget")]


def test_an_area_outside_the_kommun_is_refused_and_nothing_is_written(
    sessions: sessionmaker[Session],
) -> None:
    save(sessions, [row()])
    before = saved(sessions)
    with pytest.raises(PlanError) as refused:
        save(sessions, [row(area="0380-B"), row(area="0191-A")])
    assert refused.value.errors == {"rad 2": "Rad 2: okänt område"}
    assert saved(sessions) == before


def test_an_area_the_caller_may_not_plan_is_refused(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(PlanError, match="okänt område"):
        save(sessions, [row(area="0380-B")], areas={"0380-A"})
    assert save(sessions, [row(area="0380-A")], areas={"0380-A"}) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"night": "2026-05-01"}, "natten ligger utanför perioden"),
        ({"night": "inte ett datum"}, "natten ligger utanför perioden"),
        ({"walkers": 2}, "en grupp är 3–100 vandrare"),
        ({"walkers": 101}, "en grupp är 3–100 vandrare"),
        ({"walkers": "många"}, "en grupp är 3–100 vandrare"),
        ({"start": "25:00"}, "skriv starttiden som 20:30"),
        ({"end": "1.30"}, "skriv sluttiden som 01:30"),
        ({"meeting_point": "x" * 121}, "samlingsplatsen är för lång"),
        ({"meeting_point": "anna@example.se"}, "e-post"),
    ],
)
def test_every_field_of_a_row_is_checked(change: dict[str, Any], message: str) -> None:
    with pytest.raises(PlanError) as refused:
        check_rows(
            [row(**change)],
            first=FRIDAY,
            last=LAST,
            areas={"0380-A"},
            associations={"IFK Demo"},
            min_group=3,
        )
    assert message in refused.value.errors["rad 1"]
    assert "anna@" not in str(refused.value)


def test_the_same_area_twice_a_night_and_forged_rows_are_refused() -> None:
    def check(rows: Any) -> dict[str, str]:
        with pytest.raises(PlanError) as refused:
            check_rows(
                rows, first=FRIDAY, last=LAST, areas={"0380-A"}, associations=(), min_group=3
            )
        return refused.value.errors

    assert check([row(), row()]) == {"rad 2": "Rad 2: området har redan en grupp den natten"}
    assert "rad 1" in check(["inte en rad"])
    assert check("inte ett schema") == {"schema": "Ogiltigt schema."}
    assert check([row()] * 2001) == {"schema": "Ogiltigt schema."}


def test_an_unknown_association_is_dropped_and_the_walk_kept() -> None:
    walks, points = check_rows(
        [row(association="Okänd förening", meeting_point="  Torget   norr ")],
        first=FRIDAY,
        last=LAST,
        areas={"0380-A"},
        associations={"IFK Demo"},
        min_group=3,
    )
    assert [(w.area, w.association, w.walkers, w.value) for w in walks] == [("0380-A", "", 4, 1.5)]
    assert points == {"0380-A": "Torget norr"}


def test_proposal_rows_round_trip_through_the_checks() -> None:
    walk = Walk("o1", FRIDAY, "0380-A", 5, "22:30", "03:30", "IFK Demo", 2.345)
    rows = proposal_rows([walk], {"0380-A": "Centrum"})
    assert rows[0]["area_name"] == "Centrum" and rows[0]["value"] == 2.35
    walks, _points = check_rows(
        rows, first=FRIDAY, last=LAST, areas={"0380-A"}, associations={"IFK Demo"}, min_group=3
    )
    assert (walks[0].night, walks[0].walkers, walks[0].association) == (FRIDAY, 5, "IFK Demo")
