"""Forecast of activity per area and night for planning walks, from published counts.

The model (the same at every scale, so the backtest in ``bench/`` tests what the
page shows): **level × weekday/time profile × calendar factor × severity mix**.

- *Level and profile*: the last ``HISTORY_WEEKS`` whole weeks, leaving out every
  slot in an event window or on a holiday, counted per display unit × weekday ×
  band (evening 18–22, night 22–06) and published (disclosure-controlled, all
  margins protected). Each cell is shrunk towards the unit's total spread by the
  kommun's weekday/band profile, so a quiet area is not forecast as exactly zero.
- *Calendar factor*: for a night in an event window (valborg, lönehelg, lov,
  skolavslutning, local events …), the ratio observed/expected of the same event
  in earlier years (:func:`data.counts.windows.compare_window`, published numbers),
  shrunk towards 1 (geometric mean with a prior of one ordinary occurrence).
- *Severity mix*: each unit's published counts per category weighted by the
  severities the coordinator set (normalised to a mean of 1), so "expected
  activity" is incidents weighted by how serious they are.

Uncertainty is an 80 % Poisson interval around the expected count. Every input
is a published number, so no forecast can reveal a hidden count.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

import numpy as np
import pandas as pd
from scipy.stats import poisson
from sqlalchemy.orm import Session

from data.access.scope import Selection, Viewer
from data.calendar.holidays import holiday_entries
from data.calendar.municipal import kommun_windows
from data.calendar.windows import EventWindow, WindowRule
from data.counts.cube import NO_AREA, CountCube, monday_of
from data.counts.overview import weekly_trend
from data.counts.windows import (
    EventComparison,
    Slots,
    area_rules,
    compare_areas,
    compare_window,
    read_slots,
)
from data.privacy.disclosure import protect
from data.privacy.small_areas import unit_of_area

HISTORY_WEEKS: Final = 8
WALK_BANDS: Final = ("evening", "night")
BAND_HOURS: Final = {"evening": (18, 22), "night": (22, 30)}
SHRINK: Final = 1.0
"""Weight of the unit's profile-spread total against its own cell (1 = equal)."""
PAST_YEARS: Final = 2
SEASON: Final = 52
"""Weeks in a year (for the seasonal factor)."""
INTERVAL: Final = 0.8


def level(weekly: Sequence[float], weeks: int = HISTORY_WEEKS) -> float:
    """The recent level of a weekly series: the mean of its last ``weeks`` values."""
    recent = list(weekly)[-weeks:]
    return float(np.mean(recent)) if recent else 0.0


def event_factor(ratios: Sequence[float]) -> float:
    """Past observed/expected ratios of an event, combined and shrunk towards 1:
    the geometric mean with one extra ordinary occurrence (ratio 1) as a prior."""
    usable = [r for r in ratios if r > 0 and math.isfinite(r)]
    if not usable:
        return 1.0
    return math.exp(sum(math.log(r) for r in usable) / (len(usable) + 1))


def overlap_share(start: str, end: str, band: str) -> float:
    """Share of ``band`` (evening 18–22, night 22–06) inside a walk from ``start`` to
    ``end`` (local ``HH:MM``; an end at or before the start is the next morning)."""

    def minutes(hhmm: str) -> int:
        hours, mins = hhmm.split(":")
        return int(hours) * 60 + int(mins)

    first = minutes(start)
    last = minutes(end)
    if last <= first:
        last += 24 * 60
    if first < 12 * 60:  # a walk starting after midnight belongs to that night
        first, last = first + 24 * 60, last + 24 * 60
    low, high = (h * 60 for h in BAND_HOURS[band])
    return max(0, min(last, high) - max(first, low)) / (high - low)


