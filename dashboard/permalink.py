"""Permalinks: a page's view state to and from its URL query string.

Pure functions (no Dash, no request): every page that shares its view builds a query
string with :func:`encode` and reads one back with a ``decode_*`` function that takes
the viewer's scope and checks each value with the data layer's own rules
(:mod:`data.access.scope`) — the URL is never trusted. A value outside the viewer's
scope (another kommun, a level or area they may not see) is replaced by their own
default and reported (``Decoded.refused``), a period finer than their time grain is
widened (``Decoded.widened``), and anything unknown or malformed is dropped
(``Decoded.unreadable``). Nothing read from a URL is shown unless it passed a check.

The encoding is canonical (fixed key order, one spelling per value), so
``encode(decode(encode(state)))`` is ``encode(state)`` for every state in scope
(``tests/integration/test_permalink.py``).

Reuse on a new page: list its keys in order, give :func:`encode` a mapping of them,
read the query with :func:`query_values`, and narrow kommun, level and area with
:func:`narrow_place` and a period with :func:`narrow_weeks`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, Final, Generic, TypeVar
from urllib.parse import urlencode

from data.access.scope import (
    BadSelection,
    Selection,
    Viewer,
    areas_in_scope,
    available_levels,
    default_level,
    snap_to_grain,
    visible_kommuner,
    whole_weeks,
)
from data.counts.cube import CountCube, history_start, monday_of
from data.vocabulary import AGE_BANDS

MAX_VALUE: Final = 200
"""Longer query values are not read at all."""
MAX_CODES: Final = 100
CODE: Final = re.compile(r"[0-9A-Za-z_-]{1,64}")
"""A kommun, level, area, category or source code as a URL may carry it."""
QUICK_CHOICES: Final = ("4w", "12w", "tertial", "prev_tertial", "term", "ytd", "last_year", "52w")
"""Översikt's quick periods that a link names (``dashboard.periods.QUICK_PERIODS``
without "custom", which a link spells as its dates)."""
CUSTOM: Final = "custom"
MEASURES: Final = ("count", "rate")

StateValue = str | Sequence[str] | None
_S = TypeVar("_S")


def encode(state: Mapping[str, StateValue], order: Sequence[str]) -> str:
    """``"?k=v&…"`` with the keys in ``order``; empty values are left out, lists are
    joined with commas (codes hold none). ``""`` when nothing is left."""
    pairs: list[tuple[str, str]] = []
    for key in order:
        value = state.get(key)
        if value is None:
            continue
        text = value if isinstance(value, str) else ",".join(value)
        if text:
            pairs.append((key, text))
    return "?" + urlencode(pairs) if pairs else ""


def query_values(query: Mapping[str, Any], keys: Iterable[str]) -> tuple[dict[str, str], bool]:
    """The known ``keys`` of a parsed query (Dash Pages gives a text per key, or a list
    when a key repeats) as text, and whether anything was dropped: unknown keys,
    repeated keys, over-long or non-text values."""
    wanted = set(keys)
    values: dict[str, str] = {}
    dropped = False
    for key, value in query.items():
        if key not in wanted or not isinstance(value, str) or len(value) > MAX_VALUE:
            dropped = True
            continue
        values[key] = value
    return values, dropped


def codes_in(text: str | None, allowed: Iterable[str]) -> tuple[tuple[str, ...], bool]:
    """Comma-separated codes that are in ``allowed``, in the given order without
    repeats, and whether any were dropped."""
    if not text:
        return (), False
    known = set(allowed)
    kept: list[str] = []
    parts = text.split(",")
    for part in parts[:MAX_CODES]:
        if part in known and part not in kept:
            kept.append(part)
    return tuple(kept), len(kept) != len(parts)


def iso_day(text: str | None) -> date | None:
    """An ISO date (``YYYY-MM-DD``, a time part ignored), or None."""
    if not text or not re.fullmatch(r"\d{4}-\d{2}-\d{2}(T[0-9:.]*)?", text):
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Decoded(Generic[_S]):
    """A page state read from a URL, and what reading it changed."""

    state: _S
    refused: bool = False
    """Something outside the viewer's scope was replaced by their own default."""
    widened: bool = False
    """The period was widened to the viewer's time grain."""
    unreadable: bool = False
    """Unknown or malformed values were dropped."""


