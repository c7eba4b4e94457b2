"""Parent-meeting signals: has a group-level concern risen in an area for several weeks?

A one-sided Poisson **CUSUM** (Page's cumulative sum, the standard tool of public
health surveillance) watches each area's weekly counts against the area's own
baseline (the mean of the ``BASELINE_WEEKS`` weeks before the watched period): it
accumulates evidence for a rate ``RATIO`` times the baseline and forgets weeks that
speak against it, so a single odd week does not fire but a sustained rise does.

The alarm threshold is calibrated by simulation for the baseline rate so that a
flat series raises an alarm within a year of weeks with probability at most
``alpha / tests`` (Bonferroni over the areas and concerns watched together): the
family of all areas keeps a false-alarm rate of ``alpha`` per year. Thresholds are
cached per rounded baseline (simulation seeded: the same data, the same answer).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Final

import numpy as np

from data.access.scope import Selection, Viewer
from data.counts.cube import CountCube
from data.counts.overview import map_values, weekly_trend

BASELINE_WEEKS: Final = 52
WATCH_WEEKS: Final = 52
RATIO: Final = 2.0
"""The rise the CUSUM is tuned to detect (a doubling)."""
ALPHA: Final = 0.05
SIMULATIONS: Final = 4000
SAFETY: Final = 0.75
"""The calibration looks up the threshold by the *estimated* baseline; aiming a
quarter below ``alpha`` keeps the real false-alarm rate under it (tested)."""
MIN_RATE: Final = 0.05
"""Baselines below this (nothing happened) are raised to it: one report is not a rise."""


def cusum(
    counts: Sequence[float] | np.ndarray, baseline: float, ratio: float = RATIO
) -> np.ndarray:
    """The Poisson CUSUM path: S_t = max(0, S_{t−1} + x_t·ln(ratio) − (ratio − 1)·λ0)."""
    rate = max(baseline, MIN_RATE)
    step = np.asarray(counts, dtype=np.float64) * np.log(ratio) - (ratio - 1) * rate
    path = np.empty(len(step))
    total = 0.0
    for i, s in enumerate(step):
        total = max(0.0, total + s)
        path[i] = total
    return path


@lru_cache(maxsize=512)
def _threshold(rate_key: int, weeks: int, baseline_weeks: int, level: float, ratio: float) -> float:
    """Simulate flat series *including* the baseline estimate (the plug-in CUSUM is
    run with the rate estimated from simulated baseline weeks, as in real use)."""
    rate = rate_key / 100
    rng = np.random.default_rng(20260 + rate_key)
    draws = rng.poisson(rate, size=(SIMULATIONS, baseline_weeks + weeks)).astype(np.float64)
    estimate = np.maximum(draws[:, :baseline_weeks].mean(axis=1), MIN_RATE)
    total = np.zeros(SIMULATIONS)
    peak = np.zeros(SIMULATIONS)
    for week in range(baseline_weeks, baseline_weeks + weeks):
        total = np.maximum(0.0, total + draws[:, week] * np.log(ratio) - (ratio - 1) * estimate)
        peak = np.maximum(peak, total)
    return float(np.quantile(peak, 1 - level))


def threshold(
    baseline: float,
    *,
    weeks: int = WATCH_WEEKS,
    baseline_weeks: int = BASELINE_WEEKS,
    alpha: float = ALPHA,
    tests: int = 1,
    ratio: float = RATIO,
) -> float:
    """The CUSUM level a flat series of rate ``baseline`` (estimated from
    ``baseline_weeks``) exceeds within ``weeks`` with probability ``alpha / tests``
    (by simulation, cached)."""
    if tests < 1 or not 0 < alpha < 1:
        msg = "tests must be ≥ 1 and alpha between 0 and 1"
        raise ValueError(msg)
    rate_key = max(round(max(baseline, MIN_RATE) * 100), 1)
    return _threshold(rate_key, weeks, baseline_weeks, SAFETY * alpha / tests, ratio)


@dataclass(frozen=True, slots=True)
class Signal:
    """The outcome for one series: baseline, the CUSUM path and the first alarm."""

    baseline: float
    path: tuple[float, ...]
    level: float
    alarm: int | None
    """Index (into the watched weeks) of the first week above the threshold."""

    @property
    def raised(self) -> bool:
        return self.alarm is not None


def watch(
    counts: Sequence[float] | np.ndarray,
    *,
    baseline_weeks: int = BASELINE_WEEKS,
    alpha: float = ALPHA,
    tests: int = 1,
) -> Signal:
    """Watch the weeks after the first ``baseline_weeks`` of ``counts``."""
    if len(counts) <= baseline_weeks:
        msg = f"need more than {baseline_weeks} weeks of counts"
        raise ValueError(msg)
    baseline = float(np.mean(counts[:baseline_weeks]))
    watched = counts[baseline_weeks:]
    path = cusum(watched, baseline)
    level = threshold(
        baseline, weeks=len(watched), baseline_weeks=baseline_weeks, alpha=alpha, tests=tests
    )
    above = np.flatnonzero(path > level)
    return Signal(baseline, tuple(path), level, int(above[0]) if above.size else None)


CONCERNS: Final = ("narkotika", "rekrytering", "vald", "vapen")
"""Default concern categories watched for parent meetings."""
HISTORY: Final = BASELINE_WEEKS + WATCH_WEEKS


@dataclass(frozen=True, slots=True)
class AreaSignal:
    """One display unit's watched series (published weekly counts) and its signal."""

    code: str
    name: str
    weeks: tuple[str, ...]
    """Mondays (ISO) of the published weekly counts."""
    published: tuple[int | None, ...]
    """Published weekly counts; ``None`` where suppressed."""
    signal: Signal
    age_bands: tuple[str, ...] = ()
    """The age groups the series counts (the selection's age filter); empty: every age."""


def concern_signals(
    cube: CountCube,
    selection: Selection,
    viewer: Viewer,
    *,
    categories: Sequence[str] = CONCERNS,
    last_monday: date,
) -> list[AreaSignal]:
    """Watch every display unit of ``selection.level``: the published weekly counts of
    the concern ``categories`` over the last year (watched) after a year of baseline,
    with Bonferroni over the units. A suppressed week counts as k/2 (its midpoint
    is unknown to everyone, the signal included). The selection's age filter
    (``age_bands``, e.g. only 13–15) narrows every count, and each signal names it.
    Raised signals first."""
    first = max(cube.first_monday, last_monday - timedelta(weeks=HISTORY - 1))
    base = Selection(
        selection.kommun_code,
        selection.level,
        first,
        last_monday,
        tuple(categories),
        age_bands=selection.age_bands,
    )
    units = map_values(cube, base, viewer).frame
    half = viewer.level.k / 2
    series = []
    for code, name in zip(units["code"], units["name"], strict=True):
        trend = weekly_trend(cube, replace(base, focus_area=str(code)), viewer)
        weeks = tuple(w.isoformat() for w in trend.frame["week"])
        series.append((str(code), str(name), weeks, tuple(trend.published_values())))
    out = []
    for code, name, weeks, counts in series:
        values = [half if c is None else float(c) for c in counts]
        if len(values) <= BASELINE_WEEKS:
            continue
        signal = watch(values, tests=max(1, len(series)))
        out.append(AreaSignal(code, name, weeks, counts, signal, base.age_bands))
    return sorted(out, key=lambda s: (not s.signal.raised, s.name))
