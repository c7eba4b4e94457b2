"""Actions (*åtgärder*) decided at the weekly SSP meeting: add, change status and
follow-up, list per week, summarise per period.

Who may do what is decided here, so every caller (page, CLI, tests) gets it:

* a **coordinator** of the kommun adds actions for any owner organisation and changes
  every action of the kommun;
* a **police area coordinator** *owns* an action when its owner organisation is
  ``polis`` and at least one of its areas lies in their assigned areas (an assigned
  area, an area inside one, or a member of an assigned own area). They see and change
  (status, follow-up note) only the actions they own, and may add an action only for
  ``polis`` in their own areas — never one for another organisation or outside them;
* every other role gets :class:`~data.access.scope.AccessDenied`.

An action is carried from week to week until it is closed: it appears on the page of
every week from the week it was decided, up to and including the week it was closed
(``closed_at``, a Swedish calendar day). The what-text and the follow-up note are free
text and pass the PII guard (:mod:`data.privacy.pii`); the audit rows name the action,
its kommun, owner, areas and status — never the texts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from data.access.audit import Actor, record
from data.access.scope import (
    AccessDenied,
    BadSelection,
    Viewer,
    police_coverage,
    require_kommun,
)
from data.briefing.model import ActionCount
from data.briefing.period import parse_period, week_period
from data.clock import SWEDISH_TIME
from data.privacy.pii import check_text_fields
from data.storage.models import Area, AreaMember, WeeklyAction, utcnow
from data.vocabulary import Term, codes

ACTION_STATUSES: Final[tuple[Term, ...]] = (
    Term("oppen", "Öppen"),
    Term("pagar", "Pågår"),
    Term("klar", "Klar"),
)
OPEN: Final = "oppen"
CLOSED: Final = "klar"
ACTION_OWNERS: Final[tuple[Term, ...]] = (
    Term("skola", "Skola"),
    Term("socialtjanst", "Socialtjänst"),
    Term("polis", "Polis"),
    Term("fritid", "Fritid"),
    Term("falt", "Fält"),
    Term("kommunen", "Kommunen/SSP"),
    Term("forening", "Förening"),
)
POLICE_OWNER: Final = "polis"
WHAT_FIELD: Final = "Vad ska göras"
NOTE_FIELD: Final = "Uppföljning"
MAX_WHAT: Final = 280
MAX_NOTE: Final = 500


class ActionRejected(ValueError):
    """An action that cannot be stored: field label → Swedish message (never the text)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class ActionRow:
    """One action as the weekly page lists it (for a viewer who may see it)."""

    id: int
    what: str
    owner: str
    area_codes: tuple[str, ...]
    area_names: tuple[str, ...]
    due_on: date | None
    status: str
    follow_up: str
    week_decided: str
    closed_on: date | None
    may_edit: bool


def _clean(text: str) -> str:
    kept = "".join(c for c in text.replace("\r\n", "\n") if c.isprintable() or c == "\n")
    return kept.strip()


def _checked_texts(values: dict[str, tuple[str, int]]) -> dict[str, str]:
    """Each (text, limit) cleaned, or :class:`ActionRejected` (too long, personal data)."""
    texts = {field: _clean(text) for field, (text, _limit) in values.items()}
    errors = {
        field: f'Fältet "{field}" får vara högst {limit} tecken.'
        for field, (_text, limit) in values.items()
        if len(texts[field]) > limit
    }
    errors |= {f: m for f, m in check_text_fields(texts).items() if f not in errors}
    if errors:
        raise ActionRejected(errors)
    return texts


def _swedish_day(moment: datetime | None) -> date | None:
    if moment is None:
        return None
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(SWEDISH_TIME).date()


def _week_start_utc(monday: date) -> datetime:
    return datetime.combine(monday, time(0), tzinfo=SWEDISH_TIME).astimezone(UTC)


def scoped_area_ids(session: Session, viewer: Viewer) -> frozenset[int] | None:
    """The area ids a police viewer covers (:func:`data.access.scope.police_coverage`
    over the kommun's areas: assigned areas, areas inside them, members of assigned own
    areas); ``None`` for roles that see the whole kommun."""
    if viewer.role != "police_area":
        return None
    rows = session.execute(
        select(Area.id, Area.code, Area.parent_id).where(Area.kommun_code == viewer.kommun_code)
    ).all()
    inside = {row.id for row in rows}
    children: dict[int, list[int]] = {}
    for row in rows:
        if row.parent_id in inside:
            children.setdefault(row.parent_id, []).append(row.id)
    members: dict[int, list[int]] = {}
    for owner, member in session.execute(select(AreaMember.area_id, AreaMember.member_id)):
        if owner in inside and member in inside:
            members.setdefault(owner, []).append(member)
    assigned = [row.id for row in rows if row.code in viewer.area_codes]
    return police_coverage(assigned, children, members)


