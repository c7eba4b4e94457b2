"""The page shell in a real browser (issue 15 regressions): the header folds behind
"Meny" on a phone, the current page is marked, "Tid & händelser" stays on one line,
disabled buttons look disabled, and every Dash page says it is Swedish."""

from __future__ import annotations

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import ids
from dashboard.dash_app import nav_links
from tests.browser.test_csp_browser import PAGES, open_page, settle
from tests.browser.test_overview_browser import log_in, wait_for_map

pytestmark = pytest.mark.browser

CURRENT = """
return Array.from(document.querySelectorAll('#nav a')).map((a) => [
  a.getAttribute('href'), a.getAttribute('aria-current'),
  getComputedStyle(a).backgroundColor, getComputedStyle(a).fontWeight]);
"""


def current_links(browser: webdriver.Chrome) -> list[str]:
    return [href for href, current, *_ in browser.execute_script(CURRENT) if current == "page"]


def test_header_collapses_behind_meny_at_390_and_every_link_is_reachable(
    browser: webdriver.Chrome, live_server: str
) -> None:
    """Issue 15: at 390 px the header did not wrap; Nattvandring, Importera, Kalender,
    the user and "Logga ut" were off-screen."""
    browser.set_window_size(390, 844)
    log_in(browser, live_server, "samordnare")
    wait_for_map(browser, timeout=90)
    button = browser.find_element(By.ID, ids.SHELL_MENU_BUTTON)
    header = browser.find_element(By.ID, ids.HEADER)
    assert button.is_displayed() and button.get_attribute("aria-controls") == ids.SHELL_MENU
    assert header.rect["width"] <= 390
    assert not browser.find_element(By.ID, ids.NAV).is_displayed()
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    links = browser.find_elements(
        By.CSS_SELECTOR, f"#{ids.NAV} a, #{ids.SHELL_ACCOUNT}, #{ids.SHELL_LOGOUT}"
    )
    assert [a.text for a in links][-2:] == ["Mitt konto", "Logga ut"]
    assert len(links) == len(nav_links("coordinator")) + 2  # the pages, Mitt konto, Logga ut
    for link in links:
        rect = link.rect
        assert link.is_displayed(), link.text
        assert rect["x"] >= 0 and rect["x"] + rect["width"] <= 390, link.text
        assert rect["height"] >= 44, link.text  # a finger-sized target
    # Following a link closes the menu again.
    links[1].click()
    WebDriverWait(browser, 10).until(lambda _d: button.get_attribute("aria-expanded") == "false")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390


def test_nav_marks_the_current_page_and_follows_navigation(
    browser: webdriver.Chrome, live_server: str
) -> None:
    """Issue 15: nothing marked the current page in the navigation."""
    log_in(browser, live_server, "samordnare")
    wait_for_map(browser, timeout=90)
    assert current_links(browser) == ["/"]
    styles = {href: (bg, weight) for href, _cur, bg, weight in browser.execute_script(CURRENT)}
    assert styles["/"] != styles["/tid"]  # visibly marked, not only for screen readers
    # A page change inside the app (dcc.Link, no reload) moves the mark.
    browser.find_element(By.CSS_SELECTOR, "#nav a[href='/kalender']").click()
    WebDriverWait(browser, 30).until(lambda d: current_links(d) == ["/kalender"])
    open_page(browser, live_server + "/nattvandring", PAGES["/nattvandring"][0])
    WebDriverWait(browser, 10).until(lambda d: current_links(d) == ["/nattvandring"])
    browser.back()
    WebDriverWait(browser, 30).until(lambda d: current_links(d) == ["/kalender"])


ONE_LINE = """
const a = document.querySelector('#nav a[href="/tid"]');
const probe = document.createElement('span');
probe.textContent = 'T';
a.appendChild(probe);
const line = probe.getBoundingClientRect().height;
probe.remove();
const range = document.createRange();
range.selectNodeContents(a);
return {text: a.textContent, lines: range.getClientRects().length,
        textHeight: range.getBoundingClientRect().height, line: line,
        whiteSpace: getComputedStyle(a).whiteSpace};
"""


