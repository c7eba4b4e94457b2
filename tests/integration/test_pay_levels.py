"""Compensation with several levels in the database and the pay CSV (issue 17): full
from 4 walkers, reduced at 3, nothing below or unconfirmed; the single-level settings
still work; a report filed through an association's link is paid like any other once
the coordinator confirms it."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from dashboard import ids
from dashboard.config import load_config, pay_levels
from dashboard.state import app_state
from data.access.audit import Actor
from data.ingest.walks import store_walk, validate_walk
from data.planning.association_links import create_link, link_key
from data.planning.pay import PayLevel, parse_levels
from data.planning.registry import add_association
from data.planning.schedule import compensation
from data.planning.walk_links import set_confirmed
from data.storage.db import unit_of_work
from data.storage.models import Area, PlannedWalk, User
from tests.clock import TEST_NOW, TEST_TODAY
from tests.helpers import call_by_input

NIGHT = TEST_TODAY - timedelta(days=1)
CLUB = "Demo IF"
AREAS = ("0380-D04", "0380-D20", "0380-D10", "0380-D11", "0380-D12")


@pytest.fixture
def config(app: Flask) -> Iterator[dict[str, Any]]:
    before = app.config["SSP_PAY_LEVEL_TABLE"]
    yield app.config
    app.config["SSP_PAY_LEVEL_TABLE"] = before


def _walk(session: Any, area: str, club: int) -> int:
    walk = PlannedWalk(
        kommun_code="0380",
        night=NIGHT,
        area_id=session.scalar(select(Area.id).where(Area.code == area)),
        association_id=club,
        walkers=4,
        start_time="20:30",
        end_time="01:30",
    )
    session.add(walk)
    session.flush()
    return walk.id


def _file(session: Any, walk_id: int, area: str, walkers: int, user: int) -> None:
    walk, errors = validate_walk(
        walked_on=NIGHT.isoformat(), areas=[area], start="20:30", end="01:30",
        walkers=str(walkers), rating="calm", seen=[], note="", categories={}, today=TEST_TODAY,
    )  # fmt: skip
    assert walk is not None, errors
    store_walk(session, walk, user_id=user, kommun_code="0380", planned_walk_id=walk_id)


@pytest.fixture
def walks(app: Flask) -> dict[int, int]:
    """The club's walks of ``NIGHT`` reported with 4, 3, 2 walkers (confirmed), 5 walkers
    (not confirmed) and one not reported: walkers → planned walk id."""
    with unit_of_work(app_state(app).sessions) as session:
        club = add_association(session, "0380", CLUB)
        boss = int(session.scalar(select(User.id).where(User.username == "samordnare")) or 0)
        out = {}
        for area, walkers in zip(AREAS, (4, 3, 2, 5, 0), strict=True):
            walk_id = _walk(session, area, club)
            out[walkers] = walk_id
            if walkers:
                _file(session, walk_id, area, walkers, boss)
        for walkers in (4, 3, 2):
            assert set_confirmed(session, boss, out[walkers], confirmed=True)
    return out


def pay_rows(app: Flask, client_as: Callable[[str], FlaskClient]) -> dict[str, dict[str, str]]:
    values = {
        f"{ids.PL_KOMMUN}.value": "0380",
        f"{ids.PL_LEVEL}.value": "custom",
        f"{ids.PL_FIRST}.date": NIGHT.isoformat(),
        f"{ids.PL_WEEKS}.value": 1,
        f"{ids.PL_EXPORT_PAY}.n_clicks": 1,
    }
    response = call_by_input(client_as("samordnare"), app, ids.PL_EXPORT_PAY, values)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    content = response.get_json()["response"][ids.PL_DOWNLOAD]["data"]["content"]
    return {r["forening"]: r for r in csv.DictReader(io.StringIO(content), delimiter=";")}


def test_two_levels_pay_full_reduced_and_nothing(app: Flask, walks: dict[int, int]) -> None:
    with app_state(app).sessions() as session:
        (club,) = compensation(
            session, "0380", NIGHT, NIGHT, levels=(PayLevel(4, 600.0), PayLevel(3, 300.0))
        )
    assert (club.planned, club.reported, club.confirmed, club.qualifying) == (5, 4, 3, 2)
    assert club.amount == 900.0
    assert club.per_level == (("4+", 1), ("3+", 1))
    assert club.walker_nights == 4 + 3 + 2


def test_the_single_level_settings_still_work(app: Flask, walks: dict[int, int]) -> None:
    with app_state(app).sessions() as session:
        (club,) = compensation(session, "0380", NIGHT, NIGHT, min_walkers=3, per_night=100)
    assert (club.qualifying, club.amount, club.per_level) == (2, 200.0, (("3+", 2),))


def test_the_pay_csv_shows_the_levels(
    app: Flask,
    client_as: Callable[[str], FlaskClient],
    walks: dict[int, int],
    config: dict[str, Any],
) -> None:
    config["SSP_PAY_LEVEL_TABLE"] = parse_levels("4:600,3:300")
    row = pay_rows(app, client_as)[CLUB]
    assert (row["ersattningsgrundande"], row["per_niva"], row["belopp"]) == (
        "2",
        "4+:1 3+:1",
        "900.00",
    )
    config["SSP_PAY_LEVEL_TABLE"] = pay_levels({"SSP_PAY_MIN_WALKERS": 3, "SSP_PAY_PER_NIGHT": 150})
    row = pay_rows(app, client_as)[CLUB]
    assert (row["per_niva"], row["belopp"]) == ("3+:2", "300.00")


def test_the_levels_setting_is_read_at_start(tmp_path: Any) -> None:
    base = {"SSP_INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"}
    config = load_config(base, environ={"SSP_PAY_LEVELS": "4:600,3:300"})
    assert config["SSP_PAY_LEVEL_TABLE"] == (PayLevel(4, 600.0), PayLevel(3, 300.0))
    old = load_config(base, environ={"SSP_PAY_MIN_WALKERS": "4", "SSP_PAY_PER_NIGHT": "500"})
    assert old["SSP_PAY_LEVEL_TABLE"] == (PayLevel(4, 500.0),)
    with pytest.raises(ValueError, match="SSP_PAY_LEVELS"):
        load_config(base, environ={"SSP_PAY_LEVELS": "fyra:600"})


def test_a_report_filed_through_the_link_is_paid_once_confirmed(
    app: Flask, client: FlaskClient
) -> None:
    with unit_of_work(app_state(app).sessions) as session:
        club = add_association(session, "0380", CLUB)
        walk_id = _walk(session, AREAS[0], club)
        key = link_key(str(app.config["SECRET_KEY"]))
        _id, token = create_link(
            session, "0380", club, days=30, key=key, actor=Actor(None, "t", "t"), now=TEST_NOW
        )
        boss = int(session.scalar(select(User.id).where(User.username == "samordnare")) or 0)
    page = client.get(f"/forening/{token}").get_data(as_text=True)
    form = re.search(r'name="form" value="([^"]+)"', page)
    assert form
    posted = client.post(
        f"/forening/{token}/rapport",
        data={"form": form[1], "vandring": str(walk_id), "start": "20:30", "slut": "01:30",
              "vandrare": "3", "stamning": "oroligt"},
    )  # fmt: skip
    assert posted.status_code == 303
    levels = (PayLevel(4, 600.0), PayLevel(3, 300.0))
    with app_state(app).sessions() as session:
        (before,) = compensation(session, "0380", NIGHT, NIGHT, levels=levels)
    assert (before.reported, before.qualifying, before.amount) == (1, 0, 0.0)
    with unit_of_work(app_state(app).sessions) as session:
        assert set_confirmed(session, boss, walk_id, confirmed=True)
    with app_state(app).sessions() as session:
        (after,) = compensation(session, "0380", NIGHT, NIGHT, levels=levels)
    assert (after.qualifying, after.amount, after.per_level) == (1, 300.0, (("4+", 0), ("3+", 1)))


def test_a_kommun_sets_its_own_levels_on_the_command_line(
    app: Flask,
    client_as: Callable[[str], FlaskClient],
    walks: dict[int, int],
    config: dict[str, Any],
) -> None:
    """The rule varies by municipality: 0380's own levels win over the installation's."""
    config["SSP_PAY_LEVEL_TABLE"] = parse_levels("3:100")
    runner = app.test_cli_runner()
    shown = runner.invoke(args=["ssp", "pay-levels", "0380"])
    assert shown.output.strip() == "0380: 3:100 (installationens)"
    assert pay_rows(app, client_as)[CLUB]["belopp"] == "200.00"
    set_ = runner.invoke(args=["ssp", "pay-levels", "0380", "4:600, 3:300"])
    assert set_.exit_code == 0, set_.output
    assert set_.output.strip() == "0380: 4:600,3:300 (kommunens egna)"
    assert pay_rows(app, client_as)[CLUB]["belopp"] == "900.00"
    refused = runner.invoke(args=["ssp", "pay-levels", "0380", "fyra:600"])
    assert refused.exit_code != 0 and "4:600,3:300" in refused.output
    assert pay_rows(app, client_as)[CLUB]["belopp"] == "900.00"
    cleared = runner.invoke(args=["ssp", "pay-levels", "0380", "--clear"])
    assert cleared.output.strip() == "0380: 3:100 (installationens)"
    assert pay_rows(app, client_as)[CLUB]["belopp"] == "200.00"
