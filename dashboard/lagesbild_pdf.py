"""The lägesbild as a Swedish A4 PDF (ReportLab), from a :class:`Briefing` — values
that have all passed disclosure control — and the areas' outlines.

Page one: title, kommun, period, when and for whom it was made, the "Perioden pågår"
banner while the period runs, the headline figures with their change, and the map.
Then the trend, rising and falling areas and categories, events, walks, the
coordinator's bedömning and åtgärder, the method box and every area's value.
Every user text (area and event names, the assessment) goes through
:func:`dashboard.pdf_text.paragraph`; "Sida N av M" on every page.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Final

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, StyleSheet1, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from dashboard.lagesbild_drawings import choropleth, trend_bars
from dashboard.pdf_parts import BLUE, GREY, a4_document, numbered_canvas, swedish_day
from dashboard.pdf_text import paragraph
from data.briefing.model import Briefing, Comparison, Method, WalkFigures
from data.briefing.period import period_label
from data.clock import SWEDISH_TIME
from data.planning.printout import AreaOutline
from data.vocabulary import label_of
from data.weekly.actions import ACTION_OWNERS, ACTION_STATUSES

WIDTH: Final = A4[0] - 36 * mm
"""The text width in points (18 mm margins)."""
MAP_HEIGHT: Final = 320.0
TREND_HEIGHT: Final = 165.0
AUDIENCE: Final = {"leadership": "för kommunledningen", "coordinator": "för SSP-samordningen"}
BANNER: Final = colors.HexColor("#fff1c2")
METHOD_BACKGROUND: Final = colors.HexColor("#eef3f8")
NO_ASSESSMENT: Final = "Ingen bedömning skriven."
NO_ACTIONS: Final = "Inga beslutade åtgärder."
NO_DECIDED: Final = "Inga åtgärder från veckomötena under perioden."
COMPARISON_WIDTHS: Final = (0.27, 0.11, 0.13, 0.13, 0.36)
"""Shares of the text width: name, the period, previous, last year, the change."""


def _styles() -> dict[str, ParagraphStyle]:
    sheet: StyleSheet1 = getSampleStyleSheet()
    cell = ParagraphStyle("cell", parent=sheet["Normal"], fontSize=8.5, leading=10.5)
    return {
        "title": ParagraphStyle("title", parent=sheet["Title"], spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", parent=sheet["Heading2"], spaceBefore=0),
        "h": ParagraphStyle("h", parent=sheet["Heading3"], spaceBefore=9, spaceAfter=4),
        "normal": ParagraphStyle("normal", parent=sheet["Normal"]),
        "small": ParagraphStyle("small", parent=cell, textColor=colors.HexColor("#444444")),
        "cell": cell,
        "header": ParagraphStyle("header", parent=cell, textColor=colors.white),
        "banner": ParagraphStyle("banner", parent=sheet["Normal"], fontName="Helvetica-Bold"),
    }


def _grid(
    rows: Sequence[Sequence[Flowable]], widths: Sequence[float], *, header: bool = True
) -> Table:
    table = Table(
        [list(r) for r in rows],
        repeatRows=1 if header else 0,
        colWidths=[w * WIDTH for w in widths],
    )
    table.setStyle(
        TableStyle([("GRID", (0, 0), (-1, -1), 0.5, GREY), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    )
    if header:
        table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), BLUE)]))
    table.hAlign = "LEFT"
    return table


def _comparisons(
    first: str, lines: Sequence[Comparison], briefing: Briefing, s: Mapping[str, ParagraphStyle]
) -> Flowable:
    if not lines:
        return paragraph("Inga.", s["small"])
    heads = (
        first,
        period_label(briefing.period).capitalize(),
        f"Föregående ({period_label(briefing.previous)})",
        f"I fjol ({period_label(briefing.year_before)})",
        "Förändring",
    )
    rows = [[paragraph(h, s["header"]) for h in heads]]
    for line in lines:
        cells = (line.label, line.value, line.previous, line.last_year, line.text)
        rows.append([paragraph(text, s["cell"]) for text in cells])
    return _grid(rows, COMPARISON_WIDTHS)


def _front(briefing: Briefing, s: Mapping[str, ParagraphStyle]) -> list[Flowable]:
    period = briefing.period
    first, last = (swedish_day(d, weekday=False) for d in (period.first_day, period.last_day))
    days = f"{first} – {last}"
    produced = briefing.produced
    if produced.tzinfo is not None:  # the app clock's now() is UTC; the reader is in Sweden
        produced = produced.astimezone(SWEDISH_TIME)
    story: list[Flowable] = [
        paragraph("Lägesbild", s["title"]),
        paragraph(f"{briefing.kommun_name} – {period_label(period)}", s["subtitle"]),
        paragraph(
            f"Perioden {days}. Framtagen {swedish_day(produced.date(), weekday=False)} "
            f"kl. {produced:%H:%M} {AUDIENCE[briefing.audience]}.",
            s["normal"],
        ),
    ]
    if not briefing.complete:
        banner = Table(
            [
                [
                    paragraph(
                        "Perioden pågår – siffrorna är inte slutliga. Räknat till och med "
                        f"{swedish_day(briefing.counted_to, weekday=False)}; ingen förändring "
                        "mot tidigare perioder påstås.",
                        s["banner"],
                    )
                ]
            ],
            colWidths=[WIDTH],
        )
        banner.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), BANNER),
                    ("BOX", (0, 0), (-1, -1), 1.2, colors.HexColor("#b8860b")),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        story += [Spacer(1, 6), banner]
    story += [
        paragraph("Läget i korthet", s["h"]),
        _comparisons("Rapporter", briefing.headline, briefing, s),
    ]
    return story


def _map(
    briefing: Briefing, outlines: Mapping[str, AreaOutline], s: Mapping[str, ParagraphStyle]
) -> list[Flowable]:
    heading = paragraph(f"Rapporter per område, {period_label(briefing.period)}", s["h"])
    drawing = choropleth(
        briefing.areas,
        outlines,
        briefing.method,
        size=(WIDTH, MAP_HEIGHT),
        kommun_code=briefing.kommun_code,
    )
    if drawing is None:
        return [heading, paragraph("Ingen karta: områdena saknar geometri.", s["small"])]
    merged = [a.name for a in briefing.areas if a.merged]
    note = "Streckad kant: " + ", ".join(merged) + " visas sammanslaget." if merged else ""
    note = f"Siffran i området är det publicerade antalet. {note}".strip()
    return [KeepTogether([heading, drawing, paragraph(note, s["small"])])]


def _trend(briefing: Briefing, s: Mapping[str, ParagraphStyle]) -> list[Flowable]:
    heading = paragraph("Utveckling över tid", s["h"])
    if not briefing.monthly:
        return [heading, paragraph("Ingen tidsserie.", s["small"])]
    note = "Varje stapel är det publicerade antalet rapporter."
    if not all(complete for *_, complete in briefing.monthly):
        note += " Ljus stapel med streckad kant: pågående, inte slutlig – ingen minskning."
    drawing = trend_bars(briefing.monthly, size=(WIDTH, TREND_HEIGHT))
    return [KeepTogether([heading, drawing, paragraph(note, s["small"])])]


def _events(briefing: Briefing, s: Mapping[str, ParagraphStyle]) -> list[Flowable]:
    heading = paragraph("Händelser i perioden", s["h"])
    if not briefing.events:
        return [heading, paragraph("Inga händelser i kalendern under perioden.", s["small"])]
    heads = ("Händelse", "När", "Rapporter", "Väntat", "Skillnad", "")
    rows = [[paragraph(h, s["header"]) for h in heads]]
    for event in briefing.events:
        mark = "Tydlig ökning" if event.clear_rise else ""
        cells = (event.name, event.when, event.observed, event.expected, event.uplift, mark)
        rows.append([paragraph(text, s["cell"]) for text in cells])
    return [KeepTogether([heading, _grid(rows, (0.3, 0.2, 0.12, 0.11, 0.11, 0.16))])]


def walk_rows(walks: WalkFigures) -> list[tuple[str, str]]:
    """The walks' figures as (label, value) rows, as the PDF shows them."""
    return [
        ("Planerade nattvandringskvällar", str(walks.nights_planned)),
        ("Genomförda nattvandringskvällar", str(walks.nights_held)),
        ("Vandrarkvällar (vandrare × kvällar)", str(walks.walker_nights)),
        ("Föräldramöten", str(walks.parent_meetings)),
    ]


