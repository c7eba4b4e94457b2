"""Login throttling: growing delays per account and address, a rate limit per address.

A hard lock of an account after N failures lets anyone lock anyone out (issue 14:
20 wrong passwords for ``ledning`` kept its owner out for 15 minutes). So nothing
here ever refuses an account as such; two brakes slow the guesser instead:

- **Per account and client address**: the first :data:`FREE_FAILURES` failed logins of
  one (username, address) pair cost nothing; after that the pair must wait 1, 2, 4 …
  seconds, at most :data:`MAX_DELAY_SECONDS`, after its last failure. Failures are
  forgotten :data:`WINDOW_SECONDS` after the last one; a success clears the pair. An
  attack on a name slows only the attacker's address: the owner logs in from any other
  address at once, and from the attacked one after at most a minute.
- **Per address**: failed logins per client address are counted in a moving window
  (``SSP_LOGIN_ADDRESS_RATE``, default 30 a minute) on the Flask-Limiter storage; an
  address spraying many names is slowed to that rate, other addresses never. Only
  failures count, so colleagues behind one municipal NAT who type their passwords
  right never use it up.

There is deliberately no limit per account over all addresses: any such limit is a
lever to lock the owner out again. Guessing from many addresses is bounded by the
per-address rate times the addresses and by the password policy.

The counters live in a :class:`FailureStore`: in-process (:class:`MemoryFailureStore`)
or in Redis (:class:`RedisFailureStore`, when ``REDIS_URL`` is set), so every worker
and node sees the same counts. When Redis does not answer, a process falls back to its
own counters (and logs it) rather than refusing logins. Times are wall-clock seconds
(:func:`wall_seconds`, from :mod:`data.clock`), so nodes sharing Redis agree; tests
pass a fake clock.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, NamedTuple, Protocol, TypeVar, cast

from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter, RateLimiter
from redis import Redis
from redis.exceptions import RedisError

from data.clock import utc_now

log = logging.getLogger(__name__)

WINDOW_SECONDS: Final = 15 * 60
"""A pair's failures are forgotten this long after its last failure."""
FREE_FAILURES: Final = 3
"""Failed logins of one (username, address) pair before the delays start."""
MAX_DELAY_SECONDS: Final = 60
"""The longest a pair ever has to wait before its next attempt."""
DEFAULT_ADDRESS_RATE: Final = "30/minute"
"""Failed logins one client address may make (``SSP_LOGIN_ADDRESS_RATE``)."""
DEFAULT_PREFIX: Final = "ssp"
OUTAGE_RETRY_SECONDS: Final = 10.0
"""While Redis fails, it is tried again this often (per process); in between, the
process's own counters stand in."""
SWEEP_EVERY: Final = 1024
"""The in-process store drops forgotten pairs after this many new failures."""

T = TypeVar("T")


def wall_seconds() -> float:
    """Seconds since the epoch on the project's clock (the same on every node)."""
    return utc_now().timestamp()


def wait_message(seconds: int) -> str:
    """The Swedish answer to an attempt that has to wait ``seconds``."""
    unit = "sekund" if seconds == 1 else "sekunder"
    return f"För många misslyckade inloggningar. Vänta {seconds} {unit} innan du försöker igen."


def _digest(*parts: str) -> str:
    # Fixed-length keys; JSON keeps the parts apart whatever characters a name holds.
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()[:40]


class Failures(NamedTuple):
    """A key's failed attempts: how many, and when the last one was (wall seconds)."""

    times: int
    last: float


class FailureStore(Protocol):
    """Where failure counts live; one interface, an in-process and a Redis backend."""

    def get(self, key: str, now: float) -> Failures | None:
        """The failures recorded under ``key`` (None: none, or forgotten by ``now``)."""
        ...

    def add(self, key: str, now: float, keep: float) -> Failures:
        """Count one more failure at ``now``; forget the key ``keep`` seconds later."""
        ...

    def clear(self, key: str) -> None:
        """Forget ``key``."""
        ...


@dataclass
class MemoryFailureStore:
    """Failure counts in this process (the embedded setup, tests, the Redis fallback)."""

    _entries: dict[str, tuple[Failures, float]] = field(default_factory=dict)
    _added: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: str, now: float) -> Failures | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            failures, expires = entry
            if expires <= now:
                del self._entries[key]
                return None
            return failures

    def add(self, key: str, now: float, keep: float) -> Failures:
        with self._lock:
            entry = self._entries.get(key)
            count = entry[0].times + 1 if entry and entry[1] > now else 1
            failures = Failures(count, now)
            self._entries[key] = (failures, now + keep)
            self._added += 1
            if self._added % SWEEP_EVERY == 0:  # bounded memory under a spraying attack
                for old in [k for k, (_, exp) in self._entries.items() if exp <= now]:
                    del self._entries[old]
            return failures

    def clear(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)


_ADD_SCRIPT: Final = """
local last = redis.call('HGET', KEYS[1], 'last')
if last and tonumber(ARGV[1]) - tonumber(last) >= tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[1])
end
local count = redis.call('HINCRBY', KEYS[1], 'count', 1)
redis.call('HSET', KEYS[1], 'last', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return count
"""
"""One failure, atomically: forget a pair idle for ``keep`` seconds by the caller's
clock (as the in-process store does), count, stamp and expire the key."""


