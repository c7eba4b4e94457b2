"""Who asks and what they may see: viewers, selections, the one scope check, scope errors, time
grain.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Final, TypeVar

import numpy as np

from data.counts.cube import NO_AREA, CountCube, monday_of
from data.privacy.disclosure import AudienceLevel
from data.vocabulary import AGE_GROUPS, AREA_LEVELS, codes, label_of

GROUP_LEVEL_ROLES = frozenset({"admin", "coordinator", "reporter", "police_area", "leadership"})


LEADERSHIP_LEVELS = ("kommun", "regso", "custom")
"""Leadership never sees the finest layer (DeSO); see DOMAIN.md audience levels."""


class AccessDenied(PermissionError):
    """The viewer may not see what was asked for."""


class BadSelection(ValueError):
    """A filter choice that cannot be answered (unknown level, category, malformed input)."""


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is asking, with the scope their role grants."""

    role: str
    kommun_code: str | None
    """None means every kommun (system administrators only)."""
    level: AudienceLevel
    area_codes: frozenset[str] = field(default_factory=frozenset)
    """For police area coordinators: the only areas they see."""

    def __post_init__(self) -> None:
        if self.role not in GROUP_LEVEL_ROLES:
            msg = f"role {self.role!r} has no access to group-level aggregates"
            raise AccessDenied(msg)
        if self.kommun_code is None and self.role != "admin":
            msg = "only administrators may see every kommun"
            raise AccessDenied(msg)

    def may_see_kommun(self, kommun_code: str) -> bool:
        """True when the viewer's scope includes ``kommun_code``."""
        return kommun_in_scope(self.kommun_code, kommun_code)


def kommun_in_scope(own_kommun: str | None, kommun_code: str) -> bool:
    """The one kommun-scope rule: a user sees their own kommun; ``None`` (administrators)
    sees every kommun. Everything that checks a kommun goes through here."""
    return own_kommun is None or own_kommun == kommun_code


def require_kommun(viewer: Viewer, kommun_code: str) -> str:
    """``kommun_code`` when the viewer may see it, else :class:`AccessDenied`."""
    if not viewer.may_see_kommun(kommun_code):
        msg = f"kommun {kommun_code} is outside your scope"
        raise AccessDenied(msg)
    return kommun_code


@dataclass(frozen=True, slots=True)
class Selection:
    """A filter choice: kommun, area level, whole ISO weeks, categories, sources and ages."""

    kommun_code: str
    level: str
    first_monday: date
    last_monday: date
    categories: tuple[str, ...] = ()
    """Empty means every category."""
    sources: tuple[str, ...] = ()
    """Empty means every source."""
    focus_area: str | None = None
    """An area clicked on the map: the trend shows only it."""
    age_bands: tuple[str, ...] = ()
    """Age groups counted (``10-12``, ``13-15``, ``16-18``, ``okand`` for no band
    stored); empty means every age, unknown included."""

    def __post_init__(self) -> None:
        unknown = sorted(set(self.age_bands) - set(codes(AGE_GROUPS)))
        if unknown:
            known = ", ".join(codes(AGE_GROUPS))
            msg = f"okänd åldersgrupp: {', '.join(unknown)}; välj bland {known}"
            raise BadSelection(msg)
        if self.level not in codes(AREA_LEVELS):
            msg = f"unknown area level {self.level!r}"
            raise BadSelection(msg)
        if self.first_monday.weekday() or self.last_monday.weekday():
            msg = "periods are whole ISO weeks: first_monday and last_monday must be Mondays"
            raise BadSelection(msg)
        if self.last_monday < self.first_monday:
            msg = "the period ends before it starts"
            raise BadSelection(msg)

    @property
    def n_weeks(self) -> int:
        """Number of whole weeks in the period."""
        return (self.last_monday - self.first_monday).days // 7 + 1


def month_of(monday: date) -> date:
    """The month an ISO week belongs to: that of its Thursday (as ISO years do)."""
    thursday = monday + timedelta(days=3)
    return date(thursday.year, thursday.month, 1)


def _first_monday_of(month: date) -> date:
    monday = month - timedelta(days=month.weekday())
    return monday if month_of(monday) == month else monday + timedelta(weeks=1)


def last_monday_of(month: date) -> date:
    """Monday of the last week of ``month`` (the last week whose Thursday falls in it)."""
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return _first_monday_of(following) - timedelta(weeks=1)


def month_weeks(first_month: date, last_month: date, *, until: date) -> tuple[date, date]:
    """(first, last Monday) of the whole months ``first_month``..``last_month`` (first
    days), the running month cut at the week of ``until`` (a Monday: the running week).

    Cutting is safe for disclosure: the weeks after the running one hold no reports
    yet (the count cube ends with the running week), so the cut month has exactly the
    counts and record keys — and so the published numbers — of the whole month. No
    month is ever cut anywhere else, so the month lattice gains no sub-month cells."""
    first = _first_monday_of(first_month)
    last = min(last_monday_of(last_month), monday_of(until))
    return first, max(first, last)


def snap_to_grain(selection: Selection, level: AudienceLevel, *, until: date) -> Selection:
    """The selection widened to the audience's time grain: whole months for "month"
    (the weeks whose Thursday falls in the first to the last month touched), the
    running month up to the running week ``until`` (a Monday) — never into weeks
    that have not begun (see :func:`month_weeks`)."""
    if level.time_grain == "week":
        return selection
    first, last = month_weeks(
        month_of(selection.first_monday), month_of(selection.last_monday), until=until
    )
    return replace(selection, first_monday=first, last_monday=last)


