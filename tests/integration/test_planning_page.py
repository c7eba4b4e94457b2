"""Planering's callbacks through the Flask test client, as the browser calls them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

import pypdfium2 as pdfium
import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar

from dashboard import ids
from dashboard.state import app_state
from data.planning.schedule import planned_vs_done
from tests.clock import TEST_TODAY
from tests.helpers import call_by_input, call_callback, dash_payload

FRIDAY = TEST_TODAY - timedelta(days=(TEST_TODAY.weekday() - 4) % 7 + 7)  # last week's


CELLS = '{"col":["ALL"],"row":["ALL"],"type":"pl-cell"}'


def scope(**changes: Any) -> dict[str, Any]:
    return {
        f"{CELLS}.value": [],
        f"{CELLS}.id": [],
        f"{ids.PL_KOMMUN}.value": "0380",
        f"{ids.PL_LEVEL}.value": "custom",
        f"{ids.PL_FIRST}.date": FRIDAY.isoformat(),
        f"{ids.PL_WEEKS}.value": 1,
        f"{ids.PL_REFRESH}.data": 0,
    } | changes


def call_save(
    client: FlaskClient, app: Flask, values: dict[str, Any], cells: Sequence[dict[str, Any]] = ()
) -> Any:
    """POST the save callback as the renderer does: its pattern-matching outputs (the
    cells' wrappers and messages) name the concrete ``cells`` of the table."""
    key = next(k for k in app.extensions["dash"].callback_map if ids.PL_CELL_WRAP_TYPE in k)
    body = dash_payload(app, key, values, [f"{ids.PL_SAVE}.n_clicks"])
    body["outputs"] = [
        [{"id": c | {"type": kind}, "property": prop} for c in cells]
        if isinstance(out, list)  # dash_payload sends a pattern-matching output as []
        else out
        for out, (kind, prop) in zip(
            body["outputs"],
            [
                (None, None),
                (None, None),
                (ids.PL_CELL_WRAP_TYPE, "className"),
                (ids.PL_CELL_ERROR_TYPE, "children"),
            ],
            strict=True,
        )
    ]
    return client.post(
        "/_dash-update-component", data=json.dumps(body), content_type="application/json"
    )


def said(response: Any) -> Any:
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    return response.get_json()["response"]


def propose(client: FlaskClient, app: Flask, walkers: int = 7) -> Any:
    night = {"type": ids.PL_WALKERS_TYPE, "night": FRIDAY.isoformat()}
    return said(
        call_by_input(
            client,
            app,
            ids.PL_PROPOSE,
            scope(**{f"{ids.PL_PROPOSE}.n_clicks": 1})
            | {
                '{"night":["ALL"],"type":"pl-walkers"}.value': [walkers],
                '{"night":["ALL"],"type":"pl-walkers"}.id': [night],
            },
        )
    )


def test_the_page_shows_forecast_nights_and_inputs(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    out = said(call_callback(client_as("samordnare"), app, f"{ids.PL_FORECAST}.figure", scope()))
    heat = out[ids.PL_FORECAST]["figure"]["data"][0]
    assert heat["type"] == "heatmap" and len(heat["y"]) == 15
    assert any(FRIDAY.isoformat() in x for x in heat["x"])
    assert "vanlig fredag" in str(out[ids.PL_REASONS]["children"])
    assert FRIDAY.isoformat() in str(out[ids.PL_NIGHTS]["children"])


def test_propose_edit_and_save_a_schedule_then_export_it(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    out = propose(client, app)
    rows = out[ids.PL_SCHEDULE]["data"]
    assert len(rows) == 2 and {r["walkers"] for r in rows} == {3, 4}
    assert all(r["night"] == FRIDAY.isoformat() for r in rows)
    rows[0]["meeting_point"] = "Biblioteket"
    saved = call_save(
        client,
        app,
        scope(**{f"{ids.PL_SAVE}.n_clicks": 1, f"{ids.PL_SCHEDULE}.data": rows}),
    )
    assert "Schemat är sparat: 2" in str(said(saved))
    with app_state(app).sessions() as session:
        planned = planned_vs_done(session, "0380", FRIDAY, FRIDAY)
    assert {p.area_code for p in planned} == {r["area"] for r in rows}
    assert "Biblioteket" in {p.meeting_point for p in planned}

    def export(button: str) -> Any:
        return said(call_by_input(client, app, button, scope(**{f"{button}.n_clicks": 1})))[
            ids.PL_DOWNLOAD
        ]["data"]

    table = list(csv.reader(io.StringIO(export(ids.PL_EXPORT_CSV)["content"]), delimiter=";"))
    assert len(table) == 3 and table[1][0] == FRIDAY.isoformat()
    import base64

    ics = export(ids.PL_EXPORT_ICS)
    events = list(Calendar.from_ical(base64.b64decode(ics["content"])).walk("VEVENT"))
    assert len(events) == 2
    pdf = export(ids.PL_EXPORT_PDF)
    assert len(pdfium.PdfDocument(base64.b64decode(pdf["content"]))) == 1
    pay = export(ids.PL_EXPORT_PAY)["content"]
    assert pay.startswith("forening;planerade")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"walkers": 2}, "en grupp är 3–100 vandrare"),
        ({"area": "0191-D01"}, "okänt område"),
        ({"night": "2020-01-03"}, "utanför perioden"),
        ({"start": "25:00"}, "skriv starttiden"),
        ({"meeting_point": "Hos Anna, 070-123 45 67"}, "telefonnummer"),
    ],
)
def test_an_edited_schedule_is_checked_again_before_it_is_saved(
    app: Flask, client_as: Callable[[str], FlaskClient], change: dict[str, Any], message: str
) -> None:
    client = client_as("samordnare")
    rows = propose(client, app)[ids.PL_SCHEDULE]["data"]
    rows[0] |= change
    out = said(
        call_save(
            client,
            app,
            scope(**{f"{ids.PL_SAVE}.n_clicks": 1, f"{ids.PL_SCHEDULE}.data": rows}),
        )
    )
    text = str(out)
    assert "sparades inte" in text and message in text
    assert "070-123" not in text


