"""Deterministic synthetic group-level observations for demos, tests and benchmarks.

The generator draws Poisson report counts over an area × day × category grid and
then, per report, a time band, a source, an incident count and optional group-size
and age bands. Rates follow the population aged 10–19, a seeded risk factor per
area, the weekly rhythm, the calendar (valborg, skolavslutning, sportlov, payday
weekends, summer) and a rising trend for a few (area, category) pairs.

School calendars here are ASSUMPTIONS for synthetic data (see ``data.calendar``):
no school on weekends, on any date ``swedish_holidays`` lists, in the demo sportlov
week, in jullov (21 December–6 January) or in sommarlov (from the day after the
demo skolavslutning to the Sunday of ISO week 33).

The output holds codes, dates, bands and counts only: no names, no free text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType
from typing import Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from data.calendar.holidays import (
    DEMO_SPORTLOV_WEEK,
    demo_skolavslutning,
    demo_sportlov,
    payday,
    swedish_holidays,
    valborgsmassoafton,
)
from data.vocabulary import AGE_BANDS, CATEGORIES, GROUP_SIZE_BANDS, SOURCES, TIME_BANDS, codes

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

Rhythm = Literal["outdoor", "steady", "school_linked", "school_only"]

COLUMNS: Final[tuple[str, ...]] = (
    "area_code",
    "occurred_on",
    "time_band",
    "category",
    "source",
    "count",
    "group_size",
    "age_band",
)
"""Columns of ``SyntheticData.observations``, in order."""

RISING_CATEGORIES: Final[tuple[str, ...]] = ("narkotika", "rekrytering", "vald", "samling")
"""Categories that may be given a rising trend."""

RISING_MIN_POPULATION: Final = 500
"""Smallest population aged 10–19 of an area that may be given a rising trend."""

# polisen.se events come only from real imports, never from the generator.
_REPORTING_SOURCES: Final[tuple[str, ...]] = tuple(
    code for code in codes(SOURCES) if code != "polisen_se"
)
_REPORTS_PER_YOUTH_DAY: Final = 6.5e-4
_AREA_RISK_SIGMA: Final = 0.5
_TREND_DAYS: Final = 84
_TREND_PEAK: Final = 5.0
_HOTSPOT_LEVEL: Final = 3.0
_VALBORG_HOTSPOT: Final = 2.0
# A rising rare category (e.g. rekrytering) must end at a visible level too.
_TREND_FLOOR_REPORTS_PER_DAY: Final = 1.0
_SUMMER_END_ISO_WEEK: Final = 33
_JULLOV_FIRST_DECEMBER_DAY: Final = 21
_JULLOV_LAST_JANUARY_DAY: Final = 6
_SEASON_PEAK_DAY_OF_YEAR: Final = 196  # mid July
_FRIDAY, _SATURDAY = 4, 5


@dataclass(frozen=True, slots=True)
class SyntheticArea:
    """An area to generate observations for."""

    code: str
    """Area code, e.g. ``"0380-D07"``."""
    kommun_code: str
    """Kommun code with a demo school calendar: ``"0380"`` or ``"0191"``."""
    population_10_19: int
    """Number of youths aged 10–19 living in the area."""


@dataclass(frozen=True, slots=True)
class SyntheticData:
    """Generated observations and the (area_code, category) pairs given a rising trend."""

    observations: pd.DataFrame
    rising: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class _RhythmProfile:
    """Rate multipliers of a group of categories; 1.0 means no effect."""

    weekday: tuple[float, float, float, float, float, float, float]  # Monday first
    season_amplitude: float  # relative, peaking mid July
    valborg: float
    skolavslutning: float
    sportlov: float
    summer: float
    payday_weekend: float
    no_school: float  # on days without school


@dataclass(frozen=True, slots=True)
class _CategoryProfile:
    """How often, when, by whom and how a category is reported."""

    weight: float  # relative report frequency
    rhythm: Rhythm
    bands: tuple[float, float, float]  # day, evening, night
    sources: tuple[float, float, float, float, float, float, float]  # _REPORTING_SOURCES order
    p_group_incident: float  # probability that a report counts 2–4 incidents
    group_sizes: tuple[float, float, float, float, float]  # None, then GROUP_SIZE_BANDS
    ages: tuple[float, float, float, float]  # None, then AGE_BANDS


_NO_EFFECT: Final = (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)
_RHYTHMS: Final[Mapping[Rhythm, _RhythmProfile]] = MappingProxyType(
    {
        # Gatherings, alcohol, vandalism: weekends, evenings, events and free time.
        "outdoor": _RhythmProfile(
            weekday=(0.75, 0.7, 0.75, 0.9, 1.6, 1.8, 1.0),
            season_amplitude=0.25,
            valborg=6.0,
            skolavslutning=4.0,
            sportlov=2.2,
            summer=1.3,
            payday_weekend=1.3,
            no_school=1.0,
        ),
        "steady": _RhythmProfile(
            weekday=(1.0, 1.0, 1.0, 1.0, 1.15, 1.15, 0.85),
            season_amplitude=0.1,
            valborg=1.5,
            skolavslutning=1.3,
            sportlov=1.3,
            summer=1.0,
            payday_weekend=1.1,
            no_school=1.0,
        ),
        # Mostly noticed and reported by school staff.
        "school_linked": _RhythmProfile(
            weekday=_NO_EFFECT,
            season_amplitude=0.0,
            valborg=1.0,
            skolavslutning=1.3,
            sportlov=1.0,
            summer=1.0,
            payday_weekend=1.0,
            no_school=0.4,
        ),
        "school_only": _RhythmProfile(
            weekday=_NO_EFFECT,
            season_amplitude=0.0,
            valborg=1.0,
            skolavslutning=1.0,
            sportlov=1.0,
            summer=1.0,
            payday_weekend=1.0,
            no_school=0.0,
        ),
    }
)

_GROUPS_DEFAULT: Final = (0.35, 0.15, 0.35, 0.12, 0.03)
_GROUPS_CROWD: Final = (0.2, 0.0, 0.25, 0.35, 0.2)
_GROUPS_SMALL: Final = (0.3, 0.15, 0.5, 0.05, 0.0)
_GROUPS_RARELY_NOTED: Final = (0.6, 0.1, 0.2, 0.07, 0.03)
_AGES_DEFAULT: Final = (0.4, 0.1, 0.3, 0.2)
_AGES_OLDER: Final = (0.3, 0.02, 0.33, 0.35)
_AGES_SCHOOL: Final = (0.3, 0.15, 0.45, 0.1)

# Source weights, in order: skola, socialtjanst, polis, fritid, falt, nattvandring,
# trygghetsmatning. Availability (school days, walk nights, opening hours) is
# applied per report on top of these affinities.
_CATEGORY_PROFILES: Final[Mapping[str, _CategoryProfile]] = MappingProxyType(
    {
        "skadegorelse": _CategoryProfile(
            weight=0.13,
            rhythm="outdoor",
            bands=(0.2, 0.4, 0.4),
            sources=(0.5, 0.05, 0.3, 0.15, 0.2, 0.12, 0.01),
            p_group_incident=0.2,
            group_sizes=_GROUPS_DEFAULT,
            ages=_AGES_DEFAULT,
        ),
        "brand": _CategoryProfile(
            weight=0.02,
            rhythm="outdoor",
            bands=(0.2, 0.45, 0.35),
            sources=(0.2, 0.03, 0.55, 0.1, 0.12, 0.08, 0.0),
            p_group_incident=0.1,
            group_sizes=_GROUPS_SMALL,
            ages=_AGES_DEFAULT,
        ),
        "otrygg_plats": _CategoryProfile(
            weight=0.11,
            rhythm="outdoor",
            bands=(0.3, 0.45, 0.25),
            sources=(0.3, 0.05, 0.15, 0.15, 0.25, 0.2, 0.05),
            p_group_incident=0.1,
            group_sizes=_GROUPS_DEFAULT,
            ages=_AGES_DEFAULT,
        ),
        "samling": _CategoryProfile(
            weight=0.16,
            rhythm="outdoor",
            bands=(0.15, 0.55, 0.3),
            sources=(0.1, 0.03, 0.15, 0.3, 0.32, 0.2, 0.0),
            p_group_incident=0.3,
            group_sizes=_GROUPS_CROWD,
            ages=_AGES_DEFAULT,
        ),
        "narkotika": _CategoryProfile(
            weight=0.06,
            rhythm="steady",
            bands=(0.3, 0.45, 0.25),
            sources=(0.3, 0.12, 0.45, 0.08, 0.2, 0.05, 0.0),
            p_group_incident=0.1,
            group_sizes=_GROUPS_SMALL,
            ages=_AGES_OLDER,
        ),
        "alkohol": _CategoryProfile(
            weight=0.1,
            rhythm="outdoor",
            bands=(0.05, 0.5, 0.45),
            sources=(0.05, 0.05, 0.15, 0.3, 0.35, 0.15, 0.0),
            p_group_incident=0.25,
            group_sizes=_GROUPS_CROWD,
            ages=_AGES_OLDER,
        ),
        "vald": _CategoryProfile(
            weight=0.05,
            rhythm="outdoor",
            bands=(0.35, 0.35, 0.3),
            sources=(1.0, 0.05, 0.5, 0.1, 0.1, 0.05, 0.0),
            p_group_incident=0.15,
            group_sizes=_GROUPS_SMALL,
            ages=_AGES_DEFAULT,
        ),
        "hot": _CategoryProfile(
            weight=0.03,
            rhythm="steady",
            bands=(0.55, 0.3, 0.15),
            sources=(1.0, 0.15, 0.35, 0.1, 0.1, 0.0, 0.0),
            p_group_incident=0.05,
            group_sizes=_GROUPS_SMALL,
            ages=_AGES_DEFAULT,
        ),
        "ran": _CategoryProfile(
            weight=0.008,
            rhythm="steady",
            bands=(0.3, 0.45, 0.25),
            sources=(0.1, 0.05, 0.8, 0.03, 0.05, 0.02, 0.0),
            p_group_incident=0.05,
            group_sizes=_GROUPS_SMALL,
            ages=_AGES_OLDER,
        ),
        "stold": _CategoryProfile(
            weight=0.05,
            rhythm="steady",
            bands=(0.35, 0.3, 0.35),
            sources=(0.4, 0.02, 0.65, 0.08, 0.08, 0.02, 0.0),
            p_group_incident=0.1,
            group_sizes=_GROUPS_SMALL,
            ages=_AGES_DEFAULT,
        ),
        "vapen": _CategoryProfile(
            weight=0.008,
            rhythm="steady",
            bands=(0.35, 0.35, 0.3),
            sources=(0.5, 0.05, 0.65, 0.05, 0.08, 0.02, 0.0),
            p_group_incident=0.05,
            group_sizes=_GROUPS_SMALL,
            ages=_AGES_OLDER,
        ),
        "sociala_medier": _CategoryProfile(
            weight=0.06,
            rhythm="school_linked",
            bands=(0.7, 0.25, 0.05),
            sources=(3.0, 0.15, 0.1, 0.1, 0.05, 0.0, 0.0),
            p_group_incident=0.1,
            group_sizes=_GROUPS_RARELY_NOTED,
            ages=_AGES_SCHOOL,
        ),
        "mot_personal": _CategoryProfile(
            weight=0.02,
            rhythm="school_linked",
            bands=(0.75, 0.25, 0.0),
            sources=(2.0, 0.1, 0.05, 0.3, 0.05, 0.0, 0.0),
            p_group_incident=0.05,
            group_sizes=_GROUPS_SMALL,
            ages=_AGES_SCHOOL,
        ),
        "buskorning": _CategoryProfile(
            weight=0.05,
            rhythm="outdoor",
            bands=(0.2, 0.6, 0.2),
            sources=(0.1, 0.0, 0.35, 0.15, 0.25, 0.2, 0.0),
            p_group_incident=0.2,
            group_sizes=_GROUPS_DEFAULT,
            ages=_AGES_OLDER,
        ),
        "nedskrapning": _CategoryProfile(
            weight=0.04,
            rhythm="outdoor",
            bands=(0.4, 0.4, 0.2),
            sources=(0.3, 0.0, 0.05, 0.2, 0.25, 0.25, 0.05),
            p_group_incident=0.1,
            group_sizes=_GROUPS_DEFAULT,
            ages=_AGES_DEFAULT,
        ),
        "skolfranvaro": _CategoryProfile(
            weight=0.08,
            rhythm="school_only",
            bands=(1.0, 0.0, 0.0),
            sources=(0.85, 0.15, 0.0, 0.0, 0.0, 0.0, 0.0),
            p_group_incident=0.3,
            group_sizes=_GROUPS_DEFAULT,
            ages=_AGES_SCHOOL,
        ),
        "rekrytering": _CategoryProfile(
            weight=0.015,
            rhythm="steady",
            bands=(0.45, 0.4, 0.15),
            sources=(0.4, 0.3, 0.35, 0.05, 0.15, 0.0, 0.0),
            p_group_incident=0.05,
            group_sizes=_GROUPS_SMALL,
            ages=_AGES_SCHOOL,
        ),
        "positiv": _CategoryProfile(
            weight=0.06,
            rhythm="steady",
            bands=(0.5, 0.45, 0.05),
            sources=(0.4, 0.05, 0.05, 0.3, 0.2, 0.2, 0.03),
            p_group_incident=0.2,
            group_sizes=_GROUPS_DEFAULT,
            ages=_AGES_DEFAULT,
        ),
    }
)


@dataclass(frozen=True, slots=True)
class _DayCalendar:
    """Per-day flags of the generated period; axis 0 of ``*_by_kommun`` is the kommun."""

    weekday: IntArray  # 0 = Monday
    season: FloatArray  # -1 (mid January) to 1 (mid July)
    valborg: BoolArray
    skolavslutning: BoolArray
    summer: BoolArray
    payday_weekend: BoolArray
    sportlov_by_kommun: BoolArray
    school_day_by_kommun: BoolArray


def synthetic_observations(
    areas: Sequence[SyntheticArea],
    *,
    end: date,
    days: int = 730,
    seed: int = 2026,
    n_rising: int = 3,
) -> SyntheticData:
    """Generate realistic, deterministic group-level observation reports.

    Parameters
    ----------
    areas
        Areas with unique codes, a kommun with a demo school calendar
        (``DEMO_SPORTLOV_WEEK``) and a positive population aged 10–19.
    end
        Last date generated; dates run from ``end - days + 1`` to ``end`` inclusive.
    days
        Number of days, at least 1.
    seed
        Non-negative seed; the same inputs and seed give an identical frame.
    n_rising
        Number of distinct areas with at least ``RISING_MIN_POPULATION`` youths
        given a rising trend in one of ``RISING_CATEGORIES``: the rate grows
        smoothly over the last 12 weeks to 5× the earlier level, and to at least
        one report a day so that a rare category's rise is visible too.

    Returns
    -------
    SyntheticData
        One row per observation report with the ``COLUMNS``, sorted by
        (occurred_on, area_code, category, source, time_band). ``occurred_on``
        holds ``datetime.date`` objects; ``group_size`` and ``age_band`` are
        object columns with ``None`` when not noted; ``count`` (incidents) is 1–4;
        the other code columns use pandas' default string dtype.

    Raises
    ------
    ValueError
        For empty ``areas``, ``days < 1``, duplicate area codes, a non-positive
        population, a kommun without a demo calendar, or an impossible ``n_rising``.
    """
    _check_inputs(areas, days=days, n_rising=n_rising)
    rng_areas, rng_rising, rng_grid, rng_reports = (
        np.random.default_rng(child) for child in np.random.SeedSequence(seed).spawn(4)
    )
    start = end - timedelta(days=days - 1)
    kommun_codes = sorted({area.kommun_code for area in areas})
    calendar = _day_calendar(start, days, kommun_codes)
    kommun_of_area = np.array([kommun_codes.index(area.kommun_code) for area in areas])
    category_codes = codes(CATEGORIES)
    profiles = [_CATEGORY_PROFILES[code] for code in category_codes]

    rates = _report_rates(areas, kommun_of_area, profiles, calendar, rng_areas)
    _apply_valborg_hotspots(rates, areas, profiles, calendar)
    rising = _choose_rising(areas, n_rising, rng_rising)
    for area_index, category in rising:
        _apply_rising_trend(rates[area_index, :, category_codes.index(category)])

    reports = rng_grid.poisson(rates)
    area_i, day_i, category_i = (
        np.repeat(axis_index, reports[reports > 0]) for axis_index in np.nonzero(reports)
    )
    observations = _describe_reports(
        areas,
        start,
        area_i,
        day_i,
        category_i,
        kommun_of_area[area_i],
        profiles,
        calendar,
        rng_reports,
    )
    return SyntheticData(
        observations=observations,
        rising=tuple(sorted((areas[a].code, category) for a, category in rising)),
    )


def _check_inputs(areas: Sequence[SyntheticArea], *, days: int, n_rising: int) -> None:
    if not areas:
        msg = "areas is empty; pass at least one SyntheticArea"
        raise ValueError(msg)
    if days < 1:
        msg = f"days must be at least 1, got {days}"
        raise ValueError(msg)
    duplicates = sorted(code for code, n in Counter(area.code for area in areas).items() if n > 1)
    if duplicates:
        msg = f"duplicate area codes {', '.join(duplicates)}; give every area a unique code"
        raise ValueError(msg)
    for area in areas:
        if area.population_10_19 <= 0:
            msg = (
                f"area {area.code} has population_10_19={area.population_10_19}; "
                "the population aged 10–19 must be positive"
            )
            raise ValueError(msg)
        if area.kommun_code not in DEMO_SPORTLOV_WEEK:
            known = ", ".join(sorted(DEMO_SPORTLOV_WEEK))
            msg = (
                f"area {area.code} has kommun_code {area.kommun_code!r} without a demo "
                f"school calendar; use one of {known}"
            )
            raise ValueError(msg)
    eligible = sum(area.population_10_19 >= RISING_MIN_POPULATION for area in areas)
    if not 0 <= n_rising <= eligible:
        msg = (
            f"n_rising={n_rising} must be between 0 and {eligible}, the number of areas "
            f"with population_10_19 >= {RISING_MIN_POPULATION}"
        )
        raise ValueError(msg)


def _day_calendar(start: date, days: int, kommun_codes: Sequence[str]) -> _DayCalendar:
    dates = np.arange(days) + np.datetime64(start, "D")
    years = range(start.year, (start + timedelta(days=days - 1)).year + 1)
    day_of_year = (dates - dates.astype("datetime64[Y]")).astype(np.int64) + 1
    month = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day_of_month = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    weekday = (dates.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday

    holiday = _on(dates, list(swedish_holidays(years)))
    jullov = ((month == 12) & (day_of_month >= _JULLOV_FIRST_DECEMBER_DAY)) | (
        (month == 1) & (day_of_month <= _JULLOV_LAST_JANUARY_DAY)
    )
    summer = _within(
        dates,
        [
            (
                demo_skolavslutning(year) + timedelta(days=1),
                date.fromisocalendar(year, _SUMMER_END_ISO_WEEK, 7),
            )
            for year in years
        ],
    )
    payday_fridays = [_next_friday(payday(year, month)) for year in years for month in range(1, 13)]
    payday_weekend = _on(dates, payday_fridays) | _on(
        dates, [friday + timedelta(days=1) for friday in payday_fridays]
    )
    sportlov = np.stack(
        [_within(dates, [demo_sportlov(kommun, year) for year in years]) for kommun in kommun_codes]
    )
    school_day = (weekday < _SATURDAY) & ~holiday & ~jullov & ~summer & ~sportlov
    return _DayCalendar(
        weekday=weekday,
        season=np.cos(2 * np.pi * (day_of_year - _SEASON_PEAK_DAY_OF_YEAR) / 365.25),
        valborg=_on(dates, [valborgsmassoafton(year) for year in years]),
        skolavslutning=_on(dates, [demo_skolavslutning(year) for year in years]),
        summer=summer,
        payday_weekend=payday_weekend,
        sportlov_by_kommun=sportlov,
        school_day_by_kommun=school_day,
    )


def _on(dates: npt.NDArray[np.datetime64], days: Sequence[date]) -> BoolArray:
    return np.isin(dates, np.array(days, dtype="datetime64[D]"))


def _within(dates: npt.NDArray[np.datetime64], periods: Sequence[tuple[date, date]]) -> BoolArray:
    inside = np.zeros(dates.shape, dtype=bool)
    for first, last in periods:
        inside |= (dates >= np.datetime64(first, "D")) & (dates <= np.datetime64(last, "D"))
    return inside


def _next_friday(day: date) -> date:
    return day + timedelta(days=(_FRIDAY - day.weekday()) % 7)


def _report_rates(
    areas: Sequence[SyntheticArea],
    kommun_of_area: IntArray,
    profiles: Sequence[_CategoryProfile],
    calendar: _DayCalendar,
    rng: np.random.Generator,
) -> FloatArray:
    """Expected reports per area, day and category, shape (areas, days, categories)."""
    population = np.array([area.population_10_19 for area in areas], dtype=np.float64)
    risk = rng.lognormal(mean=-(_AREA_RISK_SIGMA**2) / 2, sigma=_AREA_RISK_SIGMA, size=len(areas))
    weights = np.array([profile.weight for profile in profiles])
    by_rhythm = {
        rhythm: _rhythm_factor(rhythm_profile, calendar)
        for rhythm, rhythm_profile in _RHYTHMS.items()
    }
    # (kommun, day, category)
    day_factor = np.stack([by_rhythm[profile.rhythm] for profile in profiles], axis=-1)
    area_rate = _REPORTS_PER_YOUTH_DAY * population * risk
    return area_rate[:, None, None] * weights[None, None, :] * day_factor[kommun_of_area]


def _apply_valborg_hotspots(
    rates: FloatArray,
    areas: Sequence[SyntheticArea],
    profiles: Sequence[_CategoryProfile],
    calendar: _DayCalendar,
) -> None:
    """Make each kommun's most populous area its meeting place, in place.

    Young people gather in a few places (the centre, a park), not evenly: in the
    categories that rise at valborg, the most populous area of each kommun gets
    ``_HOTSPOT_LEVEL`` times its rate on every day, and valborg is celebrated there
    ``_VALBORG_HOTSPOT`` times more on top. Its normal weeks are then busy enough to
    be published, so the demo's per-area valborg uplift is clear whatever day the
    demo ends on (the pages and tests show it).
    """
    lifted = np.array([_RHYTHMS[p.rhythm].valborg > 1 for p in profiles])
    for kommun in sorted({area.kommun_code for area in areas}):
        members = [i for i, area in enumerate(areas) if area.kommun_code == kommun]
        hot = max(members, key=lambda i: (areas[i].population_10_19, areas[i].code))
        # (day, category): the gathering categories, more so at valborg.
        at_valborg = np.outer(calendar.valborg, lifted)
        rates[hot] *= np.where(lifted, _HOTSPOT_LEVEL, 1.0)[None, :]
        rates[hot] *= np.where(at_valborg, _VALBORG_HOTSPOT, 1.0)


def _rhythm_factor(profile: _RhythmProfile, calendar: _DayCalendar) -> FloatArray:
    """Rate multiplier of one rhythm, shape (kommun, day)."""
    per_day = (
        np.array(profile.weekday)[calendar.weekday]
        * (1 + profile.season_amplitude * calendar.season)
        * np.where(calendar.valborg, profile.valborg, 1.0)
        * np.where(calendar.skolavslutning, profile.skolavslutning, 1.0)
        * np.where(calendar.summer, profile.summer, 1.0)
        * np.where(calendar.payday_weekend, profile.payday_weekend, 1.0)
    )
    return (
        per_day[None, :]
        * np.where(calendar.sportlov_by_kommun, profile.sportlov, 1.0)
        * np.where(calendar.school_day_by_kommun, 1.0, profile.no_school)
    )


def _choose_rising(
    areas: Sequence[SyntheticArea], n_rising: int, rng: np.random.Generator
) -> list[tuple[int, str]]:
    eligible = [i for i, area in enumerate(areas) if area.population_10_19 >= RISING_MIN_POPULATION]
    chosen = rng.choice(np.array(eligible, dtype=np.int64), size=n_rising, replace=False)
    categories = rng.choice(len(RISING_CATEGORIES), size=n_rising)
    return [(int(a), RISING_CATEGORIES[c]) for a, c in zip(chosen, categories, strict=True)]


def _apply_rising_trend(rate: FloatArray) -> None:
    """Raise one (area, category) daily rate in place over the last ``_TREND_DAYS``.

    The multiplier follows a smoothstep from 1 to the peak. The peak is scaled by
    the earlier level over the window's own level so that the trend ends near
    ``_TREND_PEAK`` times the earlier level whatever the season.
    """
    window = min(_TREND_DAYS, rate.size)
    earlier = rate[: rate.size - window] if rate.size > window else rate
    level = float(earlier.mean())  # positive: every rising category has a positive rate
    peak = max(_TREND_PEAK, _TREND_FLOOR_REPORTS_PER_DAY / level)
    peak *= level / float(rate[-window:].mean())
    t = np.clip((np.arange(rate.size) - (rate.size - window) + 1) / window, 0.0, 1.0)
    rate *= 1 + (peak - 1) * (3 * t**2 - 2 * t**3)


def _describe_reports(
    areas: Sequence[SyntheticArea],
    start: date,
    area_i: IntArray,
    day_i: IntArray,
    category_i: IntArray,
    kommun_i: IntArray,
    profiles: Sequence[_CategoryProfile],
    calendar: _DayCalendar,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Draw band, source, count, group size and age of each report; return sorted rows."""
    n = area_i.size
    band_i = _draw(
        rng, np.array([p.bands for p in profiles])[category_i] * _band_tilt(calendar)[day_i]
    )
    source_i = _draw(
        rng,
        _source_weights(
            np.array([p.sources for p in profiles])[category_i],
            band_i,
            school_day=calendar.school_day_by_kommun[kommun_i, day_i],
            walk_night=_walk_nights(calendar)[day_i],
        ),
    )
    group_incident = rng.random(n) < np.array([p.p_group_incident for p in profiles])[category_i]
    extra = np.minimum(rng.poisson(0.5, size=n), 2)
    count = np.where(group_incident, 2 + extra, 1)
    group_i = _draw(rng, np.array([p.group_sizes for p in profiles])[category_i])
    age_i = _draw(rng, np.array([p.ages for p in profiles])[category_i])

    area_codes = np.array([area.code for area in areas], dtype=object)
    category_codes = np.array(codes(CATEGORIES), dtype=object)
    source_codes = np.array(_REPORTING_SOURCES, dtype=object)
    band_codes = np.array(codes(TIME_BANDS), dtype=object)
    order = np.lexsort(
        (
            _rank(band_codes)[band_i],
            _rank(source_codes)[source_i],
            _rank(category_codes)[category_i],
            _rank(area_codes)[area_i],
            day_i,
        )
    )
    days = calendar.weekday.size
    day_objects = np.array([start + timedelta(days=d) for d in range(days)], dtype=object)
    return pd.DataFrame(
        {
            "area_code": area_codes[area_i[order]],
            "occurred_on": pd.Series(day_objects[day_i[order]], dtype=object),
            "time_band": band_codes[band_i[order]],
            "category": category_codes[category_i[order]],
            "source": source_codes[source_i[order]],
            "count": count[order].astype(np.int64),
            "group_size": pd.Series(
                np.array([None, *GROUP_SIZE_BANDS], dtype=object)[group_i[order]], dtype=object
            ),
            "age_band": pd.Series(
                np.array([None, *AGE_BANDS], dtype=object)[age_i[order]], dtype=object
            ),
        },
        columns=list(COLUMNS),
    )


