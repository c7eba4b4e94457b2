"""Differencing attacks on the demo data: subtracting published numbers never pins down
a hidden count between 1 and k−1.

The attacker knows the method (Kerckhoffs): a published count p ≥ k came from a
true count n ≥ k with p = max(k, n + e), |e| ≤ 2; "<k" means 1..k−1; 0 means 0.
From two published numbers whose record sets differ by a hidden part, the attacker
gets a range of possible values for that part. These tests replay the attacks that
worked against primary suppression alone (they were strict xfails before the cell
key method and secondary suppression landed) and assert that every range they give
holds the true value and at least two possible values — never a certain small count.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Final

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dashboard import ids
from dashboard.state import app_state, today
from data.access.scope import Selection, Viewer, areas_in_scope, month_of, snap_to_grain
from data.briefing.archive import publish, published
from data.briefing.compare import Published, compare
from data.briefing.compose import build_briefing
from data.briefing.model import Briefing, BriefingPeriod
from data.briefing.period import period_of, previous_period, week_period
from data.counts.aggregates import aggregate, grouped_cells, plan_aggregate
from data.counts.cube import AGE_AXIS, CountCube, monday_of
from data.counts.notes import HIDDEN_SMALL, area_notes
from data.counts.overview import map_values, weekly_trend
from data.privacy import disclosure
from data.privacy.disclosure import NOISE_BOUND, SECONDARY_MARKER, AudienceLevel
from data.storage.db import bump_version
from data.storage.models import Area, Category, Observation
from data.weekly.changes import week_changes
from tests.clock import TEST_TODAY
from tests.helpers import call_callback, overview_values
from tests.lp import exact_model_interval_nd, some_hypercube_moves

AUDIENCES = [
    Viewer("coordinator", "0380", AudienceLevel(5, noise_key=b"test-secret")),
    Viewer("leadership", "0380", AudienceLevel(10, noise_key=b"test-secret")),
]


def demo_cube(app: Flask) -> CountCube:
    with app_state(app).sessions() as session:
        return app_state(app).cubes.get(session, today=today(app))


UNBOUNDED = 10**9


def possible(shown: str, k: int) -> tuple[int, int]:
    """The true counts consistent with one shown value (attacker's view): "<k" is
    1..k−1, "skyddad" (secondary suppression) is at least k, a number n ≥ k came
    from n − 2 .. n + 2 (never below k), 0 is 0."""
    if shown == f"<{k}":
        return 1, k - 1
    if shown == SECONDARY_MARKER:
        return k, UNBOUNDED
    published = int(shown)
    if published == 0:
        return 0, 0
    return max(k, published - NOISE_BOUND), published + NOISE_BOUND


def difference_range(whole: list[str], parts: list[str], k: int) -> tuple[int, int]:
    """Range of (sum of ``whole``) − (sum of ``parts``) the attacker can infer."""
    low = sum(possible(p, k)[0] for p in whole) - sum(possible(p, k)[1] for p in parts)
    high = sum(possible(p, k)[1] for p in whole) - sum(possible(p, k)[0] for p in parts)
    return max(0, low), high


def check(found: list[tuple[int, int, int]]) -> None:
    for low, high, truth in found:
        assert low <= truth <= high, "the published numbers misstate the truth"
        assert high > low, f"a hidden count was pinned down to {truth}"


@pytest.mark.parametrize("viewer", AUDIENCES, ids=[v.role for v in AUDIENCES])
def test_week_total_minus_the_weeks_map_cells(app: Flask, viewer: Viewer) -> None:
    k = viewer.level.k
    cube = demo_cube(app)
    found = []
    for category in ("nedskrapning", "stold", "hot", "ran", "brand"):
        monday = cube.first_monday
        while monday <= cube.last_monday:
            selection = Selection("0380", "custom", monday, monday, categories=(category,))
            cells = map_values(cube, selection, viewer)
            trend = weekly_trend(cube, selection, viewer).display()
            hidden = cells.frame["suppressed"].to_numpy()
            if trend[0] != f"<{k}" and hidden.any():
                true = cube.per_area(
                    first_monday=monday, last_monday=monday, categories=(category,)
                )
                truth = sum(
                    int(true[cube.areas.position(code)])
                    for code, h in zip(cells.frame["code"], hidden, strict=True)
                    if h
                )
                shown = [v for v, h in zip(cells.display(), hidden, strict=True) if not h]
                found.append((*difference_range([trend[0]], shown, k), truth))
            monday += timedelta(weeks=1)
    assert len(found) > (50 if k == 5 else 5)
    check(found)


@pytest.mark.parametrize("viewer", AUDIENCES, ids=[v.role for v in AUDIENCES])
def test_a_period_minus_the_same_period_one_week_shorter(app: Flask, viewer: Viewer) -> None:
    k = viewer.level.k
    cube = demo_cube(app)
    found = []
    last = cube.last_monday - timedelta(weeks=1)
    for weeks in range(2, 30):
        first = last - timedelta(weeks=weeks - 1)
        longer = map_values(cube, Selection("0380", "custom", first, last), viewer)
        shorter = map_values(
            cube, Selection("0380", "custom", first, last - timedelta(weeks=1)), viewer
        )
        week = cube.per_area(first_monday=last, last_monday=last)
        for code, a, b in zip(
            longer.frame["code"], longer.display(), shorter.display(), strict=True
        ):
            truth = int(week[cube.areas.position(code)])
            if 1 <= truth < k:
                found.append((*difference_range([a], [b], k), truth))
    assert len(found) > 20
    check(found)


@pytest.mark.parametrize("viewer", AUDIENCES, ids=[v.role for v in AUDIENCES])
def test_all_categories_minus_all_but_one(app: Flask, viewer: Viewer) -> None:
    k = viewer.level.k
    cube = demo_cube(app)
    monday = cube.last_monday - timedelta(weeks=2)
    everything = map_values(cube, Selection("0380", "custom", monday, monday), viewer)
    found = []
    for category in cube.categories:
        rest = tuple(c for c in cube.categories if c != category)
        others = map_values(
            cube, Selection("0380", "custom", monday, monday, categories=rest), viewer
        )
        one = cube.per_area(first_monday=monday, last_monday=monday, categories=(category,))
        for code, a, b in zip(
            everything.frame["code"],
            everything.display(),
            others.display(),
            strict=True,
        ):
            truth = int(one[cube.areas.position(code)])
            if 1 <= truth < k:
                found.append((*difference_range([a], [b], k), truth))
    assert len(found) > 10
    check(found)


POLICE = Viewer(
    "police_area",
    "0380",
    AudienceLevel(5, noise_key=b"test-secret"),
    area_codes=frozenset({"0380-D01", "0380-D02", "0380-D03", "0380-D04", "0380-D05", "0380-D06"}),
)


@pytest.mark.parametrize("viewer", [*AUDIENCES, POLICE], ids=[v.role for v in [*AUDIENCES, POLICE]])
def test_every_nested_pair_of_reachable_filters_reveals_nothing(
    app: Flask, viewer: Viewer, capsys: pytest.CaptureFixture[str]
) -> None:
    """Enumerate the filter lattice over the demo's last 8 weeks — every whole-week
    period (36), categories: all, each one, all but each one (37) — and compare every
    pair whose record sets are nested in one dimension (period or categories): the
    attacker's range for the difference, cell by cell, must hold the truth and at
    least two values whenever the true difference is 1..k−1."""
    cube = demo_cube(app)
    k = viewer.level.k
    end = cube.last_monday - timedelta(weeks=1)
    weeks = [end - timedelta(weeks=i) for i in range(7, -1, -1)]
    periods = [(a, b) for i, a in enumerate(weeks) for b in weeks[i:]]
    everything = tuple(cube.categories)
    category_sets = [
        (),
        *((c,) for c in everything),
        *(tuple(x for x in everything if x != c) for c in everything),
    ]
    Combination = tuple[date, date, tuple[str, ...]]
    shown: dict[Combination, dict[str, str]] = {}
    truth: dict[Combination, dict[str, int]] = {}
    for first, last in periods:
        for categories in category_sets:
            selection = Selection("0380", "custom", first, last, categories=categories)
            table = map_values(cube, selection, viewer)
            own = cube.per_area(first_monday=first, last_monday=last, categories=categories)
            key = (first, last, categories)
            shown[key] = dict(zip(table.frame["code"], table.display(), strict=True))
            truth[key] = {c: int(own[cube.areas.position(c)]) for c in table.frame["code"]}

    def covers(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
        return set(small or everything) <= set(big or everything) and big != small

    pairs = 0
    small_differences = 0
    for (first, last, cats), values in shown.items():
        for (first2, last2, cats2), values2 in shown.items():
            same_period = (first, last) == (first2, last2)
            nested_period = cats == cats2 and first <= first2 <= last2 <= last
            if not (
                (same_period and covers(cats, cats2))
                or (nested_period and (first, last) != (first2, last2))
            ):
                continue
            pairs += 1
            for code, text in values.items():
                difference = truth[(first, last, cats)][code] - truth[(first2, last2, cats2)][code]
                if 1 <= difference < k:
                    small_differences += 1
                    low, high = difference_range([text], [values2[code]], k)
                    assert low <= difference <= high, (code, text, values2[code], difference)
                    assert high > low, f"{code}: a difference of {difference} was pinned down"
    with capsys.disabled():
        print(
            f"\n[{viewer.role}] {len(shown)} filter combinations, {pairs} nested pairs, "
            f"{small_differences} hidden differences of 1..{k - 1}: 0 disclosures"
        )
    assert pairs > 10_000 and small_differences > 100


AGE_SETS: Final = [
    (),
    *((a,) for a in AGE_AXIS),
    *(tuple(x for x in AGE_AXIS if x != a) for a in AGE_AXIS),
]
"""Age filters of the attack: all ages, each group alone, all but each group."""


def _raw_map(cube: CountCube, selection: Selection, viewer: Viewer) -> dict[str, int]:
    """The true count of each display unit behind ``map_values`` (before protection)."""
    from data.access.scope import areas_in_scope
    from data.counts.overview import area_counts, unit_frame
    from data.privacy.small_areas import display_units

    shown = snap_to_grain(selection, viewer.level, until=cube.last_monday)
    scope = areas_in_scope(cube, shown, viewer)
    own, keys = area_counts(cube, shown, scope)
    units = display_units(cube, shown, viewer)
    raw = unit_frame(cube, units, cube.areas.ancestor_at(shown.level), scope, own, keys)
    return dict(zip(raw["code"], raw["count"].astype(int), strict=True))


def _age_attack(cube: CountCube, viewer: Viewer) -> tuple[int, int, list[str]]:
    """Every map the attacker can ask for over the last four weeks (each week and the
    four together) × categories (all, each one) × ages (:data:`AGE_SETS`), and two
    attacks on each: (1) every pair of age filters nested in each other ("all ages"
    minus "13–15", "all but 10–12" minus "16–18" …) and (2) "all ages" minus the three
    other groups, each published alone, to get the fourth. Returns (pairs, hidden
    differences of 1..k−1, disclosures: a range without the truth or with one value)."""
    k = viewer.level.k
    last = cube.last_monday - timedelta(weeks=1)
    weeks = [last - timedelta(weeks=i) for i in range(3, -1, -1)]
    periods = [(w, w) for w in weeks] + [(weeks[0], last)]
    category_sets = [(), *((c,) for c in cube.categories)]
    pairs = small = 0
    disclosures: list[str] = []

    def judge(whole: list[str], parts: list[str], truth: int, what: str) -> None:
        nonlocal small
        if not 1 <= truth < k:
            return
        small += 1
        low, high = difference_range(whole, parts, k)
        if not low <= truth <= high or high == low:
            disclosures.append(f"{what}: {truth} in [{low}, {high}]")

    for first, end in periods:
        for cats in category_sets:
            shown: dict[tuple[str, ...], dict[str, str]] = {}
            truth: dict[tuple[str, ...], dict[str, int]] = {}
            for ages in AGE_SETS:
                selection = Selection("0380", "custom", first, end, cats, age_bands=ages)
                table = map_values(cube, selection, viewer)
                shown[ages] = dict(zip(table.frame["code"], table.display(), strict=True))
                truth[ages] = _raw_map(cube, selection, viewer)
            everyone = set(AGE_AXIS)
            for big in AGE_SETS:
                for part in AGE_SETS:
                    if part == big or not set(part or everyone) < set(big or everyone):
                        continue
                    pairs += 1
                    for code, text in shown[big].items():
                        difference = truth[big][code] - truth[part][code]
                        judge([text], [shown[part][code]], difference, f"{big}−{part} {code}")
            for age in AGE_AXIS:
                others = [(a,) for a in AGE_AXIS if a != age]
                pairs += 1
                for code, text in shown[()].items():
                    parts = [shown[o][code] for o in others]
                    judge([text], parts, truth[(age,)][code], f"all−others={age} {code}")
    return pairs, small, disclosures


@pytest.mark.parametrize("viewer", [*AUDIENCES, POLICE], ids=[v.role for v in [*AUDIENCES, POLICE]])
def test_age_filters_against_all_ages_and_each_other_reveal_nothing(
    app: Flask, viewer: Viewer, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 17: the age dimension is a finer table. Differences between age filters —
    all ages minus 13–15, all ages minus the other three groups, all but one minus
    another — over every week, a four-week period and every category never pin down a
    hidden count of 1..k−1: 0 disclosures."""
    pairs, small, disclosures = _age_attack(demo_cube(app), viewer)
    with capsys.disabled():
        print(
            f"\n[{viewer.role}] age attack: {pairs} pairs, {small} hidden differences of "
            f"1..{viewer.level.k - 1}: {len(disclosures)} disclosures"
        )
    assert disclosures == []
    assert pairs > 1000 and small > 100


def test_the_age_attack_pins_counts_down_without_the_noise(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The attack above can fail: with the cell key noise switched off (and the attacker
    knowing it), all ages minus the other groups gives small counts exactly."""
    monkeypatch.setattr(disclosure, "cell_noise", lambda keys, _secret=b"": np.zeros(len(keys)))
    monkeypatch.setattr(sys.modules[__name__], "NOISE_BOUND", 0)
    _pairs, _small, disclosures = _age_attack(demo_cube(app), AUDIENCES[0])
    assert len(disclosures) > 10


def test_leadership_sees_months_trend_points_and_whole_month_periods(app: Flask) -> None:
    cube = demo_cube(app)
    leadership = Viewer("leadership", "0380", AudienceLevel(10, time_grain="month"))
    end = cube.last_monday
    four_weeks = Selection("0380", "custom", end - timedelta(weeks=3), end)
    trend = weekly_trend(
        cube, replace(four_weeks, first_monday=end - timedelta(weeks=30)), leadership
    )
    labels = trend.frame["week_label"].tolist()
    assert all(len(label) == 7 and label[4] == "-" for label in labels)  # "2026-11"
    assert len(labels) == len(set(labels)) and 7 <= len(labels) <= 9
    # A four-week period and the whole months it touches are the same query.
    snapped = snap_to_grain(four_weeks, leadership.level, until=cube.last_monday)
    assert snapped.n_weeks >= 4
    assert (
        map_values(cube, four_weeks, leadership).display()
        == map_values(cube, snapped, leadership).display()
    )


def test_the_api_refuses_weekly_groups_to_leadership(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    leadership = client_as("ledning")
    refused = leadership.get("/api/v1/aggregates?level=custom&group_by=week")
    assert refused.status_code == 403
    assert refused.get_json()["parameter"] == "group_by"
    monthly = leadership.get("/api/v1/aggregates?level=custom&group_by=month")
    assert monthly.status_code == 200


TABLES = [
    ("coordinator", ("area", "category"), 8),
    ("coordinator", ("area", "week"), 8),
    ("coordinator", ("category", "week"), 8),
    ("coordinator", ("area", "category", "week"), 4),
    ("leadership", ("area", "category"), 13),
    ("leadership", ("category", "month"), 26),
    ("coordinator", ("area", "age_band"), 8),
    ("coordinator", ("category", "age_band"), 4),
    ("coordinator", ("category", "age_band", "week"), 4),
    ("leadership", ("area", "age_band"), 13),
]


def _exact_model_check(
    app: Flask, viewer: Viewer, group_by: tuple[str, ...], weeks: int
) -> tuple[int, int, list[str]]:
    """The LP check of one API table: (small cells checked, cells without any hypercube,
    cells narrowed although a hypercube exists — each one a disclosure)."""
    k = viewer.level.k
    cube = demo_cube(app)
    last = cube.last_monday
    selection = Selection("0380", "custom", last - timedelta(weeks=weeks - 1), last)
    plan = plan_aggregate(cube, selection, viewer, group_by)
    truth = grouped_cells(cube, plan)
    shape = tuple(n for n in plan.cells_shape if n > 1)
    values = truth.reshape(shape)
    published = aggregate(cube, selection, viewer, group_by).frame
    hidden = published["suppressed"].to_numpy().reshape(shape)
    primary = hidden & ~published["secondary"].to_numpy().reshape(shape)
    assert (primary == ((values >= 1) & (values < k))).all()
    checked = unprotectable = 0
    narrowed = []
    for cell in np.flatnonzero(primary.ravel()):
        low, high = exact_model_interval_nd(values, hidden, primary, k, int(cell))
        checked += 1
        if low == pytest.approx(1) and high == pytest.approx(k - 1):
            continue
        index = tuple(int(i) for i in np.unravel_index(cell, shape))
        value = int(values[index])
        if some_hypercube_moves(values, primary, k, index, 1 - value) and some_hypercube_moves(
            values, primary, k, index, k - 1 - value
        ):
            narrowed.append(f"{index} = {value} narrowed to [{low}, {high}]")
        else:
            unprotectable += 1
    return checked, unprotectable, narrowed


@pytest.mark.parametrize(("role", "group_by", "weeks"), TABLES)
def test_api_tables_keep_every_small_cell_uncertain_given_all_their_margins(
    app: Flask, role: str, group_by: tuple[str, ...], weeks: int
) -> None:
    """The API's multi-dimensional tables on the demo data: an attacker who knew every
    margin (each one is another request) exactly — as if there were no noise — and
    every published cell still cannot narrow a "<k" cell below 1..k−1, checked by an
    independent LP; the only exception is a cell for which no hypercube of hideable
    cells exists (then the margins' noise protects it, as documented). The age tables
    are among them: their age margin is the all-ages table (the four groups, unknown
    age included, add up to it)."""
    viewer = next(v for v in AUDIENCES if v.role == role)
    checked, unprotectable, narrowed = _exact_model_check(app, viewer, group_by, weeks)
    assert narrowed == [], "although a hypercube exists"
    assert checked > 0, "the demo table has no small cell: the test would prove nothing"
    print(f"{role} {'×'.join(group_by)}: {checked} small cells, {unprotectable} without hypercube")


def test_without_secondary_suppression_the_age_table_would_disclose(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check above can fail: with secondary suppression switched off, the area × age
    table lets the all-ages margins pin down small cells."""
    monkeypatch.setattr(
        disclosure, "_secondary_mask", lambda values, *_args: np.zeros(values.shape, bool)
    )
    _checked, _unprotectable, narrowed = _exact_model_check(
        app, AUDIENCES[0], ("area", "age_band"), 8
    )
    assert narrowed, "the exact-model check found nothing to narrow without secondary cells"


@pytest.mark.parametrize("viewer", [*AUDIENCES, POLICE], ids=[v.role for v in [*AUDIENCES, POLICE]])
def test_event_windows_against_their_weeks_and_each_other_reveal_nothing(
    app: Flask, viewer: Viewer, capsys: pytest.CaptureFixture[str]
) -> None:
    """Event windows are reachable periods too: every ended window of the demo's two
    years (holidays, payday weekends, school calendar, the festival) × category
    filters (all, each, all but each), compared with the whole weeks around it
    (the window's records are a subset) and with itself under fewer categories."""
    from data.access.scope import areas_in_scope
    from data.calendar.municipal import kommun_windows
    from data.counts import windows as window_queries
    from data.counts.overview import unit_frame
    from data.privacy.small_areas import display_units

    cube = demo_cube(app)
    k = viewer.level.k
    today = TEST_TODAY
    with app_state(app).sessions() as session:
        windows = [
            w
            for year in (today.year - 1, today.year)
            for w in kommun_windows(session, "0380", year)
            if w.end.date() <= today and w.days[0] >= cube.first_monday
        ]
        everything = tuple(cube.categories)
        category_sets = [
            (),
            *((c,) for c in everything),
            *(tuple(x for x in everything if x != c) for c in everything),
        ]
        slots_of = {
            cats: window_queries.read_slots(
                session, cube, "0380", cube.first_monday, today, categories=cats
            )
            for cats in category_sets
        }
    base = Selection("0380", "custom", cube.last_monday, cube.last_monday)
    shown: dict[tuple[int, tuple[str, ...]], dict[str, str]] = {}
    truth: dict[tuple[int, tuple[str, ...]], dict[str, int]] = {}
    weeks_shown: dict[tuple[int, tuple[str, ...]], dict[str, str]] = {}
    weeks_truth: dict[tuple[int, tuple[str, ...]], dict[str, int]] = {}
    for n, window in enumerate(windows):
        around = window_queries.window_selection(base, window)
        scope = areas_in_scope(cube, around, viewer)
        target = cube.areas.ancestor_at("custom")
        units = display_units(cube, around, viewer)
        for cats in category_sets:
            slots = slots_of[cats]
            table = window_queries.window_map(cube, slots, window, base, viewer)
            own, keys = window_queries._per_area(cube, slots, slots.covered(window))
            raw = unit_frame(cube, units, target, scope, own, keys)
            shown[(n, cats)] = dict(zip(table.frame["code"], table.display(), strict=True))
            truth[(n, cats)] = dict(zip(raw["code"], raw["count"].astype(int), strict=True))
            weekly = Selection("0380", "custom", around.first_monday, around.last_monday, cats)
            week_table = map_values(cube, weekly, viewer)
            shown_period = snap_to_grain(weekly, viewer.level, until=cube.last_monday)
            per_area = cube.per_area(
                first_monday=shown_period.first_monday,
                last_monday=shown_period.last_monday,
                categories=cats,
            )
            weeks_shown[(n, cats)] = dict(
                zip(week_table.frame["code"], week_table.display(), strict=True)
            )
            weeks_truth[(n, cats)] = {
                c: int(per_area[cube.areas.position(c)]) for c in week_table.frame["code"]
            }

    pairs = small = 0

    def check_pair(
        big: dict[str, str],
        big_truth: dict[str, int],
        part: dict[str, str],
        part_truth: dict[str, int],
    ) -> None:
        nonlocal small
        for code, text in big.items():
            difference = big_truth[code] - part_truth[code]
            assert difference >= 0
            if 1 <= difference < k:
                small += 1
                low, high = difference_range([text], [part[code]], k)
                assert low <= difference <= high
                assert high > low, f"{code}: a difference of {difference} was pinned down"

    for (n, cats), values in shown.items():
        pairs += 1
        check_pair(weeks_shown[(n, cats)], weeks_truth[(n, cats)], values, truth[(n, cats)])
        for cats2 in category_sets:
            if cats2 != cats and set(cats2 or everything) <= set(cats or everything):
                pairs += 1
                check_pair(values, truth[(n, cats)], shown[(n, cats2)], truth[(n, cats2)])
    with capsys.disabled():
        print(
            f"\n[{viewer.role}] {len(windows)} event windows × {len(category_sets)} category "
            f"filters, {pairs} nested pairs, {small} hidden differences of 1..{k - 1}: "
            "0 disclosures"
        )
    assert len(windows) > 20 and pairs > 1000 and small > 100


# The notes panel (issue 14, finding 2). Two reports about weapons in one area and week:
# the API shows that cell suppressed, yet the coordinator's notes panel showed both notes
# for "all categories" and none for "all but vapen" — the difference gave the notes and
# the exact count 2. Notes now come from a fixed lattice (area of the notes level × whole
# month, every category and source) and only from cells the map publishes.

ATTACK_AREA = "0380-D03"
WEAPON_NOTES = ("Kniv visad vid busshållplatsen", "Två ungdomar bar kniv i parken")


def _attack_week() -> date:
    return monday_of(TEST_TODAY) - timedelta(weeks=2)


def _add_weapon_reports(app: Flask, week: date, *, empty_month: bool = False) -> None:
    """Two reports with notes in ``ATTACK_AREA`` in ``week``, category vapen. With
    ``empty_month`` the area's other records of that week's month are removed first, so
    that the area × month lattice cell holds only the two (suppressed)."""
    month = month_of(week)
    with app_state(app).sessions.begin() as session:
        area_id = session.scalar(select(Area.id).where(Area.code == ATTACK_AREA))
        assert area_id is not None
        if empty_month:
            days = [week + timedelta(weeks=i, days=d) for i in range(-6, 7) for d in range(7)]
            in_month = [d for d in days if month_of(monday_of(d)) == month]
            session.execute(
                delete(Observation).where(
                    Observation.area_id == area_id, Observation.occurred_on.in_(in_month)
                )
            )
        session.add_all(
            Observation(
                area_id=area_id,
                occurred_on=week + timedelta(days=2),
                category_code="vapen",
                source_code="fritid",
                count=1,
                note=note,
            )
            for note in WEAPON_NOTES
        )
        bump_version(session)


def _notes_panel(
    client: FlaskClient,
    app: Flask,
    level: str,
    focus: str,
    first: date,
    last: date,
    categories: list[str],
) -> str:
    period = (first.isoformat(), (last + timedelta(days=6)).isoformat())
    values = overview_values("0380", level, period, categories=categories, focus=focus)
    response = call_callback(client, app, f"{ids.NOTES}.", values)
    assert response.status_code == 200
    return json.dumps(response.get_json()["response"][ids.NOTES], ensure_ascii=False)


def _category_choices(cube: CountCube) -> list[list[str]]:
    return [[], [c for c in cube.categories if c != "vapen"], ["vapen"]]


def test_notes_panel_all_categories_against_all_but_vapen_is_identical(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """The attack of the issue on a published lattice cell (the area has many reports
    that month): the API shows the week's vapen cell suppressed; the panel under all
    categories, all but vapen and vapen alone is the same, and so are the data layer's
    notes for every category and source filter."""
    week = _attack_week()
    _add_weapon_reports(app, week)
    client = client_as("samordnare")
    api = client.get(
        f"/api/v1/aggregates?level=custom&area={ATTACK_AREA}&from={week.isoformat()}"
        f"&to={(week + timedelta(days=6)).isoformat()}&category=vapen"
    ).get_json()
    assert api["cells"] == [{"count": None, "suppressed": True}]
    cube = demo_cube(app)
    panels = {
        _notes_panel(client, app, "custom", ATTACK_AREA, week, week, categories)
        for categories in _category_choices(cube)
    }
    assert len(panels) == 1, "the notes panel depends on the category filter"
    selection = Selection("0380", "custom", week, week, focus_area=ATTACK_AREA)
    with app_state(app).sessions() as session:
        found = {
            area_notes(session, cube, replace(selection, categories=tuple(c)), AUDIENCES[0])
            for c in _category_choices(cube)
        } | {area_notes(session, cube, replace(selection, sources=("fritid",)), AUDIENCES[0])}
    assert len(found) == 1, "the notes depend on the category or source filter"
    assert len(next(iter(found)).notes) <= AUDIENCES[0].level.k


def test_notes_panel_never_shows_the_notes_of_a_suppressed_lattice_cell(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """The two reports are all the area has in their month: the lattice cell (area ×
    month) is "<5" on the map. No filter, period (the week, the month, the month with
    the one before) or level (the area, the whole kommun) shows their notes, and every
    category choice gives the same panel; a note of the month before (published) is
    shown, so the panel does show notes where it may."""
    week = _attack_week()
    _add_weapon_reports(app, week, empty_month=True)
    month = month_of(week)
    before = monday_of(month - timedelta(days=20))
    with app_state(app).sessions.begin() as session:
        area_id = session.scalar(select(Area.id).where(Area.code == ATTACK_AREA))
        earlier = session.scalars(
            select(Observation)
            .where(
                Observation.area_id == area_id,
                Observation.occurred_on.between(before, before + timedelta(days=6)),
            )
            .limit(1)
        ).one()
        earlier.note = "NOTE-MONTH-BEFORE"
    cube = demo_cube(app)
    whole_month = snap_to_grain(
        Selection("0380", "custom", week, week),
        AudienceLevel(5, time_grain="month"),
        until=cube.last_monday,
    )
    table = map_values(cube, whole_month, AUDIENCES[0])
    shown = dict(zip(table.frame["code"], table.display(), strict=True))
    assert shown[ATTACK_AREA] == "<5"
    client = client_as("samordnare")
    periods = [
        (week, week),
        (whole_month.first_monday, whole_month.last_monday),
        (before, week),
    ]
    checked = 0
    for level, focus in (("custom", ATTACK_AREA), ("kommun", "0380")):
        for first, last in periods:
            panels = {
                _notes_panel(client, app, level, focus, first, last, categories)
                for categories in _category_choices(cube)
            }
            assert len(panels) == 1, (level, first, last)
            panel = panels.pop()
            assert not any(note in panel for note in WEAPON_NOTES), (level, first, last)
            assert ("NOTE-MONTH-BEFORE" in panel) == (first == before), (level, first, last)
            if level == "custom" and first != before:
                assert "Inga anteckningar visas: områdets antal" in panel  # says why
            checked += 1
    assert checked == 6


@pytest.mark.parametrize("viewer", [AUDIENCES[0], POLICE], ids=["coordinator", "police_area"])
def test_notes_are_read_exactly_where_the_months_map_publishes_a_count(
    app: Flask, viewer: Viewer
) -> None:
    """The notes gate is the map's own table: for each of the demo's last 12 months and
    each area, notes are read (or their absence is not blamed on small counts) exactly
    when the month's map shows the area with a number above zero."""
    cube = demo_cube(app)
    whole_months = AudienceLevel(5, time_grain="month")
    newest = Selection("0380", "custom", cube.last_monday, cube.last_monday)
    month = snap_to_grain(newest, whole_months, until=cube.last_monday)
    checked = hidden = 0
    with app_state(app).sessions() as session:
        for _ in range(12):
            table = map_values(cube, month, viewer)
            for code, value in zip(table.frame["code"], table.published_values(), strict=True):
                found = area_notes(session, cube, replace(month, focus_area=code), viewer)
                assert found.months == (month_of(month.first_monday),)
                assert (found.hidden == HIDDEN_SMALL) == (not value), (code, month, value)
                checked += 1
                hidden += found.hidden == HIDDEN_SMALL
            before = month.first_monday - timedelta(weeks=1)
            month = snap_to_grain(
                replace(month, first_monday=before, last_monday=before),
                whole_months,
                until=cube.last_monday,
            )
    # Both branches are exercised: the coordinator's 24 areas always have suppressed
    # months; the police's six central areas are busy enough that on some test dates
    # none of their last 12 months is (tests/clock.py TEST_DATES).
    assert checked > 50 and (hidden > 0 or viewer.role == "police_area")


# The published lägesbild (issue 16): a dated record held against today's numbers for
# the same period, after late reports for that period have arrived in between.
#
# The attack: the reader has the archived record (published at leadership level, k=10)
# and today's lägesbild of the same month. For every area the record shows "<10" and
# today shows a number (late reports pushed it over k), the reader tries to pin the
# record's hidden count: (a) as an outsider, from the two published values alone
# (reports only add, so old ≤ new); (b) as the insider who filed the late reports and
# knows exactly how many (L) — old = new − L — the strongest version.
#
# Why it fails: today's number is noisy (±2) with noise keyed by today's record set —
# the late reports change the set, so the noise is drawn afresh and cannot be
# subtracted using the record, and an area without late reports shows the very same
# number in both (same records, same key: nothing to average). (a) leaves the whole
# of 1..k−1 up to new + 2. (b) leaves max(k − L, new − 2 − L) .. min(k − 1, new + 2 − L):
# the noise keeps that at two values or more, except where the range's top is k − 1
# and its bottom reaches it too — a single late report that carried the count over k,
# or today's noise at its +2 edge. That is the threshold itself speaking ("<k" then a
# number after one more report means the count was k − 1), not the noise failing; it
# needs the insider's exact L and no other late report in the cell, and Översikt
# shows the same across two days. The test asserts that no other value can ever be
# pinned and that every range holds the truth.

LATE_PLAN: Final = ((9, 1), (9, 2), (8, 3), (5, 6), (2, 9), (1, 1), (3, 0), (6, 12), (7, 4))
"""(records in the month before publishing, late reports after) for nine areas."""


def _set_area_month(app: Flask, area: int, period: BriefingPeriod, count: int) -> None:
    """Give one display unit exactly ``count`` records (of 1) in ``period``'s weeks."""
    cube = demo_cube(app)
    target = cube.areas.ancestor_at("custom")
    members = [cube.areas.ids[i] for i in range(len(target)) if target[i] == area]
    first, last = period.first_monday, period.last_monday + timedelta(days=6)
    with app_state(app).sessions.begin() as session:
        session.execute(
            delete(Observation).where(
                Observation.area_id.in_(members), Observation.occurred_on.between(first, last)
            )
        )
        _add_reports(session, members[-1], first + timedelta(days=9), count)


def _add_reports(session: Session, area_id: int, day: date, count: int) -> None:
    session.add_all(
        Observation(
            area_id=area_id, occurred_on=day, category_code="samling", source_code="fritid", count=1
        )
        for _ in range(count)
    )
    bump_version(session)


def test_a_published_lagesbild_against_today_reveals_no_hidden_count(app: Flask) -> None:
    viewer = replace(AUDIENCES[1], level=replace(AUDIENCES[1].level, time_grain="month"))
    coordinator = Viewer("coordinator", "0380", AudienceLevel(5, noise_key=b"test-secret"))
    k = viewer.level.k
    period = previous_period(period_of("month", TEST_TODAY))
    now = datetime(2026, 12, 2, 11, tzinfo=UTC)

    def lagesbild() -> Briefing:
        with app_state(app).sessions() as session:
            cube = app_state(app).cubes.get(session, today=TEST_TODAY)
            return build_briefing(
                session, cube, viewer, "0380", "custom", period, today=TEST_TODAY, now=now
            )

    cube = demo_cube(app)
    units = [a for a in lagesbild().areas if not a.merged][: len(LATE_PLAN)]
    positions = [cube.areas.position(a.code) for a in units]
    for position, (before, _) in zip(positions, LATE_PLAN, strict=True):
        _set_area_month(app, position, period, before)
    with app_state(app).sessions.begin() as session:
        record_id = publish(session, coordinator, None, lagesbild(), b"%PDF-1.4 stand-in")
    with app_state(app).sessions() as session:
        record, _ = published(session, viewer, record_id)
    target = demo_cube(app).areas.ancestor_at("custom")
    with app_state(app).sessions.begin() as session:
        for position, (_, late) in zip(positions, LATE_PLAN, strict=True):
            member = max(i for i in range(len(target)) if target[i] == position)
            _add_reports(
                session, cube.areas.ids[member], period.first_monday + timedelta(days=12), late
            )
    today_view = lagesbild()

    old = {a.code: a.value for a in record.areas}
    new = {a.code: a.value for a in today_view.areas}
    crossed = pinned = 0
    for unit, (before, late) in zip(units, LATE_PLAN, strict=True):
        was, now_shown = old[unit.code], new[unit.code]
        assert was == f"<{k}", f"{unit.code}: the record should hide {before}"
        if late == 0:
            assert now_shown == was  # same records, same number: nothing to difference
            continue
        if now_shown in (f"<{k}", SECONDARY_MARKER):
            continue
        crossed += 1
        low_new, high_new = possible(now_shown, k)
        # (a) outsider: old ≤ new, nothing else known.
        outsider = (1, min(k - 1, high_new))
        assert outsider[0] <= before <= outsider[1] and outsider[1] > outsider[0]
        # (b) insider who knows L exactly: old = new − L.
        low, high = max(1, low_new - late), min(k - 1, high_new - late)
        assert low <= before <= high, "the published numbers misstate the truth"
        if high == low:
            pinned += 1
            assert before == k - 1, f"{unit.code}: hidden count {before} pinned below k − 1"
    assert crossed >= 4, "too few areas crossed k: the test would prove little"
    assert (record.audience, record.complete, record.method.k) == ("leadership", True, k)
    print(f"lägesbild differencing: {crossed} areas crossed k, {pinned} pinned at k − 1")


# Veckans lägesbild (issue 17): a reader holds one week's published counts, last
# week's, their difference in words ("högre än förra veckan (+15 %)", "ungefär
# oförändrat"), the same week last year — and, from Översikt, the two weeks together.
# Every combination leaves each hidden count between 1 and k−1 at two or more values:
# the phrases are computed from the published values alone (recomputed here), so they
# add nothing; the two-week total minus either week is the period attack above.

WEEKS_ATTACKED: Final = 26


def _week_truths(
    cube: CountCube, period: BriefingPeriod, scope: np.ndarray, ages: tuple[str, ...] = ()
) -> tuple[np.ndarray, dict[str, int]]:
    """True counts per cube area and per category (summed over ``scope``) of one week,
    of the age groups ``ages`` (empty: every age)."""
    per_area = cube.per_area(
        first_monday=period.first_monday, last_monday=period.first_monday, ages=ages
    )
    per_category = {
        c: int(
            cube.per_area(
                first_monday=period.first_monday,
                last_monday=period.first_monday,
                categories=(c,),
                ages=ages,
                area_mask=scope,
            ).sum()
        )
        for c in cube.categories
    }
    return per_area, per_category


@pytest.mark.parametrize("ages", [(), ("13-15",)], ids=["all-ages", "13-15"])
@pytest.mark.parametrize("viewer", [AUDIENCES[0], POLICE], ids=["coordinator", "police_area"])
def test_week_over_week_changes_reveal_no_hidden_count(
    app: Flask, viewer: Viewer, ages: tuple[str, ...]
) -> None:
    """Also with Veckans lägesbild's age filter: the week, last week, their sum and
    last year of one age group leave every small count of that group hidden."""
    k = viewer.level.k
    cube = demo_cube(app)
    with app_state(app).sessions() as session:
        labels = {
            str(c): str(label)
            for c, label in session.execute(select(Category.code, Category.label))
        }
    codes_of = {label: code for code, label in labels.items()}
    scope = areas_in_scope(
        cube, Selection("0380", "custom", cube.first_monday, cube.first_monday), viewer
    )
    found: list[tuple[int, int, int]] = []
    phrases = 0
    for n in range(1, WEEKS_ATTACKED + 1):
        week = week_period(TEST_TODAY - timedelta(weeks=n))
        changes = week_changes(cube, viewer, "0380", week, labels=labels, ages=ages)
        assert changes.age_bands == ages
        periods = (changes.week, changes.previous, changes.year_before)
        truths = [_week_truths(cube, p, scope, ages) for p in periods]
        both = map_values(
            cube,
            Selection(
                "0380",
                changes.area_level,
                changes.previous.first_monday,
                week.first_monday,
                age_bands=ages,
            ),
            viewer,
        )
        two_weeks = dict(zip(both.frame["name"], both.display(), strict=True))
        code_of = dict(zip(both.frame["name"], both.frame["code"], strict=True))
        for c in changes.areas:
            position = cube.areas.position(str(code_of[c.label]))
            now, before, year = (int(t[0][position]) for t in truths)
            for shown, truth in ((c.value, now), (c.previous, before), (c.last_year, year)):
                if 1 <= truth < k:
                    found.append((*possible(shown, k), truth))
            # The two weeks together minus one of them: the other week's count.
            if 1 <= before < k:
                found.append((*difference_range([two_weeks[c.label]], [c.value], k), before))
            if 1 <= now < k:
                found.append((*difference_range([two_weeks[c.label]], [c.previous], k), now))
        for c in changes.categories:
            now, before, year = (t[1][codes_of[c.label]] for t in truths)
            for shown, truth in ((c.value, now), (c.previous, before), (c.last_year, year)):
                if 1 <= truth < k:
                    found.append((*possible(shown, k), truth))
        for c in (changes.total, *changes.categories, *changes.areas):
            # The change in words is a function of the two published values alone.
            side = [
                Published(t, v)
                for t, v in (
                    (c.value, c.number),
                    (c.previous, c.previous_number),
                    (c.last_year, c.last_year_number),
                )
            ]
            assert compare(c.label, *side, kind="week").text == c.text
            phrases += 1
    disclosures = sum(1 for low, high, _truth in found if high == low)
    print(
        f"week-over-week ({viewer.role}, ages {ages or 'all'}): "
        f"{len(found)} hidden counts attacked, {phrases} phrases, {disclosures} disclosures"
    )
    assert len(found) > (100 if viewer.role == "coordinator" else 20)
    check(found)
    assert disclosures == 0
