"""The count cube's age axis: each age group's counts and record keys, read without SQL.

A cube is assembled by hand from random records (what :func:`build_cube` does with
the grouped query), and every query with an age filter is compared with a brute force
over the records.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.access.scope import BadSelection, Selection
from data.counts.cube import AGE_AXIS, NO_AREA, AgeView, AreaIndex, CountCube
from data.vocabulary import AGE_BANDS, AGE_UNKNOWN

FIRST = date(2026, 1, 5)
SHAPE = (3, 4, 2, 2)  # areas, weeks, categories, sources
AGES = (None, *AGE_BANDS)

Record = tuple[int, int, int, int, str | None, int, int]  # a, w, c, s, age, count, id


def areas(n: int) -> AreaIndex:
    return AreaIndex(
        ids=tuple(range(1, n + 1)),
        codes=tuple(f"A{i}" for i in range(n)),
        names=tuple(f"Område {i}" for i in range(n)),
        levels=("deso",) * n,
        kommun_codes=("0380",) * n,
        parent=np.full(n, NO_AREA),
        population=(None,) * n,
        synthetic=(True,) * n,
        own_area=np.full(n, NO_AREA),
    )


def cube_of(records: list[Record]) -> CountCube:
    """The cube of ``records``, laid out as build_cube lays it out."""
    counts = np.zeros(SHAPE, dtype=np.int32)
    keys = np.zeros(SHAPE, dtype=np.int64)
    age_counts = np.zeros((3, *SHAPE), dtype=np.int16)
    age_keys = np.zeros((3, *SHAPE), dtype=np.int64)
    for a, w, c, s, age, n, key in records:
        counts[a, w, c, s] += n
        keys[a, w, c, s] += key
        if age is not None:
            age_counts[AGE_BANDS.index(age), a, w, c, s] += n
            age_keys[AGE_BANDS.index(age), a, w, c, s] += key
    return CountCube(
        1, areas(SHAPE[0]), FIRST, ("x", "y"), ("s1", "s2"), counts, keys, age_counts, age_keys
    )


def age_code(age: str | None) -> str:
    return AGE_UNKNOWN if age is None else age


records_strategy = st.lists(
    st.tuples(
        st.integers(0, SHAPE[0] - 1),
        st.integers(0, SHAPE[1] - 1),
        st.integers(0, SHAPE[2] - 1),
        st.integers(0, SHAPE[3] - 1),
        st.sampled_from(AGES),
        st.integers(1, 9),
    ),
    max_size=60,
).map(lambda rows: [(*row, i + 1) for i, row in enumerate(rows)])

EVERY_AGE_CHOICE = [choice for n in range(1, 5) for choice in itertools.combinations(AGE_AXIS, n)]


@settings(max_examples=60, deadline=None)
@given(records=records_strategy)
def test_every_age_choice_reads_exactly_its_records_counts_and_keys(records: list[Record]) -> None:
    cube = cube_of(records)
    for ages in EVERY_AGE_CHOICE:
        wanted_counts = np.zeros(SHAPE, dtype=np.int64)
        wanted_keys = np.zeros(SHAPE, dtype=np.int64)
        for a, w, c, s, age, n, key in records:
            if age_code(age) in ages:
                wanted_counts[a, w, c, s] += n
                wanted_keys[a, w, c, s] += key
        every = (slice(None), slice(None))
        assert (cube.values(ages)[every] == wanted_counts).all(), ages
        assert (cube.values(ages, keys=True)[every] == wanted_keys).all(), ages


@settings(max_examples=40, deadline=None)
@given(records=records_strategy)
def test_per_area_and_per_week_with_an_age_filter_equal_a_brute_force(
    records: list[Record],
) -> None:
    cube = cube_of(records)
    last = FIRST + timedelta(weeks=SHAPE[1] - 1)
    everywhere = np.ones(SHAPE[0], dtype=bool)
    for ages in (("13-15",), ("okand",), ("10-12", "okand")):
        chosen = [r for r in records if age_code(r[4]) in ages and r[2] == 0]
        per_area = cube.per_area(first_monday=FIRST, last_monday=last, categories=("x",), ages=ages)
        keys = cube.per_area(
            first_monday=FIRST, last_monday=last, categories=("x",), ages=ages, keys=True
        )
        for area in range(SHAPE[0]):
            assert per_area[area] == sum(r[5] for r in chosen if r[0] == area)
            assert keys[area] == sum(r[6] for r in chosen if r[0] == area)
        weekly = cube.per_week(
            first_monday=FIRST, last_monday=last, area_mask=everywhere, categories=("x",), ages=ages
        )
        assert weekly["count"].tolist() == [
            sum(r[5] for r in chosen if r[1] == w) for w in range(SHAPE[1])
        ]
        assert weekly["key"].tolist() == [
            sum(r[6] for r in chosen if r[1] == w) for w in range(SHAPE[1])
        ]


def test_no_age_filter_reads_the_all_ages_arrays_themselves() -> None:
    """Without an age filter (or with all four groups) a query reads exactly what it read
    before the age axis existed: the same arrays, no copy, no subtraction."""
    cube = cube_of([(0, 0, 0, 0, "13-15", 2, 1), (1, 1, 1, 1, None, 3, 2)])
    assert cube.values() is cube.counts
    assert cube.values(AGE_AXIS, keys=True) is cube.keys
    assert isinstance(cube.values(("13-15",)), AgeView)


def test_the_age_groups_add_up_to_every_record_keys_included() -> None:
    """The four groups partition the records: their sums are the all-ages cube, so the
    same set of records has the same key (and the same noise) whichever way it is asked."""
    rng = np.random.default_rng(3)
    records: list[Record] = [
        (
            int(rng.integers(SHAPE[0])),
            int(rng.integers(SHAPE[1])),
            int(rng.integers(SHAPE[2])),
            int(rng.integers(SHAPE[3])),
            AGES[int(rng.integers(4))],
            int(rng.integers(1, 5)),
            i + 1,
        )
        for i in range(200)
    ]
    cube = cube_of(records)
    every = (slice(None), slice(None))
    for keys in (False, True):
        parts = np.sum([cube.values((age,), keys=keys)[every] for age in AGE_AXIS], axis=0)
        assert (parts == (cube.keys if keys else cube.counts)).all()


def test_an_unknown_age_code_is_refused() -> None:
    cube = cube_of([])
    with pytest.raises(KeyError, match="19-21"):
        cube.values(("19-21",))
    with pytest.raises(BadSelection, match="åldersgrupp"):
        Selection("0380", "deso", FIRST, FIRST, age_bands=("19-21",))
