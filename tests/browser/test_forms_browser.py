"""Issue 15, forms in a real browser: accessible names and marked errors (axe), one
report per double click, drafts that survive a reload until saved, the walk rows at
phone width, and a walk report filed with the keyboard only at 360 px."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from flask import Flask
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import func, select

from dashboard import ids
from dashboard.state import app_state
from data.storage.models import Observation, WalkReport
from tests.browser.axe import axe_violations, summary
from tests.browser.test_admin_areas_browser import choose, click_radio
from tests.browser.test_overview_browser import log_in
from tests.browser.test_walk_browser import type_into
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/forms")


def shot(browser: webdriver.Chrome, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / f"{name}.png"))


def open_page(browser: webdriver.Chrome, base: str, path: str, ready: str) -> None:
    browser.get(f"{base}{path}")
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.ID, ready))
    time.sleep(0.5)  # the page script names the controls after Dash has drawn them


def signed_in(browser: webdriver.Chrome, base: str, username: str) -> None:
    log_in(browser, base, username)
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.ID, ids.NAV))


FORM_PAGES = (
    ("/rapportera", ids.REPORT_SUBMIT),
    ("/nattvandring", ids.WALK_SUBMIT),
    ("/mina-rapporter", ids.MY_REPORTS_PAGE),
)


@pytest.mark.parametrize("username", ["samordnare", "rapportor", "polis"])
def test_form_pages_have_no_serious_or_critical_axe_violations(
    browser: webdriver.Chrome, live_server: str, username: str
) -> None:
    signed_in(browser, live_server, username)
    for path, ready in FORM_PAGES:
        open_page(browser, live_server, path, ready)
        found = axe_violations(browser)
        assert not found, f"{username} {path}: {summary(found)}"
    # with every field refused, the marked form passes too
    open_page(browser, live_server, "/nattvandring", ids.WALK_SUBMIT)
    type_into(browser, ids.WALK_START, "25:99")
    browser.find_element(By.ID, ids.WALK_SUBMIT).click()
    WebDriverWait(browser, 30).until(lambda d: d.find_element(By.ID, ids.walk_error("start")).text)
    found = axe_violations(browser)
    assert not found, f"{username} refused walk form: {summary(found)}"


def count_rows(app: Flask, model: type[Observation] | type[WalkReport], note: str) -> int:
    with app_state(app).sessions() as session:
        return int(
            session.scalar(select(func.count()).select_from(model).where(model.note == note)) or 0
        )


def test_a_refused_field_is_marked_invalid_described_by_its_message_and_focus_goes_to_the_summary(
    browser: webdriver.Chrome, live_server: str
) -> None:
    signed_in(browser, live_server, "samordnare")
    open_page(browser, live_server, "/rapportera", ids.REPORT_SUBMIT)
    browser.find_element(By.ID, ids.REPORT_SUBMIT).click()
    WebDriverWait(browser, 30).until(
        lambda d: d.find_element(By.ID, ids.report_error("kategori")).text == "Välj en kategori."
    )
    time.sleep(0.5)
    category = browser.find_element(By.ID, ids.REPORT_CATEGORY)
    assert category.get_attribute("aria-invalid") == "true"
    described = (category.get_attribute("aria-describedby") or "").split()
    assert ids.report_error("kategori") in described  # after the value it shows
    box = browser.find_element(By.ID, ids.report_field("kategori"))
    assert "field-invalid" in (box.get_attribute("class") or "")
    note = browser.find_element(By.ID, ids.REPORT_NOTE)
    assert note.get_attribute("aria-invalid") is None  # an accepted field is not marked
    active = browser.execute_script("return document.activeElement.id")
    assert active == ids.REPORT_RESULT
    assert "Kategori: Välj en kategori." in browser.find_element(By.ID, ids.REPORT_RESULT).text
    assert "mallen" not in browser.find_element(By.CSS_SELECTOR, ".report-form").text
    shot(browser, "report-refused-1400")


def test_a_double_click_on_send_saves_one_report(
    app: Flask, browser: webdriver.Chrome, live_server: str
) -> None:
    note = "Dubbelklick i webbläsaren"
    signed_in(browser, live_server, "samordnare")
    open_page(browser, live_server, "/rapportera", ids.REPORT_SUBMIT)
    choose(browser, ids.REPORT_AREA, "0380-D05")
    choose(browser, ids.REPORT_CATEGORY, "samling")
    choose(browser, ids.REPORT_SOURCE, "skola")  # a coordinator reports for any source
    browser.find_element(By.ID, ids.REPORT_NOTE).send_keys(note)
    ActionChains(browser).double_click(browser.find_element(By.ID, ids.REPORT_SUBMIT)).perform()
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, ids.REPORT_SAVED))
    time.sleep(2)  # a second request, had it been sent, has been answered by now
    assert count_rows(app, Observation, note) == 1
    # the form is empty again and ready for the next report
    assert browser.find_element(By.ID, ids.REPORT_NOTE).get_attribute("value") == ""
    assert browser.find_element(By.ID, ids.REPORT_SUBMIT).is_enabled()


def test_a_report_draft_survives_a_reload_and_is_gone_after_saving(
    app: Flask, browser: webdriver.Chrome, live_server: str
) -> None:
    note = "Utkast som ska överleva"
    signed_in(browser, live_server, "samordnare")
    open_page(browser, live_server, "/rapportera", ids.REPORT_SUBMIT)
    choose(browser, ids.REPORT_AREA, "0380-D05")
    choose(browser, ids.REPORT_CATEGORY, "samling")
    choose(browser, ids.REPORT_SOURCE, "skola")  # a coordinator reports for any source
    browser.find_element(By.ID, ids.REPORT_NOTE).send_keys(note)
    time.sleep(0.5)
    browser.refresh()
    WebDriverWait(browser, 60).until(
        lambda d: (
            d.find_elements(By.ID, ids.REPORT_NOTE)
            and d.find_element(By.ID, ids.REPORT_NOTE).get_attribute("value") == note
        )
    )
    assert "Samling" in browser.find_element(By.ID, ids.REPORT_CATEGORY).text
    assert "0380-D05" in browser.find_element(By.ID, ids.REPORT_AREA).text
    browser.find_element(By.ID, ids.REPORT_SUBMIT).click()
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, ids.REPORT_SAVED))
    assert count_rows(app, Observation, note) == 1
    time.sleep(0.5)
    browser.refresh()
    open_page(browser, live_server, "/rapportera", ids.REPORT_SUBMIT)
    assert browser.find_element(By.ID, ids.REPORT_NOTE).get_attribute("value") == ""
    assert "Välj kategori" in browser.find_element(By.ID, ids.REPORT_CATEGORY).text


def test_a_walk_draft_survives_a_reload_and_is_gone_after_saving(
    browser: webdriver.Chrome, live_server: str
) -> None:
    signed_in(browser, live_server, "rapportor")
    open_page(browser, live_server, "/nattvandring", ids.WALK_SUBMIT)
    choose(browser, ids.WALK_AREAS, "0380-D03")
    choose(browser, ids.WALK_AREAS, "0380-D04")
    type_into(browser, ids.WALK_WALKERS, "6")
    choose(browser, ids.walk_seen(1, "category"), "samling")
    choose(browser, ids.walk_seen(1, "area"), "0380-D04")  # options from a callback
    browser.find_element(By.ID, ids.WALK_NOTE).send_keys("Vandring som utkast")
    time.sleep(0.5)
    browser.refresh()
    WebDriverWait(browser, 60).until(
        lambda d: (
            d.find_elements(By.ID, ids.WALK_NOTE)
            and d.find_element(By.ID, ids.WALK_NOTE).get_attribute("value") == "Vandring som utkast"
        )
    )
    assert browser.find_element(By.ID, ids.WALK_WALKERS).get_attribute("value") == "6"
    assert "0380-D03" in browser.find_element(By.ID, ids.WALK_AREAS).text
    assert "Samling" in browser.find_element(By.ID, ids.walk_seen(1, "category")).text
    # the row's area is kept too, once its options (the walked areas) are back: a
    # callback round trip after the reload, which took over 10 s on a loaded CI machine
    WebDriverWait(browser, 40).until(
        lambda d: "0380-D04" in d.find_element(By.ID, ids.walk_seen(1, "area")).text
    )
    click_radio(browser, ids.WALK_RATING, "calm")
    browser.find_element(By.ID, ids.WALK_SUBMIT).click()
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, ids.WALK_SAVED))
    time.sleep(0.5)
    browser.refresh()
    open_page(browser, live_server, "/nattvandring", ids.WALK_SUBMIT)
    assert browser.find_element(By.ID, ids.WALK_NOTE).get_attribute("value") == ""
    assert browser.find_element(By.ID, ids.WALK_WALKERS).get_attribute("value") == ""
    assert "Samling" not in browser.find_element(By.ID, ids.walk_seen(1, "category")).text


WIDER_THAN_SCREEN = """
const wide = [];
document.querySelectorAll('.page *').forEach((e) => {
  if (e.getBoundingClientRect().right > innerWidth + 1) { wide.push(e.tagName + '#' + e.id); }
});
return wide;
"""
"""Elements of the page (below the shared header) that reach past the screen's edge."""

