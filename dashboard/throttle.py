"""Login throttling: a sliding window of failed attempts per username and per client.

Kept per process (in ``AppState``); with several gunicorn workers the effective
limit is the per-worker limit times the workers, which still stops online
password guessing and the CPU cost of argon2 floods.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_USERNAME = 10
MAX_FAILURES_PER_CLIENT = 50


@dataclass
class LoginThrottle:
    """Counts failed logins; ``blocked`` says when a key has had too many recently."""

    window: float = WINDOW_SECONDS
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: str, now: float) -> deque[float]:
        stamps = self._failures.setdefault(key, deque())
        while stamps and now - stamps[0] > self.window:
            stamps.popleft()
        if not stamps:
            del self._failures[key]
            return deque()
        return stamps

    def blocked(self, username: str, client: str) -> bool:
        """True when the username or the client has reached its limit in the window."""
        now = self.clock()
        with self._lock:
            return (
                len(self._recent(f"user:{username}", now)) >= MAX_FAILURES_PER_USERNAME
                or len(self._recent(f"client:{client}", now)) >= MAX_FAILURES_PER_CLIENT
            )

    def failed(self, username: str, client: str) -> None:
        """Record one failed attempt for both keys."""
        now = self.clock()
        with self._lock:
            for key in (f"user:{username}", f"client:{client}"):
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, username: str) -> None:
        """A successful login clears the username's failures (not the client's)."""
        with self._lock:
            self._failures.pop(f"user:{username}", None)
