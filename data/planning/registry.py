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

CLOCK: Final = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
"""``HH:MM`` in ASCII digits (a digit class would let fullwidth digits be stored)."""


SEVERITY_SETTING: Final = "severity:"


class PlanError(ValueError):
    """Bad planning input; ``errors`` maps field → Swedish message. ``cells`` maps
    (row index, column) → message for a schedule whose rows were refused (the page
    marks those fields)."""

    def __init__(
        self, errors: dict[str, str], cells: dict[tuple[int, str], str] | None = None
    ) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors
        self.cells = cells or {}


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
    """An association's offer for a night; refused per field when wrong (keys
    ``förening``, ``natt``, ``vandrare``, ``start``, ``slut``). One sign-up per
    association and night: a second one is refused."""
    errors = {}
    # The association's row is locked for the check and the insert (PostgreSQL; SQLite
    # writes one at a time anyway): two offers for the same night sent at once — a
    # double tap — cannot both pass the "already offered" check.
    association = session.get(Association, association_id, with_for_update=True)
    if association is None or association.kommun_code != kommun:
        errors["förening"] = "Välj en förening i kommunen."
    if not 1 <= walkers <= 100:
        errors["vandrare"] = "Antal vandrare: 1–100."
    if not CLOCK.fullmatch(start):
        errors["start"] = "Skriv starttiden som 20:30."
    if not CLOCK.fullmatch(end):
        errors["slut"] = "Skriv sluttiden som 01:30."
    if association is not None and session.scalar(
        select(WalkSignup.id).where(
            WalkSignup.association_id == association_id, WalkSignup.night == night
        )
    ):
        errors["natt"] = (
            "Föreningen har redan en anmälan för den natten. Ta bort den först om "
            "antalet eller tiden ska ändras."
        )
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


CONTACT_SETTING: Final = "walk_contact:"
CONTACT_CHARS: Final = 120
WORK_CONTACT_KINDS: Final = frozenset({"telefonnummer", "e-post"})
"""What a work contact may hold: the municipality's switchboard or a functional
mailbox. A personnummer, a home address or a person's name is refused."""


def walk_contact(session: Session, kommun: str) -> str:
    """The contact line printed on the walkers' schedule ("" when not set)."""
    setting = session.get(Setting, CONTACT_SETTING + kommun)
    return "" if setting is None else setting.value


def set_walk_contact(session: Session, kommun: str, text: str) -> str:
    """Keep the kommun's contact line for walkers: a work contact (a function and the
    switchboard or a functional mailbox, e.g. "SSP-samordnaren via kontaktcenter
    0380-55 00 00"), up to 120 characters; refused when it holds a personnummer, a
    street address or a person's name. An empty text clears it."""
    clean = " ".join(text.split())
    if len(clean) > CONTACT_CHARS:
        raise PlanError({"kontakt": f"Högst {CONTACT_CHARS} tecken."})
    findings = [f for f in find_pii(clean) if f.kind not in WORK_CONTACT_KINDS]
    if findings:
        kinds = " och ".join(f.kind for f in findings)
        raise PlanError(
            {
                "kontakt": f"Kontakten verkar innehålla {kinds}. Skriv en arbetskontakt: en "
                "funktion och växelns nummer eller en funktionsbrevlåda, inte en person."
            }
        )
    setting = session.get(Setting, CONTACT_SETTING + kommun)
    if setting is None:
        session.add(Setting(key=CONTACT_SETTING + kommun, value=clean))
    else:
        setting.value = clean
    session.flush()
    return clean
