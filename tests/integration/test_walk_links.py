"""Who may report a planned walk, and the coordinator's confirmation before pay (issue 14,
finding 5), through the Dash callbacks as the browser calls them.

The attack: ``pol2``, a police area coordinator of area D20 only, saw the kommun's
planned walks on the walk form and linked their own report (100 walkers) to an
association's walk in D04, which then showed as reported and was paid. Now only the
walk's association's own walkers (in their areas) and the coordinator may link a
report, the server checks it again whatever the form offered, and a linked report is
paid only after a coordinator confirms it.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from dashboard import ids
from dashboard.state import app_state
from data.access.users import create_user
from data.planning.registry import add_association
from data.planning.schedule import planned_vs_done
from data.planning.walk_links import set_association
from data.storage.db import unit_of_work
from data.storage.models import Area, PlannedWalk, User, WalkReport
from tests.clock import TEST_TODAY
from tests.helpers import call_by_input, call_callback, login

NIGHT = TEST_TODAY - timedelta(days=3)
PASSWORD = "ett-långt-testlösenord"
CLUB = "Demo IF"
OTHER_CLUB = "Andra föreningen"
RESULT = f"{ids.WALK_RESULT}.children"
OFFERED = f"{ids.WALK_PLANNED}.options"
CONFIRM = '{"item":["ALL"],"type":"pl-confirm"}'


@dataclass(frozen=True)
class Plan:
    """The planned walks of ``NIGHT``: the club in D04 and D20, the other club in D20."""

    club_d04: int
    club_d20: int
    other_d20: int


def _planned(session: Any, area: str, club: int) -> int:
    area_id = session.scalar(select(Area.id).where(Area.code == area))
    walk = PlannedWalk(
        kommun_code="0380",
        night=NIGHT,
        area_id=area_id,
        association_id=club,
        walkers=4,
        start_time="20:30",
        end_time="01:30",
    )
    session.add(walk)
    session.flush()
    return walk.id


@pytest.fixture
def plan(app: Flask) -> Plan:
    """Two associations, their planned walks, ``pol2`` (police, D20 only), ``vandrare``
    (a reporter walking for the club) and a coordinator of another kommun."""
    with unit_of_work(app_state(app).sessions) as session:
        club = add_association(session, "0380", CLUB)
        other = add_association(session, "0380", OTHER_CLUB)
        create_user(
            session,
            "pol2",
            PASSWORD,
            role="police_area",
            kommun_code="0380",
            area_codes=["0380-D20"],
        )
        create_user(session, "vandrare", PASSWORD, role="reporter", kommun_code="0380")
        create_user(session, "samordnare2", PASSWORD, role="coordinator", kommun_code="0191")
        set_association(session, "vandrare", CLUB)
        return Plan(
            _planned(session, "0380-D04", club),
            _planned(session, "0380-D20", club),
            _planned(session, "0380-D20", other),
        )


def client(app: Flask, username: str) -> FlaskClient:
    test_client = app.test_client()
    assert login(test_client, username, PASSWORD).status_code == 302
    return test_client


def walk_values(planned: Any, areas: list[str], walkers: int = 4) -> dict[str, Any]:
    return {
        f"{ids.WALK_SUBMIT}.n_clicks": 1,
        f"{ids.WALK_DATE}.date": NIGHT.isoformat(),
        f"{ids.WALK_AREAS}.value": areas,
        f"{ids.WALK_START}.value": "20:30",
        f"{ids.WALK_END}.value": "01:30",
        f"{ids.WALK_WALKERS}.value": walkers,
        f"{ids.WALK_RATING}.value": "calm",
        f"{ids.WALK_NOTE}.value": "",
        f"{ids.WALK_PLANNED}.value": planned,
        f"{ids.WALK_NONCE}.data": uuid.uuid4().hex,
    }


def report(test_client: FlaskClient, app: Flask, values: dict[str, Any]) -> dict[str, Any]:
    response = call_callback(test_client, app, RESULT, values, [f"{ids.WALK_SUBMIT}.n_clicks"])
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    out: dict[str, Any] = response.get_json()["response"]
    return out


def error_of(out: dict[str, Any], field: str) -> str:
    return json.dumps(out[ids.walk_error(field)]["children"], ensure_ascii=False)


def offered(test_client: FlaskClient, app: Flask) -> list[int]:
    response = call_callback(
        test_client, app, OFFERED, {f"{ids.WALK_DATE}.date": NIGHT.isoformat()}
    )
    assert response.status_code == 200
    return [o["value"] for o in response.get_json()["response"][ids.WALK_PLANNED]["options"]]


def scope(**changes: Any) -> dict[str, Any]:
    return {
        f"{ids.PL_KOMMUN}.value": "0380",
        f"{ids.PL_LEVEL}.value": "custom",
        f"{ids.PL_FIRST}.date": NIGHT.isoformat(),
        f"{ids.PL_WEEKS}.value": 1,
        f"{ids.PL_REFRESH}.data": 0,
    } | changes


def pay_csv(app: Flask, client_as: Callable[[str], FlaskClient]) -> dict[str, dict[str, str]]:
    """The coordinator's compensation CSV of the week, by association."""
    values = scope(**{f"{ids.PL_EXPORT_PAY}.n_clicks": 1})
    response = call_by_input(client_as("samordnare"), app, ids.PL_EXPORT_PAY, values)
    assert response.status_code == 200
    content = response.get_json()["response"][ids.PL_DOWNLOAD]["data"]["content"]
    return {r["forening"]: r for r in csv.DictReader(io.StringIO(content), delimiter=";")}


