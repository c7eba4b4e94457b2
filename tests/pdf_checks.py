"""Checks of a printed PDF shared by the lägesbild tests (unit, CLI, page): every page
rendered and non-blank, its text, and a scan for small counts in that text.

The scan (:func:`small_counts`) looks for standalone whole numbers below the
threshold ``below`` that are not something else: dates ("1 december", 2026-11-01),
week and tertial numbers ("vecka 5", "T3"), times (08:15), page numbers ("Sida 1 av
3"), percentages ("+8 %"), decimals and ratios ("1,5"), the noise ("±2"), markers of
a threshold ("<5", "<10"), distances on a scale bar ("2 km"). Strings the test names
as not counts — area and event names ("Demoområde 3"), the walks' figures (nights
and meetings, not reports about young people) — are removed first, each only where
no digit follows ("Demoområde 1" never hides the "1" of "Demoområde 11 7").
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Final

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from data.briefing.model import Briefing
from data.vocabulary import MONTH_NAMES

MONTHS: Final = "|".join(MONTH_NAMES)
NOT_COUNTS: Final = re.compile(
    "|".join(
        (
            r"Sida \d+ av \d+",
            # 1 december, 27–29 november; never the tail of a count ("585 maj 2026")
            rf"(?<!\d)\d{{1,2}}(?:\s*[–-]\s*\d{{1,2}})?\s+(?:{MONTHS})",
            r"\d{4}-(?:W|T)?\d{1,2}(?:-\d{1,2})?",  # 2026-11-01, 2026-W05, 2026-T3
            r"(?:vecka|v\.)\s*\d{1,2}(?:\s*[–-]\s*\d{1,2})?",
            r"tertial\s+\d",
            r"\d{1,2}[:.]\d{2}",  # 08:15
            r"[+−-]?\d+(?:,\d+)?\s*%",
            r"\d+,\d+",
            r"±\s*\d+",
            r"<\s*\d+",
            r"\d+\s*k?m\b",
        )
    ),
    re.IGNORECASE,
)
NUMBER: Final = re.compile(r"(?<![\w,.])\d+(?![\w,]|\.\d)")


def pdf_pages(raw: bytes) -> list[str]:
    """Each page's text, whitespace collapsed to single spaces."""
    pdf = pdfium.PdfDocument(raw)
    try:
        return [" ".join(page.get_textpage().get_text_range().split()) for page in pdf]
    finally:
        pdf.close()


def page_ink(raw: bytes, *, scale: float = 0.5) -> list[float]:
    """Each rendered page's share of pixels darker than mid-grey (0 for a blank page)."""
    pdf = pdfium.PdfDocument(raw)
    try:
        images = [np.asarray(page.render(scale=scale).to_pil().convert("L")) for page in pdf]
    finally:
        pdf.close()
    return [float((image < 128).mean()) for image in images]


def not_counts(briefing: Briefing) -> list[str]:
    """The briefing's texts that may hold digits without being counts: area, comparison
    and event names, when events were, and the walks' rows as the PDF prints them."""
    from dashboard.lagesbild_pdf import walk_rows

    names = [a.name for a in briefing.areas]
    names += [c.label for c in (*briefing.rising_areas, *briefing.falling_areas)]
    names += [t for e in briefing.events for t in (e.name, e.when)]
    names += [f"{label} {value}" for label, value in walk_rows(briefing.walks)]
    return names


def small_counts(text: str, *, below: int, allowed: Iterable[str] = ()) -> list[str]:
    """Every standalone number 1 … ``below`` − 1 in ``text`` that is not a date, week,
    page number, percentage, marker (module docstring) or inside an ``allowed`` string;
    each with some text around it, to say where it was."""
    for phrase in sorted(set(allowed), key=len, reverse=True):
        words = r"\s+".join(re.escape(w) for w in phrase.split())
        text = re.sub(rf"{words}(?![\d])", " ", text)
    text = NOT_COUNTS.sub(" ", text)
    return [
        text[max(0, m.start() - 30) : m.end() + 30]
        for m in NUMBER.finditer(text)
        if 1 <= int(m.group()) < below
    ]


def pdftoppm_ink(raw: bytes, *, dpi: int = 40) -> list[float]:
    """Each page as poppler's ``pdftoppm`` renders it (a second renderer besides
    pdfium): its share of pixels darker than mid-grey, 0 for a blank page. The caller
    skips (outside CI) when ``pdftoppm`` is missing: ``make test`` installs it."""
    tool = shutil.which("pdftoppm")
    assert tool, "pdftoppm (Debian poppler-utils) is not installed"
    with tempfile.TemporaryDirectory(prefix="ssp-pdftoppm-") as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(raw)
        subprocess.run(
            [tool, "-r", str(dpi), "-gray", str(source), str(Path(folder) / "page")],
            check=True,
            capture_output=True,
            timeout=60,
        )
        pages = sorted(Path(folder).glob("page*.pgm"))
        shares = []
        for page in pages:
            with Image.open(page) as image:
                pixels = np.asarray(image.convert("L"))
            shares.append(float((pixels < 128).mean()))
        return shares


def receipt_counts(text: str) -> dict[str, int]:
    """The receipt's "Detta har tagits bort" table as {kind: number} (the kinds of
    :data:`data.consent.vocabulary.REMOVED_KINDS`), read from its text: each label
    must be followed by its count, so a receipt that lists the labels with wrong (or
    all-zero) numbers does not pass a test that compares the counts."""
    from data.consent.vocabulary import REMOVED_KINDS

    found: dict[str, int] = {}
    for term in REMOVED_KINDS:
        label = " ".join(term.label.split())
        match = re.search(re.escape(label) + r" (\d+)\b", text)
        assert match is not None, f"{label!r} without a count in the receipt"
        found[term.code] = int(match.group(1))
    return found
