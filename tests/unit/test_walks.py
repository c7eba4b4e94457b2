"""Validation of walk reports (nattvandring): every field, PII in the note, midnight."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from data.ingest.walks import MAX_SEEN, Seen, time_band_of, validate_walk

TODAY = date(2026, 5, 2)
CATEGORIES = {
    "vald": "vald",
    "våld/bråk": "vald",
    "samling": "samling",
    "positiv": "positiv",
}


def walk_form(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "walked_on": "2026-05-01",
        "areas": ["0380-D01", "0380-D02"],
        "start": "20:00",
        "end": "23:30",
        "walkers": "4",
        "rating": "calm",
        "seen": [["vald", "0380-D01", "2"], ["", "", ""], ["samling", "0380-D02", ""]],
        "note": "Lugnt vid torget, många ute",
    }
    values.update(changes)
    return values


def validate(**changes: Any) -> tuple[Any, dict[str, str]]:
    return validate_walk(**walk_form(**changes), categories=CATEGORIES, today=TODAY)


def test_a_good_walk_is_accepted_with_its_sightings() -> None:
    walk, errors = validate()
    assert errors == {}
    assert walk is not None
    assert walk.walked_on == date(2026, 5, 1)
    assert walk.area_codes == ("0380-D01", "0380-D02")
    assert (walk.start_time, walk.end_time, walk.walkers, walk.rating) == (
        "20:00",
        "23:30",
        4,
        "calm",
    )
    # The empty row is skipped; an empty count means one incident.
    assert walk.seen == (Seen("vald", "0380-D01", 2), Seen("samling", "0380-D02", 1))
    assert walk.note == "Lugnt vid torget, många ute"
    assert walk.time_band == "evening"
    assert not walk.crosses_midnight


def test_a_walk_with_nothing_seen_is_still_a_walk() -> None:
    walk, errors = validate(seen=[["", "", ""]] * 5, note="", rating="lugnt")
    assert errors == {}
    assert walk is not None
    assert walk.seen == () and walk.note is None and walk.rating == "calm"


def test_a_walk_crossing_midnight_ends_the_next_day() -> None:
    walk, errors = validate(start="20.30", end="01:30", rating="Oroligt")
    assert errors == {}
    assert walk is not None
    assert (walk.start_time, walk.end_time) == ("20:30", "01:30")
    assert walk.crosses_midnight
    assert walk.minutes == 5 * 60
    assert walk.rating == "uneasy"


@pytest.mark.parametrize(
    ("start", "band"),
    [
        ("05:59", "night"),
        ("06:00", "day"),
        ("17:59", "day"),
        ("18:00", "evening"),
        ("21:59", "evening"),
        ("22:00", "night"),
        ("00:00", "night"),
    ],
)
def test_the_time_band_follows_the_start_time(start: str, band: str) -> None:
    assert time_band_of(start) == band


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"walked_on": "2026-05-03"}, "datum", "framtiden"),
        ({"walked_on": "1999-12-31"}, "datum", "före år 2000"),
        ({"walked_on": "2026-02-30"}, "datum", "finns inte"),
        ({"walked_on": "1 maj"}, "datum", "ÅÅÅÅ-MM-DD"),
        ({"walked_on": ""}, "datum", "saknas"),
        ({"areas": [], "seen": []}, "omraden", "minst ett område"),
        ({"areas": ["", " "], "seen": []}, "omraden", "minst ett område"),
        ({"areas": ["\x00"], "seen": []}, "omraden", "okänt område"),
        ({"areas": [f"A{i}" for i in range(21)], "seen": []}, "omraden", "högst 20"),
        ({"start": "25:00"}, "start", "TT:MM"),
        ({"start": "kväll"}, "start", "TT:MM"),
        ({"start": ""}, "start", "saknas"),
        ({"end": "23:61"}, "slut", "TT:MM"),
        ({"end": "20:00"}, "slut", "skilja sig"),
        ({"start": "18:00", "end": "06:30"}, "slut", "högst 12 timmar"),
        ({"walkers": "0"}, "vandrare", "1–100"),
        ({"walkers": "101"}, "vandrare", "1–100"),
        ({"walkers": "-3"}, "vandrare", "1–100"),
        ({"walkers": "2.5"}, "vandrare", "1–100"),
        ({"walkers": ""}, "vandrare", "saknas"),
        ({"rating": ""}, "stamning", "Lugnt eller Oroligt"),
        ({"rating": "okej"}, "stamning", "Lugnt eller Oroligt"),
        ({"note": "x" * 281}, "anteckning", "280"),
        ({"note": "bråk\x00"}, "anteckning", "otillåtna tecken"),
        ({"seen": [["narkotika", "0380-D01", "1"]]}, "sett-1", "okänd kategori"),
        ({"seen": [["", "", ""], ["", "0380-D01", "3"]]}, "sett-2", "välj kategori"),
        ({"seen": [["vald", "0380-D09", "1"]]}, "sett-1", "inte bland de områden"),
        ({"seen": [["vald", "", "1"]]}, "sett-1", "välj ett av områdena"),
        ({"seen": [["vald", "0380-D01", "0"]]}, "sett-1", "heltal 1–999"),
        ({"seen": [["vald", "0380-D01", "tre"]]}, "sett-1", "heltal 1–999"),
        ({"seen": [["vald", "0380-D01"]]}, "sett-1", "ogiltig rad"),
        ({"seen": [["vald", "0380-D01", "1"]] * (MAX_SEEN + 1)}, "sett", "högst 20 rader"),
    ],
)
def test_each_bad_field_is_refused_with_a_swedish_message(
    change: dict[str, Any], field: str, message: str
) -> None:
    walk, errors = validate(**change)
    assert walk is None
    assert message in errors[field]
    assert set(errors) == {field}  # the other fields of the good walk stay valid


def test_one_walked_area_is_where_a_sighting_without_area_was() -> None:
    walk, errors = validate(areas=["0380-D05"], seen=[["Våld/bråk", "", "3"]])
    assert errors == {}
    assert walk is not None
    assert walk.seen == (Seen("vald", "0380-D05", 3),)


@pytest.mark.parametrize(
    ("note", "kind"),
    [
        ("Ring mamman på 070-123 45 67", "telefonnummer"),
        ("Killen med pnr 811218-9876 var där", "personnummer"),
        ("Mejla anna.svensson@example.se", "e-post"),
        ("Samling utanför Storgatan 12", "gatuadress"),
    ],
)
def test_personal_data_in_the_note_is_refused_and_not_echoed(note: str, kind: str) -> None:
    walk, errors = validate(note=note)
    assert walk is None
    assert kind in errors["anteckning"]
    for fragment in ("070-123", "811218", "anna.svensson", "Storgatan 12"):
        assert fragment not in str(errors)


def test_no_message_repeats_what_was_typed() -> None:
    typed = {
        "walked_on": "19811218-9876",
        "areas": ["811218-9876"],
        "start": "070-1234567",
        "end": "anna@example.se",
        "walkers": "811218-9876",
        "rating": "811218-9876",
        "seen": [["811218-9876", "070-1234567", "anna@example.se"]],
        "note": "811218-9876",
    }
    walk, errors = validate(**typed)
    assert walk is None
    # An unknown area code is refused when the walk is stored (see the integration tests).
    assert set(errors) == {
        "datum",
        "start",
        "slut",
        "vandrare",
        "stamning",
        "sett-1",
        "anteckning",
    }
    text = str(errors)
    assert "811218" not in text and "070-1234567" not in text and "anna@" not in text
