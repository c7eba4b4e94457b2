"""A reporter submits the form; the coordinator's map reflects the report."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from data.privacy.disclosure import NOISE_BOUND
from tests.browser.test_admin_areas_browser import choose
from tests.browser.test_overview_browser import log_in, wait_for_map

pytestmark = pytest.mark.browser
AREA = "0380-D06"
AREA_TEXT = """
const gd = document.querySelector('#ov-map .js-plotly-plot');
for (const trace of gd.data) {
  const i = Array.from(trace.locations).indexOf(arguments[0]);
  if (i >= 0) { return trace.customdata[i][1]; }
}
return null;
"""


def log_out(browser: webdriver.Chrome) -> None:
    """Click "Logga ut" (again, if a re-render swallowed the click) until logged out."""

    def logged_out(driver: webdriver.Chrome) -> bool:
        if "/login" in driver.current_url:
            return True
        driver.execute_script("window.scrollTo(0, 0)")
        buttons = driver.find_elements(By.ID, "logout-button")
        if buttons:
            buttons[0].click()
        return False

    WebDriverWait(browser, 30, poll_frequency=2.0).until(logged_out)


def test_reporter_submits_and_the_coordinators_map_reflects_it(
    browser: webdriver.Chrome, live_server: str, tmp_path: Path
) -> None:
    log_in(browser, live_server, "samordnare")
    wait_for_map(browser)
    before = WebDriverWait(browser, 30).until(lambda d: d.execute_script(AREA_TEXT, AREA))
    log_out(browser)

    log_in(browser, live_server, "rapportor")
    wait_for_map(browser)
    browser.find_element(By.LINK_TEXT, "Rapportera").click()
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, "rp-area"))
    choose(browser, "rp-area", AREA)
    choose(browser, "rp-category", "vald")
    count = browser.find_element(By.ID, "rp-count")
    count.clear()
    count.send_keys("7")
    browser.find_element(By.ID, "rp-note").send_keys("Bråk mellan två grupper vid busshållplatsen")
    browser.find_element(By.ID, "rp-submit").click()
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, "report-saved"))
    browser.save_screenshot(str(tmp_path / "report.png"))
    log_out(browser)

    log_in(browser, live_server, "samordnare")
    wait_for_map(browser)
    after = WebDriverWait(browser, 30).until(lambda d: d.execute_script(AREA_TEXT, AREA))
    assert after != before
    assert after != "<5"
    if before != "<5":
        # Both numbers carry the cell key method's noise (at most ±2 each).
        assert abs(int(after) - (int(before) + 7)) <= 2 * NOISE_BOUND
    else:
        assert int(after) >= 5
