"""Disclosure control: primary suppression, the cell key method, secondary suppression."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from data.privacy.disclosure import (
    NOISE_BOUND,
    SECONDARY_MARKER,
    AudienceLevel,
    audience_level,
    cell_noise,
    hypercube_suppression,
    marker,
    protect,
    secondary_suppression,
)
from tests.helpers import quiet_keys
from tests.lp import exact_model_interval_nd, some_hypercube_moves


def table(counts: list[int], keys: list[int] | None = None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": [f"A{i}" for i in range(len(counts))],
            "count": counts,
            "key": keys if keys is not None else quiet_keys(len(counts)),
        }
    )


def test_counts_one_to_four_are_suppressed_and_zero_stays_zero() -> None:
    result = protect(table([0, 1, 4, 5, 17]), level=AudienceLevel(5))
    assert result.display() == ["0", "<5", "<5", "5", "17"]
    assert result.published_values() == [0, None, None, 5, 17]
    assert result.frame["suppressed"].tolist() == [False, True, True, False, False]
    assert "key" not in result.frame


def test_suppressed_values_are_not_kept_anywhere_in_the_frame() -> None:
    result = protect(table([3]), level=AudienceLevel(5))
    assert pd.isna(result.frame["count"].iloc[0])
    cells = [v for v in result.frame.to_numpy().ravel().tolist() if not pd.isna(v)]
    assert 3 not in cells


@settings(max_examples=300, deadline=None)
@given(
    counts=st.lists(st.integers(min_value=0, max_value=10_000), max_size=60),
    k=st.integers(min_value=2, max_value=20),
    seed=st.integers(min_value=0, max_value=2**31),
    additive=st.booleans(),
)
def test_every_published_count_is_zero_or_at_least_k_and_near_the_truth(
    counts: list[int], k: int, seed: int, additive: bool
) -> None:
    keys = [seed + 7919 * i for i in range(len(counts))]
    result = protect(table(counts, keys), level=AudienceLevel(k), additive=additive)
    frame = result.frame
    for original, published, hidden, secondary in zip(
        counts, result.published_values(), frame["suppressed"], frame["secondary"], strict=True
    ):
        if 1 <= original < k:
            assert hidden and not secondary
        if secondary:
            assert original >= k and additive  # complements are never small or zero cells
        if hidden:
            assert published is None
        else:
            assert published is not None
            assert published == 0 or published >= k
            assert (published == 0) == (original == 0)
            assert abs(published - original) <= NOISE_BOUND or published == k


def test_the_same_records_get_the_same_number_on_every_query() -> None:
    level = AudienceLevel(5, noise_key=b"secret")
    first = protect(table([40, 41, 42], [11, 12, 13]), level=level).published_values()
    again = protect(table([40, 41, 42], [11, 12, 13]), level=level).published_values()
    assert first == again
    other_secret = AudienceLevel(5, noise_key=b"another")
    many = [protect(table([40], [key]), level=level).published_values()[0] for key in range(200)]
    assert len(set(many)) == 2 * NOISE_BOUND + 1  # different record sets, different noise
    shifted = [
        protect(table([40], [key]), level=other_secret).published_values()[0] for key in range(200)
    ]
    assert shifted != many  # the secret matters: without it the noise cannot be computed


def test_noise_follows_the_documented_zero_mean_distribution() -> None:
    noise = cell_noise(np.arange(1, 50_001, dtype=np.int64), b"k")
    shares = {value: n / noise.size for value, n in Counter(noise.tolist()).items()}
    expected = {-2: 0.1, -1: 0.2, 0: 0.4, 1: 0.2, 2: 0.1}
    for value, share in expected.items():
        assert abs(shares[value] - share) < 0.01
    assert abs(float(noise.mean())) < 0.02


def exact_model_interval(
    values: np.ndarray, hidden: np.ndarray, primary: np.ndarray, k: int, cell: int
) -> tuple[float, float]:
    """Independent LP: the attacker's range for ``cell`` knowing the total exactly, every
    published row exactly, primary cells in [1, k−1] and other hidden cells ≥ k."""
    index = np.flatnonzero(hidden)
    total_hidden = float(values[hidden].sum())
    bounds = [(1, k - 1) if primary[i] else (k, None) for i in index]
    objective = np.zeros(len(index))
    objective[[int(i) for i in index].index(cell)] = 1.0
    equality = np.ones((1, len(index)))
    low = linprog(objective, A_eq=equality, b_eq=[total_hidden], bounds=bounds, method="highs")
    high = linprog(-objective, A_eq=equality, b_eq=[total_hidden], bounds=bounds, method="highs")
    assert low.status == 0 and high.status == 0
    return float(low.fun), float(-high.fun)


@settings(max_examples=300, deadline=None)
@given(
    counts=st.lists(
        st.one_of(st.integers(0, 4), st.integers(5, 30), st.integers(0, 500)),
        min_size=1,
        max_size=40,
    ),
    k=st.integers(min_value=3, max_value=10),
)
def test_secondary_suppression_leaves_every_small_cell_fully_uncertain(
    counts: list[int], k: int
) -> None:
    values = np.asarray(counts, dtype=np.int64)
    primary = (values >= 1) & (values < k)
    secondary = secondary_suppression(values, primary, k)
    hidden = primary | secondary
    if 1 <= values.sum() < k:
        return  # the total is itself suppressed: there is no exact total to subtract from
    candidates_left = bool(((values >= k) & ~hidden).any())
    for cell in np.flatnonzero(primary):
        low, high = exact_model_interval(values, hidden, primary, k, int(cell))
        protected = low == pytest.approx(1) and high == pytest.approx(k - 1)
        # Unprotected only when every possible complement is hidden already: nothing
        # more can be done inside the table; the total's noise protects then (documented).
        assert protected or not candidates_left, (counts, k, low, high)


def test_a_lone_small_cell_gets_the_smallest_sufficient_complement() -> None:
    values = np.array([3, 40, 9, 12, 0])
    secondary = secondary_suppression(values, (values >= 1) & (values < 5), 5)
    # x + y = 3 + c with c ≥ 5: c must exceed 5 + 4 − 3 − 0 → 9 is the smallest that works.
    assert secondary.tolist() == [False, False, True, False, False]
    shown = protect(table(values.tolist()), level=AudienceLevel(5), additive=True)
    assert shown.display() == ["<5", "40", SECONDARY_MARKER, "12", "0"]


def test_two_ones_and_a_published_total_need_a_complement() -> None:
    values = np.array([1, 1, 30])
    secondary = secondary_suppression(values, (values >= 1) & (values < 5), 5)
    assert secondary.tolist() == [False, False, True]


def test_leadership_gets_the_stricter_level() -> None:
    assert audience_level("leadership", min_cell=5, min_cell_leadership=10).k == 10
    assert audience_level("coordinator", min_cell=5, min_cell_leadership=10).k == 5
    # A leadership setting below the base one never loosens it.
    assert audience_level("leadership", min_cell=8, min_cell_leadership=3).k == 8


@pytest.mark.parametrize("k", [0, 1, 101])
def test_thresholds_outside_the_allowed_range_are_refused(k: int) -> None:
    with pytest.raises(ValueError, match="minimum cell count"):
        AudienceLevel(k)


@pytest.mark.parametrize("bad", [[-1], [1.5], [np.nan]])
def test_unverifiable_counts_are_refused(bad: list[float]) -> None:
    with pytest.raises(ValueError, match="counts must"):
        protect(pd.DataFrame({"count": bad, "key": [1]}), level=AudienceLevel(5))


def test_missing_count_or_key_column_is_refused() -> None:
    with pytest.raises(ValueError, match="no column"):
        protect(pd.DataFrame({"n": [1], "key": [1]}), level=AudienceLevel(5))
    with pytest.raises(ValueError, match="record key"):
        protect(pd.DataFrame({"count": [7]}), level=AudienceLevel(5))


def test_marker_names_the_threshold() -> None:
    assert marker(5) == "<5"
    assert protect(table([2]), level=AudienceLevel(10)).display() == ["<10"]


def test_head_by_count_puts_suppressed_rows_last() -> None:
    result = protect(table([2, 50, 0, 7]), level=AudienceLevel(5)).head_by_count(3)
    assert result.display() == ["50", "7", "0"]


@settings(max_examples=150, deadline=None)
@given(
    shape=st.one_of(
        st.tuples(st.integers(2, 7), st.integers(2, 6)),
        st.tuples(st.integers(2, 4), st.integers(2, 4), st.integers(2, 3)),
    ),
    data=st.data(),
    k=st.integers(min_value=3, max_value=10),
)
def test_hypercube_suppression_leaves_every_small_cell_fully_uncertain_under_all_margins(
    shape: tuple[int, ...], data: st.DataObject, k: int
) -> None:
    size = int(np.prod(shape))
    counts = data.draw(
        st.lists(
            st.one_of(st.integers(0, 4), st.integers(5, 30), st.integers(0, 200)),
            min_size=size,
            max_size=size,
        )
    )
    values = np.asarray(counts, dtype=np.int64).reshape(shape)
    primary = (values >= 1) & (values < k)
    secondary, unprotected = hypercube_suppression(values, primary, k)
    hidden = primary | secondary
    assert not (secondary & primary).any()
    assert (values[secondary] >= k).all()  # never zeros, never small cells: "skyddad" = ≥ k
    for cell in np.flatnonzero(primary.ravel()):
        low, high = exact_model_interval_nd(values, hidden, primary, k, int(cell))
        protected = low == pytest.approx(1) and high == pytest.approx(k - 1)
        if protected:
            continue
        # Not protected only when no hypercube exists for one of the two moves: then
        # nothing inside the table helps and the margins' noise protects (documented).
        index = tuple(int(i) for i in np.unravel_index(cell, shape))
        value = int(values[index])
        assert unprotected[index], (values.tolist(), k, index, low, high)
        assert not (
            some_hypercube_moves(values, primary, k, index, 1 - value)
            and some_hypercube_moves(values, primary, k, index, k - 1 - value)
        ), (values.tolist(), k, index)


def test_a_small_cell_in_a_two_way_table_gets_a_rectangle() -> None:
    values = np.array([[3, 10, 0], [12, 20, 40], [0, 7, 9]])
    secondary, unprotected = hypercube_suppression(values, (values >= 1) & (values < 5), 5)
    # The cheapest rectangle through the 3: its row's 10, its column's 12 and the 20.
    assert secondary.tolist() == [[False, True, False], [True, True, False], [False] * 3]
    assert not unprotected.any()
    frame = table(values.ravel().tolist())
    shown = protect(frame, level=AudienceLevel(5), table_shape=(1, 3, 3, 1))
    assert shown.display() == (
        ["<5", SECONDARY_MARKER, "0", SECONDARY_MARKER, SECONDARY_MARKER, "40", "0", "7", "9"]
    )


def test_a_row_without_any_large_cell_is_reported_unprotected() -> None:
    values = np.array([[2, 0], [30, 40]])
    secondary, unprotected = hypercube_suppression(values, (values >= 1) & (values < 5), 5)
    assert unprotected.tolist() == [[True, False], [False, False]]
    assert not secondary.any()


def test_a_long_first_axis_and_a_long_second_axis_give_the_same_cells() -> None:
    rng = np.random.default_rng(7)
    values = rng.poisson(rng.lognormal(1.0, 1.0, size=(60, 1)) * np.ones((1, 8)))
    primary = (values >= 1) & (values < 5)
    wide, _ = hypercube_suppression(values.T, primary.T, 5)
    tall, _ = hypercube_suppression(values, primary, 5)
    assert (tall == wide.T).all()


def test_a_table_shape_that_does_not_fit_the_rows_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot hold"):
        protect(table([1, 2, 3]), level=AudienceLevel(5), table_shape=(2, 2))
