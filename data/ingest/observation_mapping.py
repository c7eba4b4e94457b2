"""Which column of an uploaded file is which template column."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Final

from data.ingest.observation_rows import COLUMNS, REQUIRED, RowError

ALIASES: Final = {
    "date": "datum",
    "time_band": "tid",
    "tidpunkt": "tid",
    "area": "omrade",
    "område": "omrade",
    "category": "kategori",
    "source": "kalla",
    "källa": "kalla",
    "count": "antal",
    "group_size": "gruppstorlek",
    "age_band": "alder",
    "ålder": "alder",
    "note": "anteckning",
}


def column_key(name: str) -> str:
    """A file's column name as the template column it stands for (or itself, lower-cased)."""
    cleaned = name.strip().lower()
    return ALIASES.get(cleaned, cleaned)


def default_mapping(header: Sequence[str]) -> dict[str, int]:
    """Template column → position in ``header``, for the columns the header names."""
    mapping: dict[str, int] = {}
    for i, name in enumerate(header):
        key = column_key(name)
        if key in COLUMNS and key not in mapping:
            mapping[key] = i
    return mapping


def mapping_errors(header: Sequence[str], mapping: Mapping[str, int]) -> list[RowError]:
    """Why ``mapping`` cannot be used with ``header`` (Swedish, as line-1 errors)."""
    errors: list[RowError] = []
    unknown = sorted(set(mapping) - set(COLUMNS))
    if unknown:
        errors.append(RowError(1, "rubrikrad", f"okända mallkolumner: {', '.join(unknown)}"))
    missing = [c for c in REQUIRED if c not in mapping]
    if missing:
        errors.append(
            RowError(1, "rubrikrad", f"kolumner saknas: {', '.join(missing)} (se mallen)")
        )
    if any(not 0 <= i < len(header) for i in mapping.values()):
        errors.append(RowError(1, "rubrikrad", "en vald kolumn finns inte i filen"))
    used = Counter(mapping.values())
    if any(n > 1 for n in used.values()):
        errors.append(RowError(1, "rubrikrad", "samma kolumn i filen är vald för två fält"))
    return errors
