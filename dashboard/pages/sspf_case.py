"""Ett SSPF-ärende (``/sspf/arende?ref=…``): the case, and the forms of its people.

The layout reads nothing about the case: it holds the reference and the forms, hidden.
The content callback (:mod:`dashboard.callbacks.sspf_case`) opens the case through
:func:`data.consent.cases.read_case` — access, expiry and the audit row — and shows the
forms the viewer's role in the case allows: a named party adds observations and
åtagandeplan items of their own organisation; the coordinator also records meetings
and signals, extends the consent and tears it up. An unknown reference and a case the
viewer may not see get one and the same answer.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard import ids
from dashboard.auth import require_role
from dashboard.callbacks.inputs import as_text
from dashboard.components import denied, section_card
from dashboard.i18n import N_, _, term_label
from dashboard.pages.sspf import ROLES, date_input, label, result_list, text_area
from data.access.scope import AccessDenied
from data.consent.vocabulary import (
    DECISIONS,
    END_REASONS,
    MEETING_KINDS,
    PLAN_STATUSES,
    SIGNALS,
)

PATH = "/sspf/arende"
NAME = N_("SSPF-ärende")
REASON_CHOICES = {
    "withdrawn": N_("Vårdnadshavarna återkallar samtycket"),
    "ended": N_("SSPF avslutas"),
}


def _options(terms: Any) -> list[dict[str, str]]:
    return [{"label": term_label(terms, t.code), "value": t.code} for t in terms]


def _button(text: str, button_id: str) -> html.Button:
    return html.Button(text, id=button_id, n_clicks=0)


def _result(result_id: str) -> html.Div:
    return result_list(result_id)


def party_forms() -> html.Div:
    """What a named party (and the coordinator) may write: observations, plan items."""
    return html.Div(
        [
            section_card(
                _("Ny observation"),
                label(_("Part"), ids.SC_OBS_PARTY),
                dcc.Dropdown(id=ids.SC_OBS_PARTY, options=[]),
                label(_("Datum (ÅÅÅÅ-MM-DD)"), ids.SC_OBS_DATE),
                date_input(ids.SC_OBS_DATE),
                label(_("Vad har ni sett?"), ids.SC_OBS_TEXT),
                text_area(ids.SC_OBS_TEXT),
                _button(_("Spara observationen"), ids.SC_OBS_SAVE),
                _result(ids.SC_OBS_RESULT),
            ),
            section_card(
                _("Nytt åtagande"),
                label(_("Part"), ids.SC_PLAN_PARTY),
                dcc.Dropdown(id=ids.SC_PLAN_PARTY, options=[]),
                label(_("Vad ska göras?"), ids.SC_PLAN_WHAT),
                text_area(ids.SC_PLAN_WHAT),
                label(_("Klart senast (ÅÅÅÅ-MM-DD)"), ids.SC_PLAN_DUE),
                date_input(ids.SC_PLAN_DUE),
                label(_("Följs upp (ÅÅÅÅ-MM-DD)"), ids.SC_PLAN_FOLLOW),
                date_input(ids.SC_PLAN_FOLLOW),
                _button(_("Lägg till åtagandet"), ids.SC_PLAN_SAVE),
                _result(ids.SC_PLAN_RESULT),
            ),
            section_card(
                _("Följ upp ett åtagande"),
                label(_("Åtagande"), ids.SC_ITEM),
                dcc.Dropdown(id=ids.SC_ITEM, options=[]),
                label(_("Status"), ids.SC_ITEM_STATUS),
                dcc.Dropdown(id=ids.SC_ITEM_STATUS, options=_options(PLAN_STATUSES)),
                label(_("Ny uppföljning (ÅÅÅÅ-MM-DD, valfritt)"), ids.SC_ITEM_FOLLOW),
                date_input(ids.SC_ITEM_FOLLOW),
                _button(_("Spara uppföljningen"), ids.SC_ITEM_SAVE),
                _result(ids.SC_ITEM_RESULT),
            ),
        ],
        id=ids.SC_PARTY_FORMS,
        hidden=True,
        className="sc-forms",
    )


def coordinator_forms() -> html.Div:
    """What only the case's coordinator does: meetings, signals, the consent."""
    return html.Div(
        [
            section_card(
                _("Nytt möte"),
                label(_("Typ av möte"), ids.SC_MEET_KIND),
                dcc.Dropdown(id=ids.SC_MEET_KIND, options=_options(MEETING_KINDS)),
                label(_("Datum (ÅÅÅÅ-MM-DD)"), ids.SC_MEET_DATE),
                date_input(ids.SC_MEET_DATE),
                label(_("Anteckningar"), ids.SC_MEET_NOTES),
                text_area(ids.SC_MEET_NOTES),
                label(_("Beslut (vid uppföljning)"), ids.SC_MEET_DECISION),
                dcc.Dropdown(id=ids.SC_MEET_DECISION, options=_options(DECISIONS)),
                _button(_("Spara mötet"), ids.SC_MEET_SAVE),
                _result(ids.SC_MEET_RESULT),
            ),
            section_card(
                _("Risk- och skyddsfaktorer"),
                label(_("Faktorer"), ids.SC_SIGNALS),
                dcc.Checklist(
                    id=ids.SC_SIGNALS, options=_options(SIGNALS), value=[], className="radio"
                ),
                label(_("Enligt part"), ids.SC_SIGNALS_PARTY),
                dcc.Dropdown(id=ids.SC_SIGNALS_PARTY, options=[]),
                _button(_("Spara faktorerna"), ids.SC_SIGNALS_SAVE),
                _result(ids.SC_SIGNALS_RESULT),
            ),
            section_card(
                _("Förläng samtycket"),
                label(_("Nytt giltigt till (ÅÅÅÅ-MM-DD)"), ids.SC_EXTEND_DATE),
                date_input(ids.SC_EXTEND_DATE),
                _button(_("Förläng samtycket"), ids.SC_EXTEND_SAVE),
                _result(ids.SC_EXTEND_RESULT),
            ),
            section_card(
                _("Riv samtycket"),
                label(_("Varför?"), ids.SC_END_REASON),
                dcc.RadioItems(
                    id=ids.SC_END_REASON,
                    options=[{"label": _(REASON_CHOICES[r]), "value": r} for r in END_REASONS],
                    value=None,
                    className="radio",
                ),
                html.Button(_("Riv samtycket"), id=ids.SC_END, n_clicks=0, className="danger"),
                dcc.ConfirmDialog(
                    id=ids.SC_END_CONFIRM,
                    message=_(
                        "Riv samtycket? Alla uppgifter om barnet tas bort för alltid och "
                        "parterna kan inte längre dela information om barnet."
                    ),
                ),
                _result(ids.SC_END_RESULT),
                hint=_("Kvar blir bara ärendets referens, datum och antal borttagna uppgifter."),
            ),
        ],
        id=ids.SC_COORD_FORMS,
        hidden=True,
        className="sc-forms",
    )


def layout(ref: Any = None, **_query: Any) -> html.Div:
    """The case page frame; the case itself comes from the content callback."""
    try:
        require_role(*ROLES)
    except AccessDenied:
        return denied(_("SSPF-ärenden är för samordnare och namngivna parter."))
    return html.Div(
        [
            dcc.Link(_("Alla SSPF-ärenden"), href="/sspf"),
            dcc.Store(id=ids.SC_REF, data=as_text(ref)[:32]),
            dcc.Store(id=ids.SC_REFRESH, data=0),
            dcc.Loading(html.Div(id=ids.SC_CONTENT)),
            party_forms(),
            coordinator_forms(),
        ],
        className="page sspf",
        id=ids.SC_PAGE,
    )
