"""Police partnership: the walk plan and parent meetings as the police area coordinator
sees them — only in their areas — and their review (agreed, or a comment) of a week's plan.

Which areas: :func:`plan_areas` takes the one scope rule of the aggregates
(:func:`data.access.scope.areas_in_scope`): an assigned area and everything inside it
(its children down the hierarchy, the DeSO/RegSO members of an assigned own area). A
walk in a coarser area that merely *contains* an assigned one (the whole kommun, the
RegSO around an assigned DeSO) is not shown: it would cover areas outside the scope.

An agreement keeps what was agreed: the walks the reviewer saw (night, area, times,
walkers), the areas they saw, and the walks' SHA-256 (a check value of the record). The
plan is compared on that content, not on walk ids (saving a schedule re-creates its
walks), so re-saving the same plan keeps the agreement and any real change — a walk added,
removed, moved or re-timed — shows as "changed after". The comparison stays inside the
reader's areas now (:func:`review_state` ``within``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from data.access.audit import Actor, record
from data.access.scope import AccessDenied, Selection, Viewer, areas_in_scope, require_kommun
from data.counts.cube import CountCube, monday_of
from data.planning.registry import PlanError
from data.privacy.pii import find_pii, pii_message
from data.storage.models import Area, ParentMeeting, PlannedWalk, PlanReview

MAX_COMMENT: Final = 500
REVIEW_KINDS: Final = ("agreed", "comment")
MAX_WEEKS_AWAY: Final = 53
"""A week to review lies within a year of today."""

WalkKey = tuple[str, str, str, str, int]
"""(night ISO date, area code, start, end, walkers): what an agreement is about."""


@dataclass(frozen=True, slots=True)
class PlanWalk:
    """A planned walk as the partnership page shows it."""

    id: int
    night: date
    area_code: str
    area_name: str
    start: str
    end: str
    walkers: int
    association: str
    meeting_point: str

    @property
    def key(self) -> WalkKey:
        return (self.night.isoformat(), self.area_code, self.start, self.end, self.walkers)


@dataclass(frozen=True, slots=True)
class PlanMeeting:
    """A parent meeting as the partnership page shows it."""

    held_on: date
    area_code: str
    area_name: str
    place: str
    theme: str
    follow_up_on: date | None


@dataclass(frozen=True, slots=True)
class Agreement:
    """One reviewer's newest agreement of a week, compared with the plan now."""

    username: str
    at: datetime
    walks: int
    changed: bool
    added: tuple[WalkKey, ...]
    """Walks in the plan now that were not agreed."""
    removed: tuple[WalkKey, ...]
    """Agreed walks no longer in the plan."""


@dataclass(frozen=True, slots=True)
class Comment:
    """A reviewer's comment on a week's plan."""

    username: str
    at: datetime
    text: str


@dataclass(frozen=True, slots=True)
class ReviewState:
    """A week's agreements (newest per reviewer) and comments (newest first)."""

    agreements: tuple[Agreement, ...]
    comments: tuple[Comment, ...]


def plan_areas(cube: CountCube, viewer: Viewer, kommun: str) -> frozenset[str] | None:
    """The area codes of ``kommun`` whose walks and meetings ``viewer`` may see; None
    means the whole kommun (coordinators). :class:`AccessDenied` for another kommun."""
    require_kommun(viewer, kommun)
    if viewer.role != "police_area":
        return None
    selection = Selection(kommun, "kommun", cube.last_monday, cube.last_monday)
    mask = areas_in_scope(cube, selection, viewer)
    return frozenset(c for c, shown in zip(cube.areas.codes, mask, strict=True) if shown)


def check_week(monday: date, *, today: date) -> date:
    """``monday`` when it is a Monday within a year of ``today``, else :class:`PlanError`."""
    if monday.weekday() or abs((monday - monday_of(today)).days) > 7 * MAX_WEEKS_AWAY:
        raise PlanError({"vecka": "Välj en vecka inom ett år."})
    return monday


def _in_areas(areas: Collection[str] | None) -> list[ColumnElement[bool]]:
    return [] if areas is None else [Area.code.in_(sorted(areas))]


def week_walks(
    session: Session, kommun: str, monday: date, areas: Collection[str] | None
) -> list[PlanWalk]:
    """The saved walks of the ISO week starting ``monday`` in ``areas`` (None: all)."""
    rows = session.scalars(
        select(PlannedWalk)
        .join(Area, PlannedWalk.area_id == Area.id)
        .where(
            PlannedWalk.kommun_code == kommun,
            PlannedWalk.night.between(monday, monday + timedelta(days=6)),
            *_in_areas(areas),
        )
        .order_by(PlannedWalk.night, Area.code, PlannedWalk.start_time, PlannedWalk.id)
    )
    return [
        PlanWalk(
            w.id,
            w.night,
            w.area.code,
            w.area.name,
            w.start_time,
            w.end_time,
            w.walkers,
            w.association.name if w.association else "",
            w.meeting_point,
        )
        for w in rows
    ]


