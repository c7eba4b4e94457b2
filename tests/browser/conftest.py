"""Real headless Chromium (Debian's chromium + chromium-driver) against a live server."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from werkzeug.serving import make_server

from tests.conftest import require

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def session_cookies_only(wsgi_app: WSGIApplication) -> WSGIApplication:
    """Drop ``Expires``/``Max-Age`` from cookies the app sets.

    The server runs on the tests' frozen clock, Chromium on the real one: a cookie
    that expires eight hours after a frozen date in the past would be thrown away by
    the browser at once. The server still checks the session's age on its own clock.
    """

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            kept = [
                (name, _without_expiry(value) if name.lower() == "set-cookie" else value)
                for name, value in headers
            ]
            return start_response(status, kept, *args)

        return wsgi_app(environ, start)

    return app


def _without_expiry(cookie: str) -> str:
    parts = [
        p for p in cookie.split(";") if not p.strip().lower().startswith(("expires=", "max-age="))
    ]
    return ";".join(parts)


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    """Serve the session's app on a free loopback port; yield its base URL."""
    server = make_server("127.0.0.1", 0, session_cookies_only(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    """Headless Chromium with no background networking (the machine is offline)."""
    require(
        bool(shutil.which("chromium")) and bool(shutil.which("chromedriver")),
        "Debian chromium and chromium-driver are not installed (make test installs them)",
    )
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--use-angle=swiftshader",
        "--enable-unsafe-swiftshader",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--window-size=1400,1000",
        "--lang=sv-SE",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
