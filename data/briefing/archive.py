"""The coordinator's assessment and the published lägesbild archive.

* A **draft** (bedömning and decided actions) per kommun and period, written by a
  coordinator of that kommun, through the PII guard (:mod:`data.privacy.pii`).
* A **published** lägesbild: the briefing as JSON (:mod:`data.briefing.serial`), its
  PDF and the PDF's SHA-256, dated and immutable (migration 0015's triggers refuse
  UPDATE; there is no update function). Publishing writes an audit row.
* Who sees what: coordinators of the kommun see every record of it; leadership of
  the kommun sees the records published at leadership level only (a coordinator
  record holds finer numbers: k = 5, weeks). Nobody sees another kommun's records.

Writes happen inside the caller's unit of work (they flush, never commit).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access.audit import Actor, record
from data.access.scope import AccessDenied, Viewer, require_kommun
from data.briefing.model import Briefing
from data.briefing.period import parse_period, period_label
from data.briefing.serial import briefing_from_json, briefing_to_json
from data.privacy.pii import check_text_fields
from data.storage.models import LagesbildAssessment, LagesbildPublished, User, utcnow

MAX_ASSESSMENT: Final = 4000
MAX_ACTIONS: Final = 2000
MAX_PDF_BYTES: Final = 20 * 1024 * 1024
ASSESSMENT_FIELD: Final = "Bedömning"
ACTIONS_FIELD: Final = "Beslutade åtgärder"
ARCHIVE_ROLES: Final = frozenset({"coordinator", "leadership"})


class AssessmentRejected(ValueError):
    """The texts cannot be saved; ``errors`` maps each field to a Swedish reason."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class NotPublished(LookupError):
    """No published lägesbild has that id."""


@dataclass(frozen=True, slots=True)
class ArchiveEntry:
    """One published lägesbild in the archive list (no content, no PDF)."""

    id: int
    kommun_code: str
    period_code: str
    period_label: str
    audience: str
    published_at: datetime
    published_by: str
    """The publishing user's username (as the audit log shows it), empty when unknown
    (published from the command line, or the account is gone)."""
    sha256: str


def _require_coordinator(viewer: Viewer, kommun: str) -> None:
    if viewer.role != "coordinator" or viewer.kommun_code != kommun:
        msg = "bara en samordnare i kommunen kan skriva och publicera lägesbilden"
        raise AccessDenied(msg)


def _clean(text: str) -> str:
    """Line breaks kept, other control characters dropped, outer spaces trimmed."""
    kept = "".join(c for c in text.replace("\r\n", "\n") if c.isprintable() or c == "\n")
    return kept.strip()


def check_texts(assessment: str, actions: str) -> tuple[str, str]:
    """The two texts cleaned, or :class:`AssessmentRejected` (too long, personal data:
    the guard's Swedish reasons, never the text itself)."""
    texts = {ASSESSMENT_FIELD: _clean(assessment), ACTIONS_FIELD: _clean(actions)}
    errors: dict[str, str] = {}
    for field, limit in ((ASSESSMENT_FIELD, MAX_ASSESSMENT), (ACTIONS_FIELD, MAX_ACTIONS)):
        if len(texts[field]) > limit:
            errors[field] = f'Fältet "{field}" får vara högst {limit} tecken.'
    errors |= {f: m for f, m in check_text_fields(texts).items() if f not in errors}
    if errors:
        raise AssessmentRejected(errors)
    return texts[ASSESSMENT_FIELD], texts[ACTIONS_FIELD]


def save_assessment(
    session: Session,
    viewer: Viewer,
    user_id: int | None,
    kommun: str,
    period_code: str,
    assessment: str,
    actions: str,
) -> None:
    """Save (or replace) the draft bedömning and actions of ``kommun`` for a period.

    Only a coordinator of ``kommun`` (AccessDenied); the period code must parse
    (BadSelection); texts as :func:`check_texts` (AssessmentRejected).
    """
    _require_coordinator(viewer, kommun)
    code = parse_period(period_code).code
    clean_assessment, clean_actions = check_texts(assessment, actions)
    row = session.scalar(
        select(LagesbildAssessment).where(
            LagesbildAssessment.kommun_code == kommun, LagesbildAssessment.period_code == code
        )
    )
    if row is None:
        row = LagesbildAssessment(kommun_code=kommun, period_code=code)
        session.add(row)
    row.assessment = clean_assessment
    row.actions = clean_actions
    row.updated_at = utcnow()
    row.updated_by = user_id
    session.flush()


