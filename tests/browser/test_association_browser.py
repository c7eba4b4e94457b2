"""Issue 17's acceptance check for associations without accounts, in a real browser at
390×844: an association opens its link, offers two nights, and after the schedule is
saved files the walk report for its walk; the link refuses other associations' walks,
other pages and any API, and stops working when revoked or expired. The page passes
axe (WCAG 2.1 AA), the Content Security Policy and has no sideways scroll. The
coordinator's side: a link made on Planering opens the page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlalchemy import select

from dashboard.state import app_state
from data.access.audit import Actor
from data.clock import FixedClock
from data.planning.association_links import create_link, link_key, revoke_link
from data.planning.registry import add_association
from data.planning.schedule import save_schedule
from data.storage.db import unit_of_work
from data.storage.models import Observation, PlannedWalk, WalkReport, WalkSignup
from tests.browser.axe import axe_violations, summary
from tests.browser.test_admin_areas_browser import choose
from tests.browser.test_csp_browser import RECORD_VIOLATIONS, browser_errors
from tests.browser.test_overview_browser import log_in, wait_for_map
from tests.clock import TEST_NOW, TEST_TODAY

pytestmark = pytest.mark.browser
CLUB = "Demo IF"
OTHER = "Andra föreningen"
ACTOR = Actor(None, "test", "127.0.0.1")
NO_SIDEWAYS_SCROLL = "return document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def phone(browser: webdriver.Chrome) -> Iterator[webdriver.Chrome]:
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS})
    browser.set_window_size(390, 844)
    yield browser


@pytest.fixture
def clock(app: Flask) -> Iterator[dict[str, Any]]:
    before = app.config["SSP_CLOCK"]
    yield app.config
    app.config["SSP_CLOCK"] = before


def _links(app: Flask) -> tuple[int, str, int, str]:
    """The club (its link and a second one) and the other association."""
    key = link_key(str(app.config["SECRET_KEY"]))
    with unit_of_work(app_state(app).sessions) as session:
        club = add_association(session, "0380", CLUB)
        add_association(session, "0380", OTHER)
        link_id, token = create_link(
            session, "0380", club, days=60, key=key, actor=ACTOR, now=TEST_NOW
        )
        _short, short_token = create_link(
            session, "0380", club, days=1, key=key, actor=ACTOR, now=TEST_NOW
        )
    return club, token, link_id, short_token


def _set_date(browser: webdriver.Chrome, element_id: str, day: str) -> None:
    """A date field's value (the native picker differs per platform; the value does not)."""
    field = browser.find_element(By.ID, element_id)
    browser.execute_script("arguments[0].value = arguments[1]", field, day)


def _type(browser: webdriver.Chrome, element_id: str, text: str) -> None:
    field = browser.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(text)


def _checked_page(browser: webdriver.Chrome, name: str, shots: Path) -> None:
    """No sideways scroll, no console error or CSP violation, no serious axe finding."""
    browser.save_screenshot(str(shots / f"{name}.png"))
    assert browser.execute_script(NO_SIDEWAYS_SCROLL), f"{name}: sideways scroll at 390 px"
    assert browser_errors(browser) == [], name
    found = axe_violations(browser)
    assert found == [], "\n".join(summary(found))


def _expected_refusal(browser: webdriver.Chrome, status: int) -> None:
    """The console's only entries are the refused document's own status (a browser
    logs every 4xx document load)."""
    logged = browser_errors(browser)
    assert logged and all(f"status of {status}" in entry for entry in logged), logged


def _offer(browser: webdriver.Chrome, night: str, walkers: str) -> None:
    _set_date(browser, "anmal-natt", night)
    _type(browser, "anmal-vandrare", walkers)
    browser.find_element(By.ID, "anmal-skicka").click()
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "assoc-done"))


