"""Riktade insatser: joint operations the police area coordinator records — date, optional
time span, areas (within their scope), partner organisations, kind and a short note.

A police user records, changes and removes their own; coordinators read all of their
kommun's. Every write is audited (the operation's id, never its content). The note is
PII-guarded like every free text.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access.audit import Actor, record
from data.access.scope import AccessDenied, Viewer, require_kommun
from data.planning.registry import PlanError
from data.privacy.pii import find_pii, pii_message
from data.storage.models import Area, JointOperation, User, utcnow
from data.vocabulary import Term, codes

PARTNERS: Final[tuple[Term, ...]] = (
    Term("polis", "Polis"),
    Term("socialtjanst", "Socialtjänst"),
    Term("skola", "Skola"),
    Term("fritid", "Fritid"),
    Term("falt", "Fältassistenter"),
    Term("foreningar", "Föreningar"),
    Term("vaktare", "Ordningsvakter och väktare"),
)
KINDS: Final[tuple[Term, ...]] = (
    Term("trygghetsskapande", "Trygghetsskapande närvaro"),
    Term("ordningsstorning", "Ordningsstörning"),
    Term("narkotika", "Narkotika"),
    Term("alkohol", "Alkohol och langning"),
    Term("vapen", "Vapen och kniv"),
    Term("annat", "Annat"),
)
MAX_NOTE: Final = 280
MAX_DAYS_AWAY: Final = 366
CLOCK: Final = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


@dataclass(frozen=True, slots=True)
class OperationInput:
    """What the form sends (already typed; :func:`save_operation` checks it)."""

    day: date | None
    start: str
    end: str
    areas: tuple[str, ...]
    partners: tuple[str, ...]
    kind: str
    note: str


@dataclass(frozen=True, slots=True)
class Operation:
    """A recorded riktad insats."""

    id: int
    day: date
    start: str
    end: str
    kind: str
    partners: tuple[str, ...]
    area_codes: tuple[str, ...]
    area_names: tuple[str, ...]
    note: str
    owner: str
    owner_id: int | None


def _checked(
    data: OperationInput, allowed: Collection[str], *, today: date
) -> tuple[date, str | None, str | None, str]:
    """The day, times and clean note; :class:`PlanError` with every field's problem."""
    errors: dict[str, str] = {}
    if data.day is None or abs((data.day - today).days) > MAX_DAYS_AWAY:
        errors["datum"] = "Välj ett datum inom ett år."
    start, end = data.start.strip(), data.end.strip()
    if (start or end) and not (CLOCK.fullmatch(start) and CLOCK.fullmatch(end)):
        errors["tider"] = "Ange både start och slut som tt:mm, eller lämna båda tomma."
    if not data.areas or not set(data.areas) <= set(allowed):
        errors["områden"] = "Välj minst ett av dina områden."
    if not data.partners or not set(data.partners) <= set(codes(PARTNERS)):
        errors["partner"] = "Välj minst en samverkanspart."
    if data.kind not in codes(KINDS):
        errors["typ"] = "Välj typ av insats."
    note = " ".join(data.note.split())
    if len(note) > MAX_NOTE:
        errors["anteckning"] = f"Högst {MAX_NOTE} tecken."
    elif findings := find_pii(note):
        errors["anteckning"] = pii_message("anteckning", findings)
    if errors:
        raise PlanError(errors)
    assert data.day is not None
    return data.day, start or None, end or None, note


def _owned(session: Session, viewer: Viewer, actor: Actor, operation_id: int) -> JointOperation:
    """The operation when ``actor`` recorded it in their kommun; AccessDenied otherwise
    (also for one that does not exist: nobody learns which ids do)."""
    operation = session.get(JointOperation, operation_id)
    if (
        operation is None
        or actor.user_id is None
        or operation.owner_id != actor.user_id
        or not viewer.may_see_kommun(operation.kommun_code)
    ):
        raise AccessDenied("bara den som registrerade insatsen ändrar den")
    return operation


