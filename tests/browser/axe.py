"""axe-core in the browser tests: the accessibility rules of WCAG 2.1 A and AA.

``vendor/axe.min.js`` is axe-core 4.14.1 (Deque Systems, MPL-2.0, licence in
``vendor/axe-core.LICENSE``), copied from the npm package so the tests run offline.
It is injected into the page under test by the WebDriver (not served by the app), so
the Content Security Policy of the app stays as strict as it is.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from selenium import webdriver

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
"""The WCAG 2.1 AA rule set (lag 2018:1937 points to EN 301 549, which is WCAG 2.1 AA)."""
BLOCKING = ("serious", "critical")

RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then((r) => done(r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ') + ' :: ' + n.failureSummary).slice(0, 8),
      count: v.nodes.length}))))
  .catch((e) => done([
    {id: 'axe-error', impact: 'critical', help: String(e), nodes: [], count: 1}]));
"""


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(
    browser: webdriver.Chrome, *, impacts: tuple[str, ...] = BLOCKING
) -> list[dict[str, Any]]:
    """The WCAG 2.1 A/AA violations on the current page of ``impacts`` (default
    serious and critical), each with its rule id, help text and up to eight nodes."""
    if not browser.execute_script("return typeof window.axe !== 'undefined'"):
        browser.execute_script(_axe_source())
    browser.set_script_timeout(120)
    found: list[dict[str, Any]] = browser.execute_async_script(RUN, list(TAGS))
    return [v for v in found if v["impact"] in impacts]


def summary(violations: list[dict[str, Any]]) -> list[str]:
    """One readable line per violation, for an assertion message."""
    return [f"{v['impact']} {v['id']} ×{v['count']}: {v['help']} {v['nodes']}" for v in violations]