def assessment_for(session: Session, kommun: str, period_code: str) -> tuple[str, str]:
    """(bedömning, åtgärder) saved for ``kommun`` and the period, empty when none."""
    code = parse_period(period_code).code
    row = session.scalar(
        select(LagesbildAssessment).where(
            LagesbildAssessment.kommun_code == kommun, LagesbildAssessment.period_code == code
        )
    )
    return ("", "") if row is None else (row.assessment, row.actions)


def _username(session: Session, user_id: int | None) -> str:
    if user_id is None:
        return ""
    return session.scalar(select(User.username).where(User.id == user_id)) or ""


def publish(
    session: Session,
    viewer: Viewer,
    user_id: int | None,
    briefing: Briefing,
    pdf: bytes,
    *,
    actor: Actor | None = None,
) -> int:
    """Store ``briefing`` and its ``pdf`` as a published record; return its id.

    Only a coordinator of the briefing's kommun (AccessDenied). The texts pass the
    PII guard again (AssessmentRejected) and ``pdf`` must be a PDF (ValueError).
    Writes the audit row ``lagesbild.published`` (``actor``: the request's or the
    command line's; by default the user ``user_id`` without an address).
    """
    _require_coordinator(viewer, briefing.kommun_code)
    check_texts(briefing.assessment, briefing.actions)
    if not pdf.startswith(b"%PDF-") or len(pdf) > MAX_PDF_BYTES:
        msg = "the lägesbild's PDF is not a PDF file or is too large"
        raise ValueError(msg)
    digest = hashlib.sha256(pdf).hexdigest()
    row = LagesbildPublished(
        kommun_code=briefing.kommun_code,
        period_code=briefing.period.code,
        audience=briefing.audience,
        published_at=utcnow(),
        published_by=user_id,
        content=briefing_to_json(briefing),
        pdf=pdf,
        pdf_sha256=digest,
    )
    session.add(row)
    session.flush()
    who = actor or Actor(user_id, _username(session, user_id), "")
    record(
        session,
        "lagesbild.published",
        actor=who,
        target=briefing.kommun_code,
        details={
            "id": row.id,
            "period": briefing.period.code,
            "audience": briefing.audience,
            "sha256": digest,
        },
    )
    return row.id


def _require_reader(viewer: Viewer, kommun: str) -> None:
    if viewer.role not in ARCHIVE_ROLES:
        msg = "din roll har inget lägesbildsarkiv"
        raise AccessDenied(msg)
    require_kommun(viewer, kommun)


def _visible(viewer: Viewer, audience: str) -> bool:
    return viewer.role == "coordinator" or audience == "leadership"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def archive(session: Session, viewer: Viewer, kommun: str) -> list[ArchiveEntry]:
    """The kommun's published lägesbilder the viewer may open, newest first."""
    _require_reader(viewer, kommun)
    query = (
        select(
            LagesbildPublished.id,
            LagesbildPublished.period_code,
            LagesbildPublished.audience,
            LagesbildPublished.published_at,
            LagesbildPublished.pdf_sha256,
            User.username,
        )
        .outerjoin(User, User.id == LagesbildPublished.published_by)
        .where(LagesbildPublished.kommun_code == kommun)
        .order_by(LagesbildPublished.published_at.desc(), LagesbildPublished.id.desc())
    )
    if viewer.role != "coordinator":
        query = query.where(LagesbildPublished.audience == "leadership")
    return [
        ArchiveEntry(
            id=row.id,
            kommun_code=kommun,
            period_code=row.period_code,
            period_label=period_label(parse_period(row.period_code)),
            audience=row.audience,
            published_at=_aware(row.published_at),
            published_by=row.username or "",
            sha256=row.pdf_sha256,
        )
        for row in session.execute(query)
    ]


def published(session: Session, viewer: Viewer, record_id: int) -> tuple[Briefing, bytes]:
    """The published briefing and PDF of ``record_id`` (NotPublished when there is none;
    AccessDenied outside the viewer's kommun or, for leadership, a coordinator record)."""
    row = session.get(LagesbildPublished, record_id)
    if row is None:
        msg = f"ingen publicerad lägesbild med nummer {record_id}"
        raise NotPublished(msg)
    _require_reader(viewer, row.kommun_code)
    if not _visible(viewer, row.audience):
        msg = "den här lägesbilden är publicerad för samordnare"
        raise AccessDenied(msg)
    return briefing_from_json(row.content), bytes(row.pdf)
