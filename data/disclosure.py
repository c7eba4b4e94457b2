"""Disclosure control: the single choke point every published count passes.

Three layers, all in :func:`protect` (see ``docs/disclosure.md`` for the threat model):

1. **Primary suppression**: a cell with 1 to k−1 incidents is suppressed (shown as
   "<k", e.g. "<5"); zero stays zero — an empty cell reveals nothing about a person.
2. **Cell key method** (deterministic noise, as SCB and the ABS publish with): every
   published count n ≥ k becomes max(k, n + e) with e ∈ {−2..2} drawn from a fixed
   zero-mean distribution by a keyed hash of the cell's *record key* — the sum of
   the ids of the records behind it. The same set of records gives the same number
   on every query, whatever filters reached it; two different sets get independent
   noise. Subtracting two published numbers ("all categories" minus "all but one", a
   period minus a shorter one, a total minus its parts) therefore gives the hidden
   part only to within ±4: never a certain value between 1 and k−1.
3. **Secondary suppression** for tables whose rows add up to a published total (the
   map's areas, the trend's weeks): even in the exact-arithmetic model — as if no
   noise were added — no primary cell's value may be narrowed below what its "<k"
   label already says. Extra cells (the smallest that suffice, never zeros) are
   hidden and labelled "skyddad"; an independent LP verifies this in the tests.

Audience levels set k (stricter for leadership). Every query in :mod:`data.queries`
returns a :class:`ProtectedCounts`; figure builders and exports accept only that
type, so an unprotected count cannot reach them without a type error.
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

DEFAULT_MIN_CELL: Final = 5
DEFAULT_MIN_CELL_LEADERSHIP: Final = 10
DEFAULT_MIN_AREA_POPULATION: Final = 200
MIN_ALLOWED_K: Final = 2
MAX_ALLOWED_K: Final = 100
TIME_GRAINS: Final = ("week", "month")
DEFAULT_LEADERSHIP_TIME_GRAIN: Final = "month"
SECONDARY_MARKER: Final = "skyddad"
"""Shown for a cell hidden only to protect another (its count is at least k)."""
NOISE_VALUES: Final = (-2, -1, 0, 1, 2)
NOISE_CUMULATIVE: Final = (0.1, 0.3, 0.7, 0.9, 1.0)
"""The noise distribution: P(0) = 0.4, P(±1) = 0.2, P(±2) = 0.1 (mean 0, variance 1.2)."""
NOISE_BOUND: Final = 2


@dataclass(frozen=True, slots=True)
class AudienceLevel:
    """Disclosure settings for one audience (role)."""

    k: int
    """Smallest count that may be published (counts 1..k−1 are suppressed)."""
    min_area_population: int = DEFAULT_MIN_AREA_POPULATION
    """Areas with fewer youths aged 10–19 (or none known) are shown merged upwards."""
    noise_key: bytes = b""
    """Secret of the cell key method's hash (derived from the app's secret key)."""
    time_grain: str = "week"
    """"week" or "month": the finest period this audience sees (periods are snapped
    to whole months, trends are monthly) — a coarser lattice of reachable filters."""

    def __post_init__(self) -> None:
        if self.min_area_population < 0:
            msg = f"the minimum area population must be >= 0, got {self.min_area_population}"
            raise ValueError(msg)
        if self.time_grain not in TIME_GRAINS:
            msg = f"the time grain must be one of {', '.join(TIME_GRAINS)}, got {self.time_grain!r}"
            raise ValueError(msg)
        if not MIN_ALLOWED_K <= self.k <= MAX_ALLOWED_K:
            allowed = f"{MIN_ALLOWED_K}..{MAX_ALLOWED_K}"
            msg = f"the minimum cell count must be within {allowed}, got {self.k}"
            raise ValueError(msg)


def audience_level(
    role: str,
    *,
    min_cell: int,
    min_cell_leadership: int,
    min_area_population: int = DEFAULT_MIN_AREA_POPULATION,
    noise_key: bytes = b"",
    leadership_time_grain: str = DEFAULT_LEADERSHIP_TIME_GRAIN,
) -> AudienceLevel:
    """Return the disclosure level of ``role``: leadership gets the stricter threshold
    and (by default) whole months instead of weeks."""
    if role == "leadership":
        return AudienceLevel(
            max(min_cell, min_cell_leadership),
            min_area_population,
            noise_key,
            leadership_time_grain,
        )
    return AudienceLevel(min_cell, min_area_population, noise_key)


def marker(k: int) -> str:
    """The text shown instead of a suppressed count, e.g. ``"<5"``."""
    return f"<{k}"


@dataclass(frozen=True, slots=True)
class ProtectedCounts:
    """A table of counts that has passed disclosure control.

    ``frame`` has the key columns of the table plus ``count`` (nullable ``Int64``:
    ``<NA>`` where suppressed), ``suppressed`` (bool) and ``secondary`` (bool: hidden
    only to protect another cell). Build it only through :func:`protect`.
    """

    frame: pd.DataFrame
    k: int

    @property
    def marker(self) -> str:
        """The primary suppression marker of this table, e.g. ``"<5"``."""
        return marker(self.k)

    def display(self) -> list[str]:
        """Each row's count as text: the number, "<k", or "skyddad" (secondary)."""
        secondary = self.frame["secondary"]
        out = []
        for i, (value, hidden) in enumerate(
            zip(self.frame["count"], self.frame["suppressed"], strict=True)
        ):
            if not hidden:
                out.append(str(int(value)))
            elif bool(secondary.iloc[i]):
                out.append(SECONDARY_MARKER)
            else:
                out.append(self.marker)
        return out

    def published_values(self) -> list[int | None]:
        """Return each row's count as ``int``, or ``None`` when suppressed (JSON-ready)."""
        return [
            None if hidden else int(value)
            for value, hidden in zip(self.frame["count"], self.frame["suppressed"], strict=True)
        ]

    def head_by_count(self, n: int) -> ProtectedCounts:
        """Return the ``n`` rows with the largest published counts (suppressed rows last)."""
        ordered = self.frame.assign(_order=self.frame["count"].fillna(-1).astype("int64"))
        ordered = ordered.sort_values("_order", ascending=False, kind="stable").drop(
            columns="_order"
        )
        return ProtectedCounts(ordered.head(n).reset_index(drop=True), self.k)


