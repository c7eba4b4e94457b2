"""Builders of the SSPF pages' content: the case list, the case, its tombstone, the
nätverksmöten and the coordinator's reminders on Översikt.

Pure: data from :mod:`data.consent` in, Dash components out. Names and free texts
appear as plain text children (React escapes them); the reminders card holds refs and
dates only, never a name (Översikt is a shared screen).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Final
from urllib.parse import quote

from dash import dcc, html

from dashboard import ids
from dashboard.components import scroll_table, section_card, simple_table
from dashboard.formatting import format_date, published
from dashboard.i18n import N_, _, term_label
from data.consent.cases import CaseSummary, CaseView, PartyView
from data.consent.ledger import NetworkMeetingView
from data.consent.reminders import Reminder
from data.consent.teardown import TearUpReceipt
from data.consent.vocabulary import (
    CONSENT_STATUSES,
    DECISIONS,
    MEETING_KINDS,
    PARTIES,
    PLAN_STATUSES,
    PROTECTIVE_SIGNALS,
    REMOVED_KINDS,
    RISK_SIGNALS,
)
from data.privacy.disclosure import ProtectedCounts

CASE_PATH: Final = "/sspf/arende"
NOT_NAMED: Final = N_("Du är inte namngiven part i något aktivt ärende.")
REMINDER_LABELS: Final = {
    "uppfoljning": N_("uppföljning av åtagandeplanen"),
    "samtycke": N_("samtycket går ut – förnya eller avsluta"),
}
REASON_LABELS: Final = {
    "withdrawn": N_("Samtycket återkallades"),
    "ended": N_("SSPF avslutades och samtycket revs"),
    "expired": N_("Samtycket gick ut"),
}


def case_href(ref: str) -> str:
    """The case page of ``ref``."""
    return f"{CASE_PATH}?ref={quote(ref)}"


def plan_pdf_href(ref: str) -> str:
    """The åtagandeplan's PDF of ``ref``."""
    return f"/sspf/{quote(ref)}/atagandeplan.pdf"


def receipt_href(ref: str) -> str:
    """The guardians' receipt (PDF) of the torn-up case ``ref``."""
    return f"/sspf/{quote(ref)}/kvitto.pdf"


def _day(value: date | None) -> str:
    return format_date(value) if value is not None else "–"


def _term(terms: Any, code: str | None) -> str:
    if not code:
        return "–"
    try:
        return term_label(terms, code)
    except KeyError:
        return code


def party_name(party: PartyView) -> str:
    """Who a party is: the invited person's label, else the named account, else "–"."""
    return party.label or party.username or "–"


def role_text(role: str) -> str:
    """The viewer's role in a case, in the reader's language."""
    return _("Samordnare") if role == "coordinator" else _("Namngiven part")


def cases_view(cases: Sequence[CaseSummary], *, coordinator: bool) -> Any:
    """The viewer's accessible active cases (the child's name links to the case)."""
    if not cases:
        return html.P(_(NOT_NAMED) if not coordinator else _("Inga aktiva ärenden."))
    rows = [
        [
            dcc.Link(c.ref, href=case_href(c.ref)),
            c.child_name,
            role_text(str(c.role)),
            _day(c.opened_on),
            _day(c.valid_until),
            _day(c.next_follow_up),
        ]
        for c in cases
    ]
    head = (
        _("Ärende"),
        _("Barn"),
        _("Din roll"),
        _("Öppnat"),
        _("Samtycke giltigt till"),
        _("Nästa uppföljning"),
    )
    return scroll_table(simple_table(head, rows, "sf-case-table", ""), _("Mina SSPF-ärenden"))


def network_view(meetings: Sequence[NetworkMeetingView]) -> Any:
    """The coordinator's nätverksmöten (declined consents)."""
    rows = [
        [
            _day(m.declined_on),
            _day(m.held_on),
            ", ".join(_term(PARTIES, o) for o in m.organisations),
            m.note,
        ]
        for m in meetings
    ]
    head = (_("Nekat"), _("Möte"), _("Parter"), _("Anteckning"))
    table = simple_table(head, rows, "sf-nm-table", _("Inga nätverksmöten registrerade."))
    return html.Div([html.H4(_("Nätverksmöten")), scroll_table(table, _("Nätverksmöten"))])


