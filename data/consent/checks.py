"""Validation of what is written to a case: names, free texts, choices, dates.

This layer is where names are allowed, so texts do not pass the PII guard; they are
trimmed, limited (names :data:`~data.consent.vocabulary.MAX_NAME`, free texts
:data:`~data.consent.vocabulary.MAX_TEXT` characters) and control characters are
refused (a free text may hold line breaks). Errors are collected per field, each a
Swedish message that names the field and never repeats the value.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import date

from data.consent.vocabulary import MAX_NAME, MAX_TEXT
from data.vocabulary import Term, codes

_REFUSED_CATEGORIES = frozenset({"Cc", "Cs"})
"""Control characters and lone surrogates (which cannot even be encoded)."""


class ConsentError(ValueError):
    """A consent or a case write that cannot be stored: field → Swedish message.

    The field keys are the names of the input's attributes (``child_name``,
    ``valid_until``, ``parties``, ``text`` …); ``str(error)`` joins the messages."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(" ".join(self.errors.values()))


def _has_control(text: str, *, line_breaks: bool) -> bool:
    return any(
        unicodedata.category(c) in _REFUSED_CATEGORIES and not (line_breaks and c == "\n")
        for c in text
    )


def name_field(
    errors: dict[str, str], field: str, label: str, value: str, *, required: bool = True
) -> str:
    """``value`` trimmed; an error for ``field`` when it is missing (and ``required``),
    longer than MAX_NAME or holds a control character."""
    text = value.strip()
    if _has_control(text, line_breaks=False):
        errors[field] = f"{label}: styrtecken (t.ex. radbrytning eller tabb) är inte tillåtna."
    elif len(text) > MAX_NAME:
        errors[field] = f"{label} får vara högst {MAX_NAME} tecken."
    elif required and not text:
        errors[field] = f"{label} måste fyllas i."
    return text


def text_field(
    errors: dict[str, str], field: str, label: str, value: str, *, required: bool = False
) -> str:
    """``value`` trimmed, line breaks as ``\\n``; an error for ``field`` when it is
    missing (and ``required``), longer than MAX_TEXT or holds another control character."""
    text = value.replace("\r\n", "\n").strip()
    if _has_control(text, line_breaks=True):
        errors[field] = f"{label}: styrtecken (utom radbrytning) är inte tillåtna."
    elif len(text) > MAX_TEXT:
        errors[field] = f"{label} får vara högst {MAX_TEXT} tecken."
    elif required and not text:
        errors[field] = f"{label} måste fyllas i."
    return text


def choice_field(
    errors: dict[str, str], field: str, label: str, value: str, terms: tuple[Term, ...]
) -> str:
    """``value`` when it is one of ``terms``' codes, else an error for ``field``."""
    if value not in codes(terms):
        errors[field] = f"{label}: välj ett av alternativen."
    return value


def not_after(
    errors: dict[str, str], field: str, label: str, value: date | None, limit: date
) -> None:
    """An error for ``field`` when ``value`` lies after ``limit`` (today, usually)."""
    if value is not None and value > limit:
        errors[field] = f"{label} får inte ligga i framtiden."


def raise_if(errors: Mapping[str, str]) -> None:
    """:class:`ConsentError` when ``errors`` holds anything."""
    if errors:
        raise ConsentError(errors)
