"""The consent ledger: a case is opened together with its consent, extended, ended.

A case never exists without an active consent: :func:`open_case` creates the case,
the consent (guardians' names encrypted, the scanned form encrypted on disk), the
child's identity and the parties in one unit of work, after every field has been
checked (:class:`ConsentError`, Swedish messages per field). Only a coordinator of the
kommun opens a case, and becomes its coordinator. :func:`end_consent` (withdrawn or
ended) and the expiry check tear the consent up (:mod:`data.consent.teardown`).

When guardians decline, :func:`record_network_meeting` keeps that a *nätverksmöte*
was offered — the organisations the guardians chose and only the note they allow,
never the child's identity.

Functions flush and never commit — except a tear-up, which commits and scrubs the
storage (see :func:`data.consent.access.tear_up_now`).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access.audit import Actor, record
from data.access.scope import AccessDenied
from data.consent.access import (
    consent_of,
    load_case,
    require_coordinator,
    tear_up_now,
)
from data.consent.checks import (
    ConsentError,
    choice_field,
    name_field,
    not_after,
    raise_if,
    text_field,
)
from data.consent.crypto import CaseCipher
from data.consent.teardown import TearUpReceipt
from data.consent.vocabulary import (
    ACTIVE,
    END_REASONS,
    FILES_FOLDER,
    INVITED,
    MAX_CONSENT_YEARS,
    MAX_FORM_BYTES,
    MAX_GUARDIANS,
    PARTIES,
    PARTY_ROLES,
)
from data.storage.consent_models import (
    SspfCase,
    SspfChild,
    SspfConsent,
    SspfConsentEvent,
    SspfNetworkMeeting,
    SspfParty,
)
from data.storage.models import User
from data.storage.private_files import private_folder, write_private
from data.vocabulary import label_of

__all__ = [
    "ConsentError",
    "ConsentInput",
    "NetworkMeetingView",
    "PartyInput",
    "end_consent",
    "extend_consent",
    "network_meetings",
    "open_case",
    "record_network_meeting",
]

REF_PREFIX = "SSPF-"
REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""No 0/O, 1/I: a reference read aloud or copied by hand stays right."""
REF_LENGTH = 6
NOT_COORDINATOR = "Bara en samordnare i kommunen kan registrera samtycken och ärenden."


@dataclass(frozen=True)
class PartyInput:
    """A party the consent covers: organisation code, the named person's account (who
    gets access; None for a party without an account) and a label (e.g. who an invited
    ``annan`` is — may name a relative, so it is encrypted)."""

    organisation: str
    user_id: int | None
    label: str = ""


@dataclass(frozen=True)
class ConsentInput:
    """What the coordinator records from a signed consent form."""

    kommun_code: str
    child_name: str
    birth_date: date
    background: str
    guardians: tuple[str, ...]
    signed_on: date
    valid_until: date
    parties: tuple[PartyInput, ...]
    form: bytes | None = None
    form_name: str = ""


@dataclass(frozen=True)
class NetworkMeetingView:
    """A declined consent's nätverksmöte, as its coordinator sees it."""

    id: int
    kommun_code: str
    declined_on: date
    held_on: date | None
    organisations: tuple[str, ...]
    note: str


def coordinator_of(session: Session, user_id: int, kommun_code: str) -> User:
    """The active coordinator ``user_id`` of ``kommun_code``, else :class:`AccessDenied`."""
    user = session.get(User, user_id)
    if user is None or not user.active or user.role != "coordinator":
        raise AccessDenied(NOT_COORDINATOR)
    if user.kommun_code != kommun_code:
        raise AccessDenied(NOT_COORDINATOR)
    return user


def latest_valid_until(signed_on: date) -> date:
    """The last day a consent signed on ``signed_on`` may be valid (three years on)."""
    try:
        return signed_on.replace(year=signed_on.year + MAX_CONSENT_YEARS)
    except ValueError:  # 29 February
        return signed_on.replace(year=signed_on.year + MAX_CONSENT_YEARS, day=28)


