"""Tid & händelser and Kalender for an English user in a real browser (issue 15, i18n
wave 2): once drawn, no Swedish text of the catalogue is visible anywhere on the pages
(page text, chart ticks, legends, labels, placeholders), and axe finds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import ids
from tests.browser.axe import axe_violations
from tests.browser.test_events_browser import EVENT_STATE
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

SHOTS = Path("/tmp/tid")
KALENDER_DRAWN = f"""
return Boolean(document.querySelector('#{ids.CAL_SCHOOL_TABLE} tbody tr')
  && document.querySelector('#{ids.CAL_EVENT_TABLE} tbody tr'));
"""


WINDOW_NAMES = """
return Array.from(document.querySelectorAll('#ev-ranked-table tbody tr td:first-child'))
  .map(td => td.textContent.split(' (')[0]);
"""
"""Event names ("Valborg", "Sportlov"): data of the calendar, shown as named."""


def _swedish_left(text: str, app: Flask, names: list[str] | None = None) -> list[str]:
    readable = without(text, sorted({*(names or []), *data_names(app)}, key=len, reverse=True))
    return [
        msgid
        for msgid, english in catalogue().items()
        if english != msgid and pattern(msgid).search(readable)
    ]


def test_tid_and_kalender_in_english_show_no_swedish_text(
    browser: webdriver.Chrome, live_server: str, app: Flask
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    log_in(browser, live_server, "samordnare")
    wait_for_map(browser)
    choose_language(browser, live_server, "English", "en")
    browser.get(f"{live_server}/tid")
    WebDriverWait(browser, 60).until(lambda d: d.execute_script(EVENT_STATE))
    WebDriverWait(browser, 30).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#ev-bands .ytick text")
    )
    tid: str = browser.execute_script(VISIBLE_TEXT)
    names: list[str] = browser.execute_script(WINDOW_NAMES)
    browser.save_screenshot(str(SHOTS / "tid-en.png"))
    assert "Time & events" in tid and "Clear rise" in tid
    assert not _swedish_left(tid, app, names), _swedish_left(tid, app, names)
    assert axe_violations(browser) == []
    browser.get(f"{live_server}/kalender")
    WebDriverWait(browser, 60).until(lambda d: d.execute_script(KALENDER_DRAWN))
    kalender: str = browser.execute_script(VISIBLE_TEXT)
    browser.save_screenshot(str(SHOTS / "kalender-en.png"))
    assert "School calendar" in kalender and "Local events" in kalender
    assert not _swedish_left(kalender, app), _swedish_left(kalender, app)
    assert axe_violations(browser) == []
