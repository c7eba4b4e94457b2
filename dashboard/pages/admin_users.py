"""Användare (admin): invite users, change role and scope, deactivate, reset."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard import ids
from dashboard.auth import require_role
from dashboard.components import denied, section_card
from dashboard.i18n import _, term_label
from dashboard.state import db_session
from data.access.accounts import AccountInfo
from data.access.scope import AccessDenied
from data.areas.listing import kommun_options
from data.vocabulary import ROLES as ROLE_TERMS
from data.vocabulary import SOURCES

PATH = "/admin/anvandare"
NAME = "Användare"
ROLES = ("admin",)


def role_options() -> list[dict[str, str]]:
    """Every role with its Swedish label."""
    return [{"label": _(r.label), "value": r.code} for r in ROLE_TERMS]


def source_options() -> list[dict[str, str]]:
    """The reporting organisations (sources) a user may belong to."""
    return [{"label": _(s.label), "value": s.code} for s in SOURCES]


def users_table(accounts: list[AccountInfo]) -> html.Table | html.P:
    """Every account: role, kommun, organisation, police areas, status, second factor."""
    if not accounts:
        return html.P(_("Inga användare ännu."))
    head = html.Thead(
        html.Tr(
            [
                html.Th(h)
                for h in (
                    _("Användare"),
                    _("Roll"),
                    _("Kommun"),
                    _("Organisation"),
                    _("Områden"),
                    _("Status"),
                    _("2FA"),
                )
            ]
        )
    )
    body = [
        html.Tr(
            [
                html.Td(a.username),
                html.Td(term_label(ROLE_TERMS, a.role)),
                html.Td(a.kommun_code or _("alla")),
                html.Td(term_label(SOURCES, a.source_code) if a.source_code else ""),
                html.Td(", ".join(a.area_codes)),
                html.Td(_("aktiv") if a.active else _("inaktiverad")),
                html.Td(_("på") if a.totp else ""),
            ]
        )
        for a in accounts
    ]
    return html.Table([head, html.Tbody(body)], className="top", id=ids.US_TABLE)


def _scope_fields(
    role_id: str, kommun_id: str, source_id: str, areas_id: str, kommuner: list[Any]
) -> list[Any]:
    return [
        html.Label(_("Roll"), htmlFor=role_id),
        dcc.Dropdown(id=role_id, options=role_options(), value=None, placeholder=_("Välj roll")),
        html.Label(_("Kommun (tomt = alla, bara för administratörer)"), htmlFor=kommun_id),
        dcc.Dropdown(id=kommun_id, options=kommuner, value=None, placeholder=_("Välj kommun")),
        html.Label(_("Organisation"), htmlFor=source_id),
        dcc.Dropdown(id=source_id, options=source_options(), value=None, placeholder=_("Valfri")),
        html.Label(_("Områden (områdespolis)"), htmlFor=areas_id),
        dcc.Dropdown(id=areas_id, options=[], value=[], multi=True),
    ]


def layout(**_query: Any) -> html.Div:
    """The page; refuses everyone but administrators (checked server-side)."""
    try:
        require_role(*ROLES)
    except AccessDenied:
        return denied(_("Sidan är bara för administratörer."))
    kommuner = [{"label": f"{n} ({c})", "value": c} for c, n in kommun_options(db_session())]
    create = section_card(
        _("Ny användare"),
        html.Div(
            [
                html.Label(_("Användarnamn"), htmlFor=ids.US_NEW_USERNAME),
                dcc.Input(id=ids.US_NEW_USERNAME, type="text", value="", maxLength=63),
                *_scope_fields(
                    ids.US_NEW_ROLE,
                    ids.US_NEW_KOMMUN,
                    ids.US_NEW_SOURCE,
                    ids.US_NEW_AREAS,
                    kommuner,
                ),
            ],
            className="filters",
        ),
        html.Button(_("Skapa användare"), id=ids.US_CREATE, n_clicks=0, className="primary"),
        html.Ul(id=ids.US_CREATE_REPORT, role="status"),
        hint=_(
            "Ett slumpat lösenord visas en gång. Lämna det till användaren, som byter det "
            "under Mitt konto."
        ),
    )
    edit = section_card(
        _("Ändra användare"),
        html.Div(
            [
                html.Label(_("Användare"), htmlFor=ids.US_PICK),
                dcc.Dropdown(id=ids.US_PICK, options=[], value=None, placeholder=_("Välj")),
                html.P(id=ids.US_EDIT_STATUS, className="status"),
                *_scope_fields(
                    ids.US_EDIT_ROLE,
                    ids.US_EDIT_KOMMUN,
                    ids.US_EDIT_SOURCE,
                    ids.US_EDIT_AREAS,
                    kommuner,
                ),
            ],
            className="filters",
        ),
        html.Div(
            [
                html.Button(_("Spara ändringar"), id=ids.US_SAVE, n_clicks=0, className="primary"),
                html.Button(_("Inaktivera"), id=ids.US_DEACTIVATE, n_clicks=0),
                html.Button(_("Aktivera"), id=ids.US_ACTIVATE, n_clicks=0),
                html.Button(_("Återställ lösenord"), id=ids.US_RESET_PASSWORD, n_clicks=0),
                html.Button(_("Återställ tvåstegsverifiering"), id=ids.US_RESET_TOTP, n_clicks=0),
            ],
            className="form-row",
        ),
        html.Ul(id=ids.US_EDIT_REPORT, role="status"),
        hint=_(
            "Inaktivering, nytt lösenord och lösenordsbyte avslutar användarens alla "
            "inloggningar direkt."
        ),
    )
    listing = section_card(_("Alla användare"), html.Div(id=ids.US_LIST))
    return html.Div(
        [
            dcc.Store(id=ids.US_REFRESH, data=0),
            html.Div(
                [html.Div([create, edit], className="stack"), listing], className="grid-admin"
            ),
        ],
        className="page",
    )
