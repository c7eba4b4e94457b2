"""Who may touch a case, and the expiry check every access makes first.

Two roles, nothing else and no break-glass:

* ``coordinator`` — the case's own coordinator (``SspfCase.coordinator_id``), an
  active account with role coordinator in the case's kommun. Not the kommun's other
  coordinators, not administrators, not leadership;
* ``party`` — an active account (reporter, police area coordinator or coordinator of
  the kommun) named as a person of one of the parties the consent covers
  (``SspfParty.user_id``), while the consent is active.

Everyone else gets :class:`~data.access.scope.AccessDenied` with one text,
:data:`~data.consent.vocabulary.NO_ACCESS`, whether or not the case exists.

:func:`load_case` decides the user's role first: everyone without one gets
:data:`NO_ACCESS` and nothing else happens (an expired case they name waits for the
nightly sweep). For the case's own people it then checks the consent's date: one past
its ``valid_until`` is torn up there and then (reason ``expired``), the tear-up is
committed — it must survive the refusal that follows — and the storage scrubbed.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data.access.audit import Actor
from data.access.scope import AccessDenied
from data.consent.crypto import CaseCipher
from data.consent.teardown import (
    DEFAULT_GALLRING,
    TearUpReceipt,
    gallring_decision,
    scrub_storage,
    tear_up,
)
from data.consent.vocabulary import (
    ACTIVE,
    ENDED,
    EXPIRED,
    NO_ACCESS,
    PARTY_ROLES,
)
from data.storage.consent_models import SspfCase, SspfChild, SspfConsent, SspfParty
from data.storage.models import User

MAX_REF = 16
COORDINATOR_ONLY = "Bara ärendets samordnare får göra detta."


class CaseRole(StrEnum):
    """What a user is to a case."""

    COORDINATOR = "coordinator"
    PARTY = "party"


def consent_of(session: Session, case: SspfCase) -> SspfConsent | None:
    """The case's consent (None only for a broken case)."""
    return session.scalar(select(SspfConsent).where(SspfConsent.case_id == case.id))


def _usable(user: User | None, kommun_code: str) -> bool:
    return user is not None and user.active and user.kommun_code == kommun_code


def case_role(session: Session, user_id: int, case: SspfCase) -> CaseRole | None:
    """The role of user ``user_id`` in ``case``, or None (no access at all).

    The coordinator keeps the role on a torn-up case (its tombstone and receipt); a
    party has one only while the case and its consent are active."""
    user = session.get(User, user_id)
    if user is None or not _usable(user, case.kommun_code):
        return None
    if user.role == "coordinator" and case.coordinator_id == user.id:
        return CaseRole.COORDINATOR
    consent = consent_of(session, case)
    if case.status != ACTIVE or consent is None or consent.status != ACTIVE:
        return None
    if user.role not in PARTY_ROLES:
        return None
    named = session.scalar(
        select(SspfParty.id)
        .where(SspfParty.case_id == case.id, SspfParty.user_id == user.id)
        .limit(1)
    )
    return CaseRole.PARTY if named is not None else None


def party_organisations(session: Session, user_id: int, case: SspfCase) -> frozenset[str]:
    """The organisations of ``case`` for which user ``user_id`` is the named person."""
    return frozenset(
        session.scalars(
            select(SspfParty.organisation).where(
                SspfParty.case_id == case.id, SspfParty.user_id == user_id
            )
        )
    )


def case_organisations(session: Session, case: SspfCase) -> frozenset[str]:
    """Every organisation the case's consent covers."""
    return frozenset(
        session.scalars(select(SspfParty.organisation).where(SspfParty.case_id == case.id))
    )


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def tear_up_now(
    session: Session,
    case: SspfCase,
    reason: str,
    today: date,
    actor: Actor,
    *,
    cipher: CaseCipher,
    instance_folder: Path,
) -> TearUpReceipt:
    """Tear ``case`` up under the kommun's gallringsbeslut, **commit**, then scrub the
    storage (a tear-up is final: it must not roll back with the request that found it)."""
    decision = gallring_decision(session, case.kommun_code, DEFAULT_GALLRING)
    receipt = tear_up(
        session,
        case,
        reason,
        today,
        actor,
        instance_folder=instance_folder,
        decision=decision,
        cipher=cipher,
    )
    session.commit()
    scrub_storage(_engine(session))
    return receipt


def expire_if_due(
    session: Session,
    case: SspfCase,
    today: date,
    actor: Actor,
    *,
    cipher: CaseCipher,
    instance_folder: Path,
) -> TearUpReceipt | None:
    """Tear ``case`` up (reason ``expired``, committed) when its active consent's
    ``valid_until`` lies before ``today``; None when nothing was due."""
    consent = consent_of(session, case)
    if (
        case.status != ACTIVE
        or consent is None
        or consent.status != ACTIVE
        or consent.valid_until >= today
    ):
        return None
    return tear_up_now(
        session, case, "expired", today, actor, cipher=cipher, instance_folder=instance_folder
    )


def load_case(
    session: Session,
    user_id: int,
    ref: str,
    today: date,
    actor: Actor,
    *,
    cipher: CaseCipher,
    instance_folder: Path,
) -> tuple[SspfCase, CaseRole]:
    """The active case ``ref`` and the user's role in it, after the expiry check.

    Raises :class:`AccessDenied` with :data:`NO_ACCESS` for an unknown ref and for a
    user without a role alike; for the case's own people, the texts say the consent
    expired (it was just torn up) or has ended. ``cipher`` only counts the guardians
    of a tear-up."""
    case = (
        session.scalar(select(SspfCase).where(SspfCase.ref == ref))
        if 0 < len(ref) <= MAX_REF
        else None
    )
    if case is None:
        raise AccessDenied(NO_ACCESS)
    role = case_role(session, user_id, case)
    if role is None:
        # Before the expiry check: an outsider must neither trigger a tear-up (with
        # themself as its actor) nor learn from its latency that the ref exists.
        raise AccessDenied(NO_ACCESS)
    if expire_if_due(session, case, today, actor, cipher=cipher, instance_folder=instance_folder):
        raise AccessDenied(EXPIRED)
    if case.status != ACTIVE:
        raise AccessDenied(ENDED)
    _check_key(session, case, cipher)
    return case, role


def _check_key(session: Session, case: SspfCase, cipher: CaseCipher) -> None:
    """Open the child's name once: a wrong (but well-formed) key raises
    :class:`~data.consent.crypto.CaseKeyError` here, before a write could store a
    value that the right key will never open again."""
    child = session.get(SspfChild, case.id)
    if child is not None:
        cipher.decrypt(child.name_enc)


def require_coordinator(role: CaseRole) -> None:
    """:class:`AccessDenied` unless ``role`` is the case's coordinator."""
    if role is not CaseRole.COORDINATOR:
        raise AccessDenied(COORDINATOR_ONLY)
