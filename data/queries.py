"""The read API of the dashboard: scoped, disclosure-controlled tables.

Callbacks never build SQL: they describe what a user asked for (a
:class:`Selection`) and who asks (a :class:`Viewer`) and get back
:class:`~data.disclosure.ProtectedCounts`. Scope is enforced here, server-side,
whatever the UI offered: asking for a kommun or area outside the viewer's scope
raises :class:`AccessDenied`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from hashlib import sha256

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.cube import NO_AREA, CountCube, iso_week_label, monday_of
from data.disclosure import AudienceLevel, ProtectedCounts, protect
from data.ingest.pii import find_pii
from data.models import Area, Category, Observation, Source
from data.vocabulary import AREA_LEVELS, codes, label_of
from geo.layers import WGS84
from geo.simplify import dumps_compact, feature_collection, simplify_coverage

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
        return self.kommun_code is None or self.kommun_code == kommun_code


@dataclass(frozen=True, slots=True)
class Selection:
    """A filter choice: kommun, area level, whole ISO weeks, categories and sources."""

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

    def __post_init__(self) -> None:
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


def snap_to_grain(selection: Selection, level: AudienceLevel) -> Selection:
    """The selection widened to the audience's time grain: whole months for "month"
    (the weeks whose Thursday falls in the first to the last month touched)."""
    if level.time_grain == "week":
        return selection
    first = _first_monday_of(month_of(selection.first_monday))
    last_month = month_of(selection.last_monday)
    following = date(last_month.year + last_month.month // 12, last_month.month % 12 + 1, 1)
    last = _first_monday_of(following) - timedelta(weeks=1)
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


def _in_scope(cube: CountCube, selection: Selection, viewer: Viewer) -> np.ndarray:
    """Boolean mask over the cube's areas that the viewer may see for ``selection``."""
    if not viewer.may_see_kommun(selection.kommun_code):
        msg = f"kommun {selection.kommun_code} is outside your scope"
        raise AccessDenied(msg)
    areas = cube.areas
    in_kommun = np.array([k == selection.kommun_code for k in areas.kommun_codes])
    if viewer.role != "police_area":
        return in_kommun
    # A police area coordinator sees the assigned areas and everything inside them,
    # including the members of an assigned own area.
    assigned = np.array([c in viewer.area_codes for c in areas.codes])
    mask = assigned.copy()
    for i in range(len(areas.codes)):
        j = i
        for _ in range(8):
            if j == NO_AREA or mask[i]:
                break
            owner = int(areas.own_area[j])
            mask[i] = bool(assigned[j]) or (owner != NO_AREA and bool(assigned[owner]))
            j = int(areas.parent[j])
    return in_kommun & mask


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


def _check_level(cube: CountCube, selection: Selection, viewer: Viewer) -> None:
    if selection.level not in available_levels(cube, selection.kommun_code, viewer):
        label = label_of(AREA_LEVELS, selection.level)
        msg = f"area level {label} is not available to you in kommun {selection.kommun_code}"
        raise AccessDenied(msg)


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
    scope = _in_scope(cube, selection, viewer)
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
    order = tuple(sorted(grouped_members, key=lambda u: areas.codes[u]))
    return DisplayUnits(
        unit_of=unit_of,
        units=order,
        members={u: tuple(sorted(m)) for u, m in grouped_members.items()},
        population={
            u: _unit_population(cube, u, m, whole_kommun=whole) for u, m in grouped_members.items()
        },
    )


