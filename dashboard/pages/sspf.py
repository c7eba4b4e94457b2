"""SSPF-ärenden: the viewer's consent-gated SSPF cases, and for the coordinator the
forms to record a consent (which opens a case) or a declined consent's nätverksmöte.

The only page besides the case page where a child's name is shown, and only to the
case's coordinator and the persons named in its active consent: the list comes from
:func:`data.consent.cases.list_cases`, which checks access and expiry per case and
writes the audit row. Everyone else of the three roles sees that they are named in
no active case.
"""

from __future__ import annotations

from typing import Any, Final

from dash import dcc, html

from dashboard import ids
from dashboard.auth import SessionUser, require_role
from dashboard.components import denied, help_box, section_card
from dashboard.i18n import N_, _, term_label
from dashboard.sspf_access import party_people
from dashboard.state import db_session
from dashboard.uploads import upload_box
from data.access.scope import AccessDenied
from data.consent.vocabulary import MAX_FORM_BYTES, PARTIES

PATH = "/sspf"
NAME = N_("SSPF-ärenden")
ROLES = ("coordinator", "reporter", "police_area")
WRITERS: Final = ("coordinator",)
"""Who records consents and nätverksmöten."""
FORM_SUFFIXES: Final = (".pdf", ".jpg", ".jpeg", ".png")
"""The scanned consent form's types (upload kind ``sspf_form``, at most 10 MB)."""
DATE_HINT: Final = "ÅÅÅÅ-MM-DD"


def label(text: str, target: str) -> html.Label:
    """A visible label tied to its control."""
    return html.Label(text, htmlFor=target)


def result_list(result_id: str) -> html.Div:
    """Where a form reports: a list of lines inside a live region (the region is a
    wrapper, so the list keeps its list role for screen readers)."""
    return html.Div(html.Ul(id=result_id, className="report"), role="status")


def date_input(component_id: str, value: str = "") -> dcc.Input:
    """A date field written as ÅÅÅÅ-MM-DD (checked on the server)."""
    return dcc.Input(
        id=component_id, type="text", value=value, placeholder=DATE_HINT, className="sf-date"
    )


def text_area(component_id: str, limit: int = 2000) -> dcc.Textarea:
    """A free-text field (at most ``limit`` characters)."""
    return dcc.Textarea(id=component_id, maxLength=limit, value="", className="sf-text")


def party_options() -> list[dict[str, str]]:
    """The consent's organisation kinds (Skola, Socialtjänst, Polis, Fritid, Annan)."""
    return [{"label": term_label(PARTIES, t.code), "value": t.code} for t in PARTIES]


def _party_row(row: int, people: list[dict[str, Any]]) -> html.Fieldset:
    return html.Fieldset(
        [
            html.Legend(_("Part %(n)s", n=row + 1)),
            label(_("Organisation"), ids.sf_party_org(row)),
            dcc.Dropdown(id=ids.sf_party_org(row), options=party_options()),
            label(_("Namngiven person (får se ärendet)"), ids.sf_party_user(row)),
            dcc.Dropdown(id=ids.sf_party_user(row), options=people),
            label(_("Beskrivning (för inbjudna, t.ex. fotbollstränare)"), ids.sf_party_label(row)),
            dcc.Input(id=ids.sf_party_label(row), type="text", maxLength=120, value=""),
        ],
        className="sf-party",
    )


