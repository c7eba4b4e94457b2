"""Callbacks of Veckans lägesbild: the week's content, the reporting completeness
(coordinators only) and the actions (list, add, follow up).

Every callback checks the role on the server first; the week from the browser is read
like a URL (:func:`dashboard.pages.weekly.week_state`); who may add or change which
action is decided in :mod:`data.weekly.actions`, so a forged request gets no further
than the page would.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from dash import ClientsideFunction, Dash, Input, Output, State, html, no_update

from dashboard import ids
from dashboard.audit import request_actor
from dashboard.auth import current_viewer, require_role
from dashboard.callbacks.inputs import as_number, as_text, as_texts
from dashboard.callbacks.overview.selection import codes_value
from dashboard.callbacks.submit import submit
from dashboard.i18n import _
from dashboard.pages.weekly import PATH, ROLES, week_state
from dashboard.state import cached_view, current_cube, db_session, today
from dashboard.state import now as clock_now
from dashboard.weekly_view import (
    action_label,
    actions_view,
    changes_view,
    completeness_view,
    signals_view,
    unreported_view,
    upcoming_view,
)
from data.access.scope import AccessDenied, BadSelection
from data.briefing.period import parse_period
from data.vocabulary import AGE_BANDS
from data.weekly.actions import ActionRejected, actions_for_week, add_action, update_action
from data.weekly.agenda import raised_signals
from data.weekly.completeness import reporting_completeness
from data.weekly.page import week_page

REFUSED = (ActionRejected, AccessDenied, BadSelection)


def _week(value: Any) -> str:
    return week_state(value, today())[0]


def _ages(value: Any) -> tuple[str, ...]:
    """The checked age bands in the vocabulary's order; BadSelection for anything but
    the three bands the page offers (a forged value)."""
    chosen = codes_value(value, "age bands")
    if set(chosen) - set(AGE_BANDS):
        msg = "okänd åldersgrupp"
        raise BadSelection(msg)
    return tuple(a for a in AGE_BANDS if a in chosen)


def _due(value: Any) -> date | None:
    text = as_text(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ActionRejected({"Klart senast": _("Skriv datumet som ÅÅÅÅ-MM-DD.")}) from None


def register(app: Dash) -> None:
    """Register the Veckans lägesbild callbacks on ``app``."""

    @app.callback(
        output={
            "content": Output(ids.VL_CONTENT, "children"),
            "link": Output(ids.VL_LINK_QUERY, "data"),
        },
        inputs={"week": Input(ids.VL_WEEK, "value"), "ages": Input(ids.VL_AGES, "value")},
    )
    def show(week: Any, ages: Any = None) -> dict[str, Any]:
        require_role(*ROLES)
        viewer = current_viewer()
        kommun, code = str(viewer.kommun_code), _week(week)
        try:
            bands = _ages(ages)
            page = week_page(
                db_session(), current_cube(), viewer, kommun, code, today=today(), ages=bands
            )
            signals = cached_view(
                "weekly-signals",
                (viewer, kommun, bands),
                lambda: raised_signals(current_cube(), viewer, kommun, bands),
            )
        except (AccessDenied, BadSelection) as error:
            return {"content": html.P(str(error), role="alert"), "link": None}
        views = [
            changes_view(page),
            upcoming_view(page.upcoming),
            unreported_view(page.unreported),
            signals_view(signals, bands),
        ]
        content = html.Div(views, id=ids.VL_DRAWN, className="vl-content")
        query = {"vecka": code} | ({"alder": ",".join(bands)} if bands else {})
        return {"content": content, "link": f"{PATH}?{urlencode(query)}"}

    app.clientside_callback(
        ClientsideFunction(namespace="sspLink", function_name="show"),
        Output(ids.VL_LINK, "value"),
        Input(ids.VL_LINK_QUERY, "data"),
    )

    @app.callback(
        Output(ids.VL_COMPLETENESS, "children"),
        Input(ids.VL_WEEK, "value"),
    )
    def completeness(week: Any) -> Any:
        require_role("coordinator")
        viewer = current_viewer()
        monday = parse_period(_week(week)).first_monday
        done = reporting_completeness(
            db_session(), viewer, str(viewer.kommun_code), monday, today=today()
        )
        return completeness_view(done)

    @app.callback(
        output={
            "list": Output(ids.VL_ACTIONS_LIST, "children"),
            "options": Output(ids.VL_EDIT_ACTION, "options"),
        },
        inputs={"week": Input(ids.VL_WEEK, "value"), "refresh": Input(ids.VL_REFRESH, "data")},
    )
    def actions(week: Any, refresh: Any) -> dict[str, Any]:
        require_role(*ROLES)
        viewer = current_viewer()
        rows = actions_for_week(db_session(), viewer, str(viewer.kommun_code), _week(week))
        options = [{"label": action_label(r), "value": r.id} for r in rows if r.may_edit]
        return {"list": actions_view(rows), "options": options}

    @app.callback(
        output={
            "result": Output(ids.VL_ADD_RESULT, "children"),
            "refresh": Output(ids.VL_REFRESH, "data", allow_duplicate=True),
        },
        inputs={"clicks": Input(ids.VL_ADD_SAVE, "n_clicks")},
        state={
            "week": State(ids.VL_WEEK, "value"),
            "what": State(ids.VL_ADD_WHAT, "value"),
            "owner": State(ids.VL_ADD_OWNER, "value"),
            "areas": State(ids.VL_ADD_AREAS, "value"),
            "due": State(ids.VL_ADD_DUE, "value"),
            "refresh": State(ids.VL_REFRESH, "data"),
        },
        prevent_initial_call=True,
    )
    def add(
        clicks: Any, week: Any, what: Any, owner: Any, areas: Any, due: Any, refresh: Any
    ) -> dict[str, Any]:
        require_role(*ROLES)
        viewer, actor, code, day = current_viewer(), request_actor(), _week(week), today()

        def work(session: Any) -> list[str]:
            add_action(
                session,
                viewer,
                actor,
                kommun=str(viewer.kommun_code),
                what=as_text(what),
                owner=as_text(owner),
                area_codes=as_texts(areas),
                due_on=_due(due),
                week=code,
                today=day,
                now=clock_now(),
            )
            return [_("Åtgärden är sparad.")]

        result, bumped = submit(work, refresh=refresh, refused=REFUSED)
        return {"result": result, "refresh": bumped}

    @app.callback(
        output={
            "result": Output(ids.VL_EDIT_RESULT, "children"),
            "refresh": Output(ids.VL_REFRESH, "data", allow_duplicate=True),
        },
        inputs={"clicks": Input(ids.VL_EDIT_SAVE, "n_clicks")},
        state={
            "action": State(ids.VL_EDIT_ACTION, "value"),
            "status": State(ids.VL_EDIT_STATUS, "value"),
            "note": State(ids.VL_EDIT_NOTE, "value"),
            "refresh": State(ids.VL_REFRESH, "data"),
        },
        prevent_initial_call=True,
    )
    def follow_up(clicks: Any, action: Any, status: Any, note: Any, refresh: Any) -> dict[str, Any]:
        require_role(*ROLES)
        viewer, actor = current_viewer(), request_actor()
        number = as_number(action)
        if number is None:
            return {
                "result": [html.Li(_("Välj en åtgärd."), className="report-error")],
                "refresh": no_update,
            }

        def work(session: Any) -> list[str]:
            update_action(
                session,
                viewer,
                actor,
                int(number),
                status=as_text(status),
                follow_up=as_text(note),
                now=clock_now(),
            )
            return [_("Uppföljningen är sparad.")]

        result, bumped = submit(work, refresh=refresh, refused=REFUSED)
        return {"result": result, "refresh": bumped}

    @app.callback(
        output={
            "status": Output(ids.VL_EDIT_STATUS, "value"),
            "note": Output(ids.VL_EDIT_NOTE, "value"),
        },
        inputs={"action": Input(ids.VL_EDIT_ACTION, "value")},
        state={"week": State(ids.VL_WEEK, "value")},
        prevent_initial_call=True,
    )
    def load(action: Any, week: Any) -> dict[str, Any]:
        require_role(*ROLES)
        viewer = current_viewer()
        rows = actions_for_week(db_session(), viewer, str(viewer.kommun_code), _week(week))
        chosen = next((r for r in rows if r.id == as_number(action)), None)
        if chosen is None:
            return {"status": no_update, "note": no_update}
        return {"status": chosen.status, "note": chosen.follow_up}
