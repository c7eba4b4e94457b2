"""Planering's card of association sign-up links: choose an association and how long the
link works, create it (the link is shown once, to send), the links with their use and
status, and revoking (:mod:`dashboard.callbacks.planning_page.association_links`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

from dash import dcc, html

from dashboard import ids
from dashboard.components import section_card, simple_table
from dashboard.formatting import format_date
from dashboard.i18n import N_, _
from dashboard.planning_views import field
from data.calendar.windows import STOCKHOLM
from data.planning.association_links import DEFAULT_DAYS, MAX_DAYS, LinkInfo

STATUS: Final = {
    "active": N_("Gäller"),
    "expired": N_("Har gått ut"),
    "revoked": N_("Återkallad"),
}


def links_card() -> html.Section:
    """The card: the form, the new link's box, the message list and the links."""
    return section_card(
        _("Länkar för föreningar"),
        html.Div(
            [
                field(
                    _("Förening"),
                    dcc.Dropdown(
                        id=ids.PL_ASSOC_LINK_ASSOCIATION,
                        options=[],
                        placeholder=_("Välj förening"),
                    ),
                    ids.PL_ASSOC_LINK_ASSOCIATION,
                    wide=True,
                ),
                field(
                    _("Gäller i dagar"),
                    dcc.Input(
                        id=ids.PL_ASSOC_LINK_DAYS,
                        type="number",
                        min=1,
                        max=MAX_DAYS,
                        step=1,
                        value=DEFAULT_DAYS,
                    ),
                    ids.PL_ASSOC_LINK_DAYS,
                    hint=_("1–%(most)s dagar.", most=MAX_DAYS),
                    wide=True,
                ),
                html.Button(_("Skapa länk"), id=ids.PL_ASSOC_LINK_CREATE, n_clicks=0),
            ],
            className="form-row",
        ),
        html.Div(id=ids.PL_ASSOC_LINK_NEW),
        html.Div(html.Ul(id=ids.PL_ASSOC_LINK_MESSAGE), role="status"),
        html.Div(id=ids.PL_ASSOC_LINKS, className="table-scroll"),
        dcc.Store(id=ids.PL_ASSOC_LINK_REFRESH, data=0),
        hint=_(
            "En länk låter föreningen anmäla nätter och rapportera sina egna planerade "
            "vandringar i mobilen, utan konto och lösenord. Skicka den bara till "
            "föreningen; den når inget annat i systemet. Återkalla den när den inte längre "
            "behövs eller kan ha spridits."
        ),
    )


def new_link_box(url: str, association: str) -> html.Div:
    """The link just created, shown once in a read-only field to copy and send."""
    return html.Div(
        [
            html.Label(_("Länk till %(name)s", name=association), htmlFor=ids.PL_ASSOC_LINK_URL),
            dcc.Input(
                id=ids.PL_ASSOC_LINK_URL, value=url, readOnly=True, type="text", className="wide"
            ),
            html.P(
                _(
                    "Kopiera länken och skicka den till föreningen nu: den visas bara en "
                    "gång. Tappas den bort skapar du en ny och återkallar den gamla."
                ),
                className="hint",
            ),
        ],
        className="field wide",
    )


def _named(label: str) -> dict[str, Any]:
    """An ``aria-label`` for a button whose visible text names no association."""
    return {"aria-label": label}


def _day(moment: datetime | None) -> str:
    return format_date(moment.astimezone(STOCKHOLM).date()) if moment else "–"


def links_table(rows: Sequence[LinkInfo], now: datetime) -> html.Table | html.P:
    """The kommun's links: association, created, expires, last used, status, revoke."""
    table = [
        [
            r.association,
            _day(r.created_at),
            _day(r.expires_at),
            _day(r.last_used_at),
            _(STATUS[r.status(now)]),
            html.Button(
                _("Återkalla"),
                id={"type": ids.PL_ASSOC_LINK_REVOKE_TYPE, "item": str(r.id)},
                n_clicks=0,
                className="small",
                **_named(_("Återkalla länken till %(name)s", name=r.association)),
            )
            if r.status(now) == "active"
            else "",
        ]
        for r in rows
    ]
    return simple_table(
        (
            _("Förening"),
            _("Skapad"),
            _("Gäller till"),
            _("Senast använd"),
            _("Status"),
            _("Åtgärd"),
        ),
        table,
        ids.PL_ASSOC_LINKS + "-table",
        _("Inga länkar ännu."),
    )
