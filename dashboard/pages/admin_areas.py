"""Områden (admin): import area layers and population, compose own areas."""

from __future__ import annotations

from typing import Any, Final

from dash import dcc, html
from flask import current_app

from dashboard import ids
from dashboard.auth import require_role
from dashboard.components import denied
from dashboard.formatting import format_number
from dashboard.i18n import _, term_label
from dashboard.state import db_session
from dashboard.uploads import MB, upload_box
from data.access.scope import AccessDenied
from data.areas.layers import IMPORT_LEVELS, LAYER_FORMATS
from data.areas.listing import area_summary, kommun_options
from data.vocabulary import AREA_LEVELS

PATH = "/admin/omraden"
NAME = "Områden"
ROLES = ("admin",)
LAYER_SUFFIXES: Final = tuple(LAYER_FORMATS)
"""Layer file types (``POST /upload/areas``)."""
POPULATION_SUFFIXES: Final = (".csv", ".txt")
MAX_POPULATION_BYTES: Final = 5 * MB
"""An SCB population table for every DeSO in Sweden is about 0.3 MB; this one is
read in the page's callback, so it stays small."""


def summary_table(rows: list[tuple[str, str, int, int]]) -> html.Table | html.P:
    """Areas per kommun and level, with how many have a 10–19 population."""
    if not rows:
        return html.P(_("Inga områden ännu."))
    body = [
        html.Tr(
            [
                html.Td(kommun),
                html.Td(term_label(AREA_LEVELS, level)),
                html.Td(format_number(n), className="num"),
                html.Td(format_number(with_population), className="num"),
            ]
        )
        for kommun, level, n, with_population in rows
    ]
    head = html.Thead(
        html.Tr(
            [
                html.Th(_("Kommun")),
                html.Th(_("Nivå")),
                html.Th(_("Områden"), className="num"),
                html.Th(_("Med befolkning 10–19"), className="num"),
            ]
        )
    )
    return html.Table([head, html.Tbody(body)], className="top", id=ids.AREA_SUMMARY_TABLE)


def _dropdown(component_id: str, placeholder: str) -> dcc.Dropdown:
    return dcc.Dropdown(id=component_id, options=[], value=None, placeholder=placeholder)


