"""The lägesbild composed on the demo: published numbers only, the audience's rules,
honest changes, a running period never drawn as a fall, and fast enough for the PDF."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.state import app_state, today
from data.access.scope import AccessDenied, BadSelection, Selection, Viewer
from data.briefing.compose import build_briefing
from data.briefing.model import Briefing, BriefingPeriod
from data.briefing.period import (
    parse_period,
    period_of,
    previous_period,
    same_period_last_year,
)
from data.counts.aggregates import aggregate
from data.counts.cube import CountCube
from data.counts.overview import map_values
from data.privacy.disclosure import AudienceLevel
from data.storage.models import Area, ParentMeeting, PlannedWalk, WalkReport
from tests.clock import TEST_TODAY

LEADERSHIP = Viewer("leadership", "0380", AudienceLevel(10, noise_key=b"t", time_grain="month"))
COORDINATOR = Viewer("coordinator", "0380", AudienceLevel(5, noise_key=b"t"))
NOW = datetime(2026, 12, 2, 11, 0, tzinfo=UTC)


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    with app_state(app).sessions() as s:
        yield s


def cube_of(app: Flask, session: Session) -> CountCube:
    return app_state(app).cubes.get(session, today=today(app))


def last_month() -> BriefingPeriod:
    return previous_period(period_of("month", TEST_TODAY))


def brief(
    app: Flask,
    session: Session,
    period: BriefingPeriod,
    viewer: Viewer = LEADERSHIP,
    level: str = "custom",
) -> Briefing:
    return build_briefing(
        session, cube_of(app, session), viewer, "0380", level, period, today=TEST_TODAY, now=NOW
    )


def test_headline_is_the_published_total_and_categories(app: Flask, session: Session) -> None:
    period = last_month()
    b = brief(app, session, period)
    cube = cube_of(app, session)
    assert (b.audience, b.kommun_name, b.complete, b.counted_to) == (
        "leadership",
        "Uppsala",
        True,
        period.last_day,
    )
    for p, attr in ((period, "number"), (b.previous, "previous_number")):
        selection = Selection("0380", "kommun", p.first_monday, p.last_monday)
        total = aggregate(cube, selection, LEADERSHIP, []).published_values()[0]
        assert getattr(b.headline[0], attr) == total
        by_category = aggregate(cube, selection, LEADERSHIP, ["category"]).published_values()
        assert [getattr(c, attr) for c in b.headline[1:]] == by_category
    assert b.year_before == same_period_last_year(period)
    assert b.headline[0].label == "Alla kategorier"


def test_areas_are_the_maps_published_values(app: Flask, session: Session) -> None:
    period = last_month()
    b = brief(app, session, period)
    table = map_values(
        cube_of(app, session),
        Selection("0380", "custom", period.first_monday, period.last_monday),
        LEADERSHIP,
    )
    assert [a.code for a in b.areas] == list(table.frame["code"])
    assert [a.value for a in b.areas] == table.display()
    assert [a.number for a in b.areas] == table.published_values()


def test_changes_are_honest_and_movers_are_outside_the_noise(app: Flask, session: Session) -> None:
    b = brief(app, session, last_month())
    for c in (*b.headline, *b.rising_areas, *b.falling_areas):
        if c.number is None or c.previous_number is None:
            assert c.change_previous == "unknown" and "Kan inte jämföras" in c.text
        elif abs(c.number - c.previous_number) <= 4:
            assert c.change_previous == "same" and "inom bruset" in c.text
        assert "," not in c.text and "." not in c.text[:-1]  # no decimals, one sentence
    for c in b.rising_areas:
        assert c.change_previous == "up" and c.number is not None
        assert c.previous_number is not None and c.number > c.previous_number + 4
    for c in b.falling_areas:
        assert c.change_previous == "down"
    assert len(b.rising_areas) <= 5 and len(b.falling_areas) <= 5


def test_a_running_period_is_marked_and_never_a_fall(app: Flask, session: Session) -> None:
    period = period_of("month", TEST_TODAY)
    b = brief(app, session, period)
    assert not b.complete and b.counted_to == TEST_TODAY
    for c in (*b.headline, *b.rising_categories, *b.falling_categories):
        assert (c.change_previous, c.change_last_year) == ("unknown", "unknown")
        assert c.text.startswith("Perioden pågår")
    assert not b.rising_areas and not b.falling_areas
    assert not b.falling_categories
    label, _, _, done = b.monthly[-1]
    assert not done and label.endswith(str(TEST_TODAY.year))
    assert all(done for _, _, _, done in b.monthly[:-1])


def test_the_trend_runs_twelve_months_to_the_periods_end(app: Flask, session: Session) -> None:
    b = brief(app, session, last_month())
    assert len(b.monthly) == 12 and all(m[3] for m in b.monthly)
    assert b.monthly[-1][2] == b.headline[0].number  # the month's own published total
    year = brief(app, session, parse_period(str(TEST_TODAY.year - 1)), level="kommun")
    assert len(year.monthly) == 23


def test_coordinators_get_weeks_and_a_weekly_trend(app: Flask, session: Session) -> None:
    week = previous_period(period_of("week", TEST_TODAY))
    b = brief(app, session, week, COORDINATOR)
    assert b.audience == "coordinator" and b.method.k == 5 and b.method.time_grain == "veckor"
    assert len(b.monthly) == 12 and b.monthly[-1][0].startswith("v. ")


def test_leadership_is_refused_weeks_fine_levels_and_other_kommuner(
    app: Flask, session: Session
) -> None:
    with pytest.raises(AccessDenied, match="inte veckor"):
        brief(app, session, previous_period(period_of("week", TEST_TODAY)))
    with pytest.raises(AccessDenied):
        brief(app, session, last_month(), level="deso")
    other = Viewer("leadership", "0191", LEADERSHIP.level)
    with pytest.raises(AccessDenied):
        brief(app, session, last_month(), other)
    with pytest.raises(AccessDenied):
        brief(app, session, last_month(), Viewer("reporter", "0380", COORDINATOR.level))
    with pytest.raises(BadSelection, match="har inte börjat"):
        brief(app, session, period_of("month", TEST_TODAY + timedelta(days=40)))


def test_method_box_names_the_audiences_rules(app: Flask, session: Session) -> None:
    m = brief(app, session, last_month()).method
    assert (m.k, m.marker, m.secondary_marker, m.time_grain) == (
        10,
        "<10",
        "skyddad",
        "hela månader",
    )
    assert "±2" in m.noise


def test_events_of_the_period_with_published_uplift(app: Flask, session: Session) -> None:
    year = TEST_TODAY.year - 1
    b = brief(app, session, parse_period(f"{year}-T1"))
    valborg = [e for e in b.events if e.name == "Valborg"]
    assert len(valborg) == 1
    assert valborg[0].when.startswith("30 april") and valborg[0].when.endswith(str(year))
    line = valborg[0]
    assert line.observed == "<10" or int(line.observed) >= 10
    assert all(e.expected == "–" or "," in e.expected for e in b.events)


def test_walks_and_parent_meetings_are_counted_in_the_period(app: Flask, session: Session) -> None:
    period = last_month()
    area = session.scalar(select(Area).where(Area.kommun_code == "0380", Area.level == "custom"))
    assert area is not None
    nights = [period.first_day + timedelta(days=d) for d in (3, 3, 10, 40)]
    session.add_all(
        PlannedWalk(
            kommun_code="0380",
            night=n,
            area_id=area.id,
            walkers=4,
            start_time="20:00",
            end_time="23:00",
        )
        for n in nights
    )
    session.add_all(
        WalkReport(
            kommun_code="0380",
            walked_on=n,
            start_time="20:00",
            end_time="23:00",
            walkers=w,
            rating="calm",
        )
        for n, w in ((nights[0], 5), (nights[1], 3), (nights[3], 9))
    )
    session.add(
        ParentMeeting(
            kommun_code="0380", area_id=area.id, held_on=nights[2], place="school", theme="Oro"
        )
    )
    session.flush()
    walks = brief(app, session, period).walks
    assert dataclasses.astuple(walks) == (2, 1, 8, 1)


def _numbers(value: Any) -> Iterator[tuple[str, int]]:
    """Every count-bearing number of a briefing: ints in counts and texts that are counts."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if f.name in {"walks", "method", "period", "previous", "year_before", "produced"}:
                continue  # the teams' own work, settings and dates: no youth counted there
            yield from ((f"{f.name}.{n}", v) for n, v in _numbers(getattr(value, f.name)))
    elif isinstance(value, tuple):
        for item in value:
            yield from _numbers(item)
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        yield "", value
    elif isinstance(value, str) and value.isdigit():
        yield "", int(value)


@pytest.mark.parametrize("code", ["month", "tertial", "year"])
def test_no_count_below_k_is_published_in_a_leadership_briefing(
    app: Flask, session: Session, code: str
) -> None:
    for period in (period_of(code, TEST_TODAY), previous_period(period_of(code, TEST_TODAY))):  # type: ignore[arg-type]
        b = brief(app, session, period, level="kommun" if code == "year" else "custom")
        numbers = list(_numbers(b))
        assert len(numbers) > 20
        small = [(name, n) for name, n in numbers if 1 <= n < 10]
        assert not small, f"counts below k published: {small}"


def test_the_other_demo_kommun_has_its_own_briefing(app: Flask, session: Session) -> None:
    viewer = Viewer("leadership", "0191", LEADERSHIP.level)
    b = build_briefing(
        session,
        cube_of(app, session),
        viewer,
        "0191",
        "kommun",
        last_month(),
        today=TEST_TODAY,
        now=NOW,
    )
    assert (b.kommun_code, b.kommun_name) == ("0191", "Sigtuna")
    assert b.headline[0].value.isdigit() and b.period == last_month()
