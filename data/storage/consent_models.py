"""SQLAlchemy models of the consent-gated SSPF case layer (issue 18).

This is the only place in the schema where data about one child may exist, and only
while a guardian's written consent (*samtycke/sekretessmedgivande*, OSL 12 kap. 2 §)
is active. Every personal value — the child's name and birth date, the guardians'
names, invited persons, and every free-text field — is stored encrypted
(``*_enc`` columns: Fernet tokens from :mod:`data.consent.crypto`, key outside the
database). When the consent ends, every row below that holds personal content is
hard-deleted (:mod:`data.consent.teardown`); what remains of a case is its
:class:`SspfCase` row — the tombstone: a pseudonymous reference, kommun, dates, the
reason and the counts of what was removed — and the disposal log
(:class:`SspfDisposal`), neither holding personal data.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from data.storage.models import Base, utcnow


class SspfCase(Base):
    """A case: pseudonymous reference, kommun, coordinator, dates. After a tear-up the
    row stays as the tombstone (``purged_on``, ``purge_reason``, ``removed_counts``)."""

    __tablename__ = "sspf_case"
    __table_args__ = (CheckConstraint("status IN ('active', 'purged')", name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(16), unique=True)
    """Random pseudonymous reference, e.g. ``SSPF-7K2Q9X``; never derived from identity."""
    kommun_code: Mapped[str] = mapped_column(String(4), index=True)
    coordinator_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(8), default="active")
    opened_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    purged_on: Mapped[date | None] = mapped_column(Date)
    purge_reason: Mapped[str | None] = mapped_column(String(16))
    """``withdrawn``, ``ended`` or ``expired`` (the consent's end)."""
    removed_counts: Mapped[str | None] = mapped_column(Text)
    """JSON object: kind → number of items removed (no content)."""


class SspfChild(Base):
    """The child's identity: name and birth date, encrypted. One per case; deleted at
    tear-up."""

    __tablename__ = "sspf_child"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("sspf_case.id", ondelete="CASCADE"), primary_key=True
    )
    name_enc: Mapped[bytes] = mapped_column(LargeBinary)
    birth_date_enc: Mapped[bytes] = mapped_column(LargeBinary)
    background_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    """Why the case was opened (free text), encrypted."""


class SspfConsent(Base):
    """The consent of a case (one per case): signed date, valid-until (review/expiry)
    date, status, guardians' names (encrypted), the scanned form's file (encrypted on
    disk) if any."""

    __tablename__ = "sspf_consent"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'withdrawn', 'ended', 'expired')", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("sspf_case.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(String(10), default="active")
    signed_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    guardians_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    """JSON list of the signing guardians' names, encrypted; None after tear-up."""
    form_file: Mapped[str | None] = mapped_column(String(64))
    """File name (random) of the encrypted scanned form in the case-files folder."""
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SspfConsentEvent(Base):
    """A status change of a consent: the status, the date it takes effect, who recorded
    it and when. No personal content; kept after tear-up."""

    __tablename__ = "sspf_consent_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("sspf_case.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    effective_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SspfParty(Base):
    """A party the consent covers: an organisation kind (``skola``, ``socialtjanst``,
    ``polis``, ``fritid``, ``annan``), optionally the named person with an account who
    gets access, and for invited others a label (encrypted: may name a relative)."""

    __tablename__ = "sspf_party"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("sspf_case.id", ondelete="CASCADE"), index=True)
    organisation: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    label_enc: Mapped[bytes | None] = mapped_column(LargeBinary)


class SspfSignal(Base):
    """A structured risk or protective signal of the case (codes from
    :data:`data.consent.vocabulary.SIGNALS`), who noted it and when."""

    __tablename__ = "sspf_signal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("sspf_case.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    party: Mapped[str] = mapped_column(String(16))
    noted_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )


class SspfObservation(Base):
    """An observation a party shares about the child: date, party, text (encrypted),
    who recorded it."""

    __tablename__ = "sspf_observation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("sspf_case.id", ondelete="CASCADE"), index=True)
    party: Mapped[str] = mapped_column(String(16))
    observed_on: Mapped[date] = mapped_column(Date)
    text_enc: Mapped[bytes] = mapped_column(LargeBinary)
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SspfMeeting(Base):
    """A meeting of the case (``intag``, ``familjemote``, ``uppfoljning``, ``avslut``):
    date, notes (encrypted), and a follow-up's decision (``fortsatt``, ``andra``,
    ``avsluta``)."""

    __tablename__ = "sspf_meeting"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("sspf_case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    held_on: Mapped[date] = mapped_column(Date)
    notes_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    decision: Mapped[str | None] = mapped_column(String(16))
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )


class SspfPlanItem(Base):
    """An item of the åtagandeplan: which party does what (encrypted), by when, when it
    is followed up, its status (``planerad``, ``pagar``, ``klar``, ``avbruten``)."""

    __tablename__ = "sspf_plan_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("sspf_case.id", ondelete="CASCADE"), index=True)
    party: Mapped[str] = mapped_column(String(16))
    what_enc: Mapped[bytes] = mapped_column(LargeBinary)
    due_on: Mapped[date | None] = mapped_column(Date)
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="planerad")
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SspfNetworkMeeting(Base):
    """Guardians declined consent and a *nätverksmöte* was offered: the kommun, the
    coordinator, the date declined, the meeting date, the organisations the guardians
    chose, and only the note the guardians allow (encrypted). No child identity."""

    __tablename__ = "sspf_network_meeting"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kommun_code: Mapped[str] = mapped_column(String(4), index=True)
    coordinator_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    declined_on: Mapped[date] = mapped_column(Date)
    held_on: Mapped[date | None] = mapped_column(Date)
    organisations: Mapped[str] = mapped_column(String(120))
    """Comma-separated organisation codes the guardians chose."""
    note_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SspfDisposal(Base):
    """The disposal log: one row per tear-up — case reference, kommun, when, why, the
    *gallringsbeslut* it rests on, the counts removed. Append-only; no personal data.
    Mirrored to ``instance/sspf-disposals.jsonl`` so a restored database backup can be
    purged again (:func:`data.consent.teardown.reapply_disposals`)."""

    __tablename__ = "sspf_disposal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_ref: Mapped[str] = mapped_column(String(16), index=True)
    kommun_code: Mapped[str] = mapped_column(String(4))
    disposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reason: Mapped[str] = mapped_column(String(16))
    decision: Mapped[str] = mapped_column(String(200))
    """The gallringsbeslut (or law) the removal rests on, as configured."""
    removed_counts: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[int | None] = mapped_column(Integer)
    """The user id who tore it up (None: the daily job); no foreign key, so removing an
    account never has to change this append-only log."""
