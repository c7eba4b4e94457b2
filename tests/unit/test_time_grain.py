"""Leadership's coarser time lattice: periods snapped to whole months (ISO weeks by
their Thursday), monthly trend points."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from data.access.scope import Selection, month_of, snap_to_grain
from data.privacy.disclosure import AudienceLevel, audience_level

MONTHS = AudienceLevel(10, time_grain="month")
WEEKS = AudienceLevel(5)


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
    snapped = snap_to_grain(Selection("0380", "custom", first, last), MONTHS)
    assert (snapped.first_monday, snapped.last_monday) == (snapped_first, snapped_last)
    assert month_of(snapped.first_monday) == month_of(first)
    assert month_of(snapped.first_monday - timedelta(weeks=1)) != month_of(first)
    assert month_of(snapped.last_monday + timedelta(weeks=1)) != month_of(last)


def test_weekly_audiences_keep_their_weeks_and_snapping_is_idempotent() -> None:
    selection = Selection("0380", "custom", date(2026, 11, 9), date(2026, 11, 16))
    assert snap_to_grain(selection, WEEKS) is selection
    once = snap_to_grain(selection, MONTHS)
    assert snap_to_grain(once, MONTHS) == once


def test_leadership_gets_months_by_default_and_the_setting_is_checked() -> None:
    assert audience_level("leadership", min_cell=5, min_cell_leadership=10).time_grain == "month"
    assert audience_level("coordinator", min_cell=5, min_cell_leadership=10).time_grain == "week"
    weekly = audience_level(
        "leadership", min_cell=5, min_cell_leadership=10, leadership_time_grain="week"
    )
    assert weekly.time_grain == "week"
    with pytest.raises(ValueError, match="time grain"):
        AudienceLevel(10, time_grain="day")
