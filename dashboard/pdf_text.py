"""Text into PDFs as text: the one way a string becomes a ReportLab paragraph.

ReportLab's :class:`~reportlab.platypus.Paragraph` reads its text as markup: ``<img
src="/path"/>`` embeds a local file (or fetches a URL), ``<a href>`` makes a link,
``<font>`` and unbalanced tags change or break the page. Names in a PDF come from
users (areas, associations, meeting places, local events in the forecast's reasons),
so every string goes through :func:`paragraph`, which escapes it;
``tests/unit/test_output_safety.py`` fails for a ``Paragraph(`` anywhere else.
"""

from __future__ import annotations

import re
from typing import Final
from xml.sax.saxutils import escape

from reportlab.lib.styles import PropertySet
from reportlab.platypus import Paragraph

_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]+")


def pdf_escaped(text: str) -> str:
    """``text`` as paragraph markup that shows exactly that text: ``&``, ``<`` and
    ``>`` escaped, control characters (line breaks, tabs) as a space."""
    return escape(_CONTROL.sub(" ", text))


def paragraph(text: str, style: PropertySet) -> Paragraph:
    """A paragraph showing ``text`` literally, never interpreting it as markup."""
    return Paragraph(pdf_escaped(text), style)
