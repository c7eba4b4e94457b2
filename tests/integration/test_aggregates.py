"""data.counts.aggregates: grouping, scope and area rules of the aggregate API's counts.

Raw sums are compared with a brute force over the written records and a table of
where each record must count, written by hand (:mod:`tests.hierarchy_data`); the
protected output is compared with the overview's map and trend, which must agree
with it cell for cell.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from flask import Flask
from sqlalchemy import Engine

from dashboard.state import app_state, today
from data.access.scope import Selection, Viewer
from data.counts.aggregates import (
    GROUP_FIELDS,
    AggregateDenied,
    AggregateRefused,
    GroupPlan,
    aggregate,
    grouped_cells,
    month_of_week,
    plan_aggregate,
)
from data.counts.cube import CountCube, build_cube, iso_week_label, monday_of
from data.counts.overview import map_values, weekly_trend
from data.privacy.disclosure import AudienceLevel
from data.storage.db import make_engine, make_session_factory, unit_of_work
from data.storage.setup import initialise_database
from tests.hierarchy_data import (
    D1,
    D2,
    D4,
    EGEN,
    KOMMUN,
    R1,
    R2,
    UNIT_AT,
    Record,
    build_hierarchy,
    first_monday,
)

TODAY = date(2026, 5, 31)
COORDINATOR = Viewer("coordinator", KOMMUN, AudienceLevel(5))
POLICE = Viewer("police_area", KOMMUN, AudienceLevel(5), frozenset({R1}))
LEADERSHIP = Viewer("leadership", KOMMUN, AudienceLevel(10))


def _hierarchy(engine: Engine) -> tuple[CountCube, list[Record]]:
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        records = build_hierarchy(session, today=TODAY)
    with factory() as session:
        return build_cube(session, today=TODAY), records


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CountCube, list[Record]]]:
    """The hierarchy on SQLite, built once for the tests that only read it."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('agg') / 'agg.sqlite'}")
    initialise_database(engine)
    yield _hierarchy(engine)
    engine.dispose()


def selection(level: str, weeks: int = 10, **kwargs: Any) -> Selection:
    last = monday_of(TODAY)
    return Selection(KOMMUN, level, last - timedelta(weeks=weeks - 1), last, **kwargs)


def raw_cells(cube: CountCube, plan: GroupPlan) -> dict[tuple[str, ...], int]:
    """The plan's raw (unprotected) sums keyed by their labels, in GROUP_FIELDS order."""
    sums = grouped_cells(cube, plan).reshape((*plan.shape, -1))
    first_week = {int(p): i for i, p in reversed(list(enumerate(plan.period_of_week)))}
    out = {}
    for (a, p, c, s, g), value in np.ndenumerate(sums):
        labels = {
            "age_band": plan.age_bands[g] if "age_band" in plan.group_by else "",
            "area": cube.areas.codes[plan.units[a]],
            "category": cube.categories[plan.category_index[c]],
            "source": cube.sources[plan.source_index[s]],
            "week": plan.period_labels[p],
            "month": month_of_week(plan.mondays[first_week[p]]),
        }
        out[tuple(labels[f] for f in plan.group_by)] = int(value)
    return out


def brute_force(records: list[Record], sel: Selection, fields: tuple[str, ...]) -> Counter[Any]:
    """Where each record counts, from the hand-written table; no cube involved."""
    out: Counter[Any] = Counter()
    for r in records:
        unit = UNIT_AT[sel.level].get(r.area)
        monday = monday_of(r.day)
        if unit is None or not sel.first_monday <= monday <= sel.last_monday:
            continue
        age = r.age or "okand"
        if (
            (sel.categories and r.category not in sel.categories)
            or (sel.sources and r.source not in sel.sources)
            or (sel.age_bands and age not in sel.age_bands)
        ):
            continue
        labels = {
            "age_band": age,
            "area": unit,
            "category": r.category,
            "source": r.source,
            "week": iso_week_label(monday),
            "month": month_of_week(monday),
        }
        out[tuple(labels[f] for f in fields)] += r.count
    return out


