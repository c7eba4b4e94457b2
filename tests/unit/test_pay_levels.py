"""Compensation with several levels (issue 17): the rule table picks the highest level a
confirmed walk reaches. Checked against a reference written here, for random tables
and walks, and on the hand-written examples of the issue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.planning.pay import PayLevel, level_reached, levels_table, parse_levels, single_level
from data.planning.schedule import PlannedVsDone, compensation_of

FULL_AND_REDUCED = (PayLevel(4, 600.0), PayLevel(3, 300.0))
"""The issue's rule: full pay from 4 walkers, reduced at 3, fewer = nothing."""


@dataclass(frozen=True)
class Night:
    association: str
    walkers: int
    reported: bool
    confirmed: bool


def reference_pay(rule: dict[int, float], nights: list[Night]) -> dict[str, tuple[float, int]]:
    """The rule read literally, per association: a night counts only when reported and
    confirmed; it pays the amount of the largest minimum not above its walkers (none:
    nothing). (amount, paid nights) per association."""
    out: dict[str, tuple[float, int]] = {}
    for night in nights:
        total, paid = out.get(night.association, (0.0, 0))
        if night.reported and night.confirmed:
            reached = [m for m in rule if m <= night.walkers]
            if reached:
                total += rule[max(reached)]
                paid += 1
        out[night.association] = (total, paid)
    return out


def row(night: Night, number: int) -> PlannedVsDone:
    """A planned walk as :func:`planned_vs_done` gives it."""
    return PlannedVsDone(
        walk_id=number,
        night=date(2026, 12, 4),
        area_code="0380-D04",
        area_name="D04",
        association=night.association,
        planned_walkers=4,
        start="20:30",
        end="01:30",
        meeting_point="",
        expected=0.0,
        reported=night.reported,
        walkers=night.walkers if night.reported else None,
        rating="calm" if night.reported else None,
        seen=0,
        confirmed=night.confirmed and night.reported,
    )


def pay(levels: tuple[PayLevel, ...], nights: list[Night]) -> dict[str, tuple[float, int]]:
    """What :func:`data.planning.schedule.compensation` pays (its pure part)."""
    rows = [row(n, i) for i, n in enumerate(nights)]
    return {c.association: (c.amount, c.qualifying) for c in compensation_of(rows, levels)}


rules = st.dictionaries(
    st.integers(min_value=1, max_value=100),
    st.integers(min_value=0, max_value=5000).map(float),
    min_size=1,
    max_size=10,
)
nights = st.lists(
    st.builds(
        Night,
        association=st.sampled_from(["Demo IF", "Nattugglorna", "Klass 8B:s föräldrar"]),
        walkers=st.integers(min_value=1, max_value=100),
        reported=st.booleans(),
        confirmed=st.booleans(),
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(rule=rules, walks=nights)
def test_compensation_equals_the_reference_for_any_rule_table(
    rule: dict[int, float], walks: list[Night]
) -> None:
    levels = tuple(PayLevel(m, a) for m, a in rule.items())
    paid = pay(levels, walks)
    reference = reference_pay(rule, walks)
    assert paid.keys() == reference.keys()
    for name, (amount, nights_paid) in reference.items():
        assert paid[name][0] == pytest.approx(amount)
        assert paid[name][1] == nights_paid


@settings(max_examples=200, deadline=None)
@given(rule=rules, walks=nights)
def test_the_per_level_counts_add_up_to_the_paid_nights(
    rule: dict[int, float], walks: list[Night]
) -> None:
    levels = tuple(PayLevel(m, a) for m, a in rule.items())
    rows = [row(n, i) for i, n in enumerate(walks)]
    for paid in compensation_of(rows, levels):
        assert sum(n for _label, n in paid.per_level) == paid.qualifying
        assert [label for label, _n in paid.per_level] == [
            f"{m}+" for m in sorted(rule, reverse=True)
        ]


@settings(max_examples=200, deadline=None)
@given(rule=rules, walkers=st.integers(min_value=0, max_value=120))
def test_the_chosen_level_is_the_highest_reached(rule: dict[int, float], walkers: int) -> None:
    table = levels_table(PayLevel(m, a) for m, a in rule.items())
    chosen = level_reached(table, walkers)
    reached = [m for m in rule if m <= walkers]
    assert (chosen.min_walkers if chosen else None) == (max(reached) if reached else None)


@settings(max_examples=200, deadline=None)
@given(rule=rules)
def test_a_setting_reads_back_as_its_table(rule: dict[int, float]) -> None:
    text = ",".join(f"{m}:{a:g}" for m, a in rule.items())
    assert parse_levels(text) == levels_table(PayLevel(m, a) for m, a in rule.items())


@pytest.mark.parametrize(
    ("walkers", "reported", "confirmed", "amount"),
    [
        (4, True, True, 600.0),
        (7, True, True, 600.0),
        (3, True, True, 300.0),
        (2, True, True, 0.0),
        (1, True, True, 0.0),
        (4, True, False, 0.0),
        (4, False, False, 0.0),
    ],
)
def test_full_from_four_reduced_at_three_nothing_below_or_unconfirmed(
    walkers: int, reported: bool, confirmed: bool, amount: float
) -> None:
    paid = pay(FULL_AND_REDUCED, [Night("Demo IF", walkers, reported, confirmed)])
    assert paid["Demo IF"][0] == amount


def test_the_single_level_settings_are_one_level() -> None:
    assert single_level(3, 250.0) == (PayLevel(3, 250.0),)
    walks = [Night("Demo IF", 3, True, True), Night("Demo IF", 2, True, True)]
    assert pay(single_level(3, 250.0), walks) == {"Demo IF": (250.0, 1)}


@pytest.mark.parametrize(
    ("text", "table"),
    [
        ("4:600,3:300", FULL_AND_REDUCED),
        (" 3 : 300 , 4 : 600 ", FULL_AND_REDUCED),
        ("4:600,50;3:300", (PayLevel(4, 600.5), PayLevel(3, 300.0))),
        ("4:600.5;3:300", (PayLevel(4, 600.5), PayLevel(3, 300.0))),
        ("", ()),
    ],
)
def test_the_setting_is_parsed(text: str, table: tuple[PayLevel, ...]) -> None:
    assert parse_levels(text) == table


@pytest.mark.parametrize(
    "text",
    ["4", "4:600,4:300", "0:100", "101:100", "4:-1", "x:1", "4:600,", "1:1," * 11, "4:1e9"],
)
def test_a_malformed_setting_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_levels(text)
