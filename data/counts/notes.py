"""Short notes of reports, for roles that may read free text, on a fixed lattice of published
cells.

A note shown is evidence that a record exists, so notes must not become a differencing
oracle (issue 14: two reports about weapons in one area and week, a suppressed cell, were
revealed — notes and count — by the panel under "all categories" against "all but
vapen"). Notes therefore come only from **lattice cells**: one display unit of the notes
level (:func:`notes_level`, the same for every query of a viewer and kommun; or the
records known only at a coarser level) × one whole month, over all categories and
sources, and only from a cell whose count is published and above zero in the map's own
table for that month and level. A query — any focused area at any level, any period,
any filters — shows the notes of the published cells that lie wholly inside it, so the
notes of any two queries differ only by the notes of published cells, and at most
``k`` notes are shown, each among the first ``k`` of its own cell. Reasoning:
``docs/disclosure.md`` ("Notes") and ``docs/adr/0004-notes-on-a-fixed-lattice.md``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from hashlib import sha256

import numpy as np
import pandas as pd
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from data.access.scope import (
    AccessDenied,
    BadSelection,
    Selection,
    Viewer,
    areas_in_scope,
    available_levels,
    check_level,
    default_level,
    month_of,
    snap_to_grain,
)
from data.counts.cube import NO_AREA, CountCube
from data.counts.overview import area_counts, selection_mask
from data.privacy.disclosure import AudienceLevel, protect
from data.privacy.pii import find_pii
from data.privacy.small_areas import display_units, unit_of_area
from data.storage.models import Observation

FREE_TEXT_ROLES = frozenset({"coordinator", "police_area"})
"""Roles that may read the short notes of observations: the SSP team and police area
coordinators (their areas). Leadership never sees free text; reporters read only
aggregates (a school's staff must not read social services' notes); administrators
manage the system, not its content."""

NOTES_MONTHS = 12
"""Notes are read from at most this many whole months: the latest the period touches."""
NOTES_SCANNED = 20_000
"""At most this many distinct notes are read for one query; with more, none are shown (the
choice of the shown ones must see every note of the cells, see :func:`area_notes`)."""

UNPLACED = NO_AREA
"""The lattice cell of the records known only at a coarser level than the notes level
(e.g. kommun-level polisen reports): the map's "unplaced" count at that level."""

_WHOLE_MONTHS = AudienceLevel(5, time_grain="month")
"""Snaps a period to the whole months it touches (only the time grain is read)."""

HIDDEN_LEVEL = "level"
HIDDEN_SMALL = "small"
HIDDEN_MANY = "many"


@dataclass(frozen=True, slots=True)
class AreaNotes:
    """What the notes panel may show for one focused area."""

    notes: tuple[str, ...]
    level: str
    """The level notes are attached to (:func:`notes_level`)."""
    months: tuple[date, ...]
    """The whole months read, as first days (an ISO week belongs to its Thursday's month)."""
    most: int
    """The most notes ever shown: the viewer's k (or ``limit`` when smaller)."""
    hidden: str = ""
    """Why nothing was read: :data:`HIDDEN_LEVEL` (the focused area holds no whole area of
    the notes level), :data:`HIDDEN_SMALL` (no cell in it has a published count above
    zero), :data:`HIDDEN_MANY` (more than :data:`NOTES_SCANNED` notes); else empty."""


def notes_level(cube: CountCube, kommun_code: str, viewer: Viewer) -> str:
    """The one level whose areas carry notes for ``viewer`` in the kommun: the finest
    they may choose (the level Översikt opens with). Fixed per viewer and kommun, so
    the lattice cells never overlap."""
    return default_level(available_levels(cube, kommun_code, viewer))


def lattice_months(selection: Selection, cube: CountCube) -> list[tuple[date, date]]:
    """(first, last Monday) of each whole month the period touches, within the cube's
    weeks, the latest :data:`NOTES_MONTHS` of them, oldest first."""
    months = snap_to_grain(selection, _WHOLE_MONTHS, until=cube.last_monday)
    weeks: dict[date, list[date]] = defaultdict(list)
    monday = max(months.first_monday, cube.first_monday)
    while monday <= min(months.last_monday, cube.last_monday):
        weeks[month_of(monday)].append(monday)
        monday += timedelta(weeks=1)
    return [(w[0], w[-1]) for _, w in sorted(weeks.items())][-NOTES_MONTHS:]


def _note_order(note: str) -> str:
    # A hash of the text: stable between requests, unrelated to when it was written.
    return sha256(note.encode("utf-8")).hexdigest()


