"""Per-app state kept in ``app.extensions`` (never module globals)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from flask import Flask, current_app, g
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from data.cube import CountCube, CubeCache
from data.db import read_version

EXTENSION = "ssp"


@dataclass
class AppState:
    """Database handles and per-process caches of one Flask app."""

    engine: Engine
    sessions: sessionmaker[Session]
    cubes: CubeCache = field(default_factory=CubeCache)
    geojson: dict[tuple[str, str, int, tuple[str, ...]], tuple[bytes, bytes, str]] = field(
        default_factory=dict
    )
    """(kommun, level, data version, area codes) → (json bytes, gzip bytes, etag)."""
    geojson_lock: threading.Lock = field(default_factory=threading.Lock)


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


def close_db_session(_exc: BaseException | None = None) -> None:
    """Close the request's session, if one was opened (registered on teardown)."""
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def current_cube() -> CountCube:
    """The count cube, rebuilt when the data version in the database moved on."""
    return app_state().cubes.get(db_session())


def data_version() -> int:
    """The current data version (changes when observations or areas change)."""
    return read_version(db_session())
