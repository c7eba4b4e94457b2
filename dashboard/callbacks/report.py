"""The report form's submit: validate like the CSV import, store, confirm."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, html

from dashboard import ids
from dashboard.auth import require_role
from dashboard.callbacks.inputs import as_text
from dashboard.callbacks.submit import form_refused, submit_form
from dashboard.pages.report import ROLES
from dashboard.state import app_state, today
from data.ingest.observation_rows import validate_observation, vocabulary_lookup
from data.ingest.observation_store import store_observation

FAILED = "Rapporten sparades inte"


def register(app: Dash) -> None:
    """Register the report form callback on ``app``."""

    @app.callback(
        Output(ids.REPORT_RESULT, "children"),
        *(Output(ids.report_error(f), "children") for f in ids.REPORT_FIELDS),
        Input(ids.REPORT_SUBMIT, "n_clicks"),
        State(ids.REPORT_DATE, "date"),
        State(ids.REPORT_BAND, "value"),
        State(ids.REPORT_AREA, "value"),
        State(ids.REPORT_CATEGORY, "value"),
        State(ids.REPORT_SOURCE, "value"),
        State(ids.REPORT_COUNT, "value"),
        State(ids.REPORT_GROUP, "value"),
        State(ids.REPORT_AGE, "value"),
        State(ids.REPORT_NOTE, "value"),
        prevent_initial_call=True,
    )
    def submit_report(_clicks: Any, *values: Any) -> tuple[Any, ...]:
        user = require_role(*ROLES)
        text = dict(zip(ids.REPORT_FIELDS, (as_text(v) for v in values), strict=True))
        if user.role == "reporter" and user.source_code:
            text["kalla"] = user.source_code  # reporters report for their own organisation
        with app_state().sessions() as session:
            categories, sources = vocabulary_lookup(session)
        row, problems = validate_observation(
            text, categories=categories, sources=sources, today=today(), count_required=True
        )
        if row is None:
            return form_refused(FAILED, ids.REPORT_FIELDS, dict(problems))
        confirmation = html.Div(
            "Tack! Rapporten är sparad och syns i lägesbilden.",
            className="report-ok",
            id=ids.REPORT_SAVED,
        )
        return submit_form(
            lambda session: store_observation(
                session,
                row,
                user_id=user.id,
                kommun_code=user.kommun_code,
                area_codes=user.area_codes if user.role == "police_area" else None,
            ),
            confirmation=confirmation,
            fields=ids.REPORT_FIELDS,
            failed=FAILED,
            field_of=lambda _error: "omrade",
        )
