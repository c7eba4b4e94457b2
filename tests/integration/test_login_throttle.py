"""Issue 14, finding 1: nobody can lock anybody else out of the login.

Each test runs the attack from the issue against the real login form and asserts that
it slows only the attacker: 20 wrong passwords for ``ledning`` from one address, 100
failures from one address over many names, spoofed ``X-Forwarded-For`` headers, and
counters that live in one worker only. Client addresses are set per request with the
test client's ``environ_base``; delays run on a fake clock, never ``time.sleep``.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dashboard import create_app
from dashboard.state import app_state
from dashboard.throttle import MAX_DELAY_SECONDS, LoginThrottle
from tests.conftest import DEMO_PASSWORD
from tests.helpers import csrf_from

ATTACKER = "198.51.100.66"
OWNER = "203.0.113.10"
PROXY = "10.0.0.2"


class FakeClock:
    def __init__(self) -> None:
        self.now = 2_000_000_000.0

    def __call__(self) -> float:
        return self.now


def login_from(
    client: FlaskClient, address: str, username: str, password: str, **headers: str
) -> Any:
    """Log in through the form from ``address`` (the connection's address)."""
    environ = {"REMOTE_ADDR": address}
    token = csrf_from(client.get("/login", environ_base=environ).get_data(as_text=True))
    return client.post(
        "/login",
        data={"csrf_token": token, "username": username, "password": password},
        environ_base=environ,
        headers=headers,
    )


def retry_after(response: Any) -> int:
    """The wait a 429 asks for: a Swedish "Vänta N sekunder" and ``Retry-After: N``."""
    assert response.status_code == 429
    assert "Vänta" in response.get_data(as_text=True)
    assert "Retry-After" in response.headers, "a 429 must say how long to wait"
    return int(response.headers["Retry-After"])


@pytest.fixture
def clock(app: Flask) -> FakeClock:
    """The demo app's login throttle on a fake clock (its counters stay in process)."""
    fake = FakeClock()
    app_state(app).login_throttle = LoginThrottle(clock=fake)
    return fake


def test_twenty_wrong_passwords_do_not_lock_the_owner_out(app: Flask, clock: FakeClock) -> None:
    attacker, owner = app.test_client(), app.test_client()
    waits: list[int] = []
    failures = 0
    while failures < 20:
        response = login_from(attacker, ATTACKER, "ledning", f"gissning-{failures:03d}")
        if response.status_code == 429:
            waits.append(retry_after(response))
            clock.now += waits[-1]
            continue
        assert response.status_code == 401
        failures += 1
    # The delays grew, and never beyond a minute: no 15-minute lock.
    assert waits == sorted(waits) and waits[0] == 1 and max(waits) == MAX_DELAY_SECONDS
    # The owner, from another address, logs in at once while the attack runs.
    assert login_from(owner, OWNER, "ledning", DEMO_PASSWORD).status_code == 302
    # From the attacked address the right password waits its turn, then gets in.
    wait = retry_after(login_from(attacker, ATTACKER, "ledning", DEMO_PASSWORD))
    assert wait <= MAX_DELAY_SECONDS
    clock.now += wait
    assert login_from(attacker, ATTACKER, "ledning", DEMO_PASSWORD).status_code == 302


def test_a_hundred_failures_from_one_address_lock_out_no_one_elsewhere(
    app: Flask, clock: FakeClock
) -> None:
    attacker = app.test_client()
    real = itertools.cycle(["samordnare", "admin", "ledning", "polis", "rapportor"])
    statuses = [
        login_from(
            attacker, ATTACKER, next(real) if i % 2 == 0 else f"namn{i}", f"gissning-{i:03d}"
        ).status_code
        for i in range(100)  # every real account tried 10 times, 50 made-up names
    ]
    assert set(statuses) == {401, 429}
    # The address itself is slowed (at most a minute), never shut out for long.
    assert 1 <= retry_after(login_from(attacker, ATTACKER, "someone", "x")) <= 60
    for name, address in [("samordnare", OWNER), ("admin", "203.0.113.11"), ("ledning", "::1")]:
        response = login_from(app.test_client(), address, name, DEMO_PASSWORD)
        assert response.status_code == 302, name


def test_delays_grow_per_account_and_address(app: Flask, clock: FakeClock) -> None:
    client = app.test_client()
    statuses = [login_from(client, ATTACKER, "polis", f"fel-{i}").status_code for i in range(4)]
    assert statuses == [401, 401, 401, 429]
    waits: list[int] = []
    for i in range(5):
        clock.now += waits[-1] if waits else 1
        assert login_from(client, ATTACKER, "polis", f"fel-{i}-b").status_code == 401
        waits.append(retry_after(login_from(client, ATTACKER, "polis", "fel")))
    assert waits == [2, 4, 8, 16, 32]


@pytest.fixture
def app_behind(app: Flask) -> Iterator[Any]:
    """``app_behind(n)``: a fresh app on the test's database with n trusted proxies."""

    def _make(proxies: int, **extra: Any) -> Flask:
        fresh = create_app(
            {
                "SSP_INSTANCE_PATH": app.config["SSP_INSTANCE_PATH"],
                "DATABASE_URL": app_state(app).engine.url.render_as_string(hide_password=False),
                "SECRET_KEY": app.config["SECRET_KEY"],
                "TESTING": True,
                "REDIS_URL": "",
                "SSP_TRUSTED_PROXIES": proxies,
                **extra,
            }
        )
        return fresh

    yield _make


def fail_three_times(client: FlaskClient, address: str, **headers: str) -> None:
    for i in range(3):
        response = login_from(client, address, "samordnare", f"fel-{i}", **headers)
        assert response.status_code == 401


def test_x_forwarded_for_is_ignored_without_trusted_proxies(app_behind: Any) -> None:
    """A client cannot dodge its delay by claiming another address."""
    fresh = app_behind(0)
    app_state(fresh).login_throttle.clock = FakeClock()
    client = fresh.test_client()
    fail_three_times(client, ATTACKER, **{"X-Forwarded-For": "192.0.2.1"})
    spoofed = login_from(
        client, ATTACKER, "samordnare", DEMO_PASSWORD, **{"X-Forwarded-For": OWNER}
    )
    assert retry_after(spoofed) == 1


def test_x_forwarded_for_gives_the_client_behind_one_trusted_proxy(app_behind: Any) -> None:
    fresh = app_behind(1)
    app_state(fresh).login_throttle.clock = FakeClock()
    client = fresh.test_client()
    fail_three_times(client, PROXY, **{"X-Forwarded-For": ATTACKER})
    # The attacker behind the proxy waits, even when it prepends a forged entry
    # (the proxy appends the address it saw; only that one is trusted) …
    forged = f"{OWNER}, {ATTACKER}"
    blocked = login_from(client, PROXY, "samordnare", DEMO_PASSWORD, **{"X-Forwarded-For": forged})
    assert retry_after(blocked) == 1
    # … while the owner behind the same proxy gets in.
    owner = login_from(
        fresh.test_client(), PROXY, "samordnare", DEMO_PASSWORD, **{"X-Forwarded-For": OWNER}
    )
    assert owner.status_code == 302


def test_counters_are_shared_by_two_app_instances_on_one_redis(
    app_behind: Any, redis_prefix: tuple[str, str], coordinator_token: str
) -> None:
    """Two workers or nodes: a failure, an address's rate and a token's rate seen by one
    are seen by the other (per-process counters would give each attacker N times more)."""
    url, prefix = redis_prefix
    settings = {
        "REDIS_URL": url,
        "SSP_REDIS_PREFIX": prefix,
        "SSP_LOGIN_ADDRESS_RATE": "8/minute",
        "SSP_API_TOKEN_RATE": "4/minute",
    }
    one, two = app_behind(0, **settings), app_behind(0, **settings)
    clock = FakeClock()
    for worker in (one, two):
        app_state(worker).login_throttle.clock = clock
    fail_three_times(one.test_client(), ATTACKER)
    assert retry_after(login_from(two.test_client(), ATTACKER, "samordnare", "x")) == 1
    assert login_from(two.test_client(), OWNER, "samordnare", DEMO_PASSWORD).status_code == 302
    # The address's rate: 3 failures on one, 5 on two, then both slow the address.
    for i in range(5):
        assert login_from(two.test_client(), ATTACKER, f"namn{i}", "x").status_code == 401
    for worker in (one, two):
        assert retry_after(login_from(worker.test_client(), ATTACKER, "ny", "x")) >= 1
    # A token's rate: 2 requests on each worker, then the fifth anywhere is refused.
    bearer = {"Authorization": f"Bearer {coordinator_token}"}
    for worker in (one, two, one, two):
        assert worker.test_client().get("/api/v1/ingenting", headers=bearer).status_code == 404
    assert one.test_client().get("/api/v1/ingenting", headers=bearer).status_code == 429


def test_an_unreachable_redis_keeps_logins_working_and_limits_on(
    app_behind: Any, coordinator_token: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Redis down: nobody is refused for it, and each process keeps counting alone."""
    fresh = app_behind(0, REDIS_URL="redis://127.0.0.1:1/15", SSP_API_TOKEN_RATE="3/minute")
    app_state(fresh).login_throttle.clock = FakeClock()
    client = fresh.test_client()
    with caplog.at_level(logging.WARNING):
        fail_three_times(client, ATTACKER)
        assert retry_after(login_from(client, ATTACKER, "samordnare", DEMO_PASSWORD)) == 1
        assert login_from(client, OWNER, "samordnare", DEMO_PASSWORD).status_code == 302
        bearer = {"Authorization": f"Bearer {coordinator_token}"}
        api = fresh.test_client(use_cookies=False)
        statuses = [api.get("/api/v1/ingenting", headers=bearer).status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    assert "unreachable" in caplog.text
