"""Callbacks of Användare: every one requires the admin role server-side.

Each change runs one function of :mod:`data.access.accounts` in one unit of work,
which also writes its audit row. A generated password is shown once, in the answer
to the click that made it, and never stored in the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dash import Dash, Input, Output, State, ctx, html, no_update

from dashboard import ids
from dashboard.audit import request_actor
from dashboard.auth import require_role
from dashboard.callbacks.inputs import as_text, as_texts
from dashboard.callbacks.submit import refuse, store
from dashboard.components import bump
from dashboard.i18n import _, term_label
from dashboard.pages.admin_users import ROLES, users_table
from dashboard.state import db_session
from dashboard.uploads import report_items
from data.access.accounts import (
    account,
    invite_user,
    list_accounts,
    reset_password,
    reset_totp,
    set_active,
    update_user,
)
from data.access.users import UserError
from data.areas.listing import reportable_areas
from data.storage.db import Session
from data.vocabulary import ROLES as ROLE_TERMS

ACTIONS = (ids.US_DEACTIVATE, ids.US_ACTIVATE, ids.US_RESET_PASSWORD, ids.US_RESET_TOTP)
"""The buttons of account_action; a request naming none of them changes nothing."""


def optional_text(value: Any) -> str | None:
    """A dropdown's value as text, or None when nothing is chosen."""
    return None if value in (None, "") else as_text(value)


def chosen_id(value: Any) -> int | None:
    """The chosen user's id (a forged non-number is nobody)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def area_options(kommun: Any) -> list[dict[str, str]]:
    """The kommun's areas a police area coordinator may be given."""
    code = optional_text(kommun)
    if code is None:
        return []
    return [
        {"label": f"{name} ({area})", "value": area}
        for area, name in reportable_areas(db_session(), code)
    ]


def shown_once(message: str, password: str) -> list[html.Li]:
    """A success line with a generated password, marked as shown only now."""
    return [
        html.Li(
            [
                message,
                " " + _("Lösenord (visas bara nu):") + " ",
                html.Code(password, id=ids.US_NEW_PASSWORD),
            ],
            className="report-ok",
        )
    ]


def _changed(work: Callable[[Session], list[Any]], refresh: Any) -> tuple[Any, Any]:
    """Run ``work`` in one unit of work: (report, next refresh) or the refusal."""
    try:
        report = store(work)
    except UserError as error:
        return refuse([str(error)])
    return report, bump(refresh)


def _scope(role: Any, kommun: Any, source: Any, areas: Any) -> dict[str, Any]:
    return {
        "role": as_text(role),
        "kommun_code": optional_text(kommun),
        "source_code": optional_text(source),
        "area_codes": as_texts(areas),
    }


