"""Screenshots of the main pages for the README, taken by the browser.

A coordinator opens each main page at 1440×900, and Översikt and Nattvandring at
390×844 (a phone), waits until the page has drawn and settled, and saves a PNG to
the folder named by ``SSP_SCREENSHOT_DIR`` (default: the test's temporary folder):
``SSP_SCREENSHOT_DIR=docs/screenshots`` refreshes the README's pictures.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest
from selenium import webdriver

from tests.browser.test_csp_browser import PAGES, open_page, settle
from tests.browser.test_overview_browser import log_in, wait_for_map

pytestmark = pytest.mark.browser

WIDE = (1440, 900)
PHONE = (390, 844)
SHOTS: tuple[tuple[str, str, tuple[int, int]], ...] = (
    ("oversikt", "/", WIDE),
    ("tid", "/tid", WIDE),
    ("planering", "/planering", WIDE),
    ("rapportera", "/rapportera", WIDE),
    ("nattvandring", "/nattvandring", WIDE),
    ("importera", "/importera", WIDE),
    ("kalender", "/kalender", WIDE),
    ("oversikt-mobil", "/", PHONE),
    ("nattvandring-mobil", "/nattvandring", PHONE),
)
"""File name (without .png), page and window size of each screenshot."""
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def screenshot_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SSP_SCREENSHOT_DIR") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header (its IHDR chunk)."""
    head = path.read_bytes()[:24]
    assert head[:8] == PNG_SIGNATURE, f"{path.name} is not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_screenshots_of_the_main_pages(
    browser: webdriver.Chrome, live_server: str, tmp_path: Path
) -> None:
    folder = screenshot_dir(tmp_path)
    log_in(browser, live_server, "samordnare")
    wait_for_map(browser, timeout=90)
    for name, path, (width, height) in SHOTS:
        browser.set_window_size(width, height)
        drawn, _interact = PAGES[path]
        open_page(browser, live_server + path, drawn)
        settle(browser)
        browser.execute_script("window.scrollTo(0, 0)")
        target = folder / f"{name}.png"
        assert browser.save_screenshot(str(target)), name
        shot_width, shot_height = png_size(target)
        # A drawn page, not a blank one: a real size and more than a few kilobytes.
        assert shot_width >= width * 0.9 and shot_height >= height * 0.5, (name, shot_width)
        assert target.stat().st_size > 20_000, name
