"""A phone, 360×740: no page scrolls sideways for any role, and the header's links
are all reachable with the keyboard through the "Meny" button.

(Headless Chromium's window has no browser chrome: the window size is the viewport.)
"""

from __future__ import annotations

from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import ids
from tests.browser.test_csp_browser import PAGES, ROLE_PAGES, open_page, settle
from tests.browser.test_overview_browser import log_in, wait_for_map

pytestmark = pytest.mark.browser

PHONE = (360, 740)

OVERFLOW = """
const width = window.innerWidth;
const wide = Array.from(document.querySelectorAll('body *')).filter((el) => {
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.right > width + 1 && getComputedStyle(el).position !== 'fixed';
}).slice(0, 5).map((el) => el.tagName + '#' + el.id + '.' + el.className
  + ' ' + Math.round(el.getBoundingClientRect().right));
return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, wide: wide};
"""

LINK_STATE = """
const el = arguments[0];
const r = el.getBoundingClientRect();
return {focused: document.activeElement === el, visible: r.width > 0 && r.height > 0,
        inside: r.left >= 0 && r.right <= window.innerWidth && r.top >= 0
                && r.bottom <= window.innerHeight,
        height: r.height};
"""


def header_links(browser: webdriver.Chrome) -> list[Any]:
    """The navigation links, "Mitt konto" and "Logga ut", in the header's order."""
    return browser.find_elements(
        By.CSS_SELECTOR, f"#{ids.NAV} a, #{ids.SHELL_ACCOUNT}, #{ids.SHELL_LOGOUT}"
    )


def tab_to_each_header_link(browser: webdriver.Chrome) -> dict[str, dict[str, Any]]:
    """Open the menu with Enter on "Meny", then Tab through it: each link's state
    when it has the focus (focused, visible, inside the viewport)."""
    button = browser.find_element(By.ID, ids.SHELL_MENU_BUTTON)
    assert button.is_displayed()
    assert button.get_attribute("aria-expanded") == "false"
    assert not browser.find_element(By.ID, ids.NAV).is_displayed()
    browser.execute_script("arguments[0].focus()", button)
    button.send_keys(Keys.ENTER)
    WebDriverWait(browser, 5).until(lambda _d: button.get_attribute("aria-expanded") == "true")
    seen: dict[str, dict[str, Any]] = {}
    for link in header_links(browser):
        browser.switch_to.active_element.send_keys(Keys.TAB)
        if browser.switch_to.active_element != link:  # the user's name is not a stop
            browser.switch_to.active_element.send_keys(Keys.TAB)
        seen[link.text] = browser.execute_script(LINK_STATE, link)
    return seen


@pytest.mark.parametrize("username", list(ROLE_PAGES))
def test_phone_no_page_scrolls_sideways_and_every_header_link_is_reachable(
    browser: webdriver.Chrome, live_server: str, username: str
) -> None:
    browser.set_window_size(*PHONE)
    log_in(browser, live_server, username)
    wait_for_map(browser, timeout=90)
    assert browser.execute_script("return window.innerWidth") == PHONE[0]
    sideways: dict[str, Any] = {}
    for path in ROLE_PAGES[username]:
        drawn, _interact = PAGES[path]
        open_page(browser, live_server + path, drawn)
        settle(browser)
        state = browser.execute_script(OVERFLOW)
        if state["scrollWidth"] > state["innerWidth"]:
            sideways[path] = state
    assert sideways == {}

    open_page(browser, live_server + "/", PAGES["/"][0])
    settle(browser)
    seen = tab_to_each_header_link(browser)
    expected = {"focused": True, "visible": True, "inside": True}
    assert len(seen) >= 3
    problems = {
        name: state
        for name, state in seen.items()
        if {k: state[k] for k in expected} != expected or state["height"] < 44
    }
    assert problems == {}
