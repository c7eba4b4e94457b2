"""Who offers walkers and what matters most: associations, sign-ups and category severities."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.privacy.pii import find_pii, pii_message
from data.storage.models import (
    Association,
    Setting,
    WalkSignup,
)

CLOCK: Final = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


SEVERITY_SETTING: Final = "severity:"


class PlanError(ValueError):
    """Bad planning input; ``errors`` maps field → Swedish message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _clean_name(text: str, field: str, limit: int) -> str:
    name = " ".join(text.split())
    if not name:
        raise PlanError({field: "Skriv ett namn."})
    if len(name) > limit:
        raise PlanError({field: f"Högst {limit} tecken."})
    if findings := find_pii(name):
        raise PlanError({field: pii_message(field, findings)})
    return name


def add_association(session: Session, kommun: str, name: str) -> int:
    """A walking association of the kommun (name only; refused if it exists)."""
    clean = _clean_name(name, "förening", 120)
    if session.scalar(
        select(Association.id).where(Association.kommun_code == kommun, Association.name == clean)
    ):
        raise PlanError({"förening": "Föreningen finns redan."})
    association = Association(kommun_code=kommun, name=clean)
    session.add(association)
    session.flush()
    return association.id


def associations(session: Session, kommun: str) -> list[tuple[int, str]]:
    """(id, name) of the kommun's associations, by name."""
    rows = session.execute(
        select(Association.id, Association.name)
        .where(Association.kommun_code == kommun)
        .order_by(Association.name)
    )
    return [(int(i), str(n)) for i, n in rows]


def add_signup(
    session: Session,
    kommun: str,
    *,
    association_id: int,
    night: date,
    walkers: int,
    start: str,
    end: str,
) -> int:
    """An association's offer for a night; refused per field when wrong."""
    errors = {}
    association = session.get(Association, association_id)
    if association is None or association.kommun_code != kommun:
        errors["förening"] = "Välj en förening i kommunen."
    if not 1 <= walkers <= 100:
        errors["vandrare"] = "Antal vandrare: 1–100."
    if not (CLOCK.fullmatch(start) and CLOCK.fullmatch(end)):
        errors["tid"] = "Skriv tiderna som 20:30 och 01:30."
    if errors:
        raise PlanError(errors)
    signup = WalkSignup(
        kommun_code=kommun,
        association_id=association_id,
        night=night,
        walkers=walkers,
        start_time=start,
        end_time=end,
    )
    session.add(signup)
    session.flush()
    return signup.id


def signups(session: Session, kommun: str, first: date, last: date) -> list[WalkSignup]:
    """The kommun's sign-ups for nights from ``first`` to ``last``."""
    return list(
        session.scalars(
            select(WalkSignup)
            .where(WalkSignup.kommun_code == kommun, WalkSignup.night.between(first, last))
            .order_by(WalkSignup.night, WalkSignup.id)
        )
    )


def delete_signup(session: Session, kommun: str, signup_id: int) -> bool:
    """Remove a sign-up of the kommun."""
    signup = session.get(WalkSignup, signup_id)
    if signup is None or signup.kommun_code != kommun:
        return False
    session.delete(signup)
    session.flush()
    return True


def severity(session: Session, kommun: str) -> dict[str, float]:
    """The kommun's category severities (its own settings over the defaults)."""
    from data.storage.models import Category

    values = {c.code: float(c.severity) for c in session.scalars(select(Category))}
    setting = session.get(Setting, SEVERITY_SETTING + kommun)
    if setting is not None:
        for part in setting.value.split(","):
            code, _, value = part.partition("=")
            try:
                if code in values:
                    values[code] = max(0.0, min(10.0, float(value)))
            except ValueError:
                continue
    return values


def set_severity(session: Session, kommun: str, values: Mapping[str, float]) -> None:
    """Keep the kommun's severities (0–10 each, unknown categories refused)."""
    known = severity(session, kommun)
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise PlanError({"allvarlighet": f"Okända kategorier: {', '.join(unknown)}"})
    if any(not 0 <= v <= 10 for v in values.values()):
        raise PlanError({"allvarlighet": "Allvarlighet anges 0–10."})
    text = ",".join(f"{k}={float(v):g}" for k, v in sorted((known | dict(values)).items()))
    setting = session.get(Setting, SEVERITY_SETTING + kommun)
    if setting is None:
        session.add(Setting(key=SEVERITY_SETTING + kommun, value=text))
    else:
        setting.value = text
    session.flush()
