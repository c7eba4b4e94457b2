"""A reporter fills in the walk report form (Nattvandring) and sees the confirmation."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from dashboard.state import app_state
from data.storage.models import Observation, WalkReport
from tests.browser.test_admin_areas_browser import choose, click_radio
from tests.browser.test_overview_browser import log_in, wait_for_map

pytestmark = pytest.mark.browser
NOTE = "Webbläsartest: lugnt vid centrum, ungdomar vid kiosken"


def type_into(browser: webdriver.Chrome, element_id: str, text: str) -> None:
    """Replace a field's text as a person does: select all, type over it.

    (Selenium's ``clear`` bypasses React, which then puts the old value back.)
    """
    field = browser.find_element(By.ID, element_id)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(text)


def test_reporter_submits_a_walk_and_sees_the_confirmation(
    app: Flask, browser: webdriver.Chrome, live_server: str, tmp_path: Path
) -> None:
    log_in(browser, live_server, "rapportor")
    wait_for_map(browser)
    browser.find_element(By.LINK_TEXT, "Nattvandring").click()
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, "wk-areas"))
    choose(browser, "wk-areas", "0380-D03")
    choose(browser, "wk-areas", "0380-D04")
    type_into(browser, "wk-start", "21:00")
    type_into(browser, "wk-end", "01:30")
    type_into(browser, "wk-walkers", "5")
    click_radio(browser, "wk-rating", "uneasy")
    choose(browser, "wk-seen-1-category", "samling")
    # The row offers only the walked areas (filled in by a callback).
    choose(browser, "wk-seen-1-area", "0380-D04")
    browser.find_element(By.ID, "wk-note").send_keys(NOTE)
    # A count of 0 reaches the server as 0 (not as an empty field counted as 1).
    type_into(browser, "wk-seen-1-count", "0")
    browser.find_element(By.ID, "wk-submit").click()
    WebDriverWait(browser, 30).until(
        lambda d: "heltal" in d.find_element(By.ID, "wk-error-sett-1").text
    )
    assert "sparades inte" in browser.find_element(By.ID, "wk-result").text
    type_into(browser, "wk-seen-1-count", "3")
    browser.find_element(By.ID, "wk-submit").click()
    saved = WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, "walk-saved"))
    browser.save_screenshot(str(tmp_path / "walk.png"))
    assert "Tack! Nattvandringen är rapporterad: 2 områden, 3 händelser" in saved[0].text

    with app_state(app).sessions() as session:
        walks = session.scalars(select(WalkReport).where(WalkReport.note == NOTE)).all()
        assert len(walks) == 1  # the refused first try stored nothing
        walk = walks[0]
        assert (walk.start_time, walk.end_time, walk.walkers, walk.rating) == (
            "21:00",
            "01:30",
            5,
            "uneasy",
        )
        assert sorted(a.code for a in walk.areas) == ["0380-D03", "0380-D04"]
        seen = session.scalars(select(Observation).where(Observation.walk_id == walk.id)).all()
        assert [(o.area.code, o.category_code, o.count, o.source_code) for o in seen] == [
            ("0380-D04", "samling", 3, "nattvandring")
        ]