def _mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser on uint64 (wrapping arithmetic): a fast, well-mixed bijection."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _secret_words(secret: bytes) -> tuple[np.uint64, np.uint64]:
    digest = hashlib.blake2b(secret, digest_size=16, person=b"ssp-cell-key").digest()
    return np.uint64(int.from_bytes(digest[:8])), np.uint64(int.from_bytes(digest[8:]))


def cell_noise(keys: np.ndarray, secret: bytes = b"") -> np.ndarray:
    """The cell key method's noise in {−2..2} for each record key (deterministic).

    The key is mixed with two 64-bit words derived from the secret (two rounds of
    SplitMix64's finaliser, vectorised: 120,000 cells in a few milliseconds); the
    top 53 bits give a uniform number in [0, 1) that picks the noise from
    :data:`NOISE_CUMULATIVE`. Without the secret nobody can compute the noise.
    """
    first, second = _secret_words(secret)
    with np.errstate(over="ignore"):
        mixed = _mix64(_mix64(np.asarray(keys, dtype=np.int64).astype(np.uint64) ^ first) ^ second)
    uniform = (mixed >> np.uint64(11)).astype(np.float64) / float(1 << 53)
    index = np.searchsorted(np.asarray(NOISE_CUMULATIVE), uniform, side="right")
    return np.asarray(NOISE_VALUES, dtype=np.int64)[np.minimum(index, len(NOISE_VALUES) - 1)]


def _protected_in_exact_model_counts(
    hidden_total: int, n_primary: int, n_secondary: int, k: int
) -> bool:
    """True when, knowing the total and the published rows exactly, that primary cells
    are in [1, k−1] and secondary cells at least k, every primary cell can still be
    any value from 1 to k−1. Closed form of the LP: with R the hidden cells' sum,
    max x_p = R − (|P|−1) − k|Q| must reach k−1, and without secondary cells
    min x_p = R − (|P|−1)(k−1) must reach down to 1."""
    if n_primary == 0:
        return True
    if n_secondary == 0 and hidden_total - (n_primary - 1) * (k - 1) > 1:
        return False
    return hidden_total - (n_primary - 1) - k * n_secondary >= k - 1


