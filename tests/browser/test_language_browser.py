"""Swedish everywhere, English per user (issue 15), in a real browser: what a person
reads on Översikt — page text, chart ticks and legends, dropdown and radio labels —
is in their language only, the date picker is Swedish and starts on Monday, and
charts write Swedish months and a decimal comma."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from babel.dates import get_month_names
from flask import Flask
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from dashboard import ids
from dashboard.state import app_state
from data.storage.models import Area, User
from tests.browser.axe import axe_violations
from tests.browser.test_overview_browser import log_in, wait_for_map
from tests.language_tools import all_translations as catalogue

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/i18n/shots")
VISIBLE_TEXT = """
const parts = [document.body.innerText];
for (const el of document.querySelectorAll(
    '.js-plotly-plot .xtick text, .js-plotly-plot .ytick text, .js-plotly-plot .legendtext, '
    + '.js-plotly-plot .gtitle, .js-plotly-plot .g-xtitle text, .js-plotly-plot .g-ytitle text, '
    + '.js-plotly-plot .annotation-text, .js-plotly-plot .cbtitle text, '
    + '.js-plotly-plot .cbaxis text, '
    + 'label, .dash-dropdown, [placeholder], [aria-label], [title]')) {
  parts.push(el.textContent || '');
  for (const attr of ['placeholder', 'aria-label', 'title']) {
    if (el.getAttribute(attr)) { parts.push(el.getAttribute(attr)); }
  }
}
return parts.join('\\n');
"""
OVERVIEW_DRAWN = f"""
const title = document.getElementById('{ids.TREND_TITLE}');
const status = document.getElementById('{ids.STATUS}');
const trend = document.querySelector('#ov-trend .js-plotly-plot .xtick text');
return Boolean(title && title.textContent && status && status.textContent && trend);
"""
DASH_ENGLISH = ("Search", "Select All", "Select all", "No options found", "selected", "Loading")
"""Dash's own English defaults, which the Swedish UI must never show."""
PLOTLY_ENGLISH_TITLES = ("Download plot", "Zoom in", "Zoom out", "Autoscale", "Reset axes")
"""Plotly's mode-bar tooltips (title attributes) in English."""


def pattern(text: str) -> re.Pattern[str]:
    """``text`` as a whole-word pattern; a ``%(name)s`` placeholder matches anything."""
    pieces = re.split(r"%\(\w+\)[sd]", text)
    body = r".{0,80}?".join(re.escape(p) for p in pieces)
    return re.compile(r"(?<!\w)" + body + r"(?!\w)")


def data_names(app: Flask) -> list[str]:
    """Area and kommun names and usernames: data, shown as they are in every language."""
    with app_state(app).sessions() as session:
        names = list(session.scalars(select(Area.name))) + list(
            session.scalars(select(User.username))
        )
    return sorted({n for n in names if n}, key=len, reverse=True)


def without(text: str, names: list[str]) -> str:
    for name in [*names, "SSP Lägesbild"]:
        text = text.replace(name, " ")
    return text


def overview_text(browser: webdriver.Chrome) -> str:
    """Everything readable on Översikt, with the categories dropdown opened once."""
    WebDriverWait(browser, 60).until(lambda d: d.execute_script(OVERVIEW_DRAWN))
    shown: str = browser.execute_script(VISIBLE_TEXT)
    browser.find_element(By.CSS_SELECTOR, f"#{ids.CATEGORIES}").click()
    WebDriverWait(browser, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")
    )
    opened: str = browser.execute_script(VISIBLE_TEXT)
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    return shown + "\n" + opened


def choose_language(browser: webdriver.Chrome, base: str, label: str, lang: str) -> None:
    browser.get(f"{base}/konto")
    radio = WebDriverWait(browser, 30).until(
        lambda d: d.find_element(
            By.XPATH, f"//*[@id='{ids.ME_LANGUAGE}']//label[normalize-space()='{label}']"
        )
    )
    radio.click()
    WebDriverWait(browser, 30).until(
        lambda d: d.execute_script(
            "return document.documentElement.lang === arguments[0]"
            " && !!document.getElementById(arguments[1])",
            lang,
            ids.ME_LANGUAGE,
        )
    )


def test_english_user_sees_no_swedish_on_overview(
    browser: webdriver.Chrome, live_server: str, app: Flask
) -> None:
    log_in(browser, live_server, "samordnare")
    wait_for_map(browser)
    choose_language(browser, live_server, "English", "en")
    assert "My account" in browser.find_element(By.ID, ids.SHELL_ACCOUNT).text
    assert axe_violations(browser) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / "konto-en.png"))
    browser.get(f"{live_server}/")
    wait_for_map(browser)
    text = overview_text(browser)
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / "overview-en.png"))
    assert browser.execute_script("return document.documentElement.lang") == "en"
    readable = without(text, data_names(app))
    swedish = [
        msgid
        for msgid, english in catalogue().items()
        if english != msgid and pattern(msgid).search(readable)
    ]
    assert not swedish, f"Swedish left on the English Översikt: {swedish}"
    letters = sorted({line for line in readable.splitlines() if re.search("[åäöÅÄÖ]", line)})
    assert not letters, f"Swedish letters on the English Översikt: {letters}"
    assert "Overview" in text and "Select all" in text
    browser.get(f"{live_server}/")
    wait_for_map(browser)
    assert axe_violations(browser) == []
    browser.set_window_size(390, 844)
    browser.save_screenshot(str(SHOTS / "overview-en-390.png"))


