"""The demo served by gunicorn, and large, slow uploads: one copy of each for the
serving and load tests and the load bench."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    """A loopback port nobody listens on (now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def demo_instance(
    folder: Path, *, today: date | None = None, days: int | None = None, timeout: float = 600
) -> dict[str, str]:
    """``make run``'s database (init-db, demo) in ``folder``; the server's environment.
    ``today`` pins the app's clock (``SSP_TODAY``), ``days`` shortens the demo."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    env.update({"SSP_INSTANCE_PATH": str(folder), "SSP_DEMO": "1"})
    if today is not None:
        env["SSP_TODAY"] = today.isoformat()
    demo = ["ssp", "demo"] if days is None else ["ssp", "demo", "--days", str(days)]
    for args in (["ssp", "init-db"], demo):
        subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", *args],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=timeout,
        )
    return env


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str], workers: int = 2, *extra: str, start_seconds: float = 120
) -> Iterator[str]:
    """gunicorn on loopback as ``make run`` starts it (gunicorn.conf.py applies); its
    base URL once ``/healthz`` answers."""
    port = free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            f"{workers}",
            *extra,
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_seconds
        while True:
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                msg = "gunicorn did not start"
                raise RuntimeError(msg)
            time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=60)


def synthetic_csv(path: Path, size: int, day: date) -> Path:
    """A valid observation file of about ``size`` bytes: a block of synthetic rows on
    ``day``, repeated."""
    rows = "".join(
        f"{day.isoformat()};kväll;0380-D{1 + i % 24:02d};samling;fritid;{1 + i % 3}\n"
        for i in range(20_000)
    ).encode()
    with path.open("wb") as out:
        out.write(b"datum;tid;omrade;kategori;kalla;antal\n")
        while out.tell() + len(rows) <= size:
            out.write(rows)
    return path


class SlowFile:
    """A file body that sends itself in about ``seconds`` (Content-Length is set), as a
    slow connection would."""

    def __init__(self, path: Path, seconds: float) -> None:
        self.handle = path.open("rb")
        self.size = path.stat().st_size
        self.pause = seconds / max(1, self.size // (1024 * 1024))
        self.sent = 0

    def __len__(self) -> int:
        return self.size

    def read(self, amount: int = -1) -> bytes:
        block = self.handle.read(amount)
        before, self.sent = self.sent, self.sent + len(block)
        if self.sent // (1024 * 1024) != before // (1024 * 1024):
            time.sleep(self.pause)
        return block