def _owns(action: WeeklyAction, scoped: frozenset[int] | None) -> bool:
    """True when a viewer with this scope may see and change the action."""
    if scoped is None:
        return True
    return action.owner == POLICE_OWNER and any(a.id in scoped for a in action.areas)


def _require_actor_role(viewer: Viewer, kommun: str) -> None:
    require_kommun(viewer, kommun)
    if viewer.role not in ("coordinator", "police_area") or viewer.kommun_code != kommun:
        msg = "bara samordnare och kommunpolis i kommunen arbetar med åtgärderna"
        raise AccessDenied(msg)


def _areas(session: Session, kommun: str, area_codes: Iterable[str]) -> list[Area]:
    wanted = sorted(set(area_codes))
    areas = list(
        session.scalars(select(Area).where(Area.code.in_(wanted), Area.kommun_code == kommun))
    )
    if not wanted or len(areas) != len(wanted):
        msg = "Välj ett eller flera områden i kommunen."
        raise ActionRejected({"Områden": msg})
    return areas


def add_action(
    session: Session,
    viewer: Viewer,
    actor: Actor,
    *,
    kommun: str,
    what: str,
    owner: str,
    area_codes: Sequence[str],
    due_on: date | None,
    week: str,
    today: date,
    now: datetime | None = None,
) -> int:
    """Store a decided action (status "öppen") and its audit row; returns its id.

    Refuses (AccessDenied) another kommun, a role other than coordinator and police,
    and a police viewer adding an action for another owner or outside their areas;
    (ActionRejected) an empty, too long or personal what-text, an unknown owner, no
    or unknown areas; (BadSelection) a malformed week or one that has not begun.
    """
    _require_actor_role(viewer, kommun)
    decided = parse_period(week)
    if decided.kind != "week" or decided.first_day > today:
        msg = "Välj en vecka som har börjat."
        raise BadSelection(msg)
    texts = _checked_texts({WHAT_FIELD: (what, MAX_WHAT)})
    if not texts[WHAT_FIELD]:
        raise ActionRejected({WHAT_FIELD: "Skriv vad som ska göras."})
    if owner not in codes(ACTION_OWNERS):
        raise ActionRejected({"Ansvarig": "Välj en ansvarig organisation ur listan."})
    areas = _areas(session, kommun, area_codes)
    scoped = scoped_area_ids(session, viewer)
    if scoped is not None and (owner != POLICE_OWNER or not all(a.id in scoped for a in areas)):
        msg = "polisen kan bara besluta åtgärder som polisen äger, i sina egna områden"
        raise AccessDenied(msg)
    now = now or utcnow()  # the app's clock from a request (``SSP_TODAY`` in a demo)
    action = WeeklyAction(
        kommun_code=kommun,
        what=texts[WHAT_FIELD],
        owner=owner,
        due_on=due_on,
        status="oppen",
        follow_up="",
        week_decided=decided.code,
        created_by_id=actor.user_id,
        created_at=now,
        updated_at=now,
        areas=areas,
    )
    session.add(action)
    session.flush()
    record(
        session,
        "action.created",
        actor=actor,
        target=f"åtgärd {action.id}",
        details={
            "kommun": kommun,
            "owner": owner,
            "week": decided.code,
            "areas": sorted(a.code for a in areas),
        },
    )
    return action.id


