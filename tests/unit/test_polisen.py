"""The polisen.se events parser: both location formats, precision, types, dedupe, time."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.ingest.polisen import (
    STOCKHOLM,
    load_type_table,
    parse_polisen_reports,
    time_band,
)

REAL_FILE = "polisen_events_uppsala_sigtuna.json"
SWITCH = datetime(2026, 1, 27, 22, 54, tzinfo=STOCKHOLM)
SECRET = "Mannen Kalle Anka, 15 år, Storgatan 3"


def record(event_id: int = 1, **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": event_id,
        "datetime": "2026-08-22 10:28:50 +02:00",
        "name": "22 augusti 09.59, Skadegörelse, Uppsala",
        "summary": SECRET,
        "url": "/aktuellt/handelser/2026/augusti/22/x/",
        "type": "Skadegörelse",
        "location": {"name": "Uppsala län", "gps": "60.009226,17.271459"},
    }
    base.update(changes)
    return base


def old_record(event_id: int = 1, **changes: Any) -> dict[str, Any]:
    return record(event_id, location={"name": "Sigtuna", "gps": "59.619146,17.723419"}, **changes)


@pytest.fixture(scope="module")
def real_raw(shared_data: Path) -> bytes:
    return (shared_data / REAL_FILE).read_bytes()


@pytest.fixture(scope="module")
def real_records(real_raw: bytes) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(real_raw)
    return records


# --- real data -------------------------------------------------------------------


@pytest.mark.shared_data
def test_every_real_event_is_parsed_or_skipped_with_a_reason(real_raw: bytes) -> None:
    parsed = parse_polisen_reports(real_raw, kommuner={"Uppsala", "Sigtuna"})
    ids = [e.report_id for e in parsed.reports] + [i for i, _ in parsed.skipped]
    assert len(ids) == len(set(ids)) == 1878
    assert all(reason for _, reason in parsed.skipped)
    assert parsed.reports, "some real events must map to a category"


@pytest.mark.shared_data
def test_real_kommun_counts_match_sources(real_raw: bytes, real_records: list[Any]) -> None:
    parsed = parse_polisen_reports(real_raw)
    kommun_of = {e.report_id: e.kommun_name for e in parsed.reports}
    skipped_ids = {i for i, _ in parsed.skipped}
    for rec in real_records:  # skipped events: the kommun is the last part of the title
        if rec["id"] in skipped_ids:
            kommun_of[rec["id"]] = rec["name"].rsplit(",", 1)[-1].strip()
    assert Counter(kommun_of.values()) == {"Uppsala": 1509, "Sigtuna": 369}


@pytest.mark.shared_data
def test_real_new_format_events_take_kommun_from_title(
    real_raw: bytes, real_records: list[Any]
) -> None:
    parsed = parse_polisen_reports(real_raw)
    by_id = {r["id"]: r for r in real_records}
    new = [e for e in parsed.reports if by_id[e.report_id]["location"]["name"].endswith(" län")]
    assert new, "the real file has new-format events"
    for report in new:
        assert report.precision in {"kommun", "county"}
        assert report.kommun_name == by_id[report.report_id]["name"].rsplit(",", 1)[-1].strip()
        assert report.county_name in {"Uppsala län", "Stockholms län"}
    assert all(e.county_name is not None for e in parsed.reports if e.occurred_at >= SWITCH)


@pytest.mark.shared_data
def test_real_events_are_never_finer_than_kommun(real_raw: bytes) -> None:
    parsed = parse_polisen_reports(real_raw)
    assert {e.precision for e in parsed.reports} <= {"kommun", "county"}
    assert {e.kommun_name for e in parsed.reports} == {"Uppsala", "Sigtuna"}


@pytest.mark.shared_data
def test_type_table_covers_every_real_type(real_records: list[Any]) -> None:
    table = load_type_table()
    missing = {r["type"].strip() for r in real_records} - set(table)
    assert not missing, f"add these types to polisen_typer.csv: {sorted(missing)}"


@pytest.mark.shared_data
def test_real_summary_text_never_reaches_the_output(
    real_raw: bytes, real_records: list[Any]
) -> None:
    parsed = parse_polisen_reports(real_raw)
    output = repr(parsed)
    summaries = {r["summary"] for r in real_records if len(r["summary"]) > 20}
    assert not [s for s in summaries if s in output]
    assert "/aktuellt/" not in output


# --- formats and precision -------------------------------------------------------


def test_old_format_takes_kommun_from_location_name() -> None:
    (report,) = parse_polisen_reports([old_record()]).reports
    assert (report.kommun_name, report.county_name, report.precision) == ("Sigtuna", None, "kommun")


def test_new_format_takes_kommun_from_last_title_part() -> None:
    (report,) = parse_polisen_reports([record()]).reports
    assert (report.kommun_name, report.county_name, report.precision) == (
        "Uppsala",
        "Uppsala län",
        "kommun",
    )


def test_county_wide_event_gets_county_precision() -> None:
    rec = record(name="22 augusti 05.00, Brand, Uppsala län", type="Brand")
    (report,) = parse_polisen_reports([rec]).reports
    assert (report.kommun_name, report.county_name, report.precision) == (
        "",
        "Uppsala län",
        "county",
    )


def test_kommun_filter_skips_other_kommuner_and_county_events() -> None:
    records = [
        record(1),
        old_record(2),
        record(3, name="1 maj 01.00, Brand, Uppsala län", type="Brand"),
    ]
    parsed = parse_polisen_reports(records, kommuner=["Uppsala"])
    assert [e.report_id for e in parsed.reports] == [1]
    assert {i for i, _ in parsed.skipped} == {2, 3}


# --- types -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_type", "category"),
    [
        ("Ofog barn/ungdom", "samling"),
        ("Narkotikabrott", "narkotika"),
        ("Misshandel, grov", "vald"),
        ("Rån väpnat", "ran"),
        ("Stöld/inbrott", "stold"),
        ("Knivlagen", "vapen"),
        ("Fylleri/LOB", "alkohol"),
        ("Olaga hot", "hot"),
    ],
)
def test_type_maps_to_category(event_type: str, category: str) -> None:
    (report,) = parse_polisen_reports([record(type=event_type)]).reports
    assert (report.report_type, report.category) == (event_type, category)


@pytest.mark.parametrize("event_type", ["Trafikolycka", "Sammanfattning natt", "Rattfylleri"])
def test_not_imported_type_is_skipped_with_reason(event_type: str) -> None:
    parsed = parse_polisen_reports([record(7, type=event_type)])
    assert parsed.reports == ()
    assert parsed.skipped == ((7, f"händelsetypen {event_type!r} importeras inte"),)


def test_unknown_type_is_skipped_and_asks_for_a_table_entry() -> None:
    parsed = parse_polisen_reports([record(7, type="Helt ny typ")])
    ((event_id, reason),) = parsed.skipped
    assert event_id == 7
    assert "typtabellen" in reason


def test_type_with_trailing_space_is_found() -> None:
    parsed = parse_polisen_reports([record(type="Lagen om hundar och katter ")])
    assert "importeras inte" in parsed.skipped[0][1]


def test_custom_type_table_is_used(tmp_path: Path) -> None:
    path = tmp_path / "typer.csv"
    path.write_text("typ,kategori\nTrafikolycka,buskorning\nBrand,\n", encoding="utf-8")
    table = load_type_table(path)
    assert table == {"Trafikolycka": "buskorning", "Brand": None}
    parsed = parse_polisen_reports([record(1, type="Trafikolycka")], type_table=table)
    assert parsed.reports[0].category == "buskorning"


def test_type_table_refuses_unknown_category(tmp_path: Path) -> None:
    path = tmp_path / "typer.csv"
    path.write_text("typ,kategori\nBrand,eld\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown category 'eld'"):
        load_type_table(path)


def test_shipped_type_table_maps_only_to_known_categories() -> None:
    table = load_type_table()
    assert "Skadegörelse" in table
    assert table["Trafikolycka"] is None


# --- dedupe, time ----------------------------------------------------------------


def test_dedupe_by_id_keeps_last_version() -> None:
    first = old_record(5, type="Bråk")
    last = record(5, type="Misshandel")
    parsed = parse_polisen_reports([first, record(6), last])
    assert [(e.report_id, e.report_type) for e in parsed.reports if e.report_id == 5] == [
        (5, "Misshandel")
    ]
    assert len(parsed.reports) == 2


@pytest.mark.parametrize(
    ("clock", "band"),
    [
        ("05:59:59", "night"),
        ("06:00:00", "day"),
        ("17:59:59", "day"),
        ("18:00:00", "evening"),
        ("21:59:59", "evening"),
        ("22:00:00", "night"),
        ("00:00:00", "night"),
    ],
)
def test_time_band_boundaries(clock: str, band: str) -> None:
    title = f"1 maj {clock[:2]}.{clock[3:5]}, Skadegörelse, Uppsala"
    (report,) = parse_polisen_reports([record(name=title)]).reports
    assert report.time_band == band


@given(st.datetimes(timezones=st.just(STOCKHOLM)))
def test_time_band_is_always_one_of_three(moment: datetime) -> None:
    assert time_band(moment) in {"day", "evening", "night"}


@pytest.mark.parametrize(
    ("stamp", "local"),
    [
        ("2026-03-29 00:30:00 +00:00", "2026-03-29 01:30:00+01:00"),  # before spring DST
        ("2026-03-29 01:30:00 +00:00", "2026-03-29 03:30:00+02:00"),  # after spring DST
        ("2025-10-26 00:30:00 +00:00", "2025-10-26 02:30:00+02:00"),  # first 02:30
        ("2025-10-26 01:30:00 +00:00", "2025-10-26 02:30:00+01:00"),  # second 02:30
        ("2026-01-01 23:30:00 +01:00", "2026-01-01 23:30:00+01:00"),
    ],
)
def test_datetime_is_converted_to_stockholm_across_dst(stamp: str, local: str) -> None:
    # A title without a date: the publication time is used, in Stockholm time.
    (report,) = parse_polisen_reports(
        [record(datetime=stamp, name="Skadegörelse, Uppsala")]
    ).reports
    assert str(report.occurred_at) == local
    assert report.occurred_at.tzinfo is STOCKHOLM


def test_utc_evening_is_local_after_midnight_and_filed_under_the_night_before() -> None:
    untitled = record(datetime="2026-06-30 22:30:00 +00:00", name="Skadegörelse, Uppsala")
    (report,) = parse_polisen_reports([untitled]).reports
    assert str(report.occurred_at) == "2026-07-01 00:30:00+02:00"
    # The night band of 30 June runs 22:00 to 06:00 on 1 July.
    assert str(report.occurred_on) == "2026-06-30"
    assert report.time_band == "night"


@pytest.mark.parametrize(
    ("local", "filed", "band"),
    [
        ("2026-05-01 05:59:00 +02:00", "2026-04-30", "night"),
        ("2026-05-01 06:00:00 +02:00", "2026-05-01", "day"),
        ("2026-04-30 23:10:00 +02:00", "2026-04-30", "night"),
        ("2026-04-30 21:59:00 +02:00", "2026-04-30", "evening"),
    ],
)
def test_each_moment_is_filed_under_its_slot(local: str, filed: str, band: str) -> None:
    (report,) = parse_polisen_reports([record(datetime=local, name="Brand, Uppsala")]).reports
    assert (str(report.occurred_on), report.time_band) == (filed, band)


def test_event_time_comes_from_the_title_not_the_publication() -> None:
    published_later = record(
        datetime="2026-08-22 10:28:50 +02:00", name="22 augusti 07.21, Skadegörelse, Uppsala"
    )
    (report,) = parse_polisen_reports([published_later]).reports
    assert (report.occurred_at.hour, report.occurred_at.minute) == (7, 21)
    assert report.occurred_at.tzinfo is STOCKHOLM


def test_a_december_title_published_in_january_belongs_to_the_year_before() -> None:
    late = record(datetime="2026-01-01 00:40:00 +01:00", name="31 december 23:10, Brand, Uppsala")
    (report,) = parse_polisen_reports([late]).reports
    assert str(report.occurred_on) == "2025-12-31"
    assert report.time_band == "night"


# --- malformed input -------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        "not an object",
        {"datetime": "2026-08-22 10:28:50 +02:00"},
        record(True),
        record(-3),
        record("12"),  # type: ignore[arg-type]
    ],
)
def test_record_without_valid_id_is_skipped_without_id(bad: Any) -> None:
    parsed = parse_polisen_reports([bad, record(9)])
    assert [e.report_id for e in parsed.reports] == [9]
    assert parsed.skipped[0][0] is None


@pytest.mark.parametrize(
    "changes",
    [
        {"datetime": "22 augusti 2026"},
        {"datetime": "2026-08-22 10:28:50"},
        {"datetime": None},
        {"type": None},
        {"location": None},
        {"location": {"gps": "1,2"}},
        {"name": "Skadegörelse"},
        {"name": 3},
    ],
)
def test_malformed_record_is_skipped_with_reason(changes: dict[str, Any]) -> None:
    parsed = parse_polisen_reports([record(4, **changes)])
    assert parsed.reports == ()
    ((event_id, reason),) = parsed.skipped
    assert event_id == 4
    assert reason


@pytest.mark.parametrize("raw", [b"{not json", "{}", b"\xff\xfe", '{"id": 1}'])
def test_input_that_is_not_a_json_array_raises(raw: bytes | str) -> None:
    with pytest.raises(ValueError, match=r"polisen\.se file"):
        parse_polisen_reports(raw)


def test_json_text_and_bytes_parse_alike() -> None:
    text = json.dumps([record(1), old_record(2)])
    assert parse_polisen_reports(text) == parse_polisen_reports(text.encode())


def test_summary_and_url_never_appear_in_output() -> None:
    parsed = parse_polisen_reports([record(1), old_record(2), record(3, type="Trafikolycka")])
    output = repr(parsed)
    assert SECRET not in output
    assert "Storgatan" not in output
    assert "/aktuellt/" not in output


def _field(valid: Any) -> st.SearchStrategy[Any]:
    junk: st.SearchStrategy[Any] = st.sampled_from([None, 0, True, "", ",", " län", [], {}])
    return st.just(valid) | junk | st.text(max_size=12)


def _location_field() -> st.SearchStrategy[Any]:
    names = _field("Uppsala län") | st.sampled_from(["Sigtuna", "Uppsala"])
    return st.fixed_dictionaries({"name": names}) | _field(None)


MESSY_RECORD = st.fixed_dictionaries(
    {
        "id": st.integers(min_value=-2, max_value=5) | _field(1),
        "datetime": _field("2026-01-27 23:10:00 +01:00"),
        "name": _field("27 januari 22.50, Brand, Uppsala"),
        "type": _field("Brand") | st.sampled_from(["Trafikolycka", "Rån"]),
        "location": _location_field(),
    }
)


@given(st.lists(MESSY_RECORD, max_size=8))
def test_messy_records_never_crash_and_are_all_accounted_for(
    records: list[dict[str, Any]],
) -> None:
    parsed = parse_polisen_reports(records)
    unique_ids = {r["id"] for r in records if type(r["id"]) is int and r["id"] > 0}
    without_id = sum(1 for r in records if not (type(r["id"]) is int and r["id"] > 0))
    assert len(parsed.reports) + len(parsed.skipped) == len(unique_ids) + without_id
    assert {e.precision for e in parsed.reports} <= {"kommun", "county"}
