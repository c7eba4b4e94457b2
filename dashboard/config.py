"""Configuration from the environment, with safe defaults for the embedded setup."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from limits import parse_many

from dashboard.throttle import DEFAULT_ADDRESS_RATE, DEFAULT_PREFIX
from data.calendar.windows import window_rules
from data.clock import clock_from_setting
from data.consent.crypto import CaseCipher, CaseKeyError
from data.consent.teardown import DECISION_CHARS, DEFAULT_GALLRING
from data.planning.pay import PayLevel, parse_levels, single_level
from data.privacy.disclosure import (
    DEFAULT_LEADERSHIP_TIME_GRAIN,
    DEFAULT_MIN_AREA_POPULATION,
    DEFAULT_MIN_CELL,
    DEFAULT_MIN_CELL_LEADERSHIP,
    TIME_GRAINS,
)
from data.storage.db import sqlite_url
from data.storage.private_files import private_folder, write_private

SECRET_KEY_FILE = "secret_key"
DEMO_PASSWORD_FILE = "demo-password.txt"
TRUE_WORDS = frozenset({"1", "true", "yes", "on", "ja"})
DEFAULT_SESSION_HOURS = 8
"""A working day: after it the user logs in again."""
DEFAULT_HSTS_SECONDS = 365 * 24 * 3600
"""Strict-Transport-Security for a year once the browser reached the app by HTTPS."""
DEFAULT_SESSION_ABSOLUTE_HOURS = 12
"""Absolute limit: a session ends this long after login, however busy it is."""
DEFAULT_TOKEN_DAYS = 90
"""API tokens expire this many days after creation unless chosen otherwise."""


def _choice(name: str, value: str | None, allowed: tuple[str, ...], default: str) -> str:
    if value is None or value == "":
        return default
    if value not in allowed:
        msg = f"{name} must be one of {', '.join(allowed)}, got {value!r}"
        raise ValueError(msg)
    return value


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in TRUE_WORDS


def _optional_flag(value: str | None) -> bool | None:
    """A yes/no setting that may be left unset (None: the default decides)."""
    if value is None or not value.strip():
        return None
    return _flag(value)


def _positive_int(name: str, raw: str | None, default: int) -> int:
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        msg = f"{name} must be a whole number, got {raw!r}"
        raise ValueError(msg) from None


JOB_RUNNERS = ("process", "thread")
"""How background jobs run: a process of their own (default) or a web worker's thread."""
DEFAULT_MAX_UPLOAD_MB = 60
"""Largest observation file through the Importera page (MB; 1 MB = 1,048,576 bytes)."""
DEFAULT_MAX_LAYER_UPLOAD_MB = 100
"""Largest area layer file through the Områden page (MB)."""


def _not_negative(name: str, raw: str | None, default: int) -> int:
    value = _positive_int(name, raw, default)
    if value < 0:
        msg = f"{name} must not be negative, got {raw!r}"
        raise ValueError(msg)
    return value


DEFAULT_API_TOKEN_RATE = "60/minute"
"""Requests one API token may make (``SSP_API_TOKEN_RATE``)."""


def _rate(name: str, raw: str | None, default: str) -> str:
    """A rate such as ``60/minute`` or ``1000 per hour`` (checked here, used by the limiter)."""
    value = (raw or "").strip() or default
    try:
        items = parse_many(value)
    except ValueError:
        items = []
    if len(items) != 1 or items[0].amount < 1:
        msg = f"{name} must be one rate such as 60/minute, got {raw!r}"
        raise ValueError(msg)
    return value


DEFAULT_PAY_MIN_WALKERS = 3
"""A night is paid when at least this many walked and the report is filed."""


def _amount(name: str, raw: str | None) -> float:
    """A non-negative amount in kronor (default 0: the summary counts nights only)."""
    if raw is None or not raw.strip():
        return 0.0
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        msg = f"{name} must be an amount in kronor, got {raw!r}"
        raise ValueError(msg) from None
    if value < 0 or value != value:
        msg = f"{name} must not be negative, got {raw!r}"
        raise ValueError(msg)
    return value


