"""Rapportera and Nattvandring in English, in a real browser (issue 15): an English
reporter reads no Swedish text of the catalogue on either form, also not in the
messages of an empty report sent."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import ids
from tests.browser.axe import axe_violations
from tests.browser.test_language_browser import (
    VISIBLE_TEXT,
    catalogue,
    choose_language,
    data_names,
    pattern,
    without,
)
from tests.browser.test_overview_browser import log_in, wait_for_map

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/forms2")


def swedish_left(browser: webdriver.Chrome, app: Flask) -> list[str]:
    """The catalogue's Swedish texts (where English differs) readable on the page."""
    readable = without(browser.execute_script(VISIBLE_TEXT), data_names(app))
    return [
        msgid
        for msgid, english in catalogue().items()
        if english != msgid and pattern(msgid).search(readable)
    ]


def open_form(browser: webdriver.Chrome, url: str, submit: str) -> None:
    browser.get(url)
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, submit))


def test_english_reporter_sees_no_swedish_on_the_forms_nor_in_their_messages(
    browser: webdriver.Chrome, live_server: str, app: Flask
) -> None:
    log_in(browser, live_server, "rapportor")
    wait_for_map(browser)
    choose_language(browser, live_server, "English", "en")
    SHOTS.mkdir(parents=True, exist_ok=True)

    open_form(browser, f"{live_server}/rapportera", ids.REPORT_SUBMIT)
    assert "Report an observation" in browser.find_element(By.TAG_NAME, "h2").text
    assert swedish_left(browser, app) == []
    browser.find_element(By.ID, ids.REPORT_SUBMIT).click()
    WebDriverWait(browser, 30).until(
        lambda d: d.find_element(By.ID, ids.report_error("kategori")).text
    )
    errors = browser.find_element(By.ID, ids.REPORT_RESULT).text
    assert "The report was not saved: correct the fields below." in errors
    assert browser.find_element(By.ID, ids.report_error("kategori")).text == "Choose a category."
    assert browser.find_element(By.ID, ids.report_error("omrade")).text == "Choose an area."
    assert swedish_left(browser, app) == []
    assert axe_violations(browser) == []
    browser.save_screenshot(str(SHOTS / "rapportera-en-1440.png"))
    browser.set_window_size(390, 844)
    browser.save_screenshot(str(SHOTS / "rapportera-en-390.png"))
    browser.set_window_size(1440, 900)

    open_form(browser, f"{live_server}/nattvandring", ids.WALK_SUBMIT)
    assert "Report a night walk" in browser.find_element(By.TAG_NAME, "h2").text
    assert swedish_left(browser, app) == []
    assert axe_violations(browser) == []
    browser.save_screenshot(str(SHOTS / "nattvandring-en-1440.png"))
    browser.set_window_size(390, 844)
    browser.save_screenshot(str(SHOTS / "nattvandring-en-390.png"))
