"""The pure part of the reporting completeness (issue 17): a partner's week against its
usual weeks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.weekly.completeness import HABIT_SHARE, assess


def test_a_partner_that_usually_reports_and_is_quiet_is_silent() -> None:
    history = [3, 0, 2, 4, 1, 0, 5, 2, 3, 1, 2, 4]
    assert assess(0, history) == (2.0, 10, "silent")


def test_a_partner_that_seldom_reports_and_is_quiet_is_not_flagged() -> None:
    assert assess(0, [0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0]) == (0.0, 2, "rare")


@pytest.mark.parametrize(("this_week", "status"), [(4, "fewer"), (5, "usual"), (30, "usual")])
def test_under_half_the_median_is_fewer_than_usual(this_week: int, status: str) -> None:
    assert assess(this_week, [10] * 12)[2] == status


def test_no_history_is_never_silent() -> None:
    assert assess(0, []) == (0.0, 0, "rare")


@given(st.integers(0, 50), st.lists(st.integers(0, 50), min_size=1, max_size=20))
def test_silent_exactly_when_none_this_week_and_usually_some(
    this_week: int, history: list[int]
) -> None:
    _median, weeks_with, status = assess(this_week, history)
    assert weeks_with == sum(1 for n in history if n)
    usually = weeks_with >= HABIT_SHARE * len(history)
    assert (status == "silent") == (this_week == 0 and usually)
    assert (status == "rare") == (this_week == 0 and not usually)
