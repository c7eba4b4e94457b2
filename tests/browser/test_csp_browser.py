"""Every page under the Content Security Policy, in a real browser, for every role.

Each role logs in, opens each page it may see (and one it may not), waits until the
page has drawn (map, chart or form), changes a filter where the page has one, and the
browser must have logged no error: no CSP violation (Chromium reports them as SEVERE
console entries, and a listener installed before any page script counts them too),
no failed callback, no script error. Downloads (``dcc.Download``: CSV, PDF) still
arrive. Attacks show that the policy is enforced, not only sent: an injected inline
script, an inline event handler and ``eval`` are refused.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import ids
from dashboard.pages.events_page import default_year
from dashboard.periods import window_value
from data.briefing.period import week_period
from data.calendar.windows import event_windows
from tests.browser.test_admin_areas_browser import choose, click_radio
from tests.browser.test_overview_browser import MAP_STATE, log_in, wait_for_map
from tests.clock import TEST_TODAY

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""
"""Runs before the page's own scripts on every document (CDP), outside the policy."""

REFUSED = """
return Array.from(document.querySelectorAll('[role=alert] h2'))
  .some((h) => h.textContent.includes('Ingen behörighet'));
"""

SETTLED = """
return document.readyState === 'complete'
  && !document.querySelector('[data-dash-is-loading="true"]')
  && !document.querySelector('._dash-loading');
"""


def plot_drawn(container: str) -> str:
    """JS: true when the Plotly figure inside ``#container`` has data and is drawn."""
    return (
        f"const gd = document.querySelector('#{container} .js-plotly-plot');"
        "return !!(gd && gd.data && gd.data.length && gd._fullLayout);"
    )


def map_drawn(container: str) -> str:
    """JS: true when the MapLibre choropleth inside ``#container`` has a canvas."""
    return (
        f"const gd = document.querySelector('#{container} .js-plotly-plot');"
        f"const canvas = document.querySelector('#{container} canvas');"
        "return !!(gd && gd.data && gd.data.length >= 2 && canvas && canvas.width > 0);"
    )


def present(element_id: str) -> str:
    return f"return !!document.getElementById('{element_id}');"


def change_overview_period(browser: webdriver.Chrome) -> None:
    before = wait_for_map(browser)
    browser.find_element(
        By.XPATH, "//*[@id='ov-quick-period']//label[contains(., 'Senaste 12 månaderna')]"
    ).click()
    WebDriverWait(browser, 60).until(
        lambda d: (s := d.execute_script(MAP_STATE)) and s["z"] != before["z"]
    )


def change_event(browser: webdriver.Chrome) -> None:
    windows = {w.key: w for w in event_windows(default_year(TEST_TODAY))}
    choose(browser, ids.EV_EVENT, window_value(windows["midsommar"]))
    WebDriverWait(browser, 60).until(
        lambda d: (
            "Midsommar"
            in (
                d.execute_script(
                    "const gd = document.querySelector('#ev-map .js-plotly-plot');"
                    "return gd && gd.layout && gd.layout.title ? gd.layout.title.text : '';"
                )
                or ""
            )
        )
    )


def change_planning_weeks(browser: webdriver.Chrome) -> None:
    click_radio(browser, ids.PL_WEEKS, "4")
    WebDriverWait(browser, 60).until(lambda d: d.execute_script(plot_drawn(ids.PL_FORECAST)))


def start_totp(browser: webdriver.Chrome) -> None:
    """Aktivera tvåstegsverifiering: the QR code is an SVG data URI (``img-src data:``)."""
    browser.find_element(By.ID, ids.ME_TOTP_START).click()
    WebDriverWait(browser, 60).until(
        lambda d: d.execute_script(
            f"const img = document.getElementById('{ids.ME_TOTP_QR}');"
            "return !!(img && img.complete && img.naturalWidth > 0);"
        )
    )