def whole_weeks(start: date, end: date) -> tuple[date, date]:
    """Widen a date range to whole ISO weeks: (Monday of start, Monday of end's week)."""
    if end < start:
        start, end = end, start
    return monday_of(start), monday_of(end)


def last_weeks(today: date, n: int) -> tuple[date, date]:
    """The ``n`` weeks ending with the current (possibly still running) week, as Mondays."""
    this_monday = monday_of(today)
    return this_monday - timedelta(weeks=n - 1), this_monday


K = TypeVar("K", bound=Hashable)

POLICE_SCOPE_DEPTH: Final = 4
"""Levels below an assigned area (or a member of an assigned own area) that still count
as inside it (kommun → RegSO → DeSO is two; the bound also guards cycles)."""


def police_coverage(
    assigned: Iterable[K],
    children: Mapping[K, Iterable[K]],
    members: Mapping[K, Iterable[K]],
) -> frozenset[K]:
    """The one rule of which areas a police area coordinator covers: the ``assigned``
    areas, the ``members`` of an assigned own area, and every area up to
    :data:`POLICE_SCOPE_DEPTH` levels inside those (``children``: parent → children).

    Keys are whatever identifies an area to the caller — cube positions in
    :func:`areas_in_scope` (the counts, Samverkan polis), database ids in
    :func:`data.weekly.actions.scoped_area_ids` (the weekly actions and walks) — so the
    two parts cannot drift apart. The caller restricts the areas to the viewer's kommun.
    """
    found = set(assigned)
    for area in list(found):
        found |= set(members.get(area, ()))
    frontier = set(found)
    for _ in range(POLICE_SCOPE_DEPTH):
        frontier = {child for parent in frontier for child in children.get(parent, ())} - found
        if not frontier:
            break
        found |= frontier
    return frozenset(found)


def areas_in_scope(cube: CountCube, selection: Selection, viewer: Viewer) -> np.ndarray:
    """Boolean mask over the cube's areas that the viewer may see for ``selection``
    (read-only: worked out once per area index, kommun and scope)."""
    require_kommun(viewer, selection.kommun_code)
    police = viewer.role == "police_area"
    key = ("scope", selection.kommun_code, police, viewer.area_codes if police else None)
    return cube.areas.memo(key, lambda: _scope_mask(cube, selection.kommun_code, viewer))


def _scope_mask(cube: CountCube, kommun_code: str, viewer: Viewer) -> np.ndarray:
    areas = cube.areas
    in_kommun = np.array([k == kommun_code for k in areas.kommun_codes], dtype=bool)
    if viewer.role != "police_area":
        in_kommun.setflags(write=False)
        return in_kommun
    # A police area coordinator sees the assigned areas and everything inside them,
    # including the members of an assigned own area (:func:`police_coverage`).
    inside = np.flatnonzero(in_kommun)
    children: dict[int, list[int]] = {}
    members: dict[int, list[int]] = {}
    for i in inside.tolist():
        parent, owner = int(areas.parent[i]), int(areas.own_area[i])
        if parent != NO_AREA and in_kommun[parent]:
            children.setdefault(parent, []).append(i)
        if owner != NO_AREA and in_kommun[owner]:
            members.setdefault(owner, []).append(i)
    assigned = [i for i in inside.tolist() if areas.codes[i] in viewer.area_codes]
    mask = np.zeros(len(areas.codes), dtype=bool)
    mask[sorted(police_coverage(assigned, children, members))] = True
    mask &= in_kommun
    mask.setflags(write=False)
    return mask


def available_levels(cube: CountCube, kommun_code: str, viewer: Viewer) -> list[str]:
    """Area levels that exist in ``kommun_code`` and the viewer may choose, coarse first."""
    if not viewer.may_see_kommun(kommun_code):
        return []
    selection_levels = {
        level
        for level, k in zip(cube.areas.levels, cube.areas.kommun_codes, strict=True)
        if k == kommun_code
    }
    if viewer.role == "police_area":
        selection_levels = {
            lvl
            for code, lvl in zip(cube.areas.codes, cube.areas.levels, strict=True)
            if code in viewer.area_codes
        }
    if viewer.role == "leadership":
        selection_levels &= set(LEADERSHIP_LEVELS)
    return [lvl for lvl in codes(AREA_LEVELS) if lvl in selection_levels]


def default_level(levels: list[str]) -> str:
    """The finest of ``levels`` (as :func:`available_levels` orders them): neighbourhoods
    before the whole kommun — own areas, then DeSO, then RegSO. The level Översikt opens
    with, and the one level notes are attached to (:mod:`data.counts.notes`)."""
    finer = [lvl for lvl in levels if lvl != "kommun"]
    return finer[-1] if finer else levels[0]


def visible_kommuner(cube: CountCube, viewer: Viewer) -> list[tuple[str, str]]:
    """(code, name) of the kommuner the viewer may choose, in name order."""
    pairs = {
        (code, name)
        for code, name, level in zip(
            cube.areas.codes, cube.areas.names, cube.areas.levels, strict=True
        )
        if level == "kommun" and viewer.may_see_kommun(code)
    }
    return sorted(pairs, key=lambda p: p[1])


def check_level(cube: CountCube, selection: Selection, viewer: Viewer) -> None:
    if selection.level not in available_levels(cube, selection.kommun_code, viewer):
        label = label_of(AREA_LEVELS, selection.level)
        msg = f"area level {label} is not available to you in kommun {selection.kommun_code}"
        raise AccessDenied(msg)