@dataclass(frozen=True, slots=True)
class NightForecast:
    """Expected (severity-weighted) activity of one display unit on one night."""

    code: str
    name: str
    night: date
    evening: float
    late: float
    """The night band (22–06)."""
    low: int
    high: int
    reasons: tuple[str, ...]

    @property
    def total(self) -> float:
        """Evening and night together."""
        return self.evening + self.late

    def covered(self, start: str, end: str) -> float:
        """The expected activity a walk from ``start`` to ``end`` is out for."""
        return self.evening * overlap_share(start, end, "evening") + self.late * overlap_share(
            start, end, "night"
        )


def _normal_mask(slots: Slots, windows: Iterable[EventWindow], holidays: set[date]) -> np.ndarray:
    abnormal = np.zeros(len(slots.frame), dtype=bool)
    for window in windows:
        abnormal |= slots.covered(window)
    abnormal |= np.array([d in holidays for d in slots.frame["day"]], dtype=bool)
    return ~abnormal


def severity_weights(categories: Sequence[str], severity: Mapping[str, float]) -> np.ndarray:
    """Severities in category order, normalised to a mean of 1 (all 1 when unset)."""
    weights = np.array([max(0.0, float(severity.get(c, 1.0))) for c in categories])
    mean = weights.mean() if len(weights) else 0.0
    return weights / mean if mean > 0 else np.ones(len(categories))


def forecast_nights(
    session: Session,
    cube: CountCube,
    selection: Selection,
    viewer: Viewer,
    nights: Sequence[date],
    *,
    severity: Mapping[str, float],
    rules: Iterable[WindowRule],
    today: date,
) -> list[NightForecast]:
    """Expected activity per display unit of ``selection.level`` and night."""
    rules = tuple(rules)
    if not nights:
        return []
    kommun = selection.kommun_code
    last_monday = monday_of(min(min(nights), today)) - timedelta(weeks=1)
    first_monday = last_monday - timedelta(weeks=HISTORY_WEEKS - 1)
    history = Selection(
        kommun,
        selection.level,
        first_monday,
        last_monday,
        selection.categories,
        age_bands=selection.age_bands,
    )
    units, target, scope = area_rules(cube, history, viewer)
    unit_index = unit_of_area(units, target, scope)
    shown = list(units.units)
    position = {u: i for i, u in enumerate(shown)}
    years = range(first_monday.year - PAST_YEARS, max(n.year for n in nights) + 1)
    windows_by_year = {y: kommun_windows(session, kommun, y, rules) for y in years}
    holidays = {e.start for e in holiday_entries(years)}

    # Level and profile: unit × weekday × band over normal slots, published.
    slots = read_slots(
        session,
        cube,
        kommun,
        first_monday,
        last_monday + timedelta(days=6),
        categories=selection.categories,
        ages=selection.age_bands,
        detail=True,
    )
    frame = slots.frame[
        _normal_mask(slots, [w for ws in windows_by_year.values() for w in ws], holidays)
    ]
    frame = frame[frame["band"].isin(WALK_BANDS)]
    unit = np.array(
        [
            position.get(int(unit_index[a]), -1) if unit_index[a] != NO_AREA else -1
            for a in frame["area"]
        ],
        dtype=np.int64,
    )
    keep = unit >= 0
    frame, unit = frame[keep], unit[keep]
    weekday = np.array([d.weekday() for d in frame["day"]], dtype=np.int64)
    band = np.array([WALK_BANDS.index(b) for b in frame["band"]], dtype=np.int64)
    counts = np.zeros((len(shown), 7, 2), dtype=np.int64)
    keys = np.zeros_like(counts)
    np.add.at(counts, (unit, weekday, band), frame["count"].to_numpy(np.int64))
    np.add.at(keys, (unit, weekday, band), frame["key"].to_numpy(np.int64))
    table = protect(
        pd.DataFrame({"count": counts.ravel(), "key": keys.ravel()}),
        level=viewer.level,
        table_shape=counts.shape,
    )
    half = viewer.level.k / 2
    published = np.array(
        [half if v is None else float(v) for v in table.published_values()]
    ).reshape(counts.shape)
    profile = published.sum(axis=0)
    profile = profile / profile.sum() if profile.sum() > 0 else np.full((7, 2), 1 / 14)
    unit_total = published.sum(axis=(1, 2))
    rate = (published + SHRINK * unit_total[:, None, None] * profile[None]) / (
        (1 + SHRINK) * HISTORY_WEEKS
    )

    # Severity mix: unit × category, published.
    categories = tuple(cube.categories)
    cat = np.array([categories.index(c) for c in frame["category"]], dtype=np.int64)
    by_cat = np.zeros((len(shown), len(categories)), dtype=np.int64)
    cat_keys = np.zeros_like(by_cat)
    np.add.at(by_cat, (unit, cat), frame["count"].to_numpy(np.int64))
    np.add.at(cat_keys, (unit, cat), frame["key"].to_numpy(np.int64))
    mix_table = protect(
        pd.DataFrame({"count": by_cat.ravel(), "key": cat_keys.ravel()}),
        level=viewer.level,
        table_shape=by_cat.shape,
    )
    mix_counts = np.array(
        [half if v is None else float(v) for v in mix_table.published_values()]
    ).reshape(by_cat.shape)
    weights = severity_weights(categories, severity)
    totals = mix_counts.sum(axis=1)
    mix = np.where(totals > 0, (mix_counts @ weights) / np.where(totals > 0, totals, 1), 1.0)

    factors = _calendar_factors(
        session, cube, selection, viewer, nights, windows_by_year, holidays, today
    )
    seasons = _seasonal_factors(cube, selection, viewer, nights, last_monday)
    out = []
    for night in nights:
        factor, reasons = factors[night]
        factor *= seasons[monday_of(night)]
        for i, u in enumerate(shown):
            evening = float(rate[i, night.weekday(), 0] * factor * mix[i])
            late = float(rate[i, night.weekday(), 1] * factor * mix[i])
            mean = evening + late
            low = int(poisson.ppf((1 - INTERVAL) / 2, mean)) if mean > 0 else 0
            high = int(poisson.ppf(1 - (1 - INTERVAL) / 2, mean)) if mean > 0 else 0
            out.append(
                NightForecast(
                    cube.areas.codes[u],
                    cube.areas.names[u],
                    night,
                    evening,
                    late,
                    low,
                    high,
                    reasons,
                )
            )
    return out


