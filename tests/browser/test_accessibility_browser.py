"""WCAG 2.1 AA in a real browser: axe-core on every page for every role, and the
overview's filters used with the keyboard only.

Each role opens every page it may see (the pages and roles of
``tests/browser/test_csp_browser.py``), waits until the page has drawn and settled,
and axe-core (``tests/browser/axe.py``) must find no serious or critical violation.
"""

from __future__ import annotations

from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import ids
from tests.browser.axe import axe_violations, summary
from tests.browser.test_csp_browser import PAGES, ROLE_PAGES, open_page, settle
from tests.browser.test_overview_browser import MAP_STATE, log_in, wait_for_map

pytestmark = pytest.mark.browser


def page_violations(browser: webdriver.Chrome, base: str, username: str) -> dict[str, list[Any]]:
    """axe's serious and critical violations on every page ``username`` may see."""
    found: dict[str, list[Any]] = {}
    for path in ROLE_PAGES[username]:
        drawn, _interact = PAGES[path]
        open_page(browser, base + path, drawn)
        settle(browser)
        violations = axe_violations(browser)
        if violations:
            found[path] = violations
    return found


@pytest.mark.parametrize("username", list(ROLE_PAGES))
def test_every_page_has_no_serious_or_critical_axe_violation(
    browser: webdriver.Chrome, live_server: str, username: str
) -> None:
    log_in(browser, live_server, username)
    wait_for_map(browser, timeout=90)
    found = page_violations(browser, live_server, username)
    report = {path: summary(v) for path, v in found.items()}
    for path, lines in report.items():
        print(f"{username} {path}:", *lines, sep="\n  ")
    total = sum(v["count"] for vs in found.values() for v in vs)
    assert report == {}, f"{total} violations"


FOCUSED = """
const el = document.activeElement;
if (!el || el === document.body) { return null; }
if (el.matches('input[type=radio], input[type=checkbox]')) { return 'group:' + el.name; }
return el.id || el.getAttribute('href') || el.tagName;
"""


def tab_stops(browser: webdriver.Chrome, limit: int = 80) -> list[str]:
    """Press Tab from the top of the page ``limit`` times (or until the focus comes
    round again); what had the focus at each stop."""
    browser.execute_script("document.activeElement && document.activeElement.blur()")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    stops: list[str] = []
    for _ in range(limit):
        focused = browser.execute_script(FOCUSED)
        if focused in stops[:1]:
            break
        stops.append(focused)
        browser.switch_to.active_element.send_keys(Keys.TAB)
    return stops


def test_overview_filters_and_nav_links_are_reached_with_tab_and_a_radio_changes_by_keyboard(
    browser: webdriver.Chrome, live_server: str
) -> None:
    log_in(browser, live_server, "samordnare")
    before = wait_for_map(browser, timeout=90)
    settle(browser)
    stops = tab_stops(browser)
    nav = browser.find_elements(By.CSS_SELECTOR, "#nav a")
    nav_paths = [str(a.get_attribute("href")).removeprefix(live_server) for a in nav]
    filters = [
        f"group:{ids.LEVEL}",
        f"group:{ids.MEASURE}",
        f"group:{ids.QUICK_PERIOD}",
        ids.PERIOD,
        f"{ids.PERIOD}-end-date",
        ids.EVENT_PERIOD,
        ids.CATEGORIES,
        ids.SOURCES,
    ]
    if browser.find_element(By.ID, ids.KOMMUN).is_enabled():
        filters.insert(0, ids.KOMMUN)
    # the coordinator's pages, with Mina rapporter, Lägesbild, Veckans lägesbild, Samverkan
    # and SSPF-ärenden
    assert len(nav_paths) == 12
    missing = [stop for stop in nav_paths + filters if stop not in stops]
    assert missing == [], stops
    # The skip link comes first and the navigation before the filters.
    assert stops[0] == f"#{ids.SHELL_MAIN}"
    assert stops.index(nav_paths[-1]) < stops.index(f"group:{ids.LEVEL}")

    # "Senaste 12 veckorna" with the arrow key: the checked radio is the group's stop.
    checked = browser.find_element(By.CSS_SELECTOR, f"#{ids.QUICK_PERIOD} input:checked")
    for _ in range(len(stops)):
        if browser.switch_to.active_element == checked:
            break
        browser.switch_to.active_element.send_keys(Keys.TAB)
    assert browser.switch_to.active_element == checked
    browser.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    now = browser.find_element(By.CSS_SELECTOR, f"#{ids.QUICK_PERIOD} input:checked")
    assert now.get_attribute("value") != checked.get_attribute("value")
    after = WebDriverWait(browser, 60).until(
        lambda d: (s := d.execute_script(MAP_STATE)) and s["z"] != before["z"] and s
    )
    assert len(after["trend"]) != len(before["trend"]) or after["zsum"] != before["zsum"]
