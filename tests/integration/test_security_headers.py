"""Security headers on every kind of response, the cookie's Secure flag and HSTS.

The attack (issue 14, finding 9): no CSP, no framing protection, no
``X-Content-Type-Options``/``Referrer-Policy``/HSTS, Dash responses with counts and
notes cacheable, and the session cookie without ``Secure`` outside the demo. That the
policy keeps every page working is shown in a real browser
(``tests/browser/test_csp_browser.py``).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.wrappers import Response

from dashboard import create_app
from dashboard.security_headers import content_security_policy
from dashboard.state import app_state
from tests.clock import TEST_TODAY
from tests.helpers import call_callback, overview_values, weeks_ago

HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.DOTALL)
API_QUESTION = {"group_by": "area", "from": "2026-09-07", "to": TEST_TODAY.isoformat()}


def directives(response: Response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_protected(response: Response, *, no_store: bool = True) -> None:
    csp = directives(response)
    assert csp["script-src"][0] == "'self'"
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "blob:"} & set(csp["script-src"])
    assert all(v.startswith("'sha256-") for v in csp["script-src"][1:])
    assert csp["connect-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]  # no form post to Plotly's cloud either
    assert csp["img-src"] == ["'self'", "data:", "blob:"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    if no_store:
        assert response.headers["Cache-Control"] == "no-store"


@pytest.fixture
def coordinator(client_as: Callable[[str], FlaskClient]) -> FlaskClient:
    return client_as("samordnare")


def test_pages_callbacks_api_and_errors_carry_the_headers_and_no_store(
    app: Flask, client: FlaskClient, coordinator: FlaskClient
) -> None:
    callback = call_callback(
        coordinator,
        app,
        "ov-top-table.children",
        overview_values("0380", "custom", weeks_ago(12)),
        ["ov-period.start_date"],
    )
    assert callback.status_code == 200 and b"0380-D" in callback.data
    responses = {
        "login page": client.get("/login"),
        "redirect to login": client.get("/planering"),
        "anonymous callback": client.post("/_dash-update-component", json={}),
        "page shell": coordinator.get("/"),
        "layout": coordinator.get("/_dash-layout"),
        "dependencies": coordinator.get("/_dash-dependencies"),
        "callback with counts": callback,
        "api": coordinator.get("/api/v1/aggregates", query_string=API_QUESTION),
        "api error": coordinator.get("/api/v1/finns-inte"),
        "import template": coordinator.get("/importera/mall.csv"),
        "health": client.get("/healthz"),
    }
    assert responses["api"].status_code == 200
    for name, response in responses.items():
        try:
            assert_protected(response)
        except AssertionError as error:  # say which response failed
            raise AssertionError(f"{name}: {error}") from error


def test_static_files_keep_their_caching_but_get_the_other_headers(client: FlaskClient) -> None:
    with client.get("/assets/ssp.css") as response:
        assert response.status_code == 200
        assert_protected(response, no_store=False)
        assert response.headers.get("Cache-Control") != "no-store"


def test_every_inline_script_of_the_page_shell_is_allowed_by_its_hash(
    coordinator: FlaskClient,
) -> None:
    response = coordinator.get("/")
    allowed = set(directives(response)["script-src"])
    page = HTML_COMMENT.sub("", response.get_data(as_text=True))  # (Dash's IE notice)
    inline = [
        m["body"]
        for m in INLINE_SCRIPT.finditer(page)
        if "src=" not in m["attrs"] and "application/json" not in m["attrs"]
    ]
    assert inline, "Dash's renderer start-up script is inline"
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed, body[:80]


def test_the_policy_never_allows_inline_or_eval_scripts() -> None:
    policy = content_security_policy(["'sha256-abc='"])
    script_src = next(p for p in policy.split("; ") if p.startswith("script-src "))
    assert script_src == "script-src 'self' 'sha256-abc='"
    assert "unsafe-eval" not in policy


@pytest.fixture
def served(app: Flask) -> Iterator[Callable[..., Flask]]:
    """Apps on the test's copy of the demo database with other settings."""
    url = app_state(app).engine.url.render_as_string(hide_password=False)

    def _make(**settings: object) -> Flask:
        return create_app(
            {
                "SSP_INSTANCE_PATH": app.config["SSP_INSTANCE_PATH"],
                "DATABASE_URL": url,
                "SECRET_KEY": app.config["SECRET_KEY"],
                "TESTING": True,
                **settings,
            }
        )

    yield _make


def session_cookie(response: Response) -> str:
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return cookie


def test_outside_the_demo_the_cookie_is_secure_and_hsts_is_sent(
    served: Callable[..., Flask],
) -> None:
    production = served()  # SSP_DEMO unset, SSP_COOKIE_SECURE unset
    response = production.test_client().get("/login")
    assert "; Secure" in session_cookie(response)
    assert response.headers["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains")


def test_the_local_demo_keeps_working_over_plain_http(app: Flask, client: FlaskClient) -> None:
    assert app.config["SSP_DEMO"] is True
    response = client.get("/login")
    assert "Secure" not in session_cookie(response)
    assert "Strict-Transport-Security" not in response.headers
    # The same demo reached by HTTPS (a proxy in front) gets HSTS.
    secure = app.test_client().get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_settings_override_the_cookie_and_hsts_defaults(served: Callable[..., Flask]) -> None:
    plain = served(SSP_COOKIE_SECURE=False, SSP_HSTS_SECONDS=0).test_client().get("/login")
    assert "Secure" not in session_cookie(plain)
    assert "Strict-Transport-Security" not in plain.headers
    https = served(SSP_HSTS_SECONDS=0).test_client().get("/login", base_url="https://localhost")
    assert "Strict-Transport-Security" not in https.headers
    demo_secure = served(SSP_DEMO=True, SSP_COOKIE_SECURE=True).test_client().get("/login")
    assert "; Secure" in session_cookie(demo_secure)
