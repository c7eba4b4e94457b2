"""Associations without accounts (issue 17, part 5): the sign-up link, its page, and
that it reaches nothing else.

The link's token is made, checked, revoked and expired on the project's clock (the
test moves the app's clock, never waits); the page is driven through Flask's test
client as a phone would post its forms.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

import dash
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from dashboard import association_routes, ids
from dashboard.state import app_state
from data.access.audit import Actor
from data.clock import FixedClock
from data.planning import association_page
from data.planning.association_links import (
    DEFAULT_DAYS,
    LinkAccess,
    LinkInvalid,
    create_link,
    link_key,
    links,
    open_link,
    revoke_link,
)
from data.planning.association_page import file_report
from data.planning.registry import add_association, add_signup
from data.planning.schedule import planned_vs_done, save_schedule
from data.storage.db import unit_of_work
from data.storage.models import (
    AssociationLink,
    AuditEvent,
    Observation,
    PlannedWalk,
    WalkReport,
    WalkSignup,
)
from tests.clock import TEST_NOW, TEST_TODAY
from tests.helpers import call_by_input, call_callback

CLUB = "Demo IF"
OTHER = "Andra föreningen"
AREA = "0380-D04"
OTHER_AREA = "0380-D20"
ACTOR = Actor(None, "test", "127.0.0.1")
FORM = re.compile(r'name="form" value="([^"]+)"')
REPORT_FIELDS = {"start": "20:30", "slut": "01:30", "vandrare": "4", "stamning": "lugnt",
                 "anteckning": ""}  # fmt: skip
CATEGORIES = {"alkohol": "alkohol"}
REVOKE = json.dumps({"item": ["ALL"], "type": ids.PL_ASSOC_LINK_REVOKE_TYPE}, separators=(",", ":"))


@dataclass(frozen=True)
class Linked:
    """The club with a link, the other association with its own, their ids."""

    club: int
    other: int
    token: str
    other_token: str
    link_id: int


def _key(app: Flask) -> bytes:
    return link_key(str(app.config["SECRET_KEY"]))


@pytest.fixture
def linked(app: Flask) -> Linked:
    with unit_of_work(app_state(app).sessions) as session:
        club = add_association(session, "0380", CLUB)
        other = add_association(session, "0380", OTHER)
        link_id, token = create_link(
            session, "0380", club, days=DEFAULT_DAYS, key=_key(app), actor=ACTOR, now=TEST_NOW
        )
        _other_id, other_token = create_link(
            session, "0380", other, days=DEFAULT_DAYS, key=_key(app), actor=ACTOR, now=TEST_NOW
        )
    return Linked(club, other, token, other_token, link_id)


@pytest.fixture
def clock(app: Flask) -> Iterator[dict[str, Any]]:
    """The app's clock, to move in a test (restored afterwards)."""
    before = app.config["SSP_CLOCK"]
    yield app.config
    app.config["SSP_CLOCK"] = before