@dataclass(frozen=True, slots=True)
class ViewScope:
    """What a viewer may choose on a filter page: the checks :func:`decode_overview`
    and friends run each URL value through."""

    viewer: Viewer
    cube: CountCube
    today: date
    categories: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    event_known: Callable[[str, str], bool] = field(default=lambda _kommun, _value: False)
    """``event_known(kommun, value)``: the value names one of the kommun's event windows."""


@dataclass(frozen=True, slots=True)
class Place:
    """Kommun, area level and (optionally) one area, all within the viewer's scope."""

    kommun: str
    level: str
    area: str | None = None


def narrow_place(
    kommun: str | None, level: str | None, area: str | None, scope: ViewScope, first_kommun: str
) -> tuple[Place, bool]:
    """The kommun, level and area a URL asks for, each replaced by the viewer's default
    when the data layer's scope check refuses it (``True`` then). ``first_kommun`` is
    the kommun the page opens with; a missing value is not a refusal."""
    viewer, cube = scope.viewer, scope.cube
    refused = False
    allowed = {code for code, _name in visible_kommuner(cube, viewer)}
    if kommun is None or kommun not in allowed:
        refused = kommun is not None
        kommun = first_kommun
    levels = available_levels(cube, kommun, viewer)
    if level is None or level not in levels:
        refused = refused or level is not None
        level = default_level(levels) if levels else "kommun"
    if area is not None and not _area_in_scope(area, Place(kommun, level), scope):
        refused, area = True, None
    return Place(kommun, level, area), refused


def _area_in_scope(area: str, place: Place, scope: ViewScope) -> bool:
    areas = scope.cube.areas
    if area not in areas.codes:
        return False
    i = areas.position(area)
    if areas.levels[i] != place.level:
        return False
    monday = monday_of(scope.today)
    selection = Selection(place.kommun, place.level, monday, monday)
    return bool(areas_in_scope(scope.cube, selection, scope.viewer)[i])


def narrow_weeks(first: date, last: date, viewer: Viewer, today: date) -> tuple[date, date]:
    """(Monday, Sunday) of the whole weeks a period shows: within the cube's history
    and up to today's week, widened to whole months for a viewer whose grain is the
    month (:func:`data.access.scope.snap_to_grain`). Idempotent: a period it returns
    comes back unchanged."""
    return _weeks(first, last, viewer, today)


def _weeks(first: date, last: date, viewer: Viewer | None, today: date) -> tuple[date, date]:
    earliest, this_monday = monday_of(history_start(today)), monday_of(today)
    first, last = sorted((min(max(first, earliest), today), min(max(last, earliest), today)))
    first_monday, last_monday = whole_weeks(first, last)
    selection = Selection("0000", "kommun", first_monday, last_monday)
    if viewer is not None:
        selection = snap_to_grain(selection, viewer.level, until=this_monday)
    first_monday = max(selection.first_monday, earliest)
    last_monday = min(selection.last_monday, this_monday)
    return first_monday, last_monday + timedelta(days=6)


# Översikt ---------------------------------------------------------------------------

OVERVIEW_KEYS: Final = (
    "kommun",
    "niva",
    "visa",
    "period",
    "fran",
    "till",
    "handelse",
    "kategorier",
    "kallor",
    "alder",
    "omrade",
)


@dataclass(frozen=True, slots=True)
class OverviewState:
    """What Översikt shows: place, measure, period (a quick pick, an event window or
    whole weeks of one's own), categories, sources, age bands, the focused area."""

    kommun: str
    level: str
    measure: str = "count"
    quick: str | None = "4w"
    """A quick pick (not "custom"), or None: the period is ``event`` or the dates."""
    first: date | None = None
    """Monday of a period of one's own (with ``quick`` None and no event)."""
    last: date | None = None
    """Sunday of a period of one's own."""
    event: str | None = None
    categories: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    focus: str | None = None
    ages: tuple[str, ...] = ()
    """Age bands (``AGE_BANDS``); empty: every age."""


def overview_query(state: OverviewState) -> str:
    """The canonical query string of an Översikt state."""
    custom = state.event is None and state.quick is None
    values: dict[str, StateValue] = {
        "kommun": state.kommun,
        "niva": state.level,
        "visa": state.measure,
        "period": state.quick if state.event is None and state.quick else None,
        "handelse": state.event,
        "kategorier": state.categories,
        "kallor": state.sources,
        "alder": state.ages,
        "omrade": state.focus,
    }
    if custom and state.first is not None and state.last is not None:
        values |= {
            "period": CUSTOM,
            "fran": state.first.isoformat(),
            "till": state.last.isoformat(),
        }
    return encode(values, OVERVIEW_KEYS)