DEFAULT_ASSOCIATION_RATE = "30/minute"
"""Requests per client address to the associations' link pages (``/forening/…``)."""


def pay_levels(config: Mapping[str, Any]) -> tuple[PayLevel, ...]:
    """The pay level table: ``SSP_PAY_LEVELS`` when set, else the one level of
    ``SSP_PAY_MIN_WALKERS`` and ``SSP_PAY_PER_NIGHT`` (ValueError when malformed)."""
    levels = parse_levels(str(config.get("SSP_PAY_LEVELS") or ""))
    if levels:
        return levels
    return single_level(
        int(config.get("SSP_PAY_MIN_WALKERS") or DEFAULT_PAY_MIN_WALKERS),
        float(config.get("SSP_PAY_PER_NIGHT") or 0),
    )


def case_keys(raw: str) -> str:
    """``SSP_CASE_KEYS`` checked: empty (the instance folder's ``case.key``) or
    comma-separated Fernet keys (ValueError naming the setting otherwise)."""
    keys = [part.strip() for part in raw.split(",") if part.strip()]
    if keys:
        try:
            CaseCipher(tuple(key.encode("ascii") for key in keys))
        except (CaseKeyError, UnicodeEncodeError) as error:
            msg = "SSP_CASE_KEYS: kommaseparerade Fernet-nycklar (44 tecken base64 var)."
            raise ValueError(msg) from error
    return ",".join(keys)


def sspf_gallring(raw: str | None) -> str:
    """``SSP_SSPF_GALLRING`` checked: the default decision text (1–200 printable
    characters) named when a kommun has set none."""
    clean = " ".join((raw or "").split()) or DEFAULT_GALLRING
    if len(clean) > DECISION_CHARS or not clean.isprintable():
        msg = f"SSP_SSPF_GALLRING: högst {DECISION_CHARS} tecken text."
        raise ValueError(msg)
    return clean


def instance_secret_key(instance_path: Path) -> str:
    """Return the instance's secret key, generating and storing it (mode 600) once."""
    path = instance_path / SECRET_KEY_FILE
    if path.exists():
        key = path.read_text(encoding="utf-8").strip()
        if key:
            return key
    private_folder(instance_path)
    key = secrets.token_hex(32)
    write_private(path, key + "\n")
    return key


