"""The schedule optimiser: optimal against brute force, limits never violated."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.planning.optimiser import (
    Offer,
    ScheduleError,
    optimise,
    reserves,
    split_walkers,
    total_value,
)

NIGHTS = (date(2026, 5, 1), date(2026, 5, 2))


def brute_force(offers: list[Offer], values: dict[tuple[str, str], float], g: int) -> float:
    """The best total by trying every choice of areas for every offer."""
    choices = []
    for offer in offers:
        areas = sorted({a for (k, a), v in values.items() if k == offer.key and v > 0})
        cap = offer.walkers // g
        choices.append(
            [c for r in range(min(cap, len(areas)) + 1) for c in itertools.combinations(areas, r)]
        )
    best = 0.0
    for pick in itertools.product(*choices):
        used = Counter(
            (offer.night, area) for offer, areas in zip(offers, pick, strict=True) for area in areas
        )
        if any(n > 1 for n in used.values()):
            continue
        best = max(
            best,
            sum(values[(o.key, a)] for o, areas in zip(offers, pick, strict=True) for a in areas),
        )
    return best


@st.composite
def instances(draw: st.DrawFn) -> tuple[list[Offer], dict[tuple[str, str], float], int]:
    g = draw(st.integers(1, 4))
    n_offers = draw(st.integers(1, 4))
    areas = [f"A{i}" for i in range(draw(st.integers(1, 4)))]
    offers = [
        Offer(f"o{i}", draw(st.sampled_from(NIGHTS)), draw(st.integers(0, 10)), "20:30", "01:30")
        for i in range(n_offers)
    ]
    values = {
        (o.key, a): draw(st.one_of(st.just(0.0), st.floats(0.1, 50, allow_nan=False)))
        for o in offers
        for a in areas
    }
    return offers, values, g


@settings(max_examples=200, deadline=None)
@given(instances())
def test_the_schedule_is_optimal_and_within_every_limit(
    instance: tuple[list[Offer], dict[tuple[str, str], float], int],
) -> None:
    offers, values, g = instance
    walks = optimise(offers, values, min_group=g, max_group=max(g, 6))
    assert total_value(walks) == pytest.approx(brute_force(offers, values, g), rel=1e-9, abs=1e-9)
    by_offer = Counter(w.offer for w in walks)
    by_key = {o.key: o for o in offers}
    for key, groups in by_offer.items():
        assert groups <= by_key[key].walkers // g  # capacity
        placed = sum(w.walkers for w in walks if w.offer == key)
        assert placed == min(by_key[key].walkers, groups * max(g, 6))
    assert all(g <= w.walkers <= max(g, 6) for w in walks)  # group size
    assert max(Counter((w.night, w.area) for w in walks).values(), default=0) <= 1
    assert all(values[(w.offer, w.area)] > 0 for w in walks)
    assert {o.key for o in reserves(offers, walks)} == {o.key for o in offers} - set(by_offer)


def test_a_big_offer_splits_into_groups_in_the_best_areas() -> None:
    offer = Offer("klubb", NIGHTS[0], 7, "20:30", "01:30", "IFK")
    values = {("klubb", "A"): 9.0, ("klubb", "B"): 5.0, ("klubb", "C"): 1.0}
    walks = optimise([offer], values, min_group=3)
    assert [(w.area, w.walkers) for w in walks] == [("A", 4), ("B", 3)]


def test_two_offers_do_not_walk_the_same_area_the_same_night() -> None:
    offers = [
        Offer("a", NIGHTS[0], 3, "20:30", "01:30"),
        Offer("b", NIGHTS[0], 3, "20:30", "01:30"),
    ]
    values = {("a", "X"): 10.0, ("b", "X"): 9.0, ("b", "Y"): 2.0}
    assert {(w.offer, w.area) for w in optimise(offers, values)} == {("a", "X"), ("b", "Y")}


def test_splitting_is_even_and_bad_input_is_refused() -> None:
    assert split_walkers(10, 3) == [4, 3, 3]
    with pytest.raises(ScheduleError, match="gruppstorlek"):
        optimise([], {}, min_group=0)
    twice = [Offer("a", NIGHTS[0], 3, "20:30", "01:30")] * 2
    with pytest.raises(ScheduleError, match="två gånger"):
        optimise(twice, {("a", "X"): 1.0})


def test_walkers_beyond_the_largest_group_stay_in_reserve() -> None:
    offer = Offer("stor", NIGHTS[0], 20, "20:30", "01:30")
    walks = optimise([offer], {("stor", "A"): 5.0, ("stor", "B"): 1.0}, max_group=6)
    assert [w.walkers for w in walks] == [6, 6]
    with pytest.raises(ScheduleError, match="största"):
        optimise([offer], {("stor", "A"): 1.0}, min_group=4, max_group=3)
