"""Mitt konto: every user changes their own password; admins and coordinators may add a
TOTP second factor."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard import ids
from dashboard.auth import current_session_user
from dashboard.components import denied, section_card
from dashboard.state import db_session
from data.access.accounts import TOTP_ROLES, account
from data.access.scope import AccessDenied
from data.access.users import MIN_PASSWORD_LENGTH
from data.vocabulary import ROLES as ROLE_TERMS
from data.vocabulary import codes, label_of

PATH = "/konto"
NAME = "Mitt konto"
ROLES = codes(ROLE_TERMS)


def _password(component_id: str, label: str, autocomplete: str) -> list[Any]:
    return [
        html.Label(label, htmlFor=component_id),
        dcc.Input(
            id=component_id,
            type="password",
            value="",
            maxLength=256,
            autoComplete=autocomplete,
        ),
    ]


def _code(component_id: str) -> list[Any]:
    return [
        html.Label("Engångskod från appen", htmlFor=component_id),
        dcc.Input(
            id=component_id,
            type="text",
            value="",
            maxLength=8,
            inputMode="numeric",
            autoComplete="one-time-code",
        ),
    ]


def totp_card(enrolled: bool) -> html.Section:
    """The second factor: turn it on (secret and QR code, confirmed by a code) or off."""
    if enrolled:
        return section_card(
            "Tvåstegsverifiering",
            html.P("Tvåstegsverifiering är på.", id=ids.ME_TOTP_STATUS, className="status"),
            html.Div(_code(ids.ME_TOTP_OFF_CODE), className="filters"),
            html.Button("Stäng av", id=ids.ME_TOTP_OFF, n_clicks=0),
            html.Ul(id=ids.ME_TOTP_OFF_REPORT, role="status"),
            hint="Har du tappat telefonen: be en administratör återställa den.",
        )
    return section_card(
        "Tvåstegsverifiering",
        html.P("Tvåstegsverifiering är av.", id=ids.ME_TOTP_STATUS, className="status"),
        html.Button("Aktivera", id=ids.ME_TOTP_START, n_clicks=0),
        html.Div(id=ids.ME_TOTP_SETUP),
        html.Div(
            [
                *_code(ids.ME_TOTP_CODE),
                *_password(ids.ME_TOTP_PASSWORD, "Ditt lösenord", "current-password"),
            ],
            className="filters",
        ),
        html.Button("Bekräfta", id=ids.ME_TOTP_CONFIRM, n_clicks=0, className="primary"),
        html.Ul(id=ids.ME_TOTP_REPORT, role="status"),
        hint="Med en autentiseringsapp (t.ex. FreeOTP, Microsoft eller Google Authenticator) "
        "ger du en sexsiffrig kod efter lösenordet vid varje inloggning.",
    )


def layout(**_query: Any) -> html.Div:
    """The page of the logged-in user (anyone logged in; nobody else)."""
    try:
        user = current_session_user()
    except AccessDenied:
        return denied("Logga in först.")
    info = account(db_session(), user.id)
    password = section_card(
        "Byt lösenord",
        html.Div(
            [
                *_password(ids.ME_CURRENT, "Nuvarande lösenord", "current-password"),
                *_password(ids.ME_NEW, "Nytt lösenord", "new-password"),
                *_password(ids.ME_REPEAT, "Nytt lösenord igen", "new-password"),
            ],
            className="filters",
        ),
        html.Button("Byt lösenord", id=ids.ME_CHANGE, n_clicks=0, className="primary"),
        html.Ul(id=ids.ME_CHANGE_REPORT, role="status"),
        hint=f"Minst {MIN_PASSWORD_LENGTH} tecken och inte ett vanligt lösenord; en mening "
        "av flera ord är bra. Dina andra inloggningar avslutas när du byter.",
    )
    about = section_card(
        "Konto",
        html.P(f"{info.username} · {label_of(ROLE_TERMS, info.role)}"),
        html.P(f"Kommun: {info.kommun_code or 'alla'}", className="status"),
    )
    cards: list[Any] = [about, password]
    if info.role in TOTP_ROLES:
        cards.append(totp_card(info.totp))
    return html.Div(html.Div(cards, className="stack report-form"), className="page")
