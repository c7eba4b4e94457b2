"""Calendar helpers: Swedish holidays, valborg, payday and the demo school assumptions."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest

from data.calendar.holidays import (
    DEMO_SPORTLOV_WEEK,
    demo_skolavslutning,
    demo_sportlov,
    payday,
    swedish_holidays,
    valborgsmassoafton,
)

YEARS = (2024, 2025, 2026, 2027)


def _date_named(calendar: dict[date, str], name: str) -> date:
    (day,) = [day for day, names in calendar.items() if name in names.split("; ")]
    return day


@pytest.mark.parametrize("year", YEARS)
def test_valborgsmassoafton_is_30_april(year: int) -> None:
    assert valborgsmassoafton(year) == date(year, 4, 30)


@pytest.mark.parametrize("year", YEARS)
def test_swedish_holidays_list_valborgsmassoafton_from_the_optional_category(year: int) -> None:
    names = swedish_holidays([year])

    assert names[valborgsmassoafton(year)].startswith("Valborgsmässoafton")


@pytest.mark.parametrize("year", YEARS)
def test_swedish_holidays_list_julafton_and_nyarsafton(year: int) -> None:
    names = swedish_holidays([year])

    assert names[date(year, 12, 24)] == "Julafton"
    assert names[date(year, 12, 31)] == "Nyårsafton"


@pytest.mark.parametrize("year", YEARS)
def test_midsommarafton_is_the_friday_between_19_and_25_june(year: int) -> None:
    midsommarafton = _date_named(swedish_holidays([year]), "Midsommarafton")

    assert midsommarafton.weekday() == 4
    assert date(year, 6, 19) <= midsommarafton <= date(year, 6, 25)


@pytest.mark.parametrize("year", YEARS)
def test_paskafton_is_the_day_before_paskdagen(year: int) -> None:
    names = swedish_holidays([year])

    paskafton = _date_named(names, "Påskafton")

    assert names[paskafton + timedelta(days=1)] == "Påskdagen"


def test_swedish_holidays_contain_every_public_holiday_of_the_package() -> None:
    public = holidays.country_holidays("SE", years=YEARS, language="sv")

    assert set(public) <= set(swedish_holidays(YEARS))


def test_swedish_holidays_cover_only_the_requested_years() -> None:
    assert {day.year for day in swedish_holidays([2025, 2027])} == {2025, 2027}


def test_swedish_holidays_leave_out_plain_sundays() -> None:
    names = swedish_holidays(YEARS)

    assert not any("Söndag" in name for name in names.values())
    assert len(names) < 30 * len(YEARS)


def test_swedish_holidays_of_no_years_are_empty() -> None:
    assert swedish_holidays([]) == {}


def test_payday_is_the_25th_on_a_weekday() -> None:
    assert payday(2026, 3) == date(2026, 3, 25)  # a Wednesday


def test_payday_moves_back_to_friday_from_a_saturday() -> None:
    assert payday(2026, 4) == date(2026, 4, 24)


def test_payday_moves_back_to_friday_from_a_sunday() -> None:
    assert payday(2026, 1) == date(2026, 1, 23)


@pytest.mark.parametrize("year", YEARS)
def test_payday_is_a_weekday_between_the_23rd_and_the_25th(year: int) -> None:
    for month in range(1, 13):
        day = payday(year, month)
        assert day.weekday() < 5
        assert 23 <= day.day <= 25


def test_payday_refuses_an_invalid_month() -> None:
    with pytest.raises(ValueError, match="month"):
        payday(2026, 13)


def test_demo_sportlov_is_monday_to_sunday_of_uppsala_week_8() -> None:
    assert demo_sportlov("0380", 2026) == (date(2026, 2, 16), date(2026, 2, 22))


def test_demo_sportlov_is_monday_to_sunday_of_sigtuna_week_9() -> None:
    assert demo_sportlov("0191", 2026) == (date(2026, 2, 23), date(2026, 3, 1))


def test_demo_sportlov_refuses_a_kommun_without_a_demo_week() -> None:
    with pytest.raises(ValueError, match=r"'0180'.*known kommun codes: 0191, 0380"):
        demo_sportlov("0180", 2026)


def test_demo_sportlov_weeks_cannot_be_changed() -> None:
    with pytest.raises(TypeError):
        DEMO_SPORTLOV_WEEK["0380"] = 7  # type: ignore[index]


@pytest.mark.parametrize(
    ("year", "expected"), [(2025, date(2025, 6, 13)), (2026, date(2026, 6, 12))]
)
def test_demo_skolavslutning_is_the_friday_of_iso_week_24(year: int, expected: date) -> None:
    assert demo_skolavslutning(year) == expected