def check_valid_until(
    errors: dict[str, str], valid_until: date, signed_on: date, today: date
) -> None:
    """The consent's end date: after signing, after today, at most three years on."""
    if valid_until <= signed_on:
        errors["valid_until"] = "Giltig till måste vara efter undertecknat datum."
    elif valid_until <= today:
        errors["valid_until"] = "Giltig till måste vara efter dagens datum."
    elif valid_until > latest_valid_until(signed_on):
        errors["valid_until"] = (
            f"Samtycket får gälla högst {MAX_CONSENT_YEARS} år från undertecknandet."
        )


def _check_party(
    session: Session, errors: dict[str, str], index: int, party: PartyInput, kommun_code: str
) -> PartyInput:
    field = f"parties.{index}"
    label = name_field(
        errors,
        field,
        f"Part {index + 1}, benämning",
        party.label,
        required=party.organisation == INVITED and party.user_id is None,
    )
    choice_field(errors, field, f"Part {index + 1}, organisation", party.organisation, PARTIES)
    if party.user_id is not None:
        user = session.get(User, party.user_id)
        if (
            user is None
            or not user.active
            or user.kommun_code != kommun_code
            or user.role not in PARTY_ROLES
        ):
            errors[field] = (
                f"Part {index + 1}: den namngivna personen måste ha ett aktivt konto i "
                "kommunen (rapportör, områdespolis eller samordnare)."
            )
        elif party.organisation not in _organisations_of(user):
            errors[field] = (
                f"Part {index + 1}: den namngivna personens konto hör inte till "
                f"{label_of(PARTIES, party.organisation)}."
            )
    return PartyInput(party.organisation, party.user_id, label)


_COORDINATOR_PARTIES: Final = ("socialtjanst", INVITED)
"""What a coordinator's account (no source of its own) may be named for."""


def _organisations_of(user: User) -> tuple[str, ...]:
    """The party organisations ``user`` may be named for: its account's source when
    set (a police account cannot write as Skola), else by role."""
    if user.source_code:
        return (user.source_code,)
    if user.role == "coordinator":
        return _COORDINATOR_PARTIES
    if user.role == "police_area":
        return ("polis",)
    return tuple(term.code for term in PARTIES)


def _checked(session: Session, data: ConsentInput, today: date) -> ConsentInput:
    """``data`` trimmed, or :class:`ConsentError` naming every field to fix."""
    errors: dict[str, str] = {}
    child = name_field(errors, "child_name", "Barnets namn", data.child_name)
    not_after(errors, "birth_date", "Födelsedatum", data.birth_date, today)
    background = text_field(errors, "background", "Bakgrund", data.background)
    guardians = tuple(
        name_field(errors, "guardians", "Vårdnadshavarens namn", name, required=False)
        for name in data.guardians
    )
    guardians = tuple(name for name in guardians if name)
    if not guardians and "guardians" not in errors:
        errors["guardians"] = "Minst en vårdnadshavare måste ha skrivit under."
    elif len(guardians) > MAX_GUARDIANS:
        errors["guardians"] = f"Högst {MAX_GUARDIANS} vårdnadshavare kan skriva under."
    not_after(errors, "signed_on", "Undertecknat datum", data.signed_on, today)
    check_valid_until(errors, data.valid_until, data.signed_on, today)
    parties = tuple(
        _check_party(session, errors, i, party, data.kommun_code)
        for i, party in enumerate(data.parties)
    )
    if not parties:
        errors["parties"] = "Minst en part måste omfattas av samtycket."
    if data.form is not None and len(data.form) > MAX_FORM_BYTES:
        errors["form"] = "Den inskannade blanketten får vara högst 10 MB."
    raise_if(errors)
    return ConsentInput(
        data.kommun_code,
        child,
        data.birth_date,
        background,
        guardians,
        data.signed_on,
        data.valid_until,
        parties,
        data.form or None,
        data.form_name,
    )