def test_the_same_area_twice_on_a_night_is_refused(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    rows = propose(client, app)[ids.PL_SCHEDULE]["data"]
    rows[1]["area"] = rows[0]["area"]
    out = said(
        call_save(
            client,
            app,
            scope(**{f"{ids.PL_SAVE}.n_clicks": 1, f"{ids.PL_SCHEDULE}.data": rows}),
        )
    )
    assert "redan en grupp" in str(out)


def test_associations_signups_meetings_and_signals(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    added = call_by_input(
        client,
        app,
        ids.PL_ADD_ASSOCIATION,
        scope(
            **{
                f"{ids.PL_ADD_ASSOCIATION}.n_clicks": 1,
                f"{ids.PL_NEW_ASSOCIATION}.value": "Demo IK",
            }
        ),
    )
    assert "tillagd" in str(said(added))
    options = said(call_callback(client, app, f"{ids.PL_FORECAST}.figure", scope()))[
        ids.PL_ASSOCIATION
    ]["options"]
    club = next(o["value"] for o in options if o["label"] == "Demo IK")
    signup = call_by_input(
        client,
        app,
        ids.PL_ADD_SIGNUP,
        scope(
            **{
                f"{ids.PL_ADD_SIGNUP}.n_clicks": 1,
                f"{ids.PL_ASSOCIATION}.value": club,
                f"{ids.PL_SIGNUP_NIGHT}.value": FRIDAY.isoformat(),
                f"{ids.PL_SIGNUP_WALKERS}.value": 6,
                f"{ids.PL_SIGNUP_START}.value": "21:00",
                f"{ids.PL_SIGNUP_END}.value": "01:00",
            }
        ),
    )
    assert "Anmälan är tillagd" in str(said(signup))
    rows = propose(client, app, walkers=0)[ids.PL_SCHEDULE]["data"]
    assert {r["association"] for r in rows} == {"Demo IK"} and len(rows) == 2
    bad = call_by_input(
        client,
        app,
        ids.PL_ADD_ASSOCIATION,
        scope(
            **{f"{ids.PL_ADD_ASSOCIATION}.n_clicks": 1, f"{ids.PL_NEW_ASSOCIATION}.value": "a@b.se"}
        ),
    )
    assert "e-post" in str(said(bad))
    meeting = call_by_input(
        client,
        app,
        ids.PL_ADD_MEETING,
        scope(
            **{
                f"{ids.PL_ADD_MEETING}.n_clicks": 1,
                f"{ids.PL_MEETING_AREA}.value": "0380-D04",
                f"{ids.PL_MEETING_DATE}.date": FRIDAY.isoformat(),
                f"{ids.PL_MEETING_PLACE}.value": "youth_centre",
                f"{ids.PL_MEETING_THEME}.value": "Rekrytering till kriminalitet",
                f"{ids.PL_MEETING_ATTENDING}.value": 22,
            }
        ),
    )
    assert "Mötet är sparat" in str(said(meeting))
    signals = said(
        call_callback(
            client,
            app,
            f"{ids.PL_SIGNALS}.children",
            scope(**{f"{ids.PL_CONCERNS}.value": ["narkotika", "rekrytering"]}),
        )
    )
    assert "pl-signal-count" in str(signals)


@pytest.mark.parametrize("username", ["rapportor", "polis", "ledning", "admin"])
def test_every_planning_callback_refuses_other_roles(
    app: Flask, client_as: Callable[[str], FlaskClient], username: str
) -> None:
    client = client_as(username)
    assert call_callback(client, app, f"{ids.PL_FORECAST}.figure", scope()).status_code == 403
    for button in (ids.PL_PROPOSE, ids.PL_ADD_ASSOCIATION, ids.PL_EXPORT_CSV, ids.PL_SAVE_CONTACT):
        response = call_by_input(client, app, button, scope(**{f"{button}.n_clicks": 1}))
        assert response.status_code == 403, button
    saving = call_save(client, app, scope(**{f"{ids.PL_SAVE}.n_clicks": 1}))
    assert saving.status_code == 403


def test_another_kommun_and_forged_periods_are_refused(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    other = call_callback(
        client, app, f"{ids.PL_FORECAST}.figure", scope(**{f"{ids.PL_KOMMUN}.value": "0191"})
    )
    assert other.status_code == 403
    for change in (
        {f"{ids.PL_WEEKS}.value": 9},
        {f"{ids.PL_FIRST}.date": "1999-01-01"},
        {f"{ids.PL_LEVEL}.value": "x"},
    ):
        assert (
            call_callback(client, app, f"{ids.PL_FORECAST}.figure", scope(**change)).status_code
            == 400
        )


def test_hand_edits_in_the_table_are_applied_and_a_dropped_walk_is_not_saved(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    rows = propose(client, app)[ids.PL_SCHEDULE]["data"]
    cell = {"type": ids.PL_CELL_TYPE}
    edits = {
        f"{CELLS}.value": [5, "Fritidsgården", ["drop"]],
        f"{CELLS}.id": [
            cell | {"row": 0, "col": "walkers"},
            cell | {"row": 0, "col": "meeting_point"},
            cell | {"row": 1, "col": "drop"},
        ],
    }
    saved = call_save(
        client,
        app,
        scope(**{f"{ids.PL_SAVE}.n_clicks": 1, f"{ids.PL_SCHEDULE}.data": rows}) | edits,
    )
    assert f"Schemat är sparat: {len(rows) - 1}" in str(said(saved))
    with app_state(app).sessions() as session:
        planned = planned_vs_done(session, "0380", FRIDAY, FRIDAY)
    assert len(planned) == len(rows) - 1
    edited = next(p for p in planned if p.area_code == rows[0]["area"])
    assert (edited.planned_walkers, edited.meeting_point) == (5, "Fritidsgården")
    assert rows[1]["area"] not in {p.area_code for p in planned}
    forged = edits | {f"{CELLS}.id": [cell | {"row": 9, "col": "walkers"}] * 3}
    refused = call_save(
        client,
        app,
        scope(**{f"{ids.PL_SAVE}.n_clicks": 1, f"{ids.PL_SCHEDULE}.data": rows}) | forged,
    )
    assert refused.status_code == 400


def test_a_coordinator_adjusts_severities_and_the_forecast_follows(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    shown = said(call_callback(client, app, f"{ids.PL_SEVERITIES}.children", scope()))
    assert "narkotika" in str(shown)
    before = said(call_callback(client, app, f"{ids.PL_FORECAST}.figure", scope()))
    total_before = sum(sum(row) for row in before[ids.PL_FORECAST]["figure"]["data"][0]["z"])
    from data.vocabulary import CATEGORIES

    codes = [c.code for c in CATEGORIES]
    severity = '{"category":["ALL"],"type":"pl-severity"}'
    values = {
        f"{severity}.value": [10 if c == "samling" else 0.5 for c in codes],
        f"{severity}.id": [{"type": ids.PL_SEVERITY_TYPE, "category": c} for c in codes],
    }
    saved = call_by_input(
        client,
        app,
        ids.PL_SAVE_SEVERITY,
        scope(**{f"{ids.PL_SAVE_SEVERITY}.n_clicks": 1}) | values,
    )
    assert "sparad" in str(said(saved))
    after = said(call_callback(client, app, f"{ids.PL_FORECAST}.figure", scope()))
    total_after = sum(sum(row) for row in after[ids.PL_FORECAST]["figure"]["data"][0]["z"])
    assert total_after != pytest.approx(total_before)
    bad = values | {f"{severity}.value": [11] * len(codes)}
    refused = call_by_input(
        client, app, ids.PL_SAVE_SEVERITY, scope(**{f"{ids.PL_SAVE_SEVERITY}.n_clicks": 1}) | bad
    )
    assert "0–10" in str(said(refused))