def save_operation(
    session: Session,
    viewer: Viewer,
    actor: Actor,
    kommun: str,
    data: OperationInput,
    *,
    allowed_areas: Collection[str],
    operation_id: int | None = None,
    today: date,
) -> int:
    """Record a riktad insats (``operation_id`` None) or change one of the actor's own;
    audited. Only ``police_area`` viewers of ``kommun`` write; every area must be one of
    ``allowed_areas`` (their scope)."""
    if viewer.role != "police_area" or actor.user_id is None:
        raise AccessDenied("bara polisens områdessamordnare registrerar insatser")
    require_kommun(viewer, kommun)
    day, start, end, note = _checked(data, allowed_areas, today=today)
    if operation_id is None:
        operation = JointOperation(kommun_code=kommun, owner_id=actor.user_id)
        session.add(operation)
    else:
        operation = _owned(session, viewer, actor, operation_id)
    operation.day, operation.start_time, operation.end_time = day, start, end
    operation.kind, operation.note = data.kind, note
    operation.partners = ",".join(c for c in codes(PARTNERS) if c in data.partners)
    operation.areas = list(
        session.scalars(
            select(Area).where(Area.kommun_code == kommun, Area.code.in_(sorted(data.areas)))
        )
    )
    operation.updated_at = utcnow()
    session.flush()
    action = "police.operation_created" if operation_id is None else "police.operation_changed"
    record(session, action, actor=actor, target=kommun, details={"operation": operation.id})
    return operation.id


def delete_operation(session: Session, viewer: Viewer, actor: Actor, operation_id: int) -> None:
    """Remove one of the actor's own riktade insatser; audited."""
    if viewer.role != "police_area":
        raise AccessDenied("bara polisens områdessamordnare tar bort insatser")
    operation = _owned(session, viewer, actor, operation_id)
    kommun = operation.kommun_code
    session.delete(operation)
    session.flush()
    record(
        session,
        "police.operation_deleted",
        actor=actor,
        target=kommun,
        details={"operation": operation_id},
    )


def operations(
    session: Session, kommun: str, first: date, last: date, *, owner_id: int | None = None
) -> list[Operation]:
    """The kommun's riktade insatser from ``first`` to ``last``, by date; only
    ``owner_id``'s when given."""
    query = (
        select(JointOperation, User.username)
        .outerjoin(User, JointOperation.owner_id == User.id)
        .where(JointOperation.kommun_code == kommun, JointOperation.day.between(first, last))
        .order_by(JointOperation.day, JointOperation.start_time, JointOperation.id)
    )
    if owner_id is not None:
        query = query.where(JointOperation.owner_id == owner_id)
    out = []
    for operation, username in session.execute(query):
        areas = sorted(operation.areas, key=lambda a: a.code)
        out.append(
            Operation(
                operation.id,
                operation.day,
                operation.start_time or "",
                operation.end_time or "",
                operation.kind,
                tuple(p for p in operation.partners.split(",") if p),
                tuple(a.code for a in areas),
                tuple(a.name for a in areas),
                operation.note,
                username or "",
                operation.owner_id,
            )
        )
    return out


def week_operations(
    session: Session, kommun: str, monday: date, *, owner_id: int | None = None
) -> list[Operation]:
    """The riktade insatser of the ISO week starting ``monday``."""
    return operations(session, kommun, monday, monday + timedelta(days=6), owner_id=owner_id)


def own_operation(session: Session, user_id: int, operation_id: int) -> Operation | None:
    """One of ``user_id``'s own riktade insatser (None for anyone else's or none)."""
    operation = session.get(JointOperation, operation_id)
    if operation is None or operation.owner_id != user_id:
        return None
    day = operation.day
    return next(
        (o for o in operations(session, operation.kommun_code, day, day) if o.id == operation_id),
        None,
    )
