"""CSV exports of disclosure-controlled tables, safe to open in a spreadsheet."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from data.privacy.csv_safe import csv_text
from data.privacy.disclosure import ProtectedCounts

MAP_COLUMNS: Final = ("omrade_kod", "omrade", "sammanslagning", "antal", "period", "niva")


def map_table_csv(
    table: ProtectedCounts,
    *,
    period: str,
    level: str,
    filters: Sequence[tuple[str, str]] = (),
) -> str:
    """The map's table as CSV (``;``, UTF-8 with a byte order mark, so Excel on Windows
    shows å, ä, ö): suppressed counts as the marker.

    ``filters`` (label, value) pairs — kommun, period, categories, sources, level, the
    protection and the day it was produced — are written as a first block before the
    table, so a file passed on says what it counts. Written by
    :func:`~data.privacy.csv_safe.csv_text`: an area or event name holding the
    separator stays one cell, one that starts like a formula is never run.
    """
    merged = table.frame["merged"] if "merged" in table.frame.columns else [""] * len(table.frame)
    rows = [
        (code, name, merge, shown, period, level)
        for code, name, merge, shown in zip(
            table.frame["code"], table.frame["name"], merged, table.display(), strict=True
        )
    ]
    return csv_text(MAP_COLUMNS, rows, preamble=filters, bom=True)
