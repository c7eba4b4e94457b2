"""Issue 18's browser check: an SSPF case from consent to tear-up, in real Chromium.

The coordinator records a consent (opening the case) naming the demo's ``rapportor``
for the school, adds an åtagandeplan item; the named party sees it, an unnamed fritid
reporter does not; the coordinator tears the consent up and the content is gone for
everyone; the guardians' receipt (PDF) lists what was removed and names nobody. The
case page also passes axe with its forms shown and does not scroll sideways at 390 px
(screenshots for a person to look at go to ``/work/look/`` when that folder exists).
"""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import ids
from dashboard.state import app_state
from data.access.accounts import user_id_of
from data.access.users import create_user
from data.consent.vocabulary import NO_ACCESS
from data.storage.db import unit_of_work
from tests.browser.axe import axe_violations, summary
from tests.browser.test_admin_areas_browser import choose, click_radio
from tests.browser.test_overview_browser import log_in
from tests.browser.test_walk_browser import type_into
from tests.clock import TEST_TODAY
from tests.conftest import DEMO_PASSWORD
from tests.pdf_checks import pdf_pages, receipt_counts

pytestmark = pytest.mark.browser

CHILD = "Testbarn Webbläsare-WB26"
GUARDIAN = "Testvårdnadshavare Webbläsare-VB61"
PLAN_TEXT = "Åtagande-WB90 läxhjälp tisdagar"
UNNAMED = "fritid_webb"
LOOK = Path("/work/look")
FETCH_PDF = """
const done = arguments[arguments.length - 1];
fetch(arguments[0], {credentials: 'same-origin'}).then(async (r) => {
  const bytes = new Uint8Array(await r.arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
  done({status: r.status, body: btoa(text)});
}).catch((e) => done({status: 0, body: String(e)}));
"""


def day(offset: int) -> str:
    return (TEST_TODAY + timedelta(days=offset)).isoformat()


def switch_user(browser: webdriver.Chrome, base: str, username: str) -> None:
    """Forget the session and log in as ``username``."""
    browser.delete_all_cookies()
    log_in(browser, base, username)
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.ID, ids.NAV))


def text_of(browser: webdriver.Chrome, element_id: str) -> str:
    found = browser.find_elements(By.ID, element_id)
    return found[0].text if found else ""


def wait_text(browser: webdriver.Chrome, element_id: str, text: str, timeout: float = 60) -> str:
    WebDriverWait(browser, timeout, poll_frequency=0.3).until(
        lambda d: text in text_of(d, element_id)
    )
    return text_of(browser, element_id)


def open_case_page(browser: webdriver.Chrome, base: str, ref: str, expected: str) -> str:
    browser.get(f"{base}/sspf/arende?ref={ref}")
    return wait_text(browser, ids.SC_CONTENT, expected, timeout=90)


def fetch(browser: webdriver.Chrome, path: str) -> tuple[int, bytes]:
    browser.set_script_timeout(60)
    answer = browser.execute_async_script(FETCH_PDF, path)
    return int(answer["status"]), base64.b64decode(answer["body"]) if answer["status"] else b""


@pytest.fixture
def school_id(app: Flask) -> int:
    """The school party's id (the demo's ``rapportor``); also creates a fritid reporter
    of the demo kommun who is named in no consent."""
    with unit_of_work(app_state(app).sessions) as session:
        create_user(
            session,
            UNNAMED,
            DEMO_PASSWORD,
            role="reporter",
            kommun_code="0380",
            source_code="fritid",
        )
        return user_id_of(session, "rapportor")


def record_consent(browser: webdriver.Chrome, base: str, school_id: int) -> str:
    """Fill in "Nytt samtycke" as the coordinator; the new case's reference."""
    browser.get(f"{base}/sspf")
    WebDriverWait(browser, 90).until(lambda d: d.find_elements(By.ID, ids.SF_NEW_SAVE))
    type_into(browser, ids.SF_NEW_CHILD, CHILD)
    type_into(browser, ids.SF_NEW_BIRTH, "2013-03-09")
    type_into(browser, ids.SF_NEW_BACKGROUND, "Oro för skolfrånvaro")
    type_into(browser, ids.SF_NEW_GUARDIANS, GUARDIAN)
    type_into(browser, ids.SF_NEW_SIGNED, day(-1))
    type_into(browser, ids.SF_NEW_VALID, day(120))
    choose(browser, ids.sf_party_org(0), "skola")
    choose(browser, ids.sf_party_user(0), str(school_id))
    browser.find_element(By.ID, ids.SF_NEW_SAVE).click()
    result = wait_text(browser, ids.SF_NEW_RESULT, "SSPF-")
    match = re.search(r"SSPF-[A-Z0-9]+", result)
    assert match, result
    wait_text(browser, ids.SF_CASES, match.group(0))
    return match.group(0)


