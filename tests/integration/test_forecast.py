"""The night forecast on the demo data: published inputs only, calendar reasons."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask

from dashboard.state import app_state, today
from data.access.scope import Selection, Viewer
from data.calendar.windows import DEFAULT_WINDOW_RULES
from data.planning.forecast import event_factor, forecast_nights, level, overlap_share
from data.privacy.disclosure import AudienceLevel

COORDINATOR = Viewer("coordinator", "0380", AudienceLevel(5, noise_key=b"t"))


def test_overlap_of_a_walk_with_the_bands() -> None:
    assert overlap_share("20:30", "01:30", "evening") == pytest.approx(1.5 / 4)
    assert overlap_share("20:30", "01:30", "night") == pytest.approx(3.5 / 8)
    assert overlap_share("22:30", "03:30", "night") == pytest.approx(5 / 8)
    assert overlap_share("18:00", "22:00", "night") == 0
    assert overlap_share("00:30", "02:00", "night") == pytest.approx(1.5 / 8)


def test_level_and_event_factor() -> None:
    assert level([1, 2, 3, 10, 10], weeks=2) == 10
    assert event_factor([]) == 1
    assert event_factor([4.0]) == pytest.approx(2.0)  # shrunk: sqrt(4 · 1)
    assert event_factor([0.0, float("nan")]) == 1


def test_valborg_night_is_forecast_higher_with_its_reason(app: Flask) -> None:
    day = today(app)
    year = day.year + (1 if (day.month, day.day) > (4, 30) else 0)
    valborg = date(year, 4, 30)
    ordinary = valborg - timedelta(days=7)
    with app_state(app).sessions() as session:
        cube = app_state(app).cubes.get(session, today=today(app))
        selection = Selection("0380", "custom", cube.last_monday, cube.last_monday)
        rows = forecast_nights(
            session,
            cube,
            selection,
            COORDINATOR,
            [ordinary, valborg],
            severity={},
            rules=DEFAULT_WINDOW_RULES,
            today=day,
        )
    by_night = {n: [r for r in rows if r.night == n] for n in (ordinary, valborg)}
    assert len(by_night[valborg]) == 24
    total = {n: sum(r.total for r in by_night[n]) for n in by_night}
    assert total[valborg] > 1.5 * total[ordinary]
    assert any("Valborg" in reason for reason in by_night[valborg][0].reasons)
    assert any("mest i Demoområde" in reason for reason in by_night[valborg][0].reasons)
    assert all(r.low <= r.total <= r.high + 1 for r in rows)


def test_concern_signals_watch_every_unit_on_published_counts(app: Flask) -> None:
    from data.planning.signals import concern_signals

    with app_state(app).sessions() as session:
        cube = app_state(app).cubes.get(session, today=today(app))
    selection = Selection("0380", "custom", cube.last_monday, cube.last_monday)
    signals = concern_signals(cube, selection, COORDINATOR, last_monday=cube.last_monday)
    assert len(signals) == 24
    for area in signals:
        assert all(c is None or c == 0 or c >= 5 for c in area.published)
        assert len(area.signal.path) == len(area.published) - 52
    raised = [s for s in signals if s.signal.raised]
    assert signals[: len(raised)] == raised  # raised first
