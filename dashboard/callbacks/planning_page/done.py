"""Planned vs done: the coordinator confirms a reported walk for pay, or withdraws the
confirmation. The data layer checks the coordinator and the kommun again."""

from __future__ import annotations

from typing import Any, Final

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from dashboard import ids
from dashboard.auth import require_role
from dashboard.callbacks.planning_page.common import scope
from dashboard.components import bump
from dashboard.i18n import N_, _
from dashboard.pages.planning_page import ROLES
from dashboard.state import app_state
from dashboard.uploads import report_items
from data.access.scope import BadSelection
from data.planning.walk_links import set_confirmed
from data.storage.db import unit_of_work

DONE_MESSAGES: Final = {
    "confirm": N_("Rapporten är bekräftad och räknas för ersättning."),
    "undo": N_("Bekräftelsen är borttagen: vandringen ersätts inte förrän den bekräftas igen."),
}


def clicked_walk(clicks: Any) -> tuple[str, int] | None:
    """(action, planned walk id) of the clicked button; None when nothing was clicked;
    :class:`BadSelection` when the button's id is not one the page draws."""
    trigger = ctx.triggered_id
    value = ctx.triggered[0].get("value") if ctx.triggered else None
    if not isinstance(trigger, dict) or not any(isinstance(c, int) and c > 0 for c in clicks or []):
        return None
    if not isinstance(value, int) or value <= 0:
        return None
    action, _sep, key = str(trigger.get("item", "")).partition("|")
    if action not in DONE_MESSAGES or not key.isdigit() or len(key) > 12:
        raise BadSelection("okänt val")
    return action, int(key)


def register(app: Dash) -> None:
    """Register the confirmation callback on ``app``."""

    @app.callback(
        Output(ids.PL_CONFIRM_MESSAGE, "children"),
        Output(ids.PL_REFRESH, "data", allow_duplicate=True),
        Input({"type": ids.PL_CONFIRM_TYPE, "item": ALL}, "n_clicks"),
        State(ids.PL_KOMMUN, "value"),
        State(ids.PL_LEVEL, "value"),
        State(ids.PL_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def confirm(clicks: Any, kommun: Any, level: Any, refresh: Any) -> tuple[Any, Any]:
        """Confirm (or un-confirm) the report of a planned walk of the coordinator's kommun."""
        scope(kommun, level)  # a coordinator of this kommun, else 403
        user = require_role(*ROLES)
        chosen = clicked_walk(clicks)
        if chosen is None:
            return no_update, no_update
        action, walk_id = chosen
        with unit_of_work(app_state().sessions) as session:
            done = set_confirmed(session, user.id, walk_id, confirmed=action == "confirm")
        if not done:
            return report_items(
                [_("Ingen rapporterad vandring att bekräfta.")], ok=False
            ), no_update
        return report_items([_(DONE_MESSAGES[action])], ok=True), bump(refresh)
