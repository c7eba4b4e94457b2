"""The per-process cache of Tid's event views and Planering's forecasts.

A kept result must never be served to someone it was not computed for, nor after the
data it was computed from changed: the key holds the viewer (role, scope, audience
level, noise key) and every input, and the data versions of observations, areas and
the calendar. Each test compares a warm cache's answer with a cold one's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from dashboard.state import ViewCache, app_state
from data.calendar.municipal import add_local_event
from data.calendar.windows import local
from data.storage.db import CALENDAR_VERSION, read_version, unit_of_work
from tests.clock import TEST_TODAY
from tests.helpers import call_callback
from tests.integration.test_events_page import VALBORG, update, values
from tests.integration.test_planning_page import scope

FORECAST = f"{ids.PL_FORECAST}.figure"


def answer(response: Any) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.dumps(response.get_json()["response"], sort_keys=True, ensure_ascii=False)


def cold(app: Flask, ask: Callable[[], Any]) -> str:
    """The answer with an empty cache (what it would be without caching)."""
    app_state(app).views = ViewCache()
    return answer(ask())


def test_a_repeated_event_view_is_kept_and_equal(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    app_state(app).views = ViewCache()
    first = answer(update(client, app, values()))
    kept = len(app_state(app).views)
    assert kept == 1
    assert answer(update(client, app, values())) == first
    assert len(app_state(app).views) == kept


def test_another_role_never_gets_a_result_kept_for_the_coordinator(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """Leadership sees coarser, differently protected numbers: the coordinator's kept
    view must not reach them (the viewer is part of the key)."""
    coordinator, leadership = client_as("samordnare"), client_as("ledning")
    vals = values(**{f"{ids.EV_LEVEL}.value": "kommun"})
    expected = cold(app, lambda: update(leadership, app, vals))
    coordinators = cold(app, lambda: update(coordinator, app, vals))
    assert coordinators != expected  # the test can tell them apart
    assert answer(update(leadership, app, vals)) == expected


def test_a_new_local_event_is_seen_at_once(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """Adding a local event bumps the calendar version: the kept view is not reused."""
    client = client_as("samordnare")
    app_state(app).views = ViewCache()
    before = answer(update(client, app, values()))
    with unit_of_work(app_state(app).sessions) as session:
        version = read_version(session, CALENDAR_VERSION)
        start = local(VALBORG.start.date() + timedelta(days=1), 19)
        add_local_event(
            session,
            "0380",
            name="Vårkonsert i parken",
            kind="konsert",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
        )
    with unit_of_work(app_state(app).sessions) as session:
        assert read_version(session, CALENDAR_VERSION) == version + 1
    after = answer(update(client, app, values()))
    assert "Vårkonsert i parken" in after and "Vårkonsert i parken" not in before
    assert after == cold(app, lambda: update(client, app, values()))


def test_a_new_report_changes_the_kept_forecast(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """A report bumps the observations version; the forecast is computed again and
    equals a cold cache's."""
    client = client_as("samordnare")
    friday = TEST_TODAY - timedelta(days=(TEST_TODAY.weekday() - 4) % 7)
    vals = scope() | {f"{ids.PL_FIRST}.date": friday.isoformat(), f"{ids.PL_WEEKS}.value": 1}
    app_state(app).views = ViewCache()
    answer(call_callback(client, app, FORECAST, vals))
    kept = len(app_state(app).views)
    report = {
        f"{ids.REPORT_SUBMIT}.n_clicks": 1,
        f"{ids.REPORT_DATE}.date": (TEST_TODAY - timedelta(days=1)).isoformat(),
        f"{ids.REPORT_BAND}.value": "natt",
        f"{ids.REPORT_AREA}.value": "0380-D05",
        f"{ids.REPORT_CATEGORY}.value": "samling",
        f"{ids.REPORT_SOURCE}.value": "skola",
        f"{ids.REPORT_COUNT}.value": 40,
        f"{ids.REPORT_GROUP}.value": "5-9",
        f"{ids.REPORT_AGE}.value": "13-15",
        f"{ids.REPORT_NOTE}.value": "",
        f"{ids.REPORT_NONCE}.data": "0123456789abcdef0123456789abcdef",
    }
    saved = call_callback(
        client, app, "rp-result.children", report, [f"{ids.REPORT_SUBMIT}.n_clicks"]
    )
    assert "Rapporten är sparad" in json.dumps(saved.get_json(), ensure_ascii=False)
    after = answer(call_callback(client, app, FORECAST, vals))
    assert len(app_state(app).views) == kept + 1  # a new key, not the old result
    assert after == cold(app, lambda: call_callback(client, app, FORECAST, vals))


def test_the_cache_keeps_at_most_its_size() -> None:
    cache = ViewCache(max_entries=3)
    built: list[int] = []

    def build(key: int) -> Callable[[], int]:
        def run() -> int:
            built.append(key)
            return key

        return run

    for key in [1, 2, 3, 1, 4, 2]:
        assert cache.get(key, build(key)) == key
    assert len(cache) == 3
    assert built == [1, 2, 3, 4, 2]  # 1 was kept (used again), 2 had been dropped
