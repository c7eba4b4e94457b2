"""Nattvandring: the compact walk report of a nattvandring group (group level only).

Phone first like Rapportera: the rows of "Vad såg ni?" stack their three fields on a
small screen, each with its visible label; what is typed is kept in the browser until
the report is saved, and the one-time key makes a double click save one walk.
"""

from __future__ import annotations

from typing import Any, Final

from dash import dcc, html

from dashboard import ids
from dashboard.auth import require_role
from dashboard.components import denied, help_box
from dashboard.i18n import N_, _
from dashboard.pages.report import area_options, attrs, draft, form_field, new_nonce
from dashboard.state import db_session
from dashboard.state import today as clock_today
from data.access.scope import AccessDenied
from data.counts.options import category_options

PATH = "/nattvandring"
NAME = "Nattvandring"
ROLES = ("reporter", "police_area", "coordinator")
DEFAULT_START = "20:00"
DEFAULT_END = "00:30"
LABELS: Final = {
    "datum": N_("Datum (då ni började gå)"),
    "planerad": N_("Planerad vandring (er förenings pass den dagen, om ni gick enligt schemat)"),
    "omraden": N_("Områden ni gick i"),
    "start": N_("Start (TT:MM)"),
    "slut": N_("Slut (TT:MM; före starttiden betyder nästa dag)"),
    "vandrare": N_("Antal vuxna som gick"),
    "stamning": N_("Hur kändes det?"),
    "sett": N_("Vad såg ni?"),
    "anteckning": N_("Kort anteckning (valfritt, högst 280 tecken)"),
}
"""Each field's visible label (also the summary's name of the field), Swedish; shown
translated (``_(LABELS[field])``)."""
LIVE: Final = attrs(aria_live="polite")
SEEN_PARTS: Final = (("category", N_("Kategori")), ("area", N_("Område")), ("count", N_("Antal")))


def row_label(row: int) -> str:
    """The summary's name of row ``row`` of "Vad såg ni?" (in the reader's language)."""
    return _("Vad såg ni?, rad %(row)s", row=row)


def _field(field: str, control: Any) -> html.Div:
    return form_field(
        field,
        _(LABELS[field]),
        control,
        box=ids.walk_field(field),
        label_id=ids.walk_label(field),
        error=ids.walk_error(field),
    )


def _seen_cell(row: int, part: str, label: str, control: Any) -> html.Div:
    return html.Div(
        [
            html.Label(_(label), htmlFor=control.id, id=ids.walk_label(f"sett-{row}-{part}")),
            control,
        ],
        className="seen-cell",
    )


def _seen_row(row: int, categories: list[dict[str, str]], keep: dict[str, Any]) -> html.Div:
    controls = {
        "category": dcc.Dropdown(
            id=ids.walk_seen(row, "category"), options=categories, placeholder=_("Välj"), **keep
        ),
        "area": dcc.Dropdown(
            id=ids.walk_seen(row, "area"),
            options=[],
            placeholder=_("Välj bland områdena ovan"),
            **keep,
        ),
        # No min/max: the browser would send an out-of-range number as empty (counted
        # as 1); the server checks the range and says so.
        "count": dcc.Input(
            id=ids.walk_seen(row, "count"), type="number", inputMode="numeric", **keep
        ),
    }
    return html.Div(
        [
            html.Div(
                _("Rad %(row)s", row=row), className="seen-row-title", **attrs(aria_hidden="true")
            ),
            html.Div(
                [_seen_cell(row, part, label, controls[part]) for part, label in SEEN_PARTS],
                className="walk-seen-row",
                role="group",
                **attrs(aria_label=_("Rad %(row)s", row=row)),
            ),
            html.Div(id=ids.walk_error(f"sett-{row}"), className="field-error", **LIVE),
        ],
        id=ids.walk_field(f"sett-{row}"),
        className="form-field seen-row",
        **attrs(data_field=f"sett-{row}"),
    )


