"""GET /api/v1/aggregates on the demo: authentication, scope, cells and refusals."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import timedelta
from math import prod
from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from dashboard import create_app
from dashboard.state import app_state
from data.access.tokens import create_token, hash_token, revoke_token
from data.counts.aggregates import GROUP_FIELDS, MAX_CELLS
from data.counts.cube import AGE_AXIS
from data.storage.db import unit_of_work
from data.storage.models import ApiToken, User
from data.vocabulary import CATEGORIES, SOURCES, codes
from tests.clock import TEST_TODAY

URL = "/api/v1/aggregates"
TokenFor = Callable[[str], str]


@pytest.fixture
def token_for(app: Flask) -> Iterator[TokenFor]:
    """Make bearer tokens for demo accounts; they are deleted after the test."""
    made: list[int] = []

    def _make(username: str) -> str:
        with unit_of_work(app_state(app).sessions) as session:
            token, secret = create_token(session, username, label="test")
            made.append(token.id)
        return secret

    yield _make
    with unit_of_work(app_state(app).sessions) as session:
        session.execute(delete(ApiToken).where(ApiToken.id.in_(made)))


def stored(app: Flask, token: str) -> ApiToken:
    """The database row of a token."""
    with app_state(app).sessions() as session:
        row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    assert row is not None
    return row


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def ask(client: FlaskClient, token: str | None = None, **params: str) -> Any:
    headers = bearer(token) if token else {}
    return client.get(URL, query_string=params, headers=headers)


def weeks_back(n: int) -> dict[str, str]:
    today = TEST_TODAY
    return {"from": (today - timedelta(weeks=n - 1)).isoformat(), "to": today.isoformat()}


# --- authentication ---------------------------------------------------------------------


def test_no_session_and_no_token_gets_401_json(client: FlaskClient) -> None:
    response = ask(client, group_by="area")
    assert response.status_code == 401
    assert response.is_json and response.get_json()["error"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert b"count" not in response.data


@pytest.mark.parametrize(
    "header",
    [
        "Bearer ssp_" + "A" * 43,  # well-formed, unknown
        "Bearer ",
        "Bearer ssp_<script>",
        "Bearer " + "x" * 5000,
        "Basic c2Ftb3JkbmFyZTpodW5kMTIz",
        "bearer",
    ],
)
def test_a_missing_or_unknown_token_gets_401(client: FlaskClient, header: str) -> None:
    response = client.get(URL, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.is_json


def test_a_bearer_token_works_without_a_cookie_and_sets_none(
    app: Flask, token_for: TokenFor
) -> None:
    token = token_for("samordnare")
    client = app.test_client(use_cookies=False)
    response = ask(client, token, group_by="area")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.get_json()["cells"]


def test_a_token_sets_no_cookie_even_on_a_processs_first_request(
    app: Flask, token_for: TokenFor
) -> None:
    # A fresh app on the same database: Dash renders the page shell (which makes a
    # form token in the session) on the first request a process serves.
    fresh = create_app(
        {
            "SSP_INSTANCE_PATH": app.config["SSP_INSTANCE_PATH"],
            # The test's own copy of the demo database (see conftest.private_database).
            "DATABASE_URL": app_state(app).engine.url.render_as_string(hide_password=False),
            "SECRET_KEY": app.config["SECRET_KEY"],
            "TESTING": True,
        }
    )
    token = token_for("samordnare")
    response = ask(fresh.test_client(), token)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_a_login_session_works_too(client_as: Callable[[str], FlaskClient]) -> None:
    response = ask(client_as("samordnare"), group_by="week", **weeks_back(4))
    assert response.status_code == 200
    assert [set(c) for c in response.get_json()["cells"]] == [{"week", "count", "suppressed"}] * 4


def test_a_revoked_token_gets_401(app: Flask, client: FlaskClient, token_for: TokenFor) -> None:
    token = token_for("samordnare")
    assert ask(client, token).status_code == 200
    with unit_of_work(app_state(app).sessions) as session:
        revoke_token(session, stored(app, token).id)
    assert ask(client, token).status_code == 401


def test_the_token_of_a_deactivated_user_gets_401(
    app: Flask, client: FlaskClient, token_for: TokenFor
) -> None:
    token = token_for("rapportor")
    assert ask(client, token).status_code == 200
    state = app_state(app)
    with state.sessions.begin() as session:
        session.scalars(select(User).filter_by(username="rapportor")).one().active = False
    try:
        assert ask(client, token).status_code == 401
    finally:
        with state.sessions.begin() as session:
            session.scalars(select(User).filter_by(username="rapportor")).one().active = True
    assert ask(client, token).status_code == 200


@pytest.mark.parametrize("path", ["/_dash-layout", "/geo/0380/custom.geojson", "/"])
def test_a_token_opens_nothing_but_the_api(
    client: FlaskClient, token_for: TokenFor, path: str
) -> None:
    response = client.get(path, headers=bearer(token_for("samordnare")))
    assert response.status_code in (302, 401)
    assert b"coordinates" not in response.data and b"ov-map" not in response.data


def test_using_a_token_records_when_it_was_last_used(
    app: Flask, client: FlaskClient, token_for: TokenFor
) -> None:
    token = token_for("samordnare")
    assert stored(app, token).last_used_at is None
    ask(client, token)
    assert stored(app, token).last_used_at is not None


# --- scope --------------------------------------------------------------------------------


def test_another_kommun_is_403(client: FlaskClient, token_for: TokenFor) -> None:
    response = ask(client, token_for("samordnare"), area="0191", group_by="area")
    assert response.status_code == 403
    assert response.get_json()["parameter"] == "area"
    assert "cells" not in response.get_json()


def test_police_see_only_their_assigned_areas(client: FlaskClient, token_for: TokenFor) -> None:
    token = token_for("polis")
    response = ask(client, token, level="custom", group_by="area", **weeks_back(12))
    assert response.status_code == 200
    shown = {c["area"] for c in response.get_json()["cells"]}
    assert shown == {f"0380-D{i:02d}" for i in range(1, 7)}
    assert ask(client, token, level="kommun").status_code == 403
    assert ask(client, token, area="0380-D10", level="custom").status_code == 403
    assert ask(client, token, area="0380-D03", level="custom").status_code == 200


def test_leadership_gets_k_10(client: FlaskClient, token_for: TokenFor) -> None:
    body = ask(
        client, token_for("ledning"), level="custom", group_by="area,month", **weeks_back(8)
    ).get_json()
    assert body["k"] == 10
    published = [c["count"] for c in body["cells"] if not c["suppressed"]]
    assert published and all(v == 0 or v >= 10 for v in published)
    assert any(c["suppressed"] for c in body["cells"])


def test_an_administrator_must_name_the_kommun(client: FlaskClient, token_for: TokenFor) -> None:
    token = token_for("admin")
    missing = ask(client, token)
    assert missing.status_code == 400
    assert missing.get_json()["parameter"] == "area"
    assert ask(client, token, area="0191").status_code == 200


# --- cells ----------------------------------------------------------------------------------


GROUP_COMBINATIONS = [
    combo for n in range(len(GROUP_FIELDS) + 1) for combo in itertools.combinations(GROUP_FIELDS, n)
]


@pytest.mark.parametrize("fields", GROUP_COMBINATIONS, ids=lambda f: ",".join(f) or "total")
def test_every_group_by_gives_every_combination_once(
    client: FlaskClient, token_for: TokenFor, fields: tuple[str, ...]
) -> None:
    params = {"level": "custom", "from": "2026-02-02", "to": "2026-03-29"}  # weeks 6–13
    if fields:
        params["group_by"] = ",".join(fields)
    response = ask(client, token_for("samordnare"), **params)
    sizes = {
        "area": 24,
        "category": len(CATEGORIES),
        "source": len(SOURCES),
        "age_band": 4,  # 10-12, 13-15, 16-18, okand
        "week": 8,
        "month": 2,  # Thursdays in February (weeks 6–9) and March (weeks 10–13)
    }
    periods = sizes["week"] if "week" in fields else sizes["month"] if "month" in fields else 1
    other = [sizes[f] for f in fields if f not in ("week", "month")]
    if periods * prod(other) > MAX_CELLS:  # area × category × source × age × week
        assert response.status_code == 400
        assert response.get_json()["parameter"] == "group_by"
        return
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    cells = body["cells"]
    assert len(cells) == periods * prod(other)
    assert all(set(c) == {*fields, "count", "suppressed"} for c in cells)
    assert len({tuple(c[f] for f in fields) for c in cells}) == len(cells)
    assert body["group_by"] == list(fields)
    assert (body["from"], body["to"]) == ("2026-02-02", "2026-03-29")


def test_without_group_by_there_is_one_total_cell(client: FlaskClient, token_for: TokenFor) -> None:
    body = ask(client, token_for("samordnare"), **weeks_back(12)).get_json()
    assert len(body["cells"]) == 1
    assert set(body["cells"][0]) == {"count", "suppressed"}
    assert body["cells"][0]["count"] > 0


def test_dates_are_widened_to_whole_iso_weeks(client: FlaskClient, token_for: TokenFor) -> None:
    body = ask(
        client,
        token_for("samordnare"),
        group_by="week",
        **{"from": "2026-03-04", "to": "2026-03-10"},
    ).get_json()
    assert (body["from"], body["to"]) == ("2026-03-02", "2026-03-15")
    assert [c["week"] for c in body["cells"]] == ["2026-W10", "2026-W11"]


@pytest.mark.parametrize("username", ["samordnare", "rapportor", "polis", "ledning", "admin"])
def test_every_published_count_is_zero_at_least_k_or_null_and_suppressed(
    client: FlaskClient, token_for: TokenFor, username: str
) -> None:
    token = token_for(username)
    level = "custom"
    checked = suppressed = 0
    for group_by, weeks in itertools.product(
        ("area", "area,week", "category,week", "area,source", "month,category", None), (1, 4, 52)
    ):
        params = {"level": level, "area": "0380", **weeks_back(weeks)}
        if group_by:
            params["group_by"] = group_by
        answer = ask(client, token, **params)
        if username == "ledning" and group_by and "week" in group_by:
            assert answer.status_code == 403  # leadership sees whole months only
            continue
        body = answer.get_json()
        k = body["k"]
        for cell in body["cells"]:
            if cell["suppressed"]:
                assert cell["count"] is None
                suppressed += 1
            else:
                assert isinstance(cell["count"], int)
                assert cell["count"] == 0 or cell["count"] >= k
            checked += 1
    assert checked > (500 if username == "ledning" else 1000) and suppressed > 0


# --- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("grupp=area", "grupp"),
        ("level=custom&level=kommun", "level"),
        ("level=stadsdel", "level"),
        ("level=deso", "level"),  # the demo has no DeSO
        ("level=", "level"),
        ("from=2026-13-01", "from"),
        ("from=20260301", "from"),
        ("from=2026-W10-1", "from"),
        ("from=%D9%A2%D9%A0%D9%A2%D9%A6-01-01", "from"),  # Arabic-Indic digits
        ("from=2026-03-10&to=2026-03-01", "to"),
        ("from=1900-01-01&to=1901-01-01", "to"),
        ("from=2999-01-01", "from"),
        ("group_by=area,dag", "group_by"),
        ("group_by=area,area", "group_by"),
        ("group_by=", "group_by"),
        ("group_by=area,,week", "group_by"),
        ("category=vald,inte_en_kategori", "category"),
        ("category=VALD", "category"),
        ("source=brevduva", "source"),
        ("area=9999", "area"),
        ("area=" + "A" * 65, "area"),
        ("area=0380%00", "area"),
        ("group_by=area,week,category,source&from=2016-01-04&level=custom", "group_by"),
    ],
)
def test_bad_parameters_get_400_naming_the_parameter(
    client: FlaskClient, token_for: TokenFor, query: str, parameter: str
) -> None:
    response = client.get(f"{URL}?{query}", headers=bearer(token_for("samordnare")))
    assert response.status_code == 400, response.get_json()
    body = response.get_json()
    assert body["parameter"] == parameter
    assert body["code"] == "invalid_parameter"
    assert body["error"] and "cells" not in body


def test_too_many_cells_are_refused_with_advice(client: FlaskClient, token_for: TokenFor) -> None:
    body = ask(
        client,
        token_for("samordnare"),
        level="custom",
        group_by="area,week,category",
        **{"from": "2020-01-01"},
    ).get_json()
    assert str(MAX_CELLS) in body["error"] and "kortare period" in body["error"]


def test_unknown_api_paths_are_json_404(client: FlaskClient, token_for: TokenFor) -> None:
    response = client.get("/api/v1/aggregat", headers=bearer(token_for("samordnare")))
    assert response.status_code == 404
    assert response.get_json()["code"] == "not_found"


# The token is only read: one per test (not per example) is what is wanted here.
@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    pairs=st.lists(
        st.tuples(
            st.sampled_from(
                ["level", "area", "from", "to", "event", "category", "source", "group_by", "x"]
            ),
            st.one_of(
                st.text(max_size=30),
                st.sampled_from(
                    [
                        "custom",
                        "kommun",
                        "0380",
                        "0380-D01",
                        "2026-03-02",
                        "area,week",
                        "valborg@2025",
                    ]
                ),
            ),
        ),
        max_size=6,
    )
)
def test_no_query_string_gives_a_server_error(
    app: Flask,
    coordinator_token: str,
    pairs: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 150 examples with one token: above its rate limit (test_api_rate.py).
    monkeypatch.setitem(app.config, "SSP_API_TOKEN_RATE", "100000/minute")
    response = app.test_client().get(URL, query_string=pairs, headers=bearer(coordinator_token))
    assert response.status_code in (200, 400, 403), response.get_data(as_text=True)
    assert response.is_json


# --- the description ------------------------------------------------------------------------


def test_the_openapi_description_is_served_without_login(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.yaml")
    assert response.status_code == 200
    assert response.mimetype == "application/yaml"
    spec = schemathesis.openapi.from_wsgi("/api/v1/openapi.yaml", client.application).raw_schema
    assert spec["openapi"].startswith("3.")
    operation = spec["paths"][URL]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert names == {
        "level",
        "area",
        "from",
        "to",
        "event",
        "category",
        "source",
        "age_band",
        "group_by",
    }


def test_the_openapi_codes_are_the_vocabulary(app: Flask) -> None:
    spec = schemathesis.openapi.from_wsgi("/api/v1/openapi.yaml", app).raw_schema
    params = {p["name"]: p["schema"] for p in spec["paths"][URL]["get"]["parameters"]}
    assert tuple(params["category"]["items"]["enum"]) == codes(CATEGORIES)
    assert tuple(params["source"]["items"]["enum"]) == codes(SOURCES)
    assert tuple(params["group_by"]["items"]["enum"]) == GROUP_FIELDS
    assert tuple(params["age_band"]["items"]["enum"]) == AGE_AXIS


def test_a_token_is_random_and_only_its_hash_is_stored(app: Flask, token_for: TokenFor) -> None:
    token = token_for("samordnare")
    assert token.startswith("ssp_") and len(token) >= 40 and token != token_for("samordnare")
    with app_state(app).sessions() as session:
        hashes = set(session.scalars(select(ApiToken.token_hash)))
    assert token not in hashes and hash_token(token) in hashes


def test_an_event_window_is_a_period_of_the_api(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    from dashboard.pages.events_page import default_year
    from data.calendar.windows import event_windows

    year = default_year(TEST_TODAY)
    valborg = next(w for w in event_windows(year) if w.key == "valborg")
    client = client_as("samordnare")
    response = client.get(
        f"/api/v1/aggregates?level=custom&event=valborg@{year}&group_by=area,category"
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert body["event"]["key"] == "valborg"
    assert body["event"]["start"] == valborg.start.isoformat(timespec="minutes")
    assert body["from"] == body["to"] == f"{year}-04-30"
    assert all(c["count"] is None or c["count"] == 0 or c["count"] >= 5 for c in body["cells"])
    total = client.get(f"/api/v1/aggregates?level=custom&event=valborg@{year}").get_json()
    by_area = client.get(
        f"/api/v1/aggregates?level=custom&event=valborg@{year}&group_by=area"
    ).get_json()
    # The area cells are the same published cells as the Tid & händelser map.
    from dashboard import ids
    from dashboard.periods import window_value
    from tests.helpers import call_callback

    page = call_callback(
        client,
        app,
        f"{ids.EV_SUMMARY}.children",
        {
            f"{ids.EV_EVENT}.value": window_value(valborg),
            f"{ids.EV_LEVEL}.value": "custom",
            f"{ids.EV_CATEGORIES}.value": [],
            f"{ids.EV_YEAR}.value": year,
            f"{ids.EV_KOMMUN}.value": "0380",
        },
    ).get_json()["response"][ids.EV_MAP]["figure"]["data"][0]
    published = {c["area"]: c["count"] for c in by_area["cells"] if not c["suppressed"]}
    assert published == dict(zip(page["locations"], page["z"], strict=True))
    assert total["cells"][0]["count"] is not None


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("event=valborg", "event"),
        ("event=valborg@1999", "event"),
        ("event=valborg@2026-13", "event"),
        ("event=jul@2025", "event"),
        ("event=lonehelg@2025", "event"),
        ("event=valborg@2025&from=2025-04-01", "event"),
        ("event=valborg@2025&group_by=week", "group_by"),
        (f"event=valborg@{TEST_TODAY.year + 1}", "event"),
    ],
)
def test_bad_event_periods_are_refused_naming_the_parameter(
    client_as: Callable[[str], FlaskClient], query: str, parameter: str
) -> None:
    response = client_as("samordnare").get(f"/api/v1/aggregates?level=custom&{query}")
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.get_json()["parameter"] == parameter
