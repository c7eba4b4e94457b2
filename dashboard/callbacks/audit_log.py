"""Callbacks of Granskningslogg: every one requires the admin role server-side.

The page reads the log through :mod:`data.access.audit`; the export is written by
:func:`dashboard.audit.audit_csv` and is itself recorded in the log (with its filter).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dash import Dash, Input, Output, State, ctx

from dashboard import ids
from dashboard.audit import audit, audit_csv
from dashboard.auth import require_role
from dashboard.formatting import format_number
from dashboard.i18n import _
from dashboard.pages.audit_log import PER_PAGE, ROLES, audit_table
from dashboard.state import db_session, today
from data.access.audit import ACTION_CODES, AuditFilter, audit_count, audit_page, audit_rows
from data.access.scope import BadSelection

MAX_USERNAME = 64


def _day(value: Any, name: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        msg = f"{name} ska vara ett datum ÅÅÅÅ-MM-DD"
        raise BadSelection(msg) from None


def read_filter(user: Any, action: Any, start: Any, end: Any) -> AuditFilter:
    """The filter the page sent, checked (anything malformed is a BadSelection → 400)."""
    if user is not None and not (isinstance(user, str) and len(user) <= MAX_USERNAME):
        msg = "okänd användare"
        raise BadSelection(msg)
    if action is not None and action not in ACTION_CODES:
        msg = "okänd händelsetyp"
        raise BadSelection(msg)
    first, last = _day(start, "från"), _day(end, "till")
    if first is not None and last is not None and last < first:
        msg = "perioden slutar innan den börjar"
        raise BadSelection(msg)
    return AuditFilter(username=user or None, action=action, first=first, last=last)


def next_page(page: Any, clicked: Any, total: int) -> int:
    """The page to show after ``clicked`` (a filter change goes back to the first)."""
    current = page if isinstance(page, int) and not isinstance(page, bool) else 0
    last = max((total - 1) // PER_PAGE, 0)
    if clicked == ids.AU_NEXT:
        return min(current + 1, last)
    if clicked == ids.AU_PREV:
        return max(min(current, last) - 1, 0)
    return 0


FILTER_STATES = (
    State(ids.AU_USER, "value"),
    State(ids.AU_ACTION, "value"),
    State(ids.AU_PERIOD, "start_date"),
    State(ids.AU_PERIOD, "end_date"),
)


def register(app: Dash) -> None:
    """Register the callbacks of Granskningslogg on ``app``."""

    @app.callback(
        output={
            "table": Output(ids.AU_TABLE, "children"),
            "info": Output(ids.AU_INFO, "children"),
            "page": Output(ids.AU_PAGE, "data"),
        },
        inputs=[
            Input(ids.AU_USER, "value"),
            Input(ids.AU_ACTION, "value"),
            Input(ids.AU_PERIOD, "start_date"),
            Input(ids.AU_PERIOD, "end_date"),
            Input(ids.AU_PREV, "n_clicks"),
            Input(ids.AU_NEXT, "n_clicks"),
        ],
        state=[State(ids.AU_PAGE, "data")],
    )
    def show_log(
        user: Any, action: Any, start: Any, end: Any, _prev: Any, _next: Any, page: Any
    ) -> dict[str, Any]:
        require_role(*ROLES)
        wanted = read_filter(user, action, start, end)
        total = audit_count(db_session(), wanted)
        shown = next_page(page, ctx.triggered_id, total)
        rows = audit_page(db_session(), wanted, page=shown, per_page=PER_PAGE)
        pages = max((total - 1) // PER_PAGE + 1, 1)
        info = _(
            "Sida %(page)s av %(pages)s (%(total)s händelser)",
            page=shown + 1,
            pages=pages,
            total=format_number(total),
        )
        return {"table": audit_table(rows), "info": info, "page": shown}

    @app.callback(
        Output(ids.AU_DOWNLOAD, "data"),
        Input(ids.AU_EXPORT, "n_clicks"),
        *FILTER_STATES,
        prevent_initial_call=True,
    )
    def export_log(_clicks: Any, user: Any, action: Any, start: Any, end: Any) -> dict[str, Any]:
        require_role(*ROLES)
        wanted = read_filter(user, action, start, end)
        # The CSV stays Swedish in every UI language (a document for Swedish partners).
        content = audit_csv(audit_rows(db_session(), wanted))
        audit(
            "export.audit",
            details={
                "user": wanted.username,
                "action": wanted.action,
                "from": None if wanted.first is None else wanted.first.isoformat(),
                "to": None if wanted.last is None else wanted.last.isoformat(),
            },
        )
        filename = f"granskningslogg-{today().isoformat()}.csv"
        return {"content": "\ufeff" + content, "filename": filename, "type": "text/csv"}
