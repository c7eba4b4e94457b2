"""Every event window from one minute to fourteen days, starting at any moment (the
clock-change nights included), has slots, dates, comparison periods and counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from data.calendar.holidays import holiday_entries
from data.calendar.windows import (
    BAND_HOURS,
    STOCKHOLM,
    EventWindow,
    calendar_entries,
    event_windows,
    real_hours,
    slot,
)
from data.counts.uplift import comparison_shifts, shifted, window_counts

CHANGES = [
    datetime(2026, 3, 29, 1, tzinfo=UTC),  # 02:00 CET → 03:00 CEST
    datetime(2026, 10, 25, 1, tzinfo=UTC),  # 03:00 CEST → 02:00 CET
    datetime(2027, 3, 28, 1, tzinfo=UTC),
    datetime(2027, 10, 31, 1, tzinfo=UTC),
]
near_change = st.builds(
    lambda moment, minutes: moment + timedelta(minutes=minutes),
    st.sampled_from(CHANGES),
    st.integers(-24 * 60, 24 * 60),
)
anywhere = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
minutes = st.one_of(st.integers(1, 240), st.integers(1, 14 * 24 * 60))


def window_of(start: datetime, length: int) -> EventWindow:
    return EventWindow(
        "lokal:x",
        "X",
        start.astimezone(STOCKHOLM),
        (start + timedelta(minutes=length)).astimezone(STOCKHOLM),
        "local",
    )


@settings(max_examples=200, deadline=None)
@given(start=st.one_of(near_change, anywhere), length=minutes)
def test_every_window_has_slots_and_dates_within_its_own(start: datetime, length: int) -> None:
    window = window_of(start, length)
    slots = window.slots()
    assert slots
    first, last = window.days
    local_start = window.start.astimezone(STOCKHOLM).date()
    assert local_start - timedelta(days=1) <= first <= last
    assert last <= window.end.astimezone(STOCKHOLM).date()
    assert all(window.covers(day, band) for day, band in slots)
    # A window is short exactly when no slot lies half inside it; then it covers
    # every slot it overlaps, else exactly the slots half inside it.
    half, overlapping = set(), set()
    for n in range((window.end.date() - window.start.date()).days + 3):
        day = local_start - timedelta(days=1) + timedelta(days=n)
        for band in (*BAND_HOURS, None):
            first_hour, last_hour = slot(day, band)
            inside = real_hours(max(first_hour, window.start), min(last_hour, window.end))
            if inside > 0:
                overlapping.add((day, band))
            if inside > 0 and inside >= real_hours(first_hour, last_hour) / 2:
                half.add((day, band))
    assert window.short == (not half)
    assert set(slots) == (overlapping if window.short else half)


@settings(max_examples=100, deadline=None)
@given(start=st.one_of(near_change, anywhere), length=minutes)
@example(start=datetime(2026, 10, 25, 0, 30, tzinfo=UTC), length=60)  # 02:30 to 02:30
@example(start=datetime(2026, 10, 25, 0, 45, tzinfo=UTC), length=30)  # 02:45 to 02:15
@example(start=datetime(2026, 3, 29, 0, 30, tzinfo=UTC), length=60)  # 01:30 to 03:30
def test_every_window_gets_comparison_periods_and_counts(start: datetime, length: int) -> None:
    window = window_of(start, length)
    year = window.start.astimezone(STOCKHOLM).year
    holidays = [e.start for e in holiday_entries([year])]
    others = event_windows(year, local_events=[window])
    shifts = comparison_shifts(window, avoid=others, holiday_days=holidays)
    assert all(shifted(window, n).slots() for n in shifts)
    day, band = window.slots()[0]
    frame = pd.DataFrame(
        {
            "day": [day, day - timedelta(days=30)],
            "band": [band, band],
            "area": [0, 0],
            "count": [3, 2],
        }
    )
    observed, baseline = window_counts(frame, window, shifts)
    assert int(observed.sum()) == 3
    assert baseline.shape == (1, len(shifts))
    assert calendar_entries(year, local_events=[window])


def test_short_windows_shifted_by_weeks_stay_short_outside_the_clock_changes() -> None:
    match = window_of(datetime(2026, 6, 5, 10, tzinfo=UTC), 60)
    for n in (-28, -7, 7, 28):
        moved = shifted(match, n)
        assert moved.short
        assert [d for d, _ in moved.slots()] == [match.days[0] + timedelta(days=n)] * 2
    assert date(2026, 6, 5) == match.days[0]


def test_a_window_in_the_repeated_autumn_hour_keeps_its_length_when_moved() -> None:
    # 02:45 summer time to 02:15 winter time: half an hour that ends "before" it starts.
    window = window_of(datetime(2026, 10, 25, 0, 45, tzinfo=UTC), 30)
    for n in (-28, -7, 7, 28):
        moved = shifted(window, n)
        assert moved.start == window.start + timedelta(days=n)  # same wall-clock start
        assert moved.hours == 0.5
    # A window across the change moved to an ordinary night keeps its wall-clock times.
    night = window_of(datetime(2026, 10, 24, 20, tzinfo=UTC), 8 * 60)  # 22:00 to 05:00
    moved = shifted(night, 7)
    assert (moved.start.hour, moved.end.hour) == (22, 5)
    assert moved.hours == 7