def decode_overview(
    query: Mapping[str, Any], scope: ViewScope, first_kommun: str
) -> Decoded[OverviewState]:
    """The Översikt state a URL asks for, narrowed to what ``scope`` allows."""
    values, unreadable = query_values(query, OVERVIEW_KEYS)
    place, refused = narrow_place(
        values.get("kommun"), values.get("niva"), values.get("omrade"), scope, first_kommun
    )
    state = OverviewState(place.kommun, place.level, focus=place.area)
    measure = values.get("visa")
    if measure in MEASURES:
        state = replace(state, measure=measure)
    categories, bad_categories = codes_in(values.get("kategorier"), scope.categories)
    sources, bad_sources = codes_in(values.get("kallor"), scope.sources)
    ages, bad_ages = codes_in(values.get("alder"), AGE_BANDS)
    ages = tuple(a for a in AGE_BANDS if a in ages)  # canonical: the vocabulary's order
    state = replace(state, categories=categories, sources=sources, ages=ages)
    unreadable = unreadable or bad_categories or bad_sources or bad_ages
    unreadable = unreadable or measure not in (None, *MEASURES)
    state, period_unreadable, widened = _overview_period(state, values, scope)
    return Decoded(state, refused, widened, unreadable or period_unreadable)


def _overview_period(
    state: OverviewState, values: Mapping[str, str], scope: ViewScope
) -> tuple[OverviewState, bool, bool]:
    """(state with its period, something unreadable, period widened)."""
    event, quick = values.get("handelse"), values.get("period")
    if event is not None:
        if scope.event_known(state.kommun, event):
            return replace(state, quick=None, event=event), False, False
        return state, True, False  # an unknown event: the default period
    if quick in QUICK_CHOICES:
        return replace(state, quick=quick), False, False
    if quick != CUSTOM:
        return state, quick is not None, False
    first, last = iso_day(values.get("fran")), iso_day(values.get("till"))
    if first is None or last is None:
        return state, True, False
    shown = narrow_weeks(first, last, scope.viewer, scope.today)
    widened = shown != _weeks(first, last, None, scope.today)
    return replace(state, quick=None, first=shown[0], last=shown[1]), False, widened


def overview_state(values: Mapping[str, Any], viewer: Viewer, today: date) -> OverviewState | None:
    """The state the page's components hold (as the browser sends them), for its
    link; None when they are not (yet) a state, e.g. before the kommun is known.
    Codes are kept only when well formed; the dates as whole weeks in the viewer's grain."""
    kommun, level = values.get("kommun"), values.get("level")
    if not _code(kommun) or not _code(level):
        return None
    quick, event = values.get("quick"), values.get("event")
    state = OverviewState(
        str(kommun),
        str(level),
        measure=str(values["measure"]) if values.get("measure") in MEASURES else "count",
        quick=quick if quick in QUICK_CHOICES else None,
        event=event if isinstance(event, str) and 0 < len(event) <= MAX_VALUE else None,
        categories=_codes(values.get("categories")),
        sources=_codes(values.get("sources")),
        focus=str(values["focus"]) if _code(values.get("focus")) else None,
        ages=tuple(a for a in AGE_BANDS if a in _codes(values.get("ages"))),
    )
    if state.event is None and state.quick is None:
        first, last = iso_day(_text(values.get("start"))), iso_day(_text(values.get("end")))
        if first is None or last is None:
            return replace(state, quick="4w")
        first, last = narrow_weeks(first, last, viewer, today)
        state = replace(state, first=first, last=last)
    return state


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _code(value: Any) -> bool:
    return isinstance(value, str) and CODE.fullmatch(value) is not None


