"""Storing one observation from the report form, inside the reporter's scope."""

from __future__ import annotations

import re
from typing import Final

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data.access.scope import kommun_in_scope
from data.ingest.observation_rows import IMPORT_ONLY_SOURCES
from data.storage.db import bump_version
from data.storage.models import Area, Observation

_NONCE: Final = re.compile(r"[0-9a-f]{32}")
ALREADY_SAVED: Final = "Redan sparad"
IMPORT_ONLY: Final = "den källan kommer bara från en import; välj en annan källa"


class AlreadySaved(Exception):
    """The form was already saved with this one-time key: nothing more is stored."""

    def __init__(self) -> None:
        super().__init__(ALREADY_SAVED)


def form_key(user_id: int, nonce: object) -> str | None:
    """The stored one-time key of a form submission (``form:<user>:<nonce>``), or
    ``None`` when ``nonce`` is not a form's nonce (32 hex digits)."""
    if not isinstance(nonce, str) or _NONCE.fullmatch(nonce) is None:
        return None
    return f"form:{user_id}:{nonce}"


def flush_once(session: Session) -> None:
    """Flush a form's row; a unique-key clash with a request that saved the same form
    in parallel becomes :class:`AlreadySaved` (the caller's unit of work rolls back)."""
    try:
        session.flush()
    except IntegrityError as error:
        raise AlreadySaved from error


def within_assigned(area: Area, area_codes: frozenset[str] | None) -> bool:
    """True when ``area`` is one of ``area_codes`` or lies inside one. ``None`` means
    no limit (roles not bound to areas); an empty set allows nothing (a police area
    coordinator without assigned areas reports nowhere)."""
    if area_codes is None:
        return True
    chain: set[str] = set()
    current: Area | None = area
    while current is not None and len(chain) < 8:
        chain.add(current.code)
        current = current.parent
    return bool(chain & area_codes)


def store_observation(
    session: Session,
    row: dict[str, object],
    *,
    user_id: int,
    kommun_code: str | None,
    area_codes: frozenset[str] | None = None,
    key: str | None = None,
) -> Observation:
    """Store one validated report from the form (the caller's unit of work commits).

    Refuses (``PermissionError``) an import-only source, an area outside the
    reporter's kommun, and for a police area coordinator an area outside the assigned
    ones. ``key`` (:func:`form_key`) is the form's one-time key: a report already
    stored with it raises :class:`AlreadySaved` and stores nothing, so a double click
    saves one report; two reports typed alike in two forms are two reports.
    """
    if row["source_code"] in IMPORT_ONLY_SOURCES:
        raise PermissionError(IMPORT_ONLY)
    if key is not None and session.scalar(
        select(Observation.id).where(Observation.external_key == key)
    ):
        raise AlreadySaved
    area = session.scalar(select(Area).where(Area.code == str(row["area_code"])))
    if area is None or not kommun_in_scope(kommun_code, area.kommun_code):
        msg = "området finns inte i din kommun"
        raise PermissionError(msg)
    if not within_assigned(area, area_codes):
        msg = "området ingår inte i dina tilldelade områden"
        raise PermissionError(msg)
    observation = Observation(
        area_id=area.id,
        occurred_on=row["occurred_on"],
        time_band=row["time_band"],
        category_code=row["category_code"],
        source_code=row["source_code"],
        count=row["count"],
        group_size=row["group_size"],
        age_band=row["age_band"],
        note=row["note"],
        location_precision="area",
        is_synthetic=False,
        created_by_id=user_id,
        external_key=key,
    )
    session.add(observation)
    flush_once(session)
    bump_version(session)
    return observation
