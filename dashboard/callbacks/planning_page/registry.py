"""Who walks and what matters: associations, sign-ups, sign-up removal, parent meetings
and the per-category severities the forecast weighs by."""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from dashboard import ids
from dashboard.callbacks.inputs import as_number
from dashboard.callbacks.planning_page.common import CODE, field_marks, field_outputs, scope
from dashboard.components import bump
from dashboard.i18n import _
from dashboard.planning_views import severity_inputs
from dashboard.state import app_state, db_session
from dashboard.uploads import report_items
from data.access.scope import BadSelection
from data.counts.options import category_options
from data.planning.meetings import add_meeting
from data.planning.registry import (
    PlanError,
    add_association,
    add_signup,
    associations,
    delete_signup,
    set_severity,
    set_walk_contact,
    severity,
)
from data.storage.db import unit_of_work

NEW_ASSOCIATION_FIELDS: Final = {"förening": (ids.PL_NEW_ASSOCIATION, False)}
CONTACT_FIELDS: Final = {"kontakt": (ids.PL_CONTACT, True)}
SIGNUP_FIELDS: Final = {
    "förening": (ids.PL_ASSOCIATION, True),
    "natt": (ids.PL_SIGNUP_NIGHT, True),
    "vandrare": (ids.PL_SIGNUP_WALKERS, False),
    "start": (ids.PL_SIGNUP_START, False),
    "slut": (ids.PL_SIGNUP_END, False),
}
"""The sign-up form's fields by the data layer's error keys: (input id, wide)."""


def signup_choices(association: Any, night: Any) -> dict[str, str]:
    """What is missing before a sign-up can be checked: the association and the night."""
    errors = {}
    if not isinstance(association, int) or isinstance(association, bool):
        errors["förening"] = _("Välj en förening (eller lägg till en först).")
    try:
        date.fromisoformat(str(night))
    except ValueError:
        errors["natt"] = _("Välj en natt.")
    return errors


