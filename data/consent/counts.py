"""The one number the case layer gives the group layer: active SSPF cases per kommun.

Cases never feed maps, counts, forecasts or the API. Coordinators and leadership see
how many cases of their kommun are open with an active, unexpired consent — through
:func:`data.privacy.disclosure.protect` like every published count (a small number is
suppressed, the rest carries the cell key's noise; the record key is the sum of the
case ids). Everyone else gets :class:`~data.access.scope.AccessDenied`.
"""

from __future__ import annotations

from datetime import date
from typing import Final

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access.scope import AccessDenied, Viewer
from data.consent.vocabulary import ACTIVE
from data.privacy.disclosure import ProtectedCounts, protect
from data.storage.consent_models import SspfCase, SspfConsent

COUNT_ROLES: Final = frozenset({"coordinator", "leadership"})


def active_case_counts(session: Session, viewer: Viewer, today: date) -> ProtectedCounts:
    """Active SSPF cases of the viewer's kommun (one row: ``kommun_code``, ``count``),
    disclosure-controlled at the viewer's level. A consent past its valid-until date
    is not counted (it is torn up on the next access or sweep)."""
    if viewer.role not in COUNT_ROLES or viewer.kommun_code is None:
        msg = "Antalet SSPF-ärenden visas bara för samordnare och ledning i kommunen."
        raise AccessDenied(msg)
    ids = list(
        session.scalars(
            select(SspfCase.id)
            .join(SspfConsent, SspfConsent.case_id == SspfCase.id)
            .where(
                SspfCase.kommun_code == viewer.kommun_code,
                SspfCase.status == ACTIVE,
                SspfConsent.status == ACTIVE,
                SspfConsent.valid_until >= today,
            )
        )
    )
    frame = pd.DataFrame(
        {"kommun_code": [viewer.kommun_code], "count": [len(ids)], "key": [sum(ids)]}
    )
    return protect(frame, level=viewer.level)
