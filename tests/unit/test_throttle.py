"""Login throttling with a fake clock."""

from __future__ import annotations

from dashboard.throttle import MAX_FAILURES_PER_CLIENT, MAX_FAILURES_PER_USERNAME, LoginThrottle


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_username_is_blocked_after_the_limit_and_freed_after_the_window() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(window=900, clock=clock)
    for _ in range(MAX_FAILURES_PER_USERNAME - 1):
        throttle.failed("anna", "10.0.0.1")
    assert not throttle.blocked("anna", "10.0.0.1")
    throttle.failed("anna", "10.0.0.1")
    assert throttle.blocked("anna", "10.0.0.2")
    clock.now += 901
    assert not throttle.blocked("anna", "10.0.0.1")


def test_client_is_blocked_when_it_tries_many_usernames() -> None:
    throttle = LoginThrottle(clock=FakeClock())
    for i in range(MAX_FAILURES_PER_CLIENT):
        throttle.failed(f"user{i}", "10.0.0.9")
    assert throttle.blocked("someone-new", "10.0.0.9")
    assert not throttle.blocked("someone-new", "10.0.0.8")


def test_success_clears_the_username_only() -> None:
    throttle = LoginThrottle(clock=FakeClock())
    for _ in range(MAX_FAILURES_PER_USERNAME):
        throttle.failed("anna", "10.0.0.1")
    throttle.succeeded("anna")
    assert not throttle.blocked("anna", "10.0.0.1")