def _codes(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    kept: list[str] = []
    for v in value[:MAX_CODES]:
        if _code(v) and v not in kept:
            kept.append(v)
    return tuple(kept)


# Tid & händelser --------------------------------------------------------------------

EVENTS_KEYS: Final = ("kommun", "niva", "ar", "handelse", "kategorier")


@dataclass(frozen=True, slots=True)
class EventsState:
    """What Tid & händelser shows: place, year, event window, categories."""

    kommun: str
    level: str
    year: int
    event: str | None = None
    categories: tuple[str, ...] = ()


def events_query(state: EventsState) -> str:
    """The canonical query string of a Tid & händelser state."""
    values: dict[str, StateValue] = {
        "kommun": state.kommun,
        "niva": state.level,
        "ar": str(state.year),
        "handelse": state.event,
        "kategorier": state.categories,
    }
    return encode(values, EVENTS_KEYS)


def event_year(value: str) -> int | None:
    """The year an event value (``key|2026-04-30T18:00+02:00``) starts in."""
    _key, _bar, start = value.partition("|")
    day = iso_day(start[:10])
    return None if day is None else day.year


def decode_events(
    query: Mapping[str, Any],
    scope: ViewScope,
    first_kommun: str,
    years: Sequence[int],
    default_year: int,
) -> Decoded[EventsState]:
    """The Tid & händelser state a URL asks for, narrowed to ``scope``; ``years`` are
    the years the page offers."""
    values, unreadable = query_values(query, EVENTS_KEYS)
    place, refused = narrow_place(
        values.get("kommun"), values.get("niva"), None, scope, first_kommun
    )
    year_text = values.get("ar")
    year = int(year_text) if year_text and year_text.isdigit() and len(year_text) == 4 else None
    if year not in years:
        unreadable = unreadable or year_text is not None
        year = default_year
    categories, bad = codes_in(values.get("kategorier"), scope.categories)
    event = values.get("handelse")
    if event is not None and not scope.event_known(place.kommun, event):
        unreadable, event = True, None
    if event is not None:
        year = event_year(event) or year
    state = EventsState(place.kommun, place.level, year or default_year, event, categories)
    return Decoded(state, refused, False, unreadable or bad)


def events_state(values: Mapping[str, Any]) -> EventsState | None:
    """The state the page's components hold, for its link (None while incomplete)."""
    kommun, level, year = values.get("kommun"), values.get("level"), values.get("year")
    if not _code(kommun) or not _code(level) or not isinstance(year, int | str):
        return None
    if isinstance(year, bool) or not str(year).isdigit():
        return None
    event = values.get("event")
    return EventsState(
        str(kommun),
        str(level),
        int(year),
        event if isinstance(event, str) and 0 < len(event) <= MAX_VALUE else None,
        _codes(values.get("categories")),
    )


# Planering --------------------------------------------------------------------------

PLANNING_KEYS: Final = ("kommun", "niva", "forsta", "veckor")


@dataclass(frozen=True, slots=True)
class PlanningState:
    """What Planering shows: place, the first night and the number of weeks."""

    kommun: str
    level: str
    first: date
    weeks: int = 2


def planning_query(state: PlanningState) -> str:
    """The canonical query string of a Planering state."""
    values: dict[str, StateValue] = {
        "kommun": state.kommun,
        "niva": state.level,
        "forsta": state.first.isoformat(),
        "veckor": str(state.weeks),
    }
    return encode(values, PLANNING_KEYS)


def decode_planning(
    query: Mapping[str, Any],
    scope: ViewScope,
    first_kommun: str,
    default_first: date,
    check_period: Callable[[date, int], object],
) -> Decoded[PlanningState]:
    """The Planering state a URL asks for; ``check_period(first, weeks)`` is the
    page's own period check (raises :class:`BadSelection` when refused)."""
    values, unreadable = query_values(query, PLANNING_KEYS)
    place, refused = narrow_place(
        values.get("kommun"), values.get("niva"), None, scope, first_kommun
    )
    first = iso_day(values.get("forsta")) or default_first
    weeks_text = values.get("veckor") or "2"
    weeks = int(weeks_text) if weeks_text in ("1", "2", "3", "4") else 2
    try:
        check_period(first, weeks)
    except BadSelection:
        unreadable, first = True, default_first
    unreadable = unreadable or (
        values.get("forsta") is not None and iso_day(values["forsta"]) is None
    )
    unreadable = unreadable or weeks_text not in ("1", "2", "3", "4")
    return Decoded(
        PlanningState(place.kommun, place.level, first, weeks), refused, False, unreadable
    )


def planning_state(values: Mapping[str, Any]) -> PlanningState | None:
    """The state the page's components hold, for its link (None while incomplete)."""
    kommun, level, weeks = values.get("kommun"), values.get("level"), values.get("weeks")
    first = iso_day(_text(values.get("first")))
    if not _code(kommun) or not _code(level) or first is None:
        return None
    if weeks not in (1, 2, 3, 4) or isinstance(weeks, bool):
        return None
    return PlanningState(str(kommun), str(level), first, int(weeks))
