"""The one CSV writer of the project: quoted fields, no cell a spreadsheet can run.

Every CSV the app or the CLI hands out (the map table, the walk schedule, the pay
basis, the import template, the CLI's listings) is written by :func:`csv_text`;
``tests/unit/test_output_safety.py`` fails for any other ``csv.writer``, ``to_csv`` or
``";".join`` under ``dashboard/`` and ``data/``.

Two attacks, two defences (OWASP "CSV Injection"):

- **A separator inside a value** (an association named ``;=HYPERLINK(…)``) would start
  a new cell and shift the ones after it. The :mod:`csv` module quotes every field
  that holds the separator, a quote or a line break, so a value stays one cell.
- **A cell that starts like a formula** (``=``, ``+``, ``-``, ``@``, also after leading
  whitespace, or a leading tab / carriage return / line feed) would be run by Excel or
  LibreOffice (``=HYPERLINK`` leaks data, DDE runs programs).
  :func:`neutralise_formula` puts an apostrophe in front, which spreadsheets show
  as text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Final

_PLAIN_NUMBER: Final = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")
FORMULA_TRIGGERS: Final = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""What a spreadsheet may read as the start of a formula (with the full-width forms
some spreadsheets convert on input)."""
_LEADING_CONTROL: Final = ("\t", "\r", "\n")


def neutralise_formula(cell: str) -> str:
    """Make a CSV cell safe to open in a spreadsheet (formula / DDE injection).

    A cell whose first character is a tab, carriage return or line feed, or whose
    first character after leading whitespace is one of :data:`FORMULA_TRIGGERS`, gets
    a leading apostrophe, which spreadsheets show as text. A cell that is exactly a
    plain number (``-3``, ``+12``, ``-1,5``) is left as is: spreadsheets read it as a
    number, not a formula, and exported counts must stay numeric.
    """
    if not cell:
        return cell
    if _PLAIN_NUMBER.fullmatch(cell):
        return cell
    if cell.startswith(_LEADING_CONTROL) or cell.lstrip().startswith(FORMULA_TRIGGERS):
        return "'" + cell
    return cell


BOM: Final = "\ufeff"
"""The UTF-8 byte order mark: Excel on Windows reads a CSV as UTF-8 (å, ä, ö) only
when the file starts with it."""


def csv_text(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    delimiter: str = ";",
    preamble: Iterable[Sequence[object]] = (),
    bom: bool = False,
) -> str:
    """``header`` and ``rows`` as CSV text: every field quoted where needed, every cell
    through :func:`neutralise_formula` (``None`` is an empty cell, other values their
    ``str``). ``;`` by default (what Swedish Excel expects); ``\\r\\n`` line ends
    (RFC 4180), so a carriage return inside a value is quoted like a line feed.

    ``preamble``: rows written before the header (e.g. ``("Kommun", name)`` recording
    the filters of an export), through the same quoting and neutralising, followed by
    one empty line; they may have any length. ``bom``: start with :data:`BOM`.

    Refuses a row whose length differs from the header's, so a caller's mistake cannot
    shift columns either.
    """
    out = io.StringIO()
    if bom:
        out.write(BOM)
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    lead = [[neutralise_formula("" if v is None else str(v)) for v in row] for row in preamble]
    if lead:
        writer.writerows(lead)
        out.write("\r\n")
    writer.writerow([neutralise_formula(str(h)) for h in header])
    for number, row in enumerate(rows, start=1):
        if len(row) != len(header):
            msg = f"CSV row {number} has {len(row)} cells, the header {len(header)}"
            raise ValueError(msg)
        writer.writerow([neutralise_formula("" if v is None else str(v)) for v in row])
    return out.getvalue()
