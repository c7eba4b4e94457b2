"""The overview's tables: map values, unplaced counts and the weekly trend, scoped and
disclosure-controlled.

Callbacks never build SQL: they describe what a user asked for (a
:class:`~data.access.scope.Selection`) and who asks (a :class:`~data.access.scope.Viewer`)
and get back :class:`~data.privacy.disclosure.ProtectedCounts`. Scope is enforced here,
server-side."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.access.scope import (
    AccessDenied,
    BadSelection,
    Selection,
    Viewer,
    areas_in_scope,
    check_level,
    month_of,
    snap_to_grain,
)
from data.counts.cube import NO_AREA, CountCube, iso_week_label
from data.privacy.disclosure import ProtectedCounts, protect
from data.privacy.small_areas import DisplayUnits, display_units, merge_label, unit_of_area


def area_counts(
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
                ages=selection.age_bands,
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
    check_level(cube, selection, viewer)
    scope = areas_in_scope(cube, selection, viewer)
    own, keys = area_counts(cube, selection, scope)
    target = cube.areas.ancestor_at(selection.level)
    return own, keys, target, scope


def map_values(cube: CountCube, selection: Selection, viewer: Viewer) -> ProtectedCounts:
    """Counts per display unit of the chosen level in the period, disclosure-controlled.

    Columns ``code``, ``name``, ``synthetic``, ``merged`` (Swedish text, empty when
    the unit is the area itself), ``population`` (10–19, ``<NA>`` unknown),
    ``count``, ``suppressed``. Only areas in the viewer's scope count. Small areas
    are merged upwards (:func:`display_units`); records stored at a coarser level
    than the chosen one are not spread onto areas (see :func:`unplaced_count`).
    """
    selection = snap_to_grain(selection, viewer.level, until=cube.last_monday)
    own, keys, target, scope = _own_counts(cube, selection, viewer)
    units = display_units(cube, selection, viewer)
    return protect(
        unit_frame(cube, units, target, scope, own, keys), level=viewer.level, additive=True
    )


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
            "merged": [merge_label(cube, units, u) for u in shown],
            "population": pd.array([units.population[u] for u in shown], dtype="Int64"),
            "count": totals[shown] if shown else np.zeros(0, np.int64),
            "key": key_totals[shown] if shown else np.zeros(0, np.int64),
        }
    )


def unplaced_count(cube: CountCube, selection: Selection, viewer: Viewer) -> ProtectedCounts:
    """Incidents in scope known only at a coarser level than the chosen one (one row)."""
    selection = snap_to_grain(selection, viewer.level, until=cube.last_monday)
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


def selection_mask(cube: CountCube, selection: Selection, viewer: Viewer) -> np.ndarray:
    """Areas whose records count for ``selection``: the scope, or its focus unit.

    The focus must be a display unit of the chosen (access-checked) level: a finer
    or merged-away area would get round the level and small-area rules. The unit
    collects every area whose ancestor at the level it stands for (DeSO under a
    RegSO, members of an own area, areas merged into it).
    """
    scope = areas_in_scope(cube, selection, viewer)
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
    selection = snap_to_grain(selection, viewer.level, until=cube.last_monday)
    check_level(cube, selection, viewer)
    mask = selection_mask(cube, selection, viewer)
    try:
        frame = cube.per_week(
            first_monday=selection.first_monday,
            last_monday=selection.last_monday,
            area_mask=mask,
            categories=selection.categories,
            sources=selection.sources,
            ages=selection.age_bands,
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
