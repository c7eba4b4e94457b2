"""A person's name is refused in every free-text field a user can fill in, nothing is
stored, and the refusal never repeats the name (DOMAIN.md, privacy rule 3).

The fields: an observation's note (report form and import share ``validate_observation``),
a walk report's note, a local event's name, an association's name, a parent meeting's
theme, a planned walk's meeting point and an own area's name (``test_areas.py``). Place,
school and event names in the same fields are accepted.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from data.calendar.municipal import EventRejected, add_local_event
from data.calendar.windows import STOCKHOLM
from data.ingest.observation_rows import validate_observation
from data.ingest.walks import validate_walk
from data.planning.meetings import add_meeting
from data.planning.registry import PlanError, add_association
from data.planning.schedule import save_schedule
from data.storage.db import make_engine, make_session_factory, unit_of_work
from data.storage.models import Area, Association, LocalEvent, ParentMeeting, PlannedWalk
from data.storage.setup import initialise_database

KOMMUN = "0380"
FRIDAY = date(2026, 4, 24)
TODAY = date(2026, 5, 2)
NAMED = (
    "Kalle Andersson 13 år sågs langa",
    "Oro för Zeynep Yilmaz",
    "Brodern till Kerim hotade personal",
    "K.A. och två kompisar",
)
NOT_NAMED = (
    "Samling vid Gottsunda centrum",
    "Lugnt i Valsta under Valborg",
    "Per kväll ca 10 ungdomar vid Stenhagen centrum",
)


def _leaks(message: str) -> bool:
    return any(word in message for word in ("Kalle", "Andersson", "Zeynep", "Yilmaz", "Kerim"))


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'names.sqlite'}")
    initialise_database(engine)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        session.add(Area(code="0380-A", name="Område A", level="custom", kommun_code=KOMMUN))
        add_association(session, KOMMUN, "IFK Demo")
    yield factory
    engine.dispose()


def _count(sessions: sessionmaker[Session], model: type) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("note", NAMED)
def test_a_name_in_an_observation_note_is_refused_and_blanked(note: str) -> None:
    row, errors = validate_observation(
        {
            "datum": "2026-05-01",
            "omrade": "0380-A",
            "kategori": "samling",
            "kalla": "skola",
            "anteckning": note,
        },
        categories={"samling": "samling"},
        sources={"skola": "skola"},
        today=TODAY,
    )
    assert row is None
    assert [column for column, _ in errors] == ["anteckning"]
    assert "personnamn" in errors[0][1] and "beskriv gruppen" in errors[0][1]
    assert not _leaks(errors[0][1])


def _walk(note: str) -> tuple[object, dict[str, str]]:
    return validate_walk(
        walked_on="2026-05-01",
        areas=["0380-A"],
        start="20:00",
        end="23:00",
        walkers="4",
        rating="calm",
        seen=[],
        note=note,
        categories={"samling": "samling"},
        today=TODAY,
    )


@pytest.mark.parametrize("note", NAMED)
def test_a_name_in_a_walk_note_is_refused(note: str) -> None:
    walk, errors = _walk(note)
    assert walk is None
    assert "personnamn" in errors["anteckning"]
    assert not _leaks(str(errors))


@pytest.mark.parametrize("note", NOT_NAMED)
def test_places_and_events_in_a_walk_note_are_accepted(note: str) -> None:
    walk, errors = _walk(note)
    assert errors == {}
    assert walk is not None


def _event(session: Session, name: str) -> int:
    return add_local_event(
        session,
        KOMMUN,
        name=name,
        kind="festival",
        starts_at=datetime(2026, 8, 8, 12, tzinfo=STOCKHOLM),
        ends_at=datetime(2026, 8, 8, 23, tzinfo=STOCKHOLM),
    )


def test_a_name_in_a_local_event_name_is_refused(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(EventRejected) as refused, unit_of_work(sessions) as session:
        _event(session, "Minnesstund för Kalle Andersson")
    assert "personnamn" in refused.value.errors["namn"]
    assert not _leaks(str(refused.value.errors))
    assert _count(sessions, LocalEvent) == 0
    with unit_of_work(sessions) as session:
        _event(session, "Kulturnatten i Gottsunda")
    assert _count(sessions, LocalEvent) == 1


def test_a_name_in_an_association_name_is_refused(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(PlanError) as refused, unit_of_work(sessions) as session:
        add_association(session, KOMMUN, "Föräldragruppen, kontakt Anna Svensson")
    assert "personnamn" in refused.value.errors["förening"]
    assert "Anna" not in str(refused.value) and "Svensson" not in str(refused.value)
    with unit_of_work(sessions) as session:
        add_association(session, KOMMUN, "Nattvandrarna Märsta")
    assert _count(sessions, Association) == 2  # IFK Demo and Nattvandrarna Märsta


def test_a_name_in_a_parent_meeting_theme_is_refused(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(PlanError) as refused, unit_of_work(sessions) as session:
        add_meeting(
            session,
            KOMMUN,
            area_code="0380-A",
            held_on=FRIDAY,
            place="school",
            theme="Oro för Zeynep Yilmaz i 8B",
            attending=None,
            follow_up_on=None,
        )
    assert "personnamn" in refused.value.errors["tema"]
    assert not _leaks(str(refused.value))
    assert _count(sessions, ParentMeeting) == 0


def test_a_name_in_a_meeting_point_is_refused(sessions: sessionmaker[Session]) -> None:
    row = {
        "night": FRIDAY.isoformat(),
        "area": "0380-A",
        "association": "IFK Demo",
        "walkers": 4,
        "start": "20:30",
        "end": "01:30",
        "meeting_point": "Hemma hos familjen Andersson",
        "value": 1.0,
    }
    with pytest.raises(PlanError) as refused, unit_of_work(sessions) as session:
        save_schedule(session, KOMMUN, FRIDAY, FRIDAY, [row])
    assert "personnamn" in refused.value.errors["rad 1"]
    assert not _leaks(str(refused.value))
    assert _count(sessions, PlannedWalk) == 0
    with unit_of_work(sessions) as session:
        save_schedule(
            session, KOMMUN, FRIDAY, FRIDAY, [row | {"meeting_point": "Utanför Ica Maxi"}]
        )
    assert _count(sessions, PlannedWalk) == 1
