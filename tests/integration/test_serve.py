"""What ``make run`` does, end to end: init-db, demo, gunicorn on loopback, /healthz."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.clock import TEST_TODAY
from tests.upload_tools import demo_instance, free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def get(url: str) -> tuple[int, str, str]:
    request = urllib.request.Request(url)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=5) as response:
            return response.status, response.read().decode(), response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers.get("Location", "")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@pytest.fixture
def instance(tmp_path: Path) -> dict[str, str]:
    return demo_instance(tmp_path, today=TEST_TODAY, days=90, timeout=120)


def test_gunicorn_serves_the_demo(instance: dict[str, str], tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2", "wsgi:app"],
        cwd=ROOT,
        env=instance,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        status = 0
        while time.monotonic() < deadline:
            try:
                status, body, _ = get(f"{base}/healthz")
                break
            except OSError:
                time.sleep(0.3)
        assert status == 200
        assert '"database":"ok"' in body.replace(" ", "")
        status, _, location = get(f"{base}/")
        assert status == 302 and "/login" in location
        status, page, _ = get(f"{base}/login")
        assert status == 200 and "samordnare" in page
        assert (tmp_path / "demo-password.txt").exists()
    finally:
        server.terminate()
        server.wait(timeout=30)
