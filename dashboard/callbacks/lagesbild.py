"""Callbacks of Lägesbild: the period list, the briefing for the chosen state, and the
coordinator's bedömning and publishing.

Every callback checks the role on the server and builds the briefing for the
session's viewer; the state from the browser is narrowed exactly as a URL is
(:func:`dashboard.pages.lagesbild.briefing_state`), so a hand-made request shows no
more than a link would.
"""

from __future__ import annotations

from typing import Any

from dash import ClientsideFunction, Dash, Input, Output, State, html, no_update

from dashboard import ids
from dashboard.audit import request_actor
from dashboard.auth import current_viewer, require_role
from dashboard.callbacks.inputs import as_text
from dashboard.callbacks.submit import store
from dashboard.components import bump
from dashboard.i18n import _
from dashboard.lagesbild_view import (
    compose,
    current_briefing,
    map_data_uri,
    pdf_bytes,
    publishing_audience,
)
from dashboard.pages.lagesbild import (
    PATH,
    ROLES,
    BriefingState,
    briefing_state,
    briefing_view,
    period_options,
)
from dashboard.pages.overview import page_scope
from dashboard.state import current_cube, db_session, now, today
from dashboard.uploads import report_items
from data.access.scope import AccessDenied, BadSelection
from data.briefing.archive import AssessmentRejected, assessment_for, publish, save_assessment


def _state(kommun: Any, level: Any, kind: Any, period: Any) -> BriefingState:
    """The browser's choice, narrowed like a URL (never trusted)."""
    require_role(*ROLES)
    scope = page_scope()
    if isinstance(scope, html.Div):
        raise AccessDenied(_("Ingen behörighet"))
    query = {"kommun": kommun, "niva": level, "typ": kind, "period": period}
    state, _narrowed = briefing_state(scope, query, today())
    return state


def _refused(error: Exception) -> list[html.Li]:
    return report_items([str(error)], ok=False)


