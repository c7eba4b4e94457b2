"""Who may file the walk report of a planned walk, and the coordinator's confirmation
that makes the walk count for pay.

A planned walk belongs to an association (or to the coordinator's own walkers). Only
that association's own walkers — users linked to it (``User.association_id``) — and
the kommun's coordinator may link a walk report to it; a police area coordinator only
to walks in their assigned areas, and a police user with no assigned areas to none.
A planned walk takes one report. A linked report marks the walk as reported; it is
paid only after a coordinator has confirmed it (who and when are stored), and the
confirmation can be withdrawn.

Every function reads the user from the database by id: neither the role, the
association nor the areas come from the browser, and what the walk form offered is
checked again when the report is stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access.scope import AccessDenied
from data.clock import utc_now
from data.ingest.observation_store import within_assigned
from data.planning.registry import PlanError
from data.storage.models import Area, Association, PlannedWalk, User, WalkReport

MAX_REPORTED_FACTOR: Final = 2
"""A report on a planned walk counts at most twice the planned group (reserves join in);
more is refused as a typing error or an inflated claim."""
NOT_THAT_NIGHT: Final = "den planerade vandringen finns inte den dagen i kommunen"
NOT_YOURS: Final = (
    "bara föreningens egna vandrare (i sina områden) eller samordnaren kan rapportera "
    "den planerade vandringen"
)


class LinkRefused(PermissionError):
    """A walk report may not be linked to the planned walk; ``field`` is the form field
    the Swedish message belongs to."""

    def __init__(self, message: str, field: str = "planerad") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class Walker:
    """A user as far as planned walks go, read from the database."""

    user_id: int
    role: str
    kommun_code: str | None
    association_id: int | None
    area_codes: frozenset[str]
    """A police area coordinator's assigned areas (empty for every other role)."""


def walker_of(session: Session, user_id: int) -> Walker:
    """The active user ``user_id`` from the database; :class:`AccessDenied` otherwise."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        msg = "okänd användare"
        raise AccessDenied(msg)
    police = user.role == "police_area"
    return Walker(
        user.id,
        user.role,
        user.kommun_code,
        user.association_id,
        frozenset(a.code for a in user.areas) if police else frozenset(),
    )


def may_link(walk: PlannedWalk, walker: Walker) -> bool:
    """True when ``walker`` may file the report of ``walk``: the kommun's coordinator,
    or one of the walk's association's own walkers; police only within their areas."""
    if walker.kommun_code is None or walk.kommun_code != walker.kommun_code:
        return False
    if walker.role == "police_area" and not (
        walker.area_codes and within_assigned(walk.area, walker.area_codes)
    ):
        return False
    if walker.role == "coordinator":
        return True
    return walk.association_id is not None and walk.association_id == walker.association_id


def _reported(session: Session, walk_ids: Iterable[int]) -> set[int]:
    wanted = list(walk_ids)
    if not wanted:
        return set()
    return {
        int(i)
        for i in session.scalars(
            select(WalkReport.planned_walk_id).where(WalkReport.planned_walk_id.in_(wanted))
        )
        if i is not None
    }


def linkable_walks(session: Session, user_id: int, night: date) -> list[tuple[int, str]]:
    """(id, label) of the planned walks of ``night`` that the user may file the report
    of and that have none yet (for the walk report form)."""
    walker = walker_of(session, user_id)
    if walker.kommun_code is None:
        return []
    walks = [
        w
        for w in session.scalars(
            select(PlannedWalk)
            .where(PlannedWalk.kommun_code == walker.kommun_code, PlannedWalk.night == night)
            .order_by(PlannedWalk.id)
        )
        if may_link(w, walker)
    ]
    done = _reported(session, (w.id for w in walks))
    return [
        (
            w.id,
            f"{w.area.name} {w.start_time}–{w.end_time}"
            + (f" ({w.association.name})" if w.association else ""),
        )
        for w in walks
        if w.id not in done
    ]


def _walked_there(planned: Area, walked: Iterable[Area]) -> bool:
    """True when one of the walked areas is the planned area, lies inside it or holds it."""
    return any(
        within_assigned(area, frozenset({planned.code}))
        or within_assigned(planned, frozenset({area.code}))
        for area in walked
    )


def check_link(
    session: Session,
    planned_walk_id: int,
    *,
    user_id: int | None,
    kommun: str,
    night: date,
    walked: Iterable[Area],
    walkers: int,
    walker: Walker | None = None,
) -> PlannedWalk:
    """The planned walk a report may be linked to; :class:`LinkRefused` (Swedish) when it
    is not of the kommun and night, the user may not report it (:func:`may_link`), it
    already has a report, none of the walked areas is its area, or the report counts more
    than :data:`MAX_REPORTED_FACTOR` times the planned walkers. ``walker`` is who
    reports when it is not a user (an association's link,
    :func:`data.planning.association_links.link_walker`); else the user ``user_id``."""
    planned = session.get(PlannedWalk, planned_walk_id)
    if planned is None or planned.kommun_code != kommun or planned.night != night:
        raise LinkRefused(NOT_THAT_NIGHT)
    if walker is None:
        if user_id is None:
            raise LinkRefused(NOT_YOURS)
        walker = walker_of(session, user_id)
    if not may_link(planned, walker):
        raise LinkRefused(NOT_YOURS)
    if _reported(session, [planned.id]):
        raise LinkRefused("den planerade vandringen är redan rapporterad")
    if not _walked_there(planned.area, walked):
        msg = f"den planerade vandringen gäller {planned.area.name}: välj det bland områdena"
        raise LinkRefused(msg, "omraden")
    most = MAX_REPORTED_FACTOR * planned.walkers
    if walkers > most:
        msg = (
            f"den planerade gruppen var {planned.walkers} vandrare: en rapport för den kan "
            f"ange högst {most}"
        )
        raise LinkRefused(msg, "vandrare")
    return planned


def set_confirmed(session: Session, user_id: int, planned_walk_id: int, *, confirmed: bool) -> bool:
    """Confirm the report filed for a planned walk (or withdraw the confirmation).

    Only a coordinator of the walk's kommun (:class:`AccessDenied` for anyone else);
    stores who confirmed and when. False when the kommun has no such reported walk."""
    walker = walker_of(session, user_id)
    if walker.role != "coordinator":
        msg = "bara samordnaren kan bekräfta nattvandringar"
        raise AccessDenied(msg)
    planned = session.get(PlannedWalk, planned_walk_id)
    if planned is None or planned.kommun_code != walker.kommun_code:
        return False
    report = session.scalar(select(WalkReport).where(WalkReport.planned_walk_id == planned.id))
    if report is None:
        return False
    report.confirmed_at = utc_now() if confirmed else None
    report.confirmed_by_id = walker.user_id if confirmed else None
    session.flush()
    return True


def set_association(session: Session, username: str, association: str | None) -> None:
    """Make ``username`` one of the walkers of the association named ``association`` of
    the user's kommun (``None``: of none); :class:`PlanError` (Swedish) when either is
    unknown."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise PlanError({"användare": "Användaren finns inte."})
    if association is None:
        user.association_id = None
        session.flush()
        return
    found = session.scalar(
        select(Association.id).where(
            Association.kommun_code == user.kommun_code,
            Association.name == " ".join(association.split()),
        )
    )
    if found is None:
        raise PlanError({"förening": "Föreningen finns inte i användarens kommun."})
    user.association_id = int(found)
    session.flush()