def new_ref(session: Session) -> str:
    """A fresh random case reference like ``SSPF-7K2Q9X`` (never derived from identity)."""
    while True:
        ref = REF_PREFIX + "".join(secrets.choice(REF_ALPHABET) for _ in range(REF_LENGTH))
        if session.scalar(select(SspfCase.id).where(SspfCase.ref == ref)) is None:
            return ref


def store_form(form: bytes, *, cipher: CaseCipher, instance_folder: Path) -> str:
    """Write the scanned form encrypted (``0600``) to the case-files folder; its name."""
    name = f"{secrets.token_hex(16)}.bin"
    folder = private_folder(instance_folder / FILES_FOLDER)
    write_private(folder / name, cipher.encrypt_bytes(form))
    return name


def open_case(
    session: Session,
    user_id: int,
    data: ConsentInput,
    today: date,
    actor: Actor,
    *,
    cipher: CaseCipher,
    instance_folder: Path,
) -> SspfCase:
    """Open a case with its active consent, child identity and parties; the user (a
    coordinator of ``data.kommun_code``) becomes its coordinator. Audited
    ``sspf.case_created`` (the ref, the party organisations, whether a form came).

    Raises :class:`AccessDenied` for anyone but a coordinator of the kommun and
    :class:`ConsentError` for any field to fix (nothing is written then)."""
    coordinator_of(session, user_id, data.kommun_code)
    data = _checked(session, data, today)
    case = SspfCase(
        ref=new_ref(session),
        kommun_code=data.kommun_code,
        coordinator_id=user_id,
        status=ACTIVE,
        opened_on=today,
    )
    session.add(case)
    session.flush()
    session.add(
        SspfChild(
            case_id=case.id,
            name_enc=cipher.encrypt(data.child_name),
            birth_date_enc=cipher.encrypt(data.birth_date.isoformat()),
            background_enc=cipher.encrypt_optional(data.background),
        )
    )
    form_file = (
        store_form(data.form, cipher=cipher, instance_folder=instance_folder) if data.form else None
    )
    session.add(
        SspfConsent(
            case_id=case.id,
            status=ACTIVE,
            signed_on=data.signed_on,
            valid_until=data.valid_until,
            guardians_enc=cipher.encrypt_list(data.guardians),
            form_file=form_file,
            recorded_by=user_id,
        )
    )
    session.add(
        SspfConsentEvent(
            case_id=case.id, status=ACTIVE, effective_on=data.signed_on, recorded_by=user_id
        )
    )
    session.add_all(
        SspfParty(
            case_id=case.id,
            organisation=party.organisation,
            user_id=party.user_id,
            label_enc=cipher.encrypt_optional(party.label),
        )
        for party in data.parties
    )
    record(
        session,
        "sspf.case_created",
        actor=actor,
        target=case.ref,
        details={
            "parties": sorted({p.organisation for p in data.parties}),
            "form": form_file is not None,
        },
    )
    session.flush()
    return case


def extend_consent(
    session: Session,
    user_id: int,
    ref: str,
    valid_until: date,
    today: date,
    actor: Actor,
    *,
    cipher: CaseCipher,
    instance_folder: Path,
) -> None:
    """Give the active consent of ``ref`` a new end date (the guardians renewed it):
    after today, at most three years after signing. Coordinator only; audited
    ``sspf.case_written`` (kind ``consent_extended``)."""
    case, role = load_case(
        session, user_id, ref, today, actor, cipher=cipher, instance_folder=instance_folder
    )
    require_coordinator(role)
    consent = consent_of(session, case)
    if consent is None:
        raise AccessDenied("Ärendet saknar samtycke.")
    errors: dict[str, str] = {}
    check_valid_until(errors, valid_until, consent.signed_on, today)
    raise_if(errors)
    consent.valid_until = valid_until
    record(
        session,
        "sspf.case_written",
        actor=actor,
        target=case.ref,
        details={"kind": "consent_extended", "role": role.value},
    )
    session.flush()