def _seasonal_factors(
    cube: CountCube, selection: Selection, viewer: Viewer, nights: Sequence[date], last: date
) -> dict[date, float]:
    """The seasonal factor of each night's week from the published weekly totals of
    the viewer's scope (the trend), as in :func:`weekly_forecast`."""
    first = max(cube.first_monday, last - timedelta(weeks=SEASON + HISTORY_WEEKS + 4))
    if first > last:
        return {monday_of(n): 1.0 for n in nights}
    trend = weekly_trend(
        cube,
        Selection(
            selection.kommun_code,
            "kommun",
            first,
            last,
            selection.categories,
            age_bands=selection.age_bands,
        ),
        viewer,
    )
    half = viewer.level.k / 2
    series = [half if v is None else float(v) for v in trend.published_values()]
    out = {}
    for night in nights:
        week = monday_of(night)
        t = len(series) - 1 + (week - last).days // 7
        out[week] = seasonal_factor(series, t, horizon=t - len(series) + 1)
    return out


def _calendar_factors(
    session: Session,
    cube: CountCube,
    selection: Selection,
    viewer: Viewer,
    nights: Sequence[date],
    windows_by_year: Mapping[int, list[EventWindow]],
    holidays: set[date],
    today: date,
) -> dict[date, tuple[float, tuple[str, ...]]]:
    """Each night's calendar factor and its reasons in words."""
    past_first = min(windows_by_year)
    slots = read_slots(
        session,
        cube,
        selection.kommun_code,
        date(past_first, 1, 1) - timedelta(weeks=5),
        today,
        categories=selection.categories,
        ages=selection.age_bands,
    )
    cache: dict[str, tuple[float, str]] = {}

    def learned(window: EventWindow) -> tuple[float, str]:
        if window.key in cache:
            return cache[window.key]
        ratios, said = [], ""
        for year in sorted(windows_by_year, reverse=True):
            if year >= window.start.year:
                continue
            same = [w for w in windows_by_year[year] if w.key == window.key]
            if len(same) > 1:
                same = [w for w in same if w.start.month == window.start.month]
            if not same or same[0].end.date() > today:
                continue
            past = compare_window(
                cube,
                slots,
                same[0],
                selection,
                viewer,
                avoid=windows_by_year[year],
                holiday_days=holidays,
            )
            if past.result is not None and past.result.ratio is not None:
                ratios.append(past.result.ratio)
                if not said:
                    times = f"{past.result.ratio:.1f}".replace(".", ",")
                    said = f"{window.name}: {year} {times} gånger det vanliga"
                    said += _strongest_area(
                        cube,
                        slots,
                        same[0],
                        selection,
                        viewer,
                        past,
                        windows_by_year[year],
                        holidays,
                    )
        factor = event_factor(ratios)
        cache[window.key] = (factor, said or f"{window.name}: ingen jämförelse från tidigare år")
        return cache[window.key]

    factors = {}
    for night in nights:
        covering = [
            w
            for w in windows_by_year.get(night.year, [])
            if w.covers(night, "evening") or w.covers(night, "night")
        ]
        factor, reasons = 1.0, []
        for window in covering:
            f, why = learned(window)
            factor *= f
            reasons.append(why)
        weekday = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
        reasons.append(f"vanlig {weekday[night.weekday()]} de senaste {HISTORY_WEEKS} veckorna")
        factors[night] = (factor, tuple(reasons))
    return factors


