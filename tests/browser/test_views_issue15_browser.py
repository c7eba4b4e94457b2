"""Issue 15 on Översikt in a real browser: what only a browser shows (the quick
period radio following an event, the single-area trend). Accessibility of every page
and role: ``test_accessibility_browser.py``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.periods import window_value
from tests.browser.test_admin_areas_browser import choose
from tests.browser.test_overview_browser import log_in, wait_for_map
from tests.integration.test_overview_issue15 import _valborg

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("SSP_SCREENSHOTS", "")
"""A folder for screenshots of the pages (left empty: none are written)."""

READY = {
    "/": "#ov-map .js-plotly-plot",
    "/tid": "#ev-map .js-plotly-plot",
    "/kalender": "#cal-event-list",
}


def _open(browser: webdriver.Chrome, base: str, path: str) -> None:
    """Open ``path`` and wait until its content is drawn (the first view of a page
    builds its counts: up to two minutes on a busy two-core machine)."""
    browser.get(f"{base}{path}")
    WebDriverWait(browser, 120).until(lambda d: d.find_elements(By.CSS_SELECTOR, READY[path]))
    WebDriverWait(browser, 120).until(
        lambda d: not d.find_elements(By.CSS_SELECTOR, "[data-dash-is-loading='true']")
    )
    if path == "/":
        wait_for_map(browser, timeout=120)


def _shoot(browser: webdriver.Chrome, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(Path(SHOTS) / f"{name}.png"))


def test_choosing_an_event_as_period_leaves_no_quick_period_selected(
    browser: webdriver.Chrome, live_server: str
) -> None:
    """Was: with valborg chosen, "Senaste 4 veckorna" stayed selected."""
    log_in(browser, live_server, "samordnare")
    _open(browser, live_server, "/")
    checked = "#ov-quick-period input:checked"
    assert browser.find_elements(By.CSS_SELECTOR, checked)
    choose(browser, "ov-event-period", window_value(_valborg()))
    WebDriverWait(browser, 30).until(
        lambda d: "händelsen Valborg" in d.find_element(By.ID, "ov-status").text
    )
    assert browser.find_elements(By.CSS_SELECTOR, checked) == []
    # A single area's trend (as a click on the map sets it): bars, a legend, whole numbers.
    browser.execute_script("window.dash_clientside.set_props('ov-focus', {data: '0380-D17'});")
    WebDriverWait(browser, 30).until(
        lambda d: "Demoområde 17" in d.find_element(By.ID, "ov-trend-title").text
    )
    legend = browser.find_elements(By.CSS_SELECTOR, "#ov-trend .legendtext")
    assert any("<5" in e.text for e in legend)
    ticks = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#ov-trend .ytick text")]
    assert ticks and all("." not in t and "," not in t for t in ticks), ticks
    for width, height in ((1440, 900), (390, 844)):
        browser.set_window_size(width, height)
        browser.execute_script(
            "document.getElementById('ov-trend').scrollIntoView({block: 'center'});"
        )
        _shoot(browser, f"overview-valborg-focus-{width}")


def test_overview_csv_downloads_with_a_utf8_bom_and_its_filters(
    browser: webdriver.Chrome, live_server: str, tmp_path: Path
) -> None:
    """The file Excel opens starts with the bytes EF BB BF and names its filters."""
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    log_in(browser, live_server, "samordnare")
    _open(browser, live_server, "/")
    browser.find_element(By.ID, "ov-export").click()
    files = WebDriverWait(browser, 30).until(
        lambda _d: [p for p in tmp_path.glob("*.csv") if p.stat().st_size > 0]
    )
    data = files[0].read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "Kommun;Uppsala" in text and "Områdesnivå;Egna områden" in text