def change_briefing_kind(browser: webdriver.Chrome) -> None:
    """Lägesbild: switch to tertials; the status and the trend are drawn again."""
    status = f"return (document.getElementById('{ids.LB_STATUS}') || {{}}).textContent || '';"
    click_radio(browser, ids.LB_KIND, "tertial")
    WebDriverWait(browser, 60).until(lambda d: "tertial" in d.execute_script(status))
    WebDriverWait(browser, 60).until(lambda d: d.execute_script(plot_drawn(ids.LB_TREND)))


def change_week(browser: webdriver.Chrome) -> None:
    """Veckans lägesbild: choose last week; the content is drawn again."""
    last_week = week_period(TEST_TODAY - timedelta(weeks=1))
    choose(browser, ids.VL_WEEK, last_week.code)
    WebDriverWait(browser, 60).until(lambda d: d.execute_script(present(ids.VL_DRAWN)))


Interaction = Callable[[webdriver.Chrome], None]

PAGES: dict[str, tuple[str, Interaction | None]] = {
    "/": (map_drawn(ids.MAP), change_overview_period),
    "/tid": (map_drawn(ids.EV_MAP), change_event),
    "/planering": (plot_drawn(ids.PL_FORECAST), change_planning_weeks),
    "/kalender": (present(ids.CAL_EVENT_ADD), None),
    "/rapportera": (present(ids.REPORT_SUBMIT), None),
    "/nattvandring": (present(ids.WALK_SUBMIT), None),
    "/importera": (present(ids.IMPORT_UPLOAD), None),
    "/admin/omraden": (present(ids.AREA_IMPORT), None),
    "/admin/anvandare": (present(ids.US_CREATE), None),
    "/admin/granskning": (present(ids.AU_TABLE), None),
    "/konto": (present(ids.ME_CHANGE), None),
    "/konto#tva-steg": (present(ids.ME_TOTP_START), start_totp),
    "/mina-rapporter": (present(ids.MY_REPORTS_PAGE), None),
    "/lagesbild": (plot_drawn(ids.LB_TREND), change_briefing_kind),
    "/lagesbild/arkiv": (present(ids.LB_ARCHIVE_PAGE), None),
    "/samverkan": (present(ids.SV_WEEK), None),
    "/veckan": (present(ids.VL_DRAWN), change_week),
    "/sspf": (present(ids.SF_PAGE), None),
    "/sspf/arende": (present(ids.SC_PAGE), None),
    "/finns-inte": (present(ids.NOT_FOUND), None),
}
"""What each page shows once it has drawn, and the filter a person would change."""

ROLE_PAGES = {
    "samordnare": [
        "/",
        "/tid",
        "/planering",
        "/kalender",
        "/rapportera",
        "/nattvandring",
        "/mina-rapporter",
        "/importera",
        "/lagesbild",
        "/lagesbild/arkiv",
        "/samverkan",
        "/veckan",
        "/sspf",
        "/sspf/arende",
        "/konto#tva-steg",
        "/finns-inte",
    ],
    "admin": ["/", "/tid", "/kalender", "/admin/omraden", "/admin/anvandare", "/admin/granskning"],
    "rapportor": [
        "/",
        "/tid",
        "/rapportera",
        "/nattvandring",
        "/konto",
        "/mina-rapporter",
        "/sspf",
    ],
    "polis": [
        "/",
        "/tid",
        "/rapportera",
        "/nattvandring",
        "/konto",
        "/mina-rapporter",
        "/samverkan",
        "/veckan",
        "/sspf",
    ],
    "ledning": ["/", "/tid", "/lagesbild", "/lagesbild/arkiv", "/konto"],
}
DENIED_PAGE = {"admin": "/planering", "rapportor": "/importera", "ledning": "/rapportera"}
"""A page the role may not open: the refusal must render cleanly too."""


def browser_errors(browser: webdriver.Chrome) -> list[str]:
    """SEVERE console entries since the last call, and CSP violations on this document."""
    severe = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    violations: list[str] = browser.execute_script("return window.__cspViolations || []")
    return severe + [f"CSP: {v}" for v in violations]


def open_page(browser: webdriver.Chrome, url: str, drawn: str) -> None:
    browser.get(url)
    WebDriverWait(browser, 90, poll_frequency=0.5).until(lambda d: d.execute_script(drawn))