@pytest.mark.parametrize("width", [1440, 1024, 390])
def test_tid_och_handelser_link_stays_on_one_line(
    browser: webdriver.Chrome, live_server: str, width: int
) -> None:
    """Issue 15: the link wrapped, so the header read "Tid & Planering"."""
    browser.set_window_size(width, 900)
    log_in(browser, live_server, "samordnare")
    wait_for_map(browser, timeout=90)
    if width < 700:
        browser.find_element(By.ID, ids.SHELL_MENU_BUTTON).click()
    found = browser.execute_script(ONE_LINE)
    assert found["text"] == "Tid & händelser"
    assert found["whiteSpace"] == "nowrap"
    assert found["textHeight"] == pytest.approx(found["line"], abs=1)


DISABLED_LOOK = """
const disabled = document.getElementById(arguments[0]);
const enabled = disabled.cloneNode(true);
enabled.removeAttribute('id');
enabled.disabled = false;
disabled.parentNode.appendChild(enabled);
const look = (el) => { const s = getComputedStyle(el);
  return {opacity: s.opacity, cursor: s.cursor, filter: s.filter, background: s.backgroundColor}; };
const result = {disabled: look(disabled), enabled: look(enabled), isDisabled: disabled.disabled};
enabled.remove();
return result;
"""


def test_disabled_buttons_look_disabled(browser: webdriver.Chrome, live_server: str) -> None:
    """Issue 15: disabled buttons ("2. Kontrollera filen", "3. Importera") looked enabled."""
    log_in(browser, live_server, "samordnare")
    wait_for_map(browser, timeout=90)
    open_page(browser, live_server + "/importera", PAGES["/importera"][0])
    settle(browser)
    for button in (ids.IMPORT_CHECK, ids.IMPORT_RUN):
        look = browser.execute_script(DISABLED_LOOK, button)
        assert look["isDisabled"] is True
        assert look["disabled"]["cursor"] == "not-allowed"
        assert look["enabled"]["cursor"] == "pointer"
        assert float(look["disabled"]["opacity"]) <= 0.6 < float(look["enabled"]["opacity"])
        assert look["disabled"]["background"] != look["enabled"]["background"]


def test_dash_pages_declare_html_lang_sv(browser: webdriver.Chrome, live_server: str) -> None:
    """Issue 15: Dash pages had no ``lang`` (WCAG 3.1.1; axe html-has-lang)."""
    log_in(browser, live_server, "ledning")
    wait_for_map(browser, timeout=90)
    assert browser.execute_script("return document.documentElement.lang") == "sv"
    open_page(browser, live_server + "/konto", PAGES["/konto"][0])
    assert browser.execute_script("return document.documentElement.lang") == "sv"


FOCUS_LOOK = """
const el = document.activeElement;
const s = getComputedStyle(el);
const r = el.getBoundingClientRect();
return {id: el.id, cls: el.className, href: el.getAttribute('href'), outline: s.outlineStyle,
        width: s.outlineWidth, visible: r.left >= 0 && r.width > 0};
"""


def test_skip_link_and_keyboard_focus_are_visible(
    browser: webdriver.Chrome, live_server: str
) -> None:
    """The first Tab shows "Hoppa till innehållet"; Enter moves the focus to the page;
    the focused control has a 3 px outline."""
    log_in(browser, live_server, "samordnare")
    wait_for_map(browser, timeout=90)
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    skip = browser.execute_script(FOCUS_LOOK)
    assert skip["href"] == f"#{ids.SHELL_MAIN}" and skip["visible"]
    assert (skip["outline"], skip["width"]) == ("solid", "3px")
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    WebDriverWait(browser, 5).until(
        lambda d: d.execute_script("return document.activeElement.id") == ids.SHELL_MAIN
    )
    browser.switch_to.active_element.send_keys(Keys.TAB)
    control = browser.execute_script(FOCUS_LOOK)
    assert control["id"] != ids.SHELL_MAIN
    assert (control["outline"], control["width"]) == ("solid", "3px")
