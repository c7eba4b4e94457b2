"""The walk report form: offer the walked areas per row; validate, store, confirm."""

from __future__ import annotations

from datetime import date
from typing import Any

from dash import Dash, Input, Output, State, html

from dashboard import ids
from dashboard.auth import SessionUser, require_role
from dashboard.callbacks.inputs import as_text, as_texts
from dashboard.callbacks.submit import FormOutcome, refused_form, save_once
from dashboard.i18n import N_, _, ngettext
from dashboard.pages.report import new_nonce
from dashboard.pages.walk import DEFAULT_END, DEFAULT_START, LABELS, ROLES, row_label
from dashboard.state import app_state, today
from data.ingest.observation_rows import vocabulary_lookup
from data.ingest.observation_store import form_key
from data.ingest.walks import FIELDS, Walk, store_walk, validate_walk
from data.planning.walk_links import NOT_THAT_NIGHT, LinkRefused, linkable_walks

FAILED = N_("Nattvandringen sparades inte")
ROWS = range(1, ids.WALK_SEEN_ROWS + 1)
PLANNED_FIELD = "planerad"
"""The planned walk's field: refusals to link the report show there."""
ERROR_FIELDS = (*FIELDS, PLANNED_FIELD, *(f"sett-{row}" for row in ROWS))
BOXES = tuple(f for f in ERROR_FIELDS if f != "sett")
"""The fields whose box is marked when refused ("sett" is the whole fieldset)."""
STALE = N_(
    "Nattvandringen sparades inte: formuläret är för gammalt. Ladda om sidan och skicka igen."
)
VALUES = {
    "datum": (ids.WALK_DATE, "date"),
    "omraden": (ids.WALK_AREAS, "value"),
    "start": (ids.WALK_START, "value"),
    "slut": (ids.WALK_END, "value"),
    "vandrare": (ids.WALK_WALKERS, "value"),
    "stamning": (ids.WALK_RATING, "value"),
    "anteckning": (ids.WALK_NOTE, "value"),
    "planerad": (ids.WALK_PLANNED, "value"),
    **{
        f"{row}-{part}": (ids.walk_seen(row, part), "value")
        for row in ROWS
        for part in ("category", "area", "count")
    },
}
"""The form's values by key (the sightings as ``<row>-<part>``)."""
SEEN_PARTS = ("category", "area", "count")


def all_labels() -> dict[str, str]:
    """Every field's name in the summary, the rows of "Vad såg ni?" in the reader's
    language (built per request)."""
    return {**LABELS, **{f"sett-{row}": row_label(row) for row in ROWS}}


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
    where = ngettext("%(num)d område", "%(num)d områden", areas)
    what = (
        _("inget särskilt sett")
        if seen_rows == 0
        else ngettext(
            "%(num)d händelse som nu syns i lägesbilden (källa Nattvandring)",
            "%(num)d händelser som nu syns i lägesbilden (källa Nattvandring)",
            incidents,
        )
    )
    then = (
        _(
            " Den planerade vandringen visas som rapporterad; samordnaren bekräftar den "
            "innan den ger ersättning."
        )
        if planned
        else ""
    )
    return html.Div(
        _("Tack! Nattvandringen är rapporterad: %(where)s, %(what)s.", where=where, what=what)
        + then,
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


def _cleared() -> dict[str, Any]:
    start: dict[str, Any] = {
        "datum": today().isoformat(),
        "omraden": [],
        "start": DEFAULT_START,
        "slut": DEFAULT_END,
        "anteckning": "",
    }
    return {k: start.get(k) for k in VALUES}


def answer(outcome: FormOutcome) -> dict[str, Any]:
    """The callback's outputs for ``outcome`` (values cleared and a new key after a save)."""
    return outcome.outputs(messages=ERROR_FIELDS, boxes=BOXES, cleared=_cleared, new_key=new_nonce)


def submit(user: SessionUser, values: dict[str, Any], nonce: Any) -> FormOutcome:
    """Check the walk with the form's messages and store it once per one-time key."""
    key = form_key(user.id, nonce)
    if key is None:
        return FormOutcome(html.Div(_(STALE), className="report-error"), {})
    with app_state().sessions() as session:
        categories, _sources = vocabulary_lookup(session)
    walk, problems = validate_walk(
        walked_on=as_text(values.get("datum")),
        areas=as_texts(values.get("omraden")),
        start=as_text(values.get("start")),
        end=as_text(values.get("slut")),
        walkers=as_text(values.get("vandrare")),
        rating=as_text(values.get("stamning")),
        seen=[[as_text(values.get(f"{r}-{p}")) for p in SEEN_PARTS] for r in ROWS],
        note=as_text(values.get("anteckning")),
        categories=categories,
        today=today(),
    )
    if walk is None:
        return refused_form(_(FAILED), ERROR_FIELDS, problems, all_labels())
    planned = values.get("planerad")
    return save_once(
        lambda session: store_walk(
            session,
            walk,
            user_id=user.id,
            kommun_code=user.kommun_code,
            area_codes=user.area_codes if user.role == "police_area" else None,
            planned_walk_id=_planned_id(planned),  # refused inside the unit of work
            key=key,
        ),
        confirmation=_confirmation(walk, planned=planned not in (None, "")),
        fields=ERROR_FIELDS,
        failed=_(FAILED),
        field_of=_field_of,
        labels=all_labels(),
    )


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
        return tuple(offered for _row in ROWS)

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
        output={
            "result": Output(ids.WALK_RESULT, "children"),
            "errors": [Output(ids.walk_error(f), "children") for f in ERROR_FIELDS],
            "classes": [Output(ids.walk_field(f), "className") for f in BOXES],
            "values": {k: Output(*target) for k, target in VALUES.items()},
            "nonce": Output(ids.WALK_NONCE, "data"),
        },
        inputs={
            "_clicks": Input(ids.WALK_SUBMIT, "n_clicks"),
            "values": {k: State(*target) for k, target in VALUES.items()},
            "nonce": State(ids.WALK_NONCE, "data"),
        },
        running=[(Output(ids.WALK_SUBMIT, "disabled"), True, False)],
        prevent_initial_call=True,
    )
    def submit_walk(_clicks: Any, values: dict[str, Any], nonce: Any) -> dict[str, Any]:
        user = require_role(*ROLES)
        return answer(submit(user, values, nonce))
