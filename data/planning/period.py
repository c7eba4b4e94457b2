"""A planning period and everything planned in it: the nights, their forecast, the
sign-ups, the saved schedule against what was reported, the kommun's meetings, and the
areas whose concern signals are watched.

The Planering page asks for one of these per view; each takes the session, the
period and an explicit ``today`` (one clock).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final, TypeVar

from sqlalchemy.orm import Session

from data.access.scope import BadSelection, Selection, Viewer
from data.calendar.windows import WindowRule
from data.counts.cube import CountCube
from data.planning.forecast import NightForecast, forecast_nights
from data.planning.meetings import meetings
from data.planning.registry import associations, severity, signups
from data.planning.schedule import (
    PlannedVsDone,
    default_window,
    period_nights,
    planned_vs_done,
    yearly_figures,
)
from data.planning.signals import AreaSignal, concern_signals
from data.storage.models import ParentMeeting, WalkSignup

_T = TypeVar("_T")
Memo = Callable[[Hashable, Callable[[], _T]], _T]
"""``memo(key, build)``: ``build()``'s result, possibly kept from an earlier call."""

MAX_WEEKS: Final = 4
DONE_WEEKS_BACK: Final = 4
"""Planned vs done looks this many weeks before the period too."""
NEAREST_SHOWN: Final = 3
"""Without a raised signal, the areas closest to one are shown."""


def next_friday(today: date) -> date:
    """The coming Friday (today when it is one)."""
    return today + timedelta(days=(4 - today.weekday()) % 7)


def parse_period(first: object, weeks: object, *, today: date) -> tuple[date, date]:
    """The first and last night of a period of 1–4 weeks from ``first`` (ISO date; the
    coming Friday when empty), within a year of ``today``; :class:`BadSelection`
    otherwise."""
    try:
        start = date.fromisoformat(str(first)[:10]) if first else next_friday(today)
    except ValueError:
        raise BadSelection("ogiltigt datum") from None
    if not isinstance(weeks, int) or isinstance(weeks, bool) or not 1 <= weeks <= MAX_WEEKS:
        raise BadSelection(f"välj 1–{MAX_WEEKS} veckor")
    if abs((start - today).days) > 366:
        raise BadSelection("välj en period inom ett år")
    return start, start + timedelta(days=7 * weeks - 1)


def night_reasons(forecasts: Iterable[NightForecast]) -> dict[date, str]:
    """Per night, the reasons of its first (strongest) forecast, joined."""
    reasons: dict[date, str] = {}
    for f in forecasts:
        reasons.setdefault(f.night, "; ".join(f.reasons))
    return reasons


@dataclass(frozen=True, slots=True)
class PeriodPlan:
    """What the Planering page shows for a period."""

    nights: tuple[date, ...]
    windows: Mapping[date, tuple[str, str]]
    """The usual walk window of each night."""
    forecasts: tuple[NightForecast, ...]
    signups: tuple[WalkSignup, ...]
    """The period's sign-ups (with their association)."""
    done: tuple[PlannedVsDone, ...]
    """Saved walks from ``DONE_WEEKS_BACK`` weeks before the period to its end."""
    yearly: tuple[tuple[int, int, int], ...]
    meetings: tuple[ParentMeeting, ...]
    associations: tuple[tuple[int, str], ...]

    @property
    def reasons(self) -> dict[date, str]:
        """Per night, why the forecast says what it says."""
        return night_reasons(self.forecasts)

    @property
    def areas(self) -> list[tuple[str, str]]:
        """(code, name) of the forecast's areas, by name."""
        return sorted({(f.code, f.name) for f in self.forecasts}, key=lambda p: p[1])


def period_plan(
    session: Session,
    cube: CountCube,
    selection: Selection,
    viewer: Viewer,
    *,
    first: date,
    last: date,
    today: date,
    rules: Iterable[WindowRule],
    memo: Memo | None = None,
) -> PeriodPlan:
    """The forecast, sign-ups, planned vs done, yearly figures and meetings of the
    kommun of ``selection`` for the nights ``first``..``last``.

    ``memo(key, build)`` may keep the forecast (the expensive part): ``key`` holds
    everything it depends on besides the data versions and today, which the memo adds.
    """
    rules = tuple(rules)
    kommun = selection.kommun_code
    nights, windows = period_nights(session, kommun, first, last, rules)
    weights = severity(session, kommun)

    def forecast() -> list[NightForecast]:
        return forecast_nights(
            session, cube, selection, viewer, nights, today=today, severity=weights, rules=rules
        )

    key = (viewer, selection, tuple(nights), rules, tuple(sorted(weights.items())))
    forecasts = forecast() if memo is None else memo(key, forecast)
    return PeriodPlan(
        tuple(nights),
        {n: default_window(n, windows) for n in nights},
        tuple(forecasts),
        tuple(signups(session, kommun, first, last)),
        tuple(planned_vs_done(session, kommun, first - timedelta(weeks=DONE_WEEKS_BACK), last)),
        tuple(yearly_figures(session, kommun)),
        tuple(meetings(session, kommun)),
        tuple(associations(session, kommun)),
    )


def walk_reasons(
    session: Session,
    cube: CountCube,
    selection: Selection,
    viewer: Viewer,
    nights: Sequence[date],
    *,
    today: date,
    rules: Iterable[WindowRule],
) -> dict[date, str]:
    """Per night of ``nights``, why the forecast expects what it does (for the printout)."""
    if not nights:
        return {}
    return night_reasons(
        forecast_nights(
            session,
            cube,
            selection,
            viewer,
            list(nights),
            today=today,
            severity=severity(session, selection.kommun_code),
            rules=rules,
        )
    )


def plannable_areas(cube: CountCube, kommun: str) -> dict[str, str]:
    """Code → name of the kommun's areas a walk may be planned in."""
    return {
        code: name
        for code, name, k in zip(
            cube.areas.codes, cube.areas.names, cube.areas.kommun_codes, strict=True
        )
        if k == kommun
    }


@dataclass(frozen=True, slots=True)
class WatchedSignals:
    """The areas shown under the concern signals, with the meetings held in each."""

    raised: int
    """How many areas have a raised signal."""
    shown: tuple[tuple[AreaSignal, tuple[date, ...]], ...]


def watched_signals(
    session: Session,
    cube: CountCube,
    selection: Selection,
    viewer: Viewer,
    categories: Sequence[str],
) -> WatchedSignals:
    """The raised signals of ``categories`` (or, with none raised, the nearest areas) and
    every area where a parent meeting was held (the trend after it)."""
    try:
        areas = concern_signals(
            cube, selection, viewer, categories=tuple(categories), last_monday=cube.last_monday
        )
    except KeyError as error:
        raise BadSelection(str(error)) from None
    held: dict[str, list[date]] = {}
    for m in meetings(session, selection.kommun_code):
        held.setdefault(m.area.code, []).append(m.held_on)
    raised = [a for a in areas if a.signal.raised]
    shown = raised or sorted(areas, key=lambda a: -max(a.signal.path, default=0))[:NEAREST_SHOWN]
    shown += [a for a in areas if a.code in held and a not in shown]
    return WatchedSignals(len(raised), tuple((a, tuple(held.get(a.code, []))) for a in shown))