def register(app: Dash) -> None:
    """Register the Lägesbild callbacks on ``app``."""

    @app.callback(
        output={
            "options": Output(ids.LB_PERIOD, "options"),
            "value": Output(ids.LB_PERIOD, "value"),
        },
        inputs=[Input(ids.LB_KIND, "value")],
        state=[State(ids.LB_PERIOD, "value")],
        prevent_initial_call=True,
    )
    def periods(kind: Any, current: Any) -> dict[str, Any]:
        require_role(*ROLES)
        state = _state(None, None, kind, current)
        options = period_options(state.kind, today())
        values = [o["value"] for o in options]
        return {"options": options, "value": current if current in values else values[0]}

    @app.callback(
        output={
            "content": Output(ids.LB_CONTENT, "children"),
            "pdf": Output(ids.LB_PDF, "href"),
            "link": Output(ids.LB_LINK_QUERY, "data"),
        },
        inputs=[
            Input(ids.LB_KOMMUN, "value"),
            Input(ids.LB_LEVEL, "value"),
            Input(ids.LB_KIND, "value"),
            Input(ids.LB_PERIOD, "value"),
            Input(ids.LB_REFRESH, "data"),
        ],
    )
    def show(kommun: Any, level: Any, kind: Any, period: Any, _refresh: Any) -> dict[str, Any]:
        state = _state(kommun, level, kind, period)
        try:
            briefing = current_briefing(state)
        except (AccessDenied, BadSelection) as error:
            return {"content": html.P(str(error), role="alert"), "pdf": no_update, "link": None}
        view = briefing_view(briefing, map_data_uri(briefing))
        query = state.permalink()
        return {"content": view, "pdf": f"{PATH}/pdf?{query}", "link": f"{PATH}?{query}"}

    app.clientside_callback(
        ClientsideFunction(namespace="sspLink", function_name="show"),
        Output(ids.LB_LINK, "value"),
        Input(ids.LB_LINK_QUERY, "data"),
    )

    @app.callback(
        output={
            "assessment": Output(ids.LB_ASSESSMENT, "value"),
            "actions": Output(ids.LB_ACTIONS, "value"),
        },
        inputs=[Input(ids.LB_KOMMUN, "value"), Input(ids.LB_PERIOD, "value")],
    )
    def load_texts(kommun: Any, period: Any) -> dict[str, Any]:
        require_role("coordinator")
        state = _state(kommun, None, None, period)
        assessment, actions = assessment_for(db_session(), state.kommun, state.period)
        return {"assessment": assessment, "actions": actions}

    @app.callback(
        output={
            "result": Output(ids.LB_WRITE_RESULT, "children", allow_duplicate=True),
            "refresh": Output(ids.LB_REFRESH, "data", allow_duplicate=True),
        },
        inputs=[Input(ids.LB_SAVE, "n_clicks")],
        state=[
            State(ids.LB_KOMMUN, "value"),
            State(ids.LB_PERIOD, "value"),
            State(ids.LB_ASSESSMENT, "value"),
            State(ids.LB_ACTIONS, "value"),
            State(ids.LB_REFRESH, "data"),
        ],
        prevent_initial_call=True,
    )
    def save(_n: Any, kommun: Any, period: Any, text: Any, acts: Any, refresh: Any) -> Any:
        user = require_role("coordinator")
        state = _state(kommun, None, None, period)
        viewer = current_viewer()
        try:
            store(
                lambda s: save_assessment(
                    s, viewer, user.id, state.kommun, state.period, as_text(text), as_text(acts)
                )
            )
        except (AssessmentRejected, AccessDenied, BadSelection) as error:
            return {"result": _refused(error), "refresh": no_update}
        lines = [_("Bedömningen är sparad. Den syns för kommunledningen när du publicerar.")]
        return {"result": report_items(lines, ok=True), "refresh": bump(refresh)}

    @app.callback(
        Output(ids.LB_PUBLISH_CONFIRM, "displayed"),
        Input(ids.LB_PUBLISH, "n_clicks"),
        prevent_initial_call=True,
    )
    def ask(_n: Any) -> bool:
        require_role("coordinator")
        return True

    @app.callback(
        output={
            "result": Output(ids.LB_WRITE_RESULT, "children", allow_duplicate=True),
            "refresh": Output(ids.LB_REFRESH, "data", allow_duplicate=True),
        },
        inputs=[Input(ids.LB_PUBLISH_CONFIRM, "submit_n_clicks")],
        state=[
            State(ids.LB_KOMMUN, "value"),
            State(ids.LB_LEVEL, "value"),
            State(ids.LB_KIND, "value"),
            State(ids.LB_PERIOD, "value"),
            State(ids.LB_ASSESSMENT, "value"),
            State(ids.LB_ACTIONS, "value"),
            State(ids.LB_REFRESH, "data"),
        ],
        prevent_initial_call=True,
    )
    def publish_now(_n: Any, *values: Any) -> Any:
        kommun, level, kind, period, text, acts, refresh = values
        user = require_role("coordinator")
        state = _state(kommun, level, kind, period)
        viewer, actor, cube = current_viewer(), request_actor(), current_cube()
        audience, level = publishing_audience(cube, state.kommun, state.level, state.kind)

        def work(session: Any) -> int:
            # What the coordinator sees in the boxes is what is published (and saved).
            written = (as_text(text), as_text(acts))
            save_assessment(session, viewer, user.id, state.kommun, state.period, *written)
            texts = assessment_for(session, state.kommun, state.period)
            briefing = compose(
                cube,
                audience,
                kommun=state.kommun,
                level=level,
                period_code=state.period,
                today=today(),
                now=now(),
                texts=texts,
            )
            return publish(session, viewer, user.id, briefing, pdf_bytes(briefing), actor=actor)

        try:
            record = store(work)
        except (AssessmentRejected, AccessDenied, BadSelection, ValueError) as error:
            return {"result": _refused(error), "refresh": no_update}
        line = (
            _("Lägesbilden är publicerad för SSP-samordningen (nummer %(id)s).", id=record)
            if audience.role == "coordinator"
            else _("Lägesbilden är publicerad för kommunledningen (nummer %(id)s).", id=record)
        )
        return {"result": report_items([line], ok=True), "refresh": bump(refresh)}
