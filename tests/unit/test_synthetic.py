"""Synthetic observations: shape, vocabulary, realism, determinism and input checks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.calendar.holidays import (
    demo_skolavslutning,
    demo_sportlov,
    payday,
    swedish_holidays,
    valborgsmassoafton,
)
from data.demo.synthetic import (
    COLUMNS,
    RISING_CATEGORIES,
    RISING_MIN_POPULATION,
    SyntheticArea,
    SyntheticData,
    synthetic_observations,
)
from data.vocabulary import AGE_BANDS, CATEGORIES, GROUP_SIZE_BANDS, SOURCES, TIME_BANDS, codes

END = date(2026, 6, 30)
DAYS = 730
START = END - timedelta(days=DAYS - 1)
YEARS = (2025, 2026)  # years whose sportlov, valborg and skolavslutning lie in the window
SEED = 2026
OUTDOOR = ("samling", "alkohol", "skadegorelse", "buskorning")
SORT_KEY = ["occurred_on", "area_code", "category", "source", "time_band"]


def forty_areas() -> list[SyntheticArea]:
    """24 Uppsala and 16 Sigtuna areas with 200–1500 youths aged 10–19."""
    return [
        SyntheticArea(
            code=f"{kommun}-D{i:02d}",
            kommun_code=kommun,
            population_10_19=200 + (i * 389) % 1301,
        )
        for i, kommun in enumerate(["0380"] * 24 + ["0191"] * 16)
    ]


@pytest.fixture(scope="module")
def data() -> SyntheticData:
    return synthetic_observations(forty_areas(), end=END, days=DAYS, seed=SEED)


@pytest.fixture(scope="module")
def obs(data: SyntheticData) -> pd.DataFrame:
    """The observations with a timestamp, weekday and kommun added for analysis."""
    df = data.observations
    day = pd.to_datetime(df["occurred_on"])
    return df.assign(day=day, weekday=day.dt.day_of_week, kommun=df["area_code"].str[:4])


def incidents_on(obs: pd.DataFrame, days: Iterable[date]) -> int:
    return int(obs.loc[obs["occurred_on"].isin(set(days)), "count"].sum())


def mean_incidents_per_day(obs: pd.DataFrame, days: Iterable[date]) -> float:
    days = set(days)
    return incidents_on(obs, days) / len(days)


def window_days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def same_weekday_before(day: date, *, weeks: int) -> list[date]:
    """The same weekday in the ``weeks`` weeks before ``day``: the normal days to compare."""
    return [day - timedelta(weeks=w) for w in range(1, weeks + 1)]


def summer_days(year: int) -> list[date]:
    """The assumed sommarlov of ``year`` that lies inside the generated window."""
    first = max(demo_skolavslutning(year) + timedelta(days=1), START)
    return window_days(first, min(date.fromisocalendar(year, 33, 7), END))


def event_days() -> set[date]:
    return {valborgsmassoafton(y) for y in YEARS} | {demo_skolavslutning(y) for y in YEARS}


def payday_weekend_days() -> set[date]:
    days: set[date] = set()
    for year in range(START.year, END.year + 1):
        for month in range(1, 13):
            paid = payday(year, month)
            friday = paid + timedelta(days=(4 - paid.weekday()) % 7)
            days |= {friday, friday + timedelta(days=1)}
    return days


# --- shape and vocabulary -------------------------------------------------------------


def test_columns_are_exactly_the_documented_ones(data: SyntheticData) -> None:
    assert list(data.observations.columns) == [
        "area_code",
        "occurred_on",
        "time_band",
        "category",
        "source",
        "count",
        "group_size",
        "age_band",
    ]


def test_codes_come_from_the_vocabulary(data: SyntheticData) -> None:
    df = data.observations

    assert set(df["category"]) <= set(codes(CATEGORIES))
    assert set(df["source"]) <= set(codes(SOURCES))
    assert set(df["time_band"]) <= set(codes(TIME_BANDS))
    assert set(df["area_code"]) <= {area.code for area in forty_areas()}


def test_polisen_se_never_appears(data: SyntheticData) -> None:
    assert "polisen_se" not in set(data.observations["source"])


def test_every_category_occurs(data: SyntheticData) -> None:
    assert set(data.observations["category"]) == set(codes(CATEGORIES))


def test_group_size_and_age_band_are_bands_or_none(data: SyntheticData) -> None:
    df = data.observations

    assert set(df["group_size"]) == {None, *GROUP_SIZE_BANDS}
    assert set(df["age_band"]) == {None, *AGE_BANDS}


def test_occurred_on_holds_python_dates(data: SyntheticData) -> None:
    assert all(type(day) is date for day in data.observations["occurred_on"])


def test_dates_cover_exactly_the_requested_window(data: SyntheticData) -> None:
    days = data.observations["occurred_on"]

    assert (days.min(), days.max()) == (START, END)


def test_rows_are_sorted_by_date_area_category_source_band(data: SyntheticData) -> None:
    keys = list(data.observations[SORT_KEY].itertuples(index=False, name=None))

    assert keys == sorted(keys)
    assert data.observations.index.equals(pd.RangeIndex(len(keys)))


# --- volume ---------------------------------------------------------------------------


def test_row_volume_suits_forty_areas_over_two_years(data: SyntheticData) -> None:
    assert 12_000 <= len(data.observations) <= 40_000


def test_four_week_area_totals_mix_shown_and_suppressed_cells(obs: pd.DataFrame) -> None:
    four_weeks = (obs["day"] - pd.Timestamp(START)).dt.days // 28
    totals = obs.assign(four_weeks=four_weeks).pivot_table(
        index="area_code", columns="four_weeks", values="count", aggfunc="sum", fill_value=0
    )

    assert 5 <= totals.median(axis=1).median() <= 40
    assert 0.05 <= (totals < 5).to_numpy().mean() <= 0.5


def test_most_counts_are_one_with_some_group_incidents(data: SyntheticData) -> None:
    counts = data.observations["count"]

    assert set(counts) == {1, 2, 3, 4}
    assert 0.6 <= (counts == 1).mean() <= 0.95


# --- rates ----------------------------------------------------------------------------


def test_incidents_grow_with_population(obs: pd.DataFrame) -> None:
    population = {area.code: area.population_10_19 for area in forty_areas()}
    totals = obs.groupby("area_code")["count"].sum()
    by_population = sorted(population, key=population.__getitem__)

    assert totals[by_population[-10:]].sum() >= 1.5 * totals[by_population[:10]].sum()


def test_areas_differ_in_risk_beyond_population(obs: pd.DataFrame) -> None:
    population = pd.Series({area.code: area.population_10_19 for area in forty_areas()})
    per_youth = obs.groupby("area_code")["count"].sum() / population

    assert per_youth.std() / per_youth.mean() >= 0.25


def test_common_categories_outnumber_rare_ones(obs: pd.DataFrame) -> None:
    totals = obs.groupby("category")["count"].sum()

    common = totals[["samling", "skadegorelse", "otrygg_plats", "alkohol"]]
    rare = totals[["vapen", "ran"]]
    assert common.min() >= 5 * rare.max()
    assert totals["positiv"] > rare.max()


@pytest.mark.parametrize(
    ("category", "source"),
    [
        ("skolfranvaro", "skola"),
        ("sociala_medier", "skola"),
        ("vald", "polis"),
        ("narkotika", "polis"),
        ("ran", "polis"),
    ],
)
def test_category_is_reported_mostly_by_its_typical_source(
    obs: pd.DataFrame, category: str, source: str
) -> None:
    sources = obs.loc[obs["category"] == category, "source"].value_counts()

    assert sources.idxmax() == source


@pytest.mark.parametrize("category", ["samling", "alkohol"])
def test_falt_and_fritid_report_most_gatherings_and_alcohol(
    obs: pd.DataFrame, category: str
) -> None:
    sources = obs.loc[obs["category"] == category, "source"]

    assert sources.isin(["falt", "fritid"]).mean() > 0.5


def test_nattvandring_reports_after_dark_mainly_on_friday_and_saturday(
    obs: pd.DataFrame,
) -> None:
    walks = obs[obs["source"] == "nattvandring"]

    assert set(walks["time_band"]) == {"evening", "night"}
    assert walks["weekday"].isin([4, 5]).mean() >= 0.8


def test_trygghetsmatning_is_a_rare_source(obs: pd.DataFrame) -> None:
    share = (obs["source"] == "trygghetsmatning").mean()

    assert 0 < share < 0.03


# --- weekly rhythm and time of day ----------------------------------------------------


@pytest.mark.parametrize("busy_weekday", [4, 5])
def test_friday_and_saturday_are_busier_than_tuesday(obs: pd.DataFrame, busy_weekday: int) -> None:
    per_weekday = obs.groupby("weekday")["count"].sum()

    assert per_weekday[busy_weekday] >= 1.5 * per_weekday[1]


@pytest.mark.parametrize("category", OUTDOOR)
def test_evening_and_night_carry_most_outdoor_incidents(obs: pd.DataFrame, category: str) -> None:
    rows = obs[obs["category"] == category]
    after_dark = rows.loc[rows["time_band"] != "day", "count"].sum()

    assert after_dark > 0.5 * rows["count"].sum()


def test_skolfranvaro_only_on_school_days_in_the_day_band(obs: pd.DataFrame) -> None:
    absence = obs[obs["category"] == "skolfranvaro"]
    years = range(START.year, END.year + 1)
    sportlov = {
        (kommun, day)
        for kommun in ("0380", "0191")
        for year in years
        for day in window_days(*demo_sportlov(kommun, year))
    }
    no_school = {day for year in years for day in summer_days(year)}
    no_school |= set(swedish_holidays(years))
    no_school |= {
        day for year in years for day in window_days(date(year, 12, 21), date(year, 12, 31))
    }
    no_school |= {day for year in years for day in window_days(date(year, 1, 1), date(year, 1, 6))}

    assert not absence.empty
    assert set(absence["time_band"]) == {"day"}
    assert (absence["weekday"] < 5).all()
    assert not set(zip(absence["kommun"], absence["occurred_on"], strict=True)) & sportlov
    assert not set(absence["occurred_on"]) & no_school


# --- calendar spikes ------------------------------------------------------------------


@pytest.mark.parametrize("year", YEARS)
def test_valborg_evening_is_a_spike(obs: pd.DataFrame, year: int) -> None:
    valborg = valborgsmassoafton(year)
    after_dark = obs[obs["time_band"] != "day"]
    normal = same_weekday_before(valborg, weeks=6)

    assert incidents_on(after_dark, [valborg]) >= 3 * mean_incidents_per_day(after_dark, normal)


@pytest.mark.parametrize("year", YEARS)
def test_skolavslutning_is_a_spike(obs: pd.DataFrame, year: int) -> None:
    skolavslutning = demo_skolavslutning(year)
    normal = same_weekday_before(skolavslutning, weeks=6)

    assert incidents_on(obs, [skolavslutning]) >= 2 * mean_incidents_per_day(obs, normal)


def _sportlov_uplift(obs: pd.DataFrame, kommun: str, iso_week: int) -> float:
    """Incidents in ``iso_week`` over the mean of the other weeks 4–13, summed over YEARS."""
    rows = obs[obs["kommun"] == kommun]
    iso = rows["day"].dt.isocalendar()
    weekly = rows[iso["year"].isin(YEARS)].groupby(iso["week"])["count"].sum()
    other_weeks = [week for week in range(4, 14) if week not in (8, 9)]
    return float(weekly[iso_week] / weekly[other_weeks].mean())


@pytest.mark.parametrize(("kommun", "iso_week"), [("0380", 8), ("0191", 9)])
def test_sportlov_week_is_busier_than_normal_weeks(
    obs: pd.DataFrame, kommun: str, iso_week: int
) -> None:
    assert _sportlov_uplift(obs, kommun, iso_week) >= 1.3


def test_sportlov_uplift_follows_each_kommuns_own_week(obs: pd.DataFrame) -> None:
    assert _sportlov_uplift(obs, "0380", 8) > _sportlov_uplift(obs, "0191", 8)
    assert _sportlov_uplift(obs, "0191", 9) > _sportlov_uplift(obs, "0380", 9)


def test_payday_weekends_get_a_mild_uplift(obs: pd.DataFrame) -> None:
    outdoor = obs[obs["category"].isin(OUTDOOR)]
    weekend = {day for day in window_days(START, END) if day.weekday() in (4, 5)}
    weekend -= event_days()
    paid = weekend & payday_weekend_days()

    ratio = mean_incidents_per_day(outdoor, paid) / mean_incidents_per_day(outdoor, weekend - paid)

    assert 1.1 <= ratio <= 1.6


def test_summer_has_far_fewer_school_reports(obs: pd.DataFrame) -> None:
    summer = {day for year in YEARS for day in summer_days(year)}
    in_summer = obs["occurred_on"].isin(summer)
    school_share = obs.groupby(in_summer)["source"].apply(lambda s: (s == "skola").mean())

    assert school_share[True] <= 0.2 * school_share[False]


def test_summer_has_more_evening_gatherings_than_spring(obs: pd.DataFrame) -> None:
    gatherings = obs[(obs["category"] == "samling") & (obs["time_band"] == "evening")]
    summer = [day for year in YEARS for day in summer_days(year)]
    spring = [
        day
        for year in YEARS
        for day in window_days(date(year, 4, 1), date(year, 5, 31))
        if day not in event_days()
    ]

    assert mean_incidents_per_day(gatherings, summer) >= 1.2 * mean_incidents_per_day(
        gatherings, spring
    )


# --- rising trend ---------------------------------------------------------------------


def daily_incidents(rows: pd.DataFrame) -> npt.NDArray[np.int64]:
    """Incidents per day over the whole window, days without reports included."""
    daily = rows.groupby("occurred_on")["count"].sum()
    return daily.reindex(window_days(START, END), fill_value=0).to_numpy()


def in_rising_pairs(obs: pd.DataFrame, data: SyntheticData) -> pd.Series:
    pairs = pd.MultiIndex.from_frame(obs[["area_code", "category"]])
    return pd.Series(pairs.isin(pd.MultiIndex.from_tuples(data.rising)), index=obs.index)


def test_rising_pairs_are_distinct_large_areas_in_the_rising_categories(
    data: SyntheticData,
) -> None:
    population = {area.code: area.population_10_19 for area in forty_areas()}
    rising_areas = [area for area, _ in data.rising]

    assert len(data.rising) == 3
    assert len(set(rising_areas)) == 3
    assert all(population[area] >= RISING_MIN_POPULATION for area in rising_areas)
    assert {category for _, category in data.rising} <= set(RISING_CATEGORIES)


def test_rising_pairs_depend_on_the_seed(data: SyntheticData) -> None:
    other = synthetic_observations(forty_areas(), end=END, days=DAYS, seed=SEED + 1)

    assert other.rising != data.rising


def test_rising_pairs_triple_over_the_last_twelve_weeks(
    obs: pd.DataFrame, data: SyntheticData
) -> None:
    for area_code, category in data.rising:
        pair = obs[(obs["area_code"] == area_code) & (obs["category"] == category)]
        daily = daily_incidents(pair)
        earlier_four_weeks = daily[: -12 * 7].mean() * 28

        assert daily[-28:].sum() >= 3 * earlier_four_weeks, (area_code, category)


def test_rising_trend_builds_up_gradually(obs: pd.DataFrame, data: SyntheticData) -> None:
    daily = daily_incidents(obs[in_rising_pairs(obs, data)])
    first, middle, last = (daily[-84:][i * 28 : (i + 1) * 28].sum() for i in range(3))

    assert first < middle < last


def test_pairs_without_a_trend_stay_level(obs: pd.DataFrame, data: SyntheticData) -> None:
    daily = daily_incidents(obs[~in_rising_pairs(obs, data)])
    earlier_four_weeks = daily[: -12 * 7].mean() * 28

    assert daily[-28:].sum() < 2 * earlier_four_weeks


# --- determinism and speed ------------------------------------------------------------


def test_same_inputs_and_seed_give_identical_data(data: SyntheticData) -> None:
    again = synthetic_observations(forty_areas(), end=END, days=DAYS, seed=SEED)

    pd.testing.assert_frame_equal(again.observations, data.observations)
    assert again.rising == data.rising


def test_different_seeds_give_different_observations(data: SyntheticData) -> None:
    other = synthetic_observations(forty_areas(), end=END, days=DAYS, seed=SEED + 1)

    assert not other.observations.equals(data.observations)


SmallInputs = tuple[list[SyntheticArea], date, int, int, int]


@st.composite
def small_inputs(draw: st.DrawFn) -> SmallInputs:
    """Up to four areas, up to 120 days, any seed and a feasible ``n_rising``."""
    populations = draw(st.lists(st.integers(1, 1500), min_size=1, max_size=4))
    areas = [
        SyntheticArea(f"A{i}", draw(st.sampled_from(["0380", "0191"])), population)
        for i, population in enumerate(populations)
    ]
    eligible = sum(p >= RISING_MIN_POPULATION for p in populations)
    end = draw(st.dates(date(2020, 1, 1), date(2030, 12, 31)))
    days = draw(st.integers(1, 120))
    return areas, end, days, draw(st.integers(0, 2**32 - 1)), draw(st.integers(0, eligible))


@settings(max_examples=25, deadline=None)
@given(inputs=small_inputs())
def test_small_inputs_give_deterministic_well_formed_data(inputs: SmallInputs) -> None:
    areas, end, days, seed, n_rising = inputs

    first = synthetic_observations(areas, end=end, days=days, seed=seed, n_rising=n_rising)
    second = synthetic_observations(areas, end=end, days=days, seed=seed, n_rising=n_rising)

    df = first.observations
    pd.testing.assert_frame_equal(df, second.observations)
    assert first.rising == second.rising
    assert len(first.rising) == n_rising
    assert tuple(df.columns) == COLUMNS
    assert df["occurred_on"].between(end - timedelta(days=days - 1), end).all()
    assert (df["count"] >= 1).all()
    assert set(df["category"]) <= set(codes(CATEGORIES))
    assert set(df["source"]) <= set(codes(SOURCES)) - {"polisen_se"}
    keys = list(df[SORT_KEY].itertuples(index=False, name=None))
    assert keys == sorted(keys)


# --- input checks ---------------------------------------------------------------------


def test_empty_areas_are_refused() -> None:
    with pytest.raises(ValueError, match="areas is empty"):
        synthetic_observations([], end=END)


@pytest.mark.parametrize("days", [0, -7])
def test_fewer_than_one_day_is_refused(days: int) -> None:
    with pytest.raises(ValueError, match="days must be at least 1"):
        synthetic_observations(forty_areas(), end=END, days=days)


def test_duplicate_area_codes_are_refused() -> None:
    areas = [*forty_areas(), SyntheticArea("0380-D03", "0380", 400)]

    with pytest.raises(ValueError, match="duplicate area codes 0380-D03"):
        synthetic_observations(areas, end=END)


@pytest.mark.parametrize("population", [0, -1])
def test_non_positive_population_is_refused(population: int) -> None:
    areas = [SyntheticArea("0380-X01", "0380", population), *forty_areas()]

    with pytest.raises(ValueError, match="0380-X01 has population_10_19"):
        synthetic_observations(areas, end=END)


def test_kommun_without_a_demo_calendar_is_refused() -> None:
    areas = [SyntheticArea("0180-D01", "0180", 800)]

    with pytest.raises(ValueError, match="'0180' without a demo school calendar"):
        synthetic_observations(areas, end=END)


@pytest.mark.parametrize("n_rising", [-1, 2])
def test_impossible_number_of_rising_pairs_is_refused(n_rising: int) -> None:
    areas = [SyntheticArea("0380-D01", "0380", 800), SyntheticArea("0380-D02", "0380", 300)]

    with pytest.raises(ValueError, match="n_rising"):
        synthetic_observations(areas, end=END, n_rising=n_rising)
