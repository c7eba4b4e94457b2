"""Callbacks of Mitt konto: the logged-in user's own password and second factor.

Who acts is always the session's user (never an id from the browser). A password
change rotates the user's session token — every other session ends — and moves this
session onto the new token. The TOTP secret being enrolled waits in the signed
session, not in the page, until a code confirms it.
"""

from __future__ import annotations

from typing import Any

import segno
from dash import Dash, Input, Output, State, html, no_update
from flask import session

from dashboard import ids
from dashboard.audit import request_actor
from dashboard.auth import current_session_user, move_session_to, require_role
from dashboard.callbacks.inputs import as_text
from dashboard.callbacks.submit import store
from dashboard.i18n import _
from dashboard.pages.my_account import PATH
from dashboard.uploads import report_items
from data.access.accounts import (
    TOTP_ROLES,
    change_own_password,
    disable_own_totp,
    enrol_totp,
    new_totp_secret,
    set_own_language,
    totp_uri,
)
from data.access.users import UserError
from data.clock import utc_now

ENROLMENT = "totp_enrolment"
"""In the session: the secret being enrolled and when it was made."""
ENROLMENT_SECONDS = 600


def _refused(error: Exception) -> list[html.Li]:
    return report_items([str(error)], ok=False)


def qr_image(uri: str) -> html.Img:
    """The ``otpauth://`` URI as a QR code (SVG data URI: nothing leaves the server)."""
    source = segno.make(uri, error="m").svg_data_uri(scale=4, border=2)
    return html.Img(src=source, id=ids.ME_TOTP_QR, alt=_("QR-kod för autentiseringsappen"))


def pending_secret() -> str | None:
    """The secret of an enrolment started in this session in the last ten minutes."""
    pending = session.get(ENROLMENT)
    if not isinstance(pending, dict) or not isinstance(pending.get("secret"), str):
        return None
    age = utc_now().timestamp() - float(pending.get("at", 0))
    return pending["secret"] if 0 <= age < ENROLMENT_SECONDS else None


def register(app: Dash) -> None:
    """Register the callbacks of Mitt konto on ``app``."""

    @app.callback(
        output={
            "report": Output(ids.ME_CHANGE_REPORT, "children"),
            "current": Output(ids.ME_CURRENT, "value"),
            "new": Output(ids.ME_NEW, "value"),
            "repeat": Output(ids.ME_REPEAT, "value"),
        },
        inputs=[Input(ids.ME_CHANGE, "n_clicks")],
        state=[
            State(ids.ME_CURRENT, "value"),
            State(ids.ME_NEW, "value"),
            State(ids.ME_REPEAT, "value"),
        ],
        prevent_initial_call=True,
    )
    def change_password(_clicks: Any, current: Any, new: Any, repeated: Any) -> dict[str, Any]:
        current_session_user()  # anyone logged in, for themselves only
        actor = request_actor()
        try:
            token = store(
                lambda s: change_own_password(
                    s, actor, current=as_text(current), new=as_text(new), repeated=as_text(repeated)
                )
            )
        except UserError as error:
            return {"report": _refused(error), "current": "", "new": no_update, "repeat": ""}
        move_session_to(token)
        done = _("Lösenordet är bytt. Dina andra inloggningar är avslutade.")
        return {"report": report_items([done], ok=True), "current": "", "new": "", "repeat": ""}

    @app.callback(
        output={
            "report": Output(ids.ME_LANGUAGE_REPORT, "children"),
            "reload": Output(ids.ME_LANGUAGE_RELOAD, "href"),
        },
        inputs=[Input(ids.ME_LANGUAGE, "value")],
        prevent_initial_call=True,
    )
    def choose_language(language: Any) -> dict[str, Any]:
        """Save the user's own language, then reload the page so all of it is in it."""
        current_session_user()  # anyone logged in, for themselves only
        actor = request_actor()
        try:
            store(lambda s: set_own_language(s, actor, as_text(language)))
        except UserError as error:
            return {"report": _refused(error), "reload": no_update}
        return {"report": [], "reload": PATH}

    @app.callback(
        Output(ids.ME_TOTP_SETUP, "children"),
        Input(ids.ME_TOTP_START, "n_clicks"),
        prevent_initial_call=True,
    )
    def start_totp(_clicks: Any) -> Any:
        user = require_role(*TOTP_ROLES)
        secret = new_totp_secret()
        session[ENROLMENT] = {"secret": secret, "at": int(utc_now().timestamp())}
        return [
            html.P(_("Skanna koden med appen, eller skriv in nyckeln för hand:")),
            qr_image(totp_uri(secret, user.username)),
            html.P(html.Code(secret, id=ids.ME_TOTP_SECRET)),
            html.P(_("Ange sedan koden som appen visar och ditt lösenord."), className="hint"),
        ]

    @app.callback(
        Output(ids.ME_TOTP_REPORT, "children"),
        Output(ids.ME_TOTP_SETUP, "children", allow_duplicate=True),
        Input(ids.ME_TOTP_CONFIRM, "n_clicks"),
        State(ids.ME_TOTP_CODE, "value"),
        State(ids.ME_TOTP_PASSWORD, "value"),
        prevent_initial_call=True,
    )
    def confirm_totp(_clicks: Any, code: Any, password: Any) -> tuple[Any, Any]:
        require_role(*TOTP_ROLES)
        secret = pending_secret()
        if secret is None:
            return report_items([_("Tryck på Aktivera först.")], ok=False), no_update
        actor = request_actor()
        try:
            store(
                lambda s: enrol_totp(
                    s, actor, secret=secret, code=as_text(code), password=as_text(password)
                )
            )
        except UserError as error:
            return _refused(error), no_update
        session.pop(ENROLMENT, None)
        done = _("Tvåstegsverifiering är på. Nästa inloggning frågar efter en kod.")
        return report_items([done], ok=True), []

    @app.callback(
        Output(ids.ME_TOTP_OFF_REPORT, "children"),
        Input(ids.ME_TOTP_OFF, "n_clicks"),
        State(ids.ME_TOTP_OFF_CODE, "value"),
        prevent_initial_call=True,
    )
    def disable_totp(_clicks: Any, code: Any) -> Any:
        require_role(*TOTP_ROLES)
        actor = request_actor()
        try:
            store(lambda s: disable_own_totp(s, actor, code=as_text(code)))
        except UserError as error:
            return _refused(error)
        return report_items([_("Tvåstegsverifiering är avstängd.")], ok=True)