def _band_tilt(calendar: _DayCalendar) -> FloatArray:
    """Multipliers of the (day, evening, night) band weights per day, shape (day, 3)."""
    tilt = np.ones((calendar.weekday.size, 3))
    weekend_night = np.isin(calendar.weekday, (_FRIDAY, _SATURDAY))
    event = calendar.valborg | calendar.skolavslutning
    tilt[weekend_night, 2] *= 1.6
    tilt[event, 0] *= 0.25
    tilt[event, 2] *= 1.5
    tilt[calendar.summer, 1] *= 1.4
    return tilt


def _walk_nights(calendar: _DayCalendar) -> BoolArray:
    """Days whose evening and night nattvandring walks: Friday, Saturday and events."""
    weekend = np.isin(calendar.weekday, (_FRIDAY, _SATURDAY))
    return weekend | calendar.valborg | calendar.skolavslutning


def _source_weights(
    affinity: FloatArray, band_i: IntArray, *, school_day: BoolArray, walk_night: BoolArray
) -> FloatArray:
    """Source weights per report: category affinity where the source is at work.

    School reports only in the day band of school days, nattvandring only on walk
    nights after dark, fritid (youth centres) not at night. A report no available
    source has an affinity for goes to polis, which reports anything at any time.
    """
    day_band, night_band = 0, 2
    weights = affinity.copy()
    weights[:, _REPORTING_SOURCES.index("skola")] *= school_day & (band_i == day_band)
    weights[:, _REPORTING_SOURCES.index("nattvandring")] *= walk_night & (band_i != day_band)
    weights[:, _REPORTING_SOURCES.index("fritid")] *= band_i != night_band
    weights[weights.sum(axis=1) <= 0, _REPORTING_SOURCES.index("polis")] = 1.0
    return weights


def _draw(rng: np.random.Generator, weights: FloatArray) -> IntArray:
    """Draw one column index per row with probability proportional to ``weights``."""
    cumulative = weights.cumsum(axis=1)
    u = rng.random(weights.shape[0]) * cumulative[:, -1]
    return np.minimum((u[:, None] >= cumulative).sum(axis=1), weights.shape[1] - 1)


def _rank(values: npt.NDArray[np.object_]) -> IntArray:
    """Position of each value in the sorted order of ``values``."""
    ranks = np.empty(values.size, dtype=np.int64)
    ranks[np.argsort(values, kind="stable")] = np.arange(values.size)
    return ranks
