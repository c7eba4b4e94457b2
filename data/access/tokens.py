"""Bearer tokens for the aggregate API: created once, stored hashed, revocable.

A token is a random 256-bit secret shown to its creator once. The database keeps
only its SHA-256 hash, so a copy of the database gives no working token; a slow
password hash is not needed for a secret of that strength. A token acts as its
user (role and scope) until it expires (:data:`DEFAULT_LIFETIME` after creation
unless chosen otherwise), is revoked or the user is deactivated. Its use is written
to the audit log at most once an hour (:func:`audit_token_use`). Functions here
never commit: the caller's unit of work does.
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access.audit import Actor, record
from data.storage.models import ApiToken, User, utcnow

TOKEN_PREFIX: Final = "ssp_"
"""Marks the secret as this app's, so secret scanners and people recognise it."""
MAX_TOKEN_LENGTH: Final = 200
MAX_LABEL_LENGTH: Final = 100
TOUCH_INTERVAL: Final = timedelta(minutes=5)
"""``last_used_at`` is written at most this often per token, not on every request."""
_TOKEN_SHAPE: Final = re.compile(r"[A-Za-z0-9_-]+")
DEFAULT_LIFETIME: Final = timedelta(days=90)
MAX_LIFETIME: Final = timedelta(days=366)
AUDIT_USE_INTERVAL: Final = timedelta(hours=1)
"""A token's use is written to the audit log at most this often."""


class TokenError(ValueError):
    """A token could not be created, found or revoked; the message says why."""


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What may be shown about a token: never the token or its hash."""

    id: int
    username: str
    label: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    expires_at: datetime


def hash_token(secret: str) -> str:
    """Hex SHA-256 of a token, as stored in ``api_token.token_hash``."""
    return sha256(secret.encode("utf-8")).hexdigest()


def _aware(moment: datetime) -> datetime:
    # SQLite hands timezone-aware columns back naive; they were written in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class TokenCheck:
    """The outcome of checking a token: its user and id, or why it is refused."""

    user: User | None
    token_id: int | None = None
    problem: str | None = None
    """None for a valid token; else ``unknown``, ``revoked``, ``expired`` or ``inactive``."""


def create_token(
    session: Session,
    username: str,
    *,
    label: str = "",
    lifetime: timedelta = DEFAULT_LIFETIME,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Add a new token for ``username``; return the row and the secret (shown once).

    The token expires ``lifetime`` after ``now`` (default 90 days). Refuses unknown
    and deactivated users, lifetimes outside one day to :data:`MAX_LIFETIME`, and
    labels longer than 100 characters or with control characters.
    """
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        msg = f"no user named {username.strip().lower()!r}"
        raise TokenError(msg)
    if not user.active:
        msg = f"the user {user.username!r} is deactivated; activate them first"
        raise TokenError(msg)
    label = label.strip()
    if len(label) > MAX_LABEL_LENGTH or not label.isprintable():
        msg = f"the label must be at most {MAX_LABEL_LENGTH} printable characters"
        raise TokenError(msg)
    if not timedelta(days=1) <= lifetime <= MAX_LIFETIME:
        msg = f"a token lives from 1 to {MAX_LIFETIME.days} days"
        raise TokenError(msg)
    moment = now or utcnow()
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        token_hash=hash_token(secret),
        label=label,
        created_at=moment,
        expires_at=moment + lifetime,
    )
    session.add(token)
    session.flush()
    return token, secret


def check_token(session: Session, secret: str, *, now: datetime | None = None) -> TokenCheck:
    """Check a token: its active user, or why it is refused (unknown, revoked, expired,
    user deactivated).

    The lookup is by the token's hash: timing reveals at most something about a
    hash, never about a valid token. The hash is compared again in constant time.
    Marks a valid token used (at most every :data:`TOUCH_INTERVAL`; the caller commits).
    """
    if not secret or len(secret) > MAX_TOKEN_LENGTH or not _TOKEN_SHAPE.fullmatch(secret):
        return TokenCheck(None, problem="unknown")
    digest = hash_token(secret)
    row = session.execute(
        select(ApiToken, User)
        .join(User, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == digest)
    ).first()
    if row is None:
        return TokenCheck(None, problem="unknown")
    token, user = row[0], row[1]
    if not hmac.compare_digest(token.token_hash.encode(), digest.encode()):
        return TokenCheck(None, problem="unknown")
    moment = now or utcnow()
    if token.revoked_at is not None:
        return TokenCheck(None, token.id, "revoked")
    if not user.active:
        return TokenCheck(None, token.id, "inactive")
    if moment >= _aware(token.expires_at):
        return TokenCheck(None, token.id, "expired")
    if token.last_used_at is None or moment - _aware(token.last_used_at) >= TOUCH_INTERVAL:
        token.last_used_at = moment
    return TokenCheck(user, token.id)


def verify_token(session: Session, secret: str, *, now: datetime | None = None) -> User | None:
    """The active user a valid token belongs to, or None (see :func:`check_token`)."""
    return check_token(session, secret, now=now).user


def audit_token_use(
    session: Session, token_id: int, *, actor: Actor, now: datetime | None = None
) -> bool:
    """Write ``token.used`` to the audit log unless it was written within the last hour.

    Returns whether a row was added (the caller commits). Keeps a busy script from
    flooding the log while still showing which token is used, by whom and from where.
    """
    token = session.get(ApiToken, token_id)
    moment = now or utcnow()
    if token is None or (
        token.use_audited_at is not None
        and moment - _aware(token.use_audited_at) < AUDIT_USE_INTERVAL
    ):
        return False
    token.use_audited_at = moment
    record(session, "token.used", actor=actor, target=f"token {token.id}", at=moment)
    return True


def revoke_token(session: Session, token_id: int, *, now: datetime | None = None) -> ApiToken:
    """Revoke a token by id (idempotent: an already revoked token keeps its date)."""
    token = session.get(ApiToken, token_id)
    if token is None:
        msg = f"no token with id {token_id}"
        raise TokenError(msg)
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
    return token


def list_tokens(session: Session, username: str | None = None) -> list[TokenInfo]:
    """Every token (or ``username``'s), oldest first, without secrets or hashes."""
    query = select(ApiToken, User.username).join(User, ApiToken.user_id == User.id)
    if username is not None:
        wanted = username.strip().lower()
        if session.scalar(select(User.id).where(User.username == wanted)) is None:
            msg = f"no user named {wanted!r}"
            raise TokenError(msg)
        query = query.where(User.username == wanted)
    rows = session.execute(query.order_by(ApiToken.id)).all()
    return [
        TokenInfo(
            id=token.id,
            username=name,
            label=token.label,
            created_at=_aware(token.created_at),
            last_used_at=None if token.last_used_at is None else _aware(token.last_used_at),
            revoked_at=None if token.revoked_at is None else _aware(token.revoked_at),
            expires_at=_aware(token.expires_at),
        )
        for token, name in rows
    ]
