"""Primary suppression: the first version of the single disclosure choke point."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.disclosure import AudienceLevel, audience_level, marker, protect


def table(counts: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"code": [f"A{i}" for i in range(len(counts))], "count": counts})


def test_counts_one_to_four_are_suppressed_and_zero_stays_zero() -> None:
    result = protect(table([0, 1, 4, 5, 17]), level=AudienceLevel(5))
    assert result.display() == ["0", "<5", "<5", "5", "17"]
    assert result.published_values() == [0, None, None, 5, 17]
    assert result.frame["suppressed"].tolist() == [False, True, True, False, False]


def test_suppressed_values_are_not_kept_anywhere_in_the_frame() -> None:
    result = protect(table([3]), level=AudienceLevel(5))
    assert pd.isna(result.frame["count"].iloc[0])
    cells = [v for v in result.frame.to_numpy().ravel().tolist() if not pd.isna(v)]
    assert 3 not in cells


@settings(max_examples=200, deadline=None)
@given(
    counts=st.lists(st.integers(min_value=0, max_value=10_000), max_size=60),
    k=st.integers(min_value=2, max_value=20),
)
def test_every_published_count_is_zero_or_at_least_k(counts: list[int], k: int) -> None:
    result = protect(table(counts), level=AudienceLevel(k))
    for original, published, hidden in zip(
        counts, result.published_values(), result.frame["suppressed"], strict=True
    ):
        assert hidden == (1 <= original < k)
        if hidden:
            assert published is None
        else:
            assert published == original
            assert published == 0 or published >= k


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
        protect(pd.DataFrame({"count": bad}), level=AudienceLevel(5))


def test_missing_count_column_is_refused() -> None:
    with pytest.raises(ValueError, match="no column"):
        protect(pd.DataFrame({"n": [1]}), level=AudienceLevel(5))


def test_marker_names_the_threshold() -> None:
    assert marker(5) == "<5"
    assert protect(table([2]), level=AudienceLevel(10)).display() == ["<10"]


def test_head_by_count_puts_suppressed_rows_last() -> None:
    result = protect(table([2, 50, 0, 7]), level=AudienceLevel(5)).head_by_count(3)
    assert result.display() == ["50", "7", "0"]
