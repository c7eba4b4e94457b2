"""Tearing up a consent ("samtycket rivs"): every personal value of the case is gone.

When a consent is withdrawn, ended or expires, :func:`tear_up` hard-deletes, in the
caller's unit of work, the child's identity and every row of the case that holds
content (parties, signals, observations, meetings, åtagandeplan items), blanks the
guardians and the form on the consent, destroys the encrypted form file, and leaves a
tombstone on the :class:`~data.storage.consent_models.SspfCase` row: the reference,
dates, the reason and the counts removed. Every removal is written to the append-only
disposal log (table and ``instance/sspf-disposals.jsonl``) with the *gallringsbeslut*
it rests on (:func:`gallring_decision`), and audited without content.

After the commit, :func:`scrub_storage` makes the database let go of the old bytes
(SQLite: ``secure_delete`` and a WAL checkpoint; PostgreSQL: ``VACUUM FULL`` and a
``CHECKPOINT``). A restored backup is purged again by :func:`reapply_disposals`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Connection, Engine, delete, func, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from data.access.audit import Actor, record
from data.access.scope import AccessDenied
from data.consent.crypto import CaseCipher, CaseKeyError
from data.consent.files import (
    append_disposal_line,
    destroy_file,
    form_path,
    read_disposal_lines,
)
from data.storage.consent_models import (
    SspfCase,
    SspfChild,
    SspfConsent,
    SspfConsentEvent,
    SspfDisposal,
    SspfMeeting,
    SspfObservation,
    SspfParty,
    SspfPlanItem,
    SspfSignal,
)
from data.storage.models import Setting, User, utcnow

REASONS: Final = ("withdrawn", "ended", "expired")
"""Why a consent ends; the case's ``purge_reason`` and the consent's new status."""
GALLRING_SETTING: Final = "sspf_gallring:"
"""``Setting`` key prefix of a kommun's gallringsbeslut (``sspf_gallring:0380``)."""
DEFAULT_GALLRING: Final = (
    "Samtycket upphört: uppgifterna gallras enligt kommunens dokumenthanteringsplan "
    "(ange gallringsbeslut)"
)
"""The decision named when a kommun has none set (config ``SSP_SSPF_GALLRING``)."""
DECISION_CHARS: Final = 200
NO_ACCESS: Final = "Ärendet finns inte eller så har du inte behörighet."
CONTENT_TABLES: Final = (
    "sspf_child",
    "sspf_consent",
    "sspf_party",
    "sspf_signal",
    "sspf_observation",
    "sspf_meeting",
    "sspf_plan_item",
)
"""Tables whose rows held personal content (rewritten by :func:`scrub_storage`)."""
_ROWS: Final = (
    ("identitet", SspfChild),
    ("parter", SspfParty),
    ("signaler", SspfSignal),
    ("observationer", SspfObservation),
    ("moten", SspfMeeting),
    ("atagandeplan", SspfPlanItem),
)
COUNT_KINDS: Final = (
    "identitet",
    "vardnadshavare",
    "parter",
    "signaler",
    "observationer",
    "moten",
    "atagandeplan",
    "blankett",
)
"""The kinds counted in a tombstone, in the order a receipt lists them."""

log = logging.getLogger(__name__)


class TearUpError(ValueError):
    """A tear-up or gallring setting that cannot be done as asked (Swedish message)."""


@dataclass(frozen=True, slots=True)
class TearUpReceipt:
    """What was removed from a case, for the guardians: no personal data, so it can be
    made from the tombstone at any time."""

    ref: str
    kommun_code: str
    opened_on: date
    signed_on: date | None
    ended_on: date
    reason: str
    decision: str
    removed: tuple[tuple[str, int], ...]
    """``(kind, number)`` in :data:`COUNT_KINDS` order."""


def gallring_decision(session: Session, kommun_code: str, default: str) -> str:
    """The gallringsbeslut of ``kommun_code`` (its setting), else ``default``."""
    setting = session.get(Setting, GALLRING_SETTING + kommun_code)
    return setting.value if setting is not None and setting.value else default