def register(app: Dash) -> None:
    """Register the callbacks of Användare on ``app``."""

    @app.callback(
        Output(ids.US_NEW_AREAS, "options"),
        Input(ids.US_NEW_KOMMUN, "value"),
        prevent_initial_call=True,
    )
    def new_user_areas(kommun: Any) -> list[dict[str, str]]:
        require_role(*ROLES)
        return area_options(kommun)

    @app.callback(
        Output(ids.US_EDIT_AREAS, "options"),
        Input(ids.US_EDIT_KOMMUN, "value"),
        prevent_initial_call=True,
    )
    def edit_user_areas(kommun: Any) -> list[dict[str, str]]:
        require_role(*ROLES)
        return area_options(kommun)

    @app.callback(
        Output(ids.US_LIST, "children"),
        Output(ids.US_PICK, "options"),
        Input(ids.US_REFRESH, "data"),
    )
    def show_users(_refresh: Any) -> tuple[Any, list[dict[str, Any]]]:
        require_role(*ROLES)
        accounts = list_accounts(db_session())
        options = [
            {"label": f"{a.username} ({term_label(ROLE_TERMS, a.role)})", "value": a.id}
            for a in accounts
        ]
        return users_table(accounts), options

    @app.callback(
        output={
            "role": Output(ids.US_EDIT_ROLE, "value"),
            "kommun": Output(ids.US_EDIT_KOMMUN, "value"),
            "source": Output(ids.US_EDIT_SOURCE, "value"),
            "area_options": Output(ids.US_EDIT_AREAS, "options", allow_duplicate=True),
            "areas": Output(ids.US_EDIT_AREAS, "value"),
            "status": Output(ids.US_EDIT_STATUS, "children"),
        },
        inputs=[Input(ids.US_PICK, "value")],
        prevent_initial_call=True,
    )
    def pick_user(user_id: Any) -> dict[str, Any]:
        require_role(*ROLES)
        chosen = chosen_id(user_id)
        if chosen is None:
            empty: dict[str, Any] = {"role": None, "kommun": None, "source": None, "areas": []}
            return {**empty, "area_options": [], "status": ""}
        try:
            info = account(db_session(), chosen)
        except UserError as error:
            kept = dict.fromkeys(("role", "kommun", "source", "areas", "area_options"), no_update)
            return {**kept, "status": str(error)}
        if info.totp:
            status = (
                _("Aktiv, tvåstegsverifiering på.")
                if info.active
                else _("Inaktiverad, tvåstegsverifiering på.")
            )
        else:
            status = _("Aktiv.") if info.active else _("Inaktiverad.")
        return {
            "role": info.role,
            "kommun": info.kommun_code,
            "source": info.source_code,
            "area_options": area_options(info.kommun_code),
            "areas": list(info.area_codes),
            "status": status,
        }

    @app.callback(
        Output(ids.US_CREATE_REPORT, "children"),
        Output(ids.US_REFRESH, "data"),
        Input(ids.US_CREATE, "n_clicks"),
        State(ids.US_NEW_USERNAME, "value"),
        State(ids.US_NEW_ROLE, "value"),
        State(ids.US_NEW_KOMMUN, "value"),
        State(ids.US_NEW_SOURCE, "value"),
        State(ids.US_NEW_AREAS, "value"),
        State(ids.US_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def create_user(
        _clicks: Any, username: Any, role: Any, kommun: Any, source: Any, areas: Any, refresh: Any
    ) -> tuple[Any, Any]:
        require_role(*ROLES)
        actor = request_actor()
        scope = _scope(role, kommun, source, areas)

        def save(session: Session) -> list[Any]:
            user, password = invite_user(session, actor, username=as_text(username), **scope)
            return shown_once(_("Användaren %(name)s är skapad.", name=user.username), password)

        return _changed(save, refresh)

    @app.callback(
        Output(ids.US_EDIT_REPORT, "children"),
        Output(ids.US_REFRESH, "data", allow_duplicate=True),
        Input(ids.US_SAVE, "n_clicks"),
        State(ids.US_PICK, "value"),
        State(ids.US_EDIT_ROLE, "value"),
        State(ids.US_EDIT_KOMMUN, "value"),
        State(ids.US_EDIT_SOURCE, "value"),
        State(ids.US_EDIT_AREAS, "value"),
        State(ids.US_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def save_user(
        _clicks: Any, user_id: Any, role: Any, kommun: Any, source: Any, areas: Any, refresh: Any
    ) -> tuple[Any, Any]:
        require_role(*ROLES)
        chosen = chosen_id(user_id)
        if chosen is None:
            return refuse([_("Välj en användare först.")])
        actor = request_actor()
        scope = _scope(role, kommun, source, areas)

        def save(session: Session) -> list[Any]:
            user = update_user(session, actor, chosen, **scope)
            return report_items(
                [_("Ändringarna för %(name)s är sparade.", name=user.username)], ok=True
            )

        return _changed(save, refresh)

    @app.callback(
        Output(ids.US_EDIT_REPORT, "children", allow_duplicate=True),
        Output(ids.US_REFRESH, "data", allow_duplicate=True),
        Input(ids.US_DEACTIVATE, "n_clicks"),
        Input(ids.US_ACTIVATE, "n_clicks"),
        Input(ids.US_RESET_PASSWORD, "n_clicks"),
        Input(ids.US_RESET_TOTP, "n_clicks"),
        State(ids.US_PICK, "value"),
        State(ids.US_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def account_action(
        _off: Any, _on: Any, _password: Any, _totp: Any, user_id: Any, refresh: Any
    ) -> tuple[Any, Any]:
        require_role(*ROLES)
        chosen = chosen_id(user_id)
        if chosen is None:
            return refuse([_("Välj en användare först.")])
        actor, clicked = request_actor(), ctx.triggered_id
        if clicked not in ACTIONS:
            return refuse([_("Välj vad som ska göras med knapparna.")])

        def act(session: Session) -> list[Any]:
            name = account(session, chosen).username
            if clicked == ids.US_RESET_PASSWORD:
                password = reset_password(session, actor, chosen)
                return shown_once(
                    _("%(name)s har fått ett nytt lösenord och loggats ut.", name=name), password
                )
            if clicked == ids.US_RESET_TOTP:
                reset_totp(session, actor, chosen)
                return report_items(
                    [_("Tvåstegsverifieringen för %(name)s är borttagen.", name=name)], ok=True
                )
            active = clicked == ids.US_ACTIVATE
            set_active(session, actor, chosen, active=active)
            done = (
                _("%(name)s är aktiverad.", name=name)
                if active
                else _("%(name)s är inaktiverad och utloggad.", name=name)
            )
            return report_items([done], ok=True)

        return _changed(act, refresh)
