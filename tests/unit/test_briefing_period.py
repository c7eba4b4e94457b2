"""Lägesbild periods: codes, whole ISO weeks, neighbours, labels and who may choose what."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.access.scope import BadSelection, Selection, month_of, snap_to_grain
from data.briefing.compare import Published, compare, rounded_percent, within_noise
from data.briefing.model import PERIOD_KINDS, BriefingPeriod
from data.briefing.period import (
    MIN_YEAR,
    allowed_kinds,
    is_complete,
    parse_period,
    period_label,
    period_of,
    previous_period,
    recent_periods,
    same_period_last_year,
)
from data.calendar.periods import tertial
from data.privacy.disclosure import AudienceLevel

days = st.dates(min_value=date(2001, 1, 1), max_value=date(2098, 12, 31))
kinds = st.sampled_from(PERIOD_KINDS)


def weeks_of(period: BriefingPeriod) -> list[date]:
    n = (period.last_monday - period.first_monday).days // 7 + 1
    return [period.first_monday + timedelta(weeks=i) for i in range(n)]


@pytest.mark.parametrize(
    ("code", "label", "first", "last", "first_monday", "last_monday"),
    [
        ("2026-W48", "vecka 48 2026", "2026-11-23", "2026-11-29", "2026-11-23", "2026-11-23"),
        ("2026-11", "november 2026", "2026-11-01", "2026-11-30", "2026-11-02", "2026-11-23"),
        (
            "2026-T3",
            "tertial 3 2026 (september–december)",
            "2026-09-01",
            "2026-12-31",
            "2026-08-31",
            "2026-12-28",
        ),
        ("2026", "år 2026", "2026-01-01", "2026-12-31", "2025-12-29", "2026-12-28"),
        ("2026-W53", "vecka 53 2026", "2026-12-28", "2027-01-03", "2026-12-28", "2026-12-28"),
    ],
)
def test_codes_name_whole_iso_weeks_and_swedish_labels(
    code: str, label: str, first: str, last: str, first_monday: str, last_monday: str
) -> None:
    period = parse_period(code)
    assert period.code == code
    assert period_label(period) == label
    assert (period.first_day, period.last_day) == (
        date.fromisoformat(first),
        date.fromisoformat(last),
    )
    assert period.first_monday == date.fromisoformat(first_monday)
    assert period.last_monday == date.fromisoformat(last_monday)


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "2026-13",
        "2026-00",
        "2026-W54",
        "2025-W53",
        "2026-T4",
        "2026-T0",
        "26-11",
        "1999",
        "2026-11-01",
        "november",
        "2026-w",
        "20266",
        "2026 -11",
    ],
)
def test_junk_is_refused_in_swedish(junk: str) -> None:
    with pytest.raises(BadSelection, match=r"Perioden .* går inte att läsa"):
        parse_period(junk)


def test_lower_case_and_spaces_are_read() -> None:
    assert parse_period(" 2026-w05 ").code == "2026-W05"
    assert parse_period("2026-t1").code == "2026-T1"


@given(kinds, days)
def test_code_round_trips_and_period_holds_the_day(kind: str, day: date) -> None:
    period = period_of(kind, day)  # type: ignore[arg-type]
    assert parse_period(period.code) == period
    assert period.first_day <= day <= period.last_day
    assert period.first_monday.weekday() == 0 and period.last_monday.weekday() == 0
    assert period_label(period)


@given(kinds, days)
def test_months_tertials_years_are_the_weeks_whose_thursday_falls_in_them(
    kind: str, day: date
) -> None:
    period = period_of(kind, day)  # type: ignore[arg-type]
    inside = [
        m for m in weeks_of(period) if period.first_day <= m + timedelta(days=3) <= period.last_day
    ]
    assert inside == weeks_of(period)
    before = period.first_monday - timedelta(weeks=1)
    after = period.last_monday + timedelta(weeks=1)
    for monday in (before, after):
        thursday = monday + timedelta(days=3)
        assert not period.first_day <= thursday <= period.last_day or kind == "week"


@given(days)
def test_a_month_is_what_leadership_gets_when_asking_for_it(day: date) -> None:
    period = period_of("month", day)
    asked = Selection("0380", "kommun", period.first_monday, period.first_monday)
    later = period.last_monday + timedelta(weeks=1)  # the whole month has passed
    snapped = snap_to_grain(asked, AudienceLevel(10, time_grain="month"), until=later)
    assert (snapped.first_monday, snapped.last_monday) == (period.first_monday, period.last_monday)
    assert all(month_of(m) == date(day.year, day.month, 1) for m in weeks_of(period))


@given(days)
def test_tertials_match_the_calendars_tertial(day: date) -> None:
    first, last, name = tertial(day)
    period = period_of("tertial", day)
    assert (period.first_day, period.last_day) == (first, last)
    index, year = name.removeprefix("T").split()
    assert period_label(period).startswith(f"tertial {index} {year} (")


@given(kinds, days)
def test_previous_period_ends_where_the_period_starts(kind: str, day: date) -> None:
    period = period_of(kind, day)  # type: ignore[arg-type]
    previous = previous_period(period)
    assert previous.kind == period.kind
    assert previous.last_day + timedelta(days=1) == period.first_day
    assert previous.last_monday + timedelta(weeks=1) == period.first_monday


@given(kinds, days)
def test_same_period_last_year_is_one_year_back(kind: str, day: date) -> None:
    period = period_of(kind, day)  # type: ignore[arg-type]
    before = same_period_last_year(period)
    assert before.kind == period.kind
    if kind == "week":
        year, week, _ = period.first_monday.isocalendar()
        last_year, last_week, _ = before.first_monday.isocalendar()
        assert last_year == year - 1 and (last_week == week or (week == 53 and last_week == 52))
    else:
        assert before.first_day == period.first_day.replace(year=period.first_day.year - 1)
        assert before.last_day.month == period.last_day.month


@given(kinds, days, st.integers(min_value=1, max_value=30))
def test_recent_periods_newest_first_and_none_after_today(kind: str, today: date, n: int) -> None:
    periods = recent_periods(kind, today, n)  # type: ignore[arg-type]
    # As many as asked for, unless the earliest year codes can name comes first.
    assert len(periods) == n or previous_period(periods[-1]).first_day.year < MIN_YEAR
    assert periods[0].first_day <= today <= periods[0].last_day
    assert all(p.first_day <= today for p in periods)
    assert all(a.first_day > b.first_day for a, b in pairwise(periods))


def test_a_period_is_complete_once_its_last_week_has_ended() -> None:
    november = parse_period("2026-11")  # weeks 2 November .. 29 November
    assert not is_complete(november, date(2026, 11, 29))
    assert is_complete(november, date(2026, 11, 30))
    assert not is_complete(parse_period("2026-12"), date(2026, 12, 31))  # week to 3 January


def test_leadership_never_chooses_weeks() -> None:
    assert allowed_kinds("leadership") == ("month", "tertial", "year")
    assert allowed_kinds("coordinator") == ("week", "month", "tertial", "year")
    assert allowed_kinds("reporter") == ()


# The change texts (data/briefing/compare.py): published values only, honest wording.


def test_noise_sized_differences_are_unchanged() -> None:
    assert within_noise(10, 14) and within_noise(100, 110) and not within_noise(100, 112)
    assert rounded_percent(452, 610) == 25
    c = compare(
        "x", Published("104", 104), Published("100", 100), Published("30", 30), kind="month"
    )
    assert c.change_previous == "same" and "inom bruset" in c.text
    assert c.change_last_year == "up" and "+245 %" in c.text


def test_a_suppressed_side_cannot_be_compared() -> None:
    c = compare(
        "x", Published("40", 40), Published("<10", None), Published("skyddad", None), kind="month"
    )
    assert (c.change_previous, c.change_last_year) == ("unknown", "unknown")
    assert c.text.startswith("Kan inte jämföras med förra månaden (<10 då)")


def test_a_running_period_claims_no_change() -> None:
    c = compare(
        "x",
        Published("30", 30),
        Published("452", 452),
        Published("411", 411),
        kind="month",
        running="Perioden pågår.",
    )
    assert (c.change_previous, c.change_last_year) == ("unknown", "unknown")
    assert c.text == "Perioden pågår."