def set_gallring_decision(session: Session, kommun: str, text_: str, actor: Actor) -> None:
    """Name the gallringsbeslut the kommun's tear-ups rest on (trimmed, 1–200
    printable characters, no line breaks or other control characters), audited."""
    clean = " ".join(text_.split())
    if not clean or len(clean) > DECISION_CHARS or not text_.strip(" ").isprintable():
        msg = f"Gallringsbeslutet anges som 1–{DECISION_CHARS} tecken text."
        raise TearUpError(msg)
    if not (len(kommun) == 4 and kommun.isdigit()):
        msg = "Kommunkoden anges med fyra siffror, t.ex. 0380."
        raise TearUpError(msg)
    key = GALLRING_SETTING + kommun
    setting = session.get(Setting, key)
    if setting is None:
        session.add(Setting(key=key, value=clean))
    else:
        setting.value = clean
    record(session, "sspf.gallring_set", actor=actor, target=kommun, details={"beslut": clean})
    session.flush()


def _counts(case: SspfCase) -> dict[str, int]:
    return dict.fromkeys(COUNT_KINDS, 0) | json.loads(case.removed_counts or "{}")


def _removed(counts: dict[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple((kind, int(counts.get(kind, 0))) for kind in COUNT_KINDS)


def _consent(session: Session, case: SspfCase) -> SspfConsent | None:
    return session.scalars(select(SspfConsent).where(SspfConsent.case_id == case.id)).first()


def _guardian_count(consent: SspfConsent | None, cipher: CaseCipher | None) -> int:
    """How many guardians the (encrypted) list names; 1 when it cannot be opened."""
    if consent is None or consent.guardians_enc is None:
        return 0
    if cipher is not None:
        try:
            return len(cipher.decrypt_list(consent.guardians_enc))
        except (CaseKeyError, ValueError):
            log.warning("Vårdnadshavarlistan kunde inte öppnas vid rivning; räknas som 1")
    return 1


def _decision(session: Session, case_ref: str) -> str:
    rows = session.scalars(
        select(SspfDisposal.decision)
        .where(SspfDisposal.case_ref == case_ref)
        .order_by(SspfDisposal.id.desc())
    )
    return rows.first() or ""


def _receipt(case: SspfCase, consent: SspfConsent | None, decision: str) -> TearUpReceipt:
    if case.purged_on is None or case.purge_reason is None:
        msg = "Ärendet är inte rivet."
        raise TearUpError(msg)
    return TearUpReceipt(
        ref=case.ref,
        kommun_code=case.kommun_code,
        opened_on=case.opened_on,
        signed_on=None if consent is None else consent.signed_on,
        ended_on=case.purged_on,
        reason=case.purge_reason,
        decision=decision,
        removed=_removed(_counts(case)),
    )


def holds_content(session: Session, case: SspfCase) -> bool:
    """True when any personal value of ``case`` is still stored (rows, guardians, form)."""
    for _kind, model in _ROWS:
        found = session.scalar(select(func.count()).where(model.case_id == case.id))
        if found:
            return True
    consent = _consent(session, case)
    return consent is not None and (
        consent.guardians_enc is not None
        or consent.form_file is not None
        or consent.status == "active"
    )


def _claim(session: Session, case: SspfCase) -> bool:
    """Mark ``case`` purged only if it is still active: True for the one tear-up that
    wins. The conditional UPDATE takes the row's write lock, so a second session
    tearing up the same case waits (PostgreSQL) and then matches no row; it must not
    count the already-deleted rows again nor log a second disposal."""
    claimed = session.execute(
        update(SspfCase)
        .where(SspfCase.id == case.id, SspfCase.status == "active")
        .values(status="purged")
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(claimed, "rowcount", 0))


def tear_up(
    session: Session,
    case: SspfCase,
    reason: str,
    today: date,
    actor: Actor,
    *,
    instance_folder: Path,
    decision: str,
    cipher: CaseCipher | None = None,
    log_line: bool = True,
) -> TearUpReceipt:
    """Hard-delete every personal value of ``case`` and leave the tombstone.

    In the caller's unit of work (flushes, never commits): the content rows are
    deleted and counted, the consent's guardians and form cleared and its status set
    to ``reason``, a status event, a disposal row and an audit row added; the form
    file is destroyed on disk at once and a line appended to the disposal log file
    (both on the safe side should the commit fail: the content is gone, or will be
    purged again by :func:`reapply_disposals`). ``cipher`` (optional) lets the
    guardians be counted exactly. ``log_line=False`` is for a re-application, whose
    reference is already in the file. A case another session has already torn up
    (the conditional claim matches no active row) only gets its existing receipt:
    nothing is counted, deleted or logged again. Run :func:`scrub_storage` after the
    commit."""
    if reason not in REASONS:
        msg = f"Okänd anledning till rivning: {reason!r}."
        raise TearUpError(msg)
    if log_line and not _claim(session, case):
        session.refresh(case)
        return _receipt(case, _consent(session, case), _decision(session, case.ref))
    consent = _consent(session, case)
    counts = dict.fromkeys(COUNT_KINDS, 0)
    counts["vardnadshavare"] = _guardian_count(consent, cipher)
    for kind, model in _ROWS:
        counts[kind] = int(
            session.scalar(select(func.count()).where(model.case_id == case.id)) or 0
        )
        session.execute(
            delete(model)
            .where(model.case_id == case.id)
            .execution_options(synchronize_session="fetch")
        )
    if consent is not None:
        if consent.form_file:
            counts["blankett"] = 1
            try:
                destroy_file(form_path(instance_folder, consent.form_file))
            except ValueError:
                log.warning(
                    "Ärende %s: blankettens filnamn var ogiltigt; ingen fil togs bort", case.ref
                )
        consent.guardians_enc = None
        consent.form_file = None
        consent.status = reason
    session.add(
        SspfConsentEvent(
            case_id=case.id, status=reason, effective_on=today, recorded_by=actor.user_id
        )
    )
    case.status = "purged"
    case.purged_on = today
    case.purge_reason = reason
    case.removed_counts = json.dumps(counts, sort_keys=True)
    disposed_at = utcnow()
    session.add(
        SspfDisposal(
            case_ref=case.ref,
            kommun_code=case.kommun_code,
            disposed_at=disposed_at,
            reason=reason,
            decision=decision[:DECISION_CHARS],
            removed_counts=case.removed_counts,
            recorded_by=actor.user_id,
        )
    )
    if log_line:
        append_disposal_line(
            instance_folder,
            {
                "ref": case.ref,
                "kommun": case.kommun_code,
                "disposed_at": disposed_at.isoformat(),
                "ended_on": today.isoformat(),
                "reason": reason,
                "decision": decision[:DECISION_CHARS],
                "removed": counts,
                "recorded_by": actor.user_id,
            },
        )
    record(
        session,
        "sspf.case_purged",
        actor=actor,
        target=case.ref,
        details={"reason": reason, "counts": [f"{k}:{counts[k]}" for k in COUNT_KINDS]},
    )
    session.flush()
    return _receipt(case, consent, decision[:DECISION_CHARS])


def receipt_for(session: Session, user: User, ref: str) -> TearUpReceipt:
    """The tear-up receipt of ``ref`` for its coordinator (from the tombstone).

    Anyone else, an unknown reference and a case not torn up get
    :class:`~data.access.scope.AccessDenied` with one and the same message."""
    case = session.scalars(select(SspfCase).where(SspfCase.ref == ref)).first()
    if (
        case is None
        or case.status != "purged"
        or case.coordinator_id != user.id
        or user.role != "coordinator"
        or not user.active
        or user.kommun_code != case.kommun_code
    ):
        raise AccessDenied(NO_ACCESS)
    return _receipt(case, _consent(session, case), _decision(session, case.ref))


def _logged_date(entry: dict[str, Any], fallback: date) -> date:
    try:
        return date.fromisoformat(str(entry.get("ended_on", "")))
    except ValueError:
        return fallback


def reapply_disposals(
    session: Session,
    instance_folder: Path,
    actor: Actor,
    *,
    today: date | None = None,
    cipher: CaseCipher | None = None,
) -> int:
    """Purge again every case the disposal log file lists that still holds content
    (e.g. after a database backup was restored); the number purged.

    The reason, decision, date and counts come from the log, so the tombstone and the
    guardians' receipt read as before the restore. A listed case whose row is missing
    altogether is fine (the backup predates it). Flushes, never commits."""
    purged = 0
    for entry in read_disposal_lines(instance_folder):
        case = session.scalars(select(SspfCase).where(SspfCase.ref == entry["ref"])).first()
        if case is None or not holds_content(session, case):
            continue
        reason = str(entry.get("reason", "withdrawn"))
        ended_on = _logged_date(entry, today or case.opened_on)
        tear_up(
            session,
            case,
            reason if reason in REASONS else "withdrawn",
            ended_on,
            actor,
            instance_folder=instance_folder,
            decision=str(entry.get("decision", DEFAULT_GALLRING)),
            cipher=cipher,
            log_line=False,
        )
        logged = entry.get("removed")
        if isinstance(logged, dict):
            case.removed_counts = json.dumps(
                {kind: int(logged.get(kind, 0)) for kind in COUNT_KINDS}, sort_keys=True
            )
        purged += 1
        log.info("Gallringsloggen återtillämpad på ärende %s", case.ref)
    session.flush()
    return purged


SCRUB_LOCK_TIMEOUT: Final = "3s"
"""How long the PostgreSQL scrub waits for a case table's lock before leaving it."""
_OWNED: Final = (
    "SELECT pg_has_role(current_user, tableowner, 'USAGE') FROM pg_tables"
    " WHERE tablename = :t AND schemaname = current_schema()"
)


def _pg_scrub(auto: Connection) -> None:
    """VACUUM FULL each case table, then CHECKPOINT; each step's failure logged on
    its own (no content), the next step still tried."""
    for table in CONTENT_TABLES:
        try:
            # PostgreSQL only warns (and skips the table) when the role does not own it.
            if not auto.execute(text(_OWNED), {"t": table}).scalar():
                log.warning(
                    "VACUUM FULL %s hoppades över: tabellen ägs inte av appens databasroll", table
                )
                continue
            auto.execute(text(f"VACUUM FULL {table}"))
        except SQLAlchemyError as error:
            log.warning("VACUUM FULL %s efter rivning gav upp: %s", table, type(error).__name__)
    try:
        auto.execute(text("CHECKPOINT"))
    except SQLAlchemyError as error:
        log.warning(
            "CHECKPOINT efter rivning hoppades över (rollen saknar pg_checkpoint?): %s",
            type(error).__name__,
        )


def scrub_storage(engine: Engine) -> None:
    """Let the database drop the bytes of deleted rows (after the tear-up's commit).

    SQLite (``secure_delete`` is on for every connection, so freed pages are
    zeroed): a ``wal_checkpoint(TRUNCATE)`` moves the WAL into the file and empties
    it. PostgreSQL: ``VACUUM FULL`` rewrites each case table the app's role owns
    without the dead rows, then a ``CHECKPOINT`` (needs ``pg_checkpoint``, PG15+).
    Every step's failure is logged on its own (no content) and never raised."""
    try:
        with engine.connect() as connection:
            auto = connection.execution_options(isolation_level="AUTOCOMMIT")
            if engine.dialect.name == "sqlite":
                busy = auto.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).first()
                if busy is not None and busy[0]:
                    log.warning("WAL-checkpoint efter rivning blockerades av en läsare")
                return
            # VACUUM FULL needs an exclusive lock: it must not wait behind (and queue
            # every reader behind) another request's open transaction. A table it could
            # not lock in time keeps its dead rows (ciphertext only) until the next scrub.
            auto.execute(text(f"SET lock_timeout = '{SCRUB_LOCK_TIMEOUT}'"))
            try:
                _pg_scrub(auto)
            finally:
                auto.execute(text("RESET lock_timeout"))
    except SQLAlchemyError as error:
        log.warning("Städning av lagringen efter rivning misslyckades: %s", type(error).__name__)
