"""Issue 16 acceptance in a real browser: the leadership demo user opens Lägesbild,
changes the period, downloads the PDF and opens the archive; a coordinator writes a
bedömning and publishes it, and leadership then finds it in the archive."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.print_page_options import PrintOptions
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import ids
from tests.browser.axe import axe_violations
from tests.browser.test_admin_areas_browser import click_radio
from tests.browser.test_overview_browser import log_in
from tests.pdf_checks import page_ink, pdf_pages

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/lagesbild")
STATUS = f"return (document.getElementById('{ids.LB_STATUS}') || {{}}).textContent || '';"
TREND = (
    f"const gd = document.querySelector('#{ids.LB_TREND} .js-plotly-plot');"
    "return !!(gd && gd.data && gd.data.length && gd._fullLayout);"
)
MAP = (
    "const img = document.querySelector('img.lb-map');"
    "return !!(img && img.complete && img.naturalWidth > 0);"
)


BEYOND_RIGHT = """
const w = document.documentElement.clientWidth;
const clipped = el => {
  for (let p = el.parentElement; p; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== 'visible') { return true; }
  }
  return false;
};
return [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > w + 1 && !clipped(el))
  .slice(0, 10).map(el => el.tagName + '.' + el.className + ' ' + el.getBoundingClientRect().right);
"""
"""JS: the elements that reach past the right edge (what makes a page scroll sideways)."""


def _drawn(browser: webdriver.Chrome) -> str:
    WebDriverWait(browser, 90).until(lambda d: d.execute_script(TREND) and d.execute_script(MAP))
    status: str = browser.execute_script(STATUS)
    return status


def _downloaded(folder: Path) -> Callable[[webdriver.Chrome], list[Path]]:
    def check(_driver: webdriver.Chrome) -> list[Path]:
        return [p for p in folder.iterdir() if p.suffix == ".pdf"]

    return check


def _log_in(browser: webdriver.Chrome, base: str, username: str) -> None:
    """Log in and wait until the app has answered (the login's redirect), so the next
    address typed is not lost to a navigation still in flight."""
    log_in(browser, base, username)
    WebDriverWait(browser, 60).until(
        lambda d: "/login" not in d.current_url and d.find_elements(By.ID, ids.NAV)
    )


def _logout(browser: webdriver.Chrome, base: str) -> None:
    browser.delete_all_cookies()
    browser.get(f"{base}/login")


def test_leadership_reads_downloads_and_a_coordinator_publishes(
    browser: webdriver.Chrome, live_server: str, tmp_path: Path
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    # Leadership: the page, another period, the PDF, the (empty) archive.
    _log_in(browser, live_server, "ledning")
    browser.get(f"{live_server}/lagesbild")
    first = _drawn(browser)
    assert "för kommunledningen" in first
    browser.save_screenshot(str(SHOTS / "ledning-1440.png"))
    assert axe_violations(browser) == []
    click_radio(browser, ids.LB_KIND, "tertial")
    WebDriverWait(browser, 60).until(lambda d: d.execute_script(STATUS) != first)
    tertial = _drawn(browser)
    assert "2026-09-01" in tertial and "Perioden pågår" in tertial  # the running tertial
    # The address bar follows (a permalink), and the link field holds the same address.
    WebDriverWait(browser, 30).until(
        lambda d: "typ=tertial" in d.execute_script("return window.location.search")
    )
    shared = browser.find_element(By.ID, ids.LB_LINK).get_attribute("value") or ""
    assert shared.endswith(browser.execute_script("return location.pathname + location.search"))
    browser.find_element(By.ID, ids.LB_PDF).click()
    pdfs = WebDriverWait(browser, 60).until(_downloaded(downloads))
    raw = pdfs[0].read_bytes()
    assert "Lägesbild" in " ".join(pdf_pages(raw))
    assert all(share > 0.001 for share in page_ink(raw))
    browser.set_window_size(390, 844)
    narrow = "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    try:  # the charts follow the window (Plotly resizes them after a short delay)
        WebDriverWait(browser, 10).until(lambda d: d.execute_script(narrow))
    except TimeoutException:
        pytest.fail(f"the page scrolls sideways on a phone: {browser.execute_script(BEYOND_RIGHT)}")
    browser.save_screenshot(str(SHOTS / "ledning-390.png"))
    browser.set_window_size(1400, 1000)
    browser.get(f"{live_server}/lagesbild/arkiv")
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.ID, ids.LB_ARCHIVE_PAGE))
    assert (
        "Inga lägesbilder är publicerade" in browser.find_element(By.ID, ids.LB_ARCHIVE_PAGE).text
    )
    # The coordinator writes a bedömning and publishes last month's lägesbild.
    _logout(browser, live_server)
    _log_in(browser, live_server, "samordnare")
    browser.get(f"{live_server}/lagesbild")
    _drawn(browser)
    text = "Lugnare vid centrum efter nattvandringarna; fortsatt oro vid skolan."
    box = browser.find_element(By.ID, ids.LB_ASSESSMENT)
    box.clear()
    box.send_keys(text)
    browser.find_element(By.ID, ids.LB_PUBLISH).click()
    WebDriverWait(browser, 30).until(expected_conditions.alert_is_present()).accept()
    WebDriverWait(browser, 60).until(
        lambda d: "publicerad" in d.find_element(By.ID, ids.LB_WRITE_RESULT).text
    )
    browser.save_screenshot(str(SHOTS / "samordnare-published.png"))
    # Leadership finds it in the archive, with the bedömning in the PDF.
    _logout(browser, live_server)
    _log_in(browser, live_server, "ledning")
    browser.get(f"{live_server}/lagesbild/arkiv")
    link = WebDriverWait(browser, 60).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, f"#{ids.LB_ARCHIVE_TABLE} a")
    )[0]
    browser.save_screenshot(str(SHOTS / "ledning-arkiv.png"))
    before = set(_downloaded(downloads)(browser))
    link.click()
    fresh = WebDriverWait(browser, 60).until(
        lambda d: [p for p in _downloaded(downloads)(d) if p not in before]
    )
    assert "centrum efter nattvandringarna" in " ".join(pdf_pages(fresh[0].read_bytes()))
    assert axe_violations(browser) == []


def test_lagesbild_prints_the_briefing_without_controls(
    browser: webdriver.Chrome, live_server: str
) -> None:
    """Print (issue 16 item 5): the briefing with its map, trend and method on paper;
    no navigation, no buttons, no writing box."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    _log_in(browser, live_server, "samordnare")
    browser.get(f"{live_server}/lagesbild")
    _drawn(browser)
    options = PrintOptions()
    options.background = True
    raw = base64.b64decode(browser.print_page(options))
    (SHOTS / "print.pdf").write_bytes(raw)
    text = " ".join(pdf_pages(raw))
    for present in ("Nyckeltal", "Karta", "Metod", "Uppsala"):
        assert present in text, present
    for absent in ("Logga ut", "Publicera lägesbilden", "Spara bedömningen", "Ladda ner PDF"):
        assert absent not in text, absent
    ink = page_ink(raw)
    assert ink and all(share > 0 for share in ink), ink  # no blank page
    assert ink[0] > 0.005, ink  # the first page is not a title on white
    assert len(ink) <= 8, "the briefing prints on a few pages"
