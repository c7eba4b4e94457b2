"""Walk reports (nattvandring): validate the compact form, then store walk and sightings.

A walk records when and where adults walked, how many they were and whether it
felt calm or uneasy; what they saw is stored as ordinary group-level observations
with source ``nattvandring``, so it counts in the map and trend like any report.
Nothing about a person is kept: the only free text is a short note that passes the
PII guard, and no message repeats what was typed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access.scope import kommun_in_scope
from data.ingest.observation_rows import MAX_NOTE, checked_day
from data.ingest.observation_store import AlreadySaved, flush_once, within_assigned
from data.planning.walk_links import Walker, check_link
from data.privacy.pii import find_pii, pii_message
from data.storage.db import bump_version
from data.storage.models import Area, Observation, WalkReport

WALK_SOURCE: Final = "nattvandring"
RATINGS: Final = {"calm": "calm", "lugnt": "calm", "uneasy": "uneasy", "oroligt": "uneasy"}
"""Accepted ratings (codes and the Swedish words) and the code each is stored as."""
MAX_WALKERS: Final = 100
MAX_AREAS: Final = 20
MAX_SEEN: Final = 20
MAX_SEEN_COUNT: Final = 999
MAX_WALK_MINUTES: Final = 12 * 60
FIELDS: Final = ("datum", "omraden", "start", "slut", "vandrare", "stamning", "sett", "anteckning")
"""Fields of the form; errors of the sightings' row ``i`` (from 1) are keyed ``sett-i``."""

_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_TIME = re.compile(r"([0-9]{1,2})[:.]([0-9]{2})")
"""ASCII digits only: a digit class would also match other scripts' digits
(fullwidth ``２０:３０``), which ``int`` reads but the stored ``HH:MM`` would keep."""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_AREA_CODE = re.compile(r"[^\x00-\x1f\x7f]{1,64}")


@dataclass(frozen=True, slots=True)
class Seen:
    """One row of "what was seen": incidents of a category in one of the walked areas."""

    category_code: str
    area_code: str
    count: int


@dataclass(frozen=True, slots=True)
class Walk:
    """A validated walk report, ready to store."""

    walked_on: date
    """The day the walk started."""
    area_codes: tuple[str, ...]
    start_time: str
    """Local time ``HH:MM``."""
    end_time: str
    """Local time ``HH:MM``; earlier than ``start_time`` means the next day."""
    walkers: int
    rating: str
    """``calm`` or ``uneasy``."""
    seen: tuple[Seen, ...]
    note: str | None

    @property
    def minutes(self) -> int:
        """Length of the walk in minutes (crossing midnight counts on into the next day)."""
        return _walk_minutes(self.start_time, self.end_time)

    @property
    def crosses_midnight(self) -> bool:
        """True when the walk ended on the day after ``walked_on``."""
        return _minute_of_day(self.end_time) < _minute_of_day(self.start_time)

    @property
    def time_band(self) -> str:
        """The time-of-day band of the start: evening 18–22, night 22–06, day otherwise."""
        return time_band_of(self.start_time)


