"""Population aged 10–19 per area, from SCB-style CSV files."""

from __future__ import annotations

import csv
import io
import re
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.areas.layers import AreaImportError
from data.storage.db import bump_version
from data.storage.models import Area

MAX_POPULATION_ROWS: Final = 100_000


CODE_COLUMNS: Final = ("regso_kod", "deso_kod", "deso", "regso", "kod", "code", "region")


POPULATION_COLUMNS: Final = ("alder_10_19", "population_10_19", "folkmangd_10_19")


def _read_csv_text(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    msg = "Filen är varken UTF-8 eller Windows-1252."
    raise AreaImportError(msg)


def _parse_population_csv(
    raw: bytes, *, code_field: str | None = None, value_field: str | None = None
) -> dict[str, int]:
    """Population aged 10–19 per area code from an SCB-style CSV.

    Accepts the wide layout (a column ``alder_10_19``, or ``alder_10_14`` plus
    ``alder_15_19``) and SCB's long layout (``alder`` bands ``10-14``/``15-19``,
    ``kon`` = ``totalt``, ``folkmangd``); ``,`` or ``;`` separated, UTF-8 or
    Windows-1252. Refuses negative or non-integer values and repeated codes.
    """
    text = _read_csv_text(raw)
    if "\x00" in text:
        msg = "Filen innehåller nolltecken: det är ingen textfil (CSV)."
        raise AreaImportError(msg)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        msg = "Hittar ingen avgränsare (komma eller semikolon): är det en CSV-fil?"
        raise AreaImportError(msg) from None
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    fields = [f.strip() for f in reader.fieldnames or []]
    lower = {f.lower(): f for f in fields}
    code_col = code_field or next((lower[c] for c in CODE_COLUMNS if c in lower), None)
    if code_col is None or code_col not in fields:
        msg = (
            f"Hittar ingen kodkolumn. Kolumner i filen: {', '.join(fields)}. "
            "Ange den med --code-field."
        )
        raise AreaImportError(msg)
    result: dict[str, int] = {}
    long_layout = value_field is None and {"alder", "folkmangd"} <= set(lower)
    for line, row in enumerate(reader, start=2):
        if line > MAX_POPULATION_ROWS:
            msg = f"Filen har fler än {MAX_POPULATION_ROWS} rader."
            raise AreaImportError(msg)
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        code = row.get(code_col, "")
        if not code:
            msg = f"Rad {line}: koden saknas."
            raise AreaImportError(msg)
        if long_layout:
            if row.get(lower.get("kon", ""), "totalt") not in ("totalt", "1+2") or row[
                lower["alder"]
            ] not in ("10-14", "15-19"):
                continue
            result[code] = result.get(code, 0) + _whole(row[lower["folkmangd"]], line)
            continue
        if code in result:
            msg = f"Rad {line}: koden {code} förekommer flera gånger."
            raise AreaImportError(msg)
        if value_field is not None:
            result[code] = _whole(row.get(value_field, ""), line)
        elif any(c in lower for c in POPULATION_COLUMNS):
            column = next(lower[c] for c in POPULATION_COLUMNS if c in lower)
            result[code] = _whole(row[column], line)
        elif {"alder_10_14", "alder_15_19"} <= set(lower):
            result[code] = _whole(row[lower["alder_10_14"]], line) + _whole(
                row[lower["alder_15_19"]], line
            )
        else:
            msg = (
                "Hittar ingen kolumn med antal 10–19 år (t.ex. alder_10_19). "
                f"Kolumner i filen: {', '.join(fields)}. Ange den med --value-field."
            )
            raise AreaImportError(msg)
    if not result:
        msg = "Filen innehåller inga befolkningsuppgifter för 10–19 år."
        raise AreaImportError(msg)
    return result


WHOLE_NUMBER: Final = re.compile(r"[0-9]{1,7}")
"""Plain ASCII digits, at most 9,999,999 (more youths than Sweden has is an error)."""


def parse_population_csv(
    raw: bytes, *, code_field: str | None = None, value_field: str | None = None
) -> dict[str, int]:
    """Population aged 10–19 per area code from an SCB-style CSV (see the layouts in
    :func:`_parse_population_csv`); any CSV-level fault is a Swedish refusal."""
    try:
        return _parse_population_csv(raw, code_field=code_field, value_field=value_field)
    except csv.Error:
        msg = "Filen kunde inte läsas som CSV (för långa fält eller trasiga citattecken)."
        raise AreaImportError(msg) from None


def _whole(text: str, line: int) -> int:
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    if not WHOLE_NUMBER.fullmatch(cleaned):
        msg = f"Rad {line}: {text!r} är inte ett heltal ≥ 0."
        raise AreaImportError(msg)
    return int(cleaned)


def import_population(
    session: Session, values: dict[str, int], *, skip_unknown: bool = False
) -> tuple[int, list[str]]:
    """Set ``population_10_19`` for the given codes; return (updated, unknown codes).

    Unknown codes refuse the whole import unless ``skip_unknown``.
    """
    areas = {a.code: a for a in session.scalars(select(Area).where(Area.code.in_(list(values))))}
    unknown = sorted(set(values) - set(areas))
    if unknown and (not skip_unknown or not areas):
        msg = (
            f"{len(unknown)} koder finns inte bland områdena ({', '.join(unknown[:5])} …). "
            "Importera områdena först, eller hoppa över okända koder (--skip-unknown)."
        )
        raise AreaImportError(msg)
    for code, area in areas.items():
        area.population_10_19 = values[code]
    session.flush()
    bump_version(session)
    return len(areas), unknown
