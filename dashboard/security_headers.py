"""Security headers on every response: CSP, framing, sniffing, referrer, cross-origin
isolation, permissions, HSTS, caching.

One ``after_request`` hook, installed last by :func:`dashboard.create_app`, so every
response — Dash's page shell and callbacks, the API, the login page, errors — gets
the same headers.

The Content Security Policy allows scripts from this origin only, plus the SHA-256
hashes of Dash's own inline scripts (``Dash.csp_hashes()``: the renderer start-up
line and the page-title clientside callback of Dash Pages). No ``'unsafe-inline'``
and no ``'unsafe-eval'`` for scripts: a stored ``<script>`` or an injected event
handler does not run, and ``connect-src``/``form-action 'self'`` mean no page can
send data elsewhere (Plotly's "edit in Chart Studio" posts a form to plot.ly: refused).

Two relaxations, both needed by Plotly, both checked by the browser test:

- ``style-src 'unsafe-inline'``: Plotly.js and MapLibre add ``<style>`` elements and
  inline style attributes at run time (mode bar, hover labels, map controls). Styles
  cannot run code; the scripts stay locked.
- ``worker-src blob:``: MapLibre (the Översikt and Tid maps) starts its tile and
  geometry workers from a ``blob:`` URL that its own bundle creates. A ``blob:``
  URL can only be made by a script that already runs on this origin.

``Cache-Control: no-store`` goes on every response that does not set its own
caching: page shells, Dash layout and callback responses (they carry counts and
notes), API answers, exports, the login page. Static files (``/assets/``, Dash's
fingerprinted component bundles) and the browser geometry (``private`` with an
ETag, set by its route) keep their own headers.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from werkzeug.wrappers import Response

from dashboard.config import DEFAULT_HSTS_SECONDS

STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/static/")
"""Library code and styles: cacheable, no counts."""

HSTS_SETTING = "SSP_HSTS_SECONDS"

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
"""No device or sensor features: the app uses none of them."""


def content_security_policy(script_hashes: list[str] | tuple[str, ...]) -> str:
    """The policy text, with ``script_hashes`` (``'sha256-…'``) added to ``script-src``."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "frame-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def _dash_script_hashes(app: Flask) -> list[str]:
    """The hashes of the Dash app's inline scripts (none before Dash is mounted).

    Computed per response: Dash Pages registers its page-title script on the first
    request a process serves, after ``create_app`` has returned."""
    dash_app = app.extensions.get("dash")
    if dash_app is None:
        return []
    hashes: list[str] = dash_app.csp_hashes()
    return hashes


def add_security_headers(response: Response) -> Response:
    """``after_request``: the headers above, on every response."""
    app = current_app
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(_dash_script_hashes(app))
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    # An association's link holds its token in the path: not even this origin's own
    # requests (its style sheet) carry it as a referrer.
    headers["Referrer-Policy"] = (
        "no-referrer" if request.path.startswith("/forening/") else "same-origin"
    )
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    seconds = int(app.config.get(HSTS_SETTING, DEFAULT_HSTS_SECONDS))
    if seconds > 0 and (request.is_secure or app.config.get("SESSION_COOKIE_SECURE")):
        # Browsers ignore the header on plain HTTP; it only binds a site reached by HTTPS.
        headers["Strict-Transport-Security"] = f"max-age={seconds}; includeSubDomains"
    if "Cache-Control" not in headers and not request.path.startswith(STATIC_PREFIXES):
        headers["Cache-Control"] = "no-store"
    return response


def init_security_headers(app: Flask) -> None:
    """Install :func:`add_security_headers` on ``app`` (after Dash is mounted)."""
    app.after_request(add_security_headers)
