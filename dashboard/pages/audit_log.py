"""Granskningslogg (admin): who did what, when and from where — filtered, paged, exported."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard import ids
from dashboard.auth import require_role
from dashboard.components import denied, scroll_table, section_card
from dashboard.i18n import _
from dashboard.state import db_session
from data.access.audit import ACTIONS, AuditRow, action_label, actor_names
from data.access.scope import AccessDenied
from data.clock import SWEDISH_TIME

PATH = "/admin/granskning"
NAME = "Granskningslogg"
ROLES = ("admin",)
PER_PAGE = 50


def _details(details: dict[str, Any]) -> str:
    return "; ".join(
        f"{key}: {', '.join(value) if isinstance(value, list) else value}"
        for key, value in sorted(details.items())
    )


def audit_table(rows: list[AuditRow]) -> html.Div | html.P:
    """One page of audit rows, newest first (Swedish local time)."""
    if not rows:
        return html.P(_("Inga händelser med det urvalet."))
    head = html.Thead(
        html.Tr(
            [
                html.Th(h)
                for h in (
                    _("Tid"),
                    _("Användare"),
                    _("Adress"),
                    _("Händelse"),
                    _("Mål"),
                    _("Detaljer"),
                )
            ]
        )
    )
    body = [
        html.Tr(
            [
                html.Td(row.at.astimezone(SWEDISH_TIME).strftime("%Y-%m-%d %H:%M:%S")),
                html.Td(row.actor or "–"),
                html.Td(row.address),
                html.Td(_(action_label(row.action)), title=row.action),
                html.Td(row.target),
                html.Td(_details(row.details)),
            ]
        )
        for row in rows
    ]
    table = html.Table([head, html.Tbody(body)], className="top", id=ids.AU_ROWS)
    return scroll_table(table, _("Granskningslogg"))


def layout(**_query: Any) -> html.Div:
    """The page; refuses everyone but administrators (checked server-side)."""
    try:
        require_role(*ROLES)
    except AccessDenied:
        return denied(_("Granskningsloggen är bara för administratörer."))
    users = [{"label": name, "value": name} for name in actor_names(db_session())]
    filters = html.Div(
        [
            html.Label(_("Användare"), htmlFor=ids.AU_USER),
            dcc.Dropdown(id=ids.AU_USER, options=users, value=None, placeholder=_("Alla")),
            html.Label(_("Händelse"), htmlFor=ids.AU_ACTION),
            dcc.Dropdown(
                id=ids.AU_ACTION,
                options=[{"label": _(a.label), "value": a.code} for a in ACTIONS],
                value=None,
                placeholder=_("Alla"),
            ),
            html.Label(_("Period"), htmlFor=ids.AU_PERIOD),
            dcc.DatePickerRange(
                id=ids.AU_PERIOD,
                display_format="YYYY-MM-DD",
                first_day_of_week=1,
                clearable=True,
                start_date_placeholder_text=_("Från"),
                end_date_placeholder_text=_("Till"),
            ),
        ],
        className="filters",
    )
    log = section_card(
        _("Händelser"),
        html.Div(id=ids.AU_TABLE),
        html.Div(
            [
                html.Button(_("Föregående"), id=ids.AU_PREV, n_clicks=0),
                html.Span(id=ids.AU_INFO, className="status"),
                html.Button(_("Nästa"), id=ids.AU_NEXT, n_clicks=0),
                html.Button(_("Exportera CSV"), id=ids.AU_EXPORT, n_clicks=0),
            ],
            className="form-row",
        ),
        dcc.Store(id=ids.AU_PAGE, data=0),
        dcc.Download(id=ids.AU_DOWNLOAD),
        hint=_(
            "Loggen visar vem som gjorde vad, när och varifrån – aldrig själva uppgifterna. "
            "Den kan inte ändras eller rensas."
        ),
    )
    return html.Div(
        html.Div([section_card(_("Urval"), filters), log], className="grid"), className="page"
    )
