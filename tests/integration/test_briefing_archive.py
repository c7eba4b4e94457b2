"""The lägesbild's assessment drafts and published archive: exact JSON round trip,
immutable records on both databases, the PII guard, and who may write and read what."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from alembic import command
from flask import Flask
from sqlalchemy import Engine, inspect, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from dashboard.state import app_state, today
from data.access.scope import AccessDenied, BadSelection, Viewer
from data.briefing.archive import (
    AssessmentRejected,
    NotPublished,
    archive,
    assessment_for,
    publish,
    published,
    save_assessment,
)
from data.briefing.compose import build_briefing
from data.briefing.model import (
    AreaValue,
    Briefing,
    Comparison,
    EventLine,
    Method,
    WalkFigures,
)
from data.briefing.period import parse_period, previous_period
from data.briefing.serial import briefing_from_json, briefing_to_json
from data.privacy.disclosure import AudienceLevel
from data.storage.db import alembic_config, make_session_factory, unit_of_work
from data.storage.models import AuditEvent, LagesbildPublished, User
from tests.clock import TEST_TODAY

LEVEL_K10 = AudienceLevel(10, noise_key=b"t", time_grain="month")
LEVEL_K5 = AudienceLevel(5, noise_key=b"t")
COORDINATOR = Viewer("coordinator", "0380", LEVEL_K5)
LEADERSHIP = Viewer("leadership", "0380", LEVEL_K10)
OTHER_COORDINATOR = Viewer("coordinator", "0191", LEVEL_K5)
OTHER_LEADERSHIP = Viewer("leadership", "0191", LEVEL_K10)
PDF = b"%PDF-1.4\n% a tiny stand-in for the real PDF\n%%EOF\n"


def hand_briefing(audience: str = "leadership", code: str = "2026-11") -> Briefing:
    """A small briefing with every kind of field (no demo needed)."""
    period = parse_period(code)
    c = Comparison(
        "Alla kategorier", "452", 452, "<10", None, "skyddad", None, "up", "unknown", "Å"
    )
    return Briefing(
        kommun_code="0380",
        kommun_name="Uppsala",
        audience=audience,  # type: ignore[arg-type]
        level="custom",
        period=period,
        previous=previous_period(period),
        year_before=parse_period("2025-11"),
        produced=datetime(2026, 12, 2, 11, 5, 7, 123456, tzinfo=UTC),
        complete=True,
        counted_to=period.last_day,
        headline=(c, replace(c, label="Hot")),
        areas=(AreaValue("0380-C1", "Gottsunda/Valsätra", "<10", None, True),),
        rising_areas=(c,),
        falling_areas=(),
        rising_categories=(),
        falling_categories=(c,),
        monthly=(("nov 2026", "452", 452, True), ("dec 2026", "<10", None, False)),
        events=(EventLine("Valborg", "30 april 2026", "49", "49,7", "1,0 ×", False),),
        walks=WalkFigures(3, 2, 11, 1),
        assessment="Lugnare i centrum.\nOro kring skolan i söder.",
        actions="Fler vuxna ute fredagar.",
        method=Method(
            10, "<10", "skyddad", "±2", ("Gottsunda (sammanslaget med X)",), "hela månader"
        ),
    )


def test_the_json_round_trip_is_exact() -> None:
    for audience in ("leadership", "coordinator"):
        b = hand_briefing(audience)
        assert briefing_from_json(briefing_to_json(b)) == b
        assert briefing_to_json(briefing_from_json(briefing_to_json(b))) == briefing_to_json(b)


def test_a_demo_briefing_round_trips(app: Flask) -> None:
    state = app_state(app)
    with state.sessions() as session:
        cube = state.cubes.get(session, today=today(app))
        for code in (f"{TEST_TODAY.year}", f"{TEST_TODAY:%Y-%m}"):
            b = build_briefing(
                session,
                cube,
                LEADERSHIP,
                "0380",
                "custom",
                parse_period(code),
                today=TEST_TODAY,
                now=datetime(2026, 12, 2, 11, tzinfo=UTC),
            )
            assert briefing_from_json(briefing_to_json(b)) == b


def test_other_shapes_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown briefing format"):
        briefing_from_json('{"format": 99, "briefing": {}}')
    with pytest.raises(ValueError, match="not a stored briefing"):
        briefing_from_json('{"format": 1, "briefing": {"kommun_code": "0380"}}')


@pytest.fixture
def engine_session(engine: Engine) -> Iterator[Session]:
    with make_session_factory(engine)() as session:
        yield session


def _publish(engine: Engine, audience: str = "leadership") -> int:
    with unit_of_work(make_session_factory(engine)) as session:
        return publish(session, COORDINATOR, None, hand_briefing(audience), PDF)


def test_published_records_cannot_be_updated(engine: Engine) -> None:
    record_id = _publish(engine)
    factory = make_session_factory(engine)
    attempts = (
        update(LagesbildPublished).values(content="{}"),
        update(LagesbildPublished)
        .values(pdf=b"%PDF-forged")
        .where(LagesbildPublished.id == record_id),
        update(LagesbildPublished).values(pdf_sha256="0" * 64),
    )
    for attempt in attempts:
        with pytest.raises(DBAPIError, match="immutable"), unit_of_work(factory) as session:
            session.execute(attempt)
    with pytest.raises(DBAPIError, match="immutable"), engine.begin() as connection:
        connection.execute(text("UPDATE lagesbild_published SET audience = 'coordinator'"))
    with pytest.raises(DBAPIError, match="immutable"), unit_of_work(factory) as session:
        row = session.get(LagesbildPublished, record_id)
        assert row is not None
        row.period_code = "2026-10"  # through the ORM too
    with factory() as session:
        briefing, pdf = published(session, COORDINATOR, record_id)
    assert briefing == hand_briefing() and pdf == PDF


def test_migration_0015_downgrades_and_upgrades_again(engine: Engine) -> None:
    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0014")
    tables = inspect(engine).get_table_names()
    assert "lagesbild_published" not in tables and "lagesbild_assessment" not in tables
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
    _publish(engine)
    with pytest.raises(DBAPIError, match="immutable"), engine.begin() as connection:
        connection.execute(update(LagesbildPublished).values(content="{}"))


def test_publishing_writes_an_audit_row_with_the_digest(engine: Engine) -> None:
    record_id = _publish(engine)
    with make_session_factory(engine)() as session:
        event = session.scalars(select(AuditEvent)).one()
        row = session.get(LagesbildPublished, record_id)
    assert row is not None and len(row.pdf_sha256) == 64
    assert (event.action, event.target) == ("lagesbild.published", "0380")
    assert row.pdf_sha256 in event.details and "2026-11" in event.details
    assert "Lugnare" not in event.details  # ids and codes, never content


def test_only_a_coordinator_of_the_kommun_publishes(engine_session: Session) -> None:
    for viewer in (LEADERSHIP, OTHER_COORDINATOR, Viewer("admin", None, LEVEL_K5)):
        with pytest.raises(AccessDenied):
            publish(engine_session, viewer, None, hand_briefing(), PDF)
    with pytest.raises(ValueError, match="not a PDF"):
        publish(engine_session, COORDINATOR, None, hand_briefing(), b"<html>")
    with pytest.raises(AssessmentRejected, match="telefonnummer"):
        leaky = replace(hand_briefing(), actions="Ring 070-123 45 67 på fredag.")
        publish(engine_session, COORDINATOR, None, leaky, PDF)


def test_leadership_sees_only_leadership_records(engine: Engine) -> None:
    first = _publish(engine, "leadership")
    second = _publish(engine, "coordinator")
    with make_session_factory(engine)() as session:
        assert [e.id for e in archive(session, COORDINATOR, "0380")] == [second, first]
        entries = archive(session, LEADERSHIP, "0380")
        assert [(e.id, e.audience, e.period_label) for e in entries] == [
            (first, "leadership", "november 2026")
        ]
        assert entries[0].published_by == "" and entries[0].published_at.tzinfo is not None
        with pytest.raises(AccessDenied, match="samordnare"):
            published(session, LEADERSHIP, second)
        assert published(session, LEADERSHIP, first)[0].audience == "leadership"
        for viewer in (OTHER_COORDINATOR, OTHER_LEADERSHIP):
            with pytest.raises(AccessDenied):
                published(session, viewer, first)
            with pytest.raises(AccessDenied):
                archive(session, viewer, "0380")
        with pytest.raises(AccessDenied):
            archive(session, Viewer("reporter", "0380", LEVEL_K5), "0380")
        with pytest.raises(NotPublished):
            published(session, COORDINATOR, 999_999)


def test_assessment_drafts_are_saved_per_kommun_and_period(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        save_assessment(session, COORDINATOR, None, "0380", "2026-11", "  Lugnt.\r\n", "Inga.")
        save_assessment(session, COORDINATOR, None, "0380", "2026-t3", "Tertialen.", "")
    with unit_of_work(factory) as session:
        save_assessment(
            session, COORDINATOR, None, "0380", "2026-11", "Lugnare.", "Fler vuxna ute."
        )
    with factory() as session:
        assert assessment_for(session, "0380", "2026-11") == ("Lugnare.", "Fler vuxna ute.")
        assert assessment_for(session, "0380", "2026-T3") == ("Tertialen.", "")
        assert assessment_for(session, "0380", "2026-10") == ("", "")
        assert assessment_for(session, "0191", "2026-11") == ("", "")


def test_assessments_refuse_personal_data_length_other_roles_and_junk(
    engine_session: Session,
) -> None:
    s = engine_session
    with pytest.raises(AssessmentRejected) as refused:
        save_assessment(s, COORDINATOR, None, "0380", "2026-11", "Kalle Andersson syntes.", "")
    assert set(refused.value.errors) == {"Bedömning"} and "namn" in str(refused.value)
    assert "Kalle" not in str(refused.value)  # the guard never echoes the value
    with pytest.raises(AssessmentRejected, match="e-postadress"):
        save_assessment(s, COORDINATOR, None, "0380", "2026-11", "", "Mejla kim@example.se")
    with pytest.raises(AssessmentRejected, match="högst 4000 tecken"):
        save_assessment(s, COORDINATOR, None, "0380", "2026-11", "x" * 4001, "")
    for viewer in (LEADERSHIP, OTHER_COORDINATOR, Viewer("reporter", "0380", LEVEL_K5)):
        with pytest.raises(AccessDenied):
            save_assessment(s, viewer, None, "0380", "2026-11", "Lugnt.", "")
    with pytest.raises(BadSelection):
        save_assessment(s, COORDINATOR, None, "0380", "november", "Lugnt.", "")


def test_archive_names_the_publishing_user(app: Flask) -> None:
    state = app_state(app)
    with unit_of_work(state.sessions) as session:
        user_id = session.scalar(select(User.id).where(User.username == "samordnare"))
        record_id = publish(session, COORDINATOR, user_id, hand_briefing(), PDF)
    with state.sessions() as session:
        entry = next(e for e in archive(session, LEADERSHIP, "0380") if e.id == record_id)
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "lagesbild.published")
        ).one()
    assert entry.published_by == "samordnare" and event.actor_name == "samordnare"