def page(client: FlaskClient, token: str) -> str:
    response = client.get(f"/forening/{token}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def form_token(client: FlaskClient, token: str) -> str:
    match = FORM.search(page(client, token))
    assert match
    return match[1]


def offer(client: FlaskClient, token: str, night: date, walkers: str = "4", **extra: str) -> Any:
    data = {
        "form": form_token(client, token),
        "natt": night.isoformat(),
        "vandrare": walkers,
        "start": "20:30",
        "slut": "01:30",
    }
    return client.post(f"/forening/{token}/anmal", data=data | extra)


def report(client: FlaskClient, token: str, walk_id: int, **changes: str) -> Any:
    data = {
        "form": form_token(client, token),
        "vandring": str(walk_id),
        "start": "20:30",
        "slut": "01:30",
        "vandrare": "4",
        "stamning": "lugnt",
        "kategori-1": "alkohol",
        "antal-1": "2",
        "anteckning": "",
    }
    return client.post(f"/forening/{token}/rapport", data=data | changes)


def schedule(app: Flask, night: date) -> tuple[int, int]:
    """Save a schedule of ``night``: the club in D04, the other association in D20."""
    rows = [
        {"night": night.isoformat(), "area": AREA, "association": CLUB, "walkers": 4,
         "start": "20:30", "end": "01:30", "meeting_point": "Torget"},
        {"night": night.isoformat(), "area": OTHER_AREA, "association": OTHER, "walkers": 4,
         "start": "20:30", "end": "01:30", "meeting_point": ""},
    ]  # fmt: skip
    with unit_of_work(app_state(app).sessions) as session:
        save_schedule(session, "0380", night, night, rows)
        walks = session.scalars(select(PlannedWalk).where(PlannedWalk.night == night)).all()
        by_area = {w.area.code: w.id for w in walks}
    return by_area[AREA], by_area[OTHER_AREA]


def count(app: Flask, model: Any) -> int:
    with app_state(app).sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


# --- the token ----------------------------------------------------------------------


def test_only_a_keyed_hash_of_the_token_is_stored(app: Flask, linked: Linked) -> None:
    with app_state(app).sessions() as session:
        row = session.get(AssociationLink, linked.link_id)
        assert row is not None
        stored = " ".join(str(v) for v in vars(row).values())
        audit = " ".join(a.details + a.target for a in session.scalars(select(AuditEvent)))
    assert linked.token not in stored
    assert linked.token not in audit
    assert re.fullmatch(r"[0-9a-f]{64}", row.token_hash)


def test_a_token_hashed_under_another_secret_opens_nothing(app: Flask, linked: Linked) -> None:
    with app_state(app).sessions() as session, pytest.raises(LinkInvalid) as refused:
        open_link(session, linked.token, key=link_key("another secret"), now=TEST_NOW)
    assert refused.value.reason == "unknown"


def test_the_link_opens_the_page_without_a_session(client: FlaskClient, linked: Linked) -> None:
    response = client.get(f"/forening/{linked.token}")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert CLUB in text and "Uppsala" in text
    assert "Set-Cookie" not in response.headers
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script" not in text


def test_the_link_records_its_last_use(app: Flask, client: FlaskClient, linked: Linked) -> None:
    page(client, linked.token)
    with app_state(app).sessions() as session:
        (info,) = [i for i in links(session, "0380") if i.id == linked.link_id]
    assert info.last_used_at is not None
    assert info.status(TEST_NOW) == "active"


def test_a_link_expires_when_the_clock_passes_its_lifetime(
    app: Flask, client: FlaskClient, linked: Linked, clock: dict[str, Any]
) -> None:
    night = TEST_TODAY + timedelta(days=DEFAULT_DAYS + 2)
    token = form_token(client, linked.token)
    clock["SSP_CLOCK"] = FixedClock.on(TEST_TODAY + timedelta(days=DEFAULT_DAYS - 1))
    assert client.get(f"/forening/{linked.token}").status_code == 200
    clock["SSP_CLOCK"] = FixedClock.on(TEST_TODAY + timedelta(days=DEFAULT_DAYS + 1))
    response = client.get(f"/forening/{linked.token}")
    assert response.status_code == 410
    assert "Länken gäller inte längre – kontakta samordnaren" in response.get_data(as_text=True)
    before = count(app, WalkSignup)
    posted = client.post(
        f"/forening/{linked.token}/anmal",
        data={"form": token, "natt": night.isoformat(), "vandrare": "4",
              "start": "20:30", "slut": "01:30"},
    )  # fmt: skip
    assert posted.status_code == 410
    assert count(app, WalkSignup) == before


def test_a_revoked_link_stops_at_once_and_stores_nothing(
    app: Flask, client: FlaskClient, linked: Linked
) -> None:
    token = form_token(client, linked.token)
    with unit_of_work(app_state(app).sessions) as session:
        assert revoke_link(session, "0380", linked.link_id, actor=ACTOR, now=TEST_NOW)
        assert not revoke_link(session, "0380", linked.link_id, actor=ACTOR, now=TEST_NOW)
    response = client.get(f"/forening/{linked.token}")
    assert response.status_code == 410
    assert "kontakta samordnaren" in response.get_data(as_text=True)
    before = count(app, WalkSignup)
    posted = client.post(
        f"/forening/{linked.token}/anmal",
        data={"form": token, "natt": TEST_TODAY.isoformat(), "vandrare": "4",
              "start": "20:30", "slut": "01:30"},
    )  # fmt: skip
    assert posted.status_code == 410
    assert count(app, WalkSignup) == before
    assert client.get(f"/forening/{linked.other_token}").status_code == 200


@pytest.mark.parametrize("change", ["one character", "truncated", "extended", "other shape"])
def test_a_tampered_token_opens_nothing(client: FlaskClient, linked: Linked, change: str) -> None:
    token = linked.token
    tampered = {
        "one character": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "truncated": token[:-2],
        "extended": token + "x",
        "other shape": token[:20] + "%2E%2E" + token[20:],
    }[change]
    response = client.get(f"/forening/{tampered}")
    assert response.status_code in (404, 302)
    assert CLUB not in response.get_data(as_text=True)


def test_a_link_lives_one_to_365_days(app: Flask, linked: Linked) -> None:
    with unit_of_work(app_state(app).sessions) as session:
        for days in (0, 366, -1):
            with pytest.raises(ValueError, match="1–365"):
                create_link(
                    session, "0380", linked.club, days=days, key=_key(app), actor=ACTOR,
                    now=TEST_NOW,
                )  # fmt: skip
        _id, token = create_link(
            session, "0380", linked.club, days=365, key=_key(app), actor=ACTOR, now=TEST_NOW
        )
        access = open_link(
            session, token, key=_key(app), now=TEST_NOW + timedelta(days=364, hours=23)
        )
        assert access.association == CLUB
        with pytest.raises(LinkInvalid):
            open_link(session, token, key=_key(app), now=TEST_NOW + timedelta(days=365))


def test_no_link_for_another_kommuns_association(app: Flask, linked: Linked) -> None:
    with unit_of_work(app_state(app).sessions) as session, pytest.raises(ValueError):
        create_link(session, "0191", linked.club, days=30, key=_key(app), actor=ACTOR, now=TEST_NOW)


# --- offers -------------------------------------------------------------------------


def test_the_association_offers_two_nights_and_withdraws_one(
    app: Flask, client: FlaskClient, linked: Linked
) -> None:
    first, second = TEST_TODAY + timedelta(days=2), TEST_TODAY + timedelta(days=9)
    for night in (first, second):
        response = offer(client, linked.token, night)
        assert response.status_code == 303
        assert response.headers["Location"].endswith("?klart=anmald")
    text = page(client, linked.token)
    assert first.isoformat() in text and second.isoformat() in text
    with app_state(app).sessions() as session:
        rows = session.scalars(select(WalkSignup).where(WalkSignup.kommun_code == "0380")).all()
        assert {(s.association_id, s.night, s.walkers) for s in rows} == {
            (linked.club, first, 4),
            (linked.club, second, 4),
        }
        signup = next(s.id for s in rows if s.night == first)
        actions = [a.action for a in session.scalars(select(AuditEvent))]
    assert actions.count("association.offered") == 2
    again = offer(client, linked.token, first)
    assert again.status_code == 400
    assert "redan en anmälan" in again.get_data(as_text=True)
    withdrawn = client.post(
        f"/forening/{linked.token}/ta-bort",
        data={"form": form_token(client, linked.token), "anmalan": str(signup)},
    )
    assert withdrawn.status_code == 303
    assert count(app, WalkSignup) == 1


@pytest.mark.parametrize(
    ("night", "walkers", "field"),
    [
        (-1, "4", "Natt"),
        (7 * 12 + 1, "4", "Natt"),
        (3, "0", "Antal vandrare"),
        (3, "101", "Antal vandrare"),
        (3, "fyra", "Antal vandrare"),
    ],
)
def test_an_offer_outside_the_rules_is_refused(
    app: Flask, client: FlaskClient, linked: Linked, night: int, walkers: str, field: str
) -> None:
    response = offer(client, linked.token, TEST_TODAY + timedelta(days=night), walkers)
    assert response.status_code == 400
    assert f"{field}:" in response.get_data(as_text=True)
    assert count(app, WalkSignup) == 0


def test_another_associations_offer_cannot_be_withdrawn(
    app: Flask, client: FlaskClient, linked: Linked
) -> None:
    with unit_of_work(app_state(app).sessions) as session:
        theirs = add_signup(
            session, "0380", association_id=linked.other, night=TEST_TODAY + timedelta(days=3),
            walkers=5, start="20:30", end="01:30",
        )  # fmt: skip
    for sent in (str(theirs), "", "x", "-1", "99999999999", "²", "٣"):
        response = client.post(
            f"/forening/{linked.token}/ta-bort",
            data={"form": form_token(client, linked.token), "anmalan": sent},
        )
        assert response.status_code == 403, sent
    assert count(app, WalkSignup) == 1
    assert str(TEST_TODAY + timedelta(days=3)) not in page(client, linked.token)


# --- walk reports -------------------------------------------------------------------


def test_the_association_reports_its_planned_walk_like_the_walk_form(
    app: Flask, client: FlaskClient, linked: Linked
) -> None:
    ours, _theirs = schedule(app, TEST_TODAY)
    assert "Rapportera vandringen" in page(client, linked.token)
    response = report(client, linked.token, ours)
    assert response.status_code == 303, response.get_data(as_text=True)[-2000:]
    with app_state(app).sessions() as session:
        filed = session.scalar(select(WalkReport).where(WalkReport.planned_walk_id == ours))
        assert filed is not None
        assert (filed.walkers, filed.rating, filed.created_by_id) == (4, "calm", None)
        assert [a.code for a in filed.areas] == [AREA]
        seen = session.scalars(select(Observation).where(Observation.walk_id == filed.id)).all()
        assert [(o.source_code, o.category_code, o.count) for o in seen] == [
            ("nattvandring", "alkohol", 2)
        ]
        (row,) = [r for r in planned_vs_done(session, "0380", TEST_TODAY, TEST_TODAY)
                  if r.walk_id == ours]  # fmt: skip
        assert row.reported and not row.confirmed
    again = report(client, linked.token, ours)
    assert again.status_code == 400
    assert "redan rapporterad" in again.get_data(as_text=True)
    assert count(app, WalkReport) == 1
    assert "Rapporterad" in page(client, linked.token)


def test_another_associations_walk_is_refused(
    app: Flask, client: FlaskClient, linked: Linked
) -> None:
    _ours, theirs = schedule(app, TEST_TODAY)
    before = count(app, WalkReport)
    for sent in (str(theirs), "0", "", "abc", str(theirs) + "0000", "²"):
        response = report(client, linked.token, 0, vandring=sent)
        assert response.status_code == 403, sent
        assert "hör inte till er förening" in response.get_data(as_text=True)
    assert count(app, WalkReport) == before
    assert OTHER_AREA.split("-")[1] not in page(client, linked.token).split("Era planerade")[1]


def test_a_future_walk_cannot_be_reported_yet(
    app: Flask, client: FlaskClient, linked: Linked
) -> None:
    ours, _theirs = schedule(app, TEST_TODAY + timedelta(days=7))
    response = report(client, linked.token, ours)
    assert response.status_code == 400
    assert "från och med kvällen" in response.get_data(as_text=True)
    assert count(app, WalkReport) == 0


def test_a_report_with_personal_data_is_refused_without_echo(
    app: Flask, client: FlaskClient, linked: Linked
) -> None:
    ours, _theirs = schedule(app, TEST_TODAY)
    note = "Ring Anna på 070-123 45 67, pnr 19121212-1212"
    response = report(client, linked.token, ours, anteckning=note)
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Anteckning:" in text
    assert "070-123 45 67" not in text.replace(">" + note + "<", "")
    assert count(app, WalkReport) == 0


def test_a_form_token_lasts_four_hours_on_the_project_clock(
    app: Flask, client: FlaskClient, linked: Linked, clock: dict[str, Any]
) -> None:
    clock["SSP_CLOCK"] = FixedClock.on(TEST_TODAY)
    token = form_token(client, linked.token)
    night = (TEST_TODAY + timedelta(days=2)).isoformat()
    data = {"form": token, "natt": night, "vandrare": "4", "start": "20:30", "slut": "01:30"}
    clock["SSP_CLOCK"] = FixedClock.on(TEST_TODAY, time(16, 1))
    assert client.post(f"/forening/{linked.token}/anmal", data=data).status_code == 400
    clock["SSP_CLOCK"] = FixedClock.on(TEST_TODAY, time(15, 59))
    assert client.post(f"/forening/{linked.token}/anmal", data=data).status_code == 303


def test_a_form_without_its_signed_token_is_refused(
    app: Flask, client: FlaskClient, linked: Linked
) -> None:
    other_form = form_token(client, linked.other_token)
    night = (TEST_TODAY + timedelta(days=2)).isoformat()
    for sent in ("", "x", other_form):
        response = client.post(
            f"/forening/{linked.token}/anmal",
            data={"form": sent, "natt": night, "vandrare": "4", "start": "20:30", "slut": "01:30"},
        )
        assert response.status_code == 400
    assert count(app, WalkSignup) == 0


HOSTILE = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE walk_signup; --",
    '=HYPERLINK("https://evil.example")',
    "\x00\x1b[31m",
    "9" * 500,
    "../../etc/passwd",
    "２０:３０",
)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_strings_in_every_field_store_nothing_and_are_escaped(
    app: Flask, client: FlaskClient, linked: Linked, hostile: str
) -> None:
    ours, _theirs = schedule(app, TEST_TODAY)
    night = (TEST_TODAY + timedelta(days=2)).isoformat()
    offer_fields = {"natt": night, "vandrare": "4", "start": "20:30", "slut": "01:30"}
    for name in offer_fields:
        data = offer_fields | {name: hostile, "form": form_token(client, linked.token)}
        response = client.post(f"/forening/{linked.token}/anmal", data=data)
        assert response.status_code == 400, name
        assert "<script>alert" not in response.get_data(as_text=True)
        assert "<img src=x" not in response.get_data(as_text=True)
    for name in ("start", "slut", "vandrare", "stamning", "kategori-1", "antal-1"):
        response = report(client, linked.token, ours, **{name: hostile})
        assert response.status_code == 400, name
        assert "<script>alert" not in response.get_data(as_text=True)
        assert "<img src=x" not in response.get_data(as_text=True)
    assert count(app, WalkSignup) == 0
    assert count(app, WalkReport) == 0


