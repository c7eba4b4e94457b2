"""A municipality's school calendar and local events: reading files, storing, the CLI."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from dashboard import create_app
from dashboard.state import app_state
from data.calendar.holidays import CalendarEntry
from data.calendar.municipal import (
    MAX_EVENTS_PER_YEAR,
    EventRejected,
    add_local_event,
    delete_local_event,
    delete_school_entry,
    event_key,
    kommun_windows,
    local_events,
    save_school_entries,
    school_entries,
)
from data.calendar.windows import STOCKHOLM
from data.ingest.school_calendar import CalendarRejected, read_school_calendar
from data.storage.db import unit_of_work
from data.storage.models import Area

CSV_2027 = (
    "typ;första dag;sista dag\n"
    "Sportlov;2027-02-22;2027-02-26\n"
    "påsklov;2027-03-29;2027-04-02\n"
    "Skolavslutning;2027-06-11;\n"
    "sommarlov;12/6/2027;15/8/2027\n"
).encode()

ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Test//Skolkalender//SV\r
BEGIN:VEVENT\r
UID:1@test\r
SUMMARY:Sportlov v. 8\r
DTSTART;VALUE=DATE:20270222\r
DTEND;VALUE=DATE:20270227\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:2@test\r
SUMMARY:Skolavslutning\r
DTSTART;TZID=Europe/Stockholm:20270611T090000\r
DTEND;TZID=Europe/Stockholm:20270611T120000\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:3@test\r
SUMMARY:Studiedag\r
DTSTART;VALUE=DATE:20270315\r
END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    app = create_app(
        {
            "SSP_INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cal.sqlite'}",
            "SECRET_KEY": "k" * 32,
        }
    )
    assert app.test_cli_runner().invoke(args=["ssp", "init-db"]).exit_code == 0
    with unit_of_work(app_state(app).sessions) as session:
        session.add(Area(code="0380", name="Uppsala", level="kommun", kommun_code="0380"))
        session.add(Area(code="0380X1", name="Centrum", level="custom", kommun_code="0380"))
        session.add(Area(code="0191X1", name="Märsta", level="custom", kommun_code="0191"))
    return app


def test_a_csv_school_calendar_is_read_with_swedish_names_and_dates() -> None:
    parsed = read_school_calendar(CSV_2027, "skola.csv")
    assert [(e.name, e.start, e.end) for e in parsed.entries] == [
        ("sportlov", date(2027, 2, 22), date(2027, 2, 26)),
        ("påsklov", date(2027, 3, 29), date(2027, 4, 2)),
        ("skolavslutning", date(2027, 6, 11), date(2027, 6, 11)),
        ("sommarlov", date(2027, 6, 12), date(2027, 8, 15)),
    ]


def test_the_english_column_names_the_english_help_text_gives_are_read() -> None:
    """Kalender in English names the columns kind, first_day, last_day (issue 15)."""
    parsed = read_school_calendar(
        b"kind,first_day,last_day\nsportlov,2027-02-22,2027-02-26\n", "x.csv"
    )
    assert [(e.name, e.start, e.end) for e in parsed.entries] == [
        ("sportlov", date(2027, 2, 22), date(2027, 2, 26))
    ]


def test_an_icalendar_school_calendar_uses_exclusive_all_day_ends_and_skips_others() -> None:
    parsed = read_school_calendar(ICS, "skola.ics")
    assert [(e.name, e.start, e.end) for e in parsed.entries] == [
        ("sportlov", date(2027, 2, 22), date(2027, 2, 26)),
        ("skolavslutning", date(2027, 6, 11), date(2027, 6, 11)),
    ]
    assert parsed.skipped == ("Händelse 3 (Studiedag)",)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"typ;start\nlov;2027-02-22\n", "Rad 2: typ: okänd"),
        (b"typ;start;slut\nsportlov;2027-02-30;\n", "Rad 2: första dag: datumet finns inte"),
        (b"typ;start;slut\nsportlov;2027-02-26;2027-02-22\n", "Rad 2: sista dagen ligger före"),
        (b"typ;start;slut\nsommarlov;2027-06-01;2027-12-01\n", "Rad 2: längre än 100 dagar"),
        (b"typ;start;slut\nskolavslutning;2027-06-10;2027-06-11\n", "Rad 2: skolavslutning är"),
        ("typ;start;slut\nsportlov;igår;\n".encode(), "Rad 2: första dag: okänt datumformat"),
        (b"namn;datum\nx;y\n", "Kolumnerna typ och första dag behövs"),
        (
            b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:Jullov\nEND:VEVENT\nEND:VCALENDAR\n",
            "startdatum saknas",
        ),
        (b"BEGIN:VCALENDAR\nnot ical", "kunde inte läsas som iCalendar"),
        (b"", "tom"),
    ],
)
def test_bad_school_calendars_are_refused_with_the_line_and_reason(
    body: bytes, expected: str
) -> None:
    with pytest.raises(CalendarRejected) as rejected:
        read_school_calendar(body, "fil.csv")
    assert any(expected in message for message in rejected.value.errors), rejected.value.errors


def test_one_bad_row_rejects_the_whole_file() -> None:
    with pytest.raises(CalendarRejected) as rejected:
        read_school_calendar(CSV_2027 + b"jullov;2027-13-01;\n", "skola.csv")
    assert rejected.value.errors == ["Rad 6: första dag: datumet finns inte"]


def test_school_entries_are_stored_per_kommun_and_replaced_by_kind_and_first_day(
    app: Flask,
) -> None:
    sessions = app_state(app).sessions
    entries = read_school_calendar(CSV_2027, "skola.csv").entries
    with unit_of_work(sessions) as session:
        assert save_school_entries(session, "0380", entries) == (4, 0)
    longer = CalendarEntry(date(2027, 2, 22), date(2027, 2, 28), "sportlov", "school")
    with unit_of_work(sessions) as session:
        assert save_school_entries(session, "0380", [*entries, longer]) == (0, 1)
    with sessions() as session:
        stored = school_entries(session, "0380")
        assert len(stored) == 4 and stored[0].end == date(2027, 2, 28)
        assert school_entries(session, "0191") == []
        windows = {w.key for w in kommun_windows(session, "0380", 2027)}
        assert {"sportlov", "påsklov", "skolavslutning", "sommarlov", "valborg"} <= windows
    with unit_of_work(sessions) as session:
        assert delete_school_entry(session, "0380", "sportlov", date(2027, 2, 22))
        assert not delete_school_entry(session, "0380", "sportlov", date(2027, 2, 22))


def test_local_events_keep_their_local_times_areas_and_key_across_years(app: Flask) -> None:
    sessions = app_state(app).sessions
    with unit_of_work(sessions) as session:
        for year in (2026, 2027):
            add_local_event(
                session,
                "0380",
                name="Stadsfesten ",
                kind="festival",
                starts_at=datetime(year, 8, 14, 18, tzinfo=STOCKHOLM),
                ends_at=datetime(year, 8, 15, 2, tzinfo=STOCKHOLM),
                area_codes=["0380X1"],
            )
    with sessions() as session:
        rows = local_events(session, "0380")
        assert [r.window.start for r in rows] == [
            datetime(2026, 8, 14, 18, tzinfo=STOCKHOLM),
            datetime(2027, 8, 14, 18, tzinfo=STOCKHOLM),
        ]
        assert {r.window.key for r in rows} == {event_key("Stadsfesten")}
        assert rows[0].window.areas == ("0380X1",) and rows[0].window.name == "Stadsfesten"
        assert local_events(session, "0191") == []
    with unit_of_work(sessions) as session:
        assert not delete_local_event(session, "0191", rows[0].id)  # another kommun's
        assert delete_local_event(session, "0380", rows[0].id)
    with sessions() as session:
        assert len(local_events(session, "0380")) == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "namn"),
        ({"name": "Fest hos 19900101-1239"}, "namn"),
        ({"kind": "fest"}, "typ"),
        ({"ends_at": datetime(2026, 8, 14, 17, tzinfo=STOCKHOLM)}, "tid"),
        ({"ends_at": datetime(2026, 9, 14, 17, tzinfo=STOCKHOLM)}, "tid"),
        ({"area_codes": ["0191X1"]}, "områden"),
        ({"area_codes": ["okänt"]}, "områden"),
    ],
)
def test_bad_local_events_are_refused_per_field(
    app: Flask, fields: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {
        "name": "Match",
        "kind": "match",
        "starts_at": datetime(2026, 8, 14, 18, tzinfo=STOCKHOLM),
        "ends_at": datetime(2026, 8, 14, 22, tzinfo=STOCKHOLM),
        "area_codes": [],
    } | fields
    with unit_of_work(app_state(app).sessions) as session, pytest.raises(EventRejected) as bad:
        add_local_event(session, "0380", **values)  # type: ignore[arg-type]
    assert field in bad.value.errors
    assert "19900101" not in str(bad.value)


def test_the_calendar_command_prints_every_kind_as_csv(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    file = tmp_path / "skola.ics"
    file.write_bytes(ICS)
    imported = runner.invoke(args=["ssp", "import-school-calendar", str(file), "--kommun", "0380"])
    assert imported.exit_code == 0, imported.output
    assert "added=2 updated=0 skipped=1" in imported.output
    with unit_of_work(app_state(app).sessions) as session:
        add_local_event(
            session,
            "0380",
            name="Derby",
            kind="match",
            starts_at=datetime(2027, 9, 4, 15, tzinfo=STOCKHOLM),
            ends_at=datetime(2027, 9, 4, 20, tzinfo=STOCKHOLM),
        )
    result = runner.invoke(args=["ssp", "calendar", "--kommun", "0380", "--year", "2027"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == ["date_start", "date_end", "name", "kind"]
    kinds = {row["kind"] for row in rows}
    assert kinds == {"public", "optional", "de_facto", "school", "local", "event_window"}
    wanted = [
        ("2027-04-30", "2027-04-30", "Valborgsmässoafton (från kl. 14.00)", "optional"),
        ("2027-06-25", "2027-06-25", "Midsommarafton", "de_facto"),
        ("2027-12-24", "2027-12-24", "Julafton", "de_facto"),
        ("2027-06-11", "2027-06-11", "skolavslutning", "school"),
        ("2027-02-22", "2027-02-26", "sportlov", "school"),
        ("2027-04-30", "2027-04-30", "Valborg", "event_window"),
        ("2027-09-04", "2027-09-04", "Derby", "local"),
    ]
    found = {(r["date_start"], r["date_end"], r["name"], r["kind"]) for r in rows}
    assert set(wanted) <= found


@pytest.mark.parametrize(
    "args",
    [
        ["ssp", "calendar", "--kommun", "uppsala", "--year", "2027"],
        ["ssp", "calendar", "--kommun", "0380", "--year", "1999"],
    ],
)
def test_the_calendar_command_refuses_bad_arguments(app: Flask, args: list[str]) -> None:
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code != 0
    assert "Traceback" not in result.output


def test_a_bad_school_file_imports_nothing(app: Flask, tmp_path: Path) -> None:
    file = tmp_path / "skola.csv"
    file.write_bytes(CSV_2027 + b"jullov;2027-13-01;\n")
    result = app.test_cli_runner().invoke(
        args=["ssp", "import-school-calendar", str(file), "--kommun", "0380"]
    )
    assert result.exit_code == 1
    assert "Rad 6" in result.output and "Ingenting importerades" in result.output
    with app_state(app).sessions() as session:
        assert school_entries(session, "0380") == []
        assert session.scalars(select(Area)).first() is not None


def test_a_kommun_may_have_at_most_60_local_events_a_year(app: Flask) -> None:
    """200 local events made one Tid & händelser render take 8 s: one kommun may enter
    60 per (Swedish) year; the 61st is refused in Swedish, other years and kommuner
    are not affected, and removing one makes room again."""
    sessions = app_state(app).sessions

    def add(kommun: str, start: datetime, name: str = "Match") -> int:
        with unit_of_work(sessions) as session:
            return add_local_event(
                session,
                kommun,
                name=name,
                kind="match",
                starts_at=start,
                ends_at=start + timedelta(hours=3),
            )

    # 00:30 on New Year's Day in Sweden is still the old year in UTC: it counts for 2031.
    first = add("0380", datetime(2031, 1, 1, 0, 30, tzinfo=STOCKHOLM), "Nyårsdans")
    for i in range(1, MAX_EVENTS_PER_YEAR):
        add("0380", datetime(2031, 1, 2, 18, tzinfo=STOCKHOLM) + timedelta(days=5 * i))
    assert MAX_EVENTS_PER_YEAR == 60
    with pytest.raises(EventRejected) as full:
        add("0380", datetime(2031, 12, 31, 23, 30, tzinfo=STOCKHOLM))
    assert full.value.errors == {
        "antal": "Kommunen har redan 60 egna evenemang 2031, det högsta antalet. "
        "Ta bort ett som inte behövs innan du lägger till ett nytt."
    }
    add("0380", datetime(2032, 1, 1, 0, 30, tzinfo=STOCKHOLM))  # the next year
    add("0191", datetime(2031, 6, 1, 18, tzinfo=STOCKHOLM))  # another kommun
    with unit_of_work(sessions) as session:
        assert delete_local_event(session, "0380", first)
    add("0380", datetime(2031, 12, 31, 23, 30, tzinfo=STOCKHOLM))
