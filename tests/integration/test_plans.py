"""Planning on the demo data: propose, save, report, planned vs done, pay, meetings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from data.access.scope import Selection, Viewer
from data.access.users import create_user
from data.calendar.windows import DEFAULT_WINDOW_RULES
from data.counts.cube import build_cube
from data.demo.build import build_demo
from data.ingest.walks import Seen, Walk, store_walk
from data.planning.meetings import add_meeting
from data.planning.registry import PlanError, add_association, add_signup, set_severity, severity
from data.planning.schedule import (
    NORMAL_WINDOW,
    SPECIAL_WINDOW,
    compensation,
    planned_vs_done,
    propose,
    reminders,
    save_schedule,
    walk_nights,
    yearly_figures,
)
from data.planning.walk_links import linkable_walks, set_association, set_confirmed
from data.privacy.disclosure import AudienceLevel
from data.storage.db import make_engine, make_session_factory, unit_of_work
from data.storage.models import User
from data.storage.setup import initialise_database
from tests.clock import TEST_TODAY
from tests.conftest import copy_sqlite

TODAY = date(2026, 4, 20)  # a Monday before valborg
VIEWER = Viewer("coordinator", "0380", AudienceLevel(5, noise_key=b"t"))


@pytest.fixture(scope="module")
def plans_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database ending the day before ``TODAY``, built once for the module."""
    path = tmp_path_factory.mktemp("plans") / "p.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    initialise_database(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        build_demo(session, end=TODAY - timedelta(days=1), password="demo-lösenord-1")
    engine.dispose()
    return path


