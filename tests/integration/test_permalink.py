"""Permalinks: URL → page → URL is the identity for every state in the viewer's scope,
and a state outside it is never shown (issue 16, item 4).

The page is rendered the way the browser gets it (Dash Pages' router callback with
the query string), the state is read back out of the rendered components and sent
to the page's own link callback, exactly as the renderer would: its answer must be
the URL that was opened. States outside the viewer's scope (another kommun, a level
or area they may not see, a week period for leadership, unknown codes, hostile
text) must not appear anywhere in the rendered page, and the page says so.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from dashboard.auth import viewer_for
from dashboard.permalink import (
    QUICK_CHOICES,
    OverviewState,
    PlanningState,
    decode_overview,
    encode,
    narrow_weeks,
    overview_query,
    planning_query,
)
from dashboard.state import app_state, current_cube
from data.access.scope import Selection, Viewer, areas_in_scope, available_levels
from data.counts.cube import history_start, monday_of
from data.storage.models import User
from data.vocabulary import AGE_BANDS
from tests.clock import TEST_TODAY
from tests.helpers import call_callback
from tests.hostile_names import FORMULA_NAMES, MARKUP_NAMES

NOTICE = "Länken gällde ett urval du inte har behörighet till; visar ditt eget urval."
USERS = ("samordnare", "ledning", "polis")
OWN = "0380"
OTHER_KOMMUNER = ("0191", "0180", "0381")
LINK_INPUTS = {
    "kommun": "ov-kommun.value",
    "level": "ov-level.value",
    "measure": "ov-measure.value",
    "quick": "ov-quick-period.value",
    "start": "ov-period.start_date",
    "end": "ov-period.end_date",
    "event": "ov-event-period.value",
    "categories": "ov-categories.value",
    "sources": "ov-sources.value",
    "focus": "ov-focus.data",
    "ages": "ov-ages.value",
}


def render(client: FlaskClient, app: Flask, path: str, query: str) -> tuple[int, Any]:
    """The page at ``path + query`` as Dash Pages' router answers the browser."""
    values = {"_pages_location.pathname": path, "_pages_location.search": query}
    response = call_callback(client, app, "_pages_content.children", values)
    return response.status_code, response.get_json(silent=True)


