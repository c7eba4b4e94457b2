"""Cases as their people see them: the list, one case, and every write to a case.

Each function goes through :func:`data.consent.access.load_case` (the expiry check,
then the access check) and decides per role what may be done:

* the case's **coordinator** reads and writes everything: observations and plan items
  for any covered party, meetings, signals, the consent (:mod:`data.consent.ledger`);
* a named **party** reads the case, adds observations for its own organisation(s) and
  adds and updates the plan items of its own party — no meetings, no signals, no
  consent changes.

Every read (the list, a case) and every write is an audit row — who, when, what kind,
the case ref; never a name, a text or a birth date. Decrypted values exist only in the
views returned here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from data.access.audit import Actor, record
from data.access.scope import AccessDenied
from data.consent.access import (
    CaseRole,
    case_organisations,
    case_role,
    consent_of,
    expire_if_due,
    load_case,
    party_organisations,
)
from data.consent.case_writes import (
    add_meeting,
    add_observation,
    add_plan_item,
    set_signals,
    update_plan_item,
)
from data.consent.crypto import CaseCipher
from data.consent.vocabulary import (
    ACTIVE,
    CONSENT_STATUSES,
    PARTIES,
    PLAN_DONE,
)
from data.storage.consent_models import (
    SspfCase,
    SspfChild,
    SspfMeeting,
    SspfObservation,
    SspfParty,
    SspfPlanItem,
    SspfSignal,
)
from data.storage.models import User
from data.vocabulary import label_of

# The writes live in data.consent.case_writes (module size); callers import them from here.
__all__ = [
    "CaseSummary",
    "CaseView",
    "MeetingView",
    "ObservationView",
    "PartyView",
    "PlanItemView",
    "SignalView",
    "add_meeting",
    "add_observation",
    "add_plan_item",
    "export_plan",
    "list_cases",
    "read_case",
    "set_signals",
    "update_plan_item",
]


@dataclass(frozen=True)
class PartyView:
    """A party the consent covers: organisation, named person (username) and label."""

    organisation: str
    organisation_label: str
    user_id: int | None
    username: str
    label: str


@dataclass(frozen=True)
class SignalView:
    """A risk or protective signal: code, which party noted it, when."""

    code: str
    party: str
    noted_on: date


@dataclass(frozen=True)
class ObservationView:
    """An observation: party, date, text, who recorded it (username)."""

    id: int
    party: str
    observed_on: date
    text: str
    recorded_by: str


@dataclass(frozen=True)
class MeetingView:
    """A meeting: kind, date, notes, a follow-up's decision (empty when none)."""

    id: int
    kind: str
    held_on: date
    notes: str
    decision: str


@dataclass(frozen=True)
class PlanItemView:
    """An item of the åtagandeplan."""

    id: int
    party: str
    what: str
    due_on: date | None
    follow_up_on: date | None
    status: str


@dataclass(frozen=True)
class CaseSummary:
    """A case in the viewer's list (the child's name shown only there and on the case)."""

    ref: str
    status_label: str
    opened_on: date
    valid_until: date
    child_name: str
    role: CaseRole
    next_follow_up: date | None


@dataclass(frozen=True)
class CaseView:
    """Everything of one case its viewer may see, decrypted."""

    ref: str
    kommun_code: str
    role: CaseRole
    child_name: str
    birth_date: date
    background: str
    guardians: tuple[str, ...]
    signed_on: date
    valid_until: date
    consent_status: str
    parties: tuple[PartyView, ...]
    signals: tuple[SignalView, ...]
    observations: tuple[ObservationView, ...]
    meetings: tuple[MeetingView, ...]
    plan: tuple[PlanItemView, ...]
    coordinator_name: str
    own_organisations: tuple[str, ...] = ()
    """The organisations the viewer may write for: a party's own, every covered one
    for the coordinator."""


def _usernames(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.username).where(User.id.in_(wanted)))
    return {row.id: row.username for row in rows}


def _next_follow_up(session: Session, case: SspfCase) -> date | None:
    dates = session.scalars(
        select(SspfPlanItem.follow_up_on).where(
            SspfPlanItem.case_id == case.id,
            SspfPlanItem.follow_up_on.is_not(None),
            SspfPlanItem.status.not_in(PLAN_DONE),
        )
    )
    return min((d for d in dates if d is not None), default=None)


def _candidates(session: Session, user_id: int) -> list[SspfCase]:
    named = select(SspfParty.case_id).where(SspfParty.user_id == user_id)
    return list(
        session.scalars(
            select(SspfCase)
            .where(
                SspfCase.status == ACTIVE,
                or_(SspfCase.coordinator_id == user_id, SspfCase.id.in_(named)),
            )
            .order_by(SspfCase.opened_on.desc(), SspfCase.id.desc())
        )
    )


def list_cases(
    session: Session,
    user_id: int,
    today: date,
    actor: Actor,
    *,
    cipher: CaseCipher,
    instance_folder: Path,
) -> list[CaseSummary]:
    """The active cases the user may see, newest first, with the child's name.

    Each case's consent is checked first: an expired one is torn up (committed) and
    left out. Audited once as ``sspf.cases_listed`` with the refs shown."""
    summaries: list[CaseSummary] = []
    for case in _candidates(session, user_id):
        role = case_role(session, user_id, case)
        if role is None:
            continue
        expired = expire_if_due(
            session, case, today, actor, cipher=cipher, instance_folder=instance_folder
        )
        if expired is not None:
            continue
        consent = consent_of(session, case)
        child = session.get(SspfChild, case.id)
        if consent is None or child is None:
            continue
        summaries.append(
            CaseSummary(
                ref=case.ref,
                status_label=label_of(CONSENT_STATUSES, consent.status),
                opened_on=case.opened_on,
                valid_until=consent.valid_until,
                child_name=cipher.decrypt(child.name_enc),
                role=role,
                next_follow_up=_next_follow_up(session, case),
            )
        )
    record(
        session,
        "sspf.cases_listed",
        actor=actor,
        details={"refs": [s.ref for s in summaries]},
    )
    return summaries


