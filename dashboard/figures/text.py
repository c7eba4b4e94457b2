"""User text into Plotly as text: the one escape for every chart string.

Plotly draws titles, axis tick labels, hover labels, annotations and legend names
from a subset of HTML: ``<a href="https://…">`` becomes a clickable link, ``<b>``,
``<span style>`` and ``<br>`` change what is shown. Area, event and association names
come from users and imported files, so every builder passes them through
:func:`plain_text` (also the values shown through ``%{customdata}`` or ``%{text}``);
markup the builders add themselves (``<br>``, ``<b>``) is written around escaped
pieces, never into them.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape


def plain_text(text: object) -> str:
    """``text`` as Plotly text that shows exactly that text: ``&``, ``<`` and ``>``
    as entities (Plotly decodes ``&amp;``, ``&lt;`` and ``&gt;`` when it draws)."""
    return escape(str(text), quote=False)


def plain_lines(lines: Iterable[object]) -> str:
    """Several texts, each escaped, one per line (``<br>`` between them)."""
    return "<br>".join(plain_text(line) for line in lines)