def _walks(briefing: Briefing, s: Mapping[str, ParagraphStyle]) -> list[Flowable]:
    rows = [
        [paragraph(label, s["cell"]), paragraph(value, s["cell"])]
        for label, value in walk_rows(briefing.walks)
    ]
    return [
        paragraph("Nattvandring och föräldramöten", s["h"]),
        _grid(rows, (0.5, 0.15), header=False),
    ]


def _assessment(briefing: Briefing, s: Mapping[str, ParagraphStyle]) -> list[Flowable]:
    def lines(text: str, empty: str) -> list[Flowable]:
        kept = [line for line in text.splitlines() if line.strip()]
        return [paragraph(line, s["normal"]) for line in kept] or [paragraph(empty, s["small"])]

    assessment = lines(briefing.assessment, NO_ASSESSMENT)
    actions = lines(briefing.actions, NO_ACTIONS)
    decided = lines("\n".join(decided_lines(briefing)), NO_DECIDED)
    return [
        KeepTogether([paragraph("Samordnarens bedömning", s["h"]), assessment[0]]),
        *assessment[1:],
        KeepTogether([paragraph("Beslutade åtgärder", s["h"]), actions[0]]),
        *actions[1:],
        KeepTogether([paragraph("Åtgärder från veckomötena", s["h"]), decided[0]]),
        *decided[1:],
    ]


