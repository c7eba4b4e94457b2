"""Planering in the reader's language, in a real browser (issue 15): an English
coordinator sees the page and its forecast with no Swedish catalogue text, a Swedish
one sees no English. The forecast's reasons (worded by the data layer) stay Swedish by
design and are left out of the comparison."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from selenium import webdriver
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import ids
from tests.browser.axe import axe_violations
from tests.browser.test_language_browser import (
    DASH_ENGLISH,
    VISIBLE_TEXT,
    catalogue,
    choose_language,
    data_names,
    pattern,
    without,
)
from tests.browser.test_overview_browser import log_in, wait_for_map

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/plan2")
FORECAST_DRAWN = f"""
const ticks = document.querySelectorAll('#{ids.PL_FORECAST} .js-plotly-plot .xtick text');
const severities = document.querySelectorAll('#{ids.PL_SEVERITIES} input');
const signals = document.getElementById('{ids.PL_SIGNAL_COUNT}');
return ticks.length > 0 && severities.length > 0 && Boolean(signals);
"""
DATA_TEXT = f"return document.getElementById('{ids.PL_REASONS}').innerText;"


def planning_text(browser: webdriver.Chrome, live_server: str, app: Flask) -> str:
    """Everything readable on Planering once the forecast is drawn, without data (area
    names, usernames) and the forecast's reasons (the data layer's Swedish)."""
    browser.set_window_size(1440, 900)
    browser.get(f"{live_server}/planering")
    WebDriverWait(browser, 90).until(lambda d: d.execute_script(FORECAST_DRAWN))
    shown: str = browser.execute_script(VISIBLE_TEXT)
    for line in str(browser.execute_script(DATA_TEXT)).splitlines():
        shown = shown.replace(line, " ")
    return without(shown, data_names(app))


def test_english_coordinator_sees_no_swedish_on_planering(
    browser: webdriver.Chrome, live_server: str, app: Flask
) -> None:
    log_in(browser, live_server, "samordnare")
    wait_for_map(browser)
    choose_language(browser, live_server, "English", "en")
    try:
        text = planning_text(browser, live_server, app)
        SHOTS.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(SHOTS / "planering-en-1440.png"))
        assert browser.execute_script("return document.documentElement.lang") == "en"
        swedish = [
            sv for sv, en in catalogue().items() if en and en != sv and pattern(sv).search(text)
        ]
        assert not swedish, f"Swedish left on the English Planering: {swedish}"
        for english in ("Forecast per area and night", "Expected obs.", "How to use Planning"):
            assert english in text, english
        ticks = browser.execute_script(
            f"return Array.from(document.querySelectorAll('#{ids.PL_FORECAST} .xtick text'))"
            ".map(e => e.textContent);"
        )
        assert all(re.match(r"(Fri|Sat|Sun|Mon|Tue|Wed|Thu) \d{4}", t) for t in ticks), ticks
        assert axe_violations(browser) == []
        for part in (ids.PL_NIGHTS, ids.PL_SIGNALS):
            browser.execute_script("document.getElementById(arguments[0]).scrollIntoView();", part)
            browser.save_screenshot(str(SHOTS / f"planering-en-{part}.png"))
        browser.set_window_size(390, 844)
        browser.save_screenshot(str(SHOTS / "planering-en-390.png"))
    finally:
        browser.set_window_size(1400, 1000)
        choose_language(browser, live_server, "Svenska", "sv")


def test_swedish_coordinator_sees_no_english_on_planering(
    browser: webdriver.Chrome, live_server: str, app: Flask
) -> None:
    log_in(browser, live_server, "samordnare")
    wait_for_map(browser)
    text = planning_text(browser, live_server, app)
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / "planering-sv-1440.png"))
    english = [en for sv, en in catalogue().items() if en and en != sv and pattern(en).search(text)]
    assert not english, f"English on the Swedish Planering: {english}"
    dash = [word for word in DASH_ENGLISH if word in text]
    assert not dash, f"Dash's English on the Swedish Planering: {dash}"
    assert "Prognos per område och natt" in text and "Väntade obs." in text
    assert axe_violations(browser) == []
    browser.set_window_size(390, 844)
    browser.save_screenshot(str(SHOTS / "planering-sv-390.png"))
    browser.set_window_size(1400, 1000)
