"""The sparse count cube against a brute force over its records, without SQL.

A cube is assembled from random records the way :func:`build_cube` assembles it
(:func:`data.counts.cells.build_table`), split at a random id into the full build and
the new observations added since (``delta``), and every query — any period (short
ones read cells, long ones the prefix sums), category, source and age filter, area
mask — is compared with a sum over the records, counts and record keys alike.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.access.scope import BadSelection, Selection
from data.counts.cells import BLOCK, EXACT_FLOAT, CellTable, build_table, combo_of
from data.counts.cube import AGE_AXIS, NO_AREA, AreaIndex, CountCube, age_position
from data.vocabulary import AGE_BANDS, AGE_UNKNOWN

FIRST = date(2020, 1, 6)
N_AREAS, N_WEEKS = 4, 3 * BLOCK + 5
CATEGORIES, SOURCES = ("x", "y", "z"), ("s1", "s2")
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


def table_of(records: list[Record], *, prefix: bool = True) -> CellTable:
    columns = np.array([(a, w, c, s, n, key) for a, w, c, s, _, n, key in records], np.int64)
    columns = columns.reshape(-1, 6)
    age = np.array([age_position(age_code(r[4])) for r in records], dtype=np.int64)
    return build_table(
        columns[:, 1],
        columns[:, 0],
        combo_of(columns[:, 2], columns[:, 3], age, len(SOURCES)),
        columns[:, 4],
        columns[:, 5],
        n_areas=N_AREAS,
        n_weeks=N_WEEKS,
        n_categories=len(CATEGORIES),
        n_sources=len(SOURCES),
        prefix=prefix,
    )


def cube_of(records: list[Record], split: int | None = None) -> CountCube:
    """The cube of ``records``: those with ``id <= split`` in the full build, the rest
    added as new observations (all in the full build when ``split`` is None)."""
    base = [r for r in records if split is None or r[6] <= split]
    delta = [r for r in records if split is not None and r[6] > split]
    return CountCube(
        version=1,
        areas=areas(N_AREAS),
        first_monday=FIRST,
        categories=CATEGORIES,
        sources=SOURCES,
        base=table_of(base),
        delta=table_of(delta, prefix=False) if delta else None,
    )


def count_of(record: Record) -> int:
    return record[5]


def key_of(record: Record) -> int:
    return record[6]


def age_code(age: str | None) -> str:
    return AGE_UNKNOWN if age is None else age


records_strategy = st.lists(
    st.tuples(
        st.integers(0, N_AREAS - 1),
        st.integers(0, N_WEEKS - 1),
        st.integers(0, len(CATEGORIES) - 1),
        st.integers(0, len(SOURCES) - 1),
        st.sampled_from(AGES),
        st.integers(1, 9),
    ),
    max_size=80,
).map(lambda rows: [(*row, i + 1) for i, row in enumerate(rows)])

EVERY_AGE_CHOICE = [(), *(c for n in range(1, 5) for c in itertools.combinations(AGE_AXIS, n))]
FILTERS = st.tuples(
    st.sampled_from([(), ("x",), ("y", "z")]),
    st.sampled_from([(), ("s2",)]),
    st.sampled_from(EVERY_AGE_CHOICE),
)


def chosen(
    record: Record, categories: tuple[str, ...], sources: tuple[str, ...], ages: tuple[str, ...]
) -> bool:
    _, _, c, s, age, _, _ = record
    return (
        (not categories or CATEGORIES[c] in categories)
        and (not sources or SOURCES[s] in sources)
        and (not ages or age_code(age) in ages)
    )


@settings(max_examples=120, deadline=None)
@given(
    records=records_strategy,
    split=st.one_of(st.none(), st.integers(0, 80)),
    period=st.tuples(st.integers(-3, N_WEEKS + 2), st.integers(0, N_WEEKS + 4)),
    filters=FILTERS,
    mask=st.lists(st.booleans(), min_size=N_AREAS, max_size=N_AREAS),
)
def test_every_query_equals_a_brute_force_over_the_records(
    records: list[Record],
    split: int | None,
    period: tuple[int, int],
    filters: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]],
    mask: list[bool],
) -> None:
    cube = cube_of(records, split)
    first, length = period
    first_monday = FIRST + timedelta(weeks=first)
    last_monday = first_monday + timedelta(weeks=length)
    categories, sources, ages = filters
    area_mask = np.array(mask, dtype=bool)
    inside = [
        r
        for r in records
        if chosen(r, categories, sources, ages) and first <= r[1] <= first + length
    ]
    for keys, value in ((False, count_of), (True, key_of)):
        per_area = cube.per_area(
            first_monday=first_monday,
            last_monday=last_monday,
            categories=categories,
            sources=sources,
            ages=ages,
            area_mask=area_mask,
            keys=keys,
        )
        wanted = [sum(value(r) for r in inside if r[0] == a) if mask[a] else 0 for a in range(4)]
        assert per_area.tolist() == wanted
    weekly = cube.per_week(
        first_monday=first_monday,
        last_monday=last_monday,
        area_mask=area_mask,
        categories=categories,
        sources=sources,
        ages=ages,
    )
    weeks = range(first, first + length + 1)
    assert weekly["count"].tolist() == [
        sum(r[5] for r in inside if r[1] == w and mask[r[0]]) for w in weeks
    ]
    assert weekly["key"].tolist() == [
        sum(r[6] for r in inside if r[1] == w and mask[r[0]]) for w in weeks
    ]
    assert cube.total() == sum(r[5] for r in records)


@settings(max_examples=60, deadline=None)
@given(records=records_strategy, lo=st.integers(0, N_WEEKS), hi=st.integers(0, N_WEEKS))
def test_prefix_sums_answer_like_the_cells(records: list[Record], lo: int, hi: int) -> None:
    """Whole blocks read from the prefix sums, the rest from the cells: the same sums
    as a table without prefix sums, whatever the period."""
    with_prefix, without = table_of(records), table_of(records, prefix=False)
    assert with_prefix.prefix_n is not None and without.prefix_n is None
    for keys in (False, True):
        assert (
            with_prefix.area_category(lo, hi, keys=keys) == without.area_category(lo, hi, keys=keys)
        ).all()


def test_only_non_zero_cells_are_kept_and_records_of_a_cell_are_added() -> None:
    records: list[Record] = [
        (0, 0, 0, 0, "13-15", 2, 1),
        (0, 0, 0, 0, "13-15", 3, 2),
        (3, N_WEEKS - 1, 2, 1, None, 1, 3),
    ]
    table = table_of(records)
    assert table.size == 2
    assert table.n.tolist() == [5, 1] and table.key.tolist() == [3, 3]
    assert table.week_start[1] == 1 and table.week_start[N_WEEKS] == 2


def test_keys_beyond_float_precision_are_summed_exactly() -> None:
    """Record keys are sums of ids: past 2**53 float weights would round, so the table
    sums them as integers instead."""
    big = EXACT_FLOAT // 2 + 1
    records: list[Record] = [(0, 0, 0, 0, None, 1, big), (0, 0, 0, 0, None, 1, big + 2)]
    table = table_of(records)
    assert not table.exact_float
    assert table.key.tolist() == [2 * big + 2]
    assert table.area_category(0, N_WEEKS, keys=True)[0, 0] == 2 * big + 2


def test_the_age_groups_add_up_to_every_record() -> None:
    """The four groups partition the records: their sums are the all-ages sums, so the
    same set of records has the same key (and the same noise) whichever way it is asked."""
    rng = np.random.default_rng(3)
    records: list[Record] = [
        (
            int(rng.integers(N_AREAS)),
            int(rng.integers(N_WEEKS)),
            int(rng.integers(len(CATEGORIES))),
            int(rng.integers(len(SOURCES))),
            AGES[int(rng.integers(4))],
            int(rng.integers(1, 5)),
            i + 1,
        )
        for i in range(300)
    ]
    cube = cube_of(records, split=150)
    last = FIRST + timedelta(weeks=N_WEEKS - 1)
    for keys in (False, True):
        every = cube.per_area(first_monday=FIRST, last_monday=last, keys=keys)
        parts = [
            cube.per_area(first_monday=FIRST, last_monday=last, ages=(age,), keys=keys)
            for age in AGE_AXIS
        ]
        assert (np.sum(parts, axis=0) == every).all()
        assert every.sum() == sum((key_of if keys else count_of)(r) for r in records)


def test_an_unknown_age_category_or_source_is_refused() -> None:
    cube = cube_of([])
    last = FIRST + timedelta(weeks=1)
    with pytest.raises(KeyError, match="19-21"):
        cube.per_area(first_monday=FIRST, last_monday=last, ages=("19-21",))
    with pytest.raises(KeyError, match="nope"):
        cube.per_area(first_monday=FIRST, last_monday=last, categories=("nope",))
    with pytest.raises(BadSelection, match="åldersgrupp"):
        Selection("0380", "deso", FIRST, FIRST, age_bands=("19-21",))


def test_ancestors_are_found_without_a_loop_per_area_and_kept() -> None:
    """DeSO → RegSO → kommun, an own area of members, a record stored at the kommun."""
    index = AreaIndex(
        ids=(1, 2, 3, 4, 5),
        codes=("K", "R", "D1", "D2", "EGEN"),
        names=("K", "R", "D1", "D2", "Egen"),
        levels=("kommun", "regso", "deso", "deso", "custom"),
        kommun_codes=("0380",) * 5,
        parent=np.array([NO_AREA, 0, 1, 1, 0]),
        population=(None,) * 5,
        synthetic=(True,) * 5,
        own_area=np.array([NO_AREA, NO_AREA, 4, NO_AREA, NO_AREA]),
    )
    assert index.ancestor_at("regso").tolist() == [NO_AREA, 1, 1, 1, NO_AREA]
    assert index.ancestor_at("kommun").tolist() == [0, 0, 0, 0, 0]
    assert index.ancestor_at("deso").tolist() == [NO_AREA, NO_AREA, 2, 3, NO_AREA]
    assert index.ancestor_at("custom").tolist() == [NO_AREA, NO_AREA, 4, NO_AREA, 4]
    assert index.ancestor_at("regso") is index.ancestor_at("regso")
    assert not index.ancestor_at("regso").flags.writeable
    assert index.position("D2") == 3
    with pytest.raises(KeyError, match="X"):
        index.position("X")
