"""Per-app state kept in ``app.extensions`` (never module globals)."""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date, datetime
from hashlib import sha256
from typing import Any, NamedTuple, TypeVar

from flask import Flask, current_app, g
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from dashboard.throttle import LoginThrottle
from data.calendar.windows import WindowRule
from data.clock import Clock
from data.consent.crypto import CaseCipher
from data.counts.cube import CountCube, CubeCache
from data.privacy.noise_key import ensure_noise_key
from data.storage.db import (
    AREAS_VERSION,
    CALENDAR_VERSION,
    OBSERVATIONS_VERSION,
    in_unit_of_work,
    read_version,
)

EXTENSION = "ssp"
VIEW_CACHE_ENTRIES = 128
"""Page results kept per process (Tid's event views, Planering's forecasts)."""
T = TypeVar("T")

LayerKey = tuple[str, str, int, tuple[str, ...]]


class EncodedLayer(NamedTuple):
    """A layer's GeoJSON as served: plain, gzip-compressed, and its ETag."""

    body: bytes
    gzipped: bytes
    etag: str


@dataclass
class ViewCache:
    """The last :data:`VIEW_CACHE_ENTRIES` results of expensive, deterministic page
    computations, least recently used dropped first.

    A key holds everything the result depends on — who asks (the viewer: role, scope,
    audience level and noise key), what they chose, today, and the data versions of
    observations, areas and the calendar — so a write anywhere makes new keys and old
    results are never served for new data. Results are shared read-only between
    requests: callers must not change them.
    """

    max_entries: int = VIEW_CACHE_ENTRIES
    _entries: OrderedDict[Hashable, Any] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        """The result for ``key``, built (outside the lock) when not kept."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                found: T = self._entries[key]
                return found
        value = build()
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._entries)


@dataclass
class AppState:
    """Database handles and per-process caches of one Flask app."""

    engine: Engine
    sessions: sessionmaker[Session]
    cubes: CubeCache = field(default_factory=CubeCache)
    login_throttle: LoginThrottle = field(default_factory=LoginThrottle)
    geojson: dict[LayerKey, EncodedLayer] = field(default_factory=dict)
    """Browser geometry per (kommun, level, areas version, area codes)."""
    geojson_lock: threading.Lock = field(default_factory=threading.Lock)
    views: ViewCache = field(default_factory=ViewCache)
    noise_keys: dict[str, bytes] = field(default_factory=dict)
    """The database's noise key, read once per process (per database URL)."""
    cipher: CaseCipher | None = None
    """The SSPF case layer's cipher (``SSP_CASE_KEYS`` or ``instance/case.key``), loaded
    by ``create_app``; the key never lives in the database."""

    def noise_key(self) -> bytes:
        """The cell key method's key from the database (created there on first use).

        Kept for the life of the process: a rotation (``ssp rotate-noise-key``) takes
        effect when the workers restart."""
        url = self.engine.url.render_as_string(hide_password=True)
        key = self.noise_keys.get(url)
        if key is None:
            key = in_unit_of_work(self.sessions, ensure_noise_key)
            self.noise_keys[url] = key
        return key

    def layer(self, key: LayerKey, build: Callable[[], bytes]) -> EncodedLayer:
        """The encoded layer for ``key``, built once; layers of older versions are dropped."""
        with self.geojson_lock:
            cached = self.geojson.get(key)
        if cached is not None:
            return cached
        body = build()
        encoded = EncodedLayer(
            body, gzip.compress(body, compresslevel=6), sha256(body).hexdigest()[:32]
        )
        with self.geojson_lock:
            version = key[2]
            for old in [k for k in self.geojson if k[2] != version]:
                del self.geojson[old]
            self.geojson[key] = encoded
        return encoded


def app_state(app: Flask | None = None) -> AppState:
    """Return the state of ``app`` (default: the current app)."""
    target = app if app is not None else current_app
    state: AppState = target.extensions[EXTENSION]
    return state


def db_session() -> Session:
    """The session of the current request or callback, closed at teardown."""
    if "db_session" not in g:
        g.db_session = app_state().sessions()
    session: Session = g.db_session
    return session


def end_request_transaction() -> None:
    """Commit the request's session, if one is open, so that it holds no snapshot.

    A tear-up of an SSPF case commits in its own unit of work and then has PostgreSQL
    rewrite the case tables (``VACUUM FULL``); rows that an older snapshot could still
    see are copied into the new files. The request's own session — opened by the login
    check — would be such a snapshot, so the case layer's callers end it first."""
    session = g.get("db_session")
    if session is not None:
        session.commit()


def close_db_session(_exc: BaseException | None = None) -> None:
    """Close the request's session, if one was opened (registered on teardown)."""
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def current_cube() -> CountCube:
    """The count cube, rebuilt when the data version in the database moved on."""
    return app_state().cubes.get(db_session(), today=today())


def warm_up(app: Flask) -> threading.Thread:
    """Build ``app``'s count cube in a thread of its own (gunicorn calls this as each
    worker starts, ``gunicorn.conf.py``), so the first user after a start or restart
    does not wait for the build on the national data. A failure is logged, not
    raised: the first request then builds the cube as it would have anyway."""

    def build() -> None:
        state = app_state(app)
        try:
            with state.sessions() as session:
                state.cubes.get(session, today=today(app))
        except Exception:  # logged; the first request builds it again
            app.logger.exception("count cube warm-up failed")

    thread = threading.Thread(target=build, name="cube-warm-up", daemon=True)
    thread.start()
    return thread


def cached_view(name: str, key: Hashable, build: Callable[[], T]) -> T:
    """``build()``'s result, kept per process for ``name`` and ``key`` (which must hold
    the viewer and every input) at today's date and the current data versions."""
    session = db_session()
    versions = tuple(
        read_version(session, v) for v in (OBSERVATIONS_VERSION, AREAS_VERSION, CALENDAR_VERSION)
    )
    return app_state().views.get((name, versions, today(), key), build)


def areas_version() -> int:
    """The current areas version (changes when areas or their geometry change)."""
    return read_version(db_session(), AREAS_VERSION)


def current_cipher() -> CaseCipher:
    """The cipher of the SSPF case layer of the current app (loaded at start-up)."""
    cipher = app_state().cipher
    if cipher is None:
        msg = "Ärendeskiktets nyckel är inte laddad."
        raise RuntimeError(msg)
    return cipher


def clock(app: Flask | None = None) -> Clock:
    """The clock of ``app`` (default: the current app), set by ``SSP_TODAY`` /
    ``SSP_CLOCK``: the one source of today and now in the web layer."""
    target = app if app is not None else current_app
    configured: Clock = target.config["SSP_CLOCK"]
    return configured


def today(app: Flask | None = None) -> date:
    """Today's Swedish date on the clock of ``app`` (default: the current app)."""
    return clock(app).today()


def now() -> datetime:
    """The current moment (aware UTC) on the app's clock."""
    return clock().now()


def event_rules() -> tuple[WindowRule, ...]:
    """The holiday event windows' local hours as configured (``SSP_EVENT_WINDOWS``)."""
    rules: tuple[WindowRule, ...] = current_app.config["SSP_EVENT_WINDOW_RULES"]
    return rules
