"""Uplift of an event window against comparable normal periods (pure functions).

For an event window (e.g. Valborg 30 April 18:00 – 1 May 06:00) and an area, the
*observed* count is what happened in the window's slots; the *baseline* is the same
slots (same weekdays and time bands) shifted by whole weeks, up to ``weeks`` before
and after, leaving out every shift that touches another event window or a holiday.
With B baseline periods totalling S, the expected count is S / B.

**Interval.** Under a Poisson model the window's count O and the baseline total S
have rates r·λ and B·λ; conditional on O + S, O is binomial with p = r / (r + B).
The exact (Clopper–Pearson) interval for p gives an interval for the rate ratio r —
the textbook exact test for two Poisson rates. Real counts vary more than Poisson
(overdispersion): the counts are divided by the dispersion φ (variance / mean of
the baseline periods, at least 1) before the interval is computed, which widens it
as a quasi-Poisson model does. An uplift is *significant* when the whole interval
lies above 1.

Counts here are whatever the caller passes: the page passes disclosure-controlled
counts, so no number derived from a hidden count reaches a user.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, timedelta
from typing import Final

import numpy as np
import pandas as pd
from scipy.stats import beta

from data.calendar.windows import STOCKHOLM, EventWindow, real_hours, slot

DEFAULT_WEEKS: Final = 4
"""Baseline: the same slots up to this many weeks before and after the window."""
CONFIDENCE: Final = 0.95
MIN_BASELINE_PERIODS: Final = 2
"""Fewer comparable periods than this give no expected count (nothing to compare)."""
CLEAR_RISE_RATIO: Final = 2.0
""""Tydlig ökning" from this many times the expected count on (see :func:`clear_rise`)."""


def clear_rise(observed: int | None, expected: float | None, k: int) -> bool:
    """The rule behind "Tydlig ökning" on Tid & händelser, on published numbers only.

    A clear rise is an observed count that is published (at least ``k``, not "<k")
    and at least :data:`CLEAR_RISE_RATIO` times the expected count. ``expected`` may
    be an upper bound (when the comparable weeks' total is "<k", the expected count
    is at most (k − 1) / periods); ``None`` means nothing to compare. A reader can
    check the flag from the table's own columns; the 95 % interval
    (:attr:`Uplift.significant`) is shown beside it, since with few events even a
    large ratio can be chance.
    """
    if observed is None or expected is None or observed < k:
        return False
    return observed >= CLEAR_RISE_RATIO * expected


@dataclass(frozen=True, slots=True)
class Uplift:
    """Observed versus expected for one window and area."""

    observed: int
    baseline_total: int
    periods: int
    expected: float | None
    ratio: float | None
    low: float | None
    high: float | None
    dispersion: float

    @property
    def significant(self) -> bool:
        """True when the whole interval of the ratio lies above 1 (a real rise)."""
        return self.low is not None and self.low > 1


def shifted(window: EventWindow, days: int) -> EventWindow:
    """The same window ``days`` later on the wall clock (same local times).

    A window in the hour the autumn change repeats (02:30 summer time to 02:30
    winter time) would end where it starts on an ordinary night: such a window keeps
    its start on the wall clock and its length in real hours."""
    step = timedelta(days=days)
    start, end = window.start + step, window.end + step
    if real_hours(start, end) <= 0:
        end = (start.astimezone(UTC) + timedelta(hours=window.hours)).astimezone(STOCKHOLM)
    return replace(window, start=start, end=end)


def comparison_shifts(
    window: EventWindow,
    *,
    avoid: Iterable[EventWindow] = (),
    holiday_days: Iterable[date] = (),
    weeks: int = DEFAULT_WEEKS,
) -> list[int]:
    """Day offsets (±7, ±14 …) whose shifted window is a normal period: none of its
    slots on a holiday or holiday eve or covered by another event window."""
    if weeks < 1:
        msg = f"the baseline needs at least one week on each side, got {weeks}"
        raise ValueError(msg)
    others = [w for w in avoid if (w.key, w.start) != (window.key, window.start)]
    special = set(holiday_days)
    shifts = []
    for n in (*range(-weeks, 0), *range(1, weeks + 1)):
        moved = shifted(window, 7 * n).slots()
        if any(day in special for day, _ in moved):
            continue
        # Only windows overlapping the moved slots' span can cover one of them.
        spans = [slot(day, band) for day, band in moved]
        first, last = min(s for s, _ in spans), max(e for _, e in spans)
        near = [w for w in others if w.start < last and w.end > first]
        if any(w.covers(day, band) for w in near for day, band in moved):
            continue
        shifts.append(7 * n)
    return shifts


def window_counts(
    frame: pd.DataFrame, window: EventWindow, shifts: Sequence[int]
) -> tuple[pd.Series, pd.DataFrame]:
    """Counts per area in the window and in each shifted window.

    ``frame`` has one row per (``day``, ``band``, ``area``) with a ``count``
    (``band`` may be ``None``: a whole day). Returns the observed count per area and
    a table area × shift of baseline counts (zeros included)."""
    # A missing band is a whole day (pandas may hold it as NaN in a string column).
    slots = list(
        zip(
            frame["day"].tolist(),
            [None if pd.isna(b) else str(b) for b in frame["band"]],
            strict=True,
        )
    )
    pairs = set(slots)
    areas = pd.Index(sorted(frame["area"].unique()), name="area")

    def per_area(w: EventWindow) -> pd.Series:
        inside = {pair for pair in pairs if w.covers(*pair)}
        mask = np.fromiter((pair in inside for pair in slots), dtype=bool, count=len(slots))
        return frame[mask].groupby("area")["count"].sum().reindex(areas, fill_value=0)

    observed = per_area(window)
    baseline = pd.DataFrame({n: per_area(shifted(window, n)) for n in shifts}, index=areas)
    return observed, baseline


def dispersion(baseline: Sequence[float]) -> float:
    """Variance / mean of the baseline periods' counts, at least 1 (1 when unknown)."""
    values = np.asarray(baseline, dtype=np.float64)
    if len(values) < MIN_BASELINE_PERIODS or values.mean() <= 0:
        return 1.0
    return max(1.0, float(values.var(ddof=1) / values.mean()))


def uplift(
    observed: int,
    baseline: Sequence[int],
    confidence: float = CONFIDENCE,
    *,
    known_dispersion: float | None = None,
) -> Uplift:
    """Observed count of a window against the counts of its comparable periods.

    ``known_dispersion`` replaces the dispersion estimated from ``baseline`` (for a
    small area, the dispersion of a larger one is the better estimate)."""
    if observed < 0 or any(b < 0 for b in baseline):
        msg = "counts must not be negative"
        raise ValueError(msg)
    periods = len(baseline)
    total = int(sum(baseline))
    phi = dispersion(baseline) if known_dispersion is None else max(1.0, known_dispersion)
    if periods < MIN_BASELINE_PERIODS:
        return Uplift(observed, total, periods, None, None, None, None, phi)
    expected = total / periods
    ratio = observed / expected if expected > 0 else None
    o, s = observed / phi, total / phi  # quasi-Poisson: effective counts
    alpha = 1 - confidence
    p_low = float(beta.ppf(alpha / 2, o, s + 1)) if o > 0 else 0.0
    p_high = float(beta.ppf(1 - alpha / 2, o + 1, s)) if s > 0 else 1.0
    low = periods * p_low / (1 - p_low)
    high = periods * p_high / (1 - p_high) if p_high < 1 else float("inf")
    return Uplift(observed, total, periods, expected, ratio, low, high, phi)