def confirm(test_client: FlaskClient, app: Flask, item: str, **changes: Any) -> Any:
    return call_by_input(
        test_client,
        app,
        CONFIRM,
        scope(**changes),
        clicked=[{"id": {"item": item, "type": ids.PL_CONFIRM_TYPE}, "value": 1}],
    )


def reports(app: Flask) -> int:
    with app_state(app).sessions() as session:
        return int(session.scalar(select(func.count()).select_from(WalkReport)) or 0)


def linked_to(app: Flask, walk_id: int) -> WalkReport | None:
    with app_state(app).sessions() as session:
        return session.scalar(select(WalkReport).where(WalkReport.planned_walk_id == walk_id))


@pytest.mark.parametrize("member", [False, True], ids=["no-association", "club-member"])
def test_police_cannot_mark_another_areas_planned_walk_as_done(
    app: Flask, client_as: Callable[[str], FlaskClient], plan: Plan, member: bool
) -> None:
    """The attack of finding 5: pol2 links a 100-walker report to the D04 walk. Refused
    whether or not pol2 walks for the club (D04 is outside pol2's areas)."""
    if member:
        with unit_of_work(app_state(app).sessions) as session:
            set_association(session, "pol2", CLUB)
    pay_before, reports_before = pay_csv(app, client_as), reports(app)
    out = report(client(app, "pol2"), app, walk_values(plan.club_d04, ["0380-D20"], walkers=100))
    assert "Nattvandringen sparades inte" in str(out)
    assert "föreningens egna vandrare" in error_of(out, "planerad")
    assert reports(app) == reports_before and linked_to(app, plan.club_d04) is None
    with app_state(app).sessions() as session:
        d04 = next(
            r for r in planned_vs_done(session, "0380", NIGHT, NIGHT) if r.walk_id == plan.club_d04
        )
    assert not d04.reported
    assert pay_csv(app, client_as) == pay_before
    assert pay_before[CLUB]["rapporterade"] == "0" and pay_before[CLUB]["vandrarnatter"] == "0"


@pytest.mark.parametrize("planned", ["1", 1.0, [1], {"id": 1}, True])
def test_a_forged_planned_walk_value_is_refused_not_a_server_error(
    app: Flask, plan: Plan, planned: Any
) -> None:
    out = report(client(app, "pol2"), app, walk_values(planned, ["0380-D20"]))
    assert "finns inte den dagen" in error_of(out, "planerad")
    assert linked_to(app, plan.club_d20) is None