def test_a_hostile_note_is_stored_as_text_only_when_the_guard_lets_it(
    app: Flask, client: FlaskClient, linked: Linked
) -> None:
    ours, _theirs = schedule(app, TEST_TODAY)
    response = report(client, linked.token, ours, anteckning="<b>lugnt</b> & <i>tyst</i>")
    assert response.status_code == 303
    with app_state(app).sessions() as session:
        filed = session.scalar(select(WalkReport).where(WalkReport.planned_walk_id == ours))
    assert filed is not None and filed.note == "<b>lugnt</b> & <i>tyst</i>"


# --- nothing else is reachable ------------------------------------------------------


def test_the_link_reaches_no_page_callback_api_upload_or_export(
    app: Flask, client: FlaskClient, linked: Linked
) -> None:
    """A phone that opened the link (with whatever cookie it got) is anonymous
    everywhere else; the token as a bearer token opens no API either."""
    page(client, linked.token)
    bearer = {"Authorization": f"Bearer {linked.token}"}
    wrong = []
    for path in sorted({p["path"] for p in dash.page_registry.values()} | {"/"}):
        response = client.get(path)
        if response.status_code != 302 or "/login" not in response.headers["Location"]:
            wrong.append(f"page {path}: {response.status_code}")
    for method, path, headers in (
        ("POST", "/_dash-update-component", {}),
        ("GET", "/_dash-layout", {}),
        ("GET", "/_dash-dependencies", {}),
        ("GET", "/api/v1/aggregates?area=0380&level=custom&from=2026-11-02&to=2026-11-29", {}),
        ("GET", "/api/v1/aggregates?area=0380&level=custom", bearer),
        ("POST", "/upload/observations", {}),
        ("POST", "/upload/observations", bearer),
        ("GET", "/geo/0380/custom.geojson", {}),
        ("GET", "/lagesbild/pdf?kommun=0380", {}),
        ("GET", "/importera/mall.csv", {}),
        ("GET", f"/forening/{linked.token}/export", {}),
        ("GET", f"/forening/{linked.token}/../planering", {}),
    ):
        response = client.open(path, method=method, headers=headers, json={})
        status = response.status_code
        to_login = status == 302 and "/login" in response.headers.get("Location", "")
        unknown = status == 404 and path.startswith("/forening/")
        if not (status == 401 or to_login or unknown):
            wrong.append(f"{method} {path}: {status}")
    assert not wrong, "\n".join(wrong)
    callback = call_callback(client, app, f"{ids.PL_ASSOC_LINKS}.children", _planning())
    assert callback.status_code == 401