def settle(browser: webdriver.Chrome) -> None:
    WebDriverWait(browser, 60, poll_frequency=0.5).until(lambda d: d.execute_script(SETTLED))


@pytest.fixture
def watched(browser: webdriver.Chrome) -> webdriver.Chrome:
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS})
    return browser


@pytest.mark.parametrize("username", list(ROLE_PAGES))
def test_every_page_renders_under_the_csp_without_console_errors(
    watched: webdriver.Chrome, live_server: str, username: str
) -> None:
    browser = watched
    log_in(browser, live_server, username)
    wait_for_map(browser, timeout=90)
    problems: dict[str, list[str]] = {"/ (after login)": browser_errors(browser)}
    for path in ROLE_PAGES[username]:
        drawn, interact = PAGES[path]
        open_page(browser, live_server + path, drawn)
        if interact is not None:
            interact(browser)
        settle(browser)
        problems[path] = browser_errors(browser)
    if username in DENIED_PAGE:
        path = DENIED_PAGE[username]
        open_page(browser, live_server + path, REFUSED)
        settle(browser)
        problems[f"{path} (no access)"] = browser_errors(browser)
    assert {page: found for page, found in problems.items() if found} == {}


def test_the_policy_is_enforced_an_injected_script_and_eval_do_not_run(
    watched: webdriver.Chrome, live_server: str
) -> None:
    browser = watched
    log_in(browser, live_server, "samordnare")
    wait_for_map(browser, timeout=90)
    assert browser_errors(browser) == []
    browser.execute_script(
        """
        const s = document.createElement('script');
        s.textContent = 'window.__injected = true;';
        document.body.appendChild(s);
        const img = document.createElement('img');
        img.setAttribute('src', 'data:,x');
        img.setAttribute('onerror', 'window.__handler = true');
        document.body.appendChild(img);
        // Later, from the page's own task queue (WebDriver's own calls may evaluate).
        setTimeout(() => {
          try { window.eval('1 + 1'); window.__eval = 'ran'; } catch (e) { window.__eval = e.name; }
        }, 0);
        """
    )
    WebDriverWait(browser, 10).until(
        lambda d: len(d.execute_script("return window.__cspViolations")) >= 3
    )
    state = browser.execute_script(
        "return {injected: window.__injected === true, handler: window.__handler === true,"
        " eval: window.__eval}"
    )
    assert state == {"injected": False, "handler": False, "eval": "EvalError"}
    violations = browser.execute_script("return window.__cspViolations")
    assert any(v.startswith("script-src") for v in violations)


def test_downloads_work_under_the_csp(
    watched: webdriver.Chrome, live_server: str, tmp_path: Path
) -> None:
    """``dcc.Download`` saves through a ``blob:`` link: the table CSV on Översikt, the
    schedule PDF and the compensation CSV on Planering arrive, with no console error."""
    browser = watched
    downloads = tmp_path / "downloads"  # (tmp_path also holds the test's database copy)
    downloads.mkdir()
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    log_in(browser, live_server, "samordnare")
    wait_for_map(browser, timeout=90)

    def arrived(*suffixes: str) -> Callable[[webdriver.Chrome], bool]:
        def check(_driver: webdriver.Chrome) -> bool:
            done = [p.suffix for p in downloads.iterdir() if p.suffix != ".crdownload"]
            return sorted(done) == sorted(suffixes)

        return check

    browser.find_element(By.ID, ids.EXPORT_BUTTON).click()
    WebDriverWait(browser, 60).until(arrived(".csv"))
    open_page(browser, live_server + "/planering", plot_drawn(ids.PL_FORECAST))
    browser.find_element(By.ID, ids.PL_EXPORT_PDF).click()
    WebDriverWait(browser, 60).until(arrived(".csv", ".pdf"))
    browser.find_element(By.ID, ids.PL_EXPORT_PAY).click()
    WebDriverWait(browser, 60).until(arrived(".csv", ".csv", ".pdf"))
    assert browser_errors(browser) == []