def end_consent(
    session: Session,
    user_id: int,
    ref: str,
    reason: str,
    today: date,
    actor: Actor,
    *,
    cipher: CaseCipher,
    instance_folder: Path,
) -> TearUpReceipt:
    """The guardians withdrew the consent (``withdrawn``) or SSPF closes (``ended``):
    tear it up — every personal item of the case is deleted, the tombstone stays.
    Coordinator only; audited ``sspf.consent_status``. The tear-up is **committed**
    and the storage scrubbed before this returns the receipt."""
    if reason not in END_REASONS:
        raise ConsentError({"reason": "Välj om samtycket återkallats eller ärendet avslutats."})
    case, role = load_case(
        session, user_id, ref, today, actor, cipher=cipher, instance_folder=instance_folder
    )
    require_coordinator(role)
    record(
        session,
        "sspf.consent_status",
        actor=actor,
        target=case.ref,
        details={"status": reason},
    )
    return tear_up_now(
        session, case, reason, today, actor, cipher=cipher, instance_folder=instance_folder
    )


def record_network_meeting(
    session: Session,
    user_id: int,
    *,
    kommun_code: str,
    declined_on: date,
    held_on: date | None,
    organisations: Sequence[str],
    note: str,
    today: date,
    actor: Actor,
    cipher: CaseCipher,
) -> SspfNetworkMeeting:
    """Record that guardians declined consent and a nätverksmöte was offered with the
    organisations they chose; ``note`` only what the guardians allow (encrypted).
    Coordinator of the kommun only; audited ``sspf.network_meeting``."""
    coordinator_of(session, user_id, kommun_code)
    errors: dict[str, str] = {}
    not_after(errors, "declined_on", "Datum då samtycket nekades", declined_on, today)
    if held_on is not None and held_on < declined_on:
        errors["held_on"] = "Mötesdatum kan inte ligga före datumet då samtycket nekades."
    chosen = sorted(set(organisations))
    for code in chosen:
        choice_field(errors, "organisations", "Organisationer", code, PARTIES)
    if not chosen:
        errors["organisations"] = "Välj minst en organisation som vårdnadshavarna godtar."
    text = text_field(errors, "note", "Anteckning", note)
    raise_if(errors)
    meeting = SspfNetworkMeeting(
        kommun_code=kommun_code,
        coordinator_id=user_id,
        declined_on=declined_on,
        held_on=held_on,
        organisations=",".join(chosen),
        note_enc=cipher.encrypt_optional(text),
    )
    session.add(meeting)
    session.flush()
    record(
        session,
        "sspf.network_meeting",
        actor=actor,
        target=f"natverksmote-{meeting.id}",
        details={"kommun": kommun_code, "organisations": chosen},
    )
    return meeting


def network_meetings(
    session: Session, user_id: int, *, cipher: CaseCipher
) -> list[NetworkMeetingView]:
    """The network meetings the user recorded as coordinator, newest first (empty for
    anyone else)."""
    user = session.get(User, user_id)
    if user is None or not user.active or user.role != "coordinator":
        return []
    rows = session.scalars(
        select(SspfNetworkMeeting)
        .where(
            SspfNetworkMeeting.coordinator_id == user_id,
            SspfNetworkMeeting.kommun_code == user.kommun_code,
        )
        .order_by(SspfNetworkMeeting.declined_on.desc(), SspfNetworkMeeting.id.desc())
    )
    return [
        NetworkMeetingView(
            id=row.id,
            kommun_code=row.kommun_code,
            declined_on=row.declined_on,
            held_on=row.held_on,
            organisations=tuple(code for code in row.organisations.split(",") if code),
            note=cipher.decrypt_optional(row.note_enc),
        )
        for row in rows
    ]