def weekly_forecast(
    weekly: Sequence[float], events: Sequence[frozenset[str]], t: int, horizon: int = 1
) -> float:
    """The model at weekly scale (what ``bench/bench_forecast.py`` backtests): week
    ``t`` from the weeks up to ``t − horizon``: the recent level times the calendar
    factor of the events in week ``t``, each learned from its earlier weeks' ratio
    to the level before them."""
    known = t - horizon + 1
    base = level(weekly[:known])
    factor = seasonal_factor(weekly, t, horizon)
    for key in events[t]:
        ratios = []
        for i in range(HISTORY_WEEKS, known):
            before = level(weekly[:i])
            if key in events[i] and before > 0:
                ratios.append(weekly[i] / before)
        factor *= event_factor(ratios)
    return base * factor


def seasonal_factor(weekly: Sequence[float], t: int, horizon: int = 1) -> float:
    """How week ``t``'s time of year compared with its recent level a year earlier
    (three weeks around the same week last year over the level before them), shrunk
    towards 1; 1 without a year of history."""
    last_year = t - SEASON
    if last_year - HISTORY_WEEKS - horizon < 0 or last_year + 1 >= len(weekly):
        return 1.0
    before = level(weekly[: last_year - horizon + 1])
    around = float(np.mean(weekly[last_year - 1 : last_year + 2]))
    return event_factor([around / before]) if before > 0 and around > 0 else 1.0


def _strongest_area(
    cube: CountCube,
    slots: Slots,
    window: EventWindow,
    selection: Selection,
    viewer: Viewer,
    overall: EventComparison,
    avoid: Sequence[EventWindow],
    holidays: set[date],
) -> str:
    """ ", mest i Centrum (4,2 gånger)" for the area with the clearest rise last time
    (published numbers; nothing when no area rose clearly)."""
    areas = compare_areas(
        cube, slots, window, selection, viewer, overall=overall, avoid=avoid, holiday_days=holidays
    )
    risen = [a for a in areas if a.result is not None and a.result.significant and a.result.ratio]
    if not risen:
        return ""
    top = max(risen, key=lambda a: a.result.ratio if a.result and a.result.ratio else 0)
    assert top.result is not None and top.result.ratio is not None
    times = f"{top.result.ratio:.1f}".replace(".", ",")
    return f", mest i {top.name} ({times} gånger)"