def _parties(session: Session, case: SspfCase, cipher: CaseCipher) -> tuple[PartyView, ...]:
    rows = list(
        session.scalars(
            select(SspfParty).where(SspfParty.case_id == case.id).order_by(SspfParty.id)
        )
    )
    names = _usernames(session, {row.user_id for row in rows})
    return tuple(
        PartyView(
            organisation=row.organisation,
            organisation_label=label_of(PARTIES, row.organisation),
            user_id=row.user_id,
            username=names.get(row.user_id, "") if row.user_id is not None else "",
            label=cipher.decrypt_optional(row.label_enc),
        )
        for row in rows
    )


def _observations(
    session: Session, case: SspfCase, cipher: CaseCipher
) -> tuple[ObservationView, ...]:
    rows = list(
        session.scalars(
            select(SspfObservation)
            .where(SspfObservation.case_id == case.id)
            .order_by(SspfObservation.observed_on.desc(), SspfObservation.id.desc())
        )
    )
    names = _usernames(session, {row.recorded_by for row in rows})
    return tuple(
        ObservationView(
            id=row.id,
            party=row.party,
            observed_on=row.observed_on,
            text=cipher.decrypt(row.text_enc),
            recorded_by=names.get(row.recorded_by, "") if row.recorded_by is not None else "",
        )
        for row in rows
    )


def _meetings(session: Session, case: SspfCase, cipher: CaseCipher) -> tuple[MeetingView, ...]:
    rows = session.scalars(
        select(SspfMeeting)
        .where(SspfMeeting.case_id == case.id)
        .order_by(SspfMeeting.held_on, SspfMeeting.id)
    )
    return tuple(
        MeetingView(
            id=row.id,
            kind=row.kind,
            held_on=row.held_on,
            notes=cipher.decrypt_optional(row.notes_enc),
            decision=row.decision or "",
        )
        for row in rows
    )


def plan_items(session: Session, case: SspfCase, cipher: CaseCipher) -> tuple[PlanItemView, ...]:
    """The case's åtagandeplan, decrypted, in the order the items were added."""
    rows = session.scalars(
        select(SspfPlanItem).where(SspfPlanItem.case_id == case.id).order_by(SspfPlanItem.id)
    )
    return tuple(
        PlanItemView(
            id=row.id,
            party=row.party,
            what=cipher.decrypt(row.what_enc),
            due_on=row.due_on,
            follow_up_on=row.follow_up_on,
            status=row.status,
        )
        for row in rows
    )


def read_case(
    session: Session,
    user_id: int,
    ref: str,
    today: date,
    actor: Actor,
    *,
    cipher: CaseCipher,
    instance_folder: Path,
) -> CaseView:
    """The whole case ``ref`` for its coordinator or a named party, decrypted.

    :class:`AccessDenied` for anyone else, and for everyone once the consent is no
    longer active (an expired one is torn up here). Audited ``sspf.case_read``."""
    return _audited_view(
        session, user_id, ref, today, actor, "sspf.case_read", cipher, instance_folder
    )


def export_plan(
    session: Session,
    user_id: int,
    ref: str,
    today: date,
    actor: Actor,
    *,
    cipher: CaseCipher,
    instance_folder: Path,
) -> CaseView:
    """The case for the printable åtagandeplan (PDF): like :func:`read_case`, for the
    same people, audited ``sspf.plan_exported`` instead."""
    return _audited_view(
        session, user_id, ref, today, actor, "sspf.plan_exported", cipher, instance_folder
    )


def _audited_view(
    session: Session,
    user_id: int,
    ref: str,
    today: date,
    actor: Actor,
    action: str,
    cipher: CaseCipher,
    instance_folder: Path,
) -> CaseView:
    case, role = load_case(
        session, user_id, ref, today, actor, cipher=cipher, instance_folder=instance_folder
    )
    consent = consent_of(session, case)
    child = session.get(SspfChild, case.id)
    if consent is None or child is None:
        raise AccessDenied("Ärendets uppgifter saknas.")
    signals = session.scalars(
        select(SspfSignal)
        .where(SspfSignal.case_id == case.id)
        .order_by(SspfSignal.code, SspfSignal.party)
    )
    coordinator = session.get(User, case.coordinator_id) if case.coordinator_id else None
    view = CaseView(
        ref=case.ref,
        kommun_code=case.kommun_code,
        role=role,
        child_name=cipher.decrypt(child.name_enc),
        birth_date=date.fromisoformat(cipher.decrypt(child.birth_date_enc)),
        background=cipher.decrypt_optional(child.background_enc),
        guardians=tuple(cipher.decrypt_list(consent.guardians_enc)),
        signed_on=consent.signed_on,
        valid_until=consent.valid_until,
        consent_status=consent.status,
        parties=_parties(session, case, cipher),
        signals=tuple(SignalView(s.code, s.party, s.noted_on) for s in signals),
        observations=_observations(session, case, cipher),
        meetings=_meetings(session, case, cipher),
        plan=plan_items(session, case, cipher),
        coordinator_name=coordinator.username if coordinator is not None else "",
        own_organisations=tuple(
            sorted(
                case_organisations(session, case)
                if role is CaseRole.COORDINATOR
                else party_organisations(session, user_id, case)
            )
        ),
    )
    record(
        session,
        action,
        actor=actor,
        target=case.ref,
        details={"role": role.value},
    )
    return view
