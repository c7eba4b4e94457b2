"""The walk report form (Nattvandring) through the Dash callback endpoint, on both backends.

Each test runs against the session's SQLite demo app and against a demo app on
PostgreSQL (``TEST_DATABASE_URL``): a walk lands in the aggregates with source
nattvandring, errors and refusals store nothing, other roles get 403.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from dashboard import ids
from dashboard.state import app_state, today
from data.access.scope import Selection, Viewer
from data.counts.cube import monday_of
from data.counts.overview import map_values
from data.privacy.disclosure import NOISE_BOUND, AudienceLevel
from data.storage.models import Observation, WalkReport
from tests.clock import TEST_TODAY
from tests.conftest import DEMO_PASSWORD, postgres_demo_app, private_database, private_postgres
from tests.helpers import call_callback, login

OUTPUT = f"{ids.WALK_RESULT}.children"
ROW_AREAS = f"{ids.walk_seen(1, 'area')}.options"
COORDINATOR = Viewer(role="coordinator", kommun_code="0380", level=AudienceLevel(5))


@pytest.fixture(scope="module")
def postgres_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """A demo app on a PostgreSQL database of its own (each test runs on a copy)."""
    with postgres_demo_app(tmp_path_factory.mktemp("walk-pg"), days=60) as pg_app:
        yield pg_app


@pytest.fixture(params=["sqlite", "postgresql"])
def walk_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """The session's SQLite demo app (on the test's private copy), or the PostgreSQL
    demo app of this module on a private copy of its database."""
    if request.param == "sqlite":
        flask_app_: Flask = request.getfixturevalue("app")
        template = request.getfixturevalue("demo_template")
        with private_database(flask_app_, template, tmp_path / "walk"):
            yield flask_app_
        return
    flask_app: Flask = request.getfixturevalue("postgres_app")
    with private_postgres(flask_app):
        yield flask_app


def client_for(flask_app: Flask, username: str) -> FlaskClient:
    client = flask_app.test_client()
    assert login(client, username, DEMO_PASSWORD).status_code == 302
    return client


def walk_form(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        f"{ids.WALK_SUBMIT}.n_clicks": 1,
        f"{ids.WALK_DATE}.date": TEST_TODAY.isoformat(),
        f"{ids.WALK_AREAS}.value": ["0380-D05", "0380-D06"],
        f"{ids.WALK_START}.value": "20:00",
        f"{ids.WALK_END}.value": "00:30",
        f"{ids.WALK_WALKERS}.value": 4,
        f"{ids.WALK_RATING}.value": "uneasy",
        f"{ids.WALK_NOTE}.value": "Många ute vid centrum",
        f"{ids.walk_seen(1, 'category')}.value": "samling",
        f"{ids.walk_seen(1, 'area')}.value": "0380-D05",
        f"{ids.walk_seen(1, 'count')}.value": 4,
        f"{ids.walk_seen(2, 'category')}.value": "vald",
        f"{ids.walk_seen(2, 'area')}.value": "0380-D06",
        f"{ids.walk_seen(2, 'count')}.value": 2,
        f"{ids.WALK_NONCE}.data": uuid.uuid4().hex,
    }
    values.update(changes)
    return values


def submit(client: FlaskClient, flask_app: Flask, values: dict[str, Any]) -> tuple[int, str]:
    response = call_callback(client, flask_app, OUTPUT, values, [f"{ids.WALK_SUBMIT}.n_clicks"])
    return response.status_code, json.dumps(
        response.get_json(silent=True) or {}, ensure_ascii=False
    )


def stored(flask_app: Flask) -> tuple[int, int]:
    """(walk reports, observations) in the database."""
    with app_state(flask_app).sessions() as session:
        walks = session.scalar(select(func.count()).select_from(WalkReport)) or 0
        observations = session.scalar(select(func.count()).select_from(Observation)) or 0
    return int(walks), int(observations)


def nattvandring_this_week(flask_app: Flask) -> tuple[dict[str, int], int | None]:
    """Raw cube counts per area with source nattvandring this week, and the kommun's
    published (disclosure-controlled) number, as the overview computes them."""
    monday = monday_of(TEST_TODAY)
    state = app_state(flask_app)
    with state.sessions() as session:
        cube = state.cubes.get(session, today=today(flask_app))
    per_area = cube.per_area(first_monday=monday, last_monday=monday, sources=("nattvandring",))
    raw = {code: int(n) for code, n in zip(cube.areas.codes, per_area, strict=True)}
    selection = Selection("0380", "kommun", monday, monday, sources=("nattvandring",))
    table = map_values(cube, selection, COORDINATOR)
    published = table.published_values()[list(table.frame["code"]).index("0380")]
    return raw, published


def test_a_walk_is_stored_and_counts_in_the_aggregates_as_nattvandring(
    walk_app: Flask,
) -> None:
    before, _ = nattvandring_this_week(walk_app)
    walks_before, _ = stored(walk_app)
    note = f"Testvandring {secrets.token_hex(4)}"
    status, body = submit(
        client_for(walk_app, "rapportor"), walk_app, walk_form(**{f"{ids.WALK_NOTE}.value": note})
    )
    assert status == 200, body
    assert "Tack! Nattvandringen är rapporterad" in body
    assert "6 händelser" in body
    after, published = nattvandring_this_week(walk_app)
    assert after["0380-D05"] == before["0380-D05"] + 4
    assert after["0380-D06"] == before["0380-D06"] + 2
    kommun_total = sum(n for code, n in after.items() if code.startswith("0380"))
    # 6 or more: shown, not suppressed; within the cell key method's noise bound.
    assert published is not None and abs(published - kommun_total) <= NOISE_BOUND
    assert stored(walk_app)[0] == walks_before + 1
    with app_state(walk_app).sessions() as session:
        walk = session.scalar(select(WalkReport).where(WalkReport.note == note))
        assert walk is not None
        assert (walk.start_time, walk.end_time, walk.walkers, walk.rating) == (
            "20:00",
            "00:30",
            4,
            "uneasy",
        )
        assert sorted(a.code for a in walk.areas) == ["0380-D05", "0380-D06"]
        seen = session.scalars(select(Observation).where(Observation.walk_id == walk.id)).all()
        assert sorted((o.area.code, o.category_code, o.count) for o in seen) == [
            ("0380-D05", "samling", 4),
            ("0380-D06", "vald", 2),
        ]
        # Reported by a school reporter, but what a walk sees is a nattvandring observation.
        assert {(o.source_code, o.time_band, o.location_precision) for o in seen} == {
            ("nattvandring", "evening", "area")
        }
        assert all(o.note is None and o.created_by_id == walk.created_by_id for o in seen)


def test_a_walk_with_nothing_seen_still_records_where_it_walked(walk_app: Flask) -> None:
    walks_before, observations_before = stored(walk_app)
    empty_rows = {
        f"{ids.walk_seen(row, part)}.value": None
        for row in range(1, ids.WALK_SEEN_ROWS + 1)
        for part in ("category", "area", "count")
    }
    values = walk_form(
        **empty_rows,
        **{
            f"{ids.WALK_AREAS}.value": ["0380-D07"],
            f"{ids.WALK_START}.value": "22:30",
            f"{ids.WALK_END}.value": "03:30",
            f"{ids.WALK_RATING}.value": "calm",
            f"{ids.WALK_NOTE}.value": None,
        },
    )
    status, body = submit(client_for(walk_app, "samordnare"), walk_app, values)
    assert status == 200 and "inget särskilt sett" in body
    assert stored(walk_app) == (walks_before + 1, observations_before)
    with app_state(walk_app).sessions() as session:
        walk = session.scalars(select(WalkReport).order_by(WalkReport.id.desc())).first()
        assert walk is not None
        assert [a.code for a in walk.areas] == ["0380-D07"]
        assert walk.rating == "calm" and walk.note is None


TOMORROW = (TEST_TODAY + timedelta(days=1)).isoformat()
BAD_INPUT = [
    ({f"{ids.WALK_NOTE}.value": "Ring 070-123 45 67"}, "anteckning", "telefonnummer"),
    ({f"{ids.WALK_NOTE}.value": "Pelle 811218-9876 var där"}, "anteckning", "personnummer"),
    ({f"{ids.WALK_DATE}.date": TOMORROW}, "datum", "framtiden"),
    ({f"{ids.WALK_WALKERS}.value": 0}, "vandrare", "1–100"),
    ({f"{ids.WALK_WALKERS}.value": None}, "vandrare", "saknas"),
    ({f"{ids.WALK_START}.value": "8 pm"}, "start", "TT:MM"),
    ({f"{ids.WALK_END}.value": "20:00"}, "slut", "skilja sig"),
    ({f"{ids.WALK_RATING}.value": None}, "stamning", "Lugnt eller Oroligt"),
    ({f"{ids.WALK_AREAS}.value": []}, "omraden", "minst ett område"),
    ({f"{ids.walk_seen(2, 'area')}.value": "0380-D09"}, "sett-2", "inte bland de områden"),
    ({f"{ids.walk_seen(1, 'count')}.value": -2}, "sett-1", "heltal"),
    ({f"{ids.walk_seen(1, 'category')}.value": "finns-inte"}, "sett-1", "okänd kategori"),
    # Refused when storing: an area of another kommun.
    (
        {f"{ids.WALK_AREAS}.value": ["0380-D05", "0380-D06", "0191-D01"]},
        "omraden",
        "finns inte i din kommun",
    ),
    # Forged values of the wrong type are field errors, never a 500.
    ({f"{ids.WALK_AREAS}.value": {"0380-D05": 1}}, "omraden", "okänt område"),
    ({f"{ids.WALK_AREAS}.value": [["0380-D05"]]}, "omraden", "okänt område"),
    ({f"{ids.WALK_WALKERS}.value": [4]}, "vandrare", "1–100"),
    ({f"{ids.WALK_WALKERS}.value": True}, "vandrare", "1–100"),
    ({f"{ids.WALK_NOTE}.value": {"text": "hej"}}, "anteckning", "otillåtna tecken"),
    ({f"{ids.WALK_DATE}.date": 20260501}, "datum", "ÅÅÅÅ-MM-DD"),
    ({f"{ids.walk_seen(1, 'count')}.value": 1.5}, "sett-1", "heltal"),
    ({f"{ids.walk_seen(1, 'category')}.value": ["samling"]}, "sett-1", "okänd kategori"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_INPUT)
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_stored(
    walk_app: Flask, change: dict[str, Any], field: str, message: str
) -> None:
    before = stored(walk_app)
    status, body = submit(client_for(walk_app, "samordnare"), walk_app, walk_form(**change))
    assert status == 200, body
    payload = json.loads(body)["response"]
    assert message in str(payload[ids.walk_error(field)]["children"])
    assert "Nattvandringen sparades inte" in body
    assert "070-123" not in body and "811218" not in body
    assert stored(walk_app) == before


def test_police_can_report_walks_only_in_assigned_areas(walk_app: Flask) -> None:
    client = client_for(walk_app, "polis")
    before = stored(walk_app)
    outside = walk_form(
        **{
            f"{ids.WALK_AREAS}.value": ["0380-D02", "0380-D20"],
            f"{ids.walk_seen(1, 'area')}.value": "0380-D02",
            f"{ids.walk_seen(2, 'area')}.value": "0380-D20",
        }
    )
    _, body = submit(client, walk_app, outside)
    assert "tilldelade" in body and "sparades inte" in body
    assert stored(walk_app) == before
    inside = walk_form(
        **{
            f"{ids.WALK_AREAS}.value": ["0380-D02"],
            f"{ids.walk_seen(1, 'area')}.value": None,  # the only walked area
            f"{ids.walk_seen(2, 'area')}.value": None,
        }
    )
    _, body = submit(client, walk_app, inside)
    assert "Nattvandringen är rapporterad" in body
    assert stored(walk_app) == (before[0] + 1, before[1] + 2)


@pytest.mark.parametrize("username", ["ledning", "admin"])
def test_roles_that_do_not_walk_are_refused_by_every_callback(
    walk_app: Flask, username: str
) -> None:
    client = client_for(walk_app, username)
    before = stored(walk_app)
    status, _ = submit(client, walk_app, walk_form())
    assert status == 403
    offered = call_callback(client, walk_app, ROW_AREAS, {f"{ids.WALK_AREAS}.value": ["0380-D05"]})
    assert offered.status_code == 403
    assert stored(walk_app) == before


def page(client: FlaskClient, flask_app: Flask, path: str) -> str:
    values = {"_pages_location.pathname": path, "_pages_location.search": ""}
    response = call_callback(client, flask_app, "_pages_content.children", values)
    assert response.status_code == 200
    return json.dumps(response.get_json(), ensure_ascii=False)


def shell(client: FlaskClient) -> str:
    """The app shell (header and nav) as JSON text."""
    return json.dumps(client.get("/_dash-layout").get_json(), ensure_ascii=False)


@pytest.mark.parametrize("username", ["rapportor", "polis", "samordnare"])
def test_walking_roles_get_the_form_and_the_nav_link(walk_app: Flask, username: str) -> None:
    client = client_for(walk_app, username)
    body = page(client, walk_app, "/nattvandring")
    for component in (ids.WALK_AREAS, ids.WALK_RATING, ids.walk_seen(5, "count"), "Vad såg ni?"):
        assert component in body
    assert "/nattvandring" in shell(client)


def test_police_are_offered_only_their_assigned_areas(walk_app: Flask) -> None:
    body = page(client_for(walk_app, "polis"), walk_app, "/nattvandring")
    assert "0380-D02" in body and "0380-D20" not in body


@pytest.mark.parametrize("username", ["ledning", "admin"])
def test_other_roles_get_a_refusal_page_and_no_nav_link(walk_app: Flask, username: str) -> None:
    client = client_for(walk_app, username)
    body = page(client, walk_app, "/nattvandring")
    assert "Ingen behörighet" in body
    assert ids.WALK_AREAS not in body
    assert "/nattvandring" not in shell(client)


def test_rows_offer_only_the_walked_areas(walk_app: Flask) -> None:
    client = client_for(walk_app, "rapportor")
    options = [
        {"label": "Demoområde 5 (0380-D05)", "value": "0380-D05"},
        {"label": "Demoområde 6 (0380-D06)", "value": "0380-D06"},
    ]
    response = call_callback(
        client,
        walk_app,
        ROW_AREAS,
        {f"{ids.WALK_AREAS}.value": ["0380-D06"], f"{ids.WALK_AREAS}.options": options},
    )
    assert response.status_code == 200
    offered = response.get_json()["response"]
    assert offered[ids.walk_seen(1, "area")]["options"] == [options[1]]
    assert offered[ids.walk_seen(5, "area")]["options"] == [options[1]]


@pytest.mark.parametrize(
    ("chosen", "options"),
    [
        ("0380-D05", "x"),
        ({"a": 1}, [{"label": 1, "value": "0380-D05"}]),
        (["0380-D05"], [["0380-D05"], None, {"value": "0380-D05"}]),
    ],
)
def test_forged_area_choices_offer_nothing_and_never_fail(
    walk_app: Flask, chosen: Any, options: Any
) -> None:
    response = call_callback(
        client_for(walk_app, "rapportor"),
        walk_app,
        ROW_AREAS,
        {f"{ids.WALK_AREAS}.value": chosen, f"{ids.WALK_AREAS}.options": options},
    )
    assert response.status_code == 200
    assert response.get_json()["response"][ids.walk_seen(1, "area")]["options"] == []
