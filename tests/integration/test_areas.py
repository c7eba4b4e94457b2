"""Area layers in the database, on SQLite and PostgreSQL: import, hierarchy, population,
own areas and the small-area guard."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from data.access.scope import AccessDenied, Selection, Viewer
from data.areas.browser import layer_scope
from data.areas.layers import (
    AreaImportError,
    compose_area,
    import_areas,
    read_area_layer,
)
from data.areas.listing import area_rows
from data.areas.population import import_population, parse_population_csv
from data.counts.cube import build_cube, monday_of
from data.counts.overview import map_values, weekly_trend
from data.privacy.disclosure import NOISE_BOUND, AudienceLevel
from data.storage.db import (
    AREAS_VERSION,
    bump_version,
    make_session_factory,
    read_version,
    unit_of_work,
)
from data.storage.models import Area, Observation
from geo.importing import LoadedLayer

pytestmark = pytest.mark.shared_data
TODAY = date(2026, 11, 23)


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


def sigtuna_layer(shared_data: Path) -> LoadedLayer:
    return read_area_layer(
        shared_data / "geo" / "sigtuna_deso_2018.geojson",
        code_field="deso_2018",
        name_field="deso_2018",
        parent_field="regso_2020_kod",
        parent_name_field="regso_2020_namn",
    )


@pytest.fixture
def sigtuna(sessions: sessionmaker[Session], shared_data: Path) -> sessionmaker[Session]:
    with unit_of_work(sessions) as session:
        import_areas(
            session, sigtuna_layer(shared_data), level="deso", parent_name_field="regso_2020_namn"
        )
    return sessions


def population_csv(rows: dict[str, int]) -> bytes:
    lines = ["regso_kod;alder_10_14;alder_15_19"]
    lines += [f"{code};{n // 2};{n - n // 2}" for code, n in rows.items()]
    return "\n".join(lines).encode("cp1252")


def test_sigtuna_deso_imports_with_regso_and_kommun_hierarchy(
    sigtuna: sessionmaker[Session],
) -> None:
    with sigtuna() as session:
        levels = dict(session.execute(select(Area.level, func.count()).group_by(Area.level)).all())
        assert levels == {"kommun": 1, "regso": 24, "deso": 24}
        rows = {r[0]: r for r in area_rows(session, level="deso", kommun_code="0191")}
        assert len(rows) == 24 and all(code.startswith("0191") for code in rows)
        assert rows["0191C1030"][3] == "0191R005"  # Centrala Valsta, per the SCB key
        regso = {r[0]: r for r in area_rows(session, level="regso")}
        assert regso["0191R005"][1] == "Centrala Valsta"
        assert regso["0191R005"][3] == "0191"
        assert read_version(session, AREAS_VERSION) >= 1


def test_reimport_updates_in_place(sigtuna: sessionmaker[Session], shared_data: Path) -> None:
    with sigtuna() as session:
        ids_before = dict(session.execute(select(Area.code, Area.id)).all())
    with unit_of_work(sigtuna) as session:
        summary = import_areas(
            session, sigtuna_layer(shared_data), level="deso", parent_name_field="regso_2020_namn"
        )
    assert (summary.created, summary.updated) == (0, 24)
    with sigtuna() as session:
        assert dict(session.execute(select(Area.code, Area.id)).all()) == ids_before


def test_import_at_a_conflicting_level_changes_nothing(
    sigtuna: sessionmaker[Session], shared_data: Path
) -> None:
    with sigtuna() as session:
        before = area_rows(session)
    layer = sigtuna_layer(shared_data)
    with pytest.raises(AreaImportError, match="annan nivå"), unit_of_work(sigtuna) as session:
        import_areas(session, layer, level="regso")
    with sigtuna() as session:
        assert area_rows(session) == before


def test_missing_parents_without_names_are_refused(
    sessions: sessionmaker[Session], shared_data: Path
) -> None:
    layer = read_area_layer(
        shared_data / "geo" / "sigtuna_deso_2018.geojson",
        code_field="deso_2018",
        name_field="deso_2018",
        parent_field="regso_2020_kod",
    )
    with pytest.raises(AreaImportError, match="parent-name-field"), unit_of_work(sessions) as s:
        import_areas(s, layer, level="deso")
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Area)) == 0


def test_population_wide_layout_in_windows_1252(sigtuna: sessionmaker[Session]) -> None:
    values = parse_population_csv(population_csv({"0191R004": 301, "0191R001": 120}))
    assert values == {"0191R004": 301, "0191R001": 120}
    with unit_of_work(sigtuna) as session:
        updated, unknown = import_population(session, values)
    assert (updated, unknown) == (2, [])
    with sigtuna() as session:
        assert session.scalar(select(Area.population_10_19).where(Area.code == "0191R004")) == 301


def test_population_long_scb_layout_sums_the_two_bands() -> None:
    raw = (
        b"regso_kod,regso_kod_scb,regso_namn_2020,alder,kon,ar,folkmangd\n"
        b"0380R001,x,Bergsbrunna,10-14,totalt,2024,134\n"
        b"0380R001,x,Bergsbrunna,15-19,totalt,2024,103\n"
        b"0380R001,x,Bergsbrunna,15-19,man,2024,50\n"
        b"0380R001,x,Bergsbrunna,20-24,totalt,2024,99\n"
    )
    assert parse_population_csv(raw) == {"0380R001": 237}


def test_real_uppsala_population_file_parses(shared_data: Path) -> None:
    raw = (shared_data / "scb" / "uppsala_regso2025_ungdomar_10_19_2024.csv").read_bytes()
    values = parse_population_csv(raw)
    assert len(values) == 61
    assert sum(values.values()) == 27_947  # SOURCES.md: the kommun total aged 10–19


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"kod;antal\n0191R001;12\n", "10–19"),
        (b"regso_kod;alder_10_19\n0191R001;-3\n", "heltal"),
        (b"regso_kod;alder_10_19\n0191R001;3\n0191R001;4\n", "flera gånger"),
        (b"namn;alder_10_19\nx;3\n", "kodkolumn"),
    ],
)
def test_malformed_population_files_are_refused(raw: bytes, message: str) -> None:
    with pytest.raises(AreaImportError, match=message):
        parse_population_csv(raw)


def test_unknown_population_codes_refuse_the_whole_file(sigtuna: sessionmaker[Session]) -> None:
    with pytest.raises(AreaImportError, match="finns inte"), unit_of_work(sigtuna) as session:
        import_population(session, {"0191R004": 300, "9999R999": 10})
    with sigtuna() as session:
        assert session.scalar(select(Area.population_10_19).where(Area.code == "0191R004")) is None


def test_own_area_is_the_union_of_its_parts(sigtuna: sessionmaker[Session]) -> None:
    with unit_of_work(sigtuna) as session:
        import_population(session, {"0191R004": 300, "0191R005": 250})
        area = compose_area(
            session, code="0191-VALSTA", name="Valsta", member_codes=["0191R004", "0191R005"]
        )
        assert area.level == "custom" and area.population_10_19 == 550
    with pytest.raises(AreaImportError, match="Okända"), unit_of_work(sigtuna) as session:
        compose_area(session, code="0191-X", name="Övrigt", member_codes=["0191R004", "nope"])


def test_an_own_area_named_after_a_person_is_refused(sigtuna: sessionmaker[Session]) -> None:
    with pytest.raises(AreaImportError) as refused, unit_of_work(sigtuna) as session:
        compose_area(
            session, code="0191-KA", name="Kalle Anderssons gäng", member_codes=["0191R004"]
        )
    assert "personnamn" in str(refused.value) and "Kalle" not in str(refused.value)
    with sigtuna() as session:
        assert session.scalar(select(Area.id).where(Area.code == "0191-KA")) is None


def _viewer(min_pop: int = 200) -> Viewer:
    return Viewer("coordinator", "0191", AudienceLevel(5, min_pop))


def test_small_areas_are_merged_with_their_siblings_into_the_parent(
    sigtuna: sessionmaker[Session],
) -> None:
    with sigtuna() as session:
        deso = list(session.scalars(select(Area).where(Area.level == "deso")))
    populations = {a.code: 250 for a in deso}
    populations["0191C1030"] = 150  # too small: merges into RegSO 0191R005 …
    populations["0191R005"] = 450  # … which has enough youths (a RegSO of two DeSO in reality)
    with unit_of_work(sigtuna) as session:
        import_population(session, populations)
    with sigtuna() as session:
        cube = build_cube(session, today=TODAY)
    week = monday_of(TODAY)
    table = map_values(cube, Selection("0191", "deso", week, week), _viewer())
    codes = set(table.frame["code"])
    assert "0191R005" in codes and "0191C1030" not in codes
    assert len(codes) == 24  # 23 DeSO shown as themselves, one RegSO in place of one DeSO
    merged = str(table.frame.set_index("code").loc["0191R005", "merged"])
    assert merged.startswith("sammanslaget med")
    assert set(layer_scope(cube, "0191", "deso", _viewer())) == codes
    # The merged-away DeSO cannot be asked for as a focus area either.
    with pytest.raises(AccessDenied):
        weekly_trend(cube, Selection("0191", "deso", week, week, focus_area="0191C1030"), _viewer())


def test_areas_without_population_merge_all_the_way_to_the_kommun(
    sigtuna: sessionmaker[Session],
) -> None:
    with sigtuna() as session:
        cube = build_cube(session, today=TODAY)
    week = monday_of(TODAY)
    table = map_values(cube, Selection("0191", "deso", week, week), _viewer())
    assert table.frame["code"].tolist() == ["0191"]
    assert str(table.frame["merged"].iloc[0]).startswith("sammanslaget med")
    everything = map_values(cube, Selection("0191", "deso", week, week), _viewer(min_pop=0))
    assert len(everything.frame) == 24


def test_a_merge_that_is_still_too_small_takes_everything_under_the_next_parent(
    sigtuna: sessionmaker[Session],
) -> None:
    """No unit may be drawn on top of another or be subtracted from a merged total."""
    with sigtuna() as session:
        deso = list(session.scalars(select(Area).where(Area.level == "deso")))
    populations = {a.code: 250 for a in deso}
    populations["0191C1030"] = 150  # its RegSO has no population of its own: still small
    with unit_of_work(sigtuna) as session:
        import_population(session, populations)
    with sigtuna() as session:
        cube = build_cube(session, today=TODAY)
    week = monday_of(TODAY)
    table = map_values(cube, Selection("0191", "deso", week, week), _viewer())
    assert table.frame["code"].tolist() == ["0191"]


def test_a_partial_scope_cannot_borrow_the_parents_population(
    sigtuna: sessionmaker[Session],
) -> None:
    """A police area covering one small DeSO must not see it as its large RegSO."""
    with unit_of_work(sigtuna) as session:
        import_population(session, {"0191C1030": 50, "0191R005": 1000})
        police = Viewer(
            "police_area", "0191", AudienceLevel(5, 200), area_codes=frozenset({"0191C1030"})
        )
    with sigtuna() as session:
        cube = build_cube(session, today=TODAY)
    week = monday_of(TODAY)
    table = map_values(cube, Selection("0191", "deso", week, week), police)
    # Merged all the way up it would be the kommun "unit" standing for 50 youths:
    # it is not shown at all, and cannot be focused either.
    assert table.frame.empty
    with pytest.raises(AccessDenied):
        weekly_trend(cube, Selection("0191", "deso", week, week, focus_area="0191"), police)


@pytest.mark.parametrize(
    "raw",
    [
        "regso_kod;alder_10_19\n0191R001;²\n".encode(),
        "regso_kod;alder_10_19\n0191R001;٣\n".encode(),
        b"regso_kod;alder_10_19\n0191R001;99999999999999999999999\n",
        b"regso_kod;alder_10_19\n0191R001;1\x002\n",
        b"\xff\xfe" + "regso_kod;alder_10_19\n".encode("utf-16-le"),
        b'regso_kod;alder_10_19\n0191R001;"' + b"9" * 200_000 + b"\n",
    ],
    ids=["superscript", "arabic-indic", "huge", "nul", "utf16", "long-field"],
)
def test_hostile_population_values_are_refused(raw: bytes) -> None:
    with pytest.raises(AreaImportError):
        parse_population_csv(raw)


def test_an_own_area_counts_the_incidents_of_its_members(sigtuna: sessionmaker[Session]) -> None:
    with unit_of_work(sigtuna) as session:
        import_population(session, {"0191R004": 300, "0191R005": 250})
        compose_area(
            session, code="0191-VALSTA", name="Valsta", member_codes=["0191R004", "0191R005"]
        )
        ids = dict(session.execute(select(Area.code, Area.id)).all())
        for code, n in (("0191C1030", 6), ("0191C1090", 4), ("0191C1140", 9)):
            session.add(
                Observation(
                    area_id=ids[code],
                    occurred_on=TODAY,
                    category_code="vald",
                    source_code="skola",
                    count=n,
                )
            )
        bump_version(session)
    with sigtuna() as session:
        cube = build_cube(session, today=TODAY)
    week = monday_of(TODAY)
    table = map_values(cube, Selection("0191", "custom", week, week), _viewer())
    # C1030 (in R005) and C1090 (in R004) count in Valsta; C1140 is in neither.
    valsta = table.published_values()[list(table.frame["code"]).index("0191-VALSTA")]
    assert valsta is not None and abs(valsta - 10) <= NOISE_BOUND


def test_own_areas_may_not_share_members(sigtuna: sessionmaker[Session]) -> None:
    with unit_of_work(sigtuna) as session:
        compose_area(session, code="0191-A", name="Område A", member_codes=["0191R004"])
    with pytest.raises(AreaImportError, match="0191-A"), unit_of_work(sigtuna) as session:
        compose_area(session, code="0191-B", name="Område B", member_codes=["0191R004", "0191R005"])
    with pytest.raises(AreaImportError, match="RegSO eller dess DeSO"), unit_of_work(sigtuna) as s:
        compose_area(s, code="0191-C", name="Område C", member_codes=["0191R005", "0191C1030"])
