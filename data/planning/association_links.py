"""Sign-up links for associations without accounts: created by the coordinator,
revocable, expiring.

A link is ``/forening/<token>``: the token is a random 256-bit secret shown to the
coordinator once, when the link is made, to send to the association. The database
keeps only its HMAC-SHA256 under a key derived from the app's secret
(:func:`link_key`), so neither a copy of the database nor of the secret alone gives
a working link, and a token cannot be forged or altered (an altered token matches no
row). A link opens one association's page and nothing else: no login session, no
other page, callback, API, upload or export (the web layer's
``dashboard/association_routes.py``). It stops working when it expires (60 days
by default, at most 365) or is revoked. Creating and revoking are audited; the token
never reaches the audit log. Functions here never commit.
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
from data.planning.registry import PlanError
from data.planning.walk_links import Walker
from data.storage.models import Area, Association, AssociationLink

DEFAULT_DAYS: Final = 60
MAX_DAYS: Final = 365
TOUCH_INTERVAL: Final = timedelta(minutes=5)
"""``last_used_at`` is written at most this often per link."""
TOKEN_SHAPE: Final = re.compile(r"[A-Za-z0-9_-]{40,64}")
"""What a link token looks like (``secrets.token_urlsafe(32)`` is 43 characters);
anything else is refused before the database is asked."""
LINK_ROLE: Final = "association"
"""The role of a :class:`~data.planning.walk_links.Walker` acting through a link."""


class LinkInvalid(PermissionError):
    """The link opens nothing: ``reason`` is ``unknown``, ``revoked`` or ``expired``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class LinkInfo:
    """What the coordinator sees about a link: never the token or its hash."""

    id: int
    association: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    def status(self, now: datetime) -> str:
        """``revoked``, ``expired`` or ``active`` at ``now``."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= now else "active"


@dataclass(frozen=True, slots=True)
class LinkAccess:
    """What an opened link gives: one association of one kommun."""

    link_id: int
    association_id: int
    association: str
    kommun_code: str
    kommun_name: str
    expires_at: datetime

    @property
    def walker(self) -> Walker:
        """The association as a reporter of its own planned walks (no user)."""
        return Walker(0, LINK_ROLE, self.kommun_code, self.association_id, frozenset())

    @property
    def actor_name(self) -> str:
        """Who acts in the audit log: the link, never its token."""
        return f"föreningslänk {self.link_id}"


def link_key(secret: str | bytes) -> bytes:
    """The key link tokens are hashed under, derived from the app's ``SECRET_KEY``
    (a key of its own, so no other use of the secret can produce a link hash)."""
    raw = secret.encode("utf-8") if isinstance(secret, str) else secret
    return hmac.new(raw, b"ssp association link v1", sha256).digest()


def token_hash(key: bytes, token: str) -> str:
    """Hex HMAC-SHA256 of ``token`` under ``key``, as stored in ``token_hash``."""
    return hmac.new(key, token.encode("utf-8"), sha256).hexdigest()


def aware(moment: datetime) -> datetime:
    """``moment`` in UTC (SQLite hands timezone-aware columns back naive)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def create_link(
    session: Session,
    kommun: str,
    association_id: int,
    *,
    days: int,
    key: bytes,
    actor: Actor,
    now: datetime,
) -> tuple[int, str]:
    """A new link for the kommun's association, valid ``days`` (1–365) from ``now``:
    (link id, token). The token is returned once and never stored; :class:`PlanError`
    (Swedish) for an association of another kommun or a lifetime out of range."""
    errors = {}
    association = session.get(Association, association_id)
    if association is None or association.kommun_code != kommun:
        errors["förening"] = "Välj en förening i kommunen."
    if isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        errors["dagar"] = f"Länken kan gälla 1–{MAX_DAYS} dagar."
    if errors:
        raise PlanError(errors)
    token = secrets.token_urlsafe(32)
    now = now.astimezone(UTC)  # SQLite keeps no offset: store UTC
    link = AssociationLink(
        association_id=association_id,
        kommun_code=kommun,
        token_hash=token_hash(key, token),
        created_at=now,
        created_by=actor.user_id,
        expires_at=now + timedelta(days=days),
    )
    session.add(link)
    session.flush()
    record(
        session,
        "association_link.created",
        actor=actor,
        target=kommun,
        details={"link": link.id, "association": association_id, "days": days},
        at=now,
    )
    return link.id, token


def links(session: Session, kommun: str) -> list[LinkInfo]:
    """Every link of the kommun's associations, newest first."""
    rows = session.scalars(
        select(AssociationLink)
        .where(AssociationLink.kommun_code == kommun)
        .order_by(AssociationLink.created_at.desc(), AssociationLink.id.desc())
    )
    return [
        LinkInfo(
            link.id,
            link.association.name,
            aware(link.created_at),
            aware(link.expires_at),
            aware(link.last_used_at) if link.last_used_at else None,
            aware(link.revoked_at) if link.revoked_at else None,
        )
        for link in rows
    ]


def revoke_link(
    session: Session, kommun: str, link_id: int, *, actor: Actor, now: datetime
) -> bool:
    """Revoke a link of the kommun (at once, for every device that has it); False when
    the kommun has no such link or it is already revoked."""
    link = session.get(AssociationLink, link_id)
    if link is None or link.kommun_code != kommun or link.revoked_at is not None:
        return False
    now = now.astimezone(UTC)
    link.revoked_at = now
    record(
        session,
        "association_link.revoked",
        actor=actor,
        target=kommun,
        details={"link": link.id, "association": link.association_id},
        at=now,
    )
    session.flush()
    return True


def open_link(session: Session, token: str, *, key: bytes, now: datetime) -> LinkAccess:
    """The association a token opens; :class:`LinkInvalid` when the token is malformed,
    unknown (or altered), revoked or expired. Marks the link used (at most every five
    minutes); writes nothing else."""
    if not TOKEN_SHAPE.fullmatch(token):
        raise LinkInvalid("unknown")
    now = now.astimezone(UTC)
    link = session.scalar(
        select(AssociationLink).where(AssociationLink.token_hash == token_hash(key, token))
    )
    if link is None:
        raise LinkInvalid("unknown")
    if link.revoked_at is not None:
        raise LinkInvalid("revoked")
    expires = aware(link.expires_at)
    if expires <= now:
        raise LinkInvalid("expired")
    if link.last_used_at is None or now - aware(link.last_used_at) >= TOUCH_INTERVAL:
        link.last_used_at = now
        session.flush()
    kommun_name = session.scalar(
        select(Area.name).where(Area.code == link.kommun_code, Area.level == "kommun")
    )
    return LinkAccess(
        link.id,
        link.association_id,
        link.association.name,
        link.kommun_code,
        kommun_name or link.kommun_code,
        expires,
    )