CASES: list[tuple[Selection, tuple[str, ...], str | None]] = [
    (selection("kommun"), (), None),
    (selection("regso"), ("area", "category"), None),
    (selection("deso"), ("area", "week"), None),
    (selection("custom"), ("area", "source", "month"), None),
    (selection("deso"), ("area",), R1),
    (
        selection("regso", categories=("vald", "hot"), sources=("polis",)),
        ("week", "category"),
        None,
    ),
    (selection("kommun", weeks=14), GROUP_FIELDS, None),
    (selection("deso", weeks=3), ("source", "week"), R2),
    (selection("regso", age_bands=("13-15",)), ("area", "category"), None),
    (selection("deso", age_bands=("okand", "10-12")), ("area", "age_band"), None),
    (selection("custom", age_bands=("16-18",)), ("age_band", "week"), None),
]


def test_raw_cells_equal_a_brute_force_over_the_records(engine: Engine) -> None:
    cube, records = _hierarchy(engine)
    for sel, fields, within in CASES:
        plan = plan_aggregate(cube, sel, COORDINATOR, fields, within=within)
        got = raw_cells(cube, plan)
        wanted = brute_force(
            [r for r in records if within is None or UNIT_AT["regso"].get(r.area) == within],
            sel,
            plan.group_by,
        )
        assert {k: v for k, v in got.items() if v} == dict(wanted), (sel, fields, within)
        assert sum(got.values()) == sum(wanted.values()) > 0


def test_every_combination_is_a_cell_zeros_included(small: tuple[CountCube, list[Record]]) -> None:
    cube, _ = small
    plan = plan_aggregate(cube, selection("deso", weeks=14), COORDINATOR, ["area", "week"])
    table = aggregate(cube, selection("deso", weeks=14), COORDINATOR, ["area", "week"])
    # D1, D2 and R2 (D3 + D4 merged) over 14 weeks, four of them before the first record.
    assert plan.units == tuple(cube.areas.position(c) for c in (D1, D2, R2))
    assert len(table.frame) == 3 * 14
    assert list(table.frame.columns[:2]) == ["area", "week"]
    weeks = table.frame["week"].unique().tolist()
    assert weeks == [iso_week_label(m) for m in plan.mondays]
    early = table.frame[table.frame["week"] < iso_week_label(first_monday(TODAY))]
    assert len(early) == 3 * 4 and (early["count"] == 0).all()


def test_no_group_fields_give_one_total_cell(small: tuple[CountCube, list[Record]]) -> None:
    cube, records = small
    table = aggregate(cube, selection("kommun"), COORDINATOR, [])
    assert len(table.frame) == 1
    assert {"count", "suppressed"} <= set(table.frame.columns)
    assert not set(GROUP_FIELDS) & set(table.frame.columns)
    raw = raw_cells(cube, plan_aggregate(cube, selection("kommun"), COORDINATOR, []))
    assert raw == {(): sum(r.count for r in records if r.area in UNIT_AT["kommun"])}


def test_a_month_is_the_month_of_its_weeks_thursday() -> None:
    assert month_of_week(date(2025, 12, 29)) == "2026-01"  # Thursday 1 January 2026
    assert month_of_week(date(2026, 3, 30)) == "2026-04"  # Thursday 2 April
    assert month_of_week(date(2026, 3, 23)) == "2026-03"  # Thursday 26 March


def test_an_area_merged_away_at_the_level_is_refused(small: tuple[CountCube, list[Record]]) -> None:
    cube, _ = small
    with pytest.raises(AggregateDenied, match="kan inte visas") as caught:
        aggregate(cube, selection("deso"), COORDINATOR, ["area"], within=D4)
    assert caught.value.parameter == "area"


def test_an_own_area_collects_its_members(small: tuple[CountCube, list[Record]]) -> None:
    cube, _ = small
    table = aggregate(cube, selection("deso"), COORDINATOR, ["area"], within=EGEN)
    # EGEN is D1 + D3; D3 is shown merged into R2, which is not inside EGEN.
    assert table.frame["area"].tolist() == [D1]


def test_police_see_only_inside_their_assigned_area(small: tuple[CountCube, list[Record]]) -> None:
    cube, _ = small
    table = aggregate(cube, selection("regso"), POLICE, ["area"])
    assert table.frame["area"].tolist() == [R1]
    with pytest.raises(AggregateDenied) as outside:
        aggregate(cube, selection("regso"), POLICE, ["area"], within=R2)
    assert outside.value.parameter == "area"
    for level in ("kommun", "deso"):
        with pytest.raises(AggregateDenied) as coarse:
            aggregate(cube, selection(level), POLICE, [])
        assert coarse.value.parameter == "level"


