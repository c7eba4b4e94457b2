"""What every SSPF page, callback and route of the web layer shares: the acting user
as the case layer wants it, the cipher and instance folder, dates from the browser,
and the people a consent can name.

The case layer (:mod:`data.consent`) decides every access itself; this module only
hands it the logged-in user (reloaded from the database on every call, so a
deactivated account or a changed role counts at once) and the app's key.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any, Final

from flask import current_app

from dashboard.auth import SessionUser, current_session_user
from dashboard.callbacks.inputs import as_text
from dashboard.i18n import N_, _
from dashboard.state import current_cipher, end_request_transaction
from data.access.accounts import list_accounts
from data.access.scope import AccessDenied
from data.consent.vocabulary import NO_ACCESS, PARTY_ROLES
from data.storage.db import Session
from data.storage.models import User

KEY_BROKEN: Final = N_("Ärendeskiktets nyckel öppnar inte uppgifterna — kontakta systemansvarig.")
"""What the SSPF pages and printouts say when the configured case key is well formed
but not the one the data was written with (:class:`~data.consent.crypto.CaseKeyError`)."""
log = logging.getLogger(__name__)


def key_broken(error: Exception) -> str:
    """Log that the case key does not open the stored values — the error's class
    only, never its message or any content — and return the reader's message."""
    log.error("SSPF: ärendeskiktets nyckel öppnar inte uppgifterna (%s)", type(error).__name__)
    return _(KEY_BROKEN)


def acting_user(session: Session) -> User:
    """The logged-in user's account in ``session`` (AccessDenied when it is gone or
    inactive)."""
    user = session.get(User, current_session_user().id)
    if user is None or not user.active:
        raise AccessDenied(NO_ACCESS)
    return user


def instance_folder() -> Path:
    """The app's instance folder (the scanned forms and the disposal log live there)."""
    return Path(current_app.instance_path)


def case_keys() -> dict[str, Any]:
    """The case layer's keyword arguments: ``cipher`` and ``instance_folder``.

    Every call into the case layer passes these, and any call may tear a case up (an
    expired consent is torn up on first access): so the request's own read session
    ends its transaction here, before a tear-up's scrub could meet its snapshot."""
    end_request_transaction()
    return {"cipher": current_cipher(), "instance_folder": instance_folder()}


def parse_day(value: Any) -> date | None:
    """A date the browser sent as ``ÅÅÅÅ-MM-DD`` (None for empty or malformed)."""
    text = as_text(value).strip()
    if len(text) != 10:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def party_people(session: Session, user: SessionUser) -> list[dict[str, Any]]:
    """Dropdown options of the people a consent of ``user``'s kommun can name: active
    accounts of that kommun whose role may be a party."""
    return [
        {"label": f"{a.username} ({a.source_code or a.role})", "value": a.id}
        for a in list_accounts(session)
        if a.active and a.kommun_code == user.kommun_code and a.role in PARTY_ROLES
    ]