def add_plan_item(browser: webdriver.Chrome, base: str, ref: str) -> None:
    open_case_page(browser, base, ref, CHILD)
    WebDriverWait(browser, 30).until(
        lambda d: d.find_element(By.ID, ids.SC_PARTY_FORMS).is_displayed()
    )
    choose(browser, ids.SC_PLAN_PARTY, "skola")
    type_into(browser, ids.SC_PLAN_WHAT, PLAN_TEXT)
    type_into(browser, ids.SC_PLAN_DUE, day(14))
    type_into(browser, ids.SC_PLAN_FOLLOW, day(3))
    browser.find_element(By.ID, ids.SC_PLAN_SAVE).click()
    wait_text(browser, ids.SC_PLAN_RESULT, "tillagt")
    wait_text(browser, ids.SC_CONTENT, PLAN_TEXT)


def tear_up(browser: webdriver.Chrome, base: str, ref: str) -> None:
    open_case_page(browser, base, ref, CHILD)
    click_radio(browser, ids.SC_END_REASON, "withdrawn")
    browser.find_element(By.ID, ids.SC_END).click()
    WebDriverWait(browser, 30).until(expected_conditions.alert_is_present()).accept()
    wait_text(browser, ids.SC_CONTENT, "Samtycket är rivet", timeout=90)


def on_a_phone(browser: webdriver.Chrome, name: str) -> None:
    """The current page at 390 px: it must not scroll sideways; a screenshot (the top,
    and a tall one of the whole form) is kept for a person to look at when
    :data:`LOOK` exists."""
    size = browser.get_window_size()
    browser.set_window_size(390, 844)
    try:
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 392, f"{name}: the page scrolls sideways on a phone ({width} px)"
        if LOOK.is_dir():
            browser.execute_script("window.scrollTo(0, 0)")
            browser.save_screenshot(str(LOOK / f"{name}-390.png"))
            browser.set_window_size(390, 4000)
            browser.save_screenshot(str(LOOK / f"{name}-390-long.png"))
    finally:
        browser.set_window_size(size["width"], size["height"])


def test_a_case_from_consent_to_tear_up(
    browser: webdriver.Chrome, live_server: str, school_id: int
) -> None:
    base = live_server
    switch_user(browser, base, "samordnare")
    ref = record_consent(browser, base, school_id)
    on_a_phone(browser, "sspf-list")
    add_plan_item(browser, base, ref)
    assert axe_violations(browser) == [], summary(axe_violations(browser))
    on_a_phone(browser, "sspf-case")

    switch_user(browser, base, "rapportor")
    browser.get(f"{base}/sspf")
    wait_text(browser, ids.SF_CASES, ref, timeout=90)
    assert PLAN_TEXT in open_case_page(browser, base, ref, PLAN_TEXT)

    switch_user(browser, base, UNNAMED)
    browser.get(f"{base}/sspf")
    listed = wait_text(browser, ids.SF_CASES, "inte namngiven part", timeout=90)
    assert ref not in listed
    shown = open_case_page(browser, base, ref, NO_ACCESS)
    assert CHILD not in shown
    assert PLAN_TEXT not in browser.page_source
    assert fetch(browser, f"/sspf/{ref}/atagandeplan.pdf")[0] == 404

    switch_user(browser, base, "samordnare")
    tear_up(browser, base, ref)
    assert CHILD not in browser.page_source
    assert PLAN_TEXT not in browser.page_source
    link = browser.find_element(By.ID, ids.SC_RECEIPT_LINK).get_attribute("href")
    status, body = fetch(browser, str(link))
    assert status == 200
    receipt = " ".join(pdf_pages(body))
    for expected in (ref, "Kvitto", "Åtagandeplanens punkter", "Barnets identitet"):
        assert expected in receipt, expected
    assert "kan inte längre dela information om barnet" in receipt
    # The case held the child, one guardian, the school, one plan item — nothing else.
    assert receipt_counts(receipt) == {
        "identitet": 1,
        "vardnadshavare": 1,
        "parter": 1,
        "signaler": 0,
        "observationer": 0,
        "moten": 0,
        "atagandeplan": 1,
        "blankett": 0,
    }
    for personal in (CHILD, GUARDIAN, PLAN_TEXT):
        assert personal not in receipt

    switch_user(browser, base, "rapportor")
    gone = open_case_page(browser, base, ref, NO_ACCESS)
    assert PLAN_TEXT not in gone
    assert CHILD not in browser.page_source
