"""The audit log: who did what, when and from where — never the data itself.

Rows go to ``audit_event``, which is append-only (the migration's triggers refuse
UPDATE and DELETE on PostgreSQL and SQLite). :func:`record` adds a row to the
caller's session, so an account change and its audit row commit together or not at
all. What a row may say is limited here: an action from :data:`ACTIONS`, a target
(a username, a kommun, a token id) and details that are filters, formats and ids —
short texts, numbers, flags or lists of codes — checked by shape. Callers never pass
counts, note text, passwords or file contents (DOMAIN.md, privacy rule 5).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from data.clock import SWEDISH_TIME
from data.storage.models import AuditEvent, utcnow
from data.vocabulary import Term

ACTIONS: Final[tuple[Term, ...]] = (
    Term("auth.login", "Inloggning"),
    Term("auth.login_failed", "Misslyckad inloggning"),
    Term("auth.totp_failed", "Fel engångskod vid inloggning"),
    Term("auth.logout", "Utloggning"),
    Term("export.csv", "Export av lägesbildens tabell (CSV)"),
    Term("export.schedule", "Export av vandringsschema"),
    Term("export.compensation", "Export av ersättningsunderlag"),
    Term("export.api", "Uttag via API"),
    Term("export.audit", "Export av granskningsloggen"),
    Term("import.started", "Import startad"),
    Term("import.finished", "Import avslutad"),
    Term("user.created", "Användare skapad"),
    Term("user.changed", "Roll eller behörighet ändrad"),
    Term("user.deactivated", "Användare inaktiverad"),
    Term("user.activated", "Användare aktiverad"),
    Term("user.password_reset", "Lösenord återställt"),
    Term("user.password_changed", "Eget lösenord bytt"),
    Term("user.language_changed", "Eget språk bytt"),
    Term("totp.enrolled", "Tvåstegsverifiering aktiverad"),
    Term("totp.disabled", "Tvåstegsverifiering avstängd"),
    Term("totp.reset", "Tvåstegsverifiering återställd"),
    Term("token.created", "API-token skapad"),
    Term("token.revoked", "API-token återkallad"),
    Term("token.used", "API-token använd"),
    Term("lagesbild.published", "Lägesbild publicerad"),
    # Issue 17 — police partnership (data.planning.police, data.planning.operations)
    Term("police.plan_agreed", "Veckans vandringsplan godkänd av polisen"),
    Term("police.plan_commented", "Kommentar till veckans vandringsplan"),
    Term("police.operation_created", "Riktad insats registrerad"),
    Term("police.operation_changed", "Riktad insats ändrad"),
    Term("police.operation_deleted", "Riktad insats borttagen"),
    # Issue 17, associations without accounts.
    Term("association_link.created", "Föreningslänk skapad"),
    Term("association_link.revoked", "Föreningslänk återkallad"),
    Term("association.offered", "Förening anmälde en natt via länk"),
    Term("association.withdrawn", "Förening tog bort en anmälan via länk"),
    Term("association.reported", "Förening rapporterade en vandring via länk"),
    Term("action.created", "Åtgärd beslutad"),
    Term("action.changed", "Åtgärd ändrad (status eller uppföljning)"),
    # Issue 18 — SSPF with consent (data.consent): targets are case refs, never content.
    Term("sspf.case_created", "SSPF-ärende öppnat med samtycke"),
    Term("sspf.case_read", "SSPF-ärende läst"),
    Term("sspf.cases_listed", "SSPF-ärenden listade"),
    Term("sspf.case_written", "SSPF-ärende ändrat"),
    Term("sspf.consent_status", "Samtyckets status ändrad"),
    Term("sspf.case_purged", "Samtycket rivet: ärendets uppgifter raderade"),
    Term("sspf.plan_exported", "Åtagandeplan exporterad (PDF)"),
    Term("sspf.receipt_exported", "Kvitto på rivning exporterat (PDF)"),
    Term("sspf.network_meeting", "Nätverksmöte registrerat (samtycke nekat)"),
    Term("sspf.gallring_set", "Gallringsbeslut för SSPF angivet"),
    Term("sspf.key_rotated", "Ärendenyckeln roterad"),
    Term("sspf.disposals_reapplied", "Gallringsloggen återtillämpad"),
    Term("sspf.case_reassigned", "SSPF-ärende överlämnat till en annan samordnare"),
)
ACTION_CODES: Final = frozenset(term.code for term in ACTIONS)
_LABELS: Final = {term.code: term.label for term in ACTIONS}
MAX_TEXT: Final = 200
MAX_LIST: Final = 100
MAX_DETAILS_JSON: Final = 4000
MAX_EXPORT_ROWS: Final = 100_000
"""An audit CSV holds at most this many rows (narrow the filter for more)."""
_KEY: Final = re.compile(r"[a-z][a-z0-9_]{0,31}")

Detail = str | int | bool | None | Sequence[str]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a user (or nobody, for a failed login) and the address they came from."""

    user_id: int | None
    username: str
    address: str


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What the audit page asks for; None means any. Dates are Swedish calendar days."""

    username: str | None = None
    """Rows by this user or about them (their username as the target)."""
    action: str | None = None
    first: date | None = None
    last: date | None = None


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One audit event as shown and exported."""

    id: int
    at: datetime
    actor: str
    address: str
    action: str
    target: str
    details: dict[str, Any]


