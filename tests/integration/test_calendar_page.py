"""Kalender page callbacks through the Flask test client: school calendar and local events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from dashboard.state import app_state
from data.calendar.municipal import (
    MAX_EVENTS_PER_YEAR,
    add_local_event,
    local_events,
    school_entries,
)
from data.calendar.windows import STOCKHOLM
from data.storage.db import unit_of_work
from tests.helpers import call_by_input, call_callback, send_file, stored_answer

ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//SV\r\n"
    b"BEGIN:VEVENT\r\nUID:a@t\r\nSUMMARY:H\xc3\xb6stlov v. 44\r\n"
    b"DTSTART;VALUE=DATE:20261026\r\nDTEND;VALUE=DATE:20261031\r\nEND:VEVENT\r\n"
    b"BEGIN:VEVENT\r\nUID:b@t\r\nSUMMARY:Studiedag\r\nDTSTART;VALUE=DATE:20261102\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def school_values(kind: Any, first: Any, last: Any = None, kommun: Any = "0380") -> dict[str, Any]:
    return {
        f"{ids.CAL_SCHOOL_ADD}.n_clicks": 1,
        f"{ids.CAL_SCHOOL_KIND}.value": kind,
        f"{ids.CAL_SCHOOL_FIRST}.date": first,
        f"{ids.CAL_SCHOOL_LAST}.date": last,
        f"{ids.CAL_KOMMUN}.value": kommun,
        f"{ids.CAL_REFRESH}.data": 0,
    }


def event_values(**changes: Any) -> dict[str, Any]:
    values = {
        f"{ids.CAL_EVENT_ADD}.n_clicks": 1,
        f"{ids.CAL_EVENT_NAME}.value": "Cupfinal",
        f"{ids.CAL_EVENT_KIND}.value": "match",
        f"{ids.CAL_EVENT_START_DAY}.date": "2026-09-12",
        f"{ids.CAL_EVENT_START_TIME}.value": "15:00",
        f"{ids.CAL_EVENT_END_DAY}.date": "2026-09-12",
        f"{ids.CAL_EVENT_END_TIME}.value": "21.30",
        f"{ids.CAL_EVENT_AREAS}.value": ["0380-D05"],
        f"{ids.CAL_KOMMUN}.value": "0380",
        f"{ids.CAL_REFRESH}.data": 0,
    }
    return values | changes


def said(response: Any) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return str(response.get_json()["response"])


def delete(client: FlaskClient, app: Flask, item: str) -> Any:
    return call_by_input(
        client,
        app,
        '{"item":["ALL"],"type":"cal-delete"}',
        {f"{ids.CAL_KOMMUN}.value": "0380", f"{ids.CAL_REFRESH}.data": 1},
        clicked=[{"id": {"item": item, "type": ids.CAL_DELETE_TYPE}, "value": 1}],
    )


def test_a_coordinator_adds_lists_and_removes_a_school_holiday(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    added = call_by_input(
        client, app, ids.CAL_SCHOOL_ADD, school_values("påsklov", "2027-03-29", "2027-04-02")
    )
    assert "Sparat" in said(added)
    listing = call_callback(
        client,
        app,
        f"{ids.CAL_SCHOOL_LIST}.children",
        {f"{ids.CAL_REFRESH}.data": 1, f"{ids.CAL_KOMMUN}.value": "0380"},
    )
    assert "2027-03-29" in said(listing)
    assert "Borttaget" in said(delete(client, app, "school|påsklov|2027-03-29"))
    with app_state(app).sessions() as session:
        assert "2027-03-29" not in {e.start.isoformat() for e in school_entries(session, "0380")}
    assert "Fanns inte" in said(delete(client, app, "school|påsklov|2027-03-29"))


@pytest.mark.parametrize(
    ("kind", "first", "last", "message"),
    [
        (None, "2027-03-29", None, "Välj typ"),
        ("påsklov", None, None, "Välj första dag"),
        ("påsklov", "2027-04-02", "2027-03-29", "Sista dagen ligger före"),
        ("skolavslutning", "2027-06-10", "2027-06-11", "Skolavslutning är en enda dag"),
        ("'; drop", "2027-03-29", None, "Välj typ"),
    ],
)
def test_bad_school_entries_are_explained(
    app: Flask,
    client_as: Callable[[str], FlaskClient],
    kind: Any,
    first: Any,
    last: Any,
    message: str,
) -> None:
    response = call_by_input(
        client_as("samordnare"), app, ids.CAL_SCHOOL_ADD, school_values(kind, first, last)
    )
    assert message in said(response)


def test_an_icalendar_file_is_imported_and_other_events_listed_as_skipped(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    stored = stored_answer(send_file(client, "school-calendar", ICS, "skola.ics"))
    response = call_by_input(
        client,
        app,
        ids.CAL_SCHOOL_UPLOADED,
        {
            f"{ids.CAL_SCHOOL_UPLOADED}.data": stored,
            f"{ids.CAL_KOMMUN}.value": "0380",
            f"{ids.CAL_REFRESH}.data": 0,
        },
    )
    text = said(response)
    assert "Importerat: 1 nya" in text and "Studiedag" in text
    with app_state(app).sessions() as session:
        assert any(e.name == "höstlov" for e in school_entries(session, "0380"))
    # The file is gone once read: the same store value cannot import it twice.
    again = call_by_input(
        client,
        app,
        ids.CAL_SCHOOL_UPLOADED,
        {
            f"{ids.CAL_SCHOOL_UPLOADED}.data": stored,
            f"{ids.CAL_KOMMUN}.value": "0380",
            f"{ids.CAL_REFRESH}.data": 0,
        },
    )
    assert "Ladda upp filen" in said(again)


def test_a_school_calendar_file_over_its_limit_is_refused(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    response = send_file(client, "school-calendar", ICS + b" " * (2 * 1024 * 1024), "s.ics")
    assert response.status_code == 413
    assert "högst 2 MB" in response.get_json()["error"]


def test_a_local_event_is_saved_with_its_local_times_and_removed(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    assert "sparat" in said(call_by_input(client, app, ids.CAL_EVENT_ADD, event_values()))
    with app_state(app).sessions() as session:
        (row,) = [r for r in local_events(session, "0380") if r.window.name == "Cupfinal"]
    assert row.window.start.isoformat() == "2026-09-12T15:00:00+02:00"
    assert row.window.end.isoformat() == "2026-09-12T21:30:00+02:00"
    assert row.window.areas == ("0380-D05",)
    assert "Borttaget" in said(delete(client, app, f"event|{row.id}"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({f"{ids.CAL_EVENT_NAME}.value": "Fest hos 070-123 45 67"}, "telefonnummer"),
        ({f"{ids.CAL_EVENT_NAME}.value": ""}, "Skriv evenemangets namn"),
        ({f"{ids.CAL_EVENT_KIND}.value": "rave"}, "Välj en typ"),
        ({f"{ids.CAL_EVENT_START_TIME}.value": "25:00"}, "Start: skriv klockslaget"),
        ({f"{ids.CAL_EVENT_END_DAY}.date": None}, "Slut: välj ett datum"),
        ({f"{ids.CAL_EVENT_END_TIME}.value": "14:00"}, "Slutet måste ligga efter starten"),
        ({f"{ids.CAL_EVENT_AREAS}.value": ["0191-D01"]}, "egna kommunen"),
        ({f"{ids.CAL_EVENT_AREAS}.value": [{"x": 1}]}, "Ogiltiga områden"),
    ],
)
def test_bad_local_events_are_explained_and_never_echo_the_name(
    app: Flask, client_as: Callable[[str], FlaskClient], changes: dict[str, Any], message: str
) -> None:
    values = event_values() | changes
    text = said(call_by_input(client_as("samordnare"), app, ids.CAL_EVENT_ADD, values))
    assert message in text
    assert "070-123" not in text


@pytest.mark.parametrize("username", ["rapportor", "polis", "ledning"])
def test_other_roles_are_refused_by_every_callback(
    app: Flask, client_as: Callable[[str], FlaskClient], username: str
) -> None:
    client = client_as(username)
    assert client.get("/kalender").status_code == 200  # the page says no itself
    assert call_by_input(client, app, ids.CAL_EVENT_ADD, event_values()).status_code == 403
    assert (
        call_by_input(
            client, app, ids.CAL_SCHOOL_ADD, school_values("sportlov", "2027-02-22")
        ).status_code
        == 403
    )
    assert delete(client, app, "event|1").status_code == 403
    school_file = {f"{ids.CAL_SCHOOL_UPLOADED}.data": {"token": "u1-" + "0" * 32 + ".ics"}}
    assert call_by_input(client, app, ids.CAL_SCHOOL_UPLOADED, school_file).status_code == 403
    assert send_file(client, "school-calendar", ICS, "skola.ics").status_code == 403
    listing = call_callback(
        client,
        app,
        f"{ids.CAL_SCHOOL_LIST}.children",
        {f"{ids.CAL_REFRESH}.data": 1, f"{ids.CAL_KOMMUN}.value": "0380"},
    )
    assert listing.status_code == 403


def test_a_coordinator_cannot_touch_another_kommuns_calendar(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    response = call_by_input(
        client, app, ids.CAL_SCHOOL_ADD, school_values("sportlov", "2027-02-22", kommun="0191")
    )
    assert response.status_code == 403
    admin = call_by_input(
        client_as("admin"),
        app,
        ids.CAL_SCHOOL_ADD,
        # A week no demo school calendar holds, whatever the test date: a new entry.
        school_values("sportlov", "2031-03-03", kommun="0191"),
    )
    assert "Sparat" in said(admin)


def test_the_61st_local_event_of_a_year_is_refused_on_the_page(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    with unit_of_work(app_state(app).sessions) as session:
        year = [r for r in local_events(session, "0380") if r.window.start.year == 2026]
        for i in range(MAX_EVENTS_PER_YEAR - len(year)):
            start = datetime(2026, 1, 3, 18, tzinfo=STOCKHOLM) + timedelta(days=5 * i)
            add_local_event(
                session,
                "0380",
                name=f"Match {i}",
                kind="match",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
            )
    text = said(call_by_input(client_as("samordnare"), app, ids.CAL_EVENT_ADD, event_values()))
    assert "redan 60 egna evenemang 2026" in text and "Ta bort ett" in text
    with app_state(app).sessions() as session:
        assert not [r for r in local_events(session, "0380") if r.window.name == "Cupfinal"]
