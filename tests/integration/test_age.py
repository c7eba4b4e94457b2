"""The age dimension (issue 17): counted in the cube, filterable on Översikt, in the
parent-meeting signals and in the aggregate API, stored by the report form and the
bulk import. The differencing attacks over age are in ``test_differencing.py``."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select

from dashboard import ids
from dashboard.permalink import OverviewState, ViewScope, decode_overview, overview_query
from dashboard.state import app_state, today
from data.access.scope import Selection, Viewer
from data.counts.cube import AGE_AXIS, CountCube, build_cube, monday_of
from data.counts.notes import area_notes
from data.counts.overview import map_values, weekly_trend
from data.demo.build import build_demo
from data.planning.signals import concern_signals
from data.privacy.disclosure import AudienceLevel
from data.storage.db import make_session_factory, unit_of_work
from data.storage.models import Area, Observation
from data.vocabulary import AGE_BANDS
from tests.clock import TEST_TODAY
from tests.helpers import call_callback, map_traces, overview_values, weeks_ago
from tests.integration.test_report_form import form

COORDINATOR = Viewer("coordinator", "0380", AudienceLevel(5, noise_key=b"age-test"))


def demo_cube(app: Flask) -> CountCube:
    with app_state(app).sessions() as session:
        return app_state(app).cubes.get(session, today=today(app))


# --- the cube -------------------------------------------------------------------------


def test_the_cubes_age_groups_equal_a_brute_force_recount_of_the_demo(engine: Engine) -> None:
    """Every cell of every age group (counts and record keys) against the observations
    read one by one, on SQLite and PostgreSQL."""
    end = TEST_TODAY
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        build_demo(session, end=end, password="ålder-lösenord-1", days=120)
    with factory() as session:
        cube = build_cube(session, today=end)
        rows = session.execute(
            select(
                Observation.area_id,
                Observation.occurred_on,
                Observation.category_code,
                Observation.source_code,
                Observation.age_band,
                Observation.count,
                Observation.id,
            )
        ).all()
    position = {area_id: i for i, area_id in enumerate(cube.areas.ids)}
    n_areas = len(cube.areas.codes)
    counts = np.zeros((len(AGE_AXIS), n_areas, cube.n_weeks), dtype=np.int64)
    keys = np.zeros(counts.shape, dtype=np.int64)
    polisen_banded = 0
    for area_id, day, _category, source, age, n, key in rows:
        cell = (AGE_AXIS.index(age or "okand"), position[area_id], cube.week_index(monday_of(day)))
        counts[cell] += n
        keys[cell] += key
        polisen_banded += n if source == "polisen_se" and age else 0
    first, last = cube.first_monday, cube.last_monday
    everywhere = np.ones(n_areas, dtype=bool)
    for g, age in enumerate(AGE_AXIS):
        assert (
            cube.per_area(first_monday=first, last_monday=last, ages=(age,))
            == counts[g].sum(axis=1)
        ).all(), age
        assert (
            cube.per_area(first_monday=first, last_monday=last, ages=(age,), keys=True)
            == keys[g].sum(axis=1)
        ).all()
        weekly = cube.per_week(
            first_monday=first, last_monday=last, area_mask=everywhere, ages=(age,)
        )
        assert weekly["count"].tolist() == counts[g].sum(axis=0).tolist(), age
        assert weekly["key"].tolist() == keys[g].sum(axis=0).tolist(), age
    assert (cube.per_area(first_monday=first, last_monday=last) == counts.sum(axis=(0, 2))).all()
    assert cube.total() == counts.sum()
    # The demo gives a realistic share of its reports an age band (and polisen.se none).
    known = counts[:3].sum() / counts.sum()
    assert 0.4 < known < 0.95, known
    assert polisen_banded == 0


def test_without_an_age_filter_every_table_is_what_it_was(app: Flask) -> None:
    """No age filter is all ages, unknown included: the same published numbers as all four
    groups chosen (the same records, so the same record keys and the same noise)."""
    cube = demo_cube(app)
    last = cube.last_monday
    plain = Selection("0380", "custom", last - timedelta(weeks=7), last)
    every = replace(plain, age_bands=AGE_AXIS)
    assert map_values(cube, plain, COORDINATOR).display() == (
        map_values(cube, every, COORDINATOR).display()
    )
    assert weekly_trend(cube, plain, COORDINATOR).display() == (
        weekly_trend(cube, every, COORDINATOR).display()
    )
    young = map_values(cube, replace(plain, age_bands=("13-15",)), COORDINATOR)
    assert young.display() != map_values(cube, plain, COORDINATOR).display()


def test_the_age_filter_narrows_the_map_and_the_trend_to_its_records(app: Flask) -> None:
    cube = demo_cube(app)
    last = cube.last_monday
    selection = Selection("0380", "custom", last - timedelta(weeks=11), last, age_bands=("13-15",))
    truth = cube.per_area(first_monday=selection.first_monday, last_monday=last, ages=("13-15",))
    table = map_values(cube, selection, COORDINATOR)
    for code, value, hidden in zip(
        table.frame["code"], table.published_values(), table.frame["suppressed"], strict=True
    ):
        own = int(truth[cube.areas.position(code)])
        if not hidden:
            assert abs(int(value or 0) - own) <= 2, code
        elif not table.frame.loc[table.frame["code"] == code, "secondary"].item():
            assert 1 <= own < 5, code
    trend = weekly_trend(cube, selection, COORDINATOR)
    assert len(trend.frame) == 12


# --- Översikt -------------------------------------------------------------------------


def _map(client: FlaskClient, app: Flask, values: dict[str, Any]) -> dict[int, dict[str, Any]]:
    response = call_callback(client, app, "ov-top-table.children", values, [])
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    body = response.get_json()["response"]
    traces = map_traces(body[ids.MAP]["figure"])
    traces[-1] = {"status": json.dumps(body[ids.STATUS], ensure_ascii=False)}
    return traces


def test_oversikt_with_the_age_filter_shows_the_apis_numbers_for_that_age(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    """The map of 13–15-year-olds is the API's area table with age_band=13-15 (the same
    protected table), not the all-ages map, and the status line names the age."""
    client = client_as("samordnare")
    period = weeks_ago(12)
    young = _map(client, app, overview_values("0380", "custom", period, ages=["13-15"]))
    everyone = _map(client, app, overview_values("0380", "custom", period))
    shown = dict(zip(young[0]["locations"], young[0]["z"], strict=True))
    assert shown != dict(zip(everyone[0]["locations"], everyone[0]["z"], strict=True))
    assert sum(shown.values()) < sum(everyone[0]["z"])
    assert "13–15 år" in young[-1]["status"] and "alla åldrar" in everyone[-1]["status"]
    api = client.get(
        "/api/v1/aggregates",
        query_string={
            "level": "custom",
            "from": period[0],
            "to": period[1],
            "group_by": "area",
            "age_band": "13-15",
        },
    ).get_json()
    published = {c["area"]: c["count"] for c in api["cells"] if not c["suppressed"]}
    assert published == shown


def test_the_trend_and_the_csv_follow_the_age_filter(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    period = weeks_ago(12)
    trends = []
    for ages in (["16-18"], None):
        response = call_callback(
            client, app, f"{ids.TREND}.", overview_values("0380", "custom", period, ages=ages)
        )
        assert response.status_code == 200
        trends.append(response.get_json()["response"][ids.TREND]["figure"])
    assert trends[0] != trends[1]
    values = overview_values("0380", "custom", period, ages=["16-18"])
    values[f"{ids.EXPORT_BUTTON}.n_clicks"] = 1
    response = call_callback(client, app, f"{ids.EXPORT_DOWNLOAD}.data", values)
    assert response.status_code == 200
    content = response.get_json()["response"][ids.EXPORT_DOWNLOAD]["data"]["content"]
    assert "Ålder" in content and "16–18 år" in content


def test_a_forged_age_value_is_refused_not_a_500(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    for forged in (["19-21"], [{"x": 1}], "13-15; DROP"):
        values = overview_values("0380", "custom", weeks_ago(4))
        values[f"{ids.OV_AGES}.value"] = forged
        response = call_callback(client, app, "ov-top-table.children", values, [])
        assert response.status_code == 400, forged


def test_the_age_filter_round_trips_through_the_permalink(app: Flask) -> None:
    cube = demo_cube(app)
    scope = ViewScope(COORDINATOR, cube, TEST_TODAY)
    state = OverviewState("0380", "custom", ages=("13-15", "16-18"))
    query = overview_query(state)
    assert "alder=13-15%2C16-18" in query
    parsed = dict(pair.split("=") for pair in query.lstrip("?").split("&"))
    parsed = {k: v.replace("%2C", ",") for k, v in parsed.items()}
    decoded = decode_overview(parsed, scope, "0380")
    assert decoded.state.ages == ("13-15", "16-18") and not decoded.unreadable
    assert overview_query(decoded.state) == query
    bad = decode_overview({**parsed, "alder": "13-15,okand,99"}, scope, "0380")
    assert bad.state.ages == ("13-15",) and bad.unreadable


def test_notes_do_not_depend_on_the_age_filter(app: Flask) -> None:
    """Notes come from the fixed lattice (area × month, every category, source and age):
    an age filter must not change them (or comparing panels would be differencing)."""
    cube = demo_cube(app)
    last = cube.last_monday
    selection = Selection("0380", "custom", last - timedelta(weeks=8), last, focus_area="0380-D03")
    with app_state(app).sessions() as session:
        panels = {
            area_notes(session, cube, replace(selection, age_bands=ages), COORDINATOR)
            for ages in ((), ("13-15",), ("10-12", "16-18", "okand"))
        }
    assert len(panels) == 1


# --- the aggregate API ----------------------------------------------------------------


def test_the_api_groups_by_age_band_and_the_groups_add_up(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    period = {"from": "2026-02-02", "to": "2026-03-29", "level": "kommun"}
    body = client.get(
        "/api/v1/aggregates", query_string={**period, "group_by": "age_band"}
    ).get_json()
    assert [c["age_band"] for c in body["cells"]] == list(AGE_AXIS)
    assert body["group_by"] == ["age_band"]
    groups = {c["age_band"]: c["count"] for c in body["cells"]}
    total = client.get("/api/v1/aggregates", query_string=period).get_json()["cells"][0]["count"]
    assert all(v is not None and v >= 5 for v in groups.values())
    # Each published number is within ±2 of its truth: the sum within ±2 per group.
    assert abs(sum(groups.values()) - total) <= 2 * (len(groups) + 1)
    one = client.get("/api/v1/aggregates", query_string={**period, "age_band": "13-15"}).get_json()
    assert one["cells"][0]["count"] == groups["13-15"]  # the same records, the same number
    both = client.get(
        "/api/v1/aggregates",
        query_string={**period, "age_band": "okand,13-15", "group_by": "area,age_band"},
    ).get_json()
    assert {c["age_band"] for c in both["cells"]} == {"13-15", "okand"}


@pytest.mark.parametrize("bad", ["19-21", "13_15", "13-15,13-15", "", "OKAND"])
def test_the_api_refuses_a_bad_age_band_with_400(
    app: Flask, client_as: Callable[[str], FlaskClient], bad: str
) -> None:
    response = client_as("samordnare").get(
        "/api/v1/aggregates", query_string={"age_band": bad, "group_by": "age_band"}
    )
    assert response.status_code == 400
    assert response.get_json()["parameter"] == "age_band"


def test_an_event_window_groups_by_age_band_too(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    year = TEST_TODAY.year - 1
    client = client_as("samordnare")
    grouped = client.get(
        "/api/v1/aggregates",
        query_string={"event": f"valborg@{year}", "level": "kommun", "group_by": "age_band"},
    )
    assert grouped.status_code == 200, grouped.get_json()
    cells = grouped.get_json()["cells"]
    assert [c["age_band"] for c in cells] == list(AGE_AXIS)
    filtered = client.get(
        "/api/v1/aggregates",
        query_string={"event": f"valborg@{year}", "level": "kommun", "age_band": "16-18"},
    ).get_json()
    assert filtered["cells"][0]["count"] == cells[AGE_AXIS.index("16-18")]["count"]


# --- signals --------------------------------------------------------------------------


def test_signals_restricted_to_an_age_band_count_only_that_band(app: Flask) -> None:
    cube = demo_cube(app)
    last = cube.last_monday
    selection = Selection("0380", "custom", last, last, age_bands=("13-15",))
    signals = concern_signals(cube, selection, COORDINATOR, last_monday=last)
    everyone = concern_signals(
        cube, replace(selection, age_bands=()), COORDINATOR, last_monday=last
    )
    assert len(signals) == len(everyone) == 24
    assert all(s.age_bands == ("13-15",) for s in signals)
    area = signals[0]
    first = date.fromisoformat(area.weeks[0])
    trend = weekly_trend(
        cube,
        Selection(
            "0380",
            "custom",
            first,
            last,
            ("narkotika", "rekrytering", "vald", "vapen"),
            focus_area=area.code,
            age_bands=("13-15",),
        ),
        COORDINATOR,
    )
    assert tuple(trend.published_values()) == area.published
    by_code = {s.code: s for s in everyone}
    assert any(s.published != by_code[s.code].published for s in signals)


def test_planering_signals_name_the_age_band(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    values = {
        f"{ids.PL_KOMMUN}.value": "0380",
        f"{ids.PL_LEVEL}.value": "custom",
        f"{ids.PL_CONCERNS}.value": ["narkotika", "vald"],
        f"{ids.PL_REFRESH}.data": 0,
        f"{ids.PL_SIGNAL_AGES}.value": ["13-15"],
    }
    response = call_callback(client_as("samordnare"), app, f"{ids.PL_SIGNALS}.children", values)
    assert response.status_code == 200
    assert "(13–15 år)" in json.dumps(response.get_json(), ensure_ascii=False)
    values[f"{ids.PL_SIGNAL_AGES}.value"] = ["12-14"]
    refused = call_callback(client_as("samordnare"), app, f"{ids.PL_SIGNALS}.children", values)
    assert refused.status_code == 400


# --- reports and imports store the band -----------------------------------------------


def _count_in_week(app: Flask, area: str, day: date, ages: tuple[str, ...]) -> int:
    cube = demo_cube(app)
    own = cube.per_area(first_monday=monday_of(day), last_monday=monday_of(day), ages=ages)
    return int(own[cube.areas.position(area)])


def test_the_report_form_stores_the_age_band_and_the_cube_counts_it(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    before = _count_in_week(app, "0380-D05", TEST_TODAY, ("10-12",))
    note = f"Ålderstest {uuid.uuid4().hex[:6]}"
    values = form(
        **{
            f"{ids.REPORT_COUNT}.value": 3,
            f"{ids.REPORT_AGE}.value": "10-12",
            f"{ids.REPORT_NOTE}.value": note,
        }
    )
    response = call_callback(
        client_as("rapportor"), app, "rp-result.children", values, [f"{ids.REPORT_SUBMIT}.n_clicks"]
    )
    assert response.status_code == 200
    with app_state(app).sessions() as session:
        stored = session.scalar(select(Observation).where(Observation.note == note))
        assert stored is not None and stored.age_band == "10-12"
    assert _count_in_week(app, "0380-D05", TEST_TODAY, ("10-12",)) == before + 3


def test_the_bulk_import_stores_the_age_band_and_unknown_stays_unknown(
    app: Flask, tmp_path: Path
) -> None:
    day = TEST_TODAY - timedelta(days=1)
    before = {ages: _count_in_week(app, "0380-D07", day, ages) for ages in (("13-15",), ("okand",))}
    path = tmp_path / "alder.csv"
    path.write_text(
        "datum;tid;omrade;kategori;kalla;antal;gruppstorlek;alder;anteckning\n"
        f"{day.isoformat()};kväll;0380-D07;samling;fritid;2;;13-15;\n"
        f"{day.isoformat()};kväll;0380-D07;samling;fritid;4;;;\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["ssp", "import-observations", str(path)])
    assert result.exit_code == 0, result.stderr
    assert _count_in_week(app, "0380-D07", day, ("13-15",)) == before[("13-15",)] + 2
    assert _count_in_week(app, "0380-D07", day, ("okand",)) == before[("okand",)] + 4
    with app_state(app).sessions() as session:
        area_id = session.scalar(select(Area.id).where(Area.code == "0380-D07"))
        bands = session.scalars(
            select(Observation.age_band).where(
                Observation.area_id == area_id,
                Observation.occurred_on == day,
                Observation.count.in_((2, 4)),
                Observation.source_code == "fritid",
            )
        ).all()
    assert "13-15" in bands and None in bands


def test_polisen_reports_have_no_age(app: Flask) -> None:
    with app_state(app).sessions() as session:
        with_age = session.scalar(
            select(func.count()).where(
                Observation.source_code == "polisen_se", Observation.age_band.is_not(None)
            )
        )
    assert with_age == 0
    assert AGE_BANDS == ("10-12", "13-15", "16-18")
