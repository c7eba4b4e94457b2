"""The English catalogue as the language tests read it: Swedish msgid → English msgstr."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

PO = Path(__file__).resolve().parents[1] / "dashboard/translations/en/LC_MESSAGES/messages.po"


def all_translations() -> dict[str, str]:
    """Every msgid (both plural forms) with its English msgstr, also where they agree."""
    with PO.open("rb") as file:
        po = read_po(file, locale="en")
    pairs: dict[str, str] = {}
    for message in po:
        if not message.id:
            continue
        msgids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = (
            [message.string] if isinstance(message.string, str) else list(message.string or [])
        )
        pairs.update(zip(msgids, strings, strict=False))
    return pairs


def catalogue() -> dict[str, str]:
    """Swedish msgid → English msgstr, only where the two differ (a text that is the same
    in both languages says nothing about which one is shown)."""
    return {i: s for i, s in all_translations().items() if s and s != i}