def _consent_card(case: CaseView) -> html.Section:
    parties = [html.Li(f"{_term(PARTIES, p.organisation)}: {party_name(p)}") for p in case.parties]
    return section_card(
        _("Samtycke"),
        html.Dl(
            [
                html.Dt(_("Status")),
                html.Dd(_term(CONSENT_STATUSES, case.consent_status)),
                html.Dt(_("Undertecknat")),
                html.Dd(_day(case.signed_on)),
                html.Dt(_("Giltigt till")),
                html.Dd(_day(case.valid_until)),
                html.Dt(_("Vårdnadshavare")),
                html.Dd(", ".join(case.guardians)),
                html.Dt(_("Samordnare")),
                html.Dd(case.coordinator_name),
            ],
            className="sc-facts",
        ),
        html.H4(_("Parter")),
        html.Ul(parties),
    )


def _signals_card(case: CaseView) -> html.Section:
    codes = {s.code for s in case.signals}
    risk = [term_label(RISK_SIGNALS, t.code) for t in RISK_SIGNALS if t.code in codes]
    protective = [
        term_label(PROTECTIVE_SIGNALS, t.code) for t in PROTECTIVE_SIGNALS if t.code in codes
    ]
    return section_card(
        _("Risk- och skyddsfaktorer"),
        html.P([html.Strong(_("Risk: ")), ", ".join(risk) or _("inga noterade")]),
        html.P([html.Strong(_("Skydd: ")), ", ".join(protective) or _("inga noterade")]),
    )


def _observations_card(case: CaseView) -> html.Section:
    rows = [[_day(o.observed_on), _term(PARTIES, o.party), o.text] for o in case.observations]
    table = simple_table(
        (_("Datum"), _("Part"), _("Observation")),
        rows,
        "sc-observations",
        _("Inga observationer ännu."),
    )
    return section_card(_("Observationer"), scroll_table(table, _("Observationer")))


def _meetings_card(case: CaseView) -> html.Section:
    rows = [
        [_day(m.held_on), _term(MEETING_KINDS, m.kind), _term(DECISIONS, m.decision), m.notes]
        for m in case.meetings
    ]
    table = simple_table(
        (_("Datum"), _("Möte"), _("Beslut"), _("Anteckningar")),
        rows,
        "sc-meetings",
        _("Inga möten ännu."),
    )
    return section_card(_("Möten"), scroll_table(table, _("Möten")))


def _plan_card(case: CaseView) -> html.Section:
    rows = [
        [
            _term(PARTIES, item.party),
            item.what,
            _day(item.due_on),
            _day(item.follow_up_on),
            _term(PLAN_STATUSES, item.status),
        ]
        for item in case.plan
    ]
    table = simple_table(
        (_("Part"), _("Vad"), _("Senast"), _("Uppföljning"), _("Status")),
        rows,
        "sc-plan",
        _("Inga åtaganden ännu."),
    )
    pdf = html.A(
        _("Åtagandeplan (PDF)"), href=plan_pdf_href(case.ref), className="button-link", download=""
    )
    return section_card(_("Åtagandeplan"), scroll_table(table, _("Åtagandeplan")), pdf)


def case_view(case: CaseView) -> list[Any]:
    """The case as page content: identity, consent, signals, observations, meetings and
    the åtagandeplan."""
    identity = section_card(
        _("Barnet"),
        html.P([html.Strong(case.child_name), " · ", _("född %(d)s", d=_day(case.birth_date))]),
        html.P(case.background, className="sc-background"),
        hint=_("Din roll i ärendet: %(role)s", role=role_text(str(case.role))),
    )
    return [
        html.H2(_("Ärende %(ref)s", ref=case.ref)),
        identity,
        _consent_card(case),
        _plan_card(case),
        _signals_card(case),
        _observations_card(case),
        _meetings_card(case),
    ]


