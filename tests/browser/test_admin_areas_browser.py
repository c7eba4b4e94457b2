"""An administrator imports the real Sigtuna DeSO layer and a population file in the
browser, then the overview map shows the DeSO level with rates per 1,000 youths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import insert, select

from dashboard.state import app_state
from data.demo.build import observation_rows
from data.demo.synthetic import SyntheticArea, synthetic_observations
from data.storage.db import bump_version, unit_of_work
from data.storage.models import Area, Observation
from tests.browser.test_overview_browser import log_in
from tests.clock import TEST_TODAY

pytestmark = [pytest.mark.browser, pytest.mark.shared_data]


def choose(browser: webdriver.Chrome, dropdown_id: str, value: str) -> None:
    """Pick an option of a Dash 4 dropdown the way a person does: open it, click."""
    browser.find_element(By.ID, dropdown_id).click()
    option = WebDriverWait(browser, 10).until(
        lambda d: d.find_element(By.CSS_SELECTOR, f".dash-dropdown-option input[value='{value}']")
    )
    label = option.find_element(By.XPATH, "./ancestor::label")
    if label.get_attribute("aria-selected") != "true":
        # A long list scrolls: bring the option out from under the search field first.
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", label)
        label.click()
    # A single-choice dropdown may stay open; Escape closes it like a person would.
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    WebDriverWait(browser, 10).until(
        lambda d: not d.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")
    )


def click_radio(browser: webdriver.Chrome, radio_id: str, value: str) -> None:
    browser.find_element(By.CSS_SELECTOR, f"#{radio_id} input[value='{value}']").find_element(
        By.XPATH, "./ancestor::label"
    ).click()


def synthetic_population_csv(path: Path, codes: list[str]) -> Path:
    """Synthetic test figures (not SCB's): 210–400 youths per DeSO."""
    lines = ["deso_kod;alder_10_19"] + [f"{c};{210 + (i * 37) % 190}" for i, c in enumerate(codes)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def add_synthetic_observations(app: Flask, codes: list[str]) -> None:
    state = app_state(app)
    with unit_of_work(state.sessions) as session:
        ids = dict(session.execute(select(Area.code, Area.id).where(Area.code.in_(codes))).all())
        areas = [SyntheticArea(code, "0191", 300) for code in codes]
        data = synthetic_observations(areas, end=TEST_TODAY, days=120, seed=7, n_rising=0)
        session.execute(insert(Observation), observation_rows(data.observations, ids))
        bump_version(session)


MAP_STATE = """
const gd = document.querySelector('#ov-map .js-plotly-plot');
if (!gd || !gd.data || gd.data.length < 2) { return null; }
return {
  locations: Array.from(gd.data[0].locations).concat(Array.from(gd.data[1].locations)),
  z: Array.from(gd.data[0].z),
  title: gd.data[0].colorbar && gd.data[0].colorbar.title ? gd.data[0].colorbar.title.text : null,
  geojson: gd.data[0].geojson,
};
"""


def test_admin_imports_sigtuna_deso_and_the_map_shows_rates(
    browser: webdriver.Chrome,
    live_server: str,
    app: Flask,
    shared_data: Path,
    tmp_path: Path,
) -> None:
    layer = shared_data / "geo" / "sigtuna_deso_2018.geojson"
    log_in(browser, live_server, "admin")
    WebDriverWait(browser, 60).until(lambda d: d.execute_script(MAP_STATE))
    browser.find_element(By.LINK_TEXT, "Områden").click()

    upload = WebDriverWait(browser, 30).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#ad-area-upload input[type=file]")
    )
    upload.send_keys(str(layer))
    WebDriverWait(browser, 30).until(
        # The fields are read in a job process; the line names them when it is done.
        lambda d: "Kontrollera fälten" in d.find_element(By.ID, "ad-area-upload-info").text
    )
    # The fields of an SCB DeSO layer are recognised: the person only checks them.
    for field_id, expected in (
        ("ad-area-code-field", "deso_2018"),
        ("ad-area-parent-field", "regso_2020_kod"),
        ("ad-area-parent-name-field", "regso_2020_namn"),
    ):
        assert expected in browser.find_element(By.ID, field_id).text
    browser.find_element(By.ID, "ad-area-import").click()
    WebDriverWait(browser, 60).until(
        lambda d: "24 nya" in d.find_element(By.ID, "ad-area-report").text
    )
    assert browser.find_element(By.ID, "ad-area-progress").get_attribute("value") == "100"
    assert "24 överordnade områden" in browser.find_element(By.ID, "ad-area-report").text

    with app_state(app).sessions() as session:
        codes = sorted(session.scalars(select(Area.code).where(Area.level == "deso")))
    assert len(codes) == 24
    population = synthetic_population_csv(tmp_path / "befolkning.csv", codes)
    browser.find_element(By.CSS_SELECTOR, "#ad-pop-upload input[type=file]").send_keys(
        str(population)
    )
    WebDriverWait(browser, 30).until(
        lambda d: "uppdaterad för 24 områden" in d.find_element(By.ID, "ad-pop-report").text
    )
    add_synthetic_observations(app, codes)

    browser.find_element(By.LINK_TEXT, "Översikt").click()
    WebDriverWait(browser, 60).until(lambda d: d.execute_script(MAP_STATE))
    choose(browser, "ov-kommun", "0191")
    WebDriverWait(browser, 30).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#ov-level input[value='deso']")
    )
    # One step at a time, looking at the map in between, as a person does.
    click_radio(browser, "ov-level", "deso")
    WebDriverWait(browser, 60).until(
        lambda d: (
            (s := d.execute_script(MAP_STATE))
            and "/geo/0191/deso.geojson" in str(s["geojson"])
            and len(s["locations"]) == 24
        )
    )
    click_radio(browser, "ov-quick-period", "12w")
    WebDriverWait(browser, 60).until(
        lambda d: "12 veckor" in d.find_element(By.ID, "ov-status").text
    )
    click_radio(browser, "ov-measure", "rate")
    state: dict[str, Any] = WebDriverWait(browser, 60).until(
        lambda d: (
            (s := d.execute_script(MAP_STATE))
            and s["title"] == "Per 1 000 unga"
            and "/geo/0191/deso.geojson" in str(s["geojson"])
            and s
        )
    )
    assert sorted(state["locations"]) == codes
    assert state["z"] and all(isinstance(v, (int, float)) for v in state["z"])
    assert any(v != int(v) for v in state["z"])  # rates, not counts
    browser.save_screenshot(str(tmp_path / "sigtuna-deso-rates.png"))
    browser.save_screenshot("/tmp/sigtuna-deso-rates.png")
