"""What an association does through its link (:mod:`data.planning.association_links`):
offer nights, withdraw its own offers, see its own planned walks and file their walk
reports.

Everything is scoped by the opened link (:class:`LinkAccess`), never by what the form
says: an offer is always the link's association's, a withdrawal or report of another
association's row is refused as if the row did not exist. Offers go through
:func:`data.planning.registry.add_signup`'s checks; reports through
:func:`data.ingest.walks.validate_walk` (the PII guard on the note, the sightings'
checks) and :func:`data.ingest.walks.store_walk` (linked to the planned walk, source
``nattvandring``, one report per walk), exactly like a report from the Nattvandring
page. Every write is audited with the link as the actor. Nothing here commits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access.audit import Actor, record
from data.ingest.observation_store import AlreadySaved
from data.ingest.walks import store_walk, validate_walk
from data.planning.association_links import LinkAccess
from data.planning.registry import PlanError, add_signup
from data.storage.models import PlannedWalk, WalkReport, WalkSignup

OFFER_WEEKS: Final = 12
"""An association offers nights from today up to this many weeks ahead."""
PAST_DAYS: Final = 60
"""Its planned walks are listed from this many days back (to report late)."""
_DAY: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_WALKERS: Final = re.compile(r"\d{1,3}")


class NotYours(PermissionError):
    """The row (an offer or a planned walk) is not the link's association's."""


@dataclass(frozen=True, slots=True)
class Offer:
    """One of the association's own offers."""

    id: int
    night: date
    walkers: int
    start: str
    end: str


@dataclass(frozen=True, slots=True)
class OwnWalk:
    """One of the association's own planned walks."""

    id: int
    night: date
    area_code: str
    area_name: str
    walkers: int
    start: str
    end: str
    meeting_point: str
    reported: bool

    def reportable(self, today: date) -> bool:
        """True when the walk has started (its night is today or past) and has no report."""
        return not self.reported and self.night <= today


def _actor(access: LinkAccess, address: str) -> Actor:
    return Actor(None, access.actor_name, address)


def offers(session: Session, access: LinkAccess, today: date) -> list[Offer]:
    """The association's offers from ``today`` on, by night."""
    rows = session.scalars(
        select(WalkSignup)
        .where(
            WalkSignup.association_id == access.association_id,
            WalkSignup.kommun_code == access.kommun_code,
            WalkSignup.night >= today,
        )
        .order_by(WalkSignup.night, WalkSignup.id)
    )
    return [Offer(s.id, s.night, s.walkers, s.start_time, s.end_time) for s in rows]


def offer_night(
    session: Session,
    access: LinkAccess,
    *,
    night: str,
    walkers: str,
    start: str,
    end: str,
    today: date,
    address: str,
) -> int:
    """Store the association's offer for a night (text as typed); :class:`PlanError`
    with Swedish messages per field (``natt``, ``vandrare``, ``start``, ``slut``) when
    the night is not within the coming :data:`OFFER_WEEKS` weeks, the walkers are not
    1–100, a time is not ``HH:MM`` or the association already offered that night."""
    text = night.strip()
    day = date.fromisoformat(text) if _DAY.fullmatch(text) and _valid_day(text) else None
    last = today + timedelta(weeks=OFFER_WEEKS)
    if day is None or not today <= day <= last:
        raise PlanError({"natt": f"Välj en natt från {today.isoformat()} till {last.isoformat()}."})
    count = int(walkers.strip()) if _WALKERS.fullmatch(walkers.strip()) else 0
    signup = add_signup(
        session,
        access.kommun_code,
        association_id=access.association_id,
        night=day,
        walkers=count,
        start=start.strip(),
        end=end.strip(),
    )
    record(
        session,
        "association.offered",
        actor=_actor(access, address),
        target=access.kommun_code,
        details={"association": access.association_id, "signup": signup},
    )
    return signup


