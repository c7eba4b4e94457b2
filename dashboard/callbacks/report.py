"""The report form's submit: validate with the form's messages, store once, confirm, clear.

The button is disabled while the request runs (``running``) and the form's one-time
key (a ``dcc.Store``) is renewed after each save, so a double click or a resent
request saves one report ("Redan sparad"). After a save the fields go back to their
starting values; the page script also forgets the browser's draft then.
"""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, html

from dashboard import ids
from dashboard.auth import SessionUser, require_role
from dashboard.callbacks.inputs import as_text
from dashboard.callbacks.submit import FormOutcome, refused_form, save_once
from dashboard.i18n import N_, _
from dashboard.pages.report import DEFAULT_BAND, DEFAULT_COUNT, LABELS, ROLES, new_nonce
from dashboard.state import app_state, today
from data.ingest.observation_rows import validate_observation, vocabulary_lookup
from data.ingest.observation_store import IMPORT_ONLY, form_key, store_observation

FAILED = N_("Rapporten sparades inte")
STALE = N_("Rapporten sparades inte: formuläret är för gammalt. Ladda om sidan och skicka igen.")
FIELDS = ids.REPORT_FIELDS
VALUES = {
    "datum": (ids.REPORT_DATE, "date"),
    "tid": (ids.REPORT_BAND, "value"),
    "omrade": (ids.REPORT_AREA, "value"),
    "kategori": (ids.REPORT_CATEGORY, "value"),
    "kalla": (ids.REPORT_SOURCE, "value"),
    "antal": (ids.REPORT_COUNT, "value"),
    "gruppstorlek": (ids.REPORT_GROUP, "value"),
    "alder": (ids.REPORT_AGE, "value"),
    "anteckning": (ids.REPORT_NOTE, "value"),
}
CLEARED = ("datum", "tid", "omrade", "kategori", "antal", "gruppstorlek", "alder", "anteckning")
"""The fields a save empties (the source stays: the next report is likely the same)."""


def _cleared() -> dict[str, Any]:
    start = {"datum": today().isoformat(), "tid": DEFAULT_BAND, "antal": DEFAULT_COUNT}
    return {f: start.get(f, "" if f == "anteckning" else None) for f in CLEARED}


def answer(outcome: FormOutcome) -> dict[str, Any]:
    """The callback's outputs for ``outcome`` (values cleared and a new key after a save)."""
    return outcome.outputs(messages=FIELDS, boxes=FIELDS, cleared=_cleared, new_key=new_nonce)


def _store(user: SessionUser, row: dict[str, object], key: str) -> FormOutcome:
    confirmation = html.Div(
        _("Tack! Rapporten är sparad och syns i lägesbilden. Du hittar den under Mina rapporter."),
        className="report-ok",
        id=ids.REPORT_SAVED,
    )
    return save_once(
        lambda session: store_observation(
            session,
            row,
            user_id=user.id,
            kommun_code=user.kommun_code,
            area_codes=user.area_codes if user.role == "police_area" else None,
            key=key,
        ),
        confirmation=confirmation,
        fields=FIELDS,
        failed=_(FAILED),
        field_of=lambda error: "kalla" if str(error) == IMPORT_ONLY else "omrade",
        labels=LABELS,
    )


def submit(user: SessionUser, text: dict[str, str], nonce: Any) -> FormOutcome:
    """Check the form's text with the form's messages and store it once per key."""
    if user.role == "reporter" and user.source_code:
        text["kalla"] = user.source_code  # reporters report for their own organisation
    key = form_key(user.id, nonce)
    if key is None:
        return FormOutcome(html.Div(_(STALE), className="report-error"), {})
    with app_state().sessions() as session:
        categories, sources = vocabulary_lookup(session)
    row, problems = validate_observation(
        text, categories=categories, sources=sources, today=today(), count_required=True, form=True
    )
    if row is None:
        return refused_form(_(FAILED), FIELDS, dict(problems), LABELS)
    return _store(user, row, key)


def register(app: Dash) -> None:
    """Register the report form callback on ``app``."""

    @app.callback(
        output={
            "result": Output(ids.REPORT_RESULT, "children"),
            "errors": [Output(ids.report_error(f), "children") for f in FIELDS],
            "classes": [Output(ids.report_field(f), "className") for f in FIELDS],
            "values": {f: Output(*VALUES[f]) for f in CLEARED},
            "nonce": Output(ids.REPORT_NONCE, "data"),
        },
        inputs={
            "_clicks": Input(ids.REPORT_SUBMIT, "n_clicks"),
            "values": {f: State(*VALUES[f]) for f in FIELDS},
            "nonce": State(ids.REPORT_NONCE, "data"),
        },
        running=[(Output(ids.REPORT_SUBMIT, "disabled"), True, False)],
        prevent_initial_call=True,
    )
    def submit_report(_clicks: Any, values: dict[str, Any], nonce: Any) -> dict[str, Any]:
        user = require_role(*ROLES)
        text = {f: as_text(values.get(f)) for f in FIELDS}
        return answer(submit(user, text, nonce))
