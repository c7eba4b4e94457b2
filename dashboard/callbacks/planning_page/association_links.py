"""Planering's association sign-up links: list, create (the link shown once), revoke.

Every callback checks the coordinator and their kommun first (:func:`scope`); the
data layer refuses an association or link of another kommun and writes the audit row
in the same unit of work. The token is put into the new link's field once and never
logged or stored (only its keyed hash is)."""

from __future__ import annotations

from typing import Any, Final

from dash import ALL, Dash, Input, Output, State, ctx, no_update
from flask import current_app, request

from dashboard import ids
from dashboard.association_views import links_table, new_link_box
from dashboard.audit import request_actor
from dashboard.callbacks.inputs import as_number
from dashboard.callbacks.planning_page.common import field_marks, field_outputs, scope
from dashboard.components import bump
from dashboard.i18n import _
from dashboard.state import app_state, db_session, now
from dashboard.uploads import report_items
from data.access.scope import BadSelection
from data.planning.association_links import create_link, link_key, links, revoke_link
from data.planning.registry import PlanError, associations
from data.storage.db import unit_of_work

LINK_FIELDS: Final = {
    "förening": (ids.PL_ASSOC_LINK_ASSOCIATION, True),
    "dagar": (ids.PL_ASSOC_LINK_DAYS, True),
}


def _key() -> bytes:
    return link_key(str(current_app.config["SECRET_KEY"]))


def _revoked_id(clicks: Any) -> int | None:
    """The link id of the clicked "Återkalla" button (None when nothing was clicked);
    :class:`BadSelection` for an id the page does not draw."""
    trigger = ctx.triggered_id
    value = ctx.triggered[0].get("value") if ctx.triggered else None
    if not isinstance(trigger, dict) or not isinstance(value, int) or value <= 0:
        return None
    if not any(isinstance(c, int) and c > 0 for c in clicks or []):
        return None
    item = str(trigger.get("item", ""))
    if not item.isdigit() or len(item) > 12:
        raise BadSelection("okänt val")
    return int(item)


def register(app: Dash) -> None:
    """Register the link callbacks on ``app``."""

    @app.callback(
        output={
            "options": Output(ids.PL_ASSOC_LINK_ASSOCIATION, "options"),
            "table": Output(ids.PL_ASSOC_LINKS, "children"),
        },
        inputs={
            "_refresh": Input(ids.PL_REFRESH, "data"),
            "_links": Input(ids.PL_ASSOC_LINK_REFRESH, "data"),
            "kommun": Input(ids.PL_KOMMUN, "value"),
        },
        state={"level": State(ids.PL_LEVEL, "value")},
    )
    def show_links(_refresh: Any, _links: Any, kommun: Any, level: Any) -> dict[str, Any]:
        """The kommun's associations to choose from and its links."""
        _viewer, selection = scope(kommun, level)
        code = selection.kommun_code
        session = db_session()
        return {
            "options": [{"label": n, "value": i} for i, n in associations(session, code)],
            "table": links_table(links(session, code), now()),
        }

    @app.callback(
        output={
            "new": Output(ids.PL_ASSOC_LINK_NEW, "children"),
            "message": Output(ids.PL_ASSOC_LINK_MESSAGE, "children", allow_duplicate=True),
            "refresh": Output(ids.PL_ASSOC_LINK_REFRESH, "data", allow_duplicate=True),
            **field_outputs(LINK_FIELDS),
        },
        inputs={"_clicks": Input(ids.PL_ASSOC_LINK_CREATE, "n_clicks")},
        state={
            "association": State(ids.PL_ASSOC_LINK_ASSOCIATION, "value"),
            "days": State(ids.PL_ASSOC_LINK_DAYS, "value"),
            "kommun": State(ids.PL_KOMMUN, "value"),
            "level": State(ids.PL_LEVEL, "value"),
            "refresh": State(ids.PL_ASSOC_LINK_REFRESH, "data"),
        },
        prevent_initial_call=True,
    )
    def new_link(
        _clicks: Any, association: Any, days: Any, kommun: Any, level: Any, refresh: Any
    ) -> dict[str, Any]:
        """Create a link for the chosen association; the link is shown once."""
        _viewer, selection = scope(kommun, level)
        chosen = association if isinstance(association, int) else -1
        lifetime = as_number(days)
        try:
            with unit_of_work(app_state().sessions) as session:
                _link, token = create_link(
                    session,
                    selection.kommun_code,
                    chosen,
                    days=int(lifetime) if lifetime is not None and lifetime % 1 == 0 else 0,
                    key=_key(),
                    actor=request_actor(),
                    now=now(),
                )
                name = dict(associations(session, selection.kommun_code)).get(chosen, "")
        except PlanError as error:
            return {
                "new": "",
                "message": report_items(list(error.errors.values()), ok=False),
                "refresh": no_update,
                **field_marks(LINK_FIELDS, error.errors),
            }
        return {
            "new": new_link_box(f"{request.host_url}forening/{token}", name),
            "message": report_items([_("Länken är skapad.")], ok=True),
            "refresh": bump(refresh),
            **field_marks(LINK_FIELDS, {}),
        }

    @app.callback(
        Output(ids.PL_ASSOC_LINK_MESSAGE, "children", allow_duplicate=True),
        Output(ids.PL_ASSOC_LINK_REFRESH, "data", allow_duplicate=True),
        Input({"type": ids.PL_ASSOC_LINK_REVOKE_TYPE, "item": ALL}, "n_clicks"),
        State(ids.PL_KOMMUN, "value"),
        State(ids.PL_LEVEL, "value"),
        State(ids.PL_ASSOC_LINK_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def revoke(clicks: Any, kommun: Any, level: Any, refresh: Any) -> tuple[Any, Any]:
        """Revoke a link of the coordinator's kommun: it stops working at once."""
        _viewer, selection = scope(kommun, level)
        link_id = _revoked_id(clicks)
        if link_id is None:
            return no_update, no_update
        with unit_of_work(app_state().sessions) as session:
            done = revoke_link(
                session, selection.kommun_code, link_id, actor=request_actor(), now=now()
            )
        if not done:
            return report_items([_("Ingen giltig länk att återkalla.")], ok=False), no_update
        return report_items([_("Länken är återkallad.")], ok=True), bump(refresh)
