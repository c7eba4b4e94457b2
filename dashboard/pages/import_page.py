"""Importera: observations from a CSV or Excel file — map columns, check, then import."""

from __future__ import annotations

from typing import Any, Final

from dash import dcc, html
from flask import current_app

from dashboard import ids
from dashboard.auth import require_role
from dashboard.components import denied
from dashboard.i18n import N_, _
from dashboard.state import db_session
from dashboard.uploads import MB, upload_box
from data.access.scope import AccessDenied
from data.counts.options import category_options, source_options
from data.ingest.observations import COLUMNS, REQUIRED
from data.vocabulary import AGE_BANDS, GROUP_SIZE_BANDS

PATH = "/importera"
NAME = "Importera"
ROLES = ("coordinator",)
TEMPLATE_URL = "/importera/mall.csv"
SUFFIXES: Final = (".csv", ".txt", ".xlsx")
"""File types the page takes (``POST /upload/observations``)."""
PROGRESS_NAME: Final = N_("Kontroll eller import: förlopp")
"""The progress bar's accessible name (translated where it is shown)."""
COLUMN_LABELS: Final = {
    "datum": N_("Datum"),
    "tid": N_("Tid på dygnet (dag/kväll/natt)"),
    "omrade": N_("Område (kod)"),
    "kategori": N_("Kategori"),
    "kalla": N_("Källa"),
    "antal": N_("Antal händelser"),
    "gruppstorlek": N_("Gruppstorlek"),
    "alder": N_("Ålder"),
    "anteckning": N_("Anteckning"),
}
"""The fields' labels, Swedish (translated where shown). The template's column names
and its cell values (dag/kväll/natt, codes) are the file's and stay as they are."""


def _progress_name() -> dict[str, Any]:
    return {"aria-label": _(PROGRESS_NAME)}


def _vocabulary() -> html.Details:
    session = db_session()
    categories = ", ".join(f"{code} ({_(label)})" for code, label in category_options(session))
    sources = ", ".join(f"{code} ({_(label)})" for code, label in source_options(session))
    return html.Details(
        [
            html.Summary(_("Giltiga värden i mallens kolumner")),
            html.Ul(
                [
                    html.Li(_("datum: 2026-11-20, 20261120 eller 20/11/2026 (inte i framtiden)")),
                    html.Li(_("tid: dag, kväll eller natt (eller tomt)")),
                    html.Li(_("omrade: områdets kod, t.ex. 0380-D01 (se Översikt)")),
                    html.Li(_("kategori: kod eller namn – %(list)s", list=categories)),
                    html.Li(_("kalla: kod eller namn – %(list)s", list=sources)),
                    html.Li(_("antal: heltal, minst 1 (tomt = 1)")),
                    html.Li(
                        _("gruppstorlek: %(list)s (valfritt)", list=", ".join(GROUP_SIZE_BANDS))
                    ),
                    html.Li(_("alder: %(list)s (valfritt)", list=", ".join(AGE_BANDS))),
                    html.Li(
                        _(
                            "anteckning: högst 280 tecken, aldrig namn, personnummer, "
                            "telefonnummer, e-post eller adresser (valfritt)"
                        )
                    ),
                ]
            ),
        ],
        className="vocabulary",
    )


def _mapping_row(column: str) -> html.Div:
    required = column in REQUIRED
    return html.Div(
        [
            html.Label(
                _(COLUMN_LABELS[column]) + (" *" if required else ""),
                htmlFor=ids.import_map(column),
            ),
            dcc.Dropdown(
                id=ids.import_map(column),
                options=[],
                value=None,
                placeholder=_("Välj kolumn i filen") if required else _("(används inte)"),
            ),
        ],
        className="mapping-row",
    )


def layout(**_query: Any) -> html.Div:
    """The import page; only coordinators (checked server-side here and in every callback)."""
    try:
        require_role(*ROLES)
    except AccessDenied:
        return denied(_("Import av observationer är till för SSP-samordnare."))
    return html.Div(
        [
            html.Div(
                [
                    html.H2(_("Importera observationer")),
                    html.P(
                        [
                            _(
                                "Ladda upp en CSV- eller Excel-fil (.xlsx) med en rad per "
                                "observation. Utgå gärna från"
                            )
                            + " ",
                            html.A(_("mallen (CSV)"), href=TEMPLATE_URL, id=ids.IMPORT_TEMPLATE),
                            ". "
                            + _(
                                "Filen kontrolleras rad för rad innan något sparas, och "
                                "importen sparar alla rader eller ingen. Samma fil två gånger "
                                "ger inga dubbletter."
                            ),
                        ]
                    ),
                    html.P(
                        _(
                            "Bara gruppnivå: celler med personnummer, telefonnummer, e-post "
                            "eller adresser stoppar importen och sparas aldrig."
                        ),
                        className="notice",
                    ),
                    _vocabulary(),
                    upload_box(
                        ids.IMPORT_UPLOAD,
                        kind="observations",
                        store_id=ids.IMPORT_UPLOADED,
                        progress_id=ids.IMPORT_UPLOAD_PROGRESS,
                        text=[
                            _("Dra hit en fil eller") + " ",
                            html.A(_("välj fil")),
                            " " + _("(CSV eller .xlsx)"),
                        ],
                        accept=",".join(SUFFIXES),
                        limit=int(current_app.config["SSP_MAX_UPLOAD_MB"]) * MB,
                    ),
                    dcc.Store(id=ids.IMPORT_UPLOADED),
                    html.Div(id=ids.IMPORT_UPLOAD_INFO, role="status"),
                    dcc.Store(id=ids.IMPORT_TOKEN),
                    dcc.Store(id=ids.IMPORT_JOB),
                    dcc.Interval(id=ids.IMPORT_POLL, interval=500, disabled=True),
                ],
                className="card",
            ),
            html.Div(
                [
                    html.H3(_("1. Kolumner")),
                    html.P(
                        _(
                            "Välj vilken kolumn i filen som motsvarar varje fält. Kolumner med "
                            "mallens namn (eller engelska namn) väljs automatiskt. * = krävs."
                        )
                    ),
                    html.Div([_mapping_row(c) for c in COLUMNS], className="mapping"),
                    html.Button(
                        _("2. Kontrollera filen"),
                        id=ids.IMPORT_CHECK,
                        n_clicks=0,
                        className="primary",
                        disabled=True,
                    ),
                    html.Button(
                        _("3. Importera"),
                        id=ids.IMPORT_RUN,
                        n_clicks=0,
                        className="primary",
                        disabled=True,
                    ),
                    html.Div(
                        [
                            html.Progress(
                                id=ids.IMPORT_PROGRESS,
                                value="0",
                                max="100",
                                **_progress_name(),
                            ),
                            html.Span(id=ids.IMPORT_STEP, className="status"),
                        ],
                        className="progress-row",
                    ),
                    html.Div(id=ids.IMPORT_RESULT, role="status"),
                    html.Div(id=ids.IMPORT_PREVIEW),
                ],
                className="card",
                id=ids.IMPORT_MAPPING,
            ),
        ],
        className="page import-page",
    )