def _minute_of_day(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _walk_minutes(start: str, end: str) -> int:
    return (_minute_of_day(end) - _minute_of_day(start)) % (24 * 60)


def time_band_of(hhmm: str) -> str:
    """The band (``day``, ``evening``, ``night``) of a local time ``HH:MM``."""
    minute = _minute_of_day(hhmm)
    if 18 * 60 <= minute < 22 * 60:
        return "evening"
    if minute >= 22 * 60 or minute < 6 * 60:
        return "night"
    return "day"


def _parse_day(text: str, today: date) -> date | str:
    if not text:
        return "datum saknas"
    match = _DATE.fullmatch(text)
    if match is None:
        return "skriv datumet som ÅÅÅÅ-MM-DD"
    return checked_day(int(match[1]), int(match[2]), int(match[3]), today)


def _parse_time(text: str, what: str) -> str | tuple[str]:
    """``HH:MM`` or a one-tuple with the Swedish error (times are strings too)."""
    if not text:
        return (f"{what} saknas",)
    match = _TIME.fullmatch(text)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        return ("skriv tiden som TT:MM, t.ex. 20:00",)
    return f"{int(match[1]):02d}:{match[2]}"


def _parse_int(text: str, low: int, high: int) -> int | None:
    if re.fullmatch(r"[0-9]{1,6}", text) is None:
        return None
    value = int(text)
    return value if low <= value <= high else None


def _parse_areas(areas: Sequence[str]) -> tuple[str, ...] | str:
    codes = tuple(dict.fromkeys(code for code in (a.strip() for a in areas) if code))
    if not codes:
        return "välj minst ett område"
    if len(codes) > MAX_AREAS:
        return f"högst {MAX_AREAS} områden per nattvandring"
    if not all(_AREA_CODE.fullmatch(code) for code in codes):
        return "okänt område"
    return codes


def _parse_note(text: str) -> str | tuple[str] | None:
    """The note (``None`` when empty) or a one-tuple with the Swedish error."""
    if not text:
        return None
    findings = find_pii(text)
    if findings:
        return (pii_message("anteckning", findings),)
    if _CONTROL.search(text):
        return ("anteckningen innehåller otillåtna tecken",)
    if len(text) > MAX_NOTE:
        return (f"högst {MAX_NOTE} tecken",)
    return text


def _parse_seen_row(
    row: Sequence[str], areas: tuple[str, ...], categories: Mapping[str, str]
) -> Seen | str | None:
    """One row of sightings: a :class:`Seen`, ``None`` for an empty row, or the error."""
    if len(row) != 3:
        return "ogiltig rad"
    category_text, area, count_text = (cell.strip() for cell in row)
    if not (category_text or area or count_text):
        return None
    problems = []
    category = categories.get(category_text.lower()) if category_text else None
    if category is None:
        problems.append("okänd kategori" if category_text else "välj kategori")
    if not area and len(areas) == 1:
        area = areas[0]  # one walked area: the sighting was there
    if not area:
        problems.append("välj ett av områdena ni gick i")
    elif area not in areas:
        problems.append("området är inte bland de områden ni gick i")
    count = _parse_int(count_text or "1", 1, MAX_SEEN_COUNT)
    if count is None:
        problems.append(f"antalet måste vara ett heltal 1–{MAX_SEEN_COUNT}")
    if problems or category is None or count is None:
        return "; ".join(problems)
    return Seen(category_code=category, area_code=area, count=count)


def validate_walk(
    *,
    walked_on: str,
    areas: Sequence[str],
    start: str,
    end: str,
    walkers: str,
    rating: str,
    seen: Sequence[Sequence[str]],
    note: str,
    categories: Mapping[str, str],
    today: date,
) -> tuple[Walk | None, dict[str, str]]:
    """Validate a walk report given as text per field.

    ``seen`` holds rows of (category, area, count); empty rows are skipped, an empty
    area means the only walked area, an empty count means 1. ``categories`` maps
    codes and lower-cased labels to codes. Returns (walk, {}) or (None, {field:
    Swedish message}) with the fields of :data:`FIELDS` and ``sett-i`` for row ``i``.
    Refuses dates in the future or before 2000, times not ``HH:MM``, a walk of zero
    or more than 12 hours, 0 or more than 100 walkers, a missing rating, more than
    20 rows or areas, and a note with personal data or over 280 characters. No
    message repeats the value it refuses.
    """
    errors: dict[str, str] = {}
    day = _parse_day(walked_on.strip(), today)
    if isinstance(day, str):
        errors["datum"] = day
    codes = _parse_areas(areas)
    if isinstance(codes, str):
        errors["omraden"] = codes
        codes = ()
    start_time = _parse_time(start.strip(), "starttid")
    end_time = _parse_time(end.strip(), "sluttid")
    if isinstance(start_time, tuple):
        errors["start"] = start_time[0]
    if isinstance(end_time, tuple):
        errors["slut"] = end_time[0]
    if isinstance(start_time, str) and isinstance(end_time, str):
        minutes = _walk_minutes(start_time, end_time)
        if minutes == 0:
            errors["slut"] = "sluttiden måste skilja sig från starttiden"
        elif minutes > MAX_WALK_MINUTES:
            errors["slut"] = (
                f"en nattvandring kan vara högst {MAX_WALK_MINUTES // 60} timmar "
                "(en sluttid före starttiden betyder nästa dag)"
            )
    walker_count = _parse_int(walkers.strip(), 1, MAX_WALKERS)
    if walker_count is None:
        errors["vandrare"] = (
            f"skriv hur många vuxna som gick: ett heltal 1–{MAX_WALKERS}"
            if walkers.strip()
            else "antal vandrare saknas"
        )
    rating_code = RATINGS.get(rating.strip().lower())
    if rating_code is None:
        errors["stamning"] = "välj Lugnt eller Oroligt"
    rows: list[Seen] = []
    if len(seen) > MAX_SEEN:
        errors["sett"] = f"högst {MAX_SEEN} rader"
    else:
        for i, row in enumerate(seen, start=1):
            parsed = _parse_seen_row(row, codes, categories)
            if isinstance(parsed, str):
                errors[f"sett-{i}"] = parsed
            elif parsed is not None:
                rows.append(parsed)
    parsed_note = _parse_note(note.strip())
    if isinstance(parsed_note, tuple):
        errors["anteckning"] = parsed_note[0]
    if (
        errors
        or isinstance(day, str)
        or not isinstance(start_time, str)
        or not isinstance(end_time, str)
        or walker_count is None
        or rating_code is None
        or isinstance(parsed_note, tuple)
    ):
        return None, errors
    return Walk(
        walked_on=day,
        area_codes=codes,
        start_time=start_time,
        end_time=end_time,
        walkers=walker_count,
        rating=rating_code,
        seen=tuple(rows),
        note=parsed_note,
    ), {}


def _walk_areas(
    session: Session,
    codes: Sequence[str],
    kommun_code: str | None,
    area_codes: frozenset[str] | None,
) -> dict[str, Area]:
    """The walked areas by code; refuses areas outside the kommun or the assigned ones."""
    found = {a.code: a for a in session.scalars(select(Area).where(Area.code.in_(list(codes))))}
    for code in codes:
        area = found.get(code)
        if area is None or not kommun_in_scope(kommun_code, area.kommun_code):
            msg = "ett av områdena finns inte i din kommun"
            raise PermissionError(msg)
        if not within_assigned(area, area_codes):
            msg = "ett av områdena ingår inte i dina tilldelade områden"
            raise PermissionError(msg)
    if len({a.kommun_code for a in found.values()}) > 1:
        msg = "alla områden i en nattvandring måste ligga i samma kommun"
        raise PermissionError(msg)
    return found


def store_walk(
    session: Session,
    walk: Walk,
    *,
    user_id: int | None,
    kommun_code: str | None,
    area_codes: frozenset[str] | None = None,
    planned_walk_id: int | None = None,
    key: str | None = None,
    walker: Walker | None = None,
) -> WalkReport:
    """Store a validated walk and one observation per sighting (the caller commits).

    Refuses (``PermissionError``, Swedish message) an area outside the user's kommun
    and, for a police area coordinator (``area_codes`` given), an area outside the
    assigned ones. Sightings are observations with source ``nattvandring`` on the
    walk's start day, in the band of the start time, at area precision (kommun
    precision when the walked area is the whole kommun). ``planned_walk_id`` links
    the report to a walk of the saved schedule: refused
    (:class:`data.planning.walk_links.LinkRefused`) unless
    :func:`data.planning.walk_links.check_link` allows it — the kommun and night, the
    walk's own association or the coordinator, the police user's areas, one report per
    walk, its area walked, a sane number of walkers. A linked report is not paid until a
    coordinator confirms it. ``key`` is the form's one-time key
    (:func:`data.ingest.observation_store.form_key`): a walk already stored with it
    raises :class:`~data.ingest.observation_store.AlreadySaved` and stores nothing.
    ``walker`` (with ``user_id`` None) files the report for an association through its
    link (:mod:`data.planning.association_links`): stored the same way, with no user.
    """
    if key is not None and session.scalar(select(WalkReport.id).where(WalkReport.form_key == key)):
        raise AlreadySaved
    areas = _walk_areas(session, walk.area_codes, kommun_code, area_codes)
    kommun = areas[walk.area_codes[0]].kommun_code
    if planned_walk_id is not None:
        check_link(
            session,
            planned_walk_id,
            user_id=user_id,
            kommun=kommun,
            night=walk.walked_on,
            walked=areas.values(),
            walkers=walk.walkers,
            walker=walker,
        )
    report = WalkReport(
        planned_walk_id=planned_walk_id,
        kommun_code=kommun,
        walked_on=walk.walked_on,
        start_time=walk.start_time,
        end_time=walk.end_time,
        walkers=walk.walkers,
        rating=walk.rating,
        note=walk.note,
        created_by_id=user_id,
        form_key=key,
        areas=[areas[code] for code in walk.area_codes],
    )
    session.add(report)
    flush_once(session)
    for seen in walk.seen:
        area = areas[seen.area_code]
        session.add(
            Observation(
                area_id=area.id,
                occurred_on=walk.walked_on,
                time_band=walk.time_band,
                category_code=seen.category_code,
                source_code=WALK_SOURCE,
                count=seen.count,
                group_size=None,
                age_band=None,
                note=None,
                location_precision="kommun" if area.level == "kommun" else "area",
                is_synthetic=False,
                created_by_id=user_id,
                walk_id=report.id,
            )
        )
    session.flush()
    bump_version(session)
    return report
