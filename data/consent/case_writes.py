"""Writes to a case: observations, meetings, signals, the åtagandeplan.

Import them from :mod:`data.consent.cases` (this module only keeps that one short).
Each goes through :func:`data.consent.access.load_case` — no write without an active
consent — then the role's permission, then the fields (:class:`ConsentError`), then
one audit row ``sspf.case_written`` with the kind, never the content.

A party writes only for the organisation(s) it is the named person of; trying another
is :class:`~data.access.scope.AccessDenied`. The coordinator writes for any party the
consent covers; a party outside the consent is a field error.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access.audit import Actor, record
from data.access.scope import AccessDenied
from data.consent.access import (
    CaseRole,
    case_organisations,
    load_case,
    party_organisations,
    require_coordinator,
)
from data.consent.checks import choice_field, not_after, raise_if, text_field
from data.consent.crypto import CaseCipher
from data.consent.vocabulary import DECISIONS, MEETING_KINDS, PARTIES, PLAN_STATUSES, SIGNALS
from data.storage.consent_models import (
    SspfCase,
    SspfMeeting,
    SspfObservation,
    SspfPlanItem,
    SspfSignal,
)
from data.storage.models import utcnow
from data.vocabulary import codes as term_codes

OWN_PARTY_ONLY = "Du kan bara skriva för din egen organisation i ärendet."
NOT_IN_CONSENT = "Parten omfattas inte av samtycket."
NO_ITEM = "Punkten finns inte i ärendets åtagandeplan."


def _open_for_writing(
    session: Session,
    user_id: int,
    ref: str,
    today: date,
    actor: Actor,
    *,
    cipher: CaseCipher,
    instance_folder: Path,
) -> tuple[SspfCase, CaseRole, frozenset[str]]:
    """The case, the role, and the organisations the user may write for."""
    case, role = load_case(
        session, user_id, ref, today, actor, cipher=cipher, instance_folder=instance_folder
    )
    allowed = (
        case_organisations(session, case)
        if role is CaseRole.COORDINATOR
        else party_organisations(session, user_id, case)
    )
    return case, role, allowed


def _check_party(
    errors: dict[str, str], party: str, role: CaseRole, allowed: frozenset[str]
) -> None:
    """A party the user may write for (:class:`AccessDenied` for a party's other
    organisation; a field error for one outside the consent)."""
    if party in allowed:
        return
    if role is CaseRole.PARTY:
        raise AccessDenied(OWN_PARTY_ONLY)
    if party in term_codes(PARTIES):
        errors["party"] = NOT_IN_CONSENT
    else:
        choice_field(errors, "party", "Part", party, PARTIES)


def _written(
    session: Session, actor: Actor, case: SspfCase, role: CaseRole, kind: str, item: int
) -> None:
    record(
        session,
        "sspf.case_written",
        actor=actor,
        target=case.ref,
        details={"kind": kind, "role": role.value, "item": item},
    )


def add_observation(
    session: Session,
    user_id: int,
    ref: str,
    today: date,
    actor: Actor,
    *,
    party: str,
    observed_on: date,
    text: str,
    cipher: CaseCipher,
    instance_folder: Path,
) -> int:
    """Add a party's dated observation (text encrypted); its id. The coordinator or
    the named person of ``party``."""
    case, role, allowed = _open_for_writing(
        session, user_id, ref, today, actor, cipher=cipher, instance_folder=instance_folder
    )
    errors: dict[str, str] = {}
    _check_party(errors, party, role, allowed)
    not_after(errors, "observed_on", "Datum", observed_on, today)
    cleaned = text_field(errors, "text", "Observation", text, required=True)
    raise_if(errors)
    row = SspfObservation(
        case_id=case.id,
        party=party,
        observed_on=observed_on,
        text_enc=cipher.encrypt(cleaned),
        recorded_by=user_id,
    )
    session.add(row)
    session.flush()
    _written(session, actor, case, role, "observation", row.id)
    return row.id


def add_meeting(
    session: Session,
    user_id: int,
    ref: str,
    today: date,
    actor: Actor,
    *,
    kind: str,
    held_on: date,
    notes: str,
    decision: str = "",
    cipher: CaseCipher,
    instance_folder: Path,
) -> int:
    """Add a meeting (intake, family meeting, follow-up, closing) with notes
    (encrypted) and, for a follow-up, the decision; its id. Coordinator only."""
    case, role, _allowed = _open_for_writing(
        session, user_id, ref, today, actor, cipher=cipher, instance_folder=instance_folder
    )
    require_coordinator(role)
    errors: dict[str, str] = {}
    choice_field(errors, "kind", "Mötestyp", kind, MEETING_KINDS)
    if decision:
        choice_field(errors, "decision", "Beslut", decision, DECISIONS)
    cleaned = text_field(errors, "notes", "Anteckningar", notes)
    raise_if(errors)
    row = SspfMeeting(
        case_id=case.id,
        kind=kind,
        held_on=held_on,
        notes_enc=cipher.encrypt_optional(cleaned),
        decision=decision or None,
        recorded_by=user_id,
    )
    session.add(row)
    session.flush()
    _written(session, actor, case, role, "meeting", row.id)
    return row.id


def set_signals(
    session: Session,
    user_id: int,
    ref: str,
    today: date,
    actor: Actor,
    *,
    codes: Sequence[str],
    party: str,
    cipher: CaseCipher,
    instance_folder: Path,
) -> None:
    """Make ``codes`` the risk and protective signals ``party`` has noted (others'
    stay; a signal kept keeps its date, a new one is noted today). Coordinator only."""
    case, role, allowed = _open_for_writing(
        session, user_id, ref, today, actor, cipher=cipher, instance_folder=instance_folder
    )
    require_coordinator(role)
    errors: dict[str, str] = {}
    _check_party(errors, party, role, allowed)
    wanted = set(codes)
    if wanted - set(term_codes(SIGNALS)):
        errors["codes"] = "Okänd risk- eller skyddsfaktor: välj bland alternativen."
    raise_if(errors)
    current = {
        row.code: row
        for row in session.scalars(
            select(SspfSignal).where(SspfSignal.case_id == case.id, SspfSignal.party == party)
        )
    }
    for code, row in current.items():
        if code not in wanted:
            session.delete(row)
    session.add_all(
        SspfSignal(case_id=case.id, code=code, party=party, noted_on=today, recorded_by=user_id)
        for code in sorted(wanted - set(current))
    )
    session.flush()
    _written(session, actor, case, role, "signals", 0)


def add_plan_item(
    session: Session,
    user_id: int,
    ref: str,
    today: date,
    actor: Actor,
    *,
    party: str,
    what: str,
    due_on: date | None,
    follow_up_on: date | None,
    cipher: CaseCipher,
    instance_folder: Path,
) -> int:
    """Add an item to the åtagandeplan (status planerad, what encrypted); its id. The
    coordinator or the named person of ``party``."""
    case, role, allowed = _open_for_writing(
        session, user_id, ref, today, actor, cipher=cipher, instance_folder=instance_folder
    )
    errors: dict[str, str] = {}
    _check_party(errors, party, role, allowed)
    cleaned = text_field(errors, "what", "Vad ska göras", what, required=True)
    raise_if(errors)
    row = SspfPlanItem(
        case_id=case.id,
        party=party,
        what_enc=cipher.encrypt(cleaned),
        due_on=due_on,
        follow_up_on=follow_up_on,
        status="planerad",
        recorded_by=user_id,
        updated_at=utcnow(),
    )
    session.add(row)
    session.flush()
    _written(session, actor, case, role, "plan_item", row.id)
    return row.id


def update_plan_item(
    session: Session,
    user_id: int,
    ref: str,
    today: date,
    actor: Actor,
    *,
    item_id: int,
    status: str,
    follow_up_on: date | None,
    cipher: CaseCipher,
    instance_folder: Path,
) -> None:
    """Change a plan item's status and follow-up date. The coordinator, or the named
    person of the item's party."""
    case, role, allowed = _open_for_writing(
        session, user_id, ref, today, actor, cipher=cipher, instance_folder=instance_folder
    )
    item = session.get(SspfPlanItem, item_id)
    if item is None or item.case_id != case.id:
        raise AccessDenied(NO_ITEM)
    if role is CaseRole.PARTY and item.party not in allowed:
        raise AccessDenied(OWN_PARTY_ONLY)
    errors: dict[str, str] = {}
    choice_field(errors, "status", "Status", status, PLAN_STATUSES)
    raise_if(errors)
    item.status = status
    item.follow_up_on = follow_up_on
    item.recorded_by = user_id
    item.updated_at = utcnow()
    session.flush()
    _written(session, actor, case, role, "plan_item", item.id)
