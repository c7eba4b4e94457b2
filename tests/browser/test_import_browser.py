"""A coordinator imports an Excel file with their own column names on the Importera page:
maps the columns, checks the file (preview), imports, and watches the progress bar."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import Workbook
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import delete, func, select

from dashboard.state import app_state
from data.storage.db import bump_version, unit_of_work
from data.storage.models import Observation
from tests.browser.test_admin_areas_browser import choose
from tests.browser.test_overview_browser import log_in, wait_for_map
from tests.clock import TEST_TODAY

pytestmark = pytest.mark.browser
NOTE = "Webbläsarimport: samling vid busstorget"
ROWS = 40


def workbook(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Händelsedag", "Plats", "Typ", "Rapportör", "Antal", "Kommentar"])
    day = TEST_TODAY - timedelta(days=2)
    for i in range(ROWS):
        sheet.append([day, f"0380-D{1 + i % 4:02d}", "Samling/störande samling", "Fritid", 1, NOTE])
    book.save(path)
    return path


def imported(app: Flask) -> int:
    with app_state(app).sessions() as session:
        query = select(func.count()).select_from(Observation).where(Observation.note == NOTE)
        return int(session.scalar(query) or 0)


def test_coordinator_maps_checks_and_imports_an_excel_file(
    app: Flask, browser: webdriver.Chrome, live_server: str, tmp_path: Path
) -> None:
    log_in(browser, live_server, "samordnare")
    wait_for_map(browser)
    browser.find_element(By.LINK_TEXT, "Importera").click()
    upload = WebDriverWait(browser, 30).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#im-upload input[type=file]")
    )
    try:
        upload.send_keys(str(workbook(tmp_path / "egen-lista.xlsx")))
        WebDriverWait(browser, 30).until(
            lambda d: "6 kolumner" in d.find_element(By.ID, "im-upload-info").text
        )
        # None of these names is the template's: the person maps them.
        for column, index in (
            ("datum", 0),
            ("omrade", 1),
            ("kategori", 2),
            ("kalla", 3),
            ("antal", 4),
            ("anteckning", 5),
        ):
            choose(browser, f"im-map-{column}", str(index))
        browser.find_element(By.ID, "im-check").click()
        WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.ID, "preview"))
        counts = browser.find_element(By.ID, "import-counts").text
        assert f"{ROWS} rader lästes: {ROWS} utan fel, 0 med fel" in counts
        assert NOTE in browser.find_element(By.ID, "preview").text
        assert imported(app) == 0  # the check wrote nothing
        run = browser.find_element(By.ID, "im-run")
        WebDriverWait(browser, 10).until(lambda _d: run.is_enabled())
        run.click()
        WebDriverWait(browser, 60).until(
            lambda d: "observationer importerades" in d.find_element(By.ID, "im-result").text
        )
        assert f"{ROWS} observationer importerades" in browser.find_element(By.ID, "im-result").text
        progress = browser.find_element(By.ID, "im-progress").get_attribute("value")
        assert progress is not None and float(progress) == 100
        assert imported(app) == ROWS
        browser.save_screenshot(str(tmp_path / "import.png"))
        if os.environ.get("SSP_SCREENSHOT_DIR"):
            browser.save_screenshot(str(Path(os.environ["SSP_SCREENSHOT_DIR"]) / "import.png"))
    finally:
        # The session's demo database is shared with other tests: leave it as it was.
        with unit_of_work(app_state(app).sessions) as session:
            session.execute(delete(Observation).where(Observation.note == NOTE))
            bump_version(session)
        app_state(app).cubes.clear()


def test_a_refused_file_is_explained_on_the_page(
    app: Flask, browser: webdriver.Chrome, live_server: str, tmp_path: Path
) -> None:
    """The upload route's Swedish refusal reaches the page (upload.js → store → callback)."""
    log_in(browser, live_server, "samordnare")
    wait_for_map(browser)
    browser.find_element(By.LINK_TEXT, "Importera").click()
    upload = WebDriverWait(browser, 30).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#im-upload input[type=file]")
    )
    layer = tmp_path / "lager.geojson"
    layer.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    upload.send_keys(str(layer))
    WebDriverWait(browser, 30).until(
        lambda d: "stöds inte" in d.find_element(By.ID, "im-upload-info").text
    )
    assert "använd CSV eller Excel" in browser.find_element(By.ID, "im-upload-info").text
    assert browser.find_element(By.ID, "im-check").get_attribute("disabled") is not None
