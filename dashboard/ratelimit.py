"""Rate limits shared by every worker and node: the client address, Flask-Limiter, 429s.

- **The client address**: with ``SSP_TRUSTED_PROXIES`` = n > 0, Werkzeug's ``ProxyFix``
  takes the address the n-th proxy from the app saw from ``X-Forwarded-For`` (and the
  scheme from ``X-Forwarded-Proto``); entries a client puts in front are never used.
  With 0 (the default) the headers are ignored and ``request.remote_addr`` is the
  connection's address, so a client cannot pick its own address.
- **The storage**: one Flask-Limiter per app, on ``REDIS_URL`` when set (keys under
  ``SSP_REDIS_PREFIX``), in process memory otherwise. The login throttle
  (:mod:`dashboard.throttle`) counts failed logins per address on the same storage and
  its delays in a Redis or in-process :class:`~dashboard.throttle.FailureStore`.
- **Association links**: every request to an association's link page (``/forening/…``)
  counts against the client address (``SSP_ASSOCIATION_RATE``, default 30 a minute).
- **API tokens**: every request to ``/api/v1/`` made with a bearer token counts
  against that token (``SSP_API_TOKEN_RATE``, default 60 a minute), so a script cannot
  average the cell-key noise over thousands of requests; over the limit the API
  answers 429 JSON with ``Retry-After``. Login-session requests are not counted.
"""

from __future__ import annotations

import math
from typing import Final

from flask import Flask, Response, current_app, g, jsonify, request
from flask_limiter import Limiter, RateLimitExceeded
from limits import parse
from redis import Redis
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard.api import bp as api_bp
from dashboard.association_routes import bp as association_bp
from dashboard.auth import TOKEN_REQUEST, bearer_token
from dashboard.state import app_state
from dashboard.throttle import (
    AddressLimit,
    FailureStore,
    LoginThrottle,
    MemoryFailureStore,
    RedisFailureStore,
    wall_seconds,
)
from data.access.tokens import hash_token

RATE_LIMITER: Final = "ssp-rate-limiter"
"""Key of the app's :class:`Limiter` in ``app.extensions``."""
REDIS_TIMEOUT_SECONDS: Final = 2
"""A Redis that does not answer within this costs a request at most this long."""


def client_address() -> str:
    """The client's address (after ``ProxyFix``, when proxies are trusted)."""
    return request.remote_addr or "unknown"


def api_token_key() -> str:
    """The limiter key of a bearer-token request: its token (as stored, hashed)."""
    token = bearer_token(request.headers.get("Authorization")) or ""
    return "api-token/" + hash_token(token)[:40]


def _not_a_token_request() -> bool:
    return not g.get(TOKEN_REQUEST)


def _api_token_rate() -> str:
    return str(current_app.config["SSP_API_TOKEN_RATE"])


def _association_rate() -> str:
    return str(current_app.config["SSP_ASSOCIATION_RATE"])


def rate_limiter(app: Flask | None = None) -> Limiter:
    """The Flask-Limiter of ``app`` (default: the current app)."""
    target = app if app is not None else current_app
    limiter: Limiter = target.extensions[RATE_LIMITER]
    return limiter


def retry_after(limiter: Limiter) -> int:
    """Whole seconds until the limit this request broke lets it through again (never
    more than the limit's window: the store rounds its reset time up to a second)."""
    broken = limiter.current_limit
    if broken is None:
        return 1
    seconds = math.ceil(broken.reset_at - wall_seconds())
    return max(1, min(seconds, broken.limit.get_expiry()))


def too_many_requests(_error: RateLimitExceeded) -> tuple[Response, int]:
    """429 in JSON with a Swedish message and ``Retry-After`` (the API's error shape);
    plain text on an association's link page (a phone browser shows it as it is)."""
    seconds = retry_after(rate_limiter())
    unit = "sekund" if seconds == 1 else "sekunder"
    if request.path.startswith("/forening/"):
        text = Response(
            f"För många försök. Vänta {seconds} {unit} och försök igen.\n",
            mimetype="text/plain",
        )
        text.headers["Retry-After"] = str(seconds)
        return text, 429
    response = jsonify(
        {
            "error": f"För många anrop. Vänta {seconds} {unit} innan du försöker igen.",
            "code": "rate_limited",
        }
    )
    response.headers["Retry-After"] = str(seconds)
    return response, 429


def _storage(app: Flask) -> tuple[str, dict[str, str | int]]:
    url = str(app.config.get("REDIS_URL") or "")
    if not url:
        return "memory://", {}
    options: dict[str, str | int] = {
        "key_prefix": str(app.config["SSP_REDIS_PREFIX"]),
        "wrap_exceptions": True,
        "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
        "socket_timeout": REDIS_TIMEOUT_SECONDS,
    }
    return url, options


def _failure_store(app: Flask) -> FailureStore:
    url = str(app.config.get("REDIS_URL") or "")
    if not url:
        return MemoryFailureStore()
    client = Redis.from_url(
        url,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
    )
    return RedisFailureStore(client, prefix=str(app.config["SSP_REDIS_PREFIX"]))


def trust_proxies(app: Flask) -> None:
    """Take the client address from ``SSP_TRUSTED_PROXIES`` proxies' headers (0: never)."""
    proxies = int(app.config.get("SSP_TRUSTED_PROXIES") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0, x_port=0, x_prefix=0
        )


def init_rate_limits(app: Flask) -> None:
    """Trusted proxies, the shared limiter, the API token limit and the login throttle.

    Call it after :func:`dashboard.auth.init_auth`: the limiter's ``before_request``
    must run after the request guard has loaded a bearer token's user.
    """
    trust_proxies(app)
    uri, options = _storage(app)
    prefix = str(app.config["SSP_REDIS_PREFIX"])
    limiter = Limiter(
        key_func=client_address,
        storage_uri=uri,
        storage_options=options,
        strategy="moving-window",
        key_prefix=prefix,
        headers_enabled=False,
        # A Redis outage must neither turn the API into 500s nor lift the limits:
        # each process counts on its own until Redis answers again.
        in_memory_fallback_enabled=True,
        swallow_errors=True,
    )
    # One budget per token over the whole API (a shared scope, not one per endpoint).
    limiter.shared_limit(
        _api_token_rate,
        scope="api",
        key_func=api_token_key,
        exempt_when=_not_a_token_request,
    )(api_bp)
    # An association's link pages: per client address (a link holder is anonymous).
    limiter.limit(_association_rate, key_func=client_address)(association_bp)
    limiter.init_app(app)
    app.extensions[RATE_LIMITER] = limiter
    app.register_error_handler(RateLimitExceeded, too_many_requests)
    app_state(app).login_throttle = LoginThrottle(
        store=_failure_store(app),
        address_limit=AddressLimit(
            rate=parse(str(app.config["SSP_LOGIN_ADDRESS_RATE"])),
            limiter=limiter.limiter,
            prefix=prefix,
        ),
    )
