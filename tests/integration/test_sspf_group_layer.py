"""SSPF cases never reach the group layer (issue 18, "nothing leaks into the group layer").

Cases are recorded in the demo kommun with observations, meetings, signals and
åtagandeplan items dated inside the period shown; then the API's aggregates, the
Översikt callbacks (map, top table, status, map table, trend) and Planering's forecast
answer exactly as before,
computed afresh (caches emptied). The only number the case layer gives is
:func:`data.consent.counts.active_case_counts`: active cases per kommun,
disclosure-controlled (1–4 shown as suppressed), for coordinators and leadership only —
a party, an unnamed reporter, the police and an administrator get AccessDenied.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard import ids
from dashboard.auth import viewer_for
from dashboard.state import ViewCache, app_state
from data.access.scope import AccessDenied
from data.access.users import create_user
from data.consent.crypto import CaseCipher, new_key
from data.counts.cube import CubeCache
from data.storage.consent_models import (
    SspfCase,
    SspfChild,
    SspfConsent,
    SspfMeeting,
    SspfObservation,
    SspfParty,
    SspfPlanItem,
    SspfSignal,
)
from data.storage.db import unit_of_work
from data.storage.models import User
from tests.clock import TEST_TODAY
from tests.conftest import DEMO_PASSWORD
from tests.helpers import call_callback, overview_values, weeks_ago

API = "/api/v1/aggregates"
ACTIVE_CASES = 3
"""Active cases planted in 0380: between 1 and 4, so the number must be suppressed."""
API_QUERIES: tuple[dict[str, str], ...] = (
    {"group_by": "area"},
    {"group_by": "category"},
    {"group_by": "week"},
    {"group_by": "month"},
    {"group_by": "source"},
    {"group_by": "area,age_band"},
)
UNNAMED = "fritid_utan_arende"
"""A fritid reporter of the kommun named on no case."""
OVERVIEW_OUTPUTS = ("ov-top-table.children", "ov-trend.figure")


def _plant_cases(session: Session, cipher: CaseCipher) -> None:
    """``ACTIVE_CASES`` active cases and one torn-up case in 0380, dated in the period
    the group layer shows (written with the models, as the case layer stores them)."""
    users = {u.username: u for u in session.scalars(select(User))}
    coordinator = users["samordnare"]
    for number in range(ACTIVE_CASES + 1):
        case = SspfCase(
            ref=f"SSPF-G{secrets.token_hex(3).upper()}",
            kommun_code="0380",
            coordinator_id=coordinator.id,
            opened_on=TEST_TODAY - timedelta(days=20),
            status="active" if number < ACTIVE_CASES else "purged",
        )
        session.add(case)
        session.flush()
        session.add(
            SspfConsent(
                case_id=case.id,
                status="active" if number < ACTIVE_CASES else "withdrawn",
                signed_on=TEST_TODAY - timedelta(days=20),
                valid_until=TEST_TODAY + timedelta(days=200),
                guardians_enc=cipher.encrypt_list(["Demovårdnadshavare Test"]),
                recorded_by=coordinator.id,
            )
        )
        if number == ACTIVE_CASES:
            continue
        session.add_all(_content(case, cipher, users))
    session.flush()


def _content(case: SspfCase, cipher: CaseCipher, users: dict[str, User]) -> list[object]:
    rows: list[object] = [
        SspfChild(
            case_id=case.id,
            name_enc=cipher.encrypt("Testbarn Grupp (syntetisk)"),
            birth_date_enc=cipher.encrypt("2012-05-05"),
            background_enc=cipher.encrypt("Testbakgrund"),
        ),
        SspfParty(case_id=case.id, organisation="skola", user_id=users["rapportor"].id),
        SspfParty(case_id=case.id, organisation="polis", user_id=users["polis"].id),
    ]
    for day in range(0, 20, 2):
        on = TEST_TODAY - timedelta(days=day)
        rows += [
            SspfSignal(case_id=case.id, code="brott", party="polis", noted_on=on),
            SspfObservation(
                case_id=case.id, party="skola", observed_on=on, text_enc=cipher.encrypt("obs")
            ),
            SspfMeeting(case_id=case.id, kind="uppfoljning", held_on=on),
            SspfPlanItem(
                case_id=case.id, party="fritid", what_enc=cipher.encrypt("plan"), due_on=on
            ),
        ]
    return rows


def _fresh_caches(app: Flask) -> None:
    """Empty the count cube and the view caches, so the next answers are computed
    from the database as it is now."""
    state = app_state(app)
    state.cubes = CubeCache()
    state.views = ViewCache()


def _api_answers(client: FlaskClient) -> list[Any]:
    period = {"from": (TEST_TODAY - timedelta(weeks=12)).isoformat(), "to": TEST_TODAY.isoformat()}
    answers = []
    for query in API_QUERIES:
        response = client.get(API, query_string=query | period)
        answers.append((response.status_code, response.get_json()))
    assert sum(status == 200 for status, _ in answers) >= 4, answers
    return answers


def _overview_answers(client: FlaskClient, app: Flask) -> list[Any]:
    answers = []
    for weeks in (2, 12):
        values = overview_values("0380", "custom", weeks_ago(weeks))
        for output in OVERVIEW_OUTPUTS:
            response = call_callback(client, app, output, values, [])
            assert response.status_code == 200, response.get_data(as_text=True)[:300]
            answers.append(response.get_json())
    return answers


def _forecast_answer(client: FlaskClient, app: Flask) -> Any:
    """Planering's forecast (heat map, reasons, nights) for last week's Friday."""
    friday = TEST_TODAY - timedelta(days=(TEST_TODAY.weekday() - 4) % 7 + 7)
    values = {
        '{"col":["ALL"],"row":["ALL"],"type":"pl-cell"}.value': [],
        '{"col":["ALL"],"row":["ALL"],"type":"pl-cell"}.id': [],
        f"{ids.PL_KOMMUN}.value": "0380",
        f"{ids.PL_LEVEL}.value": "custom",
        f"{ids.PL_FIRST}.date": friday.isoformat(),
        f"{ids.PL_WEEKS}.value": 2,
        f"{ids.PL_REFRESH}.data": 0,
    }
    response = call_callback(client, app, f"{ids.PL_FORECAST}.figure", values)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    answer = response.get_json()
    assert answer["response"][ids.PL_FORECAST]["figure"]["data"], answer
    return answer


def test_cases_change_no_aggregate_and_no_overview_answer(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    coordinator, leadership = client_as("samordnare"), client_as("ledning")
    before = [
        _api_answers(coordinator),
        _api_answers(leadership),
        _overview_answers(coordinator, app),
        _overview_answers(leadership, app),
        _forecast_answer(coordinator, app),
    ]
    with unit_of_work(app_state(app).sessions) as session:
        _plant_cases(session, CaseCipher((new_key().encode("ascii"),)))
    _fresh_caches(app)
    after = [
        _api_answers(coordinator),
        _api_answers(leadership),
        _overview_answers(coordinator, app),
        _overview_answers(leadership, app),
        _forecast_answer(coordinator, app),
    ]
    assert after == before
    assert "sspf" not in json.dumps(after).lower()


def test_the_api_has_no_case_dimension(client_as: Callable[[str], FlaskClient]) -> None:
    coordinator = client_as("samordnare")
    for group_by in ("sspf", "case", "signal", "consent"):
        response = coordinator.get(API, query_string={"group_by": group_by})
        assert response.status_code == 400, group_by


def _counts(app: Flask, username: str) -> Any:
    from data.consent.counts import active_case_counts

    with app.app_context(), app_state(app).sessions() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        viewer = viewer_for(user.role, user.kommun_code or "0380")
        return active_case_counts(session, viewer, TEST_TODAY)


def test_active_case_count_is_protected_for_coordinators_and_leadership(app: Flask) -> None:
    with unit_of_work(app_state(app).sessions) as session:
        _plant_cases(session, CaseCipher((new_key().encode("ascii"),)))
    for username in ("samordnare", "ledning"):
        counts = _counts(app, username)
        frame = counts.frame
        row = frame[frame["kommun_code"] == "0380"]
        assert len(row) == 1, frame
        # 3 active cases (the torn-up one not counted): 1–4 is never shown.
        assert bool(row["suppressed"].iloc[0]), frame
        assert counts.display()[list(frame.index).index(row.index[0])] == counts.marker
        assert set(frame["kommun_code"]) == {"0380"}, "another kommun's cases leaked"


@pytest.mark.parametrize("username", ["rapportor", "polis", "admin", UNNAMED])
def test_active_case_count_refused_to_everyone_else(app: Flask, username: str) -> None:
    """Named parties (the school, the police), an unnamed fritid reporter, the admin."""
    with unit_of_work(app_state(app).sessions) as session:
        _plant_cases(session, CaseCipher((new_key().encode("ascii"),)))
        create_user(
            session,
            UNNAMED,
            DEMO_PASSWORD,
            role="reporter",
            kommun_code="0380",
            source_code="fritid",
        )
    with pytest.raises(AccessDenied):
        _counts(app, username)


def _lagesbild_card(client: FlaskClient, app: Flask) -> str | None:
    """The text of Lägesbild's "Aktiva SSPF-ärenden" number, None when the page has no
    such card for ``client``."""
    values = {"_pages_location.pathname": "/lagesbild", "_pages_location.search": ""}
    response = call_callback(client, app, "_pages_content.children", values)
    assert response.status_code == 200

    def find(node: Any) -> Any:
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == ids.LB_SSPF_CASES:
                return node
            return next((f for v in node.values() if (f := find(v)) is not None), None)
        if isinstance(node, list):
            return next((f for v in node if (f := find(v)) is not None), None)
        return None

    card = find(response.get_json())
    if card is None:
        return None
    numbers = [
        child["props"]["children"]
        for child in card["props"]["children"]
        if isinstance(child, dict) and child["props"].get("className") == "lb-sspf-number"
    ]
    assert len(numbers) == 1, card
    return str(numbers[0])


def test_lagesbild_shows_the_count_suppressed_and_only_to_its_readers(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    with unit_of_work(app_state(app).sessions) as session:
        _plant_cases(session, CaseCipher((new_key().encode("ascii"),)))
    for username in ("samordnare", "ledning"):
        marker = _counts(app, username).marker  # <5 for coordinators, <10 for leadership
        shown = _lagesbild_card(client_as(username), app)
        assert shown is not None and marker in shown, (username, shown)
        assert str(ACTIVE_CASES) not in shown
    for username in ("rapportor", "polis"):
        assert _lagesbild_card(client_as(username), app) is None, username