def consent_form(user: SessionUser) -> html.Section:
    """ "Nytt samtycke": child, guardians, dates, parties and the scanned form."""
    people = party_people(db_session(), user)
    return section_card(
        _("Nytt samtycke"),
        label(_("Barnets namn"), ids.SF_NEW_CHILD),
        dcc.Input(id=ids.SF_NEW_CHILD, type="text", maxLength=120, value=""),
        label(_("Födelsedatum (ÅÅÅÅ-MM-DD)"), ids.SF_NEW_BIRTH),
        date_input(ids.SF_NEW_BIRTH),
        label(_("Bakgrund: varför SSPF?"), ids.SF_NEW_BACKGROUND),
        text_area(ids.SF_NEW_BACKGROUND),
        label(_("Vårdnadshavare som skrivit under (ett namn per rad)"), ids.SF_NEW_GUARDIANS),
        text_area(ids.SF_NEW_GUARDIANS, 600),
        label(_("Undertecknat (ÅÅÅÅ-MM-DD)"), ids.SF_NEW_SIGNED),
        date_input(ids.SF_NEW_SIGNED),
        label(_("Giltigt till (ÅÅÅÅ-MM-DD)"), ids.SF_NEW_VALID),
        date_input(ids.SF_NEW_VALID),
        *[_party_row(row, people) for row in range(ids.SF_PARTY_ROWS)],
        html.P(_("Inskannad samtyckesblankett (valfritt: PDF, JPEG eller PNG, högst 10 MB)")),
        upload_box(
            ids.SF_NEW_UPLOAD,
            kind="sspf_form",
            store_id=ids.SF_NEW_UPLOADED,
            progress_id=ids.SF_NEW_PROGRESS,
            text=_("Dra blanketten hit eller klicka för att välja fil"),
            accept=",".join(FORM_SUFFIXES),
            limit=MAX_FORM_BYTES,
        ),
        dcc.Store(id=ids.SF_NEW_UPLOADED),
        html.Button(
            _("Registrera samtycket och öppna ärendet"),
            id=ids.SF_NEW_SAVE,
            n_clicks=0,
            className="primary",
        ),
        result_list(ids.SF_NEW_RESULT),
        hint=_(
            "Ett ärende kan bara finnas med ett aktivt samtycke. Bara de namngivna personerna "
            "får se ärendet; uppgifterna tas bort när samtycket rivs eller går ut."
        ),
    )


def network_form() -> html.Section:
    """ "Samtycke nekat – nätverksmöte": no child data beyond what the guardians allow."""
    return section_card(
        _("Samtycke nekat – nätverksmöte"),
        label(_("Nekat den (ÅÅÅÅ-MM-DD)"), ids.SF_NM_DECLINED),
        date_input(ids.SF_NM_DECLINED),
        label(_("Mötet hålls den (valfritt, ÅÅÅÅ-MM-DD)"), ids.SF_NM_HELD),
        date_input(ids.SF_NM_HELD),
        label(_("Parter som vårdnadshavarna valt"), ids.SF_NM_ORGS),
        dcc.Checklist(id=ids.SF_NM_ORGS, options=party_options(), value=[], className="radio"),
        label(_("Anteckning som vårdnadshavarna godkänt (valfritt)"), ids.SF_NM_NOTE),
        text_area(ids.SF_NM_NOTE),
        html.Button(_("Registrera nätverksmötet"), id=ids.SF_NM_SAVE, n_clicks=0),
        result_list(ids.SF_NM_RESULT),
        html.Div(id=ids.SF_NM_LIST),
        hint=_("Inga uppgifter om barnet sparas, bara det vårdnadshavarna godkänt."),
    )


def layout(**_query: Any) -> html.Div:
    """The case list for the three roles; the forms for coordinators (checked again in
    every callback)."""
    try:
        user = require_role(*ROLES)
    except AccessDenied:
        return denied(
            _("SSPF-ärenden är för samordnare och för parter som är namngivna i ett samtycke.")
        )
    parts: list[Any] = [
        html.H2(_("SSPF-ärenden")),
        help_box(
            _("Om SSPF-ärenden"),
            _(
                "Här finns de SSPF-ärenden där du är samordnare eller namngiven part i ett "
                "aktivt samtycke från vårdnadshavarna. Varje gång ett ärende öppnas eller "
                "ändras loggas vem och när, aldrig innehållet."
            ),
            _(
                "När samtycket återkallas, avslutas eller går ut tas alla uppgifter om barnet "
                "bort och parterna kan inte längre dela information om barnet."
            ),
        ),
        section_card(_("Mina ärenden"), html.Div(id=ids.SF_CASES, role="status")),
        dcc.Store(id=ids.SF_REFRESH, data=0),
    ]
    if user.role in WRITERS:
        parts += [consent_form(user), network_form()]
    return html.Div(parts, className="page sspf", id=ids.SF_PAGE)