def test_the_link_pages_are_rate_limited(
    client: FlaskClient, linked: Linked, clock: dict[str, Any]
) -> None:
    clock["SSP_ASSOCIATION_RATE"] = "3/minute"
    try:
        statuses = [client.get(f"/forening/{linked.token}").status_code for _ in range(4)]
    finally:
        clock["SSP_ASSOCIATION_RATE"] = "30/minute"
    assert statuses == [200, 200, 200, 429]


# --- the coordinator on Planering ---------------------------------------------------


def _planning(**extra: Any) -> dict[str, Any]:
    return {
        f"{ids.PL_KOMMUN}.value": "0380",
        f"{ids.PL_LEVEL}.value": "custom",
        f"{ids.PL_REFRESH}.data": 0,
        f"{ids.PL_ASSOC_LINK_REFRESH}.data": 0,
        **extra,
    }


def test_the_coordinator_creates_sees_and_revokes_a_link(
    app: Flask, client_as: Any, linked: Linked
) -> None:
    coordinator = client_as("samordnare")
    created = call_by_input(
        coordinator,
        app,
        ids.PL_ASSOC_LINK_CREATE,
        _planning(
            **{
                f"{ids.PL_ASSOC_LINK_CREATE}.n_clicks": 1,
                f"{ids.PL_ASSOC_LINK_ASSOCIATION}.value": linked.club,
                f"{ids.PL_ASSOC_LINK_DAYS}.value": 30,
            }
        ),
    )
    assert created.status_code == 200
    shown = json.dumps(created.get_json()["response"], ensure_ascii=False)
    token = re.search(r"/forening/([A-Za-z0-9_-]{43})", shown)
    assert token, shown
    assert coordinator.get(f"/forening/{token[1]}").status_code == 200
    listed = call_callback(coordinator, app, f"{ids.PL_ASSOC_LINKS}.children", _planning())
    table = json.dumps(listed.get_json()["response"], ensure_ascii=False)
    assert table.count(CLUB) >= 2 and token[1] not in table
    with app_state(app).sessions() as session:
        newest = max(i.id for i in links(session, "0380"))
        audit = [
            (a.action, a.details)
            for a in session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        ]
    assert ("association_link.created") in [a for a, _d in audit]
    assert all(token[1] not in d for _a, d in audit)
    revoked = call_by_input(
        coordinator,
        app,
        REVOKE,
        _planning(),
        clicked=[{"id": {"type": ids.PL_ASSOC_LINK_REVOKE_TYPE, "item": str(newest)},
                  "value": 1}],
    )  # fmt: skip
    assert revoked.status_code == 200, revoked.get_data(as_text=True)
    assert "återkallad" in json.dumps(revoked.get_json()["response"], ensure_ascii=False)
    assert coordinator.get(f"/forening/{token[1]}").status_code == 410


