"""CSV exports of disclosure-controlled tables, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

from data.privacy.disclosure import ProtectedCounts
from data.privacy.pii import neutralise_formula


def map_table_csv(table: ProtectedCounts, *, period: str, level: str) -> str:
    """The map's table as CSV (``;``, UTF-8): suppressed counts as the marker.

    Every text cell goes through :func:`neutralise_formula`, so an area name that
    starts like a formula (``=``, ``+``, ``-``, ``@``) is never run by a spreadsheet.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["omrade_kod", "omrade", "sammanslagning", "antal", "period", "niva"])
    merged = table.frame["merged"] if "merged" in table.frame.columns else [""] * len(table.frame)
    for code, name, merge, shown in zip(
        table.frame["code"], table.frame["name"], merged, table.display(), strict=True
    ):
        writer.writerow(
            [neutralise_formula(str(v)) for v in (code, name, merge, shown, period, level)]
        )
    return out.getvalue()
