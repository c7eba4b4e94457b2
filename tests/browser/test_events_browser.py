"""Tid & händelser in a real browser: pick an event as the period, see the map and the
year-over-year chart change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.pages.events_page import default_year
from dashboard.periods import window_value
from data.calendar.windows import event_windows
from tests.browser.test_admin_areas_browser import choose
from tests.browser.test_overview_browser import log_in, wait_for_map
from tests.clock import TEST_TODAY

pytestmark = pytest.mark.browser

EVENT_STATE = """
const map = document.querySelector('#ev-map .js-plotly-plot');
const yoy = document.querySelector('#ev-yoy .js-plotly-plot');
const heat = document.querySelector('#ev-heatmap .js-plotly-plot');
if (!map || !map.data || map.data.length < 2 || !map.layout || !map.layout.title) { return null; }
if (!yoy || !yoy.data || !yoy.data.length || !heat || !heat.data) { return null; }
if (!document.querySelector('#ev-map canvas')) { return null; }
return {
  title: map.layout.title.text,
  z: Array.from(map.data[0].z),
  yoyX: Array.from(yoy.data[0].x),
  yoyY: Array.from(yoy.data[0].y),
  summary: document.querySelector('#ev-summary-text').innerText,
  ranked: document.querySelectorAll('#ev-ranked-table tbody tr').length,
};
"""


def state(browser: webdriver.Chrome, title: str) -> dict[str, Any]:
    found: dict[str, Any] = WebDriverWait(browser, 60).until(
        lambda d: (s := d.execute_script(EVENT_STATE)) and s["title"] == title and s
    )
    return found


def test_choosing_valborg_changes_the_map_and_the_year_over_year_chart(
    browser: webdriver.Chrome, live_server: str, tmp_path: Path
) -> None:

    year = default_year(TEST_TODAY)
    windows = {w.key: w for w in event_windows(year)}
    log_in(browser, live_server, "samordnare")
    wait_for_map(browser)
    browser.find_element(By.LINK_TEXT, "Tid & händelser").click()
    first = state(browser, f"Valborg {year}")  # valborg is chosen first
    choose(browser, "ev-event", window_value(windows["midsommar"]))
    midsommar = state(browser, f"Midsommar {year}")
    choose(browser, "ev-event", window_value(windows["valborg"]))
    valborg = state(browser, f"Valborg {year}")
    assert valborg["z"] != midsommar["z"]
    assert valborg["yoyY"] != midsommar["yoyY"]
    assert str(year) in valborg["yoyX"]
    assert valborg == first  # the same question gives the same published numbers
    assert "gånger det vanliga" in valborg["summary"]
    assert valborg["ranked"] > 10
    browser.save_screenshot(str(tmp_path / "tid.png"))
    assert (tmp_path / "tid.png").stat().st_size > 20_000
