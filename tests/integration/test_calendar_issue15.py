"""Issue 15 on Kalender: dates with year and weekday in date order, area names in
natural order, a styled table, and a visible label for every input."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from tests.helpers import call_by_input, call_callback
from tests.integration.test_calendar_page import event_values
from tests.integration.test_overview_issue15 import _rows
from tests.integration.test_pages import page

DAY = re.compile(r"^(mån|tis|ons|tor|fre|lör|sön) \d{1,2} [a-zå]{3} \d{4}( \d{2}:\d{2})?$")


def _listing(client: FlaskClient, app: Flask) -> dict[str, Any]:
    response = call_callback(
        client,
        app,
        f"{ids.CAL_SCHOOL_LIST}.children",
        {f"{ids.CAL_KOMMUN}.value": "0380", f"{ids.CAL_REFRESH}.data": 0},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    out: dict[str, Any] = response.get_json()["response"]
    return out


def test_calendar_events_show_year_and_weekday_sorted_by_date_not_identical_rows(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """Was: three identical "Demofestival (…)" rows without a year."""
    out = _listing(client_as("samordnare"), app)
    rows = _rows(out[ids.CAL_EVENT_LIST]["children"])
    assert rows, "the demo has local events"
    assert len({tuple(r[:3]) for r in rows}) == len(rows)  # no two rows read the same
    for row in rows:
        assert DAY.match(row[1]) and DAY.match(row[2]), row
    festival = [r for r in rows if r[0].startswith("Demofestival")]
    years = [r[1].split()[3] for r in festival]
    assert len(festival) >= 2 and years == sorted(years) and len(set(years)) == len(years)
    school = _rows(out[ids.CAL_SCHOOL_LIST]["children"])
    for row in school:
        assert DAY.match(row[1]) and DAY.match(row[2]), row


def test_calendar_shows_area_names_in_natural_order_not_codes(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """Was: "0380-D05, 0380-D10 …" in the table; the area choice sorted 1, 10, 11 … 2."""
    client = client_as("samordnare")
    areas = ["0380-D10", "0380-D02", "0380-D05"]
    saved = call_by_input(
        client, app, ids.CAL_EVENT_ADD, event_values(**{f"{ids.CAL_EVENT_AREAS}.value": areas})
    )
    assert saved.status_code == 200
    out = _listing(client, app)
    rows = _rows(out[ids.CAL_EVENT_LIST]["children"])
    cup = next(r for r in rows if r[0] == "Cupfinal")
    assert cup[1] == "lör 12 sep 2026 15:00" and cup[2] == "lör 12 sep 2026 21:30"
    assert cup[4] == "Demoområde 2, Demoområde 5, Demoområde 10"
    labels = [o["label"] for o in out[ids.CAL_EVENT_AREAS]["options"]]
    assert labels[:3] == ["Demoområde 1", "Demoområde 2", "Demoområde 3"]
    assert labels[-1] == "Demoområde 24" and not any("0380" in label for label in labels)


def test_calendar_tables_are_styled(app: Flask, client_as: Callable[[str], FlaskClient]) -> None:
    out = _listing(client_as("samordnare"), app)
    table = out[ids.CAL_EVENT_LIST]["children"]["props"]["children"]
    assert table["type"] == "Table" and table["props"]["className"] == "data-table"


def test_every_calendar_input_has_a_visible_label(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """Was: 7 inputs without an accessible name (kind, dates and times had none)."""
    status, body = page(client_as("admin"), app, "/kalender")
    assert status == 200
    for control in (
        ids.CAL_KOMMUN,
        ids.CAL_SCHOOL_KIND,
        ids.CAL_SCHOOL_FIRST,
        ids.CAL_SCHOOL_LAST,
        ids.CAL_EVENT_NAME,
        ids.CAL_EVENT_KIND,
        ids.CAL_EVENT_START_DAY,
        ids.CAL_EVENT_START_TIME,
        ids.CAL_EVENT_END_DAY,
        ids.CAL_EVENT_END_TIME,
        ids.CAL_EVENT_AREAS,
    ):
        assert f'"htmlFor": "{control}"' in body, control
    assert "Starttid" in body and "Typ av lov" in body
