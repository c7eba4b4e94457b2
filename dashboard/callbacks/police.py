"""Callbacks of Samverkan polis, and the police's answers on Planering.

Every callback checks the role server-side first. The areas a police user sees come from
:func:`data.planning.police.plan_areas` on every call, never from the browser: a forged
week, area or operation id gets nothing outside their scope (403 or a field error).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Final

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from dashboard import ids
from dashboard.audit import request_actor
from dashboard.auth import SessionUser, current_viewer, require_role
from dashboard.callbacks.inputs import as_text, as_texts
from dashboard.callbacks.planning_page.common import period
from dashboard.components import bump
from dashboard.i18n import _
from dashboard.pages import planning_page
from dashboard.pages.police_page import POLISEN_SUFFIXES, ROLES, WRITERS
from dashboard.police_views import (
    import_view,
    meetings_view,
    operations_view,
    review_view,
    walks_view,
    weeks_review_view,
)
from dashboard.state import app_state, current_cube, db_session, today
from dashboard.uploads import UploadError, report_items, uploaded_file
from data.access.scope import AccessDenied, BadSelection, Viewer, require_kommun
from data.counts.cube import monday_of
from data.ingest.polisen_kommun import PolisenFileError, import_polisen_for_kommun
from data.planning.operations import (
    OperationInput,
    delete_operation,
    own_operation,
    save_operation,
    week_operations,
)
from data.planning.police import (
    check_week,
    plan_areas,
    review_plan,
    review_state,
    week_meetings,
    week_walks,
)
from data.planning.registry import PlanError
from data.storage.db import unit_of_work

FORM: Final = {
    "day": Output(ids.SV_OP_DAY, "date"),
    "start": Output(ids.SV_OP_START, "value"),
    "end": Output(ids.SV_OP_END, "value"),
    "areas": Output(ids.SV_OP_AREAS, "value"),
    "partners": Output(ids.SV_OP_PARTNERS, "value"),
    "kind": Output(ids.SV_OP_KIND, "value"),
    "note": Output(ids.SV_OP_NOTE, "value"),
    "editing": Output(ids.SV_OP_EDITING, "data"),
}
EMPTY_FORM: Final = {
    "day": None,
    "start": "",
    "end": "",
    "areas": [],
    "partners": ["polis"],
    "kind": None,
    "note": "",
    "editing": None,
}


def _scope(*roles: str) -> tuple[SessionUser, Viewer, str, frozenset[str] | None]:
    """The user (of ``roles``), their viewer, kommun and visible areas (None: all)."""
    user = require_role(*roles)
    viewer = current_viewer()
    if user.kommun_code is None:
        raise AccessDenied("ingen kommun")
    return user, viewer, user.kommun_code, plan_areas(current_cube(), viewer, user.kommun_code)


def _week(value: Any) -> date:
    """The chosen week's Monday (400 when forged)."""
    try:
        return check_week(date.fromisoformat(as_text(value)[:10]), today=today())
    except (ValueError, PlanError):
        raise BadSelection("ogiltig vecka") from None


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(as_text(value)[:10])
    except ValueError:
        return None


def _operation_id(value: Any) -> int | None:
    text = as_text(value)
    return int(text) if text.isdigit() and len(text) < 12 else None


def _failed(error: PlanError) -> list[Any]:
    return report_items(list(error.errors.values()), ok=False)