def update_action(
    session: Session,
    viewer: Viewer,
    actor: Actor,
    action_id: int,
    *,
    status: str,
    follow_up: str,
    now: datetime | None = None,
) -> None:
    """Change an action's status and follow-up note (PII-guarded) and audit it.

    Closing ("klar") records when; reopening clears it. Refuses (AccessDenied) an
    action of another kommun or, for the police, one they do not own — told apart
    from a missing action only by the message; (ActionRejected) an unknown status or
    a note that is too long or holds personal data.
    """
    action = session.get(WeeklyAction, action_id)
    if action is None or not viewer.may_see_kommun(action.kommun_code):
        raise AccessDenied("åtgärden finns inte i din kommun")
    _require_actor_role(viewer, action.kommun_code)
    if not _owns(action, scoped_area_ids(session, viewer)):
        raise AccessDenied("du kan bara ändra åtgärder som din organisation äger")
    if status not in codes(ACTION_STATUSES):
        raise ActionRejected({"Status": "Välj status: öppen, pågår eller klar."})
    note = _checked_texts({NOTE_FIELD: (follow_up, MAX_NOTE)})[NOTE_FIELD]
    now = now or utcnow()  # the app's clock from a request (``SSP_TODAY`` in a demo)
    if status == CLOSED and action.status != CLOSED:
        action.closed_at = now
    elif status != CLOSED:
        action.closed_at = None
    changed_note = note != action.follow_up
    action.status, action.follow_up, action.updated_at = status, note, now
    session.flush()
    record(
        session,
        "action.changed",
        actor=actor,
        target=f"åtgärd {action.id}",
        details={"kommun": action.kommun_code, "status": status, "note_changed": changed_note},
    )


def _active_in(
    session: Session, kommun: str, first_monday: date, last_monday: date
) -> list[WeeklyAction]:
    """Actions decided in or before the last week and not closed before the first."""
    last_code = week_period(last_monday).code
    return list(
        session.scalars(
            select(WeeklyAction)
            .where(
                WeeklyAction.kommun_code == kommun,
                WeeklyAction.week_decided <= last_code,
                or_(
                    WeeklyAction.closed_at.is_(None),
                    WeeklyAction.closed_at >= _week_start_utc(first_monday),
                ),
            )
            .order_by(WeeklyAction.due_on.is_(None), WeeklyAction.due_on, WeeklyAction.id)
        )
    )


def _row(action: WeeklyAction, may_edit: bool) -> ActionRow:
    areas = sorted(action.areas, key=lambda a: a.code)
    return ActionRow(
        id=action.id,
        what=action.what,
        owner=action.owner,
        area_codes=tuple(a.code for a in areas),
        area_names=tuple(a.name for a in areas),
        due_on=action.due_on,
        status=action.status,
        follow_up=action.follow_up,
        week_decided=action.week_decided,
        closed_on=_swedish_day(action.closed_at),
        may_edit=may_edit,
    )


def actions_for_week(session: Session, viewer: Viewer, kommun: str, week: str) -> list[ActionRow]:
    """The actions on ``week``'s page: decided that week or earlier and open, or closed
    in that week or later; for the police only those they own. Open ones first."""
    _require_actor_role(viewer, kommun)
    period = parse_period(week)
    if period.kind != "week":
        msg = "Välj en vecka."
        raise BadSelection(msg)
    scoped = scoped_area_ids(session, viewer)
    rows = [
        _row(a, True)
        for a in _active_in(session, kommun, period.first_monday, period.first_monday)
        if _owns(a, scoped)
    ]
    return sorted(rows, key=lambda r: r.status == CLOSED)


def status_at(action: WeeklyAction, moment: datetime) -> str:
    """The action's status as it stood at ``moment``: one closed later was not yet done
    then ("öppen" — whether it was "pågår" at the time is not recorded), so a briefing of
    an earlier period never counts it as closed."""
    closed = action.closed_at
    if action.status == CLOSED and closed is not None:
        aware = closed if closed.tzinfo is not None else closed.replace(tzinfo=UTC)
        if aware >= moment:
            return OPEN
    return action.status


def action_summary(
    session: Session, kommun: str, first_monday: date, last_monday: date, *, titles: bool
) -> tuple[ActionCount, ...]:
    """Actions active in the weeks ``first_monday``..``last_monday`` counted per status
    and owner (the team's own work: no youth is counted). ``titles`` adds the
    what-texts (coordinators only; leadership never reads free text)."""
    groups: dict[tuple[str, str], list[str]] = {}
    period_end = _week_start_utc(last_monday + timedelta(weeks=1))
    for action in _active_in(session, kommun, first_monday, last_monday):
        groups.setdefault((status_at(action, period_end), action.owner), []).append(action.what)
    order = {code: i for i, code in enumerate(codes(ACTION_STATUSES))}
    return tuple(
        ActionCount(status, owner, len(whats), tuple(whats) if titles else ())
        for (status, owner), whats in sorted(
            groups.items(), key=lambda item: (order[item[0][0]], item[0][1])
        )
    )


def week_of(day: date) -> str:
    """The ISO week code (``2026-W49``) of a calendar day."""
    return week_period(day - timedelta(days=day.weekday())).code
