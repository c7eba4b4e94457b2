"""Plant a full SSPF case straight into the tables (tests of the tear-up and its jobs).

The case is built from the models and the cipher, not through the ledger, so these
tests prove the tear-up on every kind of row whatever the services add. Every
personal value carries a unique marker; :class:`PlantedCase` keeps the ciphertexts so
a byte scan can look for them before (positive control) and after a tear-up.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.access.users import create_user
from data.consent.crypto import CaseCipher
from data.consent.files import files_folder
from data.storage.consent_models import (
    SspfCase,
    SspfChild,
    SspfConsent,
    SspfConsentEvent,
    SspfMeeting,
    SspfObservation,
    SspfParty,
    SspfPlanItem,
    SspfSignal,
)
from data.storage.models import User
from data.storage.private_files import write_private

PASSWORD = "testlösenord-sspf-1"
CONTENT_MODELS = (SspfChild, SspfParty, SspfSignal, SspfObservation, SspfMeeting, SspfPlanItem)


@dataclass(frozen=True)
class PlantedCase:
    """A planted case: its ref, the markers in its plaintexts, its ciphertexts, its form."""

    ref: str
    case_id: int
    markers: tuple[str, ...]
    tokens: tuple[bytes, ...]
    form_file: str


def user(session: Session, name: str, role: str = "coordinator", kommun: str = "0380") -> User:
    """A test account (created once per name)."""
    found = session.scalars(select(User).where(User.username == name)).first()
    if found is not None:
        return found
    source = "skola" if role == "reporter" else None
    return create_user(session, name, PASSWORD, role=role, kommun_code=kommun, source_code=source)


def plant_case(
    session: Session,
    cipher: CaseCipher,
    instance_folder: Path,
    *,
    coordinator: User,
    signed_on: date,
    valid_until: date,
) -> PlantedCase:
    """One active case with two guardians, a form, two parties, a signal, two
    observations, a meeting and two plan items, every text holding a marker."""
    tag = secrets.token_hex(4).upper()
    markers = tuple(f"MARK{tag}{kind}" for kind in "NBGLOMPFK")
    name, birth, guardians, label, observation, meeting, plan, background, other = markers
    tokens: list[bytes] = []

    def enc(text: str) -> bytes:
        token = cipher.encrypt(text)
        tokens.append(token)
        return token

    case = SspfCase(
        ref=f"SSPF-{tag[:6]}",
        kommun_code=coordinator.kommun_code or "0380",
        coordinator_id=coordinator.id,
        status="active",
        opened_on=signed_on,
    )
    session.add(case)
    session.flush()
    form_name = f"{secrets.token_hex(16)}.bin"
    write_private(
        files_folder(instance_folder) / form_name,
        cipher.encrypt_bytes(f"%PDF blankett {name}".encode()),
    )
    guardian_token = cipher.encrypt_list([f"{guardians} Ett", f"{guardians} Två"])
    tokens.append(guardian_token)
    session.add_all(
        [
            SspfChild(
                case_id=case.id,
                name_enc=enc(f"Testbarn {name}"),
                birth_date_enc=enc(f"2012-05-0{birth[-1:]} {birth}"),
                background_enc=enc(f"Bakgrund {background}"),
            ),
            SspfConsent(
                case_id=case.id,
                status="active",
                signed_on=signed_on,
                valid_until=valid_until,
                guardians_enc=guardian_token,
                form_file=form_name,
                recorded_by=coordinator.id,
            ),
            SspfConsentEvent(case_id=case.id, status="active", effective_on=signed_on),
            SspfParty(case_id=case.id, organisation="skola", user_id=None, label_enc=None),
            SspfParty(case_id=case.id, organisation="annan", label_enc=enc(f"Morbror {label}")),
            SspfSignal(case_id=case.id, code="skolfranvaro", party="skola", noted_on=signed_on),
            SspfObservation(
                case_id=case.id,
                party="skola",
                observed_on=signed_on,
                text_enc=enc(f"Frånvaro {observation}"),
            ),
            SspfObservation(
                case_id=case.id,
                party="polis",
                observed_on=signed_on + timedelta(days=1),
                text_enc=enc(f"Sedd sent {other}"),
            ),
            SspfMeeting(
                case_id=case.id,
                kind="familjemote",
                held_on=signed_on,
                notes_enc=enc(f"Anteckning {meeting}"),
            ),
            SspfPlanItem(
                case_id=case.id,
                party="skola",
                what_enc=enc(f"Mentor {plan}"),
                due_on=valid_until,
                follow_up_on=signed_on + timedelta(days=7),
            ),
            SspfPlanItem(case_id=case.id, party="polis", what_enc=enc(f"Samtal {plan}B")),
        ]
    )
    session.flush()
    return PlantedCase(case.ref, case.id, markers, tuple(tokens), form_name)


def content_rows(session: Session, case_id: int) -> dict[str, int]:
    """Rows of each content table that belong to the case."""
    return {
        model.__tablename__: int(
            session.scalar(select(func.count()).where(model.case_id == case_id)) or 0
        )
        for model in CONTENT_MODELS
    }
