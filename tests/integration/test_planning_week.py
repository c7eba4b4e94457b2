"""Issue 15, Planering around the coordinator's week: one named test per defect the
issue found, through the callbacks as the browser calls them."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pypdfium2 as pdfium
import pytest
from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from dashboard.pages import planning_page
from dashboard.state import app_state
from data.planning.registry import (
    PlanError,
    add_signup,
    set_walk_contact,
    walk_contact,
)
from data.planning.schedule import planned_vs_done
from data.storage.db import unit_of_work
from data.vocabulary import MONTH_NAMES
from tests.helpers import call_by_input, dash_payload
from tests.integration.test_planning_page import (
    FRIDAY,
    call_save,
    propose,
    said,
    scope,
)

CELL: dict[str, Any] = {"type": ids.PL_CELL_TYPE}


def period_view(client: FlaskClient, app: Flask, trigger: str) -> Any:
    """The period view's answer when ``trigger`` (``"id.prop"``) changed."""
    body = dash_payload(app, f"{ids.PL_FORECAST}.figure", scope(), [trigger])
    response = client.post(
        "/_dash-update-component", data=json.dumps(body), content_type="application/json"
    )
    return said(response)


def components(tree: Any, kind: str) -> Any:
    """The props of every component of type ``kind`` in a serialised layout."""
    if isinstance(tree, list):
        for item in tree:
            yield from components(item, kind)
    elif isinstance(tree, dict):
        if tree.get("type") == kind:
            yield tree["props"]
        yield from components(tree.get("props", {}).get("children"), kind)


def add_club(client: FlaskClient, app: Flask, name: str) -> Any:
    values = {f"{ids.PL_ADD_ASSOCIATION}.n_clicks": 1, f"{ids.PL_NEW_ASSOCIATION}.value": name}
    return said(call_by_input(client, app, ids.PL_ADD_ASSOCIATION, scope(**values)))


def add_signup_of(client: FlaskClient, app: Flask, club: Any, walkers: Any = 5) -> Any:
    values = {
        f"{ids.PL_ADD_SIGNUP}.n_clicks": 1,
        f"{ids.PL_ASSOCIATION}.value": club,
        f"{ids.PL_SIGNUP_NIGHT}.value": FRIDAY.isoformat(),
        f"{ids.PL_SIGNUP_WALKERS}.value": walkers,
        f"{ids.PL_SIGNUP_START}.value": "20:30",
        f"{ids.PL_SIGNUP_END}.value": "01:30",
    }
    return said(call_by_input(client, app, ids.PL_ADD_SIGNUP, scope(**values)))


