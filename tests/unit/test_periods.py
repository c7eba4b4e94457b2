"""Period choices are whole ISO weeks."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.periods import describe_period, parse_period, quick_period
from data.queries import BadSelection, Selection, whole_weeks

TODAY = date(2026, 11, 23)  # a Monday


def test_date_range_widens_to_whole_weeks() -> None:
    assert whole_weeks(date(2026, 3, 4), date(2026, 3, 10)) == (date(2026, 3, 2), date(2026, 3, 9))


def test_reversed_range_is_put_in_order() -> None:
    assert whole_weeks(date(2026, 3, 10), date(2026, 3, 4)) == (date(2026, 3, 2), date(2026, 3, 9))


@pytest.mark.parametrize(
    ("choice", "first", "last"),
    [
        ("4w", date(2026, 11, 2), date(2026, 11, 29)),
        ("12w", date(2026, 9, 7), date(2026, 11, 29)),
        ("ytd", date(2025, 12, 29), date(2026, 11, 29)),
    ],
)
def test_quick_periods(choice: str, first: date, last: date) -> None:
    assert quick_period(choice, TODAY) == (first, last)


def test_unknown_quick_period_is_refused() -> None:
    with pytest.raises(BadSelection, match="unknown quick period"):
        quick_period("forever", TODAY)


def test_bad_dates_fall_back_to_the_last_four_weeks() -> None:
    assert parse_period("not a date", None, TODAY) == (date(2026, 11, 2), date(2026, 11, 23))


def test_description_names_weeks_and_days() -> None:
    text = describe_period(date(2026, 3, 2), date(2026, 3, 9))
    assert text == "v. 10 2026 – v. 11 2026 (2026-03-02 – 2026-03-15, 2 veckor)"


def test_selection_refuses_partial_weeks() -> None:
    with pytest.raises(ValueError, match="whole ISO weeks"):
        Selection("0380", "custom", date(2026, 3, 3), date(2026, 3, 9))


def test_selection_refuses_unknown_level() -> None:
    with pytest.raises(ValueError, match="unknown area level"):
        Selection("0380", "stadsdel", date(2026, 3, 2), date(2026, 3, 9))


@pytest.mark.parametrize(
    ("today", "first", "last"),
    [
        (date(2027, 1, 2), date(2025, 12, 29), date(2027, 1, 3)),  # still ISO year 2026 (W53)
        (date(2027, 1, 4), date(2027, 1, 4), date(2027, 1, 10)),
        (date(2028, 1, 1), date(2027, 1, 4), date(2028, 1, 2)),
    ],
)
def test_this_year_follows_the_iso_year_around_new_year(
    today: date, first: date, last: date
) -> None:
    assert quick_period("ytd", today) == (first, last)
    assert last >= today  # never a period that lies wholly in the future


def test_extreme_dates_are_clamped_to_ten_years_up_to_today() -> None:
    clamped = parse_period("0001-01-01", "9999-12-31", TODAY)
    assert clamped == (date(2015, 12, 28), date(2026, 11, 23))