def week_meetings(
    session: Session, kommun: str, monday: date, areas: Collection[str] | None
) -> list[PlanMeeting]:
    """Parent meetings held in the ISO week starting ``monday`` in ``areas`` (None: all)."""
    rows = session.scalars(
        select(ParentMeeting)
        .join(Area, ParentMeeting.area_id == Area.id)
        .where(
            ParentMeeting.kommun_code == kommun,
            ParentMeeting.held_on.between(monday, monday + timedelta(days=6)),
            *_in_areas(areas),
        )
        .order_by(ParentMeeting.held_on, Area.code, ParentMeeting.id)
    )
    return [
        PlanMeeting(m.held_on, m.area.code, m.area.name, m.place, m.theme, m.follow_up_on)
        for m in rows
    ]


def fingerprint(keys: Collection[WalkKey]) -> str:
    """SHA-256 of the walks' content (order does not matter)."""
    text = json.dumps(sorted(list(k) for k in keys), separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def clean_comment(text: str, *, required: bool) -> str:
    """A comment without runs of white space, at most :data:`MAX_COMMENT` characters and
    without personal data; :class:`PlanError` otherwise (the text is never echoed)."""
    clean = " ".join(text.split())
    if required and not clean:
        raise PlanError({"kommentar": "Skriv en kommentar."})
    if len(clean) > MAX_COMMENT:
        raise PlanError({"kommentar": f"Högst {MAX_COMMENT} tecken."})
    if findings := find_pii(clean):
        raise PlanError({"kommentar": pii_message("kommentar", findings)})
    return clean


def review_plan(
    session: Session,
    viewer: Viewer,
    actor: Actor,
    kommun: str,
    monday: date,
    *,
    kind: str,
    comment: str,
    areas: frozenset[str] | None,
    today: date,
) -> int:
    """Record a police area coordinator's agreement or comment on the week's walk plan
    in ``areas`` (their :func:`plan_areas`), audited; the row's id.

    Only ``police_area`` viewers of ``kommun`` review (:class:`AccessDenied`). An
    agreement needs at least one walk and keeps what was agreed; a comment needs text.
    """
    if viewer.role != "police_area" or actor.user_id is None or areas is None:
        raise AccessDenied("bara polisens områdessamordnare godkänner veckans plan")
    require_kommun(viewer, kommun)
    if kind not in REVIEW_KINDS:
        raise PlanError({"vecka": "Okänt svar."})
    check_week(monday, today=today)
    text = clean_comment(comment, required=kind == "comment")
    walks = [w.key for w in week_walks(session, kommun, monday, areas)] if kind == "agreed" else []
    if kind == "agreed" and not walks:
        raise PlanError({"vecka": "Det finns inga planerade vandringar i dina områden den veckan."})
    review = PlanReview(
        kommun_code=kommun,
        week_monday=monday,
        user_id=actor.user_id,
        username=actor.username[:64],
        kind=kind,
        comment=text,
        areas=json.dumps(sorted(areas)),
        walks=json.dumps(walks),
        plan_sha256=fingerprint(walks) if walks else "",
    )
    session.add(review)
    session.flush()
    action = "police.plan_agreed" if kind == "agreed" else "police.plan_commented"
    record(
        session,
        action,
        actor=actor,
        target=kommun,
        details={"week": monday.isoformat(), "review": review.id},
    )
    return review.id


def _keys(text: str) -> set[WalkKey]:
    return {(str(n), str(a), str(s), str(e), int(w)) for n, a, s, e, w in json.loads(text)}


def review_state(
    session: Session,
    kommun: str,
    monday: date,
    *,
    user_id: int | None = None,
    within: Collection[str] | None = None,
) -> ReviewState:
    """The week's agreements, each compared with the plan now (in the areas its reviewer
    saw), and its comments; only ``user_id``'s own when given (a police user sees their
    own reviews; coordinators see everyone's). With ``within`` (the reader's areas now)
    the comparison and the walks it lists stay inside them, even when the reviewer's
    areas were wider when they agreed."""
    query = select(PlanReview).where(
        PlanReview.kommun_code == kommun, PlanReview.week_monday == monday
    )
    if user_id is not None:
        query = query.where(PlanReview.user_id == user_id)
    rows = list(session.scalars(query.order_by(PlanReview.created_at.desc(), PlanReview.id.desc())))
    newest: dict[str, PlanReview] = {}
    for row in rows:
        if row.kind == "agreed":
            newest.setdefault(row.username, row)
    agreements = []
    for row in newest.values():
        areas = set(json.loads(row.areas))
        if within is not None:
            areas &= set(within)
        agreed = {k for k in _keys(row.walks) if k[1] in areas}
        now = {w.key for w in week_walks(session, kommun, monday, areas)}
        agreements.append(
            Agreement(
                row.username,
                row.created_at,
                len(agreed),
                now != agreed,
                tuple(sorted(now - agreed)),
                tuple(sorted(agreed - now)),
            )
        )
    comments = tuple(Comment(r.username, r.created_at, r.comment) for r in rows if r.comment)
    return ReviewState(tuple(agreements), comments)