def props_by_id(tree: Any) -> dict[str, dict[str, Any]]:
    """Every component with an id in a rendered layout: id → props."""
    found: dict[str, dict[str, Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict):
                if isinstance(props.get("id"), str):
                    found[props["id"]] = props
                for value in props.values():
                    walk(value)
            else:
                for value in node.values():
                    walk(value)

    walk(tree)
    return found


def shown_values(tree: Any) -> dict[str, Any]:
    """The Översikt filter values a rendered page holds, as the browser would send them."""
    props = props_by_id(tree)
    out = {}
    for key in LINK_INPUTS.values():
        component, prop = key.rsplit(".", 1)
        out[key] = props[component].get(prop)
    return out


def link_of(client: FlaskClient, app: Flask, values: dict[str, Any]) -> str:
    """The page's own link callback, given the rendered filter values."""
    response = call_callback(client, app, "ov-link-query.data", values)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    return str(body["response"]["ov-link-query"]["data"])


class Scope:
    """What one demo user may choose on Översikt (read from the data layer)."""

    def __init__(self, app: Flask, username: str, client: FlaskClient) -> None:
        with app.test_request_context():
            session = app_state(app).sessions()
            user = session.scalars(select(User).where(User.username == username)).one()
            areas = frozenset(a.code for a in user.areas)
            self.viewer: Viewer = viewer_for(user.role, user.kommun_code, areas)
            session.close()
            cube = current_cube()
            self.levels = available_levels(cube, OWN, self.viewer)
            monday = monday_of(TEST_TODAY)
            self.areas: dict[str, list[str]] = {}
            self.foreign_areas: dict[str, list[str]] = {}
            for level in self.levels:
                mask = areas_in_scope(cube, Selection(OWN, level, monday, monday), self.viewer)
                codes = cube.areas.codes
                same = [i for i, lvl in enumerate(cube.areas.levels) if lvl == level]
                self.areas[level] = [codes[i] for i in same if mask[i]]
                self.foreign_areas[level] = [codes[i] for i in same if not mask[i]]
            self.finer = [
                lvl
                for lvl, _k in zip(cube.areas.levels, cube.areas.kommun_codes, strict=True)
                if lvl not in self.levels
            ]
        status, tree = render(client, app, "/", "")
        assert status == 200
        props = props_by_id(tree)
        self.categories = [o["value"] for o in props["ov-categories"]["options"]]
        self.sources = [o["value"] for o in props["ov-sources"]["options"]]
        options = call_callback(client, app, "ov-event-period.options", {"ov-kommun.value": OWN})
        self.events = [
            o["value"] for o in options.get_json()["response"]["ov-event-period"]["options"]
        ]


@pytest.fixture
def scopes(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> Iterator[dict[str, tuple[FlaskClient, Scope]]]:
    clients = {name: client_as(name) for name in USERS}
    yield {name: (c, Scope(app, name, c)) for name, c in clients.items()}


@st.composite
def valid_states(draw: st.DrawFn, scope: Scope) -> OverviewState:
    """An Översikt state the viewer may open: their kommun, a level and area they may
    see, whole weeks within the history (whole months for leadership), a quick pick or
    a finished event of the kommun, subsets of the categories, sources and age bands."""
    level = draw(st.sampled_from(scope.levels))
    focus = draw(st.sampled_from([None, *scope.areas[level]]))
    period = draw(st.sampled_from(["quick", "custom", "event"] if scope.events else ["quick"]))
    state = OverviewState(
        OWN,
        level,
        measure=draw(st.sampled_from(["count", "rate"])),
        categories=tuple(draw(st.lists(st.sampled_from(scope.categories), unique=True))),
        sources=tuple(draw(st.lists(st.sampled_from(scope.sources), unique=True))),
        focus=focus,
        ages=tuple(a for a in AGE_BANDS if draw(st.booleans())),
    )
    if period == "quick":
        return OverviewState(**{**_fields(state), "quick": draw(st.sampled_from(QUICK_CHOICES))})
    if period == "event":
        return OverviewState(
            **{**_fields(state), "quick": None, "event": draw(st.sampled_from(scope.events))}
        )
    earliest = monday_of(history_start(TEST_TODAY))
    weeks = (monday_of(TEST_TODAY) - earliest).days // 7
    first = earliest + timedelta(weeks=draw(st.integers(0, weeks)))
    last = first + timedelta(weeks=draw(st.integers(0, 60)), days=6)
    first, last = narrow_weeks(first, last, scope.viewer, TEST_TODAY)
    return OverviewState(**{**_fields(state), "quick": None, "first": first, "last": last})


def _fields(state: OverviewState) -> dict[str, Any]:
    return {name: getattr(state, name) for name in OverviewState.__slots__}


@pytest.mark.parametrize("username", USERS)
def test_overview_link_round_trip(
    app: Flask, scopes: dict[str, tuple[FlaskClient, Scope]], username: str
) -> None:
    """URL → page → URL is the identity for every state in the viewer's scope."""
    client, scope = scopes[username]

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(valid_states(scope))
    def round_trip(state: OverviewState) -> None:
        query = overview_query(state)
        status, tree = render(client, app, "/", query)
        assert status == 200
        assert NOTICE not in json.dumps(tree, ensure_ascii=False)
        assert link_of(client, app, shown_values(tree)) == "/" + query

    round_trip()


@st.composite
def foreign_queries(draw: st.DrawFn, scope: Scope) -> tuple[dict[str, str], list[str]]:
    """A link with at least one value outside the viewer's scope, and those values."""
    hostile = [*FORMULA_NAMES, *MARKUP_NAMES, "0380'; DROP TABLE x;--", "../../etc"]
    query: dict[str, str] = {"kommun": OWN, "niva": scope.levels[-1]}
    bad: list[str] = []
    kind = draw(st.sampled_from(["kommun", "level", "area", "category", "hostile"]))
    if kind == "kommun":
        query["kommun"] = draw(st.sampled_from(OTHER_KOMMUNER))
        bad.append(query["kommun"])
    elif kind == "level" and scope.finer:
        query["niva"] = draw(st.sampled_from(scope.finer))
        bad.append(query["niva"])
    elif kind == "area" and scope.foreign_areas[scope.levels[-1]]:
        query["omrade"] = draw(st.sampled_from(scope.foreign_areas[scope.levels[-1]]))
        bad.append(query["omrade"])
    elif kind == "category":
        query["kategorier"] = draw(st.sampled_from(["finns-inte", "x" * 64]))
        bad.append(query["kategorier"])
    else:
        key = draw(st.sampled_from(["kommun", "niva", "omrade", "kallor", "handelse", "visa"]))
        query[key] = draw(st.sampled_from(hostile))
        bad.append(query[key])
    return query, bad


@pytest.mark.parametrize("username", USERS)
def test_a_state_outside_scope_is_never_shown(
    app: Flask, scopes: dict[str, tuple[FlaskClient, Scope]], username: str
) -> None:
    """Another kommun, a level or area the viewer may not see, unknown codes and
    hostile text: none of it reaches the page; scope refusals are said in words."""
    client, scope = scopes[username]

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(foreign_queries(scope))
    def never_shown(case: tuple[dict[str, str], list[str]]) -> None:
        query, bad = case
        status, tree = render(client, app, "/", "?" + urlencode(query))
        assert status == 200
        text = json.dumps(tree, ensure_ascii=False)
        for value in bad:
            assert json.dumps(value, ensure_ascii=False) not in text
        values = shown_values(tree)
        assert values["ov-kommun.value"] == OWN
        assert values["ov-level.value"] in scope.levels
        focus = values["ov-focus.data"]
        assert focus is None or focus in scope.areas[values["ov-level.value"]]
        if query["kommun"] != OWN or query.get("omrade") or query["niva"] not in scope.levels:
            assert NOTICE in text

    never_shown()


def test_leadership_week_period_is_widened_to_months(
    app: Flask, scopes: dict[str, tuple[FlaskClient, Scope]]
) -> None:
    """A week-level period in a leadership link opens as the whole months it touches."""
    client, _scope = scopes["ledning"]
    query = encode(
        {"kommun": OWN, "period": "custom", "fran": "2026-06-08", "till": "2026-06-21"},
        ("kommun", "period", "fran", "till"),
    )
    status, tree = render(client, app, "/", query)
    assert status == 200
    values = shown_values(tree)
    # June 2026: the weeks whose Thursday is in June, Monday 1 June to Sunday 28 June
    # (Thursday 2 July puts the week of 29 June in July).
    assert (values["ov-period.start_date"], values["ov-period.end_date"]) == (
        "2026-06-01",
        "2026-06-28",
    )
    assert "hela månader" in json.dumps(tree, ensure_ascii=False)
    # The coordinator's grain is the week: the same link is shown as it is.
    client, _scope = scopes["samordnare"]
    values = shown_values(render(client, app, "/", query)[1])
    assert (values["ov-period.start_date"], values["ov-period.end_date"]) == (
        "2026-06-08",
        "2026-06-21",
    )


def test_decode_refuses_without_a_request(app: Flask) -> None:
    """The decoder alone: another kommun is replaced and reported, the page's kommun kept."""
    with app.test_request_context():
        from dashboard.permalink import ViewScope

        viewer = viewer_for("coordinator", OWN)
        scope = ViewScope(viewer, current_cube(), TEST_TODAY, ("skola",), ())
        decoded = decode_overview({"kommun": "0191", "kategorier": "skola,nej"}, scope, OWN)
    assert decoded.state.kommun == OWN
    assert decoded.state.categories == ("skola",)
    assert decoded.refused and decoded.unreadable


def test_tid_link_restores_year_and_event(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """Tid & händelser: the year, event and categories of a link are selected, and the
    event choice callback keeps the linked event instead of picking valborg."""
    client = client_as("samordnare")
    year = TEST_TODAY.year - 1
    options = call_callback(
        client, app, "ev-event.options", {"ev-year.value": year, "ev-kommun.value": OWN}
    ).get_json()["response"]["ev-event"]["options"]
    event = next(o["value"] for o in options if not o["value"].startswith("valborg"))
    query = "?" + urlencode({"kommun": OWN, "ar": str(year), "handelse": event})
    status, tree = render(client, app, "/tid", query)
    assert status == 200
    props = props_by_id(tree)
    assert props["ev-year"]["value"] == year
    assert props["ev-event"]["value"] == event
    answer = call_callback(
        client,
        app,
        "ev-event.options",
        {"ev-year.value": year, "ev-kommun.value": OWN, "ev-event.value": event},
    ).get_json()["response"]["ev-event"]["value"]
    assert answer == event
    link = call_callback(
        client,
        app,
        "ev-link-query.data",
        {
            "ev-kommun.value": OWN,
            "ev-level.value": props["ev-level"]["value"],
            "ev-year.value": year,
            "ev-event.value": event,
            "ev-categories.value": [],
        },
    ).get_json()["response"]["ev-link-query"]["data"]
    _status, again = render(client, app, "/tid", link.removeprefix("/tid"))
    assert props_by_id(again)["ev-event"]["value"] == event
    # An event of another year's that does not exist: dropped, said, not shown.
    status, tree = render(client, app, "/tid", "?handelse=valborg|1999-04-30T18:00%2B02:00")
    assert status == 200
    assert "1999-04-30" not in json.dumps(tree)


def test_planning_link_round_trip_and_refusal(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """Planering: the first night and weeks of a link come back; a period over a year
    away and another kommun are refused; other roles get no planning at all."""
    client = client_as("samordnare")
    first = TEST_TODAY + timedelta(days=10)
    with app.test_request_context():
        level = available_levels(current_cube(), OWN, viewer_for("coordinator", OWN))[-1]
    query = planning_query(PlanningState(OWN, level, first, 3))
    status, tree = render(client, app, "/planering", query)
    props = props_by_id(tree)
    assert props["pl-first"]["date"] == first.isoformat()
    assert props["pl-weeks"]["value"] == 3
    link = call_callback(
        client,
        app,
        "pl-link-query.data",
        {
            "pl-kommun.value": OWN,
            "pl-level.value": props["pl-level"]["value"],
            "pl-first.date": first.isoformat(),
            "pl-weeks.value": 3,
        },
    ).get_json()["response"]["pl-link-query"]["data"]
    assert link == "/planering" + query
    far = date(TEST_TODAY.year + 3, 1, 2).isoformat()
    status, tree = render(client, app, "/planering", f"?kommun=0191&forsta={far}&veckor=9")
    assert status == 200
    text = json.dumps(tree, ensure_ascii=False)
    assert far not in text and '"0191"' not in text
    assert NOTICE in text
    _status, tree = render(client_as("ledning"), app, "/planering", query)
    assert "pl-first" not in json.dumps(tree)