def test_a_link_lifetime_out_of_range_is_refused_on_planering(
    app: Flask, client_as: Any, linked: Linked
) -> None:
    before = count(app, AssociationLink)
    response = call_by_input(
        client_as("samordnare"),
        app,
        ids.PL_ASSOC_LINK_CREATE,
        _planning(
            **{
                f"{ids.PL_ASSOC_LINK_CREATE}.n_clicks": 1,
                f"{ids.PL_ASSOC_LINK_ASSOCIATION}.value": linked.club,
                f"{ids.PL_ASSOC_LINK_DAYS}.value": 400,
            }
        ),
    )
    assert "1–365" in json.dumps(response.get_json()["response"], ensure_ascii=False)
    assert count(app, AssociationLink) == before


@pytest.mark.parametrize("user", ["rapportor", "polis", "ledning", "admin"])
def test_only_the_coordinator_creates_links(
    app: Flask, client_as: Any, linked: Linked, user: str
) -> None:
    response = call_by_input(
        client_as(user),
        app,
        ids.PL_ASSOC_LINK_CREATE,
        _planning(
            **{
                f"{ids.PL_ASSOC_LINK_CREATE}.n_clicks": 1,
                f"{ids.PL_ASSOC_LINK_ASSOCIATION}.value": linked.club,
                f"{ids.PL_ASSOC_LINK_DAYS}.value": 30,
            }
        ),
    )
    assert response.status_code == 403