def test_swedish_ui_has_no_english_string(
    browser: webdriver.Chrome, live_server: str, app: Flask
) -> None:
    log_in(browser, live_server, "samordnare")
    wait_for_map(browser)
    text = overview_text(browser)
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / "overview-sv.png"))
    readable = without(text, data_names(app))
    english = [
        msgstr
        for msgid, msgstr in catalogue().items()
        if msgstr and msgstr != msgid and pattern(msgstr).search(readable)
    ]
    assert not english, f"English on the Swedish Översikt: {english}"
    dash = [word for word in (*DASH_ENGLISH, *PLOTLY_ENGLISH_TITLES) if word in readable]
    assert not dash, f"Dash's or Plotly's English on the Swedish Översikt: {dash}"
    assert "Välj alla" in text


def test_date_picker_shows_swedish_month_names_and_starts_on_monday(
    browser: webdriver.Chrome, live_server: str
) -> None:
    log_in(browser, live_server, "samordnare")
    wait_for_map(browser)
    browser.find_element(By.ID, ids.PERIOD).click()
    calendar: dict[str, Any] = WebDriverWait(browser, 20).until(
        lambda d: d.execute_script(
            "const h = document.querySelector('.dash-datepicker-calendar-month-header');"
            "if (!h) { return null; }"
            "const days = Array.from(h.closest('table').querySelectorAll('thead tr:last-child th'))"
            "  .map(th => th.textContent.trim());"
            "return {month: h.textContent.trim(), days: days};"
        )
    )
    browser.save_screenshot(str(SHOTS / "datepicker-sv.png"))
    months = list(get_month_names("wide", locale="sv_SE").values())
    month, year = calendar["month"].rsplit(" ", 1)
    assert month in months and year.isdigit(), calendar
    assert calendar["days"] == ["må", "ti", "on", "to", "fr", "lö", "sö"]
    # Its buttons are named in Swedish too (Dash names them "Previous month" …).
    names: list[str] = WebDriverWait(browser, 20).until(
        lambda d: d.execute_script(
            "const n = Array.from(document.querySelectorAll('[aria-label]'))"
            "  .map(e => e.getAttribute('aria-label'));"
            "return n.includes('Föregående månad') ? n : null;"
        )
    )
    assert not {"Previous month", "Next month", "Close calendar", "Clear Dates"} & set(names)


def test_charts_write_swedish_months_and_a_decimal_comma(
    browser: webdriver.Chrome, live_server: str
) -> None:
    log_in(browser, live_server, "samordnare")
    wait_for_map(browser)
    # A year of weeks: the trend's date axis is labelled by month.
    browser.find_element(
        By.XPATH, f"//*[@id='{ids.QUICK_PERIOD}']//label[contains(., 'Senaste 12 månaderna')]"
    ).click()
    month_tick = r"^(jan\.|feb\.|mars|apr\.|maj|juni|juli|aug\.|sep\.|okt\.|nov\.|dec\.) \d{4}$"
    ticks: list[str] = WebDriverWait(browser, 60).until(
        lambda d: d.execute_script(
            "const x = Array.from(document.querySelectorAll('#ov-trend .xtick text'))"
            "  .map(e => e.textContent);"
            f"return x.some(t => /{month_tick}/.test(t)) ? x : null;"
        )
    )
    english = r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b"
    assert not any(re.search(english, t) for t in ticks), ticks
    # The charts' number format is Swedish: decimal comma, a space between thousands.
    numbers: dict[str, Any] = browser.execute_script(
        "const trend = document.querySelector('#ov-trend .js-plotly-plot');"
        "const probe = document.createElement('div');"
        "probe.style.width = '400px'; probe.style.height = '300px';"
        "document.body.appendChild(probe);"
        "return window.Plotly.newPlot(probe, [{y: [0.1, 0.5, 0.9, 1500.5], type: 'bar'}],"
        "  {yaxis: {type: 'log'}}, {locale: trend._context.locale}).then(() => {"
        "  const t = Array.from(probe.querySelectorAll('.ytick text')).map(e => e.textContent);"
        "  const out = {separators: trend._fullLayout.separators, locale: trend._context.locale,"
        "    ticks: t};"
        "  window.Plotly.purge(probe); probe.remove(); return out; });"
    )
    assert numbers["locale"] == "sv"
    assert numbers["separators"] == ",\u00a0"
    assert any(re.fullmatch(r"0,\d+", t) for t in numbers["ticks"]), numbers
    assert not any(re.search(r"\d\.\d", t) for t in numbers["ticks"]), numbers
