"""One observation as text per column: its columns, checks and messages.

Shared by the bulk import and the report form, so both refuse exactly the same
things; every cell passes the PII guard first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.privacy.csv_safe import csv_text
from data.privacy.pii import find_pii, pii_message
from data.storage.models import Category, Source
from data.vocabulary import AGE_BANDS, GROUP_SIZE_BANDS

COLUMNS: Final = (
    "datum",
    "tid",
    "omrade",
    "kategori",
    "kalla",
    "antal",
    "gruppstorlek",
    "alder",
    "anteckning",
)
"""The template's columns (Swedish, ASCII); English names are accepted too."""
REQUIRED: Final = ("datum", "omrade", "kategori", "kalla")
TIME_BANDS: Final = {
    "": None,
    "dag": "day",
    "day": "day",
    "kväll": "evening",
    "kvall": "evening",
    "evening": "evening",
    "natt": "night",
    "night": "night",
}
IMPORT_ONLY_SOURCES: Final = frozenset({"polisen_se"})
"""Sources that only an import writes (polisen.se's events): never offered on the
report form and refused when a form posts one."""
FORM_MESSAGES: Final = {
    "datum": "Välj ett datum.",
    "tid": "Välj dag, kväll eller natt.",
    "omrade": "Välj ett område.",
    "kategori": "Välj en kategori.",
    "kalla": "Välj en källa.",
    "antal": "Skriv antalet händelser: ett heltal, minst 1.",
    "gruppstorlek": "Välj en gruppstorlek i listan (eller ingen).",
    "alder": "Välj en åldersgrupp i listan (eller ingen).",
}
"""The report form's message per field when a choice is missing or not one of the
list's (the file import's messages speak of the template's cells instead)."""
EARLIEST: Final = date(2000, 1, 1)
MAX_NOTE: Final = 280
MAX_ROWS: Final = 1_000_000
"""Rows per file through the web upload (the Importera page's check and import jobs).
A browser upload is at most ``SSP_MAX_UPLOAD_MB`` (60 MB, about a million rows) and is
read twice by a job beside the web workers; the cap keeps such a job to minutes and
tells the user where larger files go. ``ssp import-observations`` has no cap: it
streams any size in flat memory (operators, national files of ten million rows)."""
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters (tab and line breaks are text) are refused in every cell."""
MAX_CLEAN_CELL: Final = 40
MAX_CLEAN_CELLS: Final = 100_000
_DATE_FORMATS: Final = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
    re.compile(r"(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4})"),
)
TEMPLATE_EXAMPLE: Final = (
    "2026-11-20",
    "kväll",
    "0380-D01",
    "samling",
    "fritid",
    "2",
    "5-9",
    "13-15",
    "Samling vid skolgården efter stängning",
)


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one row (line numbers as in a spreadsheet: the header is line 1)."""

    line: int
    column: str
    message: str

    def text(self) -> str:
        """The error as one Swedish line."""
        return f"Rad {self.line}, {self.column}: {self.message}"


def template_csv() -> str:
    """The CSV template: the header and one valid example row (``;``-separated)."""
    return csv_text(COLUMNS, [TEMPLATE_EXAMPLE])


def checked_day(year: int, month: int, day: int, today: date) -> date | str:
    """The date, or why it cannot be an observation's date (Swedish): it must exist
    and lie between 2000-01-01 and today. Shared by imports, the report and walk forms."""
    try:
        value = date(year, month, day)
    except ValueError:
        return "datumet finns inte"
    if value > today:
        return "datumet ligger i framtiden"
    if value < EARLIEST:
        return "datumet är före år 2000"
    return value


DATE_FORMAT_HELP: Final = "okänt datumformat; skriv t.ex. 2026-11-20 eller 20/11/2026"