ROW_LAYOUT = """
const cells = Array.from(document.querySelectorAll('#wk-field-sett-1 .seen-cell'));
return cells.map((c) => {
  const r = c.getBoundingClientRect();
  const label = c.querySelector('label');
  const value = c.querySelector('.dash-dropdown-value, input');
  return {top: r.top, width: r.width, label: label.textContent,
          labelCut: label.scrollWidth > label.clientWidth + 1,
          valueCut: value.scrollWidth > value.clientWidth + 1};
});
"""


def test_walk_seen_rows_stack_with_visible_labels_at_390_px(
    browser: webdriver.Chrome, live_server: str
) -> None:
    signed_in(browser, live_server, "rapportor")
    browser.set_window_size(390, 844)
    open_page(browser, live_server, "/nattvandring", ids.WALK_SUBMIT)
    cells = browser.execute_script(ROW_LAYOUT)
    assert [c["label"] for c in cells] == ["Kategori", "Område", "Antal"]
    assert cells[0]["top"] < cells[1]["top"] < cells[2]["top"]  # stacked, one per line
    assert all(c["width"] >= 280 for c in cells), cells
    assert not any(c["labelCut"] or c["valueCut"] for c in cells), cells
    assert not browser.execute_script(WIDER_THAN_SCREEN)
    browser.execute_script(
        "document.getElementById(arguments[0]).scrollIntoView()", ids.walk_field("sett-1")
    )
    shot(browser, "walk-rows-390")


