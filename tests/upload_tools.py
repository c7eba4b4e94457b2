"""Large, slow uploads for the load tests and the load bench (one copy of each)."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path


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