def _per_area(
    cube: CountCube, selection: Selection, mask: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Own counts and record keys per area for the selection's weeks and filters."""
    try:
        return tuple(  # type: ignore[return-value]
            cube.per_area(
                first_monday=selection.first_monday,
                last_monday=selection.last_monday,
                categories=selection.categories,
                sources=selection.sources,
                area_mask=mask,
                keys=keys,
            )
            for keys in (False, True)
        )
    except KeyError as error:
        raise BadSelection(str(error.args[0])) from None


def _own_counts(
    cube: CountCube, selection: Selection, viewer: Viewer
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Check access, then return (own count per area, own record key per area,
    ancestor at the level, scope mask)."""
    _check_level(cube, selection, viewer)
    scope = _in_scope(cube, selection, viewer)
    own, keys = _per_area(cube, selection, scope)
    target = cube.areas.ancestor_at(selection.level)
    return own, keys, target, scope


def _merge_label(cube: CountCube, units: DisplayUnits, unit: int) -> str:
    if not units.merged(unit):
        return ""
    names = [cube.areas.names[m] for m in units.members[unit] if m != unit]
    shown = ", ".join(names[:4]) + (f" och {len(names) - 4} till" if len(names) > 4 else "")
    return f"sammanslaget med {shown}" if shown else ""


def map_values(cube: CountCube, selection: Selection, viewer: Viewer) -> ProtectedCounts:
    """Counts per display unit of the chosen level in the period, disclosure-controlled.

    Columns ``code``, ``name``, ``synthetic``, ``merged`` (Swedish text, empty when
    the unit is the area itself), ``population`` (10–19, ``<NA>`` unknown),
    ``count``, ``suppressed``. Only areas in the viewer's scope count. Small areas
    are merged upwards (:func:`display_units`); records stored at a coarser level
    than the chosen one are not spread onto areas (see :func:`unplaced_count`).
    """
    selection = snap_to_grain(selection, viewer.level)
    own, keys, target, scope = _own_counts(cube, selection, viewer)
    units = display_units(cube, selection, viewer)
    return protect(
        unit_frame(cube, units, target, scope, own, keys), level=viewer.level, additive=True
    )


def unit_of_area(units: DisplayUnits, target: np.ndarray, scope: np.ndarray) -> np.ndarray:
    """For each cube area, the display unit its records count in (``NO_AREA``: none —
    outside the scope, or stored at a coarser level than the chosen one)."""
    placed = (target != NO_AREA) & scope
    return np.where(placed, units.unit_of[np.where(placed, target, 0)], NO_AREA)


def unit_frame(
    cube: CountCube,
    units: DisplayUnits,
    target: np.ndarray,
    scope: np.ndarray,
    own: np.ndarray,
    keys: np.ndarray,
) -> pd.DataFrame:
    """The map's table before protection: one row per display unit (``code``, ``name``,
    ``synthetic``, ``merged``, ``population``) with the summed ``count`` and record
    ``key`` of the per-area ``own`` counts and ``keys``. The units add up to the
    kommun's total (published at kommun level): protect it as additive."""
    unit_index = unit_of_area(units, target, scope)
    counted = unit_index != NO_AREA
    totals = np.zeros(len(cube.areas.codes), dtype=np.int64)
    key_totals = np.zeros(len(cube.areas.codes), dtype=np.int64)
    np.add.at(totals, unit_index[counted], own[counted])
    np.add.at(key_totals, unit_index[counted], keys[counted])
    shown = list(units.units)
    return pd.DataFrame(
        {
            "code": [cube.areas.codes[u] for u in shown],
            "name": [cube.areas.names[u] for u in shown],
            "synthetic": [cube.areas.synthetic[u] for u in shown],
            "merged": [_merge_label(cube, units, u) for u in shown],
            "population": pd.array([units.population[u] for u in shown], dtype="Int64"),
            "count": totals[shown] if shown else np.zeros(0, np.int64),
            "key": key_totals[shown] if shown else np.zeros(0, np.int64),
        }
    )


def unplaced_count(cube: CountCube, selection: Selection, viewer: Viewer) -> ProtectedCounts:
    """Incidents in scope known only at a coarser level than the chosen one (one row)."""
    selection = snap_to_grain(selection, viewer.level)
    own, keys, target, scope = _own_counts(cube, selection, viewer)
    unplaced = (target == NO_AREA) & scope
    frame = pd.DataFrame(
        {
            "what": ["unplaced"],
            "count": [int(own[unplaced].sum())],
            "key": [int(keys[unplaced].sum())],
        }
    )
    return protect(frame, level=viewer.level)


def _selection_mask(cube: CountCube, selection: Selection, viewer: Viewer) -> np.ndarray:
    """Areas whose records count for ``selection``: the scope, or its focus unit.

    The focus must be a display unit of the chosen (access-checked) level: a finer
    or merged-away area would get round the level and small-area rules. The unit
    collects every area whose ancestor at the level it stands for (DeSO under a
    RegSO, members of an own area, areas merged into it).
    """
    scope = _in_scope(cube, selection, viewer)
    if selection.focus_area is None:
        return scope
    units = display_units(cube, selection, viewer)
    focus = next((u for u in units.units if cube.areas.codes[u] == selection.focus_area), None)
    if focus is None:
        msg = f"area {selection.focus_area} is not shown at this level in your scope"
        raise AccessDenied(msg)
    target = cube.areas.ancestor_at(selection.level)
    in_unit = np.zeros(len(cube.areas.codes), dtype=bool)
    valid = target != NO_AREA
    in_unit[valid] = units.unit_of[target[valid]] == focus
    return scope & in_unit


def weekly_trend(cube: CountCube, selection: Selection, viewer: Viewer) -> ProtectedCounts:
    """Weekly counts for the selection (or its focus unit), disclosure-controlled.

    Columns ``week`` (Monday), ``week_label`` (ISO, e.g. 2026-W14), ``count``,
    ``suppressed``; one row per week of the period, zeros included.
    """
    selection = snap_to_grain(selection, viewer.level)
    _check_level(cube, selection, viewer)
    mask = _selection_mask(cube, selection, viewer)
    try:
        frame = cube.per_week(
            first_monday=selection.first_monday,
            last_monday=selection.last_monday,
            area_mask=mask,
            categories=selection.categories,
            sources=selection.sources,
        )
    except KeyError as error:
        raise BadSelection(str(error.args[0])) from None
    if viewer.level.time_grain == "month":
        # Monthly points: each month's weeks summed (counts and record keys alike).
        months = frame["week"].map(month_of)
        grouped = frame.groupby(months, sort=True)
        frame = pd.DataFrame(
            {
                "week": grouped["week"].min().to_list(),
                "week_label": [f"{m:%Y-%m}" for m in grouped.groups],
                "count": grouped["count"].sum().to_numpy(dtype=np.int64),
                "key": grouped["key"].sum().to_numpy(dtype=np.int64),
            }
        )
    else:
        frame.insert(1, "week_label", [iso_week_label(m) for m in frame["week"]])
    # The weeks (months) add up to the period's total (the selection's map value).
    return protect(frame, level=viewer.level, additive=True)


FREE_TEXT_ROLES = frozenset({"coordinator", "police_area"})
"""Roles that may read the short notes of observations: the SSP team and police area
coordinators (their areas). Leadership never sees free text; reporters read only
aggregates (a school's staff must not read social services' notes); administrators
manage the system, not its content."""
NOTES_SCANNED = 5000
"""At most this many distinct notes are read for one area before choosing the shown ones."""


def _note_order(note: str) -> str:
    # A hash of the text: stable between requests, unrelated to when it was written.
    return sha256(note.encode("utf-8")).hexdigest()


def area_notes(
    session: Session, cube: CountCube, selection: Selection, viewer: Viewer, *, limit: int = 10
) -> tuple[str, ...]:
    """Notes of the observations behind the focused area's published count.

    The focus (``selection.focus_area``) is a display unit of the chosen level and
    takes in everything under it, exactly the records its map count is made of,
    filtered by period, categories and sources. Notes come without dates or
    counts, de-duplicated, in an order that says nothing about time, at most
    ``limit``; a note the PII guard would refuse today is left out.

    Returns nothing when the area's count is suppressed (or zero): the existence of
    a note would otherwise reveal a small count. Refuses (:class:`AccessDenied`)
    roles outside :data:`FREE_TEXT_ROLES` and areas outside the viewer's scope.
    """
    if viewer.role not in FREE_TEXT_ROLES:
        msg = "din roll får inte se anteckningar"
        raise AccessDenied(msg)
    if selection.focus_area is None:
        msg = "notes are shown for one area: choose an area"
        raise BadSelection(msg)
    selection = snap_to_grain(selection, viewer.level)
    _check_level(cube, selection, viewer)
    mask = _selection_mask(cube, selection, viewer)
    own, keys = _per_area(cube, selection, mask)
    published = protect(
        pd.DataFrame({"count": [int(own.sum())], "key": [int(keys.sum())]}), level=viewer.level
    )
    if not published.published_values()[0] or limit < 1:
        return ()
    area_ids = [cube.areas.ids[i] for i in np.flatnonzero(mask)]
    # The same days the cube counts: the period, within the cube's week axis.
    first = max(selection.first_monday, cube.first_monday)
    last = min(selection.last_monday, cube.last_monday) + timedelta(days=6)
    query = (
        select(Observation.note)
        .where(
            Observation.area_id.in_(area_ids),
            Observation.occurred_on.between(first, last),
            Observation.note.is_not(None),
        )
        .distinct()
        .order_by(Observation.note)
        .limit(NOTES_SCANNED)
    )
    if selection.categories:
        query = query.where(Observation.category_code.in_(selection.categories))
    if selection.sources:
        query = query.where(Observation.source_code.in_(selection.sources))
    texts = {text.strip() for text in session.scalars(query) if text and text.strip()}
    shown = sorted((t for t in texts if not find_pii(t)), key=_note_order)
    return tuple(shown[:limit])


def category_options(session: Session) -> list[tuple[str, str]]:
    """(code, Swedish label) of the active categories, in display order."""
    rows = session.execute(
        select(Category.code, Category.label)
        .where(Category.active.is_(True))
        .order_by(Category.sort_order)
    )
    return [(r.code, r.label) for r in rows]


def source_options(session: Session) -> list[tuple[str, str]]:
    """(code, Swedish label) of the sources, in display order."""
    rows = session.execute(select(Source.code, Source.label).order_by(Source.sort_order))
    return [(r.code, r.label) for r in rows]


LAYER_TOLERANCE_M = {"kommun": 100.0, "regso": 25.0, "deso": 15.0, "custom": 15.0}
"""Simplification tolerance per level, in metres: invisible at the zoom each is shown."""


def layer_scope(cube: CountCube, kommun_code: str, level: str, viewer: Viewer) -> tuple[str, ...]:
    """Codes of the display units of one layer the viewer may see; raises AccessDenied.

    These are the features of the layer's browser geometry: areas of the level,
    and the parents that small areas are merged into (:func:`display_units`).
    """
    if level not in available_levels(cube, kommun_code, viewer):
        msg = f"layer {level} of kommun {kommun_code} is outside your scope"
        raise AccessDenied(msg)
    probe = Selection(kommun_code, level, monday_of(date.today()), monday_of(date.today()))
    units = display_units(cube, probe, viewer)
    return tuple(sorted(cube.areas.codes[u] for u in units.units))


def area_layer_geojson(
    session: Session, cube: CountCube, kommun_code: str, level: str, area_codes: tuple[str, ...]
) -> bytes:
    """Simplified GeoJSON (EPSG:4326) of the given areas; feature ``id`` = area code.

    Call :func:`layer_scope` first: it decides which codes the viewer may get.
    """
    rows = session.execute(
        select(Area.code, Area.name, Area.geometry_geojson)
        .where(Area.code.in_(area_codes), Area.geometry_geojson.is_not(None))
        .order_by(Area.code)
    ).all()
    if not rows:
        return dumps_compact({"type": "FeatureCollection", "features": []})
    gdf = gpd.GeoDataFrame(
        {"code": [r.code for r in rows], "name": [r.name for r in rows]},
        geometry=[shapely.from_geojson(r.geometry_geojson) for r in rows],
        crs=WGS84,
    )
    simplified = simplify_coverage(gdf, tolerance_m=LAYER_TOLERANCE_M.get(level, 25.0))
    return dumps_compact(feature_collection(simplified, id_field="code", properties=("name",)))


def layer_bounds(
    session: Session, area_codes: tuple[str, ...]
) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees of the given areas; Sweden when empty."""
    rows = session.scalars(
        select(Area.geometry_geojson).where(
            Area.code.in_(area_codes), Area.geometry_geojson.is_not(None)
        )
    ).all()
    if not rows:
        return (11.0, 55.3, 24.2, 69.1)
    geoms = [shapely.from_geojson(text) for text in rows]
    west, south, east, north = shapely.total_bounds(geoms)
    return (float(west), float(south), float(east), float(north))
