"""Short notes of reports, for roles that may read free text, at the overview's scope."""

from __future__ import annotations

from datetime import timedelta
from hashlib import sha256
from itertools import islice

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access.scope import (
    AccessDenied,
    BadSelection,
    Selection,
    Viewer,
    check_level,
    snap_to_grain,
)
from data.counts.cube import CountCube
from data.counts.overview import area_counts, selection_mask
from data.privacy.disclosure import protect
from data.privacy.pii import find_pii
from data.storage.models import Observation

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
    check_level(cube, selection, viewer)
    mask = selection_mask(cube, selection, viewer)
    own, keys = area_counts(cube, selection, mask)
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
    # In the fixed order, the first ``limit`` notes the PII guard passes: the name check
    # costs ~0.1 ms a note, so it runs on the notes shown, not on all 5,000 read.
    clean = (t for t in sorted(texts, key=_note_order) if not find_pii(t))
    return tuple(islice(clean, limit))