def action_label(action: str) -> str:
    """The Swedish label of an action (the code itself for one no longer in the list)."""
    return _LABELS.get(action, action)


def _text(value: str, limit: int = MAX_TEXT) -> str:
    """Printable and short: control characters become spaces, long text is cut."""
    cleaned = "".join(c if c.isprintable() else " " for c in value)
    return cleaned[:limit]


def _detail(key: str, value: object) -> Detail:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        if len(value) > MAX_LIST:
            msg = f"audit detail {key!r} lists more than {MAX_LIST} items"
            raise ValueError(msg)
        return [_text(v) for v in value]
    msg = f"audit detail {key!r} must be text, a number, a flag or a list of codes"
    raise ValueError(msg)


def details_json(details: Mapping[str, object] | None) -> str:
    """``details`` as JSON, checked: short keys, plain values, at most 4,000 characters."""
    checked: dict[str, Detail] = {}
    for key, value in (details or {}).items():
        if not _KEY.fullmatch(key):
            msg = f"audit detail keys are short lower-case names, not {key!r}"
            raise ValueError(msg)
        checked[key] = _detail(key, value)
    text = json.dumps(checked, ensure_ascii=False, sort_keys=True)
    if len(text) > MAX_DETAILS_JSON:
        msg = "audit details are too long; record filters and ids, not data"
        raise ValueError(msg)
    return text


def record(
    session: Session,
    action: str,
    *,
    actor: Actor,
    target: str = "",
    details: Mapping[str, object] | None = None,
    at: datetime | None = None,
) -> None:
    """Add one audit row to ``session`` (the caller's unit of work commits it).

    Refuses an action that is not in :data:`ACTIONS` and details that are not short
    plain values (:func:`details_json`).
    """
    if action not in ACTION_CODES:
        msg = f"unknown audit action {action!r}"
        raise ValueError(msg)
    session.add(
        AuditEvent(
            at=at or utcnow(),
            actor_id=actor.user_id,
            actor_name=_text(actor.username, 64),
            address=_text(actor.address, 64),
            action=action,
            target=_text(target),
            details=details_json(details),
        )
    )


def day_bounds(first: date | None, last: date | None) -> tuple[datetime | None, datetime | None]:
    """UTC moments of the start of ``first`` and the end of ``last`` (Swedish days)."""
    start = None if first is None else datetime.combine(first, time(0), tzinfo=SWEDISH_TIME)
    end = (
        None
        if last is None
        else datetime.combine(last + timedelta(days=1), time(0), tzinfo=SWEDISH_TIME)
    )
    return (
        None if start is None else start.astimezone(UTC),
        None if end is None else end.astimezone(UTC),
    )


def _filtered(query: Select[Any], wanted: AuditFilter) -> Select[Any]:
    if wanted.username:
        query = query.where(
            or_(AuditEvent.actor_name == wanted.username, AuditEvent.target == wanted.username)
        )
    if wanted.action:
        query = query.where(AuditEvent.action == wanted.action)
    start, end = day_bounds(wanted.first, wanted.last)
    if start is not None:
        query = query.where(AuditEvent.at >= start)
    if end is not None:
        query = query.where(AuditEvent.at < end)
    return query


def _row(event: AuditEvent) -> AuditRow:
    at = event.at if event.at.tzinfo is not None else event.at.replace(tzinfo=UTC)
    return AuditRow(
        id=event.id,
        at=at,
        actor=event.actor_name,
        address=event.address,
        action=event.action,
        target=event.target,
        details=json.loads(event.details or "{}"),
    )


def audit_count(session: Session, wanted: AuditFilter) -> int:
    """How many rows match ``wanted``."""
    return int(session.scalar(_filtered(select(func.count(AuditEvent.id)), wanted)) or 0)


def audit_page(
    session: Session, wanted: AuditFilter, *, page: int, per_page: int = 50
) -> list[AuditRow]:
    """One page (from 0) of matching rows, newest first."""
    query = _filtered(select(AuditEvent), wanted).order_by(
        AuditEvent.at.desc(), AuditEvent.id.desc()
    )
    events = session.scalars(query.offset(max(page, 0) * per_page).limit(per_page))
    return [_row(e) for e in events]


def audit_rows(
    session: Session, wanted: AuditFilter, *, limit: int = MAX_EXPORT_ROWS
) -> list[AuditRow]:
    """Matching rows for an export, oldest first, at most ``limit``."""
    query = _filtered(select(AuditEvent), wanted).order_by(AuditEvent.at, AuditEvent.id)
    return [_row(e) for e in session.scalars(query.limit(limit))]


def actor_names(session: Session) -> list[str]:
    """Every username that appears as an actor, for the filter's choices."""
    names = session.scalars(
        select(AuditEvent.actor_name).distinct().order_by(AuditEvent.actor_name)
    )
    return [n for n in names if n]
