"""The account lifecycle: invite, change role and scope, deactivate, reset, own password, TOTP.

Every change writes its audit row (:mod:`data.access.audit`) in the caller's unit of
work, so a change and its record commit together. Changes that must end a user's
sessions — a password change or reset, deactivation — rotate the user's session
token, which every session cookie carries (:mod:`dashboard.auth` compares it on
each request). Messages are Swedish; :class:`~data.access.users.UserError` carries
them. Functions here never commit.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import pyotp
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.access.audit import Actor, record
from data.access.users import (
    UserError,
    create_user,
    hash_password,
    password_problem,
    user_scope,
    verify_password,
)
from data.storage.models import User, new_session_token, utcnow

TOTP_ROLES: Final = ("admin", "coordinator")
"""Roles that may enrol a TOTP second factor."""
TOTP_ISSUER: Final = "SSP Lägesbild"
TOTP_STEP_SECONDS: Final = 30
TOTP_WINDOW: Final = 1
"""Codes of one step before or after now are accepted (clock drift of a phone)."""
TOTP_MAX_FAILURES: Final = 5
"""Wrong codes in a row before the login must start again from the password."""
LANGUAGES: Final = ("sv", "en")
"""The languages a user may choose for their pages (the first is the default)."""
GENERATED_PASSWORD_BYTES: Final = 15
"""A generated password: 15 random bytes, 20 URL-safe characters."""


@dataclass(frozen=True, slots=True)
class AccountInfo:
    """What the admin page and the CLI show about an account (never a hash or secret)."""

    id: int
    username: str
    role: str
    kommun_code: str | None
    source_code: str | None
    area_codes: tuple[str, ...]
    active: bool
    totp: bool
    language: str = "sv"


def _info(user: User) -> AccountInfo:
    return AccountInfo(
        id=user.id,
        username=user.username,
        role=user.role,
        kommun_code=user.kommun_code,
        source_code=user.source_code,
        area_codes=tuple(sorted(a.code for a in user.areas)),
        active=user.active,
        totp=user.totp_secret is not None,
        language=user.language,
    )


def list_accounts(session: Session) -> list[AccountInfo]:
    """Every account, by username."""
    return [_info(u) for u in session.scalars(select(User).order_by(User.username))]


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        msg = "Användaren finns inte."
        raise UserError(msg)
    return user


def account(session: Session, user_id: int) -> AccountInfo:
    """One account by id (raise :class:`UserError` when there is none)."""
    return _info(_user(session, user_id))


def user_id_of(session: Session, username: str) -> int:
    """The id of ``username`` (raise :class:`UserError` when there is none)."""
    wanted = username.strip().lower()
    found = session.scalar(select(User.id).where(User.username == wanted))
    if found is None:
        msg = f"Det finns ingen användare {wanted!r}."
        raise UserError(msg)
    return int(found)


def generate_password() -> str:
    """A random password that passes the policy (shown once to whoever hands it over)."""
    while True:
        candidate = secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)
        if password_problem(candidate) is None:
            return candidate


def _scope_details(user: User) -> dict[str, object]:
    return {
        "role": user.role,
        "kommun": user.kommun_code,
        "source": user.source_code,
        "areas": sorted(a.code for a in user.areas),
    }


def invite_user(
    session: Session,
    actor: Actor,
    *,
    username: str,
    role: str,
    kommun_code: str | None,
    source_code: str | None = None,
    area_codes: Iterable[str] = (),
    password: str | None = None,
) -> tuple[User, str]:
    """Create an account; return it and its first password (generated unless given).

    The password is returned once so the admin can hand it over; it is stored only
    as its hash. Refuses everything :func:`~data.access.users.create_user` refuses.
    """
    first = password if password is not None else generate_password()
    user = create_user(
        session,
        username.strip().lower(),
        first,
        role=role,
        kommun_code=kommun_code,
        source_code=source_code,
        area_codes=area_codes,
    )
    record(session, "user.created", actor=actor, target=user.username, details=_scope_details(user))
    return user, first


def _active_admins_besides(session: Session, user_id: int) -> int:
    query = select(func.count(User.id)).where(
        User.role == "admin", User.active.is_(True), User.id != user_id
    )
    return int(session.scalar(query) or 0)


def _keep_an_admin(session: Session, user: User) -> None:
    """Refuse a change that would leave no active administrator."""
    if user.role == "admin" and user.active and _active_admins_besides(session, user.id) == 0:
        msg = "Det måste finnas minst en aktiv administratör."
        raise UserError(msg)


def update_user(
    session: Session,
    actor: Actor,
    user_id: int,
    *,
    role: str,
    kommun_code: str | None,
    source_code: str | None,
    area_codes: Iterable[str],
) -> User:
    """Change an account's role, kommun, organisation and police areas.

    The change applies at the user's next request (the session user is read from
    the database every time). Refuses what :func:`~data.access.users.user_scope`
    refuses, and taking the admin role from the last active administrator.
    """
    user = _user(session, user_id)
    areas = user_scope(
        session,
        role=role,
        kommun_code=kommun_code,
        source_code=source_code,
        area_codes=area_codes,
    )
    if role != "admin":
        _keep_an_admin(session, user)
    before = _scope_details(user)
    user.role, user.kommun_code, user.source_code, user.areas = (
        role,
        kommun_code,
        source_code,
        areas,
    )
    after = _scope_details(user)
    changed = {k: v for k, v in after.items() if before[k] != v}
    if changed:
        record(session, "user.changed", actor=actor, target=user.username, details=changed)
    return user


def set_active(session: Session, actor: Actor, user_id: int, *, active: bool) -> User:
    """Activate or deactivate an account; deactivation ends all its sessions at once.

    Refuses deactivating yourself and the last active administrator. API tokens of
    a deactivated user stop working too (:mod:`data.access.tokens`).
    """
    user = _user(session, user_id)
    if user.active == active:
        return user
    if not active:
        if user.id == actor.user_id:
            msg = "Du kan inte inaktivera ditt eget konto."
            raise UserError(msg)
        _keep_an_admin(session, user)
        user.session_token = new_session_token()
    user.active = active
    action = "user.activated" if active else "user.deactivated"
    record(session, action, actor=actor, target=user.username)
    return user


def reset_password(session: Session, actor: Actor, user_id: int) -> str:
    """Give an account a new random password (returned once) and end its sessions."""
    user = _user(session, user_id)
    password = generate_password()
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
    record(session, "user.password_reset", actor=actor, target=user.username)
    return password


def change_own_password(
    session: Session, actor: Actor, *, current: str, new: str, repeated: str
) -> str:
    """Change the acting user's password; return their new session token.

    Every other session of the user ends (the token rotates); the caller moves the
    current session onto the returned token. Refuses a wrong current password, a
    repetition that differs, the same password again and one that breaks the policy.
    """
    if actor.user_id is None:
        msg = "Du är inte inloggad."
        raise UserError(msg)
    user = _user(session, actor.user_id)
    if not verify_password(user, current):
        msg = "Det nuvarande lösenordet stämmer inte."
        raise UserError(msg)
    if new != repeated:
        msg = "Det nya lösenordet och upprepningen skiljer sig åt."
        raise UserError(msg)
    if new == current:
        msg = "Det nya lösenordet måste skilja sig från det nuvarande."
        raise UserError(msg)
    user.password_hash = hash_password(new, username=user.username)
    user.session_token = new_session_token()
    record(session, "user.password_changed", actor=actor, target=user.username)
    return user.session_token


def set_own_language(session: Session, actor: Actor, language: str) -> None:
    """Set the acting user's language (``sv`` or ``en``); the next page they load is
    in it. Refuses any other code; an unchanged language writes no audit row."""
    if actor.user_id is None:
        msg = "Du är inte inloggad."
        raise UserError(msg)
    if language not in LANGUAGES:
        msg = "Okänt språk."
        raise UserError(msg)
    user = _user(session, actor.user_id)
    if user.language == language:
        return
    user.language = language
    record(
        session,
        "user.language_changed",
        actor=actor,
        target=user.username,
        details={"language": language},
    )


def new_totp_secret() -> str:
    """A fresh base32 TOTP secret (160 bits)."""
    return pyotp.random_base32()


def totp_uri(secret: str, username: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads (from a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=TOTP_ISSUER)


def _matching_step(secret: str, code: str, moment: datetime) -> int | None:
    """The time step ``code`` belongs to within the accepted window, or None."""
    digits = code.replace(" ", "")
    if len(digits) != pyotp.TOTP(secret).digits or not digits.isdigit():
        return None
    totp = pyotp.TOTP(secret, interval=TOTP_STEP_SECONDS)
    step = int(moment.timestamp()) // TOTP_STEP_SECONDS
    for candidate in range(step - TOTP_WINDOW, step + TOTP_WINDOW + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), digits):
            return candidate
    return None


def check_totp(user: User, code: str, *, now: datetime | None = None) -> bool:
    """True for a current code of the user's second factor, accepted once.

    A code whose time step is not later than the last accepted one is refused (no
    replay of an observed code); an accepted code moves that step (the caller commits).
    """
    if user.totp_secret is None:
        return False
    step = _matching_step(user.totp_secret, code, now or utcnow())
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step, user.totp_failures = step, 0
    return True


def wrong_totp(user: User) -> bool:
    """Count a wrong code at login; after :data:`TOTP_MAX_FAILURES` rotate the session
    token, which voids the half-finished login (the password is asked again, under the
    login throttle). Returns whether it was voided (the caller commits)."""
    user.totp_failures += 1
    if user.totp_failures < TOTP_MAX_FAILURES:
        return False
    user.totp_failures = 0
    user.session_token = new_session_token()
    return True


def enrol_totp(
    session: Session,
    actor: Actor,
    *,
    secret: str,
    code: str,
    password: str,
    now: datetime | None = None,
) -> None:
    """Turn on the acting user's second factor with ``secret``, confirmed by a code.

    Needs the user's password too, so a borrowed open session cannot bind someone
    else's phone to the account. Only for :data:`TOTP_ROLES`.
    """
    if actor.user_id is None:
        msg = "Du är inte inloggad."
        raise UserError(msg)
    user = _user(session, actor.user_id)
    if user.role not in TOTP_ROLES:
        msg = "Tvåstegsverifiering finns för administratörer och samordnare."
        raise UserError(msg)
    if not verify_password(user, password):
        msg = "Lösenordet stämmer inte."
        raise UserError(msg)
    step = _matching_step(secret, code, now or utcnow())
    if step is None:
        msg = "Koden stämmer inte. Kontrollera klockan i telefonen och försök med nästa kod."
        raise UserError(msg)
    user.totp_secret, user.totp_last_step = secret, step
    record(session, "totp.enrolled", actor=actor, target=user.username)


def disable_own_totp(
    session: Session, actor: Actor, *, code: str, now: datetime | None = None
) -> None:
    """Turn off the acting user's second factor; needs a current code."""
    if actor.user_id is None:
        msg = "Du är inte inloggad."
        raise UserError(msg)
    user = _user(session, actor.user_id)
    if not check_totp(user, code, now=now):
        msg = "Koden stämmer inte."
        raise UserError(msg)
    user.totp_secret, user.totp_last_step = None, None
    record(session, "totp.disabled", actor=actor, target=user.username)


def reset_totp(session: Session, actor: Actor, user_id: int) -> None:
    """An admin removes a user's second factor (a lost phone); the user may enrol again."""
    user = _user(session, user_id)
    if user.totp_secret is None:
        msg = f"{user.username} har ingen tvåstegsverifiering."
        raise UserError(msg)
    user.totp_secret, user.totp_last_step = None, None
    record(session, "totp.reset", actor=actor, target=user.username)
