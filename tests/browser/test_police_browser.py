"""The police area coordinator on a phone (390 px): opens Samverkan polis, sees the
week's walk in their area (and not the one outside), agrees the week's plan and records
a riktad insats; the coordinator then sees the agreement on Planering's data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import ids
from dashboard.state import app_state
from data.planning.police import review_state
from data.storage.models import JointOperation
from tests.browser.test_admin_areas_browser import choose, click_radio
from tests.browser.test_forms_browser import open_page, shot, signed_in
from tests.browser.test_planning_browser import set_date
from tests.browser.test_walk_browser import type_into
from tests.integration.test_police_partnership import FRIDAY, WEEK, add_walk

pytestmark = pytest.mark.browser

PAGE_WIDTH = "return [document.documentElement.scrollWidth, window.innerWidth];"


def text_of(browser: webdriver.Chrome, element_id: str) -> str:
    return str(browser.find_element(By.ID, element_id).text)


def test_police_agree_the_weeks_plan_and_record_an_insats_at_390_px(
    browser: webdriver.Chrome, live_server: str, app: Flask
) -> None:
    add_walk(app, "0380-D02", point="Webbläsartorget")
    add_walk(app, "0380-D09", point="Utanför-polisens-områden")
    signed_in(browser, live_server, "polis")
    browser.set_window_size(390, 844)
    open_page(browser, live_server, "/samverkan", ids.SV_WEEK)
    choose(browser, ids.SV_WEEK, WEEK.isoformat())
    WebDriverWait(browser, 30).until(lambda d: "Webbläsartorget" in text_of(d, ids.SV_WALKS))
    assert "Utanför-polisens-områden" not in browser.page_source

    browser.find_element(By.ID, ids.SV_AGREE).click()
    WebDriverWait(browser, 30).until(
        lambda d: "Planen är godkänd" in text_of(d, ids.SV_REVIEW_MESSAGE)
    )
    WebDriverWait(browser, 30).until(
        lambda d: "Godkänd av polis" in text_of(d, ids.SV_REVIEW_STATE)
    )

    set_date(browser, ids.SV_OP_DAY, FRIDAY + timedelta(days=1))
    type_into(browser, ids.SV_OP_START, "21:00")
    type_into(browser, ids.SV_OP_END, "23:30")
    choose(browser, ids.SV_OP_AREAS, "0380-D02")
    choose(browser, ids.SV_OP_KIND, "trygghetsskapande")
    click_radio(browser, ids.SV_OP_PARTNERS, "socialtjanst")
    type_into(browser, ids.SV_OP_NOTE, "Gemensam närvaro vid torget, lugnt.")
    browser.find_element(By.ID, ids.SV_OP_SAVE).click()
    WebDriverWait(browser, 30).until(
        lambda d: "Insatsen är sparad" in text_of(d, ids.SV_OP_MESSAGE)
    )
    WebDriverWait(browser, 30).until(lambda d: "Trygghetsskapande" in text_of(d, ids.SV_OP_LIST))
    width, inner = browser.execute_script(PAGE_WIDTH)
    assert width <= inner, f"the page scrolls sideways: {width} > {inner}"
    shot(browser, "samverkan-polis-390")
    browser.execute_script("document.getElementById(arguments[0]).scrollIntoView()", ids.SV_WALKS)
    shot(browser, "samverkan-polis-390-plan")

    with app_state(app).sessions() as session:
        state = review_state(session, "0380", WEEK)
        operation = session.query(JointOperation).one()
        assert [a.username for a in state.agreements] == ["polis"]
        assert not state.agreements[0].changed
        assert operation.partners == "polis,socialtjanst"
        assert [a.code for a in operation.areas] == ["0380-D02"]
