"""Uplift against comparable normal periods: the method recovers an injected effect
and stays quiet without one, over many seeds of synthetic data."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from data.calendar.holidays import holiday_entries
from data.calendar.windows import EventWindow, event_windows, local
from data.counts.uplift import comparison_shifts, dispersion, shifted, uplift, window_counts

SEEDS = 300
AREAS = ("A", "B", "C", "D", "E", "F")
BOOSTED = {"A": 3.0, "B": 3.0}  # ×3 at valborg in two areas
BAND_RATE = {"day": 0.3, "evening": 1.2, "night": 1.6}
WINDOWS_2026 = event_windows(2026)
VALBORG = next(w for w in WINDOWS_2026 if w.key == "valborg")
HOLIDAYS = {e.start for e in holiday_entries([2026])}


def synthetic_frame(seed: int) -> pd.DataFrame:
    """Two months of (day, band, area) counts around valborg 2026: Poisson rates by
    band, weekday (Friday/Saturday × 1.8) and area, times the effect in the window."""
    rng = np.random.default_rng(seed)
    days = [date(2026, 3, 23) + timedelta(days=n) for n in range(75)]
    rows = []
    for day in days:
        weekday = 1.8 if day.weekday() in (4, 5) else 1.0
        for band, rate in BAND_RATE.items():
            inside = VALBORG.covers(day, band)
            for n, area in enumerate(AREAS):
                effect = BOOSTED.get(area, 1.0) if inside else 1.0
                mean = rate * weekday * (1 + 0.3 * n) * effect
                rows.append((day, band, area, int(rng.poisson(mean))))
    return pd.DataFrame(rows, columns=["day", "band", "area", "count"])


def test_the_baseline_skips_holidays_and_other_event_windows() -> None:
    shifts = comparison_shifts(VALBORG, avoid=WINDOWS_2026, holiday_days=HOLIDAYS)
    # −28: skärtorsdagen (2 April); +14: Kristi himmelsfärdsdag (14 May).
    assert shifts == [-21, -14, -7, 7, 21, 28]
    for n in shifts:
        moved = shifted(VALBORG, n)
        assert moved.start.hour == 18 and moved.start.weekday() == VALBORG.start.weekday()


def test_an_injected_uplift_is_recovered_and_none_is_invented() -> None:
    shifts = comparison_shifts(VALBORG, avoid=WINDOWS_2026, holiday_days=HOLIDAYS)
    covered = quiet = boosted_total = null_total = significant = 0
    for seed in range(SEEDS):
        observed, baseline = window_counts(synthetic_frame(seed), VALBORG, shifts)
        for area in AREAS:
            row = [int(v) for v in baseline.loc[area].to_numpy()]
            result = uplift(int(observed[area]), row)
            assert result.low is not None and result.high is not None
            if area in BOOSTED:
                boosted_total += 1
                covered += result.low <= BOOSTED[area] <= result.high
                significant += result.significant
            else:
                null_total += 1
                quiet += not result.significant
    coverage, specificity = covered / boosted_total, quiet / null_total
    print(
        f"{SEEDS} seeds: ×3 inside the interval {coverage:.1%}, "
        f"flagged {significant / boosted_total:.1%}; no effect not flagged {specificity:.1%}"
    )
    assert coverage >= 0.95
    assert specificity >= 0.95
    assert significant / boosted_total >= 0.5  # the test has power: it is not always silent


def test_the_interval_holds_the_ratio_and_significance_needs_it_above_one() -> None:
    flat = uplift(10, [10, 9, 11, 10])
    assert flat.expected == 10 and flat.ratio == 1
    assert flat.low is not None and flat.high is not None
    assert flat.low < 1 < flat.high and not flat.significant
    high = uplift(40, [10, 9, 11, 10])
    assert high.low is not None and high.low > 1 and high.significant
    assert high.high is not None and high.low < high.ratio < high.high  # type: ignore[operator]


def test_too_few_comparable_periods_give_no_comparison() -> None:
    result = uplift(7, [3])
    assert result.expected is None and result.ratio is None and not result.significant


def test_overdispersion_widens_the_interval() -> None:
    calm = uplift(30, [10, 10, 10, 10])
    wild = uplift(30, [1, 20, 2, 17])
    assert dispersion([1, 20, 2, 17]) > 5 and dispersion([10, 10, 10, 10]) == 1
    assert calm.low is not None and wild.low is not None
    assert wild.low < calm.low and calm.significant and not wild.significant


def test_negative_counts_and_a_bad_baseline_width_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        uplift(-1, [1, 2])
    with pytest.raises(ValueError, match="at least one week"):
        comparison_shifts(VALBORG, weeks=0)


def test_counts_follow_the_window_across_midnight() -> None:
    frame = pd.DataFrame(
        [
            (date(2026, 4, 30), "evening", "A", 2),
            (date(2026, 4, 30), "night", "A", 3),
            (date(2026, 4, 30), "day", "A", 50),  # before 18:00: not valborg
            (date(2026, 5, 1), "night", "A", 70),  # the next night: not valborg
            (date(2026, 4, 23), "night", "A", 4),
            (date(2026, 4, 30), None, "B", 9),  # a whole day: only 6 of 24 h in the window
        ],
        columns=["day", "band", "area", "count"],
    )
    observed, baseline = window_counts(frame, VALBORG, [-7])
    assert observed.to_dict() == {"A": 5, "B": 0}
    assert baseline[-7].to_dict() == {"A": 4, "B": 0}
    assert isinstance(VALBORG, EventWindow) and VALBORG.start == local(date(2026, 4, 30), 18)
