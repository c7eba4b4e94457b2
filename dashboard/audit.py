"""The web layer's side of the audit log: who acts in this request, writing a row, the CSV.

The rows themselves, and what they may hold, are :mod:`data.access.audit`'s. Writes
here take their own short unit of work, so a row is kept even when what it records
(a failed login, a download) writes nothing else. A write that fails raises: an
export whose audit row cannot be written is not handed out.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterable, Mapping
from datetime import timedelta

from flask import has_request_context, request
from flask_login import current_user

from dashboard.state import app_state
from data.access.audit import Actor, AuditRow, action_label, record
from data.access.scope import Selection
from data.clock import SWEDISH_TIME
from data.privacy.csv_safe import csv_text
from data.storage.db import in_unit_of_work


def client_address() -> str:
    """The client's address as the app sees it (after any configured proxy fix)."""
    if not has_request_context():
        return "unknown"
    return request.remote_addr or "unknown"


def request_actor() -> Actor:
    """The logged-in user (or nobody) and the address of the current request."""
    address = client_address()
    if has_request_context() and current_user and current_user.is_authenticated:
        return Actor(int(current_user.id), str(current_user.username), address)
    return Actor(None, "", address)


def cli_actor() -> Actor:
    """Whoever runs the command line: ``cli:<operating-system user>``, address ``cli``."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or passwd database
        name = "okänd"
    return Actor(None, f"cli:{name}", "cli")


def selection_details(selection: Selection) -> dict[str, object]:
    """The filters of a selection as audit details: what was asked for, not what came back."""
    return {
        "kommun": selection.kommun_code,
        "level": selection.level,
        "from": selection.first_monday.isoformat(),
        "to": (selection.last_monday + timedelta(days=6)).isoformat(),
        "categories": list(selection.categories),
        "sources": list(selection.sources),
        "age_bands": list(selection.age_bands),
    }


def audit(
    action: str,
    *,
    target: str = "",
    details: Mapping[str, object] | None = None,
    actor: Actor | None = None,
) -> None:
    """Write one audit row now, in its own unit of work (default actor: this request's)."""
    who = actor or request_actor()
    in_unit_of_work(
        app_state().sessions,
        lambda session: record(session, action, actor=who, target=target, details=details),
    )


AUDIT_CSV_HEADER = ("tid", "anvandare", "adress", "handelse", "beskrivning", "mal", "detaljer")


def audit_csv(rows: Iterable[AuditRow]) -> str:
    """The audit rows as ``;``-separated, formula-safe CSV (the one CSV writer,
    :func:`data.privacy.csv_safe.csv_text`). Times are Swedish local time."""
    return csv_text(
        AUDIT_CSV_HEADER,
        (
            (
                row.at.astimezone(SWEDISH_TIME).isoformat(timespec="seconds"),
                row.actor,
                row.address,
                row.action,
                action_label(row.action),
                row.target,
                json.dumps(row.details, ensure_ascii=False, sort_keys=True),
            )
            for row in rows
        ),
    )