@pytest.fixture
def sessions(plans_template: Path, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    """Sessions on a private copy of the module's demo (one test's writes stay its own)."""
    copy = tmp_path / "p.sqlite"
    copy_sqlite(plans_template, copy)
    engine = make_engine(f"sqlite:///{copy}")
    yield make_session_factory(engine)
    engine.dispose()


def test_walk_nights_are_fridays_saturdays_and_special_nights() -> None:
    from data.calendar.windows import event_windows

    nights = walk_nights(date(2026, 4, 24), date(2026, 5, 3), event_windows(2026))
    assert date(2026, 4, 30) in nights  # valborg, a Thursday
    assert date(2026, 4, 24) in nights and date(2026, 4, 25) in nights
    assert date(2026, 4, 27) not in nights
    with pytest.raises(PlanError, match="högst"):
        walk_nights(date(2026, 1, 1), date(2026, 12, 31), [])


def test_a_proposal_is_saved_reported_on_and_shows_planned_vs_done(
    sessions: sessionmaker[Session],
) -> None:
    with unit_of_work(sessions) as session:
        club = add_association(session, "0380", "IFK Demo")
        add_signup(
            session,
            "0380",
            association_id=club,
            night=date(2026, 4, 30),
            walkers=7,
            start="22:30",
            end="03:30",
        )
    with sessions() as session:
        cube = build_cube(session, today=TODAY)
        selection = Selection("0380", "custom", cube.last_monday, cube.last_monday)
        proposal = propose(
            session,
            cube,
            selection,
            VIEWER,
            first=date(2026, 4, 24),
            last=date(2026, 5, 2),
            walkers={date(2026, 4, 24): 6, date(2026, 5, 1): 3},
            rules=DEFAULT_WINDOW_RULES,
            today=TODAY,
        )
    assert proposal.walks
    valborg = [w for w in proposal.walks if w.night == date(2026, 4, 30)]
    assert len(valborg) == 2 and all(w.association == "IFK Demo" for w in valborg)
    friday = [w for w in proposal.walks if w.night == date(2026, 4, 24)]
    # 24 April 2026 is the payday weekend (the 25th is a Saturday): walked later.
    assert len(friday) == 2 and (friday[0].start, friday[0].end) == SPECIAL_WINDOW
    may_day = [w for w in proposal.walks if w.night == date(2026, 5, 1)]
    assert may_day and (may_day[0].start, may_day[0].end) == NORMAL_WINDOW
    assert all(w.walkers >= 3 for w in proposal.walks)
    # The best areas of valborg night are the ones the forecast rates highest.
    valborg_forecast = sorted(
        (f for f in proposal.forecasts if f.night == date(2026, 4, 30)),
        key=lambda f: -f.covered(*SPECIAL_WINDOW),
    )
    assert {w.area for w in valborg} == {f.code for f in valborg_forecast[:2]}

    with unit_of_work(sessions) as session:
        assert save_schedule(
            session, "0380", date(2026, 4, 24), date(2026, 5, 2), proposal.walks
        ) == len(proposal.walks)
    with unit_of_work(sessions) as session:
        user = create_user(
            session,
            "vandrare1",
            "lösenord-för-test",
            role="reporter",
            kommun_code="0380",
            source_code="skola",
        )
        set_association(session, "vandrare1", "IFK Demo")  # one of the club's walkers
        (first_id, _label), *_ = linkable_walks(session, user.id, date(2026, 4, 30))
        planned = next(
            r
            for r in planned_vs_done(session, "0380", date(2026, 4, 30), date(2026, 4, 30))
            if r.walk_id == first_id
        )
        walk = Walk(
            date(2026, 4, 30),
            (planned.area_code,),
            "22:30",
            "03:30",
            4,
            "calm",
            (Seen("samling", planned.area_code, 2),),
            None,
        )
        store_walk(session, walk, user_id=user.id, kommun_code="0380", planned_walk_id=first_id)
    with sessions() as session:
        rows = planned_vs_done(session, "0380", date(2026, 4, 24), date(2026, 5, 2))
        done = [r for r in rows if r.reported]
        assert len(done) == 1 and done[0].walkers == 4 and done[0].seen == 2
        assert not done[0].confirmed
        assert (2026, 1, 4) in yearly_figures(session, "0380")
        overdue = reminders(session, "0380", date(2026, 5, 4))
        assert any("Rapport saknas" in r.text for r in overdue)
        assert any("Bekräfta rapporten" in r.text for r in overdue)

    def club_pay() -> tuple[int, int, int, int, float]:
        with sessions() as session:
            pay = compensation(
                session, "0380", date(2026, 4, 1), date(2026, 5, 31), min_walkers=3, per_night=500
            )
        club = next(c for c in pay if c.association == "IFK Demo")
        return club.planned, club.reported, club.confirmed, club.qualifying, club.amount

    assert club_pay() == (2, 1, 0, 0, 0)  # reported, not yet confirmed: not paid
    with unit_of_work(sessions) as session:
        coordinator = session.scalar(select(User.id).where(User.username == "samordnare"))
        assert set_confirmed(session, int(coordinator or 0), first_id, confirmed=True)
    assert club_pay() == (2, 1, 1, 1, 500)
    # A report for another night or kommun's walk is refused.
    with unit_of_work(sessions) as session, pytest.raises(PermissionError):
        store_walk(
            session,
            Walk(date(2026, 4, 29), (planned.area_code,), "22:30", "03:30", 4, "calm", (), None),
            user_id=user.id,
            kommun_code="0380",
            planned_walk_id=first_id,
        )


def test_meetings_severity_and_their_errors(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as session:
        add_meeting(
            session,
            "0380",
            area_code="0380-D03",
            held_on=date(2026, 4, 22),
            place="school",
            theme="Narkotika bland 13–15-åringar",
            attending=35,
            follow_up_on=date(2026, 5, 20),
        )
        set_severity(session, "0380", {"narkotika": 5})
    with sessions() as session:
        assert severity(session, "0380")["narkotika"] == 5
        assert severity(session, "0191")["narkotika"] != 5
        due = reminders(session, "0380", date(2026, 5, 10))
        assert any("Följ upp föräldramötet" in r.text for r in due)
    with unit_of_work(sessions) as session, pytest.raises(PlanError) as bad:
        add_meeting(
            session,
            "0380",
            area_code="0191-D01",
            held_on=date(2026, 4, 22),
            place="torget",
            theme="Ring 070-123 45 67",
            attending=-1,
            follow_up_on=date(2026, 4, 1),
        )
    assert set(bad.value.errors) == {"område", "plats", "deltagare", "uppföljning", "tema"}
    assert "070" not in str(bad.value)


def test_plan_walks_prints_the_optimised_schedule_as_csv_and_ics(tmp_path: Path) -> None:
    import csv
    import io

    from icalendar import Calendar

    from dashboard import create_app
    from dashboard.state import app_state

    app = create_app(
        {
            "SSP_INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}",
            "SECRET_KEY": "k" * 32,
        }
    )
    state = app_state(app)
    initialise_database(state.engine)
    with unit_of_work(state.sessions) as session:
        build_demo(session, end=TEST_TODAY, password="demo-lösenord-1", days=400)
    first = TEST_TODAY + timedelta(days=(4 - TEST_TODAY.weekday()) % 7 or 7)
    last = first + timedelta(days=8)
    runner = app.test_cli_runner()
    args = [
        "ssp",
        "plan-walks",
        "--kommun",
        "0380",
        "--from",
        first.isoformat(),
        "--to",
        last.isoformat(),
        "--walkers",
        "6",
    ]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output), delimiter=";"))
    assert rows and {r["natt"] for r in rows} >= {first.isoformat()}
    assert all(int(r["vandrare"]) >= 3 for r in rows)
    assert max(sum(1 for r in rows if r["natt"] == n) for n in {r["natt"] for r in rows}) <= 2
    ics = runner.invoke(args=[*args, "--format", "ics"])
    assert ics.exit_code == 0
    events = list(Calendar.from_ical(ics.stdout_bytes).walk("VEVENT"))
    assert len(events) == len(rows)
    bad = runner.invoke(
        args=["ssp", "plan-walks", "--kommun", "0380", "--from", "2026-01-01", "--to", "2026-12-31"]
    )
    assert bad.exit_code != 0 and "högst" in bad.output
