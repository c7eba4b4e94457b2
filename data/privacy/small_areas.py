"""The small-area guard: areas with too few youths are shown merged upwards (DeSO → RegSO →
kommun).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data.access.scope import Selection, Viewer, areas_in_scope
from data.counts.cube import NO_AREA, CountCube


@dataclass(frozen=True, slots=True)
class DisplayUnits:
    """How the areas of one level are shown after the small-area guard.

    ``unit_of[i]`` is the display unit (an area index: the area itself, or the
    ancestor it is merged into) of area ``i`` of the level, ``NO_AREA`` for areas
    not shown. ``units`` lists the display units in a stable order.
    """

    unit_of: np.ndarray
    units: tuple[int, ...]
    members: dict[int, tuple[int, ...]]
    population: dict[int, int | None]

    def merged(self, unit: int) -> bool:
        """True when ``unit`` stands for other areas merged into it."""
        return self.members[unit] != (unit,)


def _unit_population(
    cube: CountCube, unit: int, members: list[int], *, whole_kommun: bool
) -> int | None:
    """Youths behind a display unit: its own figure, or the sum of what it stands for.

    A merged unit's own population counts only when the viewer sees the whole kommun:
    for a partial scope (a police area) the unit stands only for the members in
    scope, and the parent's figure would let one small area pass as a large one.
    """
    own = cube.areas.population[unit]
    if members == [unit] or (whole_kommun and own is not None):
        return own
    values = [cube.areas.population[m] for m in members]
    return None if any(v is None for v in values) else sum(v or 0 for v in values)


def _highest_listed_ancestor(parent: np.ndarray, area: int, listed: set[int]) -> int:
    """``area``'s highest ancestor (or itself) that is in ``listed``; else ``area``."""
    found, current = area, area
    for _ in range(8):
        current = int(parent[current])
        if current == NO_AREA:
            break
        if current in listed:
            found = current
    return found


def display_units(cube: CountCube, selection: Selection, viewer: Viewer) -> DisplayUnits:
    """Apply the small-area guard to the areas of ``selection.level`` in scope.

    An area with fewer than ``min_area_population`` youths (or none known) is
    merged into its parent together with everything else under that parent —
    merging only the small one would let "parent minus siblings" reveal it — and
    the check repeats one level up; a kommun is never merged further. Kommun level
    is shown as it is.
    """
    scope = areas_in_scope(cube, selection, viewer)
    police = viewer.role == "police_area"
    key = (
        "display units",
        selection.kommun_code,
        selection.level,
        police,
        viewer.area_codes if police else None,
        viewer.level.min_area_population,
    )
    return cube.areas.memo(key, lambda: _display_units(cube, selection, viewer, scope))


def _display_units(
    cube: CountCube, selection: Selection, viewer: Viewer, scope: np.ndarray
) -> DisplayUnits:
    areas = cube.areas
    members = [
        i
        for i, (level, kommun) in enumerate(zip(areas.levels, areas.kommun_codes, strict=True))
        if level == selection.level and kommun == selection.kommun_code and scope[i]
    ]
    unit = {i: i for i in members}
    threshold = viewer.level.min_area_population
    whole = viewer.role != "police_area"
    if selection.level != "kommun":
        for _ in range(8):  # the hierarchy is shallow; the bound guards cycles
            grouped: dict[int, list[int]] = {}
            for i, u in unit.items():
                grouped.setdefault(u, []).append(i)
            small_parents = {
                int(areas.parent[u])
                for u, group in grouped.items()
                if areas.levels[u] != "kommun"
                and int(areas.parent[u]) != NO_AREA
                and (_unit_population(cube, u, group, whole_kommun=whole) or 0) < threshold
            }
            if not small_parents:
                break
            # Everything under a merged parent goes into it, at whatever depth it is
            # shown now: no polygon may lie on top of another, and no sibling may be
            # left to be subtracted from the merged total.
            unit = {
                i: _highest_listed_ancestor(areas.parent, u, small_parents) for i, u in unit.items()
            }
    unit_of = np.full(len(areas.codes), NO_AREA, dtype=np.int64)
    grouped_members: dict[int, list[int]] = {}
    for i, u in unit.items():
        grouped_members.setdefault(u, []).append(i)
    if not whole and selection.level != "kommun":
        # A partial scope merged up to the kommun and still too small: nothing to
        # show, since the kommun "unit" would be the small area's own count.
        grouped_members = {
            u: m
            for u, m in grouped_members.items()
            if (_unit_population(cube, u, m, whole_kommun=False) or 0) >= threshold
        }
    for u, m in grouped_members.items():
        unit_of[m] = u
    unit_of.setflags(write=False)  # shared by every request of this scope (memo)
    order = tuple(sorted(grouped_members, key=lambda u: areas.codes[u]))
    return DisplayUnits(
        unit_of=unit_of,
        units=order,
        members={u: tuple(sorted(m)) for u, m in grouped_members.items()},
        population={
            u: _unit_population(cube, u, m, whole_kommun=whole) for u, m in grouped_members.items()
        },
    )


def merge_label(cube: CountCube, units: DisplayUnits, unit: int) -> str:
    if not units.merged(unit):
        return ""
    names = [cube.areas.names[m] for m in units.members[unit] if m != unit]
    shown = ", ".join(names[:4]) + (f" och {len(names) - 4} till" if len(names) > 4 else "")
    return f"sammanslaget med {shown}" if shown else ""


def unit_of_area(units: DisplayUnits, target: np.ndarray, scope: np.ndarray) -> np.ndarray:
    """For each cube area, the display unit its records count in (``NO_AREA``: none —
    outside the scope, or stored at a coarser level than the chosen one)."""
    placed = (target != NO_AREA) & scope
    return np.where(placed, units.unit_of[np.where(placed, target, 0)], NO_AREA)