def load_config(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Build the app configuration: ``overrides`` > environment > defaults.

    Keys: ``SSP_INSTANCE_PATH``, ``DATABASE_URL``, ``SECRET_KEY``, ``SSP_DEMO``,
    ``SSP_MIN_CELL``, ``SSP_MIN_CELL_LEADERSHIP``, ``SSP_SESSION_HOURS`` (idle limit),
    ``SSP_SESSION_ABSOLUTE_HOURS`` (hours after login a session ends however it is used),
    ``SSP_TOKEN_DAYS`` (lifetime of new API tokens), ``SSP_COOKIE_SECURE`` (the session
    cookie's ``Secure`` flag; default on, off only for the local demo, ``SSP_DEMO=1``; set
    ``0`` to serve a non-demo database over plain HTTP), ``SSP_HSTS_SECONDS``
    (Strict-Transport-Security max-age, sent when the cookie is ``Secure`` or the request
    came by HTTPS; 0 = never), ``SSP_LEADERSHIP_TIME_GRAIN`` (``month``, the default, or
    ``week``), ``SSP_EVENT_WINDOWS`` (local hours of the holiday event windows, e.g.
    ``valborg=20-04``; parsed into ``SSP_EVENT_WINDOW_RULES``), ``SSP_PAY_MIN_WALKERS`` and
    ``SSP_PAY_PER_NIGHT`` (the walk compensation summary: one level), ``SSP_PAY_LEVELS``
    (several levels, ``4:600,3:300`` = walkers:kronor; when set it replaces the single
    level; parsed into ``SSP_PAY_LEVEL_TABLE``), ``SSP_ASSOCIATION_RATE`` (requests one
    address may make to the associations' link pages, default ``30/minute``), ``SSP_TODAY``
    (an ISO date: the app's clock stands still at noon that day; empty = the system clock;
    parsed into ``SSP_CLOCK``, which tests may also pass directly as a
    :class:`~data.clock.Clock`), ``SSP_JOB_RUNNER`` (``process``, the default, or
    ``thread``: where imports run), ``SSP_MAX_UPLOAD_MB`` and ``SSP_MAX_LAYER_UPLOAD_MB``
    (upload limits, 60 and 100), ``REDIS_URL`` (empty: login throttling and API rate limits
    per process; set: shared by every worker and node through Redis), ``SSP_REDIS_PREFIX``
    (the prefix of this installation's Redis keys), ``SSP_TRUSTED_PROXIES`` (how many
    reverse proxies in front of the app set ``X-Forwarded-For``/``-Proto``; 0 = use the
    connection's address, never the header), ``SSP_LOGIN_ADDRESS_RATE`` (failed logins one
    address may make, e.g. ``30/minute``) and ``SSP_API_TOKEN_RATE`` (requests per API
    token, e.g. ``60/minute``), ``SSP_CASE_KEYS`` (the SSPF case layer's Fernet keys,
    comma-separated, the first encrypts; empty = ``case.key`` in the instance folder) and
    ``SSP_SSPF_GALLRING`` (the gallringsbeslut named when a kommun has set none). The
    secret key is never a constant: when absent it is generated once and kept in the
    instance folder.
    """
    env = os.environ if environ is None else environ
    given = dict(overrides or {})
    instance = Path(
        given.get("SSP_INSTANCE_PATH") or env.get("SSP_INSTANCE_PATH") or "instance"
    ).resolve()
    config: dict[str, Any] = {
        "SSP_INSTANCE_PATH": str(instance),
        "DATABASE_URL": env.get("DATABASE_URL") or sqlite_url(instance),
        "SSP_DEMO": _flag(env.get("SSP_DEMO")),
        "SSP_MIN_CELL": _positive_int("SSP_MIN_CELL", env.get("SSP_MIN_CELL"), DEFAULT_MIN_CELL),
        "SSP_MIN_CELL_LEADERSHIP": _positive_int(
            "SSP_MIN_CELL_LEADERSHIP",
            env.get("SSP_MIN_CELL_LEADERSHIP"),
            DEFAULT_MIN_CELL_LEADERSHIP,
        ),
        "SECRET_KEY": env.get("SECRET_KEY"),
        "SSP_MIN_AREA_POP": _positive_int(
            "SSP_MIN_AREA_POP", env.get("SSP_MIN_AREA_POP"), DEFAULT_MIN_AREA_POPULATION
        ),
        "SSP_SESSION_HOURS": _positive_int(
            "SSP_SESSION_HOURS", env.get("SSP_SESSION_HOURS"), DEFAULT_SESSION_HOURS
        ),
        "SSP_COOKIE_SECURE": _optional_flag(env.get("SSP_COOKIE_SECURE")),
        "SSP_HSTS_SECONDS": _positive_int(
            "SSP_HSTS_SECONDS", env.get("SSP_HSTS_SECONDS"), DEFAULT_HSTS_SECONDS
        ),
        "SSP_SESSION_ABSOLUTE_HOURS": _positive_int(
            "SSP_SESSION_ABSOLUTE_HOURS",
            env.get("SSP_SESSION_ABSOLUTE_HOURS"),
            DEFAULT_SESSION_ABSOLUTE_HOURS,
        ),
        "SSP_TOKEN_DAYS": _positive_int(
            "SSP_TOKEN_DAYS", env.get("SSP_TOKEN_DAYS"), DEFAULT_TOKEN_DAYS
        ),
        "SSP_LEADERSHIP_TIME_GRAIN": _choice(
            "SSP_LEADERSHIP_TIME_GRAIN",
            env.get("SSP_LEADERSHIP_TIME_GRAIN"),
            TIME_GRAINS,
            DEFAULT_LEADERSHIP_TIME_GRAIN,
        ),
        "SSP_EVENT_WINDOWS": env.get("SSP_EVENT_WINDOWS", ""),
        "SSP_PAY_MIN_WALKERS": _positive_int(
            "SSP_PAY_MIN_WALKERS", env.get("SSP_PAY_MIN_WALKERS"), DEFAULT_PAY_MIN_WALKERS
        ),
        "SSP_PAY_PER_NIGHT": _amount("SSP_PAY_PER_NIGHT", env.get("SSP_PAY_PER_NIGHT")),
        "SSP_PAY_LEVELS": env.get("SSP_PAY_LEVELS", ""),
        "SSP_ASSOCIATION_RATE": _rate(
            "SSP_ASSOCIATION_RATE", env.get("SSP_ASSOCIATION_RATE"), DEFAULT_ASSOCIATION_RATE
        ),
        "SSP_TODAY": env.get("SSP_TODAY", ""),
        "SSP_JOB_RUNNER": _choice(
            "SSP_JOB_RUNNER", env.get("SSP_JOB_RUNNER"), JOB_RUNNERS, JOB_RUNNERS[0]
        ),
        "SSP_MAX_UPLOAD_MB": _positive_int(
            "SSP_MAX_UPLOAD_MB", env.get("SSP_MAX_UPLOAD_MB"), DEFAULT_MAX_UPLOAD_MB
        ),
        "SSP_MAX_LAYER_UPLOAD_MB": _positive_int(
            "SSP_MAX_LAYER_UPLOAD_MB",
            env.get("SSP_MAX_LAYER_UPLOAD_MB"),
            DEFAULT_MAX_LAYER_UPLOAD_MB,
        ),
        "REDIS_URL": env.get("REDIS_URL", "").strip(),
        "SSP_REDIS_PREFIX": env.get("SSP_REDIS_PREFIX", "").strip() or DEFAULT_PREFIX,
        "SSP_TRUSTED_PROXIES": _not_negative(
            "SSP_TRUSTED_PROXIES", env.get("SSP_TRUSTED_PROXIES"), 0
        ),
        "SSP_LOGIN_ADDRESS_RATE": _rate(
            "SSP_LOGIN_ADDRESS_RATE", env.get("SSP_LOGIN_ADDRESS_RATE"), DEFAULT_ADDRESS_RATE
        ),
        "SSP_API_TOKEN_RATE": _rate(
            "SSP_API_TOKEN_RATE", env.get("SSP_API_TOKEN_RATE"), DEFAULT_API_TOKEN_RATE
        ),
        "SSP_CASE_KEYS": env.get("SSP_CASE_KEYS", ""),
        "SSP_SSPF_GALLRING": env.get("SSP_SSPF_GALLRING", ""),
    }
    config.update(given)
    config["SSP_CASE_KEYS"] = case_keys(str(config.get("SSP_CASE_KEYS") or ""))
    config["SSP_SSPF_GALLRING"] = sspf_gallring(config.get("SSP_SSPF_GALLRING"))
    if config["SSP_COOKIE_SECURE"] is None:
        # HTTPS everywhere but the local demo (``make run``: plain HTTP on loopback).
        config["SSP_COOKIE_SECURE"] = not config["SSP_DEMO"]
    config["SSP_PAY_LEVEL_TABLE"] = pay_levels(config)
    config["SSP_EVENT_WINDOW_RULES"] = window_rules(str(config["SSP_EVENT_WINDOWS"] or ""))
    if "SSP_CLOCK" not in given:
        config["SSP_CLOCK"] = clock_from_setting(str(config["SSP_TODAY"] or ""))
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = instance_secret_key(instance)
    return config
