"""Turning values a browser sent into text for validation, refusing anything odd.

A callback's inputs come from the client and can be forged: a list where a
string belongs, a dict, a boolean. These helpers never raise; anything that is
not what the control sends becomes a NUL character, which validation refuses
with a field error (never a 500).
"""

from __future__ import annotations

from typing import Any

REFUSED = "\x00"


def as_text(value: Any) -> str:
    """A control's value as text: ``None`` is empty, numbers are written out."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value if isinstance(value, str) else REFUSED


def as_texts(value: Any) -> list[str]:
    """A multi-choice control's value as a list of texts (``None`` is none chosen)."""
    if value is None:
        return []
    if not isinstance(value, list):
        return [REFUSED]
    return [as_text(v) for v in value]


def as_number(value: Any) -> float | None:
    """A number control's value, or ``None`` for anything else (empty, text, a
    boolean a forged request sends)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None
