"""Period choices are whole ISO weeks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dashboard.periods import (
    QUICK_PERIODS,
    describe_period,
    parse_period,
    quick_period,
    running_note,
)
from data.access.scope import BadSelection, Selection, month_of, whole_weeks
from data.calendar.holidays import CalendarEntry
from data.calendar.periods import school_term, school_terms, tertial
from data.counts.cube import monday_of

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


@pytest.mark.parametrize(
    ("choice", "first", "last"),
    [
        # T3 2026 (1 Sep – 31 Dec) up to today, widened to whole weeks.
        ("tertial", date(2026, 8, 31), date(2026, 11, 29)),
        # T2 2026: 1 May (a Friday) – 31 August (a Monday).
        ("prev_tertial", date(2026, 4, 27), date(2026, 9, 6)),
        ("last_year", date(2024, 12, 30), date(2026, 1, 4)),
        # No school calendar: the typical autumn term from 18 August.
        ("term", date(2026, 8, 17), date(2026, 11, 29)),
    ],
)
def test_calendar_quick_periods(choice: str, first: date, last: date) -> None:
    assert quick_period(choice, TODAY) == (first, last)


def test_the_school_term_follows_the_kommuns_calendar() -> None:
    school = [
        CalendarEntry(date(2025, 12, 20), date(2026, 1, 6), "jullov", "school"),
        CalendarEntry(date(2026, 6, 12), date(2026, 6, 12), "skolavslutning", "school"),
        CalendarEntry(date(2026, 6, 13), date(2026, 8, 9), "sommarlov", "school"),
        CalendarEntry(date(2026, 12, 19), date(2027, 1, 6), "jullov", "school"),
    ]
    assert quick_period("term", TODAY, school) == (date(2026, 8, 10), date(2026, 11, 29))
    spring, autumn = school_terms(2026, school)
    assert spring == (date(2026, 1, 7), date(2026, 6, 12), "VT 2026")
    assert autumn == (date(2026, 8, 10), date(2026, 12, 18), "HT 2026")
    # In the summer the last term is the spring term that just ended.
    assert school_term(date(2026, 7, 1), school)[2] == "VT 2026"


@pytest.mark.parametrize(
    ("day", "name", "first", "last"),
    [
        (date(2026, 1, 1), "T1 2026", date(2026, 1, 1), date(2026, 4, 30)),
        (date(2026, 8, 31), "T2 2026", date(2026, 5, 1), date(2026, 8, 31)),
        (date(2026, 12, 31), "T3 2026", date(2026, 9, 1), date(2026, 12, 31)),
    ],
)
def test_tertials(day: date, name: str, first: date, last: date) -> None:
    assert tertial(day) == (first, last, name)


@pytest.mark.parametrize(
    ("choice", "today", "first", "last"),
    [
        # The case: 4 weeks on 2 Dec 2026 are November and the running December,
        # up to the end of this week — not to 3 January 2027.
        ("4w", date(2026, 12, 2), date(2026, 11, 2), date(2026, 12, 6)),
        ("ytd", date(2026, 12, 2), date(2025, 12, 29), date(2026, 12, 6)),
        # Last year is its twelve months (weeks by their Thursday), not a week of January.
        ("last_year", date(2026, 12, 2), date(2024, 12, 30), date(2025, 12, 28)),
        ("tertial", date(2026, 12, 2), date(2026, 8, 31), date(2026, 12, 6)),
        ("prev_tertial", date(2026, 12, 2), date(2026, 5, 4), date(2026, 8, 30)),
        # 2 January 2027 is in week 53 of 2026, December's: this tertial has no week yet.
        ("tertial", date(2027, 1, 2), date(2026, 11, 30), date(2027, 1, 3)),
    ],
)
def test_quick_periods_in_whole_months_for_leadership(
    choice: str, today: date, first: date, last: date
) -> None:
    assert quick_period(choice, today, grain="month") == (first, last)


DAYS = [
    date(2026, 12, 2),
    date(2027, 1, 2),
    date(2027, 2, 28),
    date(2027, 3, 28),
    date(2027, 12, 31),
]


@pytest.mark.parametrize("today", DAYS, ids=str)
@pytest.mark.parametrize("grain", ["week", "month"])
@pytest.mark.parametrize("choice", [c for c, _label in QUICK_PERIODS if c != "custom"])
def test_no_quick_period_reaches_past_this_week(choice: str, grain: str, today: date) -> None:
    first, last = quick_period(choice, today, grain=grain)
    sunday = monday_of(today) + timedelta(days=6)
    assert first.weekday() == 0 and last.weekday() == 6 and first <= last <= sunday
    if grain == "month":  # whole months, or the running month up to this week
        assert month_of(first - timedelta(weeks=1)) != month_of(first)
        last_monday = last - timedelta(days=6)
        whole = month_of(last_monday + timedelta(weeks=1)) != month_of(last_monday)
        assert whole or last == sunday


def test_a_running_period_is_marked() -> None:
    today = date(2026, 12, 2)
    assert running_note(date(2026, 11, 23), today) == ""
    assert running_note(date(2026, 11, 30), today) == "pågående vecka, t.o.m. 2026-12-02"
    assert running_note(date(2026, 11, 30), today, grain="month") == (
        "pågående månad, t.o.m. 2026-12-02"
    )
    text = describe_period(
        date(2026, 11, 2), date(2026, 11, 30), running_note(date(2026, 11, 30), today)
    )
    assert text == (
        "v. 45 2026 – v. 49 2026 (2026-11-02 – 2026-12-06, 5 veckor; "
        "pågående vecka, t.o.m. 2026-12-02)"
    )
