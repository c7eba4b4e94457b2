"""The tests' one clock: the frozen date every test runs on.

``SSP_TEST_TODAY`` (an ISO date) chooses it; the default is a fixed day, never the
real date, so the suite gives the same answer whatever day CI runs. ``conftest.py``
freezes the system clock there with ``time-machine`` for the whole session (ticking
from noon, Swedish time), and the demo database ends on it. ``make test`` runs the
tests marked ``date_sensitive`` again at the other dates of ``TEST_DATES``.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time
from typing import Final

from data.clock import SWEDISH_TIME

DEFAULT_TODAY: Final = date(2026, 12, 2)
TEST_DATES: Final = ("2026-12-02", "2027-02-28", "2027-03-28", "2027-12-31")
"""Days the date-sensitive tests run on in CI: a winter day, the end of February, the
Sunday the clocks go forward (spring DST) and the last day of a year."""


def _configured_today() -> date:
    raw = os.environ.get("SSP_TEST_TODAY", "").strip()
    if not raw:
        return DEFAULT_TODAY
    try:
        return date.fromisoformat(raw)
    except ValueError:
        msg = f"SSP_TEST_TODAY must be a date like 2027-03-28, not {raw!r}"
        raise ValueError(msg) from None


DATE_SENSITIVE: Final = frozenset(
    {
        "tests/integration/test_api.py",
        "tests/integration/test_calendar_page.py",
        "tests/integration/test_cli.py",
        "tests/integration/test_sspf_cli.py",
        "tests/integration/test_sspf_teardown.py",
        "tests/integration/test_briefing.py",
        "tests/integration/test_cli_lagesbild.py",
        "tests/integration/test_differencing.py",
        "tests/integration/test_events_page.py",
        "tests/integration/test_event_robustness.py",
        "tests/integration/test_export.py",
        "tests/integration/test_forecast.py",
        "tests/integration/test_import_kill.py",
        "tests/integration/test_notes_callbacks.py",
        "tests/integration/test_overview_callbacks.py",
        "tests/integration/test_planning_page.py",
        "tests/integration/test_planning_week.py",
        "tests/integration/test_plans.py",
        "tests/integration/test_language_planning.py",
        "tests/browser/test_language_planning_browser.py",
        "tests/integration/test_report_form.py",
        "tests/integration/test_view_cache.py",
        "tests/integration/test_walk_form.py",
        "tests/browser/test_events_browser.py",
        "tests/browser/test_planning_browser.py",
        "tests/integration/test_overview_issue15.py",
        "tests/integration/test_events_issue15.py",
        "tests/integration/test_calendar_issue15.py",
        "tests/browser/test_views_issue15_browser.py",
        "tests/integration/test_period_status.py",
        "tests/integration/test_issue16_defects.py",
        # issue 17, Veckans lägesbild: the running week, the weeks around it, the demo's
        # last weeks and the coming two weeks' calendar
        "tests/integration/test_weekly_page.py",
        "tests/integration/test_weekly_recount.py",
        "tests/browser/test_weekly_browser.py",
    }
)
"""Test modules whose outcome depends on the calendar around today (quick periods,
the last finished valborg, coming Fridays, the demo's last weeks): ``conftest.py``
marks their tests ``date_sensitive``."""


TEST_TODAY: Final = _configured_today()
TEST_NOW: Final = datetime.combine(TEST_TODAY, time(12), tzinfo=SWEDISH_TIME)


if __name__ == "__main__":
    # ``make test`` asks which other dates to run the date-sensitive tests at.
    print(" ".join(d for d in TEST_DATES if d != TEST_TODAY.isoformat()))
