"""Storing one observation from the report form, inside the reporter's scope."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access.scope import kommun_in_scope
from data.storage.db import bump_version
from data.storage.models import Area, Observation


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
) -> Observation:
    """Store one validated report from the form (the caller's unit of work commits).

    Refuses an area outside the reporter's kommun, and for a police area coordinator
    an area outside the assigned ones. Form reports carry no idempotency key: two
    identical reports are two reports.
    """
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
    )
    session.add(observation)
    session.flush()
    bump_version(session)
    return observation
