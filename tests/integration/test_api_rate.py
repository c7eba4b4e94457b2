"""Issue 14, finding 10: a per-token rate limit on the aggregate API.

The attack: a script asks the same (or nearly the same) question over and over to
average the cell-key noise away or to difference many overlapping queries. With the
default ``SSP_API_TOKEN_RATE`` (60 a minute) the 61st request in a minute is refused
with 429 JSON and ``Retry-After``; other tokens and login sessions are not slowed.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from dashboard.config import DEFAULT_API_TOKEN_RATE
from dashboard.state import app_state
from data.access.tokens import create_token
from data.storage.db import unit_of_work

QUERY = "/api/v1/aggregates?group_by=area"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_over_its_rate_gets_429_with_retry_after(
    app: Flask, coordinator_token: str, client_as: Callable[[str], FlaskClient]
) -> None:
    assert app.config["SSP_API_TOKEN_RATE"] == DEFAULT_API_TOKEN_RATE == "60/minute"
    client = app.test_client(use_cookies=False)
    statuses = [client.get(QUERY, headers=bearer(coordinator_token)).status_code for _ in range(60)]
    assert statuses == [200] * 60
    refused = client.get(QUERY, headers=bearer(coordinator_token))
    assert refused.status_code == 429
    body = refused.get_json()
    assert body["code"] == "rate_limited"
    assert "Vänta" in body["error"] and "sekund" in body["error"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["Cache-Control"] == "no-store"
    assert "count" not in refused.get_data(as_text=True)
    # Every path of the API counts, not only the aggregates.
    assert client.get("/api/v1/ingenting", headers=bearer(coordinator_token)).status_code == 429
    # Another token (even of the same user) and a login session are not slowed.
    with unit_of_work(app_state(app).sessions) as session:
        _row, other = create_token(session, "samordnare", label="andra skriptet")
    assert client.get(QUERY, headers=bearer(other)).status_code == 200
    assert client_as("samordnare").get(QUERY).status_code == 200


def test_an_unknown_token_is_refused_before_it_is_counted(app: Flask) -> None:
    client = app.test_client(use_cookies=False)
    for _ in range(70):
        assert client.get(QUERY, headers=bearer("ssp_" + "x" * 43)).status_code == 401
