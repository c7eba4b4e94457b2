"""Reminders on the coordinator's overview: follow-ups due and consents running out.

The overview is a shared screen, so a reminder holds the case ref, a kind, a date and
a label of fixed words (the party's organisation at most) — never the child's name or
any text of the case. Only the coordinator's own active cases are looked at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.consent.vocabulary import ACTIVE, PARTIES, PLAN_DONE
from data.storage.consent_models import SspfCase, SspfConsent, SspfPlanItem
from data.storage.models import User
from data.vocabulary import label_of

FOLLOW_UP_DAYS: Final = 7
"""A plan item's follow-up is reminded this many days ahead (and while overdue)."""
CONSENT_DAYS: Final = 14
"""A consent's end is reminded this many days ahead."""
FOLLOW_UP: Final = "uppfoljning"
CONSENT: Final = "samtycke"


@dataclass(frozen=True)
class Reminder:
    """Something to do for a case: ``kind`` (``uppfoljning`` or ``samtycke``), the
    date it is due and a label of fixed words. No personal data."""

    ref: str
    kind: str
    on: date
    label: str


def _follow_up_label(party: str, on: date, today: date) -> str:
    organisation = label_of(PARTIES, party)
    if on < today:
        return f"Uppföljning av åtagandeplanen är försenad ({organisation})"
    return f"Uppföljning av åtagandeplanen ({organisation})"


def _consent_label(on: date, today: date) -> str:
    if on < today:
        return "Samtycket har gått ut – uppgifterna tas bort (senast i nattens gallring)"
    return "Samtycket går ut – förnya det med vårdnadshavarna eller avsluta ärendet"


def reminders(session: Session, user_id: int, today: date) -> list[Reminder]:
    """The reminders of the active cases user ``user_id`` coordinates, by date: plan
    items not klar/avbruten whose follow-up is within :data:`FOLLOW_UP_DAYS` days or
    overdue, consents whose valid-until date is within :data:`CONSENT_DAYS` days.
    A case whose consent is past its valid-until date (expired, not yet torn up) is
    not presented as active: no follow-ups, only the consent reminder saying it has
    expired. Empty for anyone but an active coordinator."""
    user = session.get(User, user_id)
    if user is None or not user.active or user.role != "coordinator":
        return []
    own = (
        SspfCase.coordinator_id == user_id,
        SspfCase.kommun_code == user.kommun_code,
        SspfCase.status == ACTIVE,
    )
    items = session.execute(
        select(SspfCase.ref, SspfPlanItem.party, SspfPlanItem.follow_up_on)
        .join(SspfPlanItem, SspfPlanItem.case_id == SspfCase.id)
        .join(SspfConsent, SspfConsent.case_id == SspfCase.id)
        .where(
            *own,
            SspfConsent.status == ACTIVE,
            SspfConsent.valid_until >= today,
            SspfPlanItem.follow_up_on <= today + timedelta(days=FOLLOW_UP_DAYS),
            SspfPlanItem.status.not_in(PLAN_DONE),
        )
    )
    consents = session.execute(
        select(SspfCase.ref, SspfConsent.valid_until)
        .join(SspfConsent, SspfConsent.case_id == SspfCase.id)
        .where(
            *own,
            SspfConsent.status == ACTIVE,
            SspfConsent.valid_until <= today + timedelta(days=CONSENT_DAYS),
        )
    )
    found = [
        Reminder(ref, FOLLOW_UP, on, _follow_up_label(party, on, today))
        for ref, party, on in items
        if on is not None
    ]
    found += [Reminder(ref, CONSENT, on, _consent_label(on, today)) for ref, on in consents]
    return sorted(found, key=lambda r: (r.on, r.ref, r.kind, r.label))