def test_police_are_offered_only_their_associations_walks_in_their_areas(
    app: Flask, client_as: Callable[[str], FlaskClient], plan: Plan
) -> None:
    assert offered(client(app, "pol2"), app) == []  # walks for no association
    with unit_of_work(app_state(app).sessions) as session:
        set_association(session, "pol2", CLUB)
    assert offered(client(app, "pol2"), app) == [plan.club_d20]  # not the club's D04 walk
    assert offered(client(app, "vandrare"), app) == [plan.club_d04, plan.club_d20]
    assert offered(client_as("rapportor"), app) == []  # walks for no association
    coordinator = offered(client_as("samordnare"), app)
    assert coordinator == [plan.club_d04, plan.club_d20, plan.other_d20]


def test_the_associations_own_walker_links_the_report_but_it_is_not_paid_unconfirmed(
    app: Flask, client_as: Callable[[str], FlaskClient], plan: Plan
) -> None:
    walker = client(app, "vandrare")
    out = report(walker, app, walk_values(plan.club_d04, ["0380-D04"], walkers=5))
    assert "Tack! Nattvandringen är rapporterad" in str(out)
    assert "samordnaren bekräftar" in str(out)
    linked = linked_to(app, plan.club_d04)
    assert linked is not None and linked.walkers == 5 and linked.confirmed_at is None
    pay = pay_csv(app, client_as)[CLUB]
    assert (pay["planerade"], pay["rapporterade"], pay["bekraftade"]) == ("2", "1", "0")
    assert (pay["ersattningsgrundande"], pay["vandrarnatter"]) == ("0", "0")
    # Reported now: no longer offered, and a second report for it is refused.
    assert plan.club_d04 not in offered(walker, app)
    again = report(walker, app, walk_values(plan.club_d04, ["0380-D04"]))
    assert "redan rapporterad" in error_of(again, "planerad")
    # Walkers of the club do not report the other club's walk.
    other = report(walker, app, walk_values(plan.other_d20, ["0380-D20"]))
    assert "föreningens egna vandrare" in error_of(other, "planerad")
    assert linked_to(app, plan.other_d20) is None


@pytest.mark.parametrize(
    ("areas", "walkers", "field", "message"),
    [
        (["0380-D05"], 4, "omraden", "gäller Demoområde 4"),
        (["0380-D04"], 9, "vandrare", "högst 8"),
        (["0380-D04"], 101, "vandrare", "1–100"),
    ],
)
def test_a_linked_report_must_walk_the_planned_area_with_a_sane_number_of_walkers(
    app: Flask, plan: Plan, areas: list[str], walkers: int, field: str, message: str
) -> None:
    before = reports(app)
    out = report(client(app, "vandrare"), app, walk_values(plan.club_d04, areas, walkers))
    assert message in error_of(out, field)
    assert reports(app) == before


def test_the_coordinator_links_any_walk_and_confirms_it_for_pay_then_withdraws_it(
    app: Flask, client_as: Callable[[str], FlaskClient], plan: Plan
) -> None:
    coordinator = client_as("samordnare")
    out = report(coordinator, app, walk_values(plan.other_d20, ["0380-D20"], walkers=3))
    assert "Tack! Nattvandringen är rapporterad" in str(out)
    assert pay_csv(app, client_as)[OTHER_CLUB]["ersattningsgrundande"] == "0"

    done = confirm(coordinator, app, f"confirm|{plan.other_d20}")
    assert done.status_code == 200 and "bekräftad" in str(done.get_json())
    linked = linked_to(app, plan.other_d20)
    assert linked is not None and linked.confirmed_at is not None
    with app_state(app).sessions() as session:
        who = session.scalar(select(User.username).where(User.id == linked.confirmed_by_id))
    assert who == "samordnare"
    pay = pay_csv(app, client_as)[OTHER_CLUB]
    assert (pay["rapporterade"], pay["bekraftade"], pay["ersattningsgrundande"]) == ("1", "1", "1")
    assert pay["vandrarnatter"] == "3"

    undone = confirm(coordinator, app, f"undo|{plan.other_d20}")
    assert "borttagen" in str(undone.get_json())
    linked = linked_to(app, plan.other_d20)
    assert linked is not None and linked.confirmed_at is None and linked.confirmed_by_id is None
    assert pay_csv(app, client_as)[OTHER_CLUB]["ersattningsgrundande"] == "0"