def test_an_association_offers_nights_and_reports_its_walk_on_a_phone(
    app: Flask, phone: webdriver.Chrome, live_server: str, tmp_path: Path, clock: dict[str, Any]
) -> None:
    browser = phone
    club, token, link_id, short_token = _links(app)
    url = f"{live_server}/forening/{token}"
    browser.get(url)
    assert browser.find_element(By.ID, "assoc-name").text == CLUB
    assert "Uppsala" in browser.find_element(By.ID, "assoc-kommun").text
    _checked_page(browser, "forening-390", tmp_path)

    # Two nights offered: tonight and a week later.
    tonight, later = TEST_TODAY, TEST_TODAY + timedelta(days=7)
    _offer(browser, tonight.isoformat(), "5")
    _offer(browser, later.isoformat(), "4")
    offers = browser.find_element(By.ID, "assoc-offers").text
    assert f"{tonight.isoformat()}: 5 vandrare" in offers
    assert f"{later.isoformat()}: 4 vandrare" in offers
    with app_state(app).sessions() as session:
        nights = sorted(s.night for s in session.scalars(select(WalkSignup)))
    assert nights == [tonight, later]

    # The coordinator saves tonight's schedule: the club in D04, the other in D20.
    rows = [
        {"night": tonight.isoformat(), "area": "0380-D04", "association": CLUB, "walkers": 5,
         "start": "20:30", "end": "01:30", "meeting_point": "Stationen"},
        {"night": tonight.isoformat(), "area": "0380-D20", "association": OTHER, "walkers": 4,
         "start": "20:30", "end": "01:30", "meeting_point": ""},
    ]  # fmt: skip
    with unit_of_work(app_state(app).sessions) as session:
        save_schedule(session, "0380", tonight, tonight, rows)
        walks = {w.association_id: w.id for w in session.scalars(select(PlannedWalk))}
    ours = walks[club]
    theirs = next(w for a, w in walks.items() if a != club)

    browser.get(url)
    walk_list = browser.find_element(By.ID, "assoc-walks").text
    assert "Stationen" in walk_list and "D20" not in walk_list
    browser.find_element(By.CSS_SELECTOR, f"#vandring-{ours} summary").click()
    _checked_page(browser, "forening-rapport-390", tmp_path)

    # Another association's walk: the hidden walk id changed in the page is refused.
    form = browser.find_element(By.ID, f"rapport-{ours}")
    hidden = form.find_element(By.CSS_SELECTOR, "input[name=vandring]")
    browser.execute_script("arguments[0].value = arguments[1]", hidden, str(theirs))
    _type(browser, f"r{ours}-vandrare", "4")
    form.find_element(By.CSS_SELECTOR, "input[value=lugnt]").click()
    browser.find_element(By.ID, f"rapport-skicka-{ours}").click()
    refused = WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "assoc-refused"))
    assert "hör inte till er förening" in refused[0].text
    _expected_refusal(browser, 403)
    with app_state(app).sessions() as session:
        assert session.scalars(select(WalkReport)).all() == []

    # The report of its own walk.
    browser.get(url)
    browser.find_element(By.CSS_SELECTOR, f"#vandring-{ours} summary").click()
    _type(browser, f"r{ours}-vandrare", "5")
    browser.find_element(By.CSS_SELECTOR, f"#rapport-{ours} input[value=oroligt]").click()
    Select(browser.find_element(By.ID, f"r{ours}-kategori-1")).select_by_value("samling")
    _type(browser, f"r{ours}-antal-1", "3")
    browser.find_element(By.ID, f"rapport-skicka-{ours}").click()
    done = WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "assoc-done"))
    assert "Rapporten är inskickad" in done[0].text
    assert "Rapporterad" in browser.find_element(By.ID, f"vandring-{ours}").text
    _checked_page(browser, "forening-klar-390", tmp_path)
    with app_state(app).sessions() as session:
        (filed,) = session.scalars(select(WalkReport)).all()
        assert (filed.planned_walk_id, filed.walkers, filed.rating) == (ours, 5, "uneasy")
        seen = session.scalars(select(Observation).where(Observation.walk_id == filed.id)).all()
        assert [(o.category_code, o.count, o.source_code) for o in seen] == [
            ("samling", 3, "nattvandring")
        ]

    # Other pages and any API: the link opened no session.
    for path in ("/", "/planering", "/nattvandring", "/lagesbild"):
        browser.get(live_server + path)
        WebDriverWait(browser, 20).until(lambda d: "/login" in d.current_url)
    for path in ("/api/v1/aggregates?area=0380&level=custom", "/_dash-layout"):
        browser.get(live_server + path)
        body = json.loads(browser.find_element(By.TAG_NAME, "body").text)
        assert body["error"] == "inloggning krävs"
    _expected_refusal(browser, 401)

    # Expired: the short link works today, not once the clock has passed its day.
    browser.get(f"{live_server}/forening/{short_token}")
    assert browser.find_element(By.ID, "assoc-name").text == CLUB
    clock["SSP_CLOCK"] = FixedClock.on(TEST_TODAY + timedelta(days=2))
    browser.get(f"{live_server}/forening/{short_token}")
    gone = browser.find_element(By.ID, "assoc-refused").text
    assert gone == "Länken gäller inte längre – kontakta samordnaren"
    _expected_refusal(browser, 410)
    clock["SSP_CLOCK"] = FixedClock.on(TEST_TODAY)

    # Revoked: the coordinator revokes the link; the open page's form stores nothing.
    browser.get(url)
    with unit_of_work(app_state(app).sessions) as session:
        assert revoke_link(session, "0380", link_id, actor=ACTOR, now=TEST_NOW)
    _set_date(browser, "anmal-natt", (TEST_TODAY + timedelta(days=14)).isoformat())
    browser.find_element(By.ID, "anmal-skicka").click()
    refusal = WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "assoc-refused"))
    assert "Länken gäller inte längre" in refusal[0].text
    _expected_refusal(browser, 410)
    found = axe_violations(browser)
    assert found == [], "\n".join(summary(found))
    browser.save_screenshot(str(tmp_path / "forening-aterkallad-390.png"))
    browser.get(url)
    assert "kontakta samordnaren" in browser.find_element(By.ID, "assoc-refused").text
    with app_state(app).sessions() as session:
        assert len(session.scalars(select(WalkSignup)).all()) == 2


def test_a_link_made_on_planering_opens_the_association_page(
    app: Flask, browser: webdriver.Chrome, live_server: str, tmp_path: Path
) -> None:
    with unit_of_work(app_state(app).sessions) as session:
        club = add_association(session, "0380", CLUB)
    log_in(browser, live_server, "samordnare")
    wait_for_map(browser)
    browser.get(f"{live_server}/planering")
    WebDriverWait(browser, 60).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#pl-assoc-links p, #pl-assoc-links table")
    )
    choose(browser, "pl-assoc-link-association", str(club))
    browser.find_element(By.ID, "pl-assoc-link-create").click()
    field = WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, "pl-assoc-link-url"))
    link = str(field[0].get_attribute("value"))
    assert "/forening/" in link
    WebDriverWait(browser, 30).until(
        lambda d: "Gäller" in d.find_element(By.ID, "pl-assoc-links").text
    )
    browser.save_screenshot(str(tmp_path / "planering-lankar.png"))
    browser.delete_all_cookies()
    browser.get(link)
    assert browser.find_element(By.ID, "assoc-name").text == CLUB
