"""Issue 17 acceptance in a real browser: a coordinator opens Veckans lägesbild and adds
an action owned by the police; the police user sees it and closes it; the coordinator
then sees it closed. The coordinator's part runs at phone width (390 × 844): the page
must not scroll sideways."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from dashboard import ids
from dashboard.state import app_state
from data.briefing.period import week_period
from data.storage.models import WeeklyAction
from tests.browser.test_admin_areas_browser import choose, click_radio
from tests.browser.test_lagesbild_browser import BEYOND_RIGHT, _log_in, _logout
from tests.clock import TEST_TODAY

pytestmark = pytest.mark.browser

WHAT = "Polisen besöker skolgården tre kvällar"
NOTE = "Genomfört, lugnt alla kvällar"
POLICE_AREA = "0380-D02"
THIS_WEEK = week_period(TEST_TODAY).code
NO_SIDEWAYS_SCROLL = "return document.documentElement.scrollWidth <= window.innerWidth;"


def _text(browser: webdriver.Chrome, element_id: str) -> str:
    found = browser.find_elements(By.ID, element_id)
    return found[0].text if found else ""


def _wait_for(browser: webdriver.Chrome, element_id: str, text: str) -> None:
    WebDriverWait(browser, 60).until(lambda d: text in _text(d, element_id))


def _open(browser: webdriver.Chrome, base: str) -> None:
    browser.get(f"{base}/veckan")
    WebDriverWait(browser, 90).until(lambda d: d.find_elements(By.ID, ids.VL_DRAWN))
    WebDriverWait(browser, 60).until(lambda d: _text(d, ids.VL_ACTIONS_LIST))


def test_an_action_for_the_police_is_added_closed_by_them_and_seen_closed(
    app: Flask, browser: webdriver.Chrome, live_server: str
) -> None:
    browser.set_window_size(390, 844)
    _log_in(browser, live_server, "samordnare")
    _open(browser, live_server)
    assert browser.find_elements(By.ID, ids.VL_COMPLETENESS)
    # The week is in the address bar (a permalink), put there without a reload.
    WebDriverWait(browser, 30).until(lambda d: d.current_url.endswith(f"?vecka={THIS_WEEK}"))
    assert browser.execute_script(BEYOND_RIGHT) == []
    assert browser.execute_script(NO_SIDEWAYS_SCROLL), "the page scrolls sideways at 390 px"
    browser.find_element(By.ID, ids.VL_ADD_WHAT).send_keys(WHAT)
    choose(browser, ids.VL_ADD_OWNER, "polis")
    choose(browser, ids.VL_ADD_AREAS, POLICE_AREA)
    due = browser.find_element(By.ID, ids.VL_ADD_DUE)
    due.send_keys((TEST_TODAY + timedelta(days=10)).isoformat())
    browser.find_element(By.ID, ids.VL_ADD_SAVE).click()
    _wait_for(browser, ids.VL_ADD_RESULT, "Åtgärden är sparad")
    _wait_for(browser, ids.VL_ACTIONS_LIST, WHAT)
    assert "Öppen" in _text(browser, ids.VL_ACTIONS_LIST)
    with app_state(app).sessions() as session:
        action = session.scalars(select(WeeklyAction.id).where(WeeklyAction.what == WHAT)).one()

    _logout(browser, live_server)
    browser.set_window_size(1400, 1000)
    _log_in(browser, live_server, "polis")
    _open(browser, live_server)
    assert not browser.find_elements(By.ID, ids.VL_COMPLETENESS)
    _wait_for(browser, ids.VL_ACTIONS_LIST, WHAT)
    choose(browser, ids.VL_EDIT_ACTION, str(action))
    click_radio(browser, ids.VL_EDIT_STATUS, "klar")
    browser.find_element(By.ID, ids.VL_EDIT_NOTE).send_keys(NOTE)
    browser.find_element(By.ID, ids.VL_EDIT_SAVE).click()
    _wait_for(browser, ids.VL_EDIT_RESULT, "Uppföljningen är sparad")
    _wait_for(browser, ids.VL_ACTIONS_LIST, NOTE)

    _logout(browser, live_server)
    _log_in(browser, live_server, "samordnare")
    _open(browser, live_server)
    _wait_for(browser, ids.VL_ACTIONS_LIST, NOTE)
    listed = _text(browser, ids.VL_ACTIONS_LIST)
    assert WHAT in listed and "Klar" in listed and "Öppen" not in listed
