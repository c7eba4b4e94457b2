"""The lägesbild PDF (issue 16): Swedish A4 from a Briefing, every page printed, the
map a vector choropleth, user text literal, an incomplete period marked, and no small
count in a leadership PDF's text."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from reportlab.graphics.shapes import Polygon, Rect, String

from dashboard.lagesbild_drawings import choropleth, nice_step, trend_bars, value_classes
from dashboard.lagesbild_pdf import NO_ASSESSMENT, lagesbild_pdf
from data.briefing.model import AreaValue, Briefing
from data.briefing.period import parse_period, period_label
from tests.briefing_factory import (
    comparison,
    coordinator_briefing,
    leadership_briefing,
    running_briefing,
    square_outlines,
)
from tests.pdf_checks import not_counts, page_ink, pdf_pages, small_counts

HEADINGS = (
    "Lägesbild",
    "Läget i korthet",
    "Rapporter per område",
    "Utveckling över tid",
    "Områden som ökar",
    "Kategorier som minskar",
    "Händelser i perioden",
    "Nattvandring och föräldramöten",
    "Samordnarens bedömning",
    "Beslutade åtgärder",
    "Metod",
)


def render(briefing: Briefing | None = None) -> tuple[bytes, list[str]]:
    briefing = briefing or leadership_briefing()
    raw = lagesbild_pdf(briefing, square_outlines(briefing))
    return raw, pdf_pages(raw)


def test_every_page_is_printed_and_page_one_is_not_mostly_empty() -> None:
    raw, pages = render()
    ink = page_ink(raw)
    assert len(ink) == len(pages) >= 2
    assert all(share > 0.005 for share in ink), ink
    assert ink[0] > 0.03  # title, headline table and the filled map


def test_the_text_names_the_kommun_period_audience_and_swedish_headings() -> None:
    _, pages = render()
    text = " ".join(pages)
    first = pages[0]
    assert "Uppsala – november 2026" in first
    assert "1 november 2026 – 30 november 2026" in first
    assert "Framtagen 2 december 2026" in first and "för kommunledningen" in first
    assert "Alla kategorier 412 380 355" in first  # headline: value, previous, last year
    for heading in HEADINGS:
        assert heading in text, heading
    assert all(f"Sida {n} av {len(pages)}" in page for n, page in enumerate(pages, start=1))
    assert "Perioden pågår" not in text
    coordinator = " ".join(render(coordinator_briefing())[1])
    assert "för SSP-samordningen" in coordinator and "för kommunledningen" not in coordinator


def test_the_sections_show_walks_events_assessment_and_method() -> None:
    _, pages = render()
    text = " ".join(pages)
    assert "Genomförda nattvandringskvällar 10" in text and "Föräldramöten 11" in text
    assert "Lönehelg november 27–29 november 58 40 +45 % Tydlig ökning" in text
    assert "Skadegörelsen ökar i Demoområde 5 sedan höstlovet." in text
    assert "<10: färre än 10 rapporter" in text and "brus (högst ±2)" in text
    assert "sammanslagna: Demoområde 12" in text and "Minsta tidsenhet: månad" in text
    empty = " ".join(render(leadership_briefing(assessment="", actions=" \n"))[1])
    assert NO_ASSESSMENT in empty and "Inga beslutade åtgärder." in empty


def test_a_running_period_is_marked_and_its_month_drawn_as_pending() -> None:
    raw, pages = render(running_briefing())
    assert "Perioden pågår – siffrorna är inte slutliga" in pages[0]
    assert "Räknat till och med 2 december 2026" in pages[0]
    text = " ".join(pages)
    assert "dec 2026 pågående" in text
    assert all(share > 0.005 for share in page_ink(raw))


def test_the_incomplete_month_is_a_pale_dashed_bar_not_a_fall() -> None:
    drawing = trend_bars(running_briefing().monthly, size=(400.0, 160.0))
    bars = [shape for shape in drawing.contents if isinstance(shape, Rect)]
    assert len(bars) == 5  # the suppressed September has no bar, only its marker
    last = bars[-1]
    assert last.strokeDashArray and last.fillColor != bars[0].fillColor
    texts = [shape.text for shape in drawing.contents if isinstance(shape, String)]
    assert "pågående" in texts and "<10" in texts


def test_user_text_is_shown_literally_and_never_read_as_markup() -> None:
    hostile = (
        '<b>fet</b> & </para> <img src="/etc/passwd"/> <font size=40>x</font> '
        + "Lååångtord" * 30
        + " שלום مرحبا 😀"
    )
    area = AreaValue("0380-D01", f"<i>{hostile[:20]}</i> & co", "40", 40)
    briefing = leadership_briefing(
        kommun_name="Uppsala & <Knivsta>",
        assessment=hostile,
        actions="1 < 2 & </para>",
        areas=(area, *leadership_briefing().areas[1:]),
        rising_areas=(comparison("</para><para>Område", 40, 22, 31),),
    )
    raw, pages = render(briefing)
    text = " ".join(pages)
    assert "<b>fet</b> & </para>" in text and '<img src="/etc/passwd"/>' in text
    assert "<font size=40>x</font>" in text
    assert "Uppsala & <Knivsta>" in text and "1 < 2 & </para>" in text
    assert "</para><para>Område" in text
    assert "Lååångtord" * 3 in text.replace(" ", "")
    assert b"/URI" not in raw and b"/Subtype /Image" not in raw


def test_a_leadership_pdf_shows_no_count_below_ten() -> None:
    briefing = leadership_briefing()
    text = " ".join(render(briefing)[1])
    assert small_counts(text, below=briefing.method.k, allowed=not_counts(briefing)) == []
    running = running_briefing()
    text = " ".join(render(running)[1])
    assert small_counts(text, below=10, allowed=not_counts(running)) == []


def test_a_coordinator_pdf_shows_no_count_below_five_but_may_show_five_to_nine() -> None:
    briefing = coordinator_briefing()
    text = " ".join(render(briefing)[1])
    assert small_counts(text, below=5, allowed=not_counts(briefing)) == []
    assert small_counts(text, below=10, allowed=not_counts(briefing))  # 5 and 9 are shown


@pytest.mark.parametrize(
    "wrong",
    [
        {"headline": (comparison("Alla kategorier", 7, 380, 355),)},
        {"areas": (AreaValue("0380-D11", "Demoområde 11", "7", 7),)},
        {"monthly": (("okt 2026", "7", 7, True),)},
        {"rising_areas": (comparison("Demoområde 1", 40, 7, 31),)},
    ],
    ids=["headline", "map-and-area-table", "trend", "area-comparison"],
)
def test_the_small_count_scan_finds_a_wrong_seven(wrong: dict[str, object]) -> None:
    """The scan can fail: a Briefing that (wrongly) holds a 7 is caught wherever the 7
    is printed — also next to an area name ending in a digit."""
    briefing = leadership_briefing(**wrong)
    found = small_counts(" ".join(render(briefing)[1]), below=10, allowed=not_counts(briefing))
    assert found and all("7" in snippet for snippet in found)


def test_the_scan_ignores_dates_weeks_pages_percentages_and_markers() -> None:
    text = (
        "Framtagen 2 december 2026 kl. 08:15, 1–3 mars, 2026-01-05, vecka 5, v. 3, "
        "tertial 2, +8 %, 1,5 gånger, brus ±2, <5 och <10, 2 km, Sida 1 av 3"
    )
    assert small_counts(text, below=10) == []
    assert small_counts("rån 3 st", below=10) == ["rån 3 st"]
    assert small_counts("Demoområde 1 3", below=10, allowed=["Demoområde 1"]) != []
    assert small_counts("Demoområde 11", below=10, allowed=["Demoområde 1"]) == []
    assert small_counts("680 apr 2026 585 maj 2026", below=10) == []  # trend bars


def test_the_map_is_a_vector_choropleth_with_a_legend_of_published_numbers() -> None:
    briefing = leadership_briefing()
    outlines = square_outlines(briefing)
    drawing = choropleth(
        briefing.areas, outlines, briefing.method, size=(480.0, 300.0), kommun_code="0380"
    )
    assert drawing is not None
    polygons = [s for s in drawing.contents if isinstance(s, Polygon)]
    assert len(polygons) == len(briefing.areas) + 1  # the kommun behind them
    fills = {p.fillColor.hexval() for p in polygons[1:] if p.fillColor is not None}
    assert len(fills) >= 6  # classes, zero, suppressed and protected
    merged = [p for p in polygons if p.strokeDashArray]
    assert len(merged) == 1
    texts = {s.text for s in drawing.contents if isinstance(s, String)}
    published = {a.value for a in briefing.areas}
    limits = {t for t in texts if t[:1].isdigit() and not t.endswith("km")}
    for limit in limits:
        assert all(part in published for part in limit.split("–")), limit
    assert "<10 (för få för att visas)" in texts and "sammanslaget område" in texts
    assert choropleth(briefing.areas, {}, briefing.method, size=(480.0, 300.0)) is None


def test_an_all_zero_map_and_trend_draw_no_negative_scale() -> None:
    zeros = tuple(
        replace(a, value="0", number=0, merged=False) for a in leadership_briefing().areas
    )
    briefing = leadership_briefing(areas=zeros, monthly=(("nov 2026", "0", 0, True),))
    _, pages = render(briefing)
    assert "−" not in pages[0].split("Rapporter per område")[1]
    assert value_classes([0, 0]) == []
    ticks = [
        s.text
        for s in trend_bars(briefing.monthly, size=(300.0, 150.0)).contents
        if isinstance(s, String)
    ]
    assert "0" in ticks and "10" in ticks and not any(t.startswith("-") for t in ticks)


def test_axis_steps_never_go_below_ten() -> None:
    assert [nice_step(n) for n in (0, 3, 49, 51, 120, 412, 3000)] == [10, 10, 10, 20, 25, 100, 1000]


@pytest.mark.parametrize("code", ["2026-11", "2026-T3", "2026", "2026-W48"])
def test_every_kind_of_period_is_titled_with_the_one_period_label(code: str) -> None:
    period = parse_period(code)
    briefing = replace(coordinator_briefing(), period=period)
    text = " ".join(pdf_pages(lagesbild_pdf(briefing, square_outlines(briefing))))
    assert f"Uppsala – {period_label(period)}" in text


def test_the_production_time_is_swedish_time() -> None:
    utc = datetime(2026, 12, 2, 7, 15, tzinfo=UTC)  # 08:15 in Stockholm (winter time)
    briefing = replace(leadership_briefing(), produced=utc)
    first = pdf_pages(lagesbild_pdf(briefing, square_outlines(briefing)))[0]
    assert "Framtagen 2 december 2026 kl. 08:15" in first