def tombstone_view(receipt: TearUpReceipt) -> list[Any]:
    """What is left of a torn-up case for its coordinator: dates, reason, the
    gallringsbeslut, the counts removed and the guardians' receipt."""
    rows = [[term_label(REMOVED_KINDS, kind), str(count)] for kind, count in receipt.removed]
    return [
        html.H2(_("Ärende %(ref)s", ref=receipt.ref)),
        section_card(
            _("Samtycket är rivet"),
            html.P(
                _(
                    "Alla uppgifter om barnet är borttagna. Parterna kan inte längre dela "
                    "information om barnet."
                )
            ),
            html.Dl(
                [
                    html.Dt(_("Skäl")),
                    html.Dd(_(REASON_LABELS.get(receipt.reason, receipt.reason))),
                    html.Dt(_("Upphörde")),
                    html.Dd(_day(receipt.ended_on)),
                    html.Dt(_("Gallringsbeslut")),
                    html.Dd(receipt.decision),
                ],
                className="sc-facts",
            ),
            simple_table((_("Borttaget"), _("Antal")), rows, "sc-removed", ""),
            html.A(
                _("Kvitto till vårdnadshavare (PDF)"),
                href=receipt_href(receipt.ref),
                className="button-link",
                id=ids.SC_RECEIPT_LINK,
                download="",
            ),
        ),
    ]


def no_case_view(message: str) -> list[Any]:
    """The one answer for an unknown case and a forbidden one alike."""
    return [html.P(message, className="report-error", role="alert")]


def reminders_card(due: Sequence[Reminder], today: date) -> list[html.Div]:
    """Översikt's SSPF card for the coordinator: refs, dates and fixed words only (a
    shared screen), each linking to its case."""
    if not due:
        return []
    items = [
        html.Li(
            [
                dcc.Link(r.ref, href=case_href(r.ref)),
                f" · {_day(r.on)}: {_(REMINDER_LABELS.get(r.kind, r.kind))}",
                _(" (försenad)") if r.on < today else "",
            ]
        )
        for r in due[:10]
    ]
    return [
        html.Div(
            [html.H2(_("SSPF: att följa upp")), html.Ul(items)],
            className="card notice",
            id=ids.OV_SSPF_REMINDERS,
        )
    ]


def _options(pairs: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"label": label, "value": value} for value, label in pairs]


def case_outputs(case: CaseView) -> dict[str, Any]:
    """The case page's outputs for an open case: the view, the forms the viewer's role
    allows and their choices (a party writes for its own organisations only)."""
    coordinator = str(case.role) == "coordinator"
    organisations = sorted({p.organisation for p in case.parties})
    own = organisations if coordinator else sorted(case.own_organisations)
    parties = _options([(o, _term(PARTIES, o)) for o in own])
    items = [
        (str(i.id), f"{_term(PARTIES, i.party)}: {i.what[:60]}")
        for i in case.plan
        if coordinator or i.party in own
    ]
    return {
        "content": case_view(case),
        "party_hidden": False,
        "coordinator_hidden": not coordinator,
        "obs_parties": parties,
        "plan_parties": parties,
        "signal_parties": _options([(o, _term(PARTIES, o)) for o in organisations]),
        "items": [{"label": label, "value": int(value)} for value, label in items],
    }


def closed_outputs(view: list[Any]) -> dict[str, Any]:
    """The case page's outputs when the case cannot be opened: ``view`` and no forms."""
    return {
        "content": view,
        "party_hidden": True,
        "coordinator_hidden": True,
        "obs_parties": [],
        "plan_parties": [],
        "signal_parties": [],
        "items": [],
    }


def active_cases_card(counts: ProtectedCounts) -> html.Section:
    """Lägesbild's one SSPF number: active cases of the kommun, as published."""
    shown = published(counts.display()[0]) if len(counts.frame) else "0"
    return html.Section(
        [
            html.H3(_("Aktiva SSPF-ärenden")),
            html.P(shown, className="lb-sspf-number"),
            html.P(
                _("Ärenden med aktivt samtycke i kommunen; små tal visas inte exakt."),
                className="hint",
            ),
        ],
        className="card",
        id=ids.LB_SSPF_CASES,
    )
