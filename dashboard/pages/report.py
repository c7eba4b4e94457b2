"""Rapportera: a group-level observation from a school, unit, youth centre or police."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard import ids
from dashboard.auth import SessionUser, require_role
from dashboard.components import denied
from dashboard.state import db_session, today
from data.access.scope import AccessDenied
from data.areas.listing import reportable_areas
from data.counts.options import category_options, source_options
from data.vocabulary import AGE_BANDS, GROUP_SIZE_BANDS

PATH = "/rapportera"
NAME = "Rapportera"
ROLES = ("reporter", "police_area", "coordinator")


def _field(label: str, field: str, control: Any) -> html.Div:
    return html.Div(
        [
            html.Label(label, htmlFor=control.id),
            control,
            html.Div(id=ids.report_error(field), className="field-error", role="alert"),
        ]
    )


def area_options(user: SessionUser) -> list[dict[str, str]]:
    """Dropdown options of the areas ``user`` may report in: their kommun's
    neighbourhoods, for a police area coordinator only the assigned ones."""
    return [
        {"label": f"{name} ({code})", "value": code}
        for code, name in reportable_areas(db_session(), user.kommun_code, user.area_codes)
    ]


def layout(**_query: Any) -> html.Div:
    """The report form; only reporting roles, checked server-side."""
    try:
        user = require_role(*ROLES)
    except AccessDenied:
        return denied("Din roll kan inte rapportera observationer.")
    session = db_session()
    fixed_source = user.source_code if user.role == "reporter" else None
    form = html.Div(
        [
            html.H2("Rapportera en observation"),
            html.P(
                "Bara gruppnivå: skriv aldrig namn, personnummer, telefonnummer, e-post "
                "eller hemadresser. Sådant stoppas och sparas inte.",
                className="notice",
            ),
            _field(
                "Datum",
                "datum",
                dcc.DatePickerSingle(
                    id=ids.REPORT_DATE,
                    date=today().isoformat(),
                    max_date_allowed=today().isoformat(),
                    display_format="YYYY-MM-DD",
                    first_day_of_week=1,
                ),
            ),
            _field(
                "Tid på dygnet",
                "tid",
                dcc.RadioItems(
                    id=ids.REPORT_BAND,
                    options=[
                        {"label": "Dag (06–18)", "value": "dag"},
                        {"label": "Kväll (18–22)", "value": "kväll"},
                        {"label": "Natt (22–06)", "value": "natt"},
                    ],
                    value="kväll",
                    className="radio",
                ),
            ),
            html.P(
                "En natt räknas till datumet då den började: något som hände kl. 02 "
                "natten mot 1 maj rapporteras som 30 april, natt.",
                className="hint",
            ),
            _field(
                "Område",
                "omrade",
                dcc.Dropdown(
                    id=ids.REPORT_AREA, options=area_options(user), placeholder="Välj område"
                ),
            ),
            _field(
                "Kategori",
                "kategori",
                dcc.Dropdown(
                    id=ids.REPORT_CATEGORY,
                    options=[
                        {"label": label, "value": code} for code, label in category_options(session)
                    ],
                    placeholder="Välj kategori",
                ),
            ),
            _field(
                "Källa",
                "kalla",
                dcc.Dropdown(
                    id=ids.REPORT_SOURCE,
                    options=[
                        {"label": label, "value": code} for code, label in source_options(session)
                    ],
                    value=fixed_source or user.source_code,
                    disabled=fixed_source is not None,
                    clearable=False,
                ),
            ),
            _field(
                "Antal händelser",
                "antal",
                dcc.Input(id=ids.REPORT_COUNT, type="number", value=1),
            ),
            _field(
                "Gruppstorlek (valfritt)",
                "gruppstorlek",
                dcc.Dropdown(
                    id=ids.REPORT_GROUP,
                    options=[{"label": b, "value": b} for b in GROUP_SIZE_BANDS],
                ),
            ),
            _field(
                "Ålder (valfritt)",
                "alder",
                dcc.Dropdown(
                    id=ids.REPORT_AGE, options=[{"label": b, "value": b} for b in AGE_BANDS]
                ),
            ),
            _field(
                "Kort anteckning (valfritt, högst 280 tecken)",
                "anteckning",
                dcc.Textarea(id=ids.REPORT_NOTE, maxLength=280, value="", style={"width": "100%"}),
            ),
            html.Button("Skicka rapport", id=ids.REPORT_SUBMIT, n_clicks=0, className="primary"),
            html.Div(id=ids.REPORT_RESULT, role="status"),
        ],
        className="card filters report-form",
    )
    return html.Div(form, className="page")
