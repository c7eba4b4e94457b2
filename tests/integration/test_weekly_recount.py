"""Acceptance (issue 17): the completeness and change figures of Veckans lägesbild
equal a brute-force recount on the demo, on SQLite and on PostgreSQL.

The recount reads the observation rows with plain SQL and counts in Python — no
project count function. Completeness is compared number for number (it is the
team's own reporting metadata, shown exact to coordinators). The change figures are
published values: the recount checks each is what disclosure control may make of the
true count (suppressed only for 1..k−1 or as "skyddad", else within the noise bound
and never below k), that it is the very value Översikt's functions publish for the
same selection, and that every change phrase follows from the published values alone.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from dashboard import ids
from dashboard.auth import viewer_for
from dashboard.state import app_state
from data.access.scope import Selection, Viewer
from data.briefing.compare import Published, compare
from data.briefing.model import BriefingPeriod, Comparison
from data.briefing.period import previous_period, week_period
from data.counts.aggregates import aggregate
from data.counts.overview import map_values
from data.privacy.disclosure import NOISE_BOUND, SECONDARY_MARKER
from data.storage.db import unit_of_work
from data.weekly.changes import WeekChanges
from data.weekly.completeness import HISTORY_WEEKS, reporting_completeness
from data.weekly.page import week_page
from tests.clock import TEST_TODAY
from tests.conftest import DEMO_PASSWORD, postgres_demo_app, private_database, private_postgres
from tests.helpers import call_callback, login

KOMMUN = "0380"
LAST_WEEK = previous_period(week_period(TEST_TODAY))


@pytest.fixture(scope="module")
def postgres_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """A demo app on PostgreSQL (400 days: the same week last year is in it)."""
    with postgres_demo_app(tmp_path_factory.mktemp("weekly-pg"), days=400) as pg_app:
        yield pg_app


@pytest.fixture(params=["sqlite", "postgresql"])
def weekly_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    if request.param == "sqlite":
        flask_app_: Flask = request.getfixturevalue("app")
        template = request.getfixturevalue("demo_template")
        with private_database(flask_app_, template, tmp_path / "weekly"):
            yield flask_app_
        return
    flask_app: Flask = request.getfixturevalue("postgres_app")
    with private_postgres(flask_app):
        yield flask_app


def _client(flask_app: Flask, username: str) -> FlaskClient:
    client = flask_app.test_client()
    assert login(client, username, DEMO_PASSWORD).status_code == 302
    return client


def _rows(flask_app: Flask, sql: str, **params: Any) -> list[Any]:
    with app_state(flask_app).engine.connect() as conn:
        return list(conn.execute(text(sql), params))


def _median(values: list[int]) -> float:
    ordered, n = sorted(values), len(values)
    middle = n // 2
    return float(ordered[middle]) if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _table_rows(tree: Any) -> list[list[str]]:
    """Every body row of every table in a serialised component tree, as texts."""
    found: list[list[str]] = []

    def texts(node: Any) -> str:
        if isinstance(node, str | int | float):
            return str(node)
        if isinstance(node, list):
            return "".join(texts(n) for n in node)
        if isinstance(node, dict):
            return texts(node.get("props", {}).get("children", ""))
        return ""

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict) and "type" not in node:
            walk(list(node.values()))
        elif isinstance(node, dict):
            if node["type"] == "Tbody":
                found.extend(
                    [texts(cell) for cell in row["props"]["children"]]
                    for row in node["props"]["children"]
                )
                return
            walk(node.get("props", {}).get("children"))

    walk(tree)
    return found


@pytest.mark.parametrize("weeks_back", [0, 1, 6])
def test_completeness_equals_a_brute_force_recount(weekly_app: Flask, weeks_back: int) -> None:
    monday = week_period(TEST_TODAY - timedelta(weeks=weeks_back)).first_monday
    first = monday - timedelta(weeks=HISTORY_WEEKS)
    records = _rows(
        weekly_app,
        "SELECT o.source_code, o.occurred_on FROM observation o JOIN area a ON a.id = o.area_id "
        "WHERE a.kommun_code = :kommun AND o.occurred_on >= :first AND o.occurred_on <= :last",
        kommun=KOMMUN,
        first=first,
        last=monday + timedelta(days=6),
    )
    per_week: dict[str, list[int]] = defaultdict(lambda: [0] * (HISTORY_WEEKS + 1))
    for source, day in records:
        day = day if isinstance(day, date) else date.fromisoformat(str(day))
        per_week[source][(day - timedelta(days=day.weekday()) - first).days // 7] += 1
    with weekly_app.test_request_context():
        viewer = viewer_for("coordinator", KOMMUN)
    with app_state(weekly_app).sessions() as session:
        shown = reporting_completeness(session, viewer, KOMMUN, monday, today=TEST_TODAY)
    assert len(shown.rows) >= 8  # every source of the vocabulary, silent ones too
    reported = 0
    for row in shown.rows:
        series = per_week[row.source]
        history = series[:-1]
        assert row.this_week == series[-1], row.source
        assert row.weeks_with_reports == sum(1 for n in history if n), row.source
        assert row.usual_median == _median(history), row.source
        reported += row.this_week
    assert reported == len([r for r in records if _monday(r[1]) == monday])
    assert reported > 0


def _monday(day: Any) -> date:
    day = day if isinstance(day, date) else date.fromisoformat(str(day))
    return day - timedelta(days=day.weekday())


def test_the_completeness_table_shows_the_recounted_figures(weekly_app: Flask) -> None:
    monday = week_period(TEST_TODAY).first_monday
    this_week = {
        str(source): int(n)
        for source, n in _rows(
            weekly_app,
            "SELECT o.source_code, COUNT(*) FROM observation o JOIN area a ON a.id = o.area_id "
            "WHERE a.kommun_code = :kommun AND o.occurred_on BETWEEN :first AND :last "
            "GROUP BY o.source_code",
            kommun=KOMMUN,
            first=monday,
            last=monday + timedelta(days=6),
        )
    }
    labels = dict(_rows(weekly_app, "SELECT label, code FROM source"))
    response = call_callback(
        _client(weekly_app, "samordnare"),
        weekly_app,
        f"{ids.VL_COMPLETENESS}.children",
        {f"{ids.VL_WEEK}.value": week_period(TEST_TODAY).code},
    )
    assert response.status_code == 200
    rows = _table_rows(response.get_json()["response"])
    assert len(rows) == len(labels)
    for name, count, _usual, _status in rows:
        code = labels[name.removesuffix(" (import)")]
        assert int(count.replace("\xa0", "")) == this_week.get(code, 0), name


def _truth_by(
    flask_app: Flask, column: str, period: BriefingPeriod, areas: set[str] | None
) -> dict[str, int]:
    """True counts of the week per ``column`` (area code or category), plain SQL."""
    rows = _rows(
        flask_app,
        f"SELECT {column}, SUM(o.count) FROM observation o JOIN area a ON a.id = o.area_id "
        "WHERE a.kommun_code = :kommun AND o.occurred_on BETWEEN :first AND :last "
        f"GROUP BY {column}",
        kommun=KOMMUN,
        first=period.first_monday,
        last=period.first_monday + timedelta(days=6),
    )
    if areas is None:
        return {str(key): int(n) for key, n in rows}
    # Area rows: only the viewer's areas (the demo's areas are flat under the kommun).
    return {str(key): int(n) for key, n in rows if str(key) in areas}


def _consistent(published: str, number: int | None, truth: int, k: int) -> bool:
    """Could disclosure control have published ``published`` for ``truth``?"""
    if number is None:
        hidden = published == f"<{k}" and 1 <= truth < k
        return hidden or (published == SECONDARY_MARKER and truth >= k)
    if number == 0:
        return truth == 0
    return number >= k and abs(number - truth) <= NOISE_BOUND


def _check_side(found: list[tuple[str, str, int | None, int]], k: int) -> int:
    wrong = [f for f in found if not _consistent(f[1], f[2], f[3], k)]
    assert not wrong, wrong[:5]
    return len(found)


@pytest.mark.parametrize("username", ["samordnare", "polis"])
def test_change_figures_equal_a_brute_force_recount(weekly_app: Flask, username: str) -> None:
    role = "coordinator" if username == "samordnare" else "police_area"
    police_areas = frozenset(f"0380-D{r:02d}" for r in range(1, 7))
    with weekly_app.test_request_context():
        viewer = viewer_for(role, KOMMUN, police_areas if role == "police_area" else frozenset())
    with app_state(weekly_app).sessions() as session:
        cube = app_state(weekly_app).cubes.get(session, today=TEST_TODAY)
        page = week_page(
            session, cube, viewer, KOMMUN, week_period(TEST_TODAY).code, today=TEST_TODAY
        )
    changes = page.changes
    assert changes.week == LAST_WEEK  # the running week is not compared
    k = viewer.level.k
    areas = None if role == "coordinator" else set(police_areas)
    checked = 0
    sides = (("value", "number", changes.week), ("previous", "previous_number", changes.previous))
    for text_field, number_field, period in (
        *sides,
        ("last_year", "last_year_number", changes.year_before),
    ):
        by_area = _truth_by(weekly_app, "a.code", period, areas)
        found = [
            (
                c.label,
                getattr(c, text_field),
                getattr(c, number_field),
                by_area.get(_code(weekly_app, c.label), 0),
            )
            for c in changes.areas
            if getattr(c, text_field) != "–"
        ]
        checked += _check_side(found, k)
        if role == "coordinator":
            by_category = _truth_by(weekly_app, "o.category_code", period, None)
            labels = dict(_rows(weekly_app, "SELECT label, code FROM category"))
            found = [
                (
                    c.label,
                    getattr(c, text_field),
                    getattr(c, number_field),
                    by_category.get(labels[c.label], 0),
                )
                for c in changes.categories
                if getattr(c, text_field) != "–"
            ]
            found.append(
                (
                    "total",
                    getattr(changes.total, text_field),
                    getattr(changes.total, number_field),
                    sum(by_category.values()),
                )
            )
            checked += _check_side(found, k)
    assert checked >= (40 if role == "coordinator" else 18)
    _same_as_overview(weekly_app, cube, viewer, changes)
    _phrases_follow_from_published_values(changes)
    _page_shows_them(weekly_app, username, changes)


def _code(flask_app: Flask, name: str) -> str:
    rows = _rows(
        flask_app, "SELECT code FROM area WHERE name = :n AND kommun_code = :k", n=name, k=KOMMUN
    )
    return str(rows[0][0])


def _same_as_overview(flask_app: Flask, cube: Any, viewer: Viewer, changes: WeekChanges) -> None:
    """The page's published values are those Översikt's functions publish."""
    for period, field in ((changes.week, "value"), (changes.previous, "previous")):
        where = Selection(KOMMUN, changes.area_level, period.first_monday, period.last_monday)
        table = map_values(cube, where, viewer)
        shown = dict(zip(table.frame["name"], table.display(), strict=True))
        assert {c.label: getattr(c, field) for c in changes.areas} == shown
        base = Selection(KOMMUN, changes.total_level, period.first_monday, period.last_monday)
        assert getattr(changes.total, field) == aggregate(cube, base, viewer, []).display()[0]


def _phrases_follow_from_published_values(changes: WeekChanges) -> None:
    def again(c: Comparison) -> Comparison:
        def side(text: str, number: int | None) -> Published:
            return Published(text, number, known=text != "–")

        return compare(
            c.label,
            side(c.value, c.number),
            side(c.previous, c.previous_number),
            side(c.last_year, c.last_year_number),
            kind="week",
        )

    for c in (changes.total, *changes.categories, *changes.areas):
        assert again(c).text == c.text


def _page_shows_them(flask_app: Flask, username: str, changes: WeekChanges) -> None:
    response = call_callback(
        _client(flask_app, username),
        flask_app,
        f"{ids.VL_CONTENT}.children",
        {f"{ids.VL_WEEK}.value": week_period(TEST_TODAY).code},
    )
    assert response.status_code == 200
    body = json.dumps(response.get_json(), ensure_ascii=False)
    rows = _table_rows(response.get_json()["response"])
    for c in changes.areas:
        assert [c.label, *(_shown(v) for v in (c.value, c.previous, c.last_year)), c.text] in rows
    assert changes.total.text in body


def _shown(value: str) -> str:
    return value if not value.isdigit() else f"{int(value):,}".replace(",", "\xa0")


def test_actions_are_stored_carried_and_closed_on_both_backends(weekly_app: Flask) -> None:
    """The actions' queries (week codes, closing moments, areas) on SQLite and PostgreSQL."""
    from data.access.audit import Actor
    from data.weekly.actions import action_summary, actions_for_week, add_action, update_action

    actor = Actor(None, "test", "127.0.0.1")
    with weekly_app.test_request_context():
        coordinator = viewer_for("coordinator", KOMMUN)
        police = viewer_for("police_area", KOMMUN, frozenset({"0380-D01"}))
    earlier = week_period(TEST_TODAY - timedelta(weeks=2))
    with unit_of_work(app_state(weekly_app).sessions) as session:
        first = add_action(
            session,
            coordinator,
            actor,
            kommun=KOMMUN,
            what="Utan datum",
            owner="polis",
            area_codes=["0380-D01", "0380-D09"],
            due_on=None,
            week=earlier.code,
            today=TEST_TODAY,
        )
        add_action(
            session,
            coordinator,
            actor,
            kommun=KOMMUN,
            what="Med datum",
            owner="skola",
            area_codes=["0380-D09"],
            due_on=TEST_TODAY,
            week=earlier.code,
            today=TEST_TODAY,
        )
    with unit_of_work(app_state(weekly_app).sessions) as session:
        update_action(session, police, actor, first, status="klar", follow_up="Klart")
    this_week = week_period(TEST_TODAY).code
    with app_state(weekly_app).sessions() as session:
        listed = actions_for_week(session, coordinator, KOMMUN, this_week)
        assert [(r.what, r.status) for r in listed] == [
            ("Med datum", "oppen"),
            ("Utan datum", "klar"),
        ]
        assert listed[1].closed_on == TEST_TODAY and listed[1].area_codes == (
            "0380-D01",
            "0380-D09",
        )
        assert [r.what for r in actions_for_week(session, police, KOMMUN, this_week)] == [
            "Utan datum"
        ]
        summary = action_summary(
            session, KOMMUN, earlier.first_monday, earlier.first_monday, titles=False
        )
        # closed this week: in the briefing of the week it was decided it was still open
        assert [(a.status, a.owner, a.count) for a in summary] == [
            ("oppen", "polis", 1),
            ("oppen", "skola", 1),
        ]
        now_summary = action_summary(
            session, KOMMUN, earlier.first_monday, week_period(TEST_TODAY).first_monday,
            titles=False,
        )  # fmt: skip
        assert [(a.status, a.owner, a.count) for a in now_summary] == [
            ("oppen", "skola", 1),
            ("klar", "polis", 1),
        ]
        audited = _rows(
            weekly_app, "SELECT action FROM audit_event WHERE action LIKE 'action.%' ORDER BY id"
        )
        assert [a for (a,) in audited] == ["action.created", "action.created", "action.changed"]
