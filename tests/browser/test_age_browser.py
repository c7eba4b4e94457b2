"""The Ålder filter on Översikt as a person uses it: tick 13–15 år, see the map, the trend
and the link change, open the link and find the filter ticked."""

from __future__ import annotations

from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import ids
from tests.browser.test_overview_browser import MAP_STATE, log_in, wait_for_map

pytestmark = pytest.mark.browser

TICKED = f"""
return Array.from(document.querySelectorAll('#{ids.OV_AGES} input[type=checkbox]'))
  .filter(i => i.checked).map(i => i.value);
"""


def test_ticking_13_15_narrows_the_map_and_trend_and_stays_in_the_link(
    browser: webdriver.Chrome, live_server: str
) -> None:
    log_in(browser, live_server, "samordnare")
    before = wait_for_map(browser, timeout=90)
    label = browser.find_element(By.XPATH, f"//label[@for='{ids.OV_AGES}']")
    assert label.text == "Ålder" and label.is_displayed()
    browser.find_element(
        By.XPATH, f"//*[@id='{ids.OV_AGES}']//label[contains(., '13–15 år')]"
    ).click()
    after: dict[str, Any] = WebDriverWait(browser, 60).until(
        lambda d: (s := d.execute_script(MAP_STATE)) and s["z"] != before["z"] and s
    )
    assert after["zsum"] < before["zsum"]
    assert after["trend"] != before["trend"]
    status = browser.find_element(By.ID, ids.STATUS).text
    assert "Ålder: 13–15 år" in status

    def link_with_age(driver: webdriver.Chrome) -> str | bool:
        value = driver.find_element(By.ID, ids.OV_LINK).get_attribute("value") or ""
        return value if "alder=13-15" in value else False

    link = str(WebDriverWait(browser, 30).until(link_with_age))
    browser.get(link if link.startswith("http") else live_server + link)
    wait_for_map(browser, timeout=90)
    assert browser.execute_script(TICKED) == ["13-15"]
