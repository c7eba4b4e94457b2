"""Issue 16, "Period tests": for every quick period and every role that sees Översikt,
the status line names exactly the days the date picker shows, never a day after this
week, and marks a running (incomplete) week or month.

Each case runs the two callbacks the browser runs: the quick pick sets the picker's
dates (``sync_period``), then the map callback writes the status line for those dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from dashboard.periods import QUICK_PERIODS
from data.counts.cube import monday_of
from tests.clock import TEST_TODAY
from tests.helpers import call_callback, overview_values

ROLES = {
    "samordnare": "coordinator",
    "ledning": "leadership",
    "polis": "police_area",
    "rapportor": "reporter",
    "admin": "admin",
}
"""The demo users of every role that sees Översikt."""
MONTHLY = {"ledning"}
CHOICES = [choice for choice, _label in QUICK_PERIODS if choice != "custom"]
SPAN = re.compile(r"\((\d{4}-\d{2}-\d{2}) – (\d{4}-\d{2}-\d{2}), \d+ veck")
SUNDAY = monday_of(TEST_TODAY) + timedelta(days=6)


def picker_dates(client: FlaskClient, app: Flask, choice: str) -> tuple[str, str]:
    response = call_callback(
        client,
        app,
        f"{ids.PERIOD}.start_date",
        {f"{ids.QUICK_PERIOD}.value": choice, f"{ids.KOMMUN}.value": "0380"},
        [f"{ids.QUICK_PERIOD}.value"],
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    period = response.get_json()["response"][ids.PERIOD]
    return period["start_date"], period["end_date"]


def status_line(client: FlaskClient, app: Flask, dates: tuple[str, str]) -> str:
    values = overview_values("0380", "custom", dates)
    response = call_callback(client, app, f"{ids.STATUS}.children", values, [])
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return str(response.get_json()["response"][ids.STATUS]["children"])


@pytest.mark.parametrize("username", list(ROLES), ids=list(ROLES.values()))
def test_every_quick_period_shows_the_pickers_days_up_to_this_week(
    app: Flask, client_as: Callable[[str], FlaskClient], username: str
) -> None:
    client = client_as(username)
    running = "pågående månad" if username in MONTHLY else "pågående vecka"
    for choice in CHOICES:
        start, end = picker_dates(client, app, choice)
        status = status_line(client, app, (start, end))
        spans = SPAN.findall(status)
        assert spans == [(start, end)], (choice, start, end, status)
        first, last = date.fromisoformat(start), date.fromisoformat(end)
        assert first.weekday() == 0 and last.weekday() == 6, choice
        assert last <= SUNDAY, (choice, status)
        # A period that reaches this week is incomplete, and says so (with today's date).
        marked = f"{running}, t.o.m. {TEST_TODAY.isoformat()}" in status
        assert marked == (last == SUNDAY), (choice, status)
        if username in MONTHLY:
            assert "hela månader" in status, choice


def test_leadership_four_weeks_are_whole_months_not_future_weeks(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """The issue's case: "Senaste 4 veckorna" said "v. 45 – v. 53 … 2027-01-03" on
    2026-12-02. Now the picker itself shows the months, up to this week's Sunday."""
    client = client_as("ledning")
    start, end = picker_dates(client, app, "4w")
    four_weeks_back = monday_of(TEST_TODAY) - timedelta(weeks=3)
    assert date.fromisoformat(start) <= four_weeks_back  # the whole first month
    assert end == SUNDAY.isoformat()
    # Custom dates inside one past month are still shown as that whole month.
    month_start = date(TEST_TODAY.year - 1, 6, 10)
    status = status_line(client, app, (month_start.isoformat(), month_start.isoformat()))
    assert "pågående" not in status and "juni" in status


def test_the_quick_pick_still_matches_its_dates_for_leadership(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """The month dates of a quick pick are recognised as that pick (not "Eget
    datumintervall") when the picker reports them back."""
    client = client_as("ledning")
    start, end = picker_dates(client, app, "12w")
    response = call_callback(
        client,
        app,
        f"{ids.PERIOD}.start_date",
        {
            f"{ids.QUICK_PERIOD}.value": "12w",
            f"{ids.PERIOD}.start_date": start,
            f"{ids.PERIOD}.end_date": end,
            f"{ids.KOMMUN}.value": "0380",
        },
        [f"{ids.PERIOD}.start_date"],
    )
    assert response.status_code == 200
    answer = response.get_json()["response"]
    assert ids.QUICK_PERIOD not in answer  # kept as it is: still "Senaste 12 veckorna"
