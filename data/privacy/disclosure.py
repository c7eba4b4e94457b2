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
   map's areas, the trend's weeks) and for tables of two or more dimensions whose
   margins are all published (the API's area × category × week … tables): even in
   the exact-arithmetic model — as if no noise were added — no primary cell's value
   may be narrowed below what its "<k" label already says. Extra cells (the
   smallest that suffice, never zeros) are hidden and labelled "skyddad"; an
   independent LP verifies this in the tests. One-dimensional tables use a greedy
   complement with a closed-form test, larger ones the hypercube method
   (:func:`hypercube_suppression`).

Audience levels set k (stricter for leadership). Every query in :mod:`data.queries`
returns a :class:`ProtectedCounts`; figure builders and exports accept only that
type, so an unprotected count cannot reach them without a type error.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
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
FULL_SEARCH_LENGTH: Final = 32
"""Axes up to this length are searched whole for hypercube partners; on longer axes
(areas) only the :data:`LONG_AXIS_PARTNERS` indices with the largest margins."""
LONG_AXIS_PARTNERS: Final = 2
MAX_HYPERCUBES: Final = 4096
"""Upper bound on candidate hypercubes per primary cell (candidate lists are halved
on the longest axis until it holds)."""
CHUNK_ELEMENTS: Final = 1 << 20
"""Primary cells × candidate hypercubes evaluated at once (bounds memory: tens of MB;
four times as many for two axes, whose search keeps fewer arrays)."""


@dataclass(frozen=True, slots=True)
class AudienceLevel:
    """Disclosure settings for one audience (role)."""

    k: int
    """Smallest count that may be published (counts 1..k−1 are suppressed)."""
    min_area_population: int = DEFAULT_MIN_AREA_POPULATION
    """Areas with fewer youths aged 10–19 (or none known) are shown merged upwards."""
    noise_key: bytes = b""
    """Secret of the cell key method's hash: the database's noise key
    (:mod:`data.privacy.noise_key`), never derived from the app's secret key."""
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


def _partner_candidates(values: np.ndarray, axis: int) -> np.ndarray:
    """Indices of ``axis`` that may serve as the other side of a hypercube, largest
    margin first: all of them on a short axis, the few largest on a long one."""
    margin = values.sum(axis=tuple(a for a in range(values.ndim) if a != axis))
    order = np.argsort(-margin, kind="stable")
    if len(order) > FULL_SEARCH_LENGTH:
        order = order[: LONG_AXIS_PARTNERS + 1]  # one more: a cell's own index is excluded
    return order


class _Corners:
    """Per cell of a table: what it costs to use it as a hypercube corner (0 if hidden
    already, else its count) and the range its value may be moved within (primary
    1..k−1, other cells ≥ k; a zero can never be hidden, so its range is empty)."""

    def __init__(self, values: np.ndarray, primary: np.ndarray, hidden: np.ndarray, k: int):
        never = np.iinfo(np.int32).max
        self.value = values.astype(np.int32).ravel()
        self.price = np.where(hidden, 0, values).astype(np.float32).ravel()
        self.low = np.where(primary, 1, np.where(values > 0, k, never)).astype(np.int32).ravel()
        self.high = np.where(primary, k - 1, never).astype(np.int32).ravel()

    def row_cost(self, width: int, rows: np.ndarray, move: np.ndarray) -> np.ndarray:
        """Two axes: the cost of every cell of each of ``rows`` (whole rows gathered at
        once, much faster than cell by cell)."""
        shape = (-1, width)
        moved = self.value.reshape(shape)[rows] + move
        allowed = (moved >= self.low.reshape(shape)[rows]) & (
            moved <= self.high.reshape(shape)[rows]
        )
        return np.where(allowed, self.price.reshape(shape)[rows], np.float32(np.inf))

    def cost(self, cells: np.ndarray, move: np.ndarray) -> np.ndarray:
        """Cost of ``cells`` (flat indices) moved by ``move``: ∞ where not allowed."""
        moved = self.value[cells] + move
        allowed = (moved >= self.low[cells]) & (moved <= self.high[cells])
        return np.where(allowed, self.price[cells], np.float32(np.inf))


def _cheapest_rectangles(
    values: np.ndarray,
    corners: _Corners,
    own: np.ndarray,
    shift: np.ndarray,
    partners: list[np.ndarray],
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Two axes: for each primary cell (``own``: rows of (i, j)) shifted by ``shift``,
    the cheapest rectangle (i, j), (i, j'), (r, j), (r, j'). The corners on the cell's
    own row and column move against it, the opposite corner with it. Returns the
    mask of cells that have one and, for those, the flat indices of the three corners.

    Cells of one row with the same shift share everything but their own column, so
    the search runs per (row, shift) group — keeping the best and second-best j' for
    each partner row — and each cell then only picks its partner row.
    """
    rows, cols = partners
    width = values.shape[1]
    d = shift.astype(np.int32)
    # One key per (row, shift): |shift| < k ≤ MAX_ALLOWED_K < 128.
    groups, group_of = np.unique(own[:, 0] * 256 + (d + 128), return_inverse=True)
    group_of = group_of.ravel()
    first = np.zeros(len(groups), dtype=np.int64)
    first[group_of[::-1]] = np.arange(len(own))[::-1]
    g_row, g_shift = own[first, 0], d[first]
    whole = len(cols) == width
    if whole:  # the whole row is searched: gather rows, not cells
        cols = np.arange(width)
        cost_row = corners.row_cost(width, g_row, -g_shift[:, None])  # (groups, columns)
    else:
        cost_row = corners.cost(g_row[:, None] * width + cols[None, :], -g_shift[:, None])
    shifts, g_shift_index = np.unique(g_shift, return_inverse=True)
    opposite = (rows[:, None] * width + cols[None, :])[None]
    cost_opposite = corners.cost(opposite, shifts[:, None, None])  # (shifts, rows, columns)
    n = len(own)
    best = np.full(n, np.inf, dtype=np.float32)
    best_row = np.zeros(n, dtype=np.int64)
    best_col = np.zeros(n, dtype=np.int64)
    j = own[:, 1]
    for r in rows:
        through = cost_row + cost_opposite[g_shift_index.ravel(), int(np.flatnonzero(rows == r)[0])]
        through[g_row == r] = np.inf  # the partner row must differ from the cell's own
        first_col = np.argmin(through, axis=1)
        first_cost = through[np.arange(len(groups)), first_col]
        through[np.arange(len(groups)), first_col] = np.inf
        second_col = np.argmin(through, axis=1)
        second_cost = through[np.arange(len(groups)), second_col]
        # Each cell: its group's best j' unless that is its own column, then the second.
        own_column = cols[first_col[group_of]] == j
        col = np.where(own_column, cols[second_col[group_of]], cols[first_col[group_of]])
        cost = np.where(own_column, second_cost[group_of], first_cost[group_of])
        cost = cost + corners.cost(r * width + j, -d)  # the corner (r, j)
        better = cost < best
        best = np.where(better, cost, best)
        best_row = np.where(better, r, best_row)
        best_col = np.where(better, col, best_col)
    found = np.isfinite(best)
    i, j, r, c = own[found, 0], j[found], best_row[found], best_col[found]
    return found, [i * width + c, r * width + j, r * width + c]


def _cheapest_hypercubes(
    values: np.ndarray,
    corners: _Corners,
    own: np.ndarray,
    shift: np.ndarray,
    partners: list[np.ndarray],
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Any number of axes: like :func:`_cheapest_rectangles`, over every candidate
    choice of one other index per axis (corners of odd parity move against the cell)."""
    n = values.ndim
    combos = np.array(list(itertools.product(*partners)), dtype=np.int64).reshape(-1, n)
    strides = np.array([s // values.itemsize for s in values.strides], dtype=np.int64)
    base = own @ strides
    offsets = [(combos[None, :, a] - own[:, a, None]) * strides[a] for a in range(n)]
    cost = np.where(np.all([o != 0 for o in offsets], axis=0), np.float32(0), np.float32(np.inf))
    d = shift.astype(np.int32)[:, None]
    patterns = [np.array(p, dtype=bool) for p in itertools.product((0, 1), repeat=n)][1:]
    corner_of = []
    for pattern in patterns:
        corner = base[:, None] + sum((offsets[a] for a in np.flatnonzero(pattern)), np.int64(0))
        sign = 1 if int(pattern.sum()) % 2 == 0 else -1
        cost += corners.cost(corner, sign * d)
        corner_of.append(corner)
    best = np.argmin(cost, axis=1)
    found = np.isfinite(cost[np.arange(len(own)), best])
    return found, [corner[found, best[found]] for corner in corner_of]


def hypercube_suppression(
    values: np.ndarray, primary: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Cells to hide besides ``primary`` in a table of two or more dimensions whose
    margins (every sum over any set of axes, down to the grand total) are published.

    The hypercube method (Repsilber's GHMITER, as in sdcTable and τ-ARGUS): adding d
    to the corners of even parity of a hypercube (one other index on every axis, 2^n
    corners) and subtracting it from the others keeps every margin. A primary cell
    with true value v is safe when one hypercube of hidden cells lets it move down
    to 1 and one (maybe another) lets it move up to k−1 while every corner stays
    within what its label says (primary: 1..k−1; "skyddad": ≥ k): then even an
    attacker who knows every margin exactly cannot narrow it below [1, k−1]. That is
    sufficient, not necessary, and checked per cell, so cells chosen for different
    primaries never undo each other (hiding more only widens intervals).

    For each primary cell and direction (in chunks, vectorised) the cheapest usable
    hypercube is taken: cost = the counts newly hidden (already hidden corners are
    free; zeros never serve). Short axes are searched whole, long ones (areas) among
    the indices with the largest margins; two axes take a faster path.

    Returns ``(secondary, unprotected)``: the extra cells to hide, and the primary
    cells for which no usable hypercube was found (there the margins' own noise
    carries the protection; documented).
    """
    values = np.asarray(values, dtype=np.int64)
    primary = np.asarray(primary, dtype=bool)
    if values.ndim < 2 or min(values.shape) < 2:
        msg = "the hypercube method needs at least two axes of length two or more"
        raise ValueError(msg)
    if values.ndim == 2 and values.shape[1] > values.shape[0]:
        # The rectangle search wants the long axis first (whole rows are gathered).
        secondary, unprotected = hypercube_suppression(values.T, primary.T, k)
        return secondary.T.copy(), unprotected.T.copy()
    values = np.ascontiguousarray(values)
    primary = np.ascontiguousarray(primary)
    partners = [_partner_candidates(values, axis) for axis in range(values.ndim)]
    while int(np.prod([len(c) for c in partners])) > MAX_HYPERCUBES:
        longest = max(range(len(partners)), key=lambda a: len(partners[a]))
        partners[longest] = partners[longest][: max(2, len(partners[longest]) // 2)]
    search = _cheapest_rectangles if values.ndim == 2 else _cheapest_hypercubes
    hidden = primary.copy()
    flat_hidden = hidden.reshape(-1)  # a view: marking it marks ``hidden``
    unprotected = np.zeros(values.size, dtype=bool)
    cells = np.flatnonzero(primary)
    own_all = np.stack(np.unravel_index(cells, values.shape), axis=1).astype(np.int64)
    corners = _Corners(values, primary, hidden, k)
    elements = CHUNK_ELEMENTS * (4 if values.ndim == 2 else 1)  # two axes: small arrays
    chunk = max(1, elements // int(np.prod([len(c) for c in partners])))
    for start in range(0, len(cells), chunk):
        own = own_all[start : start + chunk]
        value = values.ravel()[cells[start : start + chunk]]
        for shift in (1 - value, k - 1 - value):  # down to 1, up to k − 1
            moves = shift != 0
            found, chosen = search(values, corners, own[moves], shift[moves], partners)
            for corner in chosen:
                flat_hidden[corner] = True
                corners.price[corner] = 0  # hidden now: free for the cells that follow
            unprotected[cells[start : start + chunk][moves][~found]] = True
    secondary = hidden & ~primary
    return secondary, unprotected.reshape(values.shape)


def _secondary_mask(
    values: np.ndarray, primary: np.ndarray, k: int, table_shape: tuple[int, ...] | None
) -> np.ndarray:
    """Secondary cells of a flat list of rows laid out as ``table_shape`` (C order)."""
    if table_shape is None:
        return np.zeros(values.shape, dtype=bool)
    if int(np.prod(table_shape)) != values.size:
        msg = f"a table of shape {table_shape} cannot hold {values.size} rows"
        raise ValueError(msg)
    axes = tuple(n for n in table_shape if n > 1)
    if len(axes) <= 1:
        return secondary_suppression(values, primary, k)
    secondary, _ = hypercube_suppression(values.reshape(axes), primary.reshape(axes), k)
    return secondary.ravel()


def protect(
    frame: pd.DataFrame,
    *,
    level: AudienceLevel,
    count_column: str = "count",
    key_column: str = "key",
    additive: bool = False,
    table_shape: tuple[int, ...] | None = None,
) -> ProtectedCounts:
    """Apply disclosure control to ``frame[count_column]`` for ``level``.

    ``frame[key_column]`` holds each row's record key (see :class:`data.counts.cube.CountCube`):
    published counts get the cell key method's noise from it. ``additive`` says the
    rows add up to a total published elsewhere (areas of a map, weeks of a trend):
    then secondary suppression runs too. ``table_shape`` says the rows are the cells
    of a table of that shape (C order) whose margins are all published elsewhere:
    then secondary suppression protects against every margin (the hypercube method
    when two or more axes are longer than one). Returns a copy without the key, with
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
    if additive and table_shape is None:
        table_shape = (len(values),)
    secondary = _secondary_mask(values, primary, level.k, table_shape)
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
