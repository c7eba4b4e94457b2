"""Rapportera: a group-level observation from a school, unit, youth centre or police.

Phone first: one column of large fields, each with its visible label, its message
next to it and the summary at the top. What is typed is kept in the browser (Dash
persistence, per user) until the report is saved, so a reload or a lost connection
loses nothing; the form's one-time key makes a double click save one report.
"""

from __future__ import annotations

import uuid
from typing import Any, Final

from dash import dcc, html

from dashboard import ids
from dashboard.auth import SessionUser, require_role
from dashboard.components import denied, help_box
from dashboard.i18n import N_, _
from dashboard.state import db_session, today
from data.access.scope import AccessDenied
from data.areas.listing import reportable_areas
from data.counts.options import category_options, source_options
from data.ingest.observation_rows import IMPORT_ONLY_SOURCES
from data.vocabulary import AGE_BANDS, GROUP_SIZE_BANDS

PATH = "/rapportera"
NAME = "Rapportera"
ROLES = ("reporter", "police_area", "coordinator")
LABELS: Final = {
    "datum": N_("Datum"),
    "tid": N_("Tid på dygnet"),
    "omrade": N_("Område"),
    "kategori": N_("Kategori"),
    "kalla": N_("Källa"),
    "antal": N_("Antal händelser"),
    "gruppstorlek": N_("Gruppstorlek (valfritt)"),
    "alder": N_("Ålder (valfritt)"),
    "anteckning": N_("Kort anteckning (valfritt, högst 280 tecken)"),
}
"""Each field's visible label (also the summary's name of the field), Swedish; shown
translated (``_(LABELS[field])``)."""
DEFAULT_BAND: Final = "kväll"
DEFAULT_COUNT: Final = 1


def attrs(**pairs: str) -> dict[str, Any]:
    """HTML attributes with dashes (``aria_live`` → ``aria-live``) for a component."""
    return {name.replace("_", "-"): value for name, value in pairs.items()}


def new_nonce() -> str:
    """A fresh one-time key for a form (32 hex digits)."""
    return uuid.uuid4().hex


def draft(user: SessionUser) -> dict[str, Any]:
    """Persistence of a form's inputs: kept in the browser per user until saved."""
    return {"persistence": f"utkast-{user.id}", "persistence_type": "local"}


def form_field(
    field: str, label: str, control: Any, *, box: str, label_id: str, error: str
) -> html.Div:
    """A field's box: the visible label (tied to the control by the page script where
    ``htmlFor`` cannot reach it), the control and its message."""
    return html.Div(
        [
            html.Label(label, htmlFor=control.id, id=label_id),
            control,
            html.Div(id=error, className="field-error", **attrs(aria_live="polite")),
        ],
        id=box,
        className="form-field",
        **attrs(data_field=field),
    )


def _field(field: str, control: Any) -> html.Div:
    return form_field(
        field,
        _(LABELS[field]),
        control,
        box=ids.report_field(field),
        label_id=ids.report_label(field),
        error=ids.report_error(field),
    )


def area_options(user: SessionUser) -> list[dict[str, str]]:
    """Dropdown options of the areas ``user`` may report in, in natural order: their
    kommun's neighbourhoods, for a police area coordinator only the assigned ones."""
    return [
        {"label": f"{name} ({code})", "value": code}
        for code, name in reportable_areas(db_session(), user.kommun_code, user.area_codes)
    ]


def form_sources(user: SessionUser) -> list[dict[str, str]]:
    """The sources the form offers: never an import-only one (polisen.se)."""
    return [
        {"label": _(label), "value": code}
        for code, label in source_options(db_session())
        if code not in IMPORT_ONLY_SOURCES
    ]


