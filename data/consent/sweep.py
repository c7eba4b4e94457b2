"""The nightly sweep of the case layer (``ssp sweep-consents``), one case at a time.

Every expired consent is torn up in a unit of work of its own: the tear-up destroys
the form file at once, so a failure of one case must not roll back the others after
their files are gone. A failure is reported with the reference (never content) and
the sweep goes on. Afterwards the forms nobody references and the scanned-form
uploads that were never recorded are destroyed (:mod:`data.consent.files`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from data.access.audit import Actor
from data.consent.crypto import CaseCipher, CaseKeyError
from data.consent.files import destroy_orphan_forms, destroy_stale_form_uploads
from data.consent.teardown import (
    DEFAULT_GALLRING,
    TearUpError,
    TearUpReceipt,
    gallring_decision,
    tear_up,
)
from data.storage.consent_models import SspfCase, SspfConsent
from data.storage.db import unit_of_work

log = logging.getLogger(__name__)


@dataclass
class SweepResult:
    """What a sweep did: the receipts, the refs that failed, the files destroyed."""

    receipts: list[TearUpReceipt] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    orphan_forms: int = 0
    stale_uploads: int = 0


def expired_refs(session: Session, today: date) -> list[str]:
    """The refs of the active cases whose active consent ended before ``today``."""
    return list(
        session.scalars(
            select(SspfCase.ref)
            .join(SspfConsent, SspfConsent.case_id == SspfCase.id)
            .where(
                SspfCase.status == "active",
                SspfConsent.status == "active",
                SspfConsent.valid_until < today,
            )
            .order_by(SspfCase.ref)
        )
    )


def _sweep_one(
    session: Session,
    ref: str,
    today: date,
    actor: Actor,
    *,
    instance_folder: Path,
    cipher: CaseCipher | None,
) -> TearUpReceipt | None:
    case = session.scalars(select(SspfCase).where(SspfCase.ref == ref)).first()
    if case is None or case.status != "active":
        return None  # torn up meanwhile (a coordinator, another job)
    return tear_up(
        session,
        case,
        "expired",
        today,
        actor,
        instance_folder=instance_folder,
        decision=gallring_decision(session, case.kommun_code, DEFAULT_GALLRING),
        cipher=cipher,
    )


def sweep_each(
    sessions: sessionmaker[Session],
    today: date,
    actor: Actor,
    *,
    instance_folder: Path,
    cipher: CaseCipher | None = None,
) -> SweepResult:
    """Tear up every expired consent, each in its own unit of work (committed), then
    destroy unreferenced form files and stale scanned-form uploads (older than an
    hour, in ``instance/uploads``). A case that fails is logged by ref and listed in
    :attr:`SweepResult.failed`; the others go on."""
    result = SweepResult()
    with unit_of_work(sessions) as session:
        refs = expired_refs(session, today)
    for ref in refs:
        try:
            with unit_of_work(sessions) as session:
                receipt = _sweep_one(
                    session, ref, today, actor, instance_folder=instance_folder, cipher=cipher
                )
        except (SQLAlchemyError, OSError, TearUpError, CaseKeyError) as error:
            log.error("Ärende %s kunde inte rivas: %s", ref, type(error).__name__)
            result.failed.append(ref)
            continue
        if receipt is not None:
            result.receipts.append(receipt)
    with unit_of_work(sessions) as session:
        referenced = set(
            session.scalars(select(SspfConsent.form_file).where(SspfConsent.form_file.is_not(None)))
        )
    result.orphan_forms = destroy_orphan_forms(instance_folder, {str(n) for n in referenced})
    result.stale_uploads = destroy_stale_form_uploads(instance_folder / "uploads")
    return result