def secondary_suppression(values: np.ndarray, primary: np.ndarray, k: int) -> np.ndarray:
    """Cells to hide besides ``primary`` in a table whose rows add up to a published total.

    Greedy, smallest sufficient cell first (least information lost), only among
    published cells with a count of at least k (zeros and small cells never serve as
    complements, so the "skyddad" label says only "≥ k"). Each step needs the
    smallest candidate of at least the value the closed-form test of
    :func:`_protected_in_exact_model` asks for (a binary search: O(n log n)). When no
    choice suffices every candidate is hidden (the total's own noise then carries
    the protection). Returns the secondary mask.
    """
    values = np.asarray(values, dtype=np.int64)
    secondary = np.zeros(values.shape, dtype=bool)
    n_primary = int(primary.sum())
    if n_primary == 0:
        return secondary
    order = np.flatnonzero((values >= k) & ~primary)
    order = order[np.argsort(values[order], kind="stable")]
    candidates = values[order].tolist()
    positions = order.tolist()
    hidden_total = int(values[primary].sum())
    n_secondary = 0
    while candidates and not _protected_in_exact_model_counts(
        hidden_total, n_primary, n_secondary, k
    ):
        need = k * (n_secondary + 1) + (k - 1) + (n_primary - 1) - hidden_total
        at = bisect.bisect_left(candidates, need)
        if at == len(candidates):
            at -= 1  # nothing suffices alone: the largest helps most; keep going
        hidden_total += candidates.pop(at)
        secondary[positions.pop(at)] = True
        n_secondary += 1
    return secondary


def protect(
    frame: pd.DataFrame,
    *,
    level: AudienceLevel,
    count_column: str = "count",
    key_column: str = "key",
    additive: bool = False,
) -> ProtectedCounts:
    """Apply disclosure control to ``frame[count_column]`` for ``level``.

    ``frame[key_column]`` holds each row's record key (see :class:`data.cube.CountCube`):
    published counts get the cell key method's noise from it. ``additive`` says the
    rows add up to a total published elsewhere (areas of a map, weeks of a trend):
    then secondary suppression runs too. Returns a copy without the key, with
    ``count`` as nullable ``Int64`` (``<NA>`` when suppressed) and boolean
    ``suppressed`` and ``secondary`` columns. Refuses missing, negative or
    non-integer counts and a missing key: a table that cannot be checked is not
    published.
    """
    if count_column not in frame.columns:
        msg = f"no column {count_column!r} to protect"
        raise ValueError(msg)
    if key_column not in frame.columns:
        msg = f"no record key column {key_column!r}: counts without keys are not published"
        raise ValueError(msg)
    raw = frame[count_column].to_numpy()
    if raw.size and (pd.isna(raw).any() or not np.all(np.equal(np.mod(raw.astype(float), 1), 0))):
        msg = "counts must be whole numbers without gaps before disclosure control"
        raise ValueError(msg)
    values = raw.astype(np.int64)
    if (values < 0).any():
        msg = "counts must not be negative"
        raise ValueError(msg)
    keys = frame[key_column].to_numpy(dtype=np.int64)
    primary = (values >= 1) & (values < level.k)
    secondary = (
        secondary_suppression(values, primary, level.k)
        if additive
        else np.zeros(values.shape, dtype=bool)
    )
    hidden = primary | secondary
    shown = values >= level.k
    published = values.copy()
    if shown.any():
        noisy = values[shown] + cell_noise(keys[shown], level.noise_key)
        published[shown] = np.maximum(level.k, noisy)
    out = frame.drop(columns=[count_column, key_column]).copy()
    out["count"] = pd.array(np.where(hidden, 0, published), dtype="Int64")
    out.loc[hidden, "count"] = pd.NA
    out["suppressed"] = hidden
    out["secondary"] = secondary
    return ProtectedCounts(out.reset_index(drop=True), level.k)
