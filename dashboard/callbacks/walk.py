"""The walk report form: offer the walked areas per row; validate, store, confirm."""

from __future__ import annotations

from datetime import date
from typing import Any

from dash import Dash, Input, Output, State, html

from dashboard import ids
from dashboard.auth import require_role
from dashboard.callbacks.inputs import as_text, as_texts
from dashboard.callbacks.submit import form_refused, submit_form
from dashboard.pages.walk import ROLES
from dashboard.state import app_state, today
from data.ingest.observation_rows import vocabulary_lookup
from data.ingest.walks import FIELDS, Walk, store_walk, validate_walk
from data.planning.walk_links import NOT_THAT_NIGHT, LinkRefused, linkable_walks

FAILED = "Nattvandringen sparades inte"
ROWS = range(1, ids.WALK_SEEN_ROWS + 1)
PLANNED_FIELD = "planerad"
"""The planned walk's field: refusals to link the report show there."""
ERROR_FIELDS = (*FIELDS, PLANNED_FIELD, *(f"sett-{row}" for row in ROWS))


def chosen_area_options(chosen: Any, options: Any) -> list[dict[str, str]]:
    """The options of the areas chosen for the walk (malformed input offers none)."""
    codes = set(as_texts(chosen))
    if not isinstance(options, list):
        return []
    return [
        {"label": o["label"], "value": o["value"]}
        for o in options
        if isinstance(o, dict)
        and isinstance(o.get("label"), str)
        and isinstance(o.get("value"), str)
        and o["value"] in codes
    ]


def _confirmation(walk: Walk, *, planned: bool) -> html.Div:
    seen_rows, areas = len(walk.seen), len(walk.area_codes)
    incidents = sum(s.count for s in walk.seen)
    where = "1 område" if areas == 1 else f"{areas} områden"
    what = (
        "inget särskilt sett"
        if seen_rows == 0
        else f"{incidents} {'händelse' if incidents == 1 else 'händelser'} "
        "som nu syns i lägesbilden (källa Nattvandring)"
    )
    then = (
        " Den planerade vandringen visas som rapporterad; samordnaren bekräftar den "
        "innan den ger ersättning."
        if planned
        else ""
    )
    return html.Div(
        f"Tack! Nattvandringen är rapporterad: {where}, {what}.{then}",
        className="report-ok",
        id=ids.WALK_SAVED,
    )


def _planned_id(value: Any) -> int | None:
    """The chosen planned walk's id (the server checks it belongs to the day)."""
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise LinkRefused(NOT_THAT_NIGHT)
    return value


def _field_of(error: PermissionError) -> str:
    """The form field a refusal of the data layer belongs to."""
    return error.field if isinstance(error, LinkRefused) else "omraden"


def register(app: Dash) -> None:
    """Register the walk form's callbacks on ``app``."""

    @app.callback(
        *(Output(ids.walk_seen(row, "area"), "options") for row in ROWS),
        Input(ids.WALK_AREAS, "value"),
        State(ids.WALK_AREAS, "options"),
    )
    def offer_walked_areas(chosen: Any, options: Any) -> tuple[list[dict[str, str]], ...]:
        require_role(*ROLES)
        offered = chosen_area_options(chosen, options)
        return tuple(offered for _ in ROWS)

    @app.callback(
        Output(ids.WALK_PLANNED, "options"),
        Input(ids.WALK_DATE, "date"),
    )
    def offer_planned_walks(walked_on: Any) -> list[dict[str, Any]]:
        """The chosen day's planned walks the user may report (their association's, in
        their areas; the coordinator: all of the kommun). Checked again on submit."""
        user = require_role(*ROLES)
        try:
            day = date.fromisoformat(as_text(walked_on)[:10])
        except ValueError:
            return []
        with app_state().sessions() as session:
            walks = linkable_walks(session, user.id, day)
        return [{"label": label, "value": walk_id} for walk_id, label in walks]

    @app.callback(
        Output(ids.WALK_RESULT, "children"),
        *(Output(ids.walk_error(field), "children") for field in ERROR_FIELDS),
        Input(ids.WALK_SUBMIT, "n_clicks"),
        State(ids.WALK_DATE, "date"),
        State(ids.WALK_AREAS, "value"),
        State(ids.WALK_START, "value"),
        State(ids.WALK_END, "value"),
        State(ids.WALK_WALKERS, "value"),
        State(ids.WALK_RATING, "value"),
        State(ids.WALK_NOTE, "value"),
        State(ids.WALK_PLANNED, "value"),
        *(
            State(ids.walk_seen(row, part), "value")
            for row in ROWS
            for part in ("category", "area", "count")
        ),
        prevent_initial_call=True,
    )
    def submit_walk(
        _clicks: Any,
        walked_on: Any,
        areas: Any,
        start: Any,
        end: Any,
        walkers: Any,
        rating: Any,
        note: Any,
        planned: Any,
        *seen: Any,
    ) -> tuple[Any, ...]:
        user = require_role(*ROLES)
        with app_state().sessions() as session:
            categories, _sources = vocabulary_lookup(session)
        cells = [as_text(v) for v in seen]
        walk, problems = validate_walk(
            walked_on=as_text(walked_on),
            areas=as_texts(areas),
            start=as_text(start),
            end=as_text(end),
            walkers=as_text(walkers),
            rating=as_text(rating),
            seen=[cells[i : i + 3] for i in range(0, len(cells), 3)],
            note=as_text(note),
            categories=categories,
            today=today(),
        )
        if walk is None:
            return form_refused(FAILED, ERROR_FIELDS, problems)
        return submit_form(
            lambda session: store_walk(
                session,
                walk,
                user_id=user.id,
                kommun_code=user.kommun_code,
                area_codes=user.area_codes if user.role == "police_area" else None,
                planned_walk_id=_planned_id(planned),  # refused inside the unit of work
            ),
            confirmation=_confirmation(walk, planned=planned not in (None, "")),
            fields=ERROR_FIELDS,
            failed=FAILED,
            field_of=_field_of,
        )
