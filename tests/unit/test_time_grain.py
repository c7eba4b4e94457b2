"""Leadership's coarser time lattice: periods snapped to whole months (ISO weeks by
their Thursday), monthly trend points."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from data.access.scope import Selection, last_monday_of, month_of, month_weeks, snap_to_grain
from data.privacy.disclosure import AudienceLevel, audience_level

MONTHS = AudienceLevel(10, time_grain="month")
WEEKS = AudienceLevel(5)
FAR = date(2100, 1, 4)
"""A running week far ahead: no month is cut."""


@pytest.mark.parametrize(
    ("first", "last", "snapped_first", "snapped_last"),
    [
        # 2026-11-23 (Mon) is in November; Nov 2026's weeks: Mon 2 Nov .. Mon 23 Nov.
        (date(2026, 11, 23), date(2026, 11, 23), date(2026, 11, 2), date(2026, 11, 23)),
        # The week of Mon 30 Nov has its Thursday on 3 Dec: it belongs to December.
        (date(2026, 11, 30), date(2026, 11, 30), date(2026, 11, 30), date(2026, 12, 28)),
        # Across a year: ISO week 2026-W53 (Mon 28 Dec, Thu 31 Dec) is December's.
        (date(2026, 12, 14), date(2027, 1, 4), date(2026, 11, 30), date(2027, 1, 25)),
    ],
)
def test_periods_snap_to_whole_months(
    first: date, last: date, snapped_first: date, snapped_last: date
) -> None:
    snapped = snap_to_grain(Selection("0380", "custom", first, last), MONTHS, until=FAR)
    assert (snapped.first_monday, snapped.last_monday) == (snapped_first, snapped_last)
    assert month_of(snapped.first_monday) == month_of(first)
    assert month_of(snapped.first_monday - timedelta(weeks=1)) != month_of(first)
    assert month_of(snapped.last_monday + timedelta(weeks=1)) != month_of(last)


def test_weekly_audiences_keep_their_weeks_and_snapping_is_idempotent() -> None:
    selection = Selection("0380", "custom", date(2026, 11, 9), date(2026, 11, 16))
    assert snap_to_grain(selection, WEEKS, until=FAR) is selection
    once = snap_to_grain(selection, MONTHS, until=FAR)
    assert snap_to_grain(once, MONTHS, until=FAR) == once


@pytest.mark.parametrize(
    ("until", "last"),
    [
        # Running week Mon 30 Nov (December's first week): December ends there.
        (date(2026, 11, 30), date(2026, 11, 30)),
        (date(2026, 12, 14), date(2026, 12, 14)),
        # Once December's last week has begun the month is whole.
        (date(2026, 12, 28), date(2026, 12, 28)),
        (date(2027, 3, 1), date(2026, 12, 28)),
    ],
)
def test_the_running_month_ends_with_the_running_week(until: date, last: date) -> None:
    """Never weeks that have not begun: they hold no reports (issue 16)."""
    selection = Selection("0380", "custom", date(2026, 11, 9), date(2026, 11, 30))
    snapped = snap_to_grain(selection, MONTHS, until=until)
    assert (snapped.first_monday, snapped.last_monday) == (date(2026, 11, 2), last)
    assert snap_to_grain(snapped, MONTHS, until=until) == snapped


def test_whole_months_of_a_quarter_and_the_lattice_months() -> None:
    assert month_weeks(date(2026, 1, 1), date(2026, 3, 1), until=date(2027, 1, 4)) == (
        date(2025, 12, 29),  # Thursday 1 January
        date(2026, 3, 23),  # Thursday 26 March; Mon 30 March is April's
    )
    assert last_monday_of(date(2026, 2, 1)) == date(2026, 2, 23)


def test_leadership_gets_months_by_default_and_the_setting_is_checked() -> None:
    assert audience_level("leadership", min_cell=5, min_cell_leadership=10).time_grain == "month"
    assert audience_level("coordinator", min_cell=5, min_cell_leadership=10).time_grain == "week"
    weekly = audience_level(
        "leadership", min_cell=5, min_cell_leadership=10, leadership_time_grain="week"
    )
    assert weekly.time_grain == "week"
    with pytest.raises(ValueError, match="time grain"):
        AudienceLevel(10, time_grain="day")