@dataclass
class Outage:
    """A shared storage's health: while it fails, callers use their per-process
    fallback and try it again every ``retry_every`` seconds (a dead Redis then costs a
    login one timeout now and then, not one per call). Going down and coming back are
    logged once each."""

    what: str
    retry_every: float = OUTAGE_RETRY_SECONDS
    monotonic: Callable[[], float] = time.monotonic
    _down_since: float | None = None

    def run(self, primary: Callable[[], T], fallback: Callable[[], T]) -> T:
        """``primary()`` unless the storage is down (then, or when it fails, ``fallback()``)."""
        if self._down_since is not None and self.monotonic() - self._down_since < self.retry_every:
            return fallback()
        try:
            result = primary()
        except (RedisError, StorageError) as error:
            if self._down_since is None:
                log.warning("%s unreachable, counting per process for now: %s", self.what, error)
            self._down_since = self.monotonic()
            return fallback()
        if self._down_since is not None:
            log.warning("%s answers again, counting shared again", self.what)
            self._down_since = None
        return result


@dataclass
class RedisFailureStore:
    """Failure counts in Redis, shared by every worker and node (``REDIS_URL``).

    Each key is a hash ``{prefix}:login:{key}`` with ``count`` and ``last``, written by
    one Lua script (atomic across workers) and expired by Redis. When Redis does not
    answer, this process uses ``fallback`` until it does again: logins keep working,
    with per-process counts.
    """

    client: Redis
    prefix: str = DEFAULT_PREFIX
    fallback: MemoryFailureStore = field(default_factory=MemoryFailureStore)
    outage: Outage = field(default_factory=lambda: Outage("Redis (login delays)"))

    def _key(self, key: str) -> str:
        return f"{self.prefix}:login:{key}"

    def get(self, key: str, now: float) -> Failures | None:
        def shared() -> Failures | None:
            stored = self.client.hmget(self._key(key), ["count", "last"])
            count, last = cast(list[bytes | None], stored)
            if count is None or last is None:
                return None
            return Failures(int(count), float(last))

        return self.outage.run(shared, lambda: self.fallback.get(key, now))

    def add(self, key: str, now: float, keep: float) -> Failures:
        def shared() -> Failures:
            count = self.client.eval(
                _ADD_SCRIPT, 1, self._key(key), repr(now), repr(keep), math.ceil(keep * 1000)
            )
            return Failures(int(cast(int, count)), now)

        return self.outage.run(shared, lambda: self.fallback.add(key, now, keep))

    def clear(self, key: str) -> None:
        self.fallback.clear(key)
        self.outage.run(lambda: self.client.delete(self._key(key)), lambda: 0)


def _memory_limiter() -> RateLimiter:
    return MovingWindowRateLimiter(MemoryStorage())


@dataclass
class AddressLimit:
    """Failed logins per client address in a moving window, on a ``limits`` storage.

    ``limiter`` is the app's Flask-Limiter strategy (Redis or memory, see
    :mod:`dashboard.ratelimit`); while its storage fails, a per-process one stands in.
    """

    rate: RateLimitItem = field(default_factory=lambda: parse(DEFAULT_ADDRESS_RATE))
    limiter: RateLimiter = field(default_factory=_memory_limiter)
    prefix: str = DEFAULT_PREFIX
    outage: Outage = field(default_factory=lambda: Outage("Rate-limit storage (logins)"))
    _fallback: RateLimiter | None = None

    def _ids(self, address: str) -> tuple[str, str, str]:
        return self.prefix, "login-address", _digest(address)

    def _run(self, action: Callable[[RateLimiter], T]) -> T:
        def fallback() -> T:
            if self._fallback is None:
                self._fallback = _memory_limiter()
            return action(self._fallback)

        return self.outage.run(lambda: action(self.limiter), fallback)

    def wait(self, address: str, now: float) -> int:
        """Seconds until ``address`` may fail once more (0: it may try now)."""
        ids = self._ids(address)
        if self._run(lambda limiter: limiter.test(self.rate, *ids)):
            return 0
        reset = self._run(lambda limiter: limiter.get_window_stats(self.rate, *ids)).reset_time
        return min(max(1, math.ceil(reset - now)), self.rate.get_expiry())

    def failed(self, address: str) -> None:
        """Count one failed login from ``address``."""
        ids = self._ids(address)
        self._run(lambda limiter: limiter.hit(self.rate, *ids))


@dataclass
class LoginThrottle:
    """How long a login attempt must wait; fed with the failures and successes."""

    store: FailureStore = field(default_factory=MemoryFailureStore)
    address_limit: AddressLimit = field(default_factory=AddressLimit)
    clock: Callable[[], float] = wall_seconds
    free_failures: int = FREE_FAILURES
    max_delay: float = MAX_DELAY_SECONDS
    window: float = WINDOW_SECONDS

    def delay_after(self, failures: int) -> float:
        """The wait after ``failures`` failed attempts of one pair: 0, then 1, 2, 4 … s."""
        if failures < self.free_failures:
            return 0.0
        doublings = min(failures - self.free_failures, 30)  # no huge powers of two
        return float(min(2**doublings, self.max_delay))

    def pair_wait(self, username: str, address: str, now: float) -> int:
        """Seconds until this (username, address) pair may try again."""
        failures = self.store.get(_digest(username, address), now)
        if failures is None or now - failures.last >= self.window:
            return 0
        remaining = failures.last + self.delay_after(failures.times) - now
        return max(0, math.ceil(remaining))

    def wait(self, username: str, address: str) -> int:
        """Seconds this attempt must wait before its password is even checked (0: none)."""
        now = self.clock()
        return max(self.pair_wait(username, address, now), self.address_limit.wait(address, now))

    def failed(self, username: str, address: str) -> None:
        """Record a failed login of ``username`` from ``address``."""
        self.store.add(_digest(username, address), self.clock(), self.window)
        self.address_limit.failed(address)

    def succeeded(self, username: str, address: str) -> None:
        """A successful login clears the pair's failures (not the address's)."""
        self.store.clear(_digest(username, address))