def _valid_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def withdraw_offer(
    session: Session, access: LinkAccess, signup_id: int, *, today: date, address: str
) -> None:
    """Withdraw one of the association's own offers for today or later;
    :class:`NotYours` for anything else (another association's, a past night's)."""
    signup = session.get(WalkSignup, signup_id)
    if (
        signup is None
        or signup.association_id != access.association_id
        or signup.kommun_code != access.kommun_code
        or signup.night < today
    ):
        raise NotYours(signup_id)
    session.delete(signup)
    record(
        session,
        "association.withdrawn",
        actor=_actor(access, address),
        target=access.kommun_code,
        details={"association": access.association_id, "signup": signup_id},
    )
    session.flush()


def own_walks(session: Session, access: LinkAccess, today: date) -> list[OwnWalk]:
    """The association's planned walks from :data:`PAST_DAYS` back to
    :data:`OFFER_WEEKS` ahead, by night, each marked reported or not."""
    walks = list(
        session.scalars(
            select(PlannedWalk)
            .where(
                PlannedWalk.association_id == access.association_id,
                PlannedWalk.kommun_code == access.kommun_code,
                PlannedWalk.night.between(
                    today - timedelta(days=PAST_DAYS), today + timedelta(weeks=OFFER_WEEKS)
                ),
            )
            .order_by(PlannedWalk.night, PlannedWalk.id)
        )
    )
    reported = set(
        session.scalars(
            select(WalkReport.planned_walk_id).where(
                WalkReport.planned_walk_id.in_([w.id for w in walks])
            )
        )
    )
    return [
        OwnWalk(
            w.id,
            w.night,
            w.area.code,
            w.area.name,
            w.walkers,
            w.start_time,
            w.end_time,
            w.meeting_point,
            w.id in reported,
        )
        for w in walks
    ]


def own_walk(session: Session, access: LinkAccess, walk_id: int, today: date) -> OwnWalk:
    """One of the association's listed planned walks; :class:`NotYours` otherwise."""
    for walk in own_walks(session, access, today):
        if walk.id == walk_id:
            return walk
    raise NotYours(walk_id)


def report_key(walk_id: int) -> str:
    """The one-time key of a planned walk's report through a link (``walk_report.form_key``
    is unique): a second tap racing the first cannot store a second report, even where
    both passed the "already reported" check (PostgreSQL's concurrent transactions)."""
    return f"forening-vandring:{walk_id}"


def file_report(
    session: Session,
    access: LinkAccess,
    walk_id: int,
    *,
    fields: Mapping[str, str],
    seen: Sequence[Sequence[str]],
    categories: Mapping[str, str],
    today: date,
    address: str,
) -> dict[str, str]:
    """File the walk report of one of the association's own planned walks: ``fields``
    ``start``, ``slut``, ``vandrare``, ``stamning``, ``anteckning`` as typed, ``seen``
    rows of (category, count) in the walk's area. Returns {} when stored, else
    {field: Swedish message} (nothing stored). :class:`NotYours` for a walk that is not
    the association's; a walk not yet started or already reported is refused per field."""
    walk = own_walk(session, access, walk_id, today)
    if walk.reported:
        return {"planerad": "vandringen är redan rapporterad"}
    if not walk.reportable(today):
        return {"planerad": "vandringen kan rapporteras från och med kvällen den gäller"}
    checked, errors = validate_walk(
        walked_on=walk.night.isoformat(),
        areas=[walk.area_code],
        start=fields.get("start", ""),
        end=fields.get("slut", ""),
        walkers=fields.get("vandrare", ""),
        rating=fields.get("stamning", ""),
        seen=[(row[0], "", row[1]) for row in seen],  # the one walked area
        note=fields.get("anteckning", ""),
        categories=categories,
        today=today,
    )
    if checked is None:
        return errors
    try:
        report = store_walk(
            session,
            checked,
            user_id=None,
            kommun_code=access.kommun_code,
            planned_walk_id=walk.id,
            walker=access.walker,
            key=report_key(walk.id),
        )
    except AlreadySaved:
        return {"planerad": "vandringen är redan rapporterad"}
    except PermissionError as refused:
        return {getattr(refused, "field", "planerad"): str(refused)}
    record(
        session,
        "association.reported",
        actor=_actor(access, address),
        target=access.kommun_code,
        details={"association": access.association_id, "walk": walk.id, "report": report.id},
    )
    return {}