def _readable_cells(
    cube: CountCube, lattice: Selection, viewer: Viewer, inside: np.ndarray
) -> tuple[dict[tuple[date, date], set[int]], int]:
    """Cube area ids whose records may give notes, per month (its first and last Monday),
    and how many lattice cells lie wholly ``inside`` the focus (bool per cube area).

    ``lattice`` is the period at the notes level, without filters or focus. A cell is
    readable in a month when the map of that month at the notes level (the same table
    :func:`~data.counts.overview.map_values` publishes: display units after the
    small-area guard, secondary suppression, noise) shows it above zero; the unplaced
    cell when :func:`~data.counts.overview.unplaced_count` would.
    """
    scope = areas_in_scope(cube, lattice, viewer)
    units = display_units(cube, lattice, viewer)
    target = cube.areas.ancestor_at(lattice.level)
    unit_index = unit_of_area(units, target, scope)
    unplaced = (target == NO_AREA) & scope
    every_cell = {UNPLACED: unplaced} | {u: unit_index == u for u in units.units}
    cells = {c: m for c, m in every_cell.items() if m.any() and bool(inside[m].all())}
    if not cells:
        return {}, 0
    position = {unit: n for n, unit in enumerate(units.units)}
    counted = np.flatnonzero(unit_index != NO_AREA)
    rows = np.array([position[int(u)] for u in unit_index[counted]], dtype=np.int64)
    readable: dict[tuple[date, date], set[int]] = {}
    for first, last in lattice_months(lattice, cube):
        own, keys = area_counts(cube, replace(lattice, first_monday=first, last_monday=last), scope)
        values = _month_map(len(units.units), rows, own[counted], keys[counted], viewer)
        published = dict(zip(units.units, values, strict=True))
        if UNPLACED in cells:
            frame = pd.DataFrame({"count": [own[unplaced].sum()], "key": [keys[unplaced].sum()]})
            published[UNPLACED] = protect(frame, level=viewer.level).published_values()[0]
        readable[(first, last)] = {
            cube.areas.ids[i]
            for cell, mask in cells.items()
            if published[cell]
            for i in np.flatnonzero(mask)
        }
    return readable, len(cells)


def _month_map(
    n_units: int, rows: np.ndarray, own: np.ndarray, keys: np.ndarray, viewer: Viewer
) -> list[int | None]:
    """One month's map at the notes level as published, one value per display unit: the
    table :func:`~data.counts.overview.map_values` protects (the counts and record keys of
    the areas summed into their ``rows``, additive), without the name columns protection
    never reads."""
    totals = np.zeros(n_units, dtype=np.int64)
    key_totals = np.zeros(n_units, dtype=np.int64)
    np.add.at(totals, rows, own)
    np.add.at(key_totals, rows, keys)
    frame = pd.DataFrame({"count": totals, "key": key_totals})
    return protect(frame, level=viewer.level, additive=True).published_values()


def area_notes(
    session: Session, cube: CountCube, selection: Selection, viewer: Viewer, *, limit: int = 10
) -> AreaNotes:
    """Notes of the published lattice cells inside the focused area.

    The focus (``selection.focus_area``) is a display unit of the chosen level; its
    notes are those of the lattice cells (see the module) wholly inside it, in the
    whole months the period touches (at most :data:`NOTES_MONTHS`), whatever the
    category and source filters. Notes come without dates or counts, de-duplicated,
    the first ``min(limit, k)`` in an order by their text's hash (stable, unrelated to
    time); a note the PII guard would refuse today is left out. At most k: every note
    shown is then among the first k of its own cell, a cell of at least k records, so
    no combination of panels shows more notes of any cells than their published counts
    already guarantee.

    Refuses (:class:`AccessDenied`) roles outside :data:`FREE_TEXT_ROLES` and areas
    outside the viewer's scope or the chosen level.
    """
    if viewer.role not in FREE_TEXT_ROLES:
        msg = "din roll får inte se anteckningar"
        raise AccessDenied(msg)
    if selection.focus_area is None:
        msg = "notes are shown for one area: choose an area"
        raise BadSelection(msg)
    check_level(cube, selection, viewer)
    inside = selection_mask(cube, selection, viewer)
    level = notes_level(cube, selection.kommun_code, viewer)
    lattice = replace(selection, level=level, categories=(), sources=(), focus_area=None)
    readable, n_cells = _readable_cells(cube, lattice, viewer, inside)
    result = AreaNotes(
        notes=(),
        level=level,
        months=tuple(month_of(first) for first, _ in sorted(readable)),
        most=max(0, min(limit, viewer.level.k)),
    )
    if not n_cells:
        return replace(result, hidden=HIDDEN_LEVEL)
    if not any(readable.values()):
        return replace(result, hidden=HIDDEN_SMALL)
    texts = _cell_notes(session, readable)
    if texts is None:
        return replace(result, hidden=HIDDEN_MANY)
    shown: list[str] = []
    for text in sorted(texts, key=_note_order):
        if len(shown) >= result.most:
            break
        if not find_pii(text):
            shown.append(text)
    return replace(result, notes=tuple(shown))


def _cell_notes(session: Session, readable: dict[tuple[date, date], set[int]]) -> set[str] | None:
    """Every distinct non-empty note of the readable cells (``None``: too many to choose
    from). The days are those the cube counts: each month's weeks within its axis."""
    ranges: dict[frozenset[int], list[tuple[date, date]]] = defaultdict(list)
    for (first, last), ids in readable.items():
        if ids:
            ranges[frozenset(ids)].append((first, last + timedelta(days=6)))
    conditions = [
        and_(
            Observation.area_id.in_(sorted(ids)),
            or_(*(Observation.occurred_on.between(a, b) for a, b in spans)),
        )
        for ids, spans in ranges.items()
    ]
    query = (
        select(Observation.note)
        .where(or_(*conditions), Observation.note.is_not(None))
        .distinct()
        .order_by(Observation.note)
        .limit(NOTES_SCANNED + 1)
    )
    found = list(session.scalars(query))
    if len(found) > NOTES_SCANNED:
        return None
    return {text.strip() for text in found if text and text.strip()}
