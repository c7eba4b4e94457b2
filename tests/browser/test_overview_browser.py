"""What a person clicks: log in, see the map, change a filter, see map and trend change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

MAP_STATE = """
const gd = document.querySelector('#ov-map .js-plotly-plot');
if (!gd || !gd.data || gd.data.length < 2 || !gd._fullData) { return null; }
const canvas = document.querySelector('#ov-map canvas');
const trend = document.querySelector('#ov-trend .js-plotly-plot');
if (!canvas || !trend || !trend.data || !trend.data.length) { return null; }
return {
  locations: gd.data[0].locations.length + gd.data[1].locations.length,
  z: Array.from(gd.data[0].z),
  zsum: Array.from(gd.data[0].z).reduce((a, b) => a + b, 0),
  trend: Array.from(trend.data[0].y),
  canvasWidth: canvas.width,
};
"""


def log_in(browser: webdriver.Chrome, base: str, username: str) -> None:
    browser.get(f"{base}/login")
    browser.find_element(By.ID, "username").send_keys(username)
    browser.find_element(By.ID, "password").send_keys(DEMO_PASSWORD)
    browser.find_element(By.ID, "login-submit").click()


def wait_for_map(browser: webdriver.Chrome, timeout: float = 60) -> dict[str, Any]:
    state: dict[str, Any] = WebDriverWait(browser, timeout).until(
        lambda d: d.execute_script(MAP_STATE)
    )
    return state


def test_coordinator_sees_map_trend_and_table_and_a_filter_changes_them(
    browser: webdriver.Chrome, live_server: str, tmp_path: Path
) -> None:
    log_in(browser, live_server, "samordnare")
    before = wait_for_map(browser)
    assert before["locations"] == 24
    assert before["canvasWidth"] > 0
    rows = browser.find_elements(By.CSS_SELECTOR, "#top-areas-table tbody tr")
    assert len(rows) == 10
    assert "DEMO" in browser.find_element(By.ID, "demo-badge").text

    # Quick pick "Senaste 12 månaderna": 13 times the period, so the values change.
    label = browser.find_element(
        By.XPATH, "//*[@id='ov-quick-period']//label[contains(., 'Senaste 12 månaderna')]"
    )
    label.click()
    after: dict[str, Any] = WebDriverWait(browser, 30).until(
        lambda d: (s := d.execute_script(MAP_STATE)) and s["z"] != before["z"] and s
    )
    assert after["zsum"] > before["zsum"]
    assert len(before["trend"]) == 12  # a short period is shown with 12 weeks of context
    assert len(after["trend"]) == 52
    assert after["locations"] == 24
    browser.save_screenshot(str(tmp_path / "overview.png"))
    assert (tmp_path / "overview.png").stat().st_size > 20_000

    # Offline by construction: every resource the page loaded came from our server.
    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert resources
    assert [r for r in resources if not r.startswith(live_server)] == []


def test_clicking_an_area_filters_the_trend(browser: webdriver.Chrome, live_server: str) -> None:
    log_in(browser, live_server, "samordnare")
    wait_for_map(browser)
    click = (
        "const gd = document.querySelector('#ov-map .js-plotly-plot');"
        "gd.emit('plotly_click', {points: [{curveNumber: 0, location: gd.data[0].locations[0]}]});"
    )

    def clicked(driver: webdriver.Chrome) -> bool:
        # Plotly binds its click handlers once the map has finished drawing: a
        # click before that is lost, so click again, as a person would.
        if "Demoområde" in driver.find_element(By.ID, "ov-trend-title").text:
            return True
        driver.execute_script(click)
        return False

    WebDriverWait(browser, 30, poll_frequency=1.0).until(clicked)
    # The notes panel follows the focus (the demo has no notes: the calm text).
    WebDriverWait(browser, 30).until(
        lambda d: "Inga anteckningar" in d.find_element(By.ID, "ov-notes").text
    )
    browser.find_element(By.ID, "ov-focus-clear").click()
    WebDriverWait(browser, 30).until(
        lambda d: "hela urvalet" in d.find_element(By.ID, "ov-trend-title").text
    )
    WebDriverWait(browser, 30).until(
        lambda d: "Klicka på ett område" in d.find_element(By.ID, "ov-notes").text
    )


def test_anonymous_visitor_lands_on_the_login_page(
    browser: webdriver.Chrome, live_server: str
) -> None:
    browser.get(f"{live_server}/")
    assert "/login" in browser.current_url
    assert browser.find_element(By.TAG_NAME, "h1").text == "SSP Lägesbild"
    listed = browser.find_element(By.CLASS_NAME, "demo-accounts").text
    assert "samordnare" in listed and "ledning" in listed
