"""Operator commands for a case whose coordinator can no longer act (issue 18 review).

A case belongs to one coordinator (:mod:`data.consent.access`). When that account is
deactivated, changes role or moves, nobody could end the consent: these functions,
run from the command line (``ssp sspf-reassign``, ``ssp sspf-end``), hand the case
over to another active coordinator of the kommun, or tear it up. Neither reads nor
shows any content; both are audited with case refs and account ids only.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access.audit import Actor, record
from data.consent.crypto import CaseCipher
from data.consent.teardown import (
    DEFAULT_GALLRING,
    TearUpError,
    TearUpReceipt,
    gallring_decision,
    tear_up,
)
from data.consent.vocabulary import ACTIVE
from data.storage.consent_models import SspfCase
from data.storage.models import User

OPERATOR_REASONS = ("withdrawn", "ended")
"""Why an operator ends a consent (``expired`` is the sweep's)."""


def active_case(session: Session, ref: str) -> SspfCase:
    """The active case ``ref``, else :class:`TearUpError` (Swedish)."""
    case = session.scalars(select(SspfCase).where(SspfCase.ref == ref)).first()
    if case is None:
        msg = f"Ärendet {ref} finns inte."
        raise TearUpError(msg)
    if case.status != ACTIVE:
        msg = f"Ärendet {ref} är redan avslutat och rivet."
        raise TearUpError(msg)
    return case


def reassign_case(session: Session, ref: str, username: str, actor: Actor) -> User:
    """Hand case ``ref`` over to ``username``, an active coordinator of the case's
    kommun; audited ``sspf.case_reassigned`` (account ids only). The new coordinator."""
    case = active_case(session, ref)
    user = session.scalars(select(User).where(User.username == username)).first()
    if (
        user is None
        or not user.active
        or user.role != "coordinator"
        or user.kommun_code != case.kommun_code
    ):
        msg = (
            f"{username} är inte en aktiv samordnare i kommun {case.kommun_code}; "
            "ärendet kan bara lämnas över till en sådan."
        )
        raise TearUpError(msg)
    if user.id == case.coordinator_id:
        msg = f"{username} är redan ärendets samordnare."
        raise TearUpError(msg)
    previous = case.coordinator_id
    case.coordinator_id = user.id
    record(
        session,
        "sspf.case_reassigned",
        actor=actor,
        target=case.ref,
        details={"from_user": previous, "to_user": user.id},
    )
    session.flush()
    return user


def end_case(
    session: Session,
    ref: str,
    reason: str,
    today: date,
    actor: Actor,
    *,
    instance_folder: Path,
    cipher: CaseCipher | None = None,
) -> TearUpReceipt:
    """Tear case ``ref`` up (``withdrawn`` or ``ended``) under the kommun's
    gallringsbeslut, in the caller's unit of work; the receipt (counts, no content)."""
    if reason not in OPERATOR_REASONS:
        msg = "Anledningen är withdrawn (vårdnadshavarna återkallade) eller ended (avslutat)."
        raise TearUpError(msg)
    case = active_case(session, ref)
    return tear_up(
        session,
        case,
        reason,
        today,
        actor,
        instance_folder=instance_folder,
        decision=gallring_decision(session, case.kommun_code, DEFAULT_GALLRING),
        cipher=cipher,
    )
