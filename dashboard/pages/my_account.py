"""Mitt konto: every user changes their own password; admins and coordinators may add a
TOTP second factor."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard import ids
from dashboard.auth import current_session_user
from dashboard.components import denied, section_card
from dashboard.i18n import LANGUAGE_NAMES, LANGUAGES, N_, _, term_label
from dashboard.state import db_session
from data.access.accounts import TOTP_ROLES, account
from data.access.scope import AccessDenied
from data.access.users import MIN_PASSWORD_LENGTH
from data.vocabulary import ROLES as ROLE_TERMS
from data.vocabulary import codes

PATH = "/konto"
NAME = N_("Mitt konto")
ROLES = codes(ROLE_TERMS)


def _password(component_id: str, label: str, autocomplete: str) -> list[Any]:
    return [
        html.Label(_(label), htmlFor=component_id),
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
        html.Label(_("Engångskod från appen"), htmlFor=component_id),
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
            _("Tvåstegsverifiering"),
            html.P(_("Tvåstegsverifiering är på."), id=ids.ME_TOTP_STATUS, className="status"),
            html.Div(_code(ids.ME_TOTP_OFF_CODE), className="filters"),
            html.Button(_("Stäng av"), id=ids.ME_TOTP_OFF, n_clicks=0),
            html.Ul(id=ids.ME_TOTP_OFF_REPORT, role="status"),
            hint=_("Har du tappat telefonen: be en administratör återställa den."),
        )
    return section_card(
        _("Tvåstegsverifiering"),
        html.P(_("Tvåstegsverifiering är av."), id=ids.ME_TOTP_STATUS, className="status"),
        html.Button(_("Aktivera"), id=ids.ME_TOTP_START, n_clicks=0),
        html.Div(id=ids.ME_TOTP_SETUP),
        html.Div(
            [
                *_code(ids.ME_TOTP_CODE),
                *_password(ids.ME_TOTP_PASSWORD, N_("Ditt lösenord"), "current-password"),
            ],
            className="filters",
        ),
        html.Button(_("Bekräfta"), id=ids.ME_TOTP_CONFIRM, n_clicks=0, className="primary"),
        html.Ul(id=ids.ME_TOTP_REPORT, role="status"),
        hint=_(
            "Med en autentiseringsapp (t.ex. FreeOTP, Microsoft eller Google Authenticator) "
            "ger du en sexsiffrig kod efter lösenordet vid varje inloggning."
        ),
    )


def language_card(language: str) -> html.Section:
    """The page language: Swedish or English, saved at once and the page reloaded in it
    (each language named in itself, so the choice reads the same in both)."""
    return section_card(
        "Språk / Language",
        html.Label("Svenska eller English", htmlFor=ids.ME_LANGUAGE, lang="sv"),
        dcc.RadioItems(
            id=ids.ME_LANGUAGE,
            options=[{"label": LANGUAGE_NAMES[code], "value": code} for code in LANGUAGES],
            value=language,
            className="radio",
        ),
        html.Ul(id=ids.ME_LANGUAGE_REPORT, role="status"),
        dcc.Location(id=ids.ME_LANGUAGE_RELOAD, refresh=True),
    )


def layout(**_query: Any) -> html.Div:
    """The page of the logged-in user (anyone logged in; nobody else)."""
    try:
        user = current_session_user()
    except AccessDenied:
        return denied(_("Logga in först."))
    info = account(db_session(), user.id)
    password = section_card(
        _("Byt lösenord"),
        html.Div(
            [
                *_password(ids.ME_CURRENT, N_("Nuvarande lösenord"), "current-password"),
                *_password(ids.ME_NEW, N_("Nytt lösenord"), "new-password"),
                *_password(ids.ME_REPEAT, N_("Nytt lösenord igen"), "new-password"),
            ],
            className="filters",
        ),
        html.Button(_("Byt lösenord"), id=ids.ME_CHANGE, n_clicks=0, className="primary"),
        html.Ul(id=ids.ME_CHANGE_REPORT, role="status"),
        hint=_(
            "Minst %(n)s tecken och inte ett vanligt lösenord; en mening av flera ord är bra. "
            "Dina andra inloggningar avslutas när du byter.",
            n=MIN_PASSWORD_LENGTH,
        ),
    )
    about = section_card(
        _("Konto"),
        html.P(f"{info.username} · {term_label(ROLE_TERMS, info.role)}"),
        html.P(_("Kommun: %(kommun)s", kommun=info.kommun_code or _("alla")), className="status"),
    )
    cards: list[Any] = [about, language_card(info.language), password]
    if info.role in TOTP_ROLES:
        cards.append(totp_card(info.totp))
    return html.Div(html.Div(cards, className="stack report-form"), className="page")
