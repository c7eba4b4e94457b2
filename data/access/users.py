"""User accounts: creation with validation, argon2 password hashes, authentication."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.storage.models import Area, Source, User
from data.vocabulary import ROLES, codes

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
KOMMUN_PATTERN = re.compile(r"^\d{4}$")
MIN_PASSWORD_LENGTH = 10

_HASHER = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """A fixed hash to verify against when the user does not exist, so a failed
    login takes as long whether or not the username exists (made on first use)."""
    return _HASHER.hash("ssp-lagesbild-no-such-user")


class UserError(ValueError):
    """A user could not be created or changed; the message says what to fix."""


def hash_password(password: str) -> str:
    """Return an argon2id hash of ``password``; refuses passwords shorter than 10 characters."""
    if len(password) < MIN_PASSWORD_LENGTH:
        msg = f"the password must have at least {MIN_PASSWORD_LENGTH} characters"
        raise UserError(msg)
    return _HASHER.hash(password)


def create_user(
    session: Session,
    username: str,
    password: str,
    *,
    role: str,
    kommun_code: str | None,
    source_code: str | None = None,
    area_codes: Iterable[str] = (),
) -> User:
    """Validate and add a user to ``session`` (the caller's unit of work commits).

    Refuses unknown roles, malformed usernames or kommun codes, taken usernames,
    a non-admin without a kommun, and area codes that do not exist in that kommun.
    """
    if role not in codes(ROLES):
        msg = f"unknown role {role!r}; choose one of {', '.join(codes(ROLES))}"
        raise UserError(msg)
    if not USERNAME_PATTERN.match(username):
        msg = "the username must be 2–63 characters: lower-case letters, digits, '.', '_' or '-'"
        raise UserError(msg)
    if kommun_code is not None and not KOMMUN_PATTERN.match(kommun_code):
        msg = f"the kommun code must be four digits (e.g. 0380), got {kommun_code!r}"
        raise UserError(msg)
    if kommun_code is None and role != "admin":
        msg = f"a {role} must belong to a kommun: pass --kommun"
        raise UserError(msg)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        msg = f"the username {username!r} is taken"
        raise UserError(msg)
    if source_code is not None and session.get(Source, source_code) is None:
        msg = f"unknown source {source_code!r}"
        raise UserError(msg)
    wanted = sorted(set(area_codes))
    areas = list(session.scalars(select(Area).where(Area.code.in_(wanted)))) if wanted else []
    missing = sorted(set(wanted) - {a.code for a in areas})
    if missing:
        msg = f"unknown area codes: {', '.join(missing)}"
        raise UserError(msg)
    outside = sorted(a.code for a in areas if a.kommun_code != kommun_code)
    if outside:
        msg = f"areas outside the user's kommun: {', '.join(outside)}"
        raise UserError(msg)
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        kommun_code=kommun_code,
        source_code=source_code,
        active=True,
        areas=areas,
    )
    session.add(user)
    session.flush()
    return user


def usernames(session: Session) -> set[str]:
    """Every username in the database."""
    return set(session.scalars(select(User.username)))


def authenticate(session: Session, username: str, password: str) -> User | None:
    """Return the active user whose password matches, else None (no hint which failed)."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    stored = user.password_hash if user is not None and user.active else _dummy_hash()
    try:
        _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    return user
