"""Permalinks and printing in a real browser (issue 16, items 4 and 5).

A filter changed on Översikt changes the address bar; that address opened in a fresh
load selects the same filters; "Kopiera länk" gives that address. Printing Översikt
(Chrome's print to PDF) leaves out the navigation and the controls and prints the map
(not a blank canvas) and the charts; screenshots of the printed pages are kept in
/tmp/print/ for a person to look at.
"""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.print_page_options import PrintOptions
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.test_overview_browser import log_in, wait_for_map

pytestmark = pytest.mark.browser

PRINT_DIR = Path("/tmp/print")
CHECKED = "const i = document.querySelector('#%s input:checked'); return i ? i.value : null;"


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_a_filter_change_is_in_the_address_and_the_address_restores_it(
    browser: webdriver.Chrome, live_server: str
) -> None:
    log_in(browser, live_server, "samordnare")
    wait_for_map(browser)
    WebDriverWait(browser, 30).until(lambda d: "kommun=0380" in d.current_url)
    assert query_of(browser.current_url)["period"] == ["4w"]

    browser.find_element(
        By.XPATH, "//*[@id='ov-quick-period']//label[contains(., 'Senaste 12 månaderna')]"
    ).click()
    browser.find_element(
        By.XPATH, "//*[@id='ov-measure']//label[contains(., 'Per 1 000 unga')]"
    ).click()
    WebDriverWait(browser, 30).until(
        lambda d: (
            query_of(d.current_url).get("period") == ["52w"]
            and query_of(d.current_url).get("visa") == ["rate"]
        )
    )
    url = browser.current_url
    assert browser.execute_script("return history.length") <= 3  # replaced, not pushed

    # A fresh load of that address: the same choices are selected.
    browser.get("about:blank")
    browser.get(url)
    wait_for_map(browser)
    assert browser.execute_script(CHECKED % "ov-quick-period") == "52w"
    assert browser.execute_script(CHECKED % "ov-measure") == "rate"
    WebDriverWait(browser, 30).until(lambda d: d.current_url == url)

    # "Kopiera länk": the clipboard or, where refused, the selected link field.
    field = browser.find_element(By.ID, "ov-link")
    WebDriverWait(browser, 30).until(lambda d: field.get_attribute("value") == url)
    browser.find_element(By.ID, "ov-link-copy").click()
    status = browser.find_element(By.ID, "ov-link-status")
    WebDriverWait(browser, 10).until(lambda d: status.text.strip())
    assert status.text in (
        "Länken är kopierad.",
        browser.find_element(By.ID, "ov-link-copy").get_attribute("data-select"),
    )
    assert browser.find_element(By.ID, "ov-link-copy").get_attribute("data-copied-url") == url


def test_a_link_to_another_kommun_is_narrowed_with_a_notice(
    browser: webdriver.Chrome, live_server: str
) -> None:
    log_in(browser, live_server, "ledning")
    wait_for_map(browser)
    browser.get(
        f"{live_server}/?kommun=0191&niva=deso&period=custom&fran=2026-06-08&till=2026-06-14"
    )
    wait_for_map(browser)
    notice = browser.find_element(By.ID, "ov-link-notice").text
    assert "inte har behörighet" in notice
    assert "hela månader" in notice
    WebDriverWait(browser, 30).until(lambda d: "kommun=0380" in d.current_url)
    query = query_of(browser.current_url)
    assert query["fran"] == ["2026-06-01"] and query["till"] == ["2026-06-28"]
    assert query["niva"] != ["deso"]


def _wait_for_map_snapshot(browser: webdriver.Chrome) -> None:
    WebDriverWait(browser, 60).until(
        lambda d: d.execute_script(
            "const i = document.querySelector('#ov-map img.print-snapshot');"
            "return !!(i && i.src.length > 5000);"
        )
    )


@pytest.mark.parametrize("username", ["samordnare", "ledning"])
def test_overview_prints_with_map_and_charts_without_navigation(
    browser: webdriver.Chrome, live_server: str, username: str
) -> None:
    log_in(browser, live_server, username)
    wait_for_map(browser)
    _wait_for_map_snapshot(browser)
    browser.execute_script(
        "window.__beforeprint = 0;"
        "window.addEventListener('beforeprint', () => { window.__beforeprint += 1; });"
    )
    options = PrintOptions()
    options.background = True
    pdf_bytes = base64.b64decode(browser.print_page(options))
    fired = browser.execute_script("return window.__beforeprint")

    PRINT_DIR.mkdir(parents=True, exist_ok=True)
    (PRINT_DIR / f"oversikt-{username}.pdf").write_bytes(pdf_bytes)
    pdf = pdfium.PdfDocument(pdf_bytes)
    text = ""
    map_pixels: list[np.ndarray] = []
    for number, page in enumerate(pdf, start=1):
        text += page.get_textpage().get_text_range()
        page.render(scale=1.5).to_pil().save(PRINT_DIR / f"oversikt-{username}-{number}.png")
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
            image = np.asarray(obj.get_bitmap(render=True).to_pil().convert("L"), dtype=float)
            if image.size > 100_000:
                map_pixels.append(image)
        page.close()
    pages = len(pdf)
    pdf.close()
    assert pages <= 4, "Översikt prints on a few pages"
    # The navigation, the user's links, the skip link and the buttons are not printed.
    for absent in ("Tid & händelser", "Logga ut", "Hoppa till innehållet", "Kopiera länk"):
        assert absent not in text, absent
    # The chosen view is: the status line and the trend's heading.
    assert "Händelser per" in text
    assert "Områden med flest händelser" in text
    # The map is printed from its snapshot, and is not blank: many shades, real spread.
    assert map_pixels, f"no map image in the PDF (beforeprint fired {fired} times)"
    biggest = max(map_pixels, key=lambda a: a.size)
    assert biggest.std() > 10
    assert len(np.unique(biggest.round())) > 20