def register(app: Dash) -> None:
    """Register the association, sign-up and meeting callbacks on ``app``."""

    @app.callback(
        output={
            "message": Output(ids.PL_SIGNUP_MESSAGE, "children", allow_duplicate=True),
            "refresh": Output(ids.PL_REFRESH, "data", allow_duplicate=True),
            "options": Output(ids.PL_ASSOCIATION, "options", allow_duplicate=True),
            "chosen": Output(ids.PL_ASSOCIATION, "value", allow_duplicate=True),
            "typed": Output(ids.PL_NEW_ASSOCIATION, "value"),
            **field_outputs(NEW_ASSOCIATION_FIELDS),
        },
        inputs={"_clicks": Input(ids.PL_ADD_ASSOCIATION, "n_clicks")},
        state={
            "name": State(ids.PL_NEW_ASSOCIATION, "value"),
            "kommun": State(ids.PL_KOMMUN, "value"),
            "level": State(ids.PL_LEVEL, "value"),
            "refresh": State(ids.PL_REFRESH, "data"),
        },
        prevent_initial_call=True,
    )
    def new_association(
        _clicks: Any, name: Any, kommun: Any, level: Any, refresh: Any
    ) -> dict[str, Any]:
        """Add the association and choose it for the next sign-up."""
        _viewer, selection = scope(kommun, level)
        try:
            with unit_of_work(app_state().sessions) as session:
                added = add_association(
                    session, selection.kommun_code, name if isinstance(name, str) else ""
                )
        except PlanError as error:
            unchanged = dict.fromkeys(("refresh", "options", "chosen", "typed"), no_update)
            return unchanged | {
                "message": report_items(list(error.errors.values()), ok=False),
                **field_marks(NEW_ASSOCIATION_FIELDS, error.errors),
            }
        options = [
            {"label": n, "value": i} for i, n in associations(db_session(), selection.kommun_code)
        ]
        return {
            "message": report_items([_("Föreningen är tillagd och vald nedan.")], ok=True),
            "refresh": bump(refresh),
            "options": options,
            "chosen": added,
            "typed": "",
            **field_marks(NEW_ASSOCIATION_FIELDS, {}),
        }

    @app.callback(
        output={
            "message": Output(ids.PL_SIGNUP_MESSAGE, "children", allow_duplicate=True),
            "refresh": Output(ids.PL_REFRESH, "data", allow_duplicate=True),
            **field_outputs(SIGNUP_FIELDS),
        },
        inputs={"_clicks": Input(ids.PL_ADD_SIGNUP, "n_clicks")},
        state={
            "association": State(ids.PL_ASSOCIATION, "value"),
            "night": State(ids.PL_SIGNUP_NIGHT, "value"),
            "walkers": State(ids.PL_SIGNUP_WALKERS, "value"),
            "start": State(ids.PL_SIGNUP_START, "value"),
            "end": State(ids.PL_SIGNUP_END, "value"),
            "kommun": State(ids.PL_KOMMUN, "value"),
            "level": State(ids.PL_LEVEL, "value"),
            "refresh": State(ids.PL_REFRESH, "data"),
        },
        prevent_initial_call=True,
    )
    def new_signup(
        _clicks: Any,
        association: Any,
        night: Any,
        walkers: Any,
        start: Any,
        end: Any,
        kommun: Any,
        level: Any,
        refresh: Any,
    ) -> dict[str, Any]:
        """Add an association's sign-up for a night; refused fields are marked."""
        _viewer, selection = scope(kommun, level)
        errors = signup_choices(association, night)
        if not errors:
            try:
                with unit_of_work(app_state().sessions) as session:
                    add_signup(
                        session,
                        selection.kommun_code,
                        association_id=association,
                        night=date.fromisoformat(str(night)),
                        walkers=int(as_number(walkers) or 0),
                        start=str(start or "").strip(),
                        end=str(end or "").strip(),
                    )
            except PlanError as error:
                errors = error.errors
        marks = field_marks(SIGNUP_FIELDS, errors)
        if errors:
            shown = [_("Anmälan lades inte till."), *errors.values()]
            return {"message": report_items(shown, ok=False), "refresh": no_update, **marks}
        done = report_items([_("Anmälan är tillagd.")], ok=True)
        return {"message": done, "refresh": bump(refresh), **marks}

    @app.callback(
        Output(ids.PL_SIGNUP_MESSAGE, "children", allow_duplicate=True),
        Output(ids.PL_REFRESH, "data", allow_duplicate=True),
        Input({"type": ids.PL_DELETE_TYPE, "item": ALL}, "n_clicks"),
        State(ids.PL_KOMMUN, "value"),
        State(ids.PL_LEVEL, "value"),
        State(ids.PL_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def remove(clicks: Any, kommun: Any, level: Any, refresh: Any) -> tuple[Any, Any]:
        _viewer, selection = scope(kommun, level)
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not any(
            isinstance(c, int) and c > 0 for c in clicks or []
        ):
            return no_update, no_update
        item = str(trigger.get("item", ""))
        kind, _sep, key = item.partition("|")
        if kind != "signup" or not key.isdigit():
            raise BadSelection("okänt val")
        with unit_of_work(app_state().sessions) as session:
            removed = delete_signup(session, selection.kommun_code, int(key))
        return report_items(
            [_("Anmälan är borttagen.") if removed else _("Fanns inte.")], ok=removed
        ), bump(refresh)

    @app.callback(
        Output(ids.PL_MEETING_MESSAGE, "children", allow_duplicate=True),
        Output(ids.PL_REFRESH, "data", allow_duplicate=True),
        Input(ids.PL_ADD_MEETING, "n_clicks"),
        State(ids.PL_MEETING_AREA, "value"),
        State(ids.PL_MEETING_DATE, "date"),
        State(ids.PL_MEETING_PLACE, "value"),
        State(ids.PL_MEETING_THEME, "value"),
        State(ids.PL_MEETING_ATTENDING, "value"),
        State(ids.PL_MEETING_FOLLOW_UP, "date"),
        State(ids.PL_KOMMUN, "value"),
        State(ids.PL_LEVEL, "value"),
        State(ids.PL_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def new_meeting(
        _c: Any,
        area: Any,
        held: Any,
        place: Any,
        theme: Any,
        attending: Any,
        follow: Any,
        kommun: Any,
        level: Any,
        refresh: Any,
    ) -> tuple[Any, Any]:
        _viewer, selection = scope(kommun, level)
        try:
            held_on = date.fromisoformat(str(held)[:10])
        except ValueError:
            return report_items([_("Välj mötets datum.")], ok=False), no_update
        try:
            follow_up = date.fromisoformat(str(follow)[:10]) if follow else None
        except ValueError:
            follow_up = None
        number = as_number(attending)
        count = None if number is None else int(number)
        try:
            with unit_of_work(app_state().sessions) as session:
                add_meeting(
                    session,
                    selection.kommun_code,
                    area_code=area if isinstance(area, str) else "",
                    held_on=held_on,
                    place=place if isinstance(place, str) else "",
                    theme=theme if isinstance(theme, str) else "",
                    attending=count,
                    follow_up_on=follow_up,
                )
        except PlanError as error:
            return report_items(list(error.errors.values()), ok=False), no_update
        return report_items([_("Mötet är sparat.")], ok=True), bump(refresh)


def register_contact(app: Dash) -> None:
    """The contact line printed on the walkers' schedule: saved for the kommun."""

    @app.callback(
        output={
            "message": Output(ids.PL_CONTACT_MESSAGE, "children"),
            "typed": Output(ids.PL_CONTACT, "value"),
            **field_outputs(CONTACT_FIELDS),
        },
        inputs={"_clicks": Input(ids.PL_SAVE_CONTACT, "n_clicks")},
        state={
            "text": State(ids.PL_CONTACT, "value"),
            "kommun": State(ids.PL_KOMMUN, "value"),
            "level": State(ids.PL_LEVEL, "value"),
        },
        prevent_initial_call=True,
    )
    def save_contact(_clicks: Any, text: Any, kommun: Any, level: Any) -> dict[str, Any]:
        """Keep the contact (a work contact; personal data refused by the data layer)."""
        _viewer, selection = scope(kommun, level)
        try:
            with unit_of_work(app_state().sessions) as session:
                saved = set_walk_contact(
                    session, selection.kommun_code, text if isinstance(text, str) else ""
                )
        except PlanError as error:
            return {
                "message": report_items([_("Kontakten sparades inte.")], ok=False),
                "typed": no_update,
                **field_marks(CONTACT_FIELDS, error.errors),
            }
        done = (
            _("Kontakten är sparad och skrivs ut i schemat.")
            if saved
            else _("Kontakten är borttagen.")
        )
        return {
            "message": report_items([done], ok=True),
            "typed": saved,
            **field_marks(CONTACT_FIELDS, {}),
        }


def register_severity(app: Dash) -> None:
    """The severity inputs (0–10 per category) and saving them for the kommun."""

    @app.callback(
        Output(ids.PL_SEVERITIES, "children"),
        Input(ids.PL_KOMMUN, "value"),
        Input(ids.PL_LEVEL, "value"),
    )
    def show_severity(kommun: Any, level: Any) -> Any:
        _viewer, selection = scope(kommun, level)
        session = db_session()
        return severity_inputs(category_options(session), severity(session, selection.kommun_code))

    @app.callback(
        Output(ids.PL_SEVERITY_MESSAGE, "children"),
        Output(ids.PL_REFRESH, "data", allow_duplicate=True),
        Input(ids.PL_SAVE_SEVERITY, "n_clicks"),
        State({"type": ids.PL_SEVERITY_TYPE, "category": ALL}, "value"),
        State({"type": ids.PL_SEVERITY_TYPE, "category": ALL}, "id"),
        State(ids.PL_KOMMUN, "value"),
        State(ids.PL_LEVEL, "value"),
        State(ids.PL_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def save_severity(
        _c: Any, values: Any, components: Any, kommun: Any, level: Any, refresh: Any
    ) -> tuple[Any, Any]:
        _viewer, selection = scope(kommun, level)
        chosen: dict[str, float] = {}
        for value, component in zip(values or [], components or [], strict=False):
            code = component.get("category") if isinstance(component, dict) else None
            if not isinstance(code, str) or not CODE.fullmatch(code):
                raise BadSelection("okänd kategori")
            number = as_number(value)
            if number is None:
                return report_items([_("Allvarlighet anges 0–10.")], ok=False), no_update
            chosen[code] = number
        try:
            with unit_of_work(app_state().sessions) as session:
                set_severity(session, selection.kommun_code, chosen)
        except PlanError as error:
            return report_items(list(error.errors.values()), ok=False), no_update
        return report_items([_("Allvarligheten är sparad; prognosen räknas om.")], ok=True), bump(
            refresh
        )