def test_leadership_never_gets_deso_and_has_k_10(small: tuple[CountCube, list[Record]]) -> None:
    cube, _ = small
    with pytest.raises(AggregateDenied) as caught:
        aggregate(cube, selection("deso"), LEADERSHIP, ["area"])
    assert caught.value.parameter == "level"
    table = aggregate(cube, selection("regso"), LEADERSHIP, ["area", "week"])
    assert table.k == 10
    values = [v for v in table.published_values() if v is not None]
    assert values and all(v == 0 or v >= 10 for v in values)


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"group_by": ["area", "day"]}, "group_by"),
        ({"sel": selection("deso", categories=("inte_en_kategori",))}, "category"),
        ({"sel": selection("deso", sources=("brevduva",))}, "source"),
        ({"within": "9999A0001"}, "area"),
        ({"within": "9902A0001"}, "area"),
        ({"max_cells": 29}, "group_by"),
        ({"sel": Selection("9902", "deso", monday_of(TODAY), monday_of(TODAY))}, "area"),
    ],
)
def test_bad_requests_are_refused_naming_the_parameter(
    small: tuple[CountCube, list[Record]], kwargs: dict[str, Any], parameter: str
) -> None:
    cube, _ = small
    sel = kwargs.pop("sel", selection("deso"))
    group_by = kwargs.pop("group_by", ["area", "week"])
    with pytest.raises((AggregateRefused, AggregateDenied)) as caught:
        aggregate(cube, sel, COORDINATOR, group_by, **kwargs)
    assert getattr(caught.value, "parameter", None) == parameter


def test_the_cell_limit_counts_every_combination(small: tuple[CountCube, list[Record]]) -> None:
    cube, _ = small
    # 3 display units × 10 weeks = 30 cells: allowed at 30, refused at 29.
    assert (
        len(aggregate(cube, selection("deso"), COORDINATOR, ["area", "week"], max_cells=30).frame)
        == 30
    )


# --- the same numbers as the overview ---------------------------------------------------


def demo_cube(app: Flask) -> CountCube:
    with app_state(app).sessions() as session:
        return app_state(app).cubes.get(session, today=today(app))


DEMO_VIEWERS = [
    Viewer("coordinator", "0380", AudienceLevel(5)),
    Viewer(
        "police_area", "0380", AudienceLevel(5), frozenset(f"0380-D{i:02d}" for i in range(1, 7))
    ),
    Viewer("leadership", "0380", AudienceLevel(10)),
]


@pytest.mark.parametrize("viewer", DEMO_VIEWERS, ids=lambda v: v.role)
def test_area_cells_are_the_maps_numbers(app: Flask, viewer: Viewer) -> None:
    cube = demo_cube(app)
    last = monday_of(cube.last_monday)
    for weeks, categories in ((1, ()), (4, ("skadegorelse",)), (12, ()), (52, ("vald", "hot"))):
        sel = Selection("0380", "custom", last - timedelta(weeks=weeks - 1), last, categories)
        cells = aggregate(cube, sel, viewer, ["area"]).frame
        shown = map_values(cube, sel, viewer).frame
        assert cells["area"].tolist() == shown["code"].tolist()
        assert cells["count"].tolist() == shown["count"].tolist()
        assert cells["suppressed"].tolist() == shown["suppressed"].tolist()


def test_week_cells_at_kommun_level_are_the_trends_numbers(app: Flask) -> None:
    cube = demo_cube(app)
    viewer = DEMO_VIEWERS[0]
    last = monday_of(cube.last_monday)
    for weeks, sources in ((8, ()), (30, ("skola",)), (52, ("polis", "fritid"))):
        sel = Selection("0380", "kommun", last - timedelta(weeks=weeks - 1), last, sources=sources)
        cells = aggregate(cube, sel, viewer, ["week"]).frame
        trend = weekly_trend(cube, sel, viewer).frame
        assert cells["week"].tolist() == trend["week_label"].tolist()
        assert cells["count"].tolist() == trend["count"].tolist()
        assert cells["suppressed"].tolist() == trend["suppressed"].tolist()


def test_no_file_outside_data_calls_protect_for_the_api() -> None:
    """The API's counts come from data.counts.aggregates (its protect call is the choke point)."""
    root = Path(__file__).resolve().parents[2]
    api = (root / "dashboard" / "api.py").read_text(encoding="utf-8")
    aggregates = (root / "data" / "counts" / "aggregates.py").read_text(encoding="utf-8")
    assert "protect(" not in api and "cube.counts" not in api
    assert aggregates.count("protect(") == 1
