"""Parent-meeting signals: a sustained rise fires, flat data rarely does."""

from __future__ import annotations

import numpy as np
import pytest

from data.planning.signals import BASELINE_WEEKS, WATCH_WEEKS, cusum, threshold, watch

SEEDS = 400
RISE_START = 10
WITHIN = 12


def rising(rate: float, rng: np.random.Generator) -> np.ndarray:
    """A year of baseline, then a year watched in which the rate rises from week 10
    to three times the baseline over eight weeks and stays there."""
    ramp = np.clip((np.arange(WATCH_WEEKS) - RISE_START) / 8, 0, 1)
    rates = np.concatenate([np.full(BASELINE_WEEKS, rate), rate * (1 + 2 * ramp)])
    return rng.poisson(rates)


@pytest.mark.parametrize("rate", [0.5, 1.0, 2.0, 4.0])
def test_flat_series_raise_an_alarm_within_a_year_at_most_five_percent_of_the_time(
    rate: float,
) -> None:
    alarms = sum(
        watch(np.random.default_rng(seed).poisson(rate, BASELINE_WEEKS + WATCH_WEEKS)).raised
        for seed in range(SEEDS)
    )
    print(f"rate {rate}/week: false alarms within a year {alarms / SEEDS:.1%}")
    assert alarms / SEEDS <= 0.05


def test_a_rising_concern_fires_within_twelve_weeks_in_ninety_percent_of_seeds() -> None:
    fired = early = 0
    for seed in range(SEEDS):
        signal = watch(rising(2.0, np.random.default_rng(seed)))
        early += signal.alarm is not None and signal.alarm < RISE_START
        fired += signal.alarm is not None and RISE_START <= signal.alarm <= RISE_START + WITHIN
    print(f"fired within {WITHIN} weeks of the rise: {fired / SEEDS:.1%}, before it {early}")
    assert fired / SEEDS >= 0.9


def test_watching_many_areas_raises_the_threshold() -> None:
    assert threshold(2.0, tests=24) > threshold(2.0)
    with pytest.raises(ValueError, match="tests"):
        threshold(2.0, tests=0)


def test_the_cusum_forgets_quiet_weeks_and_accumulates_a_rise() -> None:
    path = cusum([0, 0, 6, 6, 6, 0], baseline=1.0)
    assert path[0] == 0 and path[1] == 0
    assert path[2] < path[3] < path[4]
    assert path[5] < path[4]
    with pytest.raises(ValueError, match="more than"):
        watch([1.0] * BASELINE_WEEKS)