def what_to_report() -> html.Details:
    """Help in place: what a walk report holds, and what never."""
    return help_box(
        _("Vad rapporterar vi?"),
        _(
            "När och var ni gick, hur många vuxna ni var och hur det kändes. Under \u201dVad "
            "såg ni?\u201d en rad per sak ni såg: kategori, område och ungefär hur många "
            "händelser. Raderna blir observationer med källan Nattvandring i lägesbilden."
        ),
        _(
            "Bara gruppnivå: skriv aldrig namn, personnummer, telefonnummer, e-post eller "
            "hemadresser. Sådant stoppas och sparas inte."
        ),
        _(
            "Det ni skriver sparas i den här webbläsaren tills rapporten är skickad. "
            "Tidigare rapporter finns under Mina rapporter."
        ),
    )


def layout(**_query: Any) -> html.Div:
    """The walk report form; only reporting roles, checked server-side."""
    try:
        user = require_role(*ROLES)
    except AccessDenied:
        return denied(_("Din roll kan inte rapportera nattvandringar."))
    categories = [
        {"label": _(label), "value": code} for code, label in category_options(db_session())
    ]
    today = clock_today().isoformat()
    keep = draft(user)
    form = html.Div(
        [
            html.H2(_("Rapportera en nattvandring")),
            what_to_report(),
            html.Div(id=ids.WALK_RESULT, role="status", tabIndex="-1", className="form-result"),
            dcc.Store(id=ids.WALK_NONCE, data=new_nonce()),
            _field(
                "datum",
                dcc.DatePickerSingle(
                    id=ids.WALK_DATE,
                    date=today,
                    max_date_allowed=today,
                    display_format="YYYY-MM-DD",
                    first_day_of_week=1,
                    **keep,
                ),
            ),
            _field(
                "planerad",
                dcc.Dropdown(id=ids.WALK_PLANNED, options=[], placeholder=_("Ingen vald")),
            ),
            _field(
                "omraden",
                dcc.Dropdown(
                    id=ids.WALK_AREAS,
                    options=area_options(user),
                    multi=True,
                    placeholder=_("Välj ett eller flera områden"),
                    **keep,
                ),
            ),
            html.Div(
                [
                    _field(
                        "start",
                        dcc.Input(
                            id=ids.WALK_START, type="text", value=DEFAULT_START, maxLength=5, **keep
                        ),
                    ),
                    _field(
                        "slut",
                        dcc.Input(
                            id=ids.WALK_END, type="text", value=DEFAULT_END, maxLength=5, **keep
                        ),
                    ),
                ],
                className="form-pair",
            ),
            _field(
                "vandrare",
                dcc.Input(id=ids.WALK_WALKERS, type="number", inputMode="numeric", **keep),
            ),
            _field(
                "stamning",
                dcc.RadioItems(
                    id=ids.WALK_RATING,
                    options=[
                        {"label": _("Lugnt"), "value": "calm"},
                        {"label": _("Oroligt"), "value": "uneasy"},
                    ],
                    className="radio",
                    **keep,
                ),
            ),
            html.Fieldset(
                [
                    html.Legend(_("Vad såg ni?")),
                    html.P(
                        _(
                            "En rad per sak ni såg (lämna tomt om inget särskilt). Gick ni i "
                            "ett enda område behöver raden inget område; tomt antal räknas "
                            "som 1."
                        ),
                        className="hint",
                    ),
                    *(_seen_row(row, categories, keep) for row in range(1, ids.WALK_SEEN_ROWS + 1)),
                    html.Div(id=ids.walk_error("sett"), className="field-error", **LIVE),
                ],
                className="walk-seen",
                id=ids.walk_field("sett"),
            ),
            _field(
                "anteckning",
                dcc.Textarea(id=ids.WALK_NOTE, maxLength=280, value="", **keep),
            ),
            html.Button(
                _("Skicka nattvandring"), id=ids.WALK_SUBMIT, n_clicks=0, className="primary"
            ),
        ],
        className="card filters report-form",
        **attrs(data_draft="wk-"),
    )
    return html.Div(form, className="page")
