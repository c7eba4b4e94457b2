"""The byte scanner of the SSPF tear-up tests finds a needle in every spelling it
claims, and refuses a needle too short to be unique (tests/byte_scan.py)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests import byte_scan

MARKER = "Testbarn-MARK-5f3a9c0e7d"


def _spellings(data: bytes) -> set[str]:
    needles = byte_scan.needles({"markör": MARKER})
    return {hit.spelling for hit in byte_scan.scan_bytes("data", data, needles)}


@pytest.mark.parametrize(
    ("data", "spelling"),
    [
        (b"\x00\x01" + MARKER.encode() + b"\xff", "utf-8"),
        (b"\x00" + MARKER.encode("utf-16-le") + b"\x00", "utf-16-le"),
        (MARKER.upper().encode(), "lower"),
        (b"\\x" + MARKER.encode().hex().upper().encode(), "hex"),
    ],
)
def test_each_spelling_is_found(data: bytes, spelling: str) -> None:
    assert spelling in _spellings(data)


def test_nothing_is_found_in_other_bytes() -> None:
    assert _spellings(b"Testbarn-MARK-5f3a9c0e7e " * 100) == set()


def test_a_short_needle_is_refused() -> None:
    with pytest.raises(ValueError, match="too short"):
        byte_scan.needles({"kort": "abc"})


def test_a_tree_scan_reads_every_file(tmp_path: Path) -> None:
    (tmp_path / "uploads").mkdir()
    (tmp_path / "uploads" / "blankett.bin").write_bytes(b"x" + MARKER.encode())
    (tmp_path / "ssp.sqlite-wal").write_bytes(MARKER.encode("utf-16-le"))
    hits = byte_scan.scan_tree(tmp_path, byte_scan.needles({"markör": MARKER}))
    assert {Path(hit.place).name for hit in hits} == {"blankett.bin", "ssp.sqlite-wal"}


def test_the_log_text_holds_the_arguments() -> None:
    record = logging.LogRecord("data", logging.INFO, __file__, 1, "ärende %s", (MARKER,), None)
    assert MARKER.encode() in byte_scan.log_bytes([record])