def date_parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a date written 2026-11-20, 20261120, 20/11/2026 or
    20.11.2026; ``None`` for anything else. The caller checks that the date exists."""
    for pattern in _DATE_FORMATS:
        match = pattern.fullmatch(text.strip())
        if match:
            return int(match["y"]), int(match["m"]), int(match["d"])
    return None


def _parse_date(text: str, today: date) -> date | str:
    parts = date_parts(text)
    if parts is None:
        return DATE_FORMAT_HELP
    return checked_day(*parts, today)


def _parse_count(text: str) -> int | str:
    cleaned = text.replace(" ", "").replace(",", ".") or "1"
    if re.fullmatch(r"[0-9]{1,6}(\.0+)?", cleaned):
        value = int(float(cleaned))
        return value if value >= 1 else "antalet måste vara minst 1"
    return "antalet måste vara ett heltal, minst 1"


def validate_observation(
    value: dict[str, str],
    *,
    categories: dict[str, str],
    sources: dict[str, str],
    today: date,
    clean: set[str] | None = None,
    count_required: bool = False,
    form: bool = False,
) -> tuple[dict[str, object] | None, list[tuple[str, str]]]:
    """Validate one observation given as text per column (see ``COLUMNS``).

    Returns (row, []) or (None, [(column, Swedish message), …]). Shared by the CSV
    import and the report form, so both refuse exactly the same things. A cell with
    PII is blanked before anything else looks at it, and no message repeats it.
    ``clean`` (bulk imports) remembers short cells already found free of PII — dates,
    codes and counts repeat on every row; a cell with PII is never remembered.
    In a file an empty count means 1; with ``count_required`` (the report form, whose
    browser empties a count field that is not a number) it is refused instead.
    ``form`` (the report form) words a missing or unknown choice as the form's
    message per field (:data:`FORM_MESSAGES`), one per field, and refuses the
    import-only sources.
    """
    value = {name: (text or "").strip() for name, text in value.items()}
    errors: list[tuple[str, str]] = []
    for name, cell in value.items():
        if clean is not None and cell in clean:
            continue
        if _CONTROL.search(cell):
            errors.append((name, "innehåller styrtecken som inte är text"))
            value[name] = ""
            continue
        findings = find_pii(cell)
        if findings:
            errors.append((name, pii_message(name, findings)))
            value[name] = ""  # never kept, never echoed
        elif clean is not None and len(cell) <= MAX_CLEAN_CELL and len(clean) < MAX_CLEAN_CELLS:
            clean.add(cell)
    day = _parse_date(value.get("datum", ""), today) if value.get("datum") else "datum saknas"
    if isinstance(day, str):
        errors.append(("datum", day))
    band = TIME_BANDS.get(value.get("tid", "").lower(), "?")
    if band == "?":
        errors.append(("tid", "skriv dag, kväll eller natt (eller lämna tomt)"))
    category = categories.get(value.get("kategori", "").lower())
    if category is None:
        errors.append(("kategori", "okänd kategori (se listan i mallen)"))
    source = sources.get(value.get("kalla", "").lower())
    if source is None:
        errors.append(("kalla", "okänd källa"))
    count = _parse_count(value.get("antal", ""))
    if count_required and not value.get("antal"):
        count = "skriv antalet händelser (ett heltal, minst 1)"
    if isinstance(count, str):
        errors.append(("antal", count))
    group = value.get("gruppstorlek", "") or None
    if group is not None and group not in GROUP_SIZE_BANDS:
        errors.append(("gruppstorlek", f"välj {', '.join(GROUP_SIZE_BANDS)}"))
    age = value.get("alder", "") or None
    if age is not None and age not in AGE_BANDS:
        errors.append(("alder", f"välj {', '.join(AGE_BANDS)}"))
    note = value.get("anteckning", "") or None
    if note is not None and len(note) > MAX_NOTE:
        errors.append(("anteckning", f"högst {MAX_NOTE} tecken"))
    area = value.get("omrade", "")
    if not area:
        errors.append(("omrade", "område saknas"))
    if form and source in IMPORT_ONLY_SOURCES:
        errors.append(("kalla", FORM_MESSAGES["kalla"]))
    if errors:
        return None, _form_messages(errors, value) if form else errors
    return {
        "area_code": area,
        "occurred_on": day,
        "time_band": band,
        "category_code": category,
        "source_code": source,
        "count": count,
        "group_size": group,
        "age_band": age,
        "note": note,
    }, []


def _form_messages(errors: list[tuple[str, str]], value: dict[str, str]) -> list[tuple[str, str]]:
    """The form's wording, one message per field (the first): the PII guard's and the
    control-character message stay, a date that was typed keeps its reason (future,
    before 2000, no such day); every other refused choice gets its field's message."""
    shown: dict[str, str] = {}
    for name, message in errors:
        if name in shown:
            continue
        guard = message.startswith(('Fältet "', "innehåller styrtecken"))
        typed_date = name == "datum" and bool(value.get("datum"))
        if guard or typed_date or name not in FORM_MESSAGES:
            shown[name] = f"{message[:1].upper()}{message[1:].rstrip('.')}."
        else:
            shown[name] = FORM_MESSAGES[name]
    return list(shown.items())


def vocabulary_lookup(session: Session) -> tuple[dict[str, str], dict[str, str]]:
    """Codes and lower-cased Swedish labels of categories and sources, mapped to codes."""
    categories = {
        k.lower(): code
        for code, label in session.execute(select(Category.code, Category.label))
        for k in (code, label)
    }
    sources = {
        k.lower(): code
        for code, label in session.execute(select(Source.code, Source.label))
        for k in (code, label)
    }
    return categories, sources