def register(app: Dash) -> None:
    """Register Samverkan polis's callbacks (and its card on Planering) on ``app``."""

    @app.callback(
        output={
            "walks": Output(ids.SV_WALKS, "children"),
            "meetings": Output(ids.SV_MEETINGS, "children"),
            "review": Output(ids.SV_REVIEW_STATE, "children"),
            "operations": Output(ids.SV_OP_LIST, "children"),
        },
        inputs={"week": Input(ids.SV_WEEK, "value"), "_refresh": Input(ids.SV_REFRESH, "data")},
    )
    def show_week(week: Any, _refresh: Any) -> dict[str, Any]:
        """The week's walks and meetings in the user's areas, answers and insatser."""
        user, _viewer, kommun, areas = _scope(*ROLES)
        monday = _week(week)
        police = user.role in WRITERS
        mine = user.id if police else None
        session = db_session()
        return {
            "walks": walks_view(week_walks(session, kommun, monday, areas)),
            "meetings": meetings_view(week_meetings(session, kommun, monday, areas)),
            "review": review_view(
                review_state(session, kommun, monday, user_id=mine, within=areas)
            ),
            "operations": operations_view(
                week_operations(session, kommun, monday, owner_id=mine), own_id=mine
            ),
        }

    @app.callback(
        output={
            "message": Output(ids.SV_REVIEW_MESSAGE, "children"),
            "refresh": Output(ids.SV_REFRESH, "data", allow_duplicate=True),
            "comment": Output(ids.SV_COMMENT, "value"),
        },
        inputs={
            "_agree": Input(ids.SV_AGREE, "n_clicks"),
            "_comment": Input(ids.SV_SEND_COMMENT, "n_clicks"),
        },
        state={
            "week": State(ids.SV_WEEK, "value"),
            "text": State(ids.SV_COMMENT, "value"),
            "refresh": State(ids.SV_REFRESH, "data"),
        },
        prevent_initial_call=True,
    )
    def review(_agree: Any, _comment: Any, week: Any, text: Any, refresh: Any) -> dict[str, Any]:
        """Agree the week's plan in the user's areas, or comment on it."""
        _user, viewer, kommun, areas = _scope(*WRITERS)
        monday = _week(week)
        kind = "agreed" if ctx.triggered_id == ids.SV_AGREE else "comment"
        try:
            with unit_of_work(app_state().sessions) as session:
                review_plan(
                    session,
                    viewer,
                    request_actor(),
                    kommun,
                    monday,
                    kind=kind,
                    comment=as_text(text),
                    areas=areas,
                    today=today(),
                )
        except PlanError as error:
            return {"message": _failed(error), "refresh": no_update, "comment": no_update}
        done = _("Planen är godkänd.") if kind == "agreed" else _("Kommentaren är skickad.")
        return {"message": report_items([done], ok=True), "refresh": bump(refresh), "comment": ""}

    @app.callback(
        output={
            "message": Output(ids.SV_OP_MESSAGE, "children"),
            "refresh": Output(ids.SV_REFRESH, "data", allow_duplicate=True),
            **{
                k: Output(o.component_id, o.component_property, allow_duplicate=True)
                for k, o in FORM.items()
            },
        },
        inputs={"_save": Input(ids.SV_OP_SAVE, "n_clicks")},
        state={
            "day": State(ids.SV_OP_DAY, "date"),
            "start": State(ids.SV_OP_START, "value"),
            "end": State(ids.SV_OP_END, "value"),
            "areas": State(ids.SV_OP_AREAS, "value"),
            "partners": State(ids.SV_OP_PARTNERS, "value"),
            "kind": State(ids.SV_OP_KIND, "value"),
            "note": State(ids.SV_OP_NOTE, "value"),
            "editing": State(ids.SV_OP_EDITING, "data"),
            "refresh": State(ids.SV_REFRESH, "data"),
        },
        prevent_initial_call=True,
    )
    def save(_save: Any, **form: Any) -> dict[str, Any]:
        """Record a riktad insats, or save the change of an own one."""
        _user, viewer, kommun, areas = _scope(*WRITERS)
        data = OperationInput(
            day=_day(form["day"]),
            start=as_text(form["start"]),
            end=as_text(form["end"]),
            areas=tuple(as_texts(form["areas"])),
            partners=tuple(as_texts(form["partners"])),
            kind=as_text(form["kind"]),
            note=as_text(form["note"]),
        )
        editing = form["editing"]
        try:
            with unit_of_work(app_state().sessions) as session:
                save_operation(
                    session,
                    viewer,
                    request_actor(),
                    kommun,
                    data,
                    allowed_areas=areas or (),
                    operation_id=None if editing is None else _operation_id(editing) or -1,
                    today=today(),
                )
        except PlanError as error:
            return {"message": _failed(error), "refresh": no_update} | dict.fromkeys(
                FORM, no_update
            )
        done = report_items([_("Insatsen är sparad.")], ok=True)
        return {"message": done, "refresh": bump(form["refresh"]), **EMPTY_FORM}

    @app.callback(
        output={"message": Output(ids.SV_OP_MESSAGE, "children", allow_duplicate=True), **FORM},
        inputs={
            "_edit": Input({"type": ids.SV_OP_EDIT_TYPE, "item": ALL}, "n_clicks"),
            "_new": Input(ids.SV_OP_NEW, "n_clicks"),
        },
        prevent_initial_call=True,
    )
    def edit(_edit: Any, _new: Any) -> dict[str, Any]:
        """Load one of the user's own insatser into the form (or empty it: Ny insats)."""
        user = require_role(*WRITERS)
        trigger = ctx.triggered_id
        if trigger == ids.SV_OP_NEW:
            return {"message": [], **EMPTY_FORM}
        if not isinstance(trigger, dict) or not any(isinstance(c, int) and c > 0 for c in _edit):
            return dict.fromkeys(("message", *FORM), no_update)
        operation_id = _operation_id(trigger.get("item"))
        found = own_operation(db_session(), user.id, operation_id or -1)
        if found is None:
            raise AccessDenied("bara egna insatser")
        return {
            "message": report_items([_("Ändra och spara insatsen.")], ok=True),
            "day": found.day.isoformat(),
            "start": found.start,
            "end": found.end,
            "areas": list(found.area_codes),
            "partners": list(found.partners),
            "kind": found.kind,
            "note": found.note,
            "editing": found.id,
        }

    @app.callback(
        output={
            "message": Output(ids.SV_OP_MESSAGE, "children", allow_duplicate=True),
            "refresh": Output(ids.SV_REFRESH, "data", allow_duplicate=True),
        },
        inputs={"clicks": Input({"type": ids.SV_OP_DELETE_TYPE, "item": ALL}, "n_clicks")},
        state={"refresh": State(ids.SV_REFRESH, "data")},
        prevent_initial_call=True,
    )
    def delete(clicks: Any, refresh: Any) -> dict[str, Any]:
        """Remove one of the user's own insatser."""
        _user, viewer, _kommun, _areas = _scope(*WRITERS)
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not any(isinstance(c, int) and c > 0 for c in clicks):
            return {"message": no_update, "refresh": no_update}
        operation_id = _operation_id(trigger.get("item")) or -1
        with unit_of_work(app_state().sessions) as session:
            delete_operation(session, viewer, request_actor(), operation_id)
        return {
            "message": report_items([_("Insatsen är borttagen.")], ok=True),
            "refresh": bump(refresh),
        }

    @app.callback(
        Output(ids.SV_IMPORT_RESULT, "children"),
        Input(ids.SV_IMPORT_UPLOADED, "data"),
        prevent_initial_call=True,
    )
    def import_events(uploaded: Any) -> Any:
        """Store the uploaded polisen.se file's events of the user's kommun."""
        user, _viewer, kommun, _areas = _scope(*ROLES)
        try:
            upload = uploaded_file(uploaded, user.id, POLISEN_SUFFIXES)
        except UploadError as error:
            return report_items([str(error)], ok=False)
        try:
            raw = upload.path.read_bytes()
        finally:
            upload.path.unlink(missing_ok=True)
        try:
            with unit_of_work(app_state().sessions) as session:
                result = import_polisen_for_kommun(session, raw, kommun, actor=request_actor())
        except PolisenFileError as error:
            return report_items([_("Ingenting importerades."), str(error)], ok=False)
        return import_view(result)

    @app.callback(
        Output(ids.PL_POLICE_REVIEW, "children"),
        Input(ids.PL_KOMMUN, "value"),
        Input(ids.PL_FIRST, "date"),
        Input(ids.PL_WEEKS, "value"),
        Input(ids.PL_REFRESH, "data"),
    )
    def planning_reviews(kommun: Any, first: Any, weeks: Any, _refresh: Any) -> Any:
        """On Planering: the police's answers for each week of the period."""
        require_role(*planning_page.ROLES)
        if not isinstance(kommun, str):
            raise BadSelection("ogiltig kommun")
        require_kommun(current_viewer(), kommun)
        start, last = period(first, weeks)
        mondays = []
        monday = monday_of(start)
        while monday <= last:
            mondays.append(monday)
            monday += timedelta(weeks=1)
        session = db_session()
        states = [(m, review_state(session, kommun, m)) for m in mondays]
        return weeks_review_view(states)