def layout(**_query: Any) -> html.Div:
    """The admin page; refuses everyone but administrators (checked server-side)."""
    try:
        require_role(*ROLES)
    except AccessDenied:
        return denied(_("Sidan är bara för administratörer."))
    session = db_session()
    layer_card = html.Div(
        [
            html.H2(_("Importera områdeslager")),
            html.P(
                _(
                    "DeSO, RegSO eller egna områden som GeoJSON, GeoPackage, zippad Shapefile "
                    "eller GeoParquet. Alla koordinatsystem med definition räknas om; allt "
                    "eller inget importeras."
                ),
                className="status",
            ),
            upload_box(
                ids.AREA_UPLOAD,
                kind="areas",
                store_id=ids.AREA_UPLOADED,
                progress_id=ids.AREA_UPLOAD_PROGRESS,
                text=_("Dra hit en fil eller klicka för att välja"),
                accept=",".join(LAYER_SUFFIXES),
                limit=int(current_app.config["SSP_MAX_LAYER_UPLOAD_MB"]) * MB,
            ),
            dcc.Store(id=ids.AREA_UPLOADED),
            html.Div(id=ids.AREA_UPLOAD_INFO, className="status"),
            dcc.Store(id=ids.AREA_UPLOAD_TOKEN),
            html.Div(
                [
                    html.Label(_("Nivå"), htmlFor=ids.AREA_LEVEL),
                    dcc.RadioItems(
                        id=ids.AREA_LEVEL,
                        options=[
                            {"label": term_label(AREA_LEVELS, lvl), "value": lvl}
                            for lvl in IMPORT_LEVELS
                        ],
                        value="deso",
                        className="radio",
                    ),
                    html.Label(_("Fält med kod"), htmlFor=ids.AREA_CODE_FIELD),
                    _dropdown(ids.AREA_CODE_FIELD, _("t.ex. deso")),
                    html.Label(_("Fält med namn"), htmlFor=ids.AREA_NAME_FIELD),
                    _dropdown(ids.AREA_NAME_FIELD, _("t.ex. namn")),
                    html.Label(
                        _("Fält med överordnad kod (valfritt)"), htmlFor=ids.AREA_PARENT_FIELD
                    ),
                    _dropdown(ids.AREA_PARENT_FIELD, _("t.ex. regso-kod")),
                    html.Label(
                        _(
                            "Fält med överordnat namn (valfritt: skapar saknade "
                            "överordnade områden)"
                        ),
                        htmlFor=ids.AREA_PARENT_NAME_FIELD,
                    ),
                    _dropdown(ids.AREA_PARENT_NAME_FIELD, _("t.ex. regso-namn")),
                    html.Label(
                        _("Koordinatsystem om filen saknar (valfritt)"), htmlFor=ids.AREA_CRS
                    ),
                    dcc.Input(id=ids.AREA_CRS, type="text", placeholder="EPSG:3006", value=""),
                ],
                className="filters",
            ),
            html.Button(_("Importera"), id=ids.AREA_IMPORT, n_clicks=0, className="primary"),
            html.Div(
                [
                    html.Progress(id=ids.AREA_PROGRESS, value="0", max="100"),
                    html.Span(id=ids.AREA_STEP, className="status"),
                ],
                className="progress-row",
            ),
            html.Ul(id=ids.AREA_REPORT),
            dcc.Store(id=ids.AREA_JOB),
            dcc.Interval(id=ids.AREA_POLL, interval=500, disabled=True),
        ],
        className="card",
    )
    population_card = html.Div(
        [
            html.H2(_("Befolkning 10–19 år")),
            html.P(
                _(
                    "CSV i SCB:s format: en kodkolumn (t.ex. regso_kod) och alder_10_19, "
                    "eller alder_10_14 och alder_15_19. Behövs för andel per 1 000 unga och "
                    "för att små områden ska kunna visas (annars slås de ihop)."
                ),
                className="status",
            ),
            upload_box(
                ids.POP_UPLOAD,
                kind="population",
                store_id=ids.POP_UPLOADED,
                progress_id=ids.POP_UPLOAD_PROGRESS,
                text=_("Dra hit en CSV-fil eller klicka för att välja"),
                accept=",".join(POPULATION_SUFFIXES),
                limit=MAX_POPULATION_BYTES,
            ),
            dcc.Store(id=ids.POP_UPLOADED),
            html.Div(id=ids.POP_REPORT),
        ],
        className="card",
    )
    kommuner = kommun_options(session)
    own_card = html.Div(
        [
            html.H2(_("Eget område")),
            html.P(
                _(
                    "Sätt ihop ett namngivet område av DeSO- eller RegSO-områden, "
                    "t.ex. ”Gottsunda/Valsätra”."
                ),
                className="status",
            ),
            html.Div(
                [
                    html.Label(_("Kommun"), htmlFor=ids.OWN_KOMMUN),
                    dcc.Dropdown(
                        id=ids.OWN_KOMMUN,
                        options=[{"label": n, "value": c} for c, n in kommuner],
                        value=kommuner[0][0] if kommuner else None,
                        clearable=False,
                    ),
                    html.Label(_("Delområden"), htmlFor=ids.OWN_MEMBERS),
                    dcc.Dropdown(id=ids.OWN_MEMBERS, options=[], value=[], multi=True),
                    html.Label(_("Namn"), htmlFor=ids.OWN_NAME),
                    dcc.Input(id=ids.OWN_NAME, type="text", value="", maxLength=200),
                    html.Label(_("Kod"), htmlFor=ids.OWN_CODE),
                    dcc.Input(id=ids.OWN_CODE, type="text", value="", maxLength=64),
                ],
                className="filters",
            ),
            html.Button(_("Skapa eget område"), id=ids.OWN_CREATE, n_clicks=0, className="primary"),
            html.Div(id=ids.OWN_REPORT),
        ],
        className="card",
    )
    summary = html.Div(
        [
            html.H2(_("Områden i databasen")),
            html.Div(summary_table(area_summary(session)), id=ids.AREA_SUMMARY),
        ],
        className="card",
    )
    return html.Div(
        [
            html.Div(
                [layer_card, html.Div([population_card, own_card, summary], className="stack")],
                className="grid-admin",
            )
        ],
        className="page",
    )