def test_the_done_table_offers_the_confirmation_buttons(
    app: Flask, client_as: Callable[[str], FlaskClient], plan: Plan
) -> None:
    report(client(app, "vandrare"), app, walk_values(plan.club_d04, ["0380-D04"]))
    coordinator = client_as("samordnare")
    shown = call_callback(coordinator, app, f"{ids.PL_DONE}.children", scope())
    text = json.dumps(shown.get_json()["response"][ids.PL_DONE], ensure_ascii=False)
    assert f"confirm|{plan.club_d04}" in text and "Bekräfta" in text
    assert f"confirm|{plan.club_d20}" not in text  # not reported: nothing to confirm
    confirm(coordinator, app, f"confirm|{plan.club_d04}")
    shown = call_callback(coordinator, app, f"{ids.PL_DONE}.children", scope())
    text = json.dumps(shown.get_json()["response"][ids.PL_DONE], ensure_ascii=False)
    assert f"undo|{plan.club_d04}" in text and "Ångra" in text


@pytest.mark.parametrize(
    "username", ["vandrare", "pol2", "rapportor", "polis", "ledning", "admin", "samordnare2"]
)
def test_only_the_kommuns_coordinator_may_confirm(
    app: Flask, client_as: Callable[[str], FlaskClient], plan: Plan, username: str
) -> None:
    report(client(app, "vandrare"), app, walk_values(plan.club_d04, ["0380-D04"]))
    own = username in {"vandrare", "pol2", "samordnare2"}
    attacker = client(app, username) if own else client_as(username)
    assert confirm(attacker, app, f"confirm|{plan.club_d04}").status_code == 403
    if username == "samordnare2":  # their own kommun in the request: the walk is not theirs
        out = confirm(
            attacker, app, f"confirm|{plan.club_d04}", **{f"{ids.PL_KOMMUN}.value": "0191"}
        )
        assert out.status_code == 200 and "Ingen rapporterad vandring" in str(out.get_json())
    linked = linked_to(app, plan.club_d04)
    assert linked is not None and linked.confirmed_at is None
    assert pay_csv(app, client_as)[CLUB]["ersattningsgrundande"] == "0"


@pytest.mark.parametrize("item", ["confirm|x", "approve|1", "confirm|" + "9" * 20, "confirm"])
def test_a_forged_confirm_button_is_a_bad_request(
    app: Flask, client_as: Callable[[str], FlaskClient], plan: Plan, item: str
) -> None:
    assert confirm(client_as("samordnare"), app, item).status_code == 400


def test_the_cli_links_a_user_to_an_association_and_back(
    app: Flask, client_as: Callable[[str], FlaskClient], plan: Plan
) -> None:
    runner = app.test_cli_runner()
    linked = runner.invoke(args=["ssp", "walker-association", "Rapportor", CLUB])
    assert linked.exit_code == 0, linked.output
    assert offered(client_as("rapportor"), app) == [plan.club_d04, plan.club_d20]
    cleared = runner.invoke(args=["ssp", "walker-association", "rapportor", "--none"])
    assert cleared.exit_code == 0 and "inte längre" in cleared.output
    assert offered(client_as("rapportor"), app) == []
    for args, message in (
        (["rapportor", "Okänd förening"], "Föreningen finns inte"),
        (["ingen-sadan", CLUB], "Användaren finns inte"),
        (["rapportor"], "Ange en förening eller --none"),
        (["rapportor", CLUB, "--none"], "Ange en förening eller --none"),
    ):
        refused = runner.invoke(args=["ssp", "walker-association", *args])
        assert refused.exit_code != 0 and message in refused.output, refused.output