ACTIVE = "return document.activeElement.id || document.activeElement.name || ''"


def press(browser: webdriver.Chrome, *keys: str) -> None:
    """Keys as a person types them, to whatever has the focus."""
    ActionChains(browser).send_keys(*keys).perform()
    time.sleep(0.25)


def tab_to(browser: webdriver.Chrome, target: str, limit: int = 40) -> None:
    """Press Tab until ``target`` (an id, or a radio's name) has the focus."""
    for _ in range(limit):
        if browser.execute_script(ACTIVE) == target:
            return
        press(browser, Keys.TAB)
    raise AssertionError(f"Tab never reached {target}")


def pick_with_keys(browser: webdriver.Chrome, dropdown: str, search: str) -> None:
    """Open a focused dropdown with Enter, search, move to the match, choose, close."""
    tab_to(browser, dropdown)
    press(browser, Keys.ENTER)
    press(browser, search)
    press(browser, Keys.ARROW_DOWN)
    press(browser, Keys.SPACE)
    press(browser, Keys.ESCAPE)


def test_walker_files_walk_report_with_keyboard_only_at_360(
    app: Flask, browser: webdriver.Chrome, live_server: str
) -> None:
    note = "Tangentbordet räckte hela vägen"
    browser.set_window_size(360, 740)
    browser.get(f"{live_server}/login")
    press(browser, Keys.TAB)  # the username field has the focus after one Tab at most
    tab_to(browser, "username")
    press(browser, "rapportor", Keys.TAB)
    press(browser, DEMO_PASSWORD, Keys.ENTER)
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.ID, ids.NAV))
    browser.get(f"{live_server}/nattvandring")
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.ID, ids.WALK_SUBMIT))
    time.sleep(0.5)
    pick_with_keys(browser, ids.WALK_AREAS, "D03")
    tab_to(browser, ids.WALK_WALKERS)
    press(browser, "5")
    tab_to(browser, ids.WALK_RATING)  # the radios' name: the first one takes the focus
    press(browser, Keys.SPACE)
    pick_with_keys(browser, ids.walk_seen(1, "category"), "saml")
    tab_to(browser, ids.walk_seen(1, "count"))
    press(browser, "2")
    tab_to(browser, ids.WALK_NOTE)
    press(browser, note)
    tab_to(browser, ids.WALK_SUBMIT)
    press(browser, Keys.ENTER)
    saved = WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, ids.WALK_SAVED))
    assert "1 område, 2 händelser" in saved[0].text
    shot(browser, "walk-keyboard-360")
    with app_state(app).sessions() as session:
        walk = session.scalar(select(WalkReport).where(WalkReport.note == note))
        assert walk is not None and walk.walkers == 5 and walk.rating == "calm"
        assert [a.code for a in walk.areas] == ["0380-D03"]
        seen = session.scalars(select(Observation).where(Observation.walk_id == walk.id)).all()
        assert [(o.category_code, o.count) for o in seen] == [("samling", 2)]
    assert not browser.execute_script(WIDER_THAN_SCREEN)
    width = browser.execute_script("return [document.documentElement.scrollWidth, innerWidth]")
    assert width[0] <= width[1], width  # the whole page, the shared header included