def decided_lines(briefing: Briefing) -> list[str]:
    """The weekly meetings' actions of the period: "Öppen, Polis: 2" per status and
    owner, each what-text under it where the briefing holds them (coordinators)."""
    out = []
    for a in briefing.decided:
        status, owner = label_of(ACTION_STATUSES, a.status), label_of(ACTION_OWNERS, a.owner)
        out.append(f"{status}, {owner}: {a.count}")
        out += [f"– {title}" for title in a.titles if title.strip()]
    return out


def method_lines(method: Method, *, complete: bool) -> list[str]:
    """What a reader must know to read the numbers, one sentence each."""
    merged = ", ".join(method.merged_areas)
    lines = [
        f"{method.marker}: färre än {method.k} rapporter. Så små antal visas inte, så att "
        "ingen enskild händelse eller person kan pekas ut.",
        f"{method.secondary_marker}: en siffra som döljs för att en annan dold siffra inte "
        "ska kunna räknas fram ur summor eller skillnader.",
        f"{method.noise} Förändringar jämförs bara mellan publicerade siffror.",
        f"Områden med för få unga för att visas ensamma är sammanslagna: {merged}."
        if merged
        else "Inga områden är sammanslagna.",
        f"Minsta tidsenhet: {method.time_grain}. Perioder räknas i hela veckor; en vecka hör "
        "till den månad där dess torsdag ligger.",
    ]
    if not complete:
        lines.append("Perioden pågår: siffrorna kan ändras när fler rapporter kommer in.")
    return lines


def _method(briefing: Briefing, s: Mapping[str, ParagraphStyle]) -> list[Flowable]:
    rows = [[paragraph("Metod – så läser du siffrorna", s["banner"])]]
    rows += [
        [paragraph(line, s["cell"])]
        for line in method_lines(briefing.method, complete=briefing.complete)
    ]
    box = Table(rows, colWidths=[WIDTH])
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), METHOD_BACKGROUND),
                ("BOX", (0, 0), (-1, -1), 0.8, BLUE),
            ]
        )
    )
    return [Spacer(1, 10), KeepTogether([box])]


def _all_areas(briefing: Briefing, s: Mapping[str, ParagraphStyle]) -> list[Flowable]:
    if not briefing.areas:
        return []
    pairs = [(a.name + (" (sammanslaget)" if a.merged else ""), a.value) for a in briefing.areas]
    third = (len(pairs) + 2) // 3
    columns = [pairs[i * third : (i + 1) * third] for i in range(3)]
    rows: list[list[Flowable]] = [[paragraph(h, s["header"]) for h in ("Område", "Antal") * 3]]
    for index in range(third):
        row: list[Flowable] = []
        for column in columns:
            name, value = column[index] if index < len(column) else ("", "")
            row += [paragraph(name, s["cell"]), paragraph(value, s["cell"])]
        rows.append(row)
    heading = paragraph(f"Alla områden, {period_label(briefing.period)}", s["h"])
    return [KeepTogether([heading, _grid(rows, (0.23, 0.1) * 3)])]


def lagesbild_pdf(briefing: Briefing, outlines: Mapping[str, AreaOutline]) -> bytes:
    """The lägesbild as A4 PDF bytes; ``outlines`` by area code in metres
    (:func:`data.briefing.outlines.briefing_outlines`), the kommun's own as backdrop."""
    s = _styles()
    buffer = io.BytesIO()
    title = f"Lägesbild {briefing.kommun_name} {period_label(briefing.period)}"
    document = a4_document(buffer, title=title, top_mm=16)
    story = [
        *_front(briefing, s),
        *_map(briefing, outlines, s),
        *_trend(briefing, s),
        *(
            KeepTogether([paragraph(title, s["h"]), _comparisons(first, lines, briefing, s)])
            for title, first, lines in (
                ("Områden som ökar", "Område", briefing.rising_areas),
                ("Områden som minskar", "Område", briefing.falling_areas),
                ("Kategorier som ökar", "Kategori", briefing.rising_categories),
                ("Kategorier som minskar", "Kategori", briefing.falling_categories),
            )
        ),
        *_events(briefing, s),
        *_walks(briefing, s),
        *_assessment(briefing, s),
        *_method(briefing, s),
        *_all_areas(briefing, s),
    ]
    footer = f"Lägesbild {briefing.kommun_name} – {period_label(briefing.period)}"
    document.build(story, canvasmaker=numbered_canvas(footer))
    return buffer.getvalue()
