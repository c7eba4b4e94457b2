"""The SSPF printouts (A4 PDF, Swedish): the åtagandeplan for the family meeting and
the guardians' receipt after the consent was torn up.

The åtagandeplan holds personal data (it is printed for the meeting with the family
and the parties); the receipt holds none: it is built from the tombstone
(:class:`data.consent.teardown.TearUpReceipt`) — reference, kommun, dates, reason, the
gallringsbeslut and the counts of what was removed — so it can be made at any time
after the content is gone. Every user text goes through
:func:`dashboard.pdf_text.paragraph` (never read as markup).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Final

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle, PropertySet, getSampleStyleSheet
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from dashboard.pdf_parts import BLUE, GREY, a4_document, numbered_canvas, swedish_day
from dashboard.pdf_text import paragraph
from data.consent.cases import CaseView
from data.consent.teardown import TearUpReceipt
from data.consent.vocabulary import CONSENT_STATUSES, PARTIES, PLAN_STATUSES, REMOVED_KINDS
from data.vocabulary import label_of

PLAN_FOOTER: Final = "Åtagandeplan SSPF – innehåller personuppgifter, omfattas av sekretess"
RECEIPT_FOOTER: Final = "Kvitto SSPF – innehåller inga personuppgifter"
PLAN_COLUMNS: Final = ("Part", "Vad", "Senast", "Uppföljning", "Status")
PLAN_WIDTHS: Final = (70, 200, 62, 62, 60)
REASONS: Final = {
    "withdrawn": "Samtycket återkallades",
    "ended": "SSPF avslutades och samtycket revs",
    "expired": "Samtycket gick ut",
}
NO_LONGER_SHARED: Final = (
    "Samtycket är rivet. Skola, socialtjänst, polis, fritid och övriga parter kan inte "
    "längre dela information om barnet med varandra inom SSPF."
)


def _styles() -> tuple[PropertySet, PropertySet, ParagraphStyle, ParagraphStyle]:
    styles = getSampleStyleSheet()
    cell = ParagraphStyle("cell", parent=styles["Normal"], fontSize=9, leading=11)
    header = ParagraphStyle("header", parent=cell, textColor=colors.white)
    return styles["Title"], styles["Heading2"], cell, header


def _table(rows: Sequence[Sequence[Flowable]], widths: Sequence[float]) -> Table:
    table = Table([list(row) for row in rows], repeatRows=1, colWidths=list(widths))
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), BLUE),
                ("GRID", (0, 0), (-1, -1), 0.5, GREY),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _party(code: str) -> str:
    try:
        return label_of(PARTIES, code)
    except KeyError:
        return code


def _removed(kind: str) -> str:
    try:
        return label_of(REMOVED_KINDS, kind)
    except KeyError:
        return kind


def _day(value: date | None) -> str:
    return swedish_day(value, weekday=False) if value is not None else "–"


def plan_pdf(case: CaseView) -> bytes:
    """The case's åtagandeplan as A4 PDF bytes: child, consent, parties, every item
    (party, what, by when, follow-up, status) and lines for the signatures."""
    buffer = io.BytesIO()
    title, heading, cell, header = _styles()
    document = a4_document(buffer, title=f"Åtagandeplan {case.ref}")
    story: list[Flowable] = [
        paragraph("Åtagandeplan – SSPF", title),
        paragraph(f"Ärende {case.ref}", heading),
        paragraph(f"Barn: {case.child_name}, född {case.birth_date.isoformat()}", cell),
        paragraph(
            f"Samtycke undertecknat {_day(case.signed_on)}, giltigt till "
            f"{_day(case.valid_until)} ({label_of(CONSENT_STATUSES, case.consent_status)}).",
            cell,
        ),
        paragraph("Vårdnadshavare: " + ", ".join(case.guardians), cell),
        paragraph("Parter", heading),
    ]
    story += [
        paragraph(f"{_party(p.organisation)}: {p.label or p.username}", cell) for p in case.parties
    ]
    story.append(paragraph("Åtaganden", heading))
    rows = [[paragraph(h, header) for h in PLAN_COLUMNS]]
    rows += [
        [
            paragraph(text, cell)
            for text in (
                _party(item.party),
                item.what,
                _day(item.due_on),
                _day(item.follow_up_on),
                label_of(PLAN_STATUSES, item.status),
            )
        ]
        for item in case.plan
    ]
    if case.plan:
        story.append(_table(rows, PLAN_WIDTHS))
    else:
        story.append(paragraph("Inga åtaganden ännu.", cell))
    story.append(paragraph("Underskrifter", heading))
    signers = [
        *(f"Vårdnadshavare: {g}" for g in case.guardians),
        "Barnet",
        *(f"{_party(p.organisation)}: {p.label or p.username}" for p in case.parties),
        f"SSPF-samordnare: {case.coordinator_name}",
    ]
    sign = "Underskrift och datum: ______________________"
    lines = [[paragraph(who, cell), paragraph(sign, cell)] for who in signers]
    story.append(KeepTogether([Spacer(1, 6), Table(lines, colWidths=[200, 254], rowHeights=28)]))
    document.build(story, canvasmaker=numbered_canvas(PLAN_FOOTER))
    return buffer.getvalue()


def receipt_pdf(receipt: TearUpReceipt, *, kommun: str) -> bytes:
    """The guardians' receipt of a torn-up consent as A4 PDF bytes: reference, kommun
    (``kommun`` is its name), dates, reason, the gallringsbeslut, what was removed
    (counts per kind) and that the parties can no longer share information. No
    personal data."""
    buffer = io.BytesIO()
    title, heading, cell, header = _styles()
    document = a4_document(buffer, title=f"Kvitto {receipt.ref}")
    story: list[Flowable] = [
        paragraph("Kvitto: samtycket har upphört", title),
        paragraph(f"SSPF-ärende {receipt.ref}, {kommun} kommun", heading),
        paragraph(f"Ärendet öppnades: {_day(receipt.opened_on)}", cell),
        paragraph(f"Samtycket undertecknades: {_day(receipt.signed_on)}", cell),
        paragraph(f"Samtycket upphörde: {_day(receipt.ended_on)}", cell),
        paragraph(f"Skäl: {REASONS.get(receipt.reason, receipt.reason)}", cell),
        paragraph(f"Gallringsbeslut: {receipt.decision}", cell),
        paragraph("Detta har tagits bort", heading),
    ]
    rows = [[paragraph(h, header) for h in ("Uppgifter", "Antal")]]
    rows += [
        [paragraph(_removed(kind), cell), paragraph(str(count), cell)]
        for kind, count in receipt.removed
    ]
    story += [
        _table(rows, (340, 80)),
        Spacer(1, 10),
        paragraph(NO_LONGER_SHARED, cell),
        paragraph(
            "Kvar finns bara ärendets referens, datumen ovan, skälet och antalet borttagna "
            "uppgifter – inga uppgifter om barnet eller familjen.",
            cell,
        ),
    ]
    document.build(story, canvasmaker=numbered_canvas(RECEIPT_FOOTER))
    return buffer.getvalue()
