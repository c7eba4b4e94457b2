"""Issue 15 item 4 in a real browser: under each map a closed "Kartans siffror som
tabell" box that a keyboard user reaches with Tab and opens with Enter, holding the
map's numbers as a table (Översikt and Tid & händelser)."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import ids
from tests.browser.axe import axe_violations
from tests.browser.test_overview_browser import log_in, wait_for_map

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/tid")
TID_TABLE_READY = """
const map = document.querySelector('#ev-map .js-plotly-plot');
const holder = document.getElementById(arguments[0]);
return Boolean(map && map.data && map.data.length && holder
  && holder.querySelector('table.data-table tbody tr'));
"""
"""Tid has drawn its map's figure and the table of its numbers (the table is built from the
figure's own values; the WebGL canvas itself is not needed here)."""
MAX_TABS = 250
BOX = """
const holder = document.getElementById(arguments[0]);
const box = holder && holder.closest('details');
if (!box) { return null; }
const rows = holder.querySelectorAll('table.data-table tbody tr');
return {
  open: box.open,
  rows: rows.length,
  caption: (holder.querySelector('caption') || {}).textContent || '',
  scoped: holder.querySelectorAll('th[scope="col"]').length,
  focused: document.activeElement === box.querySelector('summary'),
  visible: rows.length > 0 && rows[0].checkVisibility(),
};
"""


def _tab_to_summary(browser: webdriver.Chrome, holder: str) -> int:
    """Press Tab from the top of the page until the box's summary has focus."""
    browser.execute_script("document.activeElement && document.activeElement.blur()")
    for presses in range(1, MAX_TABS + 1):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        if browser.execute_script(BOX, holder)["focused"]:
            return presses
    raise AssertionError(f"Tab never reached the summary of {holder}")


def _open_with_enter(browser: webdriver.Chrome, holder: str) -> dict[str, object]:
    state = WebDriverWait(browser, 60).until(
        lambda d: (s := d.execute_script(BOX, holder)) and s["rows"] > 0 and s,
        f"{holder}: the map's table never got rows",
    )
    assert state["open"] is False  # closed until asked for
    assert state["visible"] is False
    _tab_to_summary(browser, holder)
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    opened: dict[str, object] = WebDriverWait(browser, 30).until(
        lambda d: (s := d.execute_script(BOX, holder)) and s["open"] and s["visible"] and s,
        f"{holder}: Enter on the summary did not open the table",
    )
    return opened


def _shoot(browser: webdriver.Chrome, holder: str, name: str) -> None:
    """Screenshots of the opened table, wide and on a phone."""
    for width, height in ((1440, 900), (390, 844)):
        browser.set_window_size(width, height)
        browser.execute_script(
            "document.getElementById(arguments[0]).closest('details').scrollIntoView()", holder
        )
        browser.save_screenshot(str(SHOTS / f"{name}-{width}.png"))
    browser.set_window_size(1440, 900)


@pytest.mark.parametrize("username", ["samordnare", "ledning"])
def test_map_table_is_present_and_opens_from_the_keyboard(
    browser: webdriver.Chrome, live_server: str, username: str
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    log_in(browser, live_server, username)
    wait_for_map(browser, 90)
    overview = _open_with_enter(browser, ids.OV_MAP_TABLE)
    assert overview["rows"] == 24 if username == "samordnare" else overview["rows"]
    assert overview["scoped"] == 3
    assert overview["caption"]
    assert axe_violations(browser) == []
    _shoot(browser, ids.OV_MAP_TABLE, f"map-table-overview-{username}")
    browser.get(f"{live_server}/tid")
    WebDriverWait(browser, 120).until(
        lambda d: d.execute_script(TID_TABLE_READY, ids.EV_MAP_TABLE),
        "Tid & händelser never drew its map's table",
    )
    tid = _open_with_enter(browser, ids.EV_MAP_TABLE)
    assert tid["scoped"] == 3
    assert "Valborg" in str(tid["caption"])
    assert axe_violations(browser) == []
    _shoot(browser, ids.EV_MAP_TABLE, f"map-table-tid-{username}")
