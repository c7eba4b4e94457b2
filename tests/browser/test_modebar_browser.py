"""In the browser, no chart's mode bar offers to send it to Plotly's cloud (issue 14, 8)."""

from __future__ import annotations

from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.test_overview_browser import log_in, wait_for_map

pytestmark = pytest.mark.browser

MODEBARS = """
const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
if (plots.length < 2 || plots.some(p => !p._context)) { return null; }
return plots.map(p => ({
  cloud: p._context.showSendToCloud,
  server: p._context.plotlyServerURL,
  logo: p._context.displaylogo,
  buttons: Array.from(p.querySelectorAll('.modebar-btn')).map(
    b => (b.getAttribute('data-title') || '') + '|' + (b.getAttribute('href') || '')
  ),
}));
"""


def test_no_chart_offers_share_chart_or_a_plotly_link(
    browser: webdriver.Chrome, live_server: str
) -> None:
    log_in(browser, live_server, "samordnare")
    wait_for_map(browser)
    ActionChains(browser).move_to_element(browser.find_element(By.ID, "ov-trend")).perform()
    charts: list[dict[str, Any]] = WebDriverWait(browser, 30).until(
        lambda d: d.execute_script(MODEBARS)
    )
    assert len(charts) == 2
    for chart in charts:
        assert chart["cloud"] is False and chart["server"] == "" and chart["logo"] is False
        assert chart["buttons"], "the mode bar is there (download, zoom …)"
        for button in chart["buttons"]:
            assert "Share" not in button and "Chart Studio" not in button
            assert "plotly.com" not in button and "plot.ly" not in button