def test_adding_a_signup_does_not_clear_the_walkers_typed_for_each_night(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """The lists re-render after a sign-up (the refresh counter): the walker inputs are
    left alone then, and redrawn only for a new period, keeping typed values in memory."""
    client = client_as("samordnare")
    after_signup = period_view(client, app, f"{ids.PL_REFRESH}.data")
    assert ids.PL_NIGHTS not in after_signup  # no_update: the typed numbers stay
    assert ids.PL_SIGNUPS in after_signup  # the sign-up list itself is redrawn
    new_period = period_view(client, app, f"{ids.PL_WEEKS}.value")
    inputs = list(components(new_period[ids.PL_NIGHTS]["children"], "Input"))
    assert inputs and all(i["persistence_type"] == "memory" for i in inputs)
    assert {i["persistence"] for i in inputs} == {i["id"]["night"] for i in inputs}


def test_a_newly_added_association_is_selected_for_the_next_signup(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    out = add_club(client, app, "Demo Vandrarna")
    chosen = out[ids.PL_ASSOCIATION]["value"]
    labels = {o["value"]: o["label"] for o in out[ids.PL_ASSOCIATION]["options"]}
    assert labels[chosen] == "Demo Vandrarna"
    assert out[ids.PL_NEW_ASSOCIATION]["value"] == ""  # ready for the next name
    # The sign-up goes through with the chosen association, no "Välj en förening."
    signup = add_signup_of(client, app, chosen)
    assert "Anmälan är tillagd" in str(signup) and "Välj en förening" not in str(signup)


def test_the_same_signup_for_an_association_and_night_is_refused(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    club = add_club(client, app, "Demo IF")[ids.PL_ASSOCIATION]["value"]
    assert "Anmälan är tillagd" in str(add_signup_of(client, app, club))
    again = add_signup_of(client, app, club, walkers=7)
    assert "redan en anmälan för den natten" in str(again)
    night_field = ids.PL_SIGNUP_NIGHT + ids.PL_FIELD_SUFFIX
    assert "invalid" in again[night_field]["className"]
    assert "redan en anmälan" in again[ids.PL_SIGNUP_NIGHT + ids.PL_ERROR_SUFFIX]["children"]
    with app_state(app).sessions() as session, pytest.raises(PlanError) as refused:
        add_signup(
            session,
            "0380",
            association_id=club,
            night=FRIDAY,
            walkers=3,
            start="21:00",
            end="01:00",
        )
    assert set(refused.value.errors) == {"natt"}


def test_a_refused_signup_marks_each_wrong_field_next_to_it(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    values = {
        f"{ids.PL_ADD_SIGNUP}.n_clicks": 1,
        f"{ids.PL_ASSOCIATION}.value": None,
        f"{ids.PL_SIGNUP_NIGHT}.value": FRIDAY.isoformat(),
        f"{ids.PL_SIGNUP_START}.value": "25:00",
        f"{ids.PL_SIGNUP_END}.value": "01:30",
    }
    out = said(call_by_input(client, app, ids.PL_ADD_SIGNUP, scope(**values)))

    def state(field: str) -> tuple[str, str]:
        return (
            out[field + ids.PL_FIELD_SUFFIX]["className"],
            out[field + ids.PL_ERROR_SUFFIX]["children"],
        )

    assert state(ids.PL_ASSOCIATION)[0] == "field wide invalid"
    assert "lägg till en först" in state(ids.PL_ASSOCIATION)[1]
    assert state(ids.PL_SIGNUP_NIGHT) == ("field wide", "")
    club = add_club(client, app, "Demo BK")[ids.PL_ASSOCIATION]["value"]
    out = said(
        call_by_input(
            client,
            app,
            ids.PL_ADD_SIGNUP,
            scope(**values | {f"{ids.PL_ASSOCIATION}.value": club}),
        )
    )
    assert state(ids.PL_SIGNUP_START) == ("field invalid", "Skriv starttiden som 20:30.")
    assert state(ids.PL_SIGNUP_WALKERS)[0] == "field invalid"
    assert state(ids.PL_SIGNUP_END) == ("field", "")


def test_an_empty_schedule_is_refused_with_a_message(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    rows = propose(client, app)[ids.PL_SCHEDULE]["data"]
    save = scope(**{f"{ids.PL_SAVE}.n_clicks": 1, f"{ids.PL_SCHEDULE}.data": rows})
    first = call_save(client, app, save)
    assert "Schemat är sparat" in str(said(first))
    nothing = call_save(
        client, app, scope(**{f"{ids.PL_SAVE}.n_clicks": 2, f"{ids.PL_SCHEDULE}.data": []})
    )
    assert "Schemat är tomt" in str(said(nothing))
    all_dropped = save | {
        '{"col":["ALL"],"row":["ALL"],"type":"pl-cell"}.value': [["drop"]] * len(rows),
        '{"col":["ALL"],"row":["ALL"],"type":"pl-cell"}.id': [
            CELL | {"row": i, "col": "drop"} for i in range(len(rows))
        ],
    }
    assert "Schemat är tomt" in str(said(call_save(client, app, all_dropped)))
    with app_state(app).sessions() as session:  # the saved schedule was kept
        assert len(planned_vs_done(session, "0380", FRIDAY, FRIDAY)) == len(rows)


def test_refused_schedule_cells_are_marked_invalid_with_their_message(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    rows = propose(client, app)[ids.PL_SCHEDULE]["data"]
    cells = [{"row": r, "col": c} for r in range(len(rows)) for c in ("walkers", "start")]
    edits = {
        '{"col":["ALL"],"row":["ALL"],"type":"pl-cell"}.value': [2, "21:00", 4, "2x:00"],
        '{"col":["ALL"],"row":["ALL"],"type":"pl-cell"}.id': [CELL | c for c in cells],
    }
    values = scope(**{f"{ids.PL_SAVE}.n_clicks": 1, f"{ids.PL_SCHEDULE}.data": rows}) | edits
    out = said(call_save(client, app, values, cells))

    def cell(kind: str, row: int, col: str, prop: str) -> Any:
        key = json.dumps({"col": col, "row": row, "type": kind}, separators=(",", ":"))
        return out[key][prop]

    assert cell(ids.PL_CELL_WRAP_TYPE, 0, "walkers", "className") == "field invalid"
    assert "3–100 vandrare" in cell(ids.PL_CELL_ERROR_TYPE, 0, "walkers", "children")
    assert cell(ids.PL_CELL_WRAP_TYPE, 0, "start", "className") == "field"
    assert cell(ids.PL_CELL_WRAP_TYPE, 1, "start", "className") == "field invalid"
    assert cell(ids.PL_CELL_WRAP_TYPE, 1, "walkers", "className") == "field"
    assert "sparades inte" in str(out[ids.PL_MESSAGE])


def test_the_expected_value_has_a_unit_and_the_page_explains_it(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    table = json.dumps(propose(client, app)[ids.PL_SCHEDULE_TABLE]["children"], ensure_ascii=False)
    assert "Väntat under passet" in table and "väntade obs." in table
    assert "Förväntat" not in table
    help_text = " ".join(planning_page.HELP)
    assert "väntas" in help_text and "0,2 betyder" in help_text
    heat = period_view(client, app, f"{ids.PL_WEEKS}.value")[ids.PL_FORECAST]["figure"]["data"][0]
    assert heat["colorbar"]["title"]["text"] == "Väntade obs.<br>per kväll"
    assert "väntade observationer" in heat["customdata"][0][0]


def test_every_export_click_gives_a_new_file(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """A second click on an export downloaded nothing: the same data twice does not
    make ``dcc.Download`` save again under the browser's name for it."""
    client = client_as("samordnare")
    names = set()
    for button in (ids.PL_EXPORT_CSV, ids.PL_EXPORT_PDF):
        for clicks in (1, 2):
            values = scope(**{f"{button}.n_clicks": clicks})
            names.add(
                said(call_by_input(client, app, button, values))[ids.PL_DOWNLOAD]["data"][
                    "filename"
                ]
            )
    assert len(names) == 4


def test_the_walkers_pdf_names_the_kommun_meeting_point_contact_and_numbers_pages(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """The printout said "Nattvandring 0380", page 1 was mostly empty, and it had no
    meeting point or contact."""
    client = client_as("samordnare")
    rows = propose(client, app)[ids.PL_SCHEDULE]["data"]
    rows[0]["meeting_point"] = "Vid biblioteket"
    save = scope(**{f"{ids.PL_SAVE}.n_clicks": 1, f"{ids.PL_SCHEDULE}.data": rows})
    assert "Schemat är sparat" in str(said(call_save(client, app, save)))
    contact = {
        f"{ids.PL_SAVE_CONTACT}.n_clicks": 1,
        f"{ids.PL_CONTACT}.value": "SSP-samordnaren via kontaktcenter 018-727 00 00",
    }
    assert "sparad" in str(said(call_by_input(client, app, ids.PL_SAVE_CONTACT, scope(**contact))))
    values = scope(**{f"{ids.PL_EXPORT_PDF}.n_clicks": 1})
    data = said(call_by_input(client, app, ids.PL_EXPORT_PDF, values))[ids.PL_DOWNLOAD]["data"]
    pdf = pdfium.PdfDocument(base64.b64decode(data["content"]))
    try:
        pages = [" ".join(p.get_textpage().get_text_range().split()) for p in pdf]
    finally:
        pdf.close()
    first = pages[0]
    assert "Nattvandring i Uppsala" in first and "Nattvandring 0380" not in first
    assert "Vid biblioteket" in first
    assert "SSP-samordnaren via kontaktcenter 018-727 00 00" in first
    assert "Sida 1 av" in first
    night = f"Fredag {FRIDAY.day} {MONTH_NAMES[FRIDAY.month - 1]} {FRIDAY.year}"
    assert night in first  # the first (only) night starts on page 1
    assert rows[0]["area_name"] in first


def test_the_contact_line_refuses_personal_data_and_says_it_is_a_work_contact(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    values = {f"{ids.PL_SAVE_CONTACT}.n_clicks": 1, f"{ids.PL_CONTACT}.value": "Ring Anna Svensson"}
    out = said(call_by_input(client, app, ids.PL_SAVE_CONTACT, scope(**values)))
    assert "invalid" in out[ids.PL_CONTACT + ids.PL_FIELD_SUFFIX]["className"]
    assert "arbetskontakt" in out[ids.PL_CONTACT + ids.PL_ERROR_SUFFIX]["children"]
    assert "Anna" not in str(out)
    with app_state(app).sessions() as session:
        assert walk_contact(session, "0380") == ""
    with unit_of_work(app_state(app).sessions) as session:
        with pytest.raises(PlanError):
            set_walk_contact(session, "0380", "Storgatan 12, 19850101-1234")
        assert set_walk_contact(session, "0380", "  Kontaktcenter   0380-12 34 56 ") == (
            "Kontaktcenter 0380-12 34 56"
        )
    with app_state(app).sessions() as session:
        assert walk_contact(session, "0380") == "Kontaktcenter 0380-12 34 56"
