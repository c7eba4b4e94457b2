"""Calendar entries against the holidays package, event windows and their slots
across midnight and the clock changes (Europe/Stockholm)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import holidays
import pytest

from data.calendar.holidays import CalendarEntry, holiday_entries
from data.calendar.windows import (
    STOCKHOLM,
    EventWindow,
    calendar_entries,
    event_windows,
    local,
    payday_weekend,
    slot,
    window_rules,
)

YEARS = (2024, 2025, 2026, 2027)
SCHOOL_2026 = (
    CalendarEntry(date(2026, 2, 23), date(2026, 2, 27), "sportlov", "school"),
    CalendarEntry(date(2026, 6, 12), date(2026, 6, 12), "skolavslutning", "school"),
)


def package_date(year: int, category: str, prefix: str) -> date:
    """The date the holidays package itself gives a named day (the oracle)."""
    calendar = holidays.country_holidays("SE", years=year, categories=(category,), language="sv")
    found = [day for day, name in calendar.items() if name.startswith(prefix)]
    assert len(found) == 1, (year, prefix, found)
    return found[0]


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize(
    ("prefix", "kind", "expected"),
    [
        ("Valborgsmässoafton", "optional", {y: date(y, 4, 30) for y in YEARS}),
        (
            "Midsommarafton",
            "de_facto",
            {
                2024: date(2024, 6, 21),
                2025: date(2025, 6, 20),
                2026: date(2026, 6, 19),
                2027: date(2027, 6, 25),
            },
        ),
        (
            "Påskafton",
            "optional",
            {
                2024: date(2024, 3, 30),
                2025: date(2025, 4, 19),
                2026: date(2026, 4, 4),
                2027: date(2027, 3, 27),
            },
        ),
        ("Julafton", "de_facto", {y: date(y, 12, 24) for y in YEARS}),
        ("Nyårsafton", "de_facto", {y: date(y, 12, 31) for y in YEARS}),
        ("Första maj", "public", {y: date(y, 5, 1) for y in YEARS}),
    ],
)
def test_holiday_eves_are_in_the_calendar_with_the_packages_dates(
    year: int, prefix: str, kind: str, expected: dict[int, date]
) -> None:
    rows = calendar_entries(year)
    found = [r for r in rows if r.name.startswith(prefix) and r.kind == kind]
    assert [(r.start, r.end) for r in found] == [(expected[year], expected[year])]
    assert found[0].start == package_date(year, kind, prefix)


def test_plain_sundays_are_left_out_and_every_kind_is_known() -> None:
    rows = holiday_entries(YEARS)
    assert not [r for r in rows if r.name == "Söndag"]
    assert {r.kind for r in rows} == {"public", "optional", "de_facto"}


@pytest.mark.parametrize("year", YEARS)
def test_skolavslutning_comes_from_the_school_calendar(year: int) -> None:
    day = date(year, 6, 10)
    school = [CalendarEntry(day, day, "skolavslutning", "school")]
    rows = calendar_entries(year, school=school)
    assert CalendarEntry(day, day, "skolavslutning", "school") in rows
    windows = [w for w in event_windows(year, school=school) if w.key == "skolavslutning"]
    assert len(windows) == 1
    assert windows[0].start == local(day, 12)
    assert windows[0].covers(day, "evening") and windows[0].covers(day, "night")
    assert windows[0].covers(day, "day")  # 12–18 is exactly half of 06–18: counted
    assert not windows[0].covers(day + timedelta(days=1), "day")
    assert all(row.kind != "school" for row in calendar_entries(year))


def test_valborg_window_takes_the_evening_and_the_night_after_it() -> None:
    (valborg,) = [w for w in event_windows(2026) if w.key == "valborg"]
    assert valborg.start == datetime(2026, 4, 30, 18, tzinfo=STOCKHOLM)
    assert valborg.end == datetime(2026, 5, 1, 6, tzinfo=STOCKHOLM)
    assert valborg.slots() == [(date(2026, 4, 30), "evening"), (date(2026, 4, 30), "night")]
    assert not valborg.covers(date(2026, 5, 1), "night")
    assert not valborg.covers(date(2026, 4, 29), "night")
    assert not valborg.covers(date(2026, 4, 30), None)  # 6 of 24 hours


def test_the_night_of_the_spring_change_is_seven_hours_and_autumn_nine() -> None:
    spring = slot(date(2026, 3, 28), "night")  # clocks go 02→03 on Sunday 29 March
    autumn = slot(date(2026, 10, 24), "night")  # clocks go 03→02 on Sunday 25 October
    assert EventWindow("x", "x", *spring).hours == 7
    assert EventWindow("x", "x", *autumn).hours == 9
    assert EventWindow("x", "x", *slot(date(2026, 5, 2), "night")).hours == 8


def test_half_of_a_night_is_counted_in_real_hours_across_the_clock_changes() -> None:
    # Spring: the night slot is 7 real hours; 22:00–01:40 is 3 h 40 min, more than half
    # (wall-clock arithmetic would say 3 h 40 of 8 h: less than half).
    spring = EventWindow(
        "x", "x", local(date(2026, 3, 28), 22), datetime(2026, 3, 29, 1, 40, tzinfo=STOCKHOLM)
    )
    assert spring.covers(date(2026, 3, 28), "night")
    # Autumn: 9 real hours; 22:00–02:10 (summer time, before the change) is 4 h 10,
    # less than half (wall-clock arithmetic would say more than half of 8 h). The
    # window starts at 20:00 so that it holds half of the evening: a window holding
    # half of no slot at all is short and covers every slot it overlaps.
    autumn = EventWindow(
        "x", "x", local(date(2026, 10, 24), 20), datetime(2026, 10, 25, 2, 10, tzinfo=STOCKHOLM)
    )
    assert not autumn.short
    assert not autumn.covers(date(2026, 10, 24), "night")
    # … and 02:10 the second time (winter time, fold=1) is an hour later: 5 h 10.
    later = EventWindow(
        "x",
        "x",
        local(date(2026, 10, 24), 22),
        datetime(2026, 10, 25, 2, 10, fold=1, tzinfo=STOCKHOLM),
    )
    assert later.covers(date(2026, 10, 24), "night")


def test_payday_weekend_follows_the_25th_or_the_friday_before() -> None:
    january = payday_weekend(2026, 1)  # 25 January 2026 is a Sunday: paid Friday 23rd
    assert january.start == local(date(2026, 1, 23), 18)
    assert january.end == local(date(2026, 1, 26))
    august = payday_weekend(2026, 8)  # Tuesday 25 August: the weekend after, Friday 28th
    assert august.start == local(date(2026, 8, 28), 18)
    assert len([w for w in event_windows(2026) if w.key == "lonehelg"]) == 12


def test_windows_refuse_naive_or_reversed_times() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        EventWindow("x", "x", datetime(2026, 1, 1), datetime(2026, 1, 2))
    with pytest.raises(ValueError, match="ends before"):
        EventWindow("x", "x", local(date(2026, 1, 2)), local(date(2026, 1, 1)))
    with pytest.raises(ValueError, match="time band"):
        slot(date(2026, 1, 1), "morning")


def test_calendar_rows_hold_school_local_and_window_kinds() -> None:
    festival = EventWindow(
        "stadsfest",
        "Stadsfest",
        local(date(2026, 8, 14), 12),
        local(date(2026, 8, 16), 2),
        "local",
        ("0380C1",),
    )
    rows = calendar_entries(2026, school=SCHOOL_2026, local_events=[festival])
    kinds = {r.kind for r in rows}
    assert kinds == {"public", "optional", "de_facto", "school", "local", "event_window"}
    assert CalendarEntry(date(2026, 8, 14), date(2026, 8, 15), "Stadsfest", "local") in rows
    assert rows == sorted(rows, key=lambda r: (r.start, r.end))


def test_window_hours_are_configurable() -> None:
    rules = window_rules("valborg=20-04, midsommar=14-2")
    windows = {w.key: w for w in event_windows(2026, rules=rules)}
    assert windows["valborg"].start == local(date(2026, 4, 30), 20)
    assert windows["valborg"].end == local(date(2026, 5, 1), 4)
    assert windows["midsommar"].end == local(date(2026, 6, 20), 2)
    assert windows["nyar"].start == local(date(2026, 12, 31), 18)  # unchanged
    afternoon = {w.key: w for w in event_windows(2026, rules=window_rules("nyar=12-17"))}
    assert afternoon["nyar"].end == local(date(2026, 12, 31), 17)  # same day


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("jul=18-06", "unknown event 'jul'"),
        ("valborg=kväll", "write hours as valborg=18-06"),
        ("valborg=18-25", "hours are 0–23"),
    ],
)
def test_bad_window_settings_are_refused_clearly(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        window_rules(spec)


def test_a_one_hour_event_stands_for_the_band_and_the_day_it_lies_in() -> None:
    match = EventWindow(
        "m", "Match", local(date(2026, 6, 5), 12), local(date(2026, 6, 5), 13), "local"
    )
    assert match.short
    assert match.slots() == [(date(2026, 6, 5), "day"), (date(2026, 6, 5), None)]
    assert match.days == (date(2026, 6, 5), date(2026, 6, 5))
    assert not match.covers(date(2026, 6, 5), "evening")
    rows = calendar_entries(2026, local_events=[match])
    assert [(r.start, r.end) for r in rows if r.name == "Match"] == [
        (date(2026, 6, 5), date(2026, 6, 5))
    ]


def test_a_one_minute_event_across_a_band_edge_stands_for_both_bands() -> None:
    edge = EventWindow("x", "x", local(date(2026, 6, 5), 17, 59), local(date(2026, 6, 5), 18))
    assert edge.slots() == [(date(2026, 6, 5), "day"), (date(2026, 6, 5), None)]
    after = EventWindow("x", "x", local(date(2026, 6, 5), 21, 30), local(date(2026, 6, 5), 22, 30))
    assert after.slots() == [
        (date(2026, 6, 5), "evening"),
        (date(2026, 6, 5), "night"),
        (date(2026, 6, 5), None),
    ]
    # A minute after midnight belongs to the night that began the day before.
    late = EventWindow("x", "x", local(date(2026, 6, 6), 0, 30), local(date(2026, 6, 6), 0, 31))
    assert late.slots() == [(date(2026, 6, 5), "night"), (date(2026, 6, 6), None)]
    assert late.days == (date(2026, 6, 5), date(2026, 6, 6))


def test_windows_long_enough_for_half_a_band_keep_the_half_rule() -> None:
    evening = EventWindow("x", "x", local(date(2026, 6, 5), 18), local(date(2026, 6, 5), 20))
    assert not evening.short
    assert evening.slots() == [(date(2026, 6, 5), "evening")]
    # Four hours of a day band are not half of it, but two of the evening are.
    across = EventWindow("x", "x", local(date(2026, 6, 5), 16), local(date(2026, 6, 5), 20))
    assert across.slots() == [(date(2026, 6, 5), "evening")]


@pytest.mark.parametrize(
    ("start", "slots"),
    [
        # Spring: 02:00–03:00 does not exist; 01:30 CET to 03:30 CEST is one real hour.
        (
            datetime(2026, 3, 29, 1, 30, tzinfo=STOCKHOLM),
            [(date(2026, 3, 28), "night"), (date(2026, 3, 29), None)],
        ),
        # Autumn: 02:30 twice; the first (summer time) and an hour on.
        (
            datetime(2026, 10, 25, 2, 30, tzinfo=STOCKHOLM),
            [(date(2026, 10, 24), "night"), (date(2026, 10, 25), None)],
        ),
    ],
)
def test_one_hour_windows_in_the_clock_change_nights(
    start: datetime, slots: list[tuple[date, str | None]]
) -> None:
    end = (start.astimezone(UTC) + timedelta(hours=1)).astimezone(STOCKHOLM)
    window = EventWindow("x", "x", start, end)
    assert window.hours == pytest.approx(1)
    assert window.slots() == slots
    assert window.days == (slots[0][0], slots[-1][0])


def test_a_fourteen_day_window_over_the_spring_change_covers_every_day() -> None:
    start = local(date(2026, 3, 20), 12)
    window = EventWindow("x", "x", start, start + timedelta(days=14))
    assert not window.short
    first, last = window.days
    assert (first, last) == (date(2026, 3, 20), date(2026, 4, 3))  # 06–12 is half a day
    assert {d for d, _ in window.slots()} == {
        first + timedelta(days=n) for n in range((last - first).days + 1)
    }
