"""The cell key method's noise key: one random secret per database, never derived.

The noise added to a published count is a function of the cell's record set and
this key (:func:`data.privacy.disclosure.cell_noise`). Anyone who can see the same
cell under two keys can average the noise away, so the key must be the same for
every worker, node and restart, and must not change when ``SECRET_KEY`` does: it
lives in the database (``instance_secret``), 32 random bytes, created once —
insert-if-absent, so two processes starting on a new database agree on one key.

Rotation (:func:`rotate_noise_key`, ``ssp rotate-noise-key --yes-i-understand``)
is for a leaked key only: every rotation gives each user one more independent noise
draw per cell (see ``docs/disclosure.md``).
"""

from __future__ import annotations

import secrets
from typing import Final

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from data.storage.models import InstanceSecret, utcnow

NOISE_KEY_NAME: Final = "cell_key_noise"
NOISE_KEY_BYTES: Final = 32


def _stored(session: Session) -> bytes | None:
    query = select(InstanceSecret.value).where(InstanceSecret.name == NOISE_KEY_NAME)
    value = session.scalar(query)
    return None if value is None else bytes(value)


def ensure_noise_key(session: Session) -> bytes:
    """The database's noise key, created now if it has none (in the caller's transaction).

    Race-safe: the row is inserted with ``ON CONFLICT DO NOTHING`` and then read, so
    when two processes create it at once, both end up with the one that was stored
    first."""
    key = _stored(session)
    if key is not None:
        return key
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    fresh = secrets.token_bytes(NOISE_KEY_BYTES)
    session.execute(
        insert(InstanceSecret)
        .values(name=NOISE_KEY_NAME, value=fresh, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["name"])
    )
    stored = _stored(session)
    if stored is None:  # pragma: no cover - the row was inserted or already there
        msg = "the noise key could not be stored"
        raise RuntimeError(msg)
    return stored


def rotate_noise_key(session: Session) -> None:
    """Replace the noise key with a new random one (in the caller's transaction).

    Every published noisy count changes; running processes keep the key they read
    until they restart."""
    ensure_noise_key(session)
    session.execute(
        update(InstanceSecret)
        .where(InstanceSecret.name == NOISE_KEY_NAME)
        .values(value=secrets.token_bytes(NOISE_KEY_BYTES), created_at=utcnow())
    )