def what_to_report() -> html.Details:
    """Help in place: what is reported, and what never."""
    return help_box(
        _("Vad rapporterar jag?"),
        _(
            "Det du eller din verksamhet har sett i ett område: vad (kategori), var, när och "
            "ungefär hur många händelser. Det är uppgifter på gruppnivå som syns i lägesbilden "
            "som skyddade tal."
        ),
        _(
            "Skriv aldrig namn, personnummer, telefonnummer, e-post eller hemadresser, inte "
            "heller i anteckningen. Sådant stoppas och sparas inte."
        ),
        _(
            "Det du skriver sparas i den här webbläsaren tills rapporten är skickad. Dina "
            "tidigare rapporter finns under Mina rapporter."
        ),
    )


def layout(**_query: Any) -> html.Div:
    """The report form; only reporting roles, checked server-side."""
    try:
        user = require_role(*ROLES)
    except AccessDenied:
        return denied(_("Din roll kan inte rapportera observationer."))
    session = db_session()
    fixed_source = user.source_code if user.role == "reporter" else None
    keep = draft(user)
    form = html.Div(
        [
            html.H2(_("Rapportera en observation")),
            what_to_report(),
            html.Div(id=ids.REPORT_RESULT, role="status", tabIndex="-1", className="form-result"),
            dcc.Store(id=ids.REPORT_NONCE, data=new_nonce()),
            _field(
                "datum",
                dcc.DatePickerSingle(
                    id=ids.REPORT_DATE,
                    date=today().isoformat(),
                    max_date_allowed=today().isoformat(),
                    display_format="YYYY-MM-DD",
                    first_day_of_week=1,
                    **keep,
                ),
            ),
            _field(
                "tid",
                dcc.RadioItems(
                    id=ids.REPORT_BAND,
                    options=[
                        {"label": _("Dag (06–18)"), "value": "dag"},
                        {"label": _("Kväll (18–22)"), "value": "kväll"},
                        {"label": _("Natt (22–06)"), "value": "natt"},
                    ],
                    value=DEFAULT_BAND,
                    className="radio",
                    **keep,
                ),
            ),
            html.P(
                _(
                    "En natt räknas till datumet då den började: något som hände kl. 02 "
                    "natten mot 1 maj rapporteras som 30 april, natt."
                ),
                className="hint",
            ),
            _field(
                "omrade",
                dcc.Dropdown(
                    id=ids.REPORT_AREA,
                    options=area_options(user),
                    placeholder=_("Välj område"),
                    **keep,
                ),
            ),
            _field(
                "kategori",
                dcc.Dropdown(
                    id=ids.REPORT_CATEGORY,
                    options=[
                        {"label": _(label), "value": code}
                        for code, label in category_options(session)
                    ],
                    placeholder=_("Välj kategori"),
                    **keep,
                ),
            ),
            _field(
                "kalla",
                dcc.Dropdown(
                    id=ids.REPORT_SOURCE,
                    options=form_sources(user),
                    value=fixed_source or user.source_code,
                    disabled=fixed_source is not None,
                    clearable=False,
                    placeholder=_("Välj källa"),
                    **keep,
                ),
            ),
            _field(
                "antal",
                dcc.Input(
                    id=ids.REPORT_COUNT,
                    type="number",
                    value=DEFAULT_COUNT,
                    inputMode="numeric",
                    **keep,
                ),
            ),
            _field(
                "gruppstorlek",
                dcc.Dropdown(
                    id=ids.REPORT_GROUP,
                    options=[{"label": b, "value": b} for b in GROUP_SIZE_BANDS],
                    placeholder=_("Ingen vald"),
                    **keep,
                ),
            ),
            _field(
                "alder",
                dcc.Dropdown(
                    id=ids.REPORT_AGE,
                    options=[{"label": b, "value": b} for b in AGE_BANDS],
                    placeholder=_("Ingen vald"),
                    **keep,
                ),
            ),
            _field(
                "anteckning",
                dcc.Textarea(id=ids.REPORT_NOTE, maxLength=280, value="", **keep),
            ),
            html.Button(_("Skicka rapport"), id=ids.REPORT_SUBMIT, n_clicks=0, className="primary"),
        ],
        className="card filters report-form",
        **attrs(data_draft="rp-"),
    )
    return html.Div(form, className="page")