def test_a_hostile_association_name_is_shown_as_text(app: Flask, client: FlaskClient) -> None:
    from markupsafe import escape

    from tests.hostile_names import MARKUP_NAMES

    with unit_of_work(app_state(app).sessions) as session:
        tokens = []
        for name in MARKUP_NAMES:
            club = add_association(session, "0380", name)
            tokens.append(
                create_link(
                    session, "0380", club, days=5, key=_key(app), actor=ACTOR, now=TEST_NOW
                )[1]
            )
    for name, token in zip(MARKUP_NAMES, tokens, strict=True):
        text = page(client, token)
        assert name not in text or str(escape(name)) == name
        assert f'<strong id="assoc-name">{escape(name)}</strong>' in text


# --- review findings: races, methods, logs --------------------------------------------


def _file(session: Session, access: LinkAccess, walk: int) -> dict[str, str]:
    return file_report(
        session,
        access,
        walk,
        fields=REPORT_FIELDS,
        seen=[],
        categories=CATEGORIES,
        today=TEST_TODAY,
        address="127.0.0.1",
    )


def test_a_report_racing_past_the_reported_check_is_refused_by_its_one_time_key(
    app: Flask, linked: Linked, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two taps at once both pass "already reported" on PostgreSQL; the walk's one-time
    key (``walk_report.form_key``, unique) stops the second: one report, never two."""
    ours, _theirs = schedule(app, TEST_TODAY)
    with unit_of_work(app_state(app).sessions) as session:
        access = open_link(session, linked.token, key=_key(app), now=TEST_NOW)
        first = _file(session, access, ours)
        assert first == {}
    # the second request's check ran before the first committed: it saw no report
    real = association_page.own_walk
    monkeypatch.setattr(
        association_page,
        "own_walk",
        lambda *args: dataclasses.replace(real(*args), reported=False),
    )
    with unit_of_work(app_state(app).sessions) as session:
        access = open_link(session, linked.token, key=_key(app), now=TEST_NOW)
        second = _file(session, access, ours)
    assert second == {"planerad": "vandringen är redan rapporterad"}
    assert count(app, WalkReport) == 1


def test_a_post_the_database_cannot_take_now_answers_503_and_stores_nothing(
    app: Flask, client: FlaskClient, linked: Linked, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours, _theirs = schedule(app, TEST_TODAY)

    def locked(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("INSERT …", {}, Exception("database is locked"))

    monkeypatch.setattr(association_routes, "file_report", locked)
    response = report(client, linked.token, ours)
    assert response.status_code == 503
    assert "försök igen" in response.get_data(as_text=True).lower() or "skicka igen" in (
        response.get_data(as_text=True)
    )
    assert count(app, WalkReport) == 0


@pytest.mark.parametrize("path", ["anmal", "ta-bort", "rapport"])
def test_a_get_of_a_form_path_needs_a_login_like_any_other_page(
    client: FlaskClient, linked: Linked, path: str
) -> None:
    """Only GET of the page and POST of the three forms pass without a login: a GET of a
    form path used to fall through to Dash's page shell (200, no data)."""
    response = client.get(f"/forening/{linked.token}/{path}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert client.post(f"/forening/{linked.token}").status_code in (302, 401)


def test_the_token_never_reaches_the_apps_log(
    app: Flask, linked: Linked, caplog: pytest.LogCaptureFixture
) -> None:
    """Flask logs an error with the request path; the filter cuts the token out."""
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        app.logger.error("Exception on %s [POST]", f"/forening/{linked.token}/rapport")
        app.logger.error(f"Exception on /forening/{linked.token} [GET]")
    assert len(caplog.records) == 2
    assert linked.token not in caplog.text
    assert "/forening/…/rapport" in caplog.text
