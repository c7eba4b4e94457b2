"""PII guard for free text and imported cells.

Group-level data must never hold anything that identifies a person (DOMAIN.md, privacy
rule 3). :func:`find_pii` looks for six kinds of personal data; :func:`pii_message`
explains a rejection in Swedish **without echoing the value**; a :class:`PiiFinding`
carries only the kind, never the matched text or its position, so the value cannot leak
into messages or logs by accident.

Detection rules, and why
------------------------
personnummer / samordningsnummer
    ``YYMMDD-XXXX``, ``YYMMDD+XXXX``, ``YYMMDDXXXX``, ``YYYYMMDDXXXX``, ``YYYYMMDD-XXXX``,
    also inside longer text. The separator may be ``-``, ``+``, an en dash or a minus sign,
    with spaces or tabs around it, or only spaces. The month must be 01–12 and the day
    valid for the month (unknown century: 29 February is accepted when ``YY`` is divisible
    by 4); a day of 61–91 (day + 60) makes it a samordningsnummer. The 12-digit form must
    start with century 18, 19 or 20. Only **Luhn-valid** numbers count (checked on the
    10-digit form; for 12 digits on the last 10), as the issue asks: that keeps order
    numbers, case numbers and other 10-digit codes from being rejected. A Luhn-invalid
    number in exact personnummer shape is *not* flagged — one digit off is not a valid
    identity number, and flagging it would make reference numbers unusable.
telefonnummer
    ``+46``, ``0046`` or a trunk ``0``, then 7–9 more digits, with single spaces or
    hyphens between digits (``070-123 45 67``, ``+46 (0)70 123 45 67``, ``08-123 456 78``,
    ``0701234567``). To avoid dates, times, years and counts: the number may not follow a
    letter, a digit or ``+`` nor continue a date (``2026-05-01``); ``:`` and ``.`` are not
    separators (times, decimals); and with the trunk ``0`` a first group of only two
    digits must be ``08`` (Stockholm is the only two-digit area code), which rules out
    ``01-05-2026`` and week lists such as ``05 06 07 08``; a first group longer than
    four digits is not an area code (``090330-4799`` is a mistyped personnummer).
    Numbers without a prefix (``123 45 67``) are not flagged: too close to counts and
    postal codes.
e-post
    ``local@domain.tld`` with letters (å, ä, ö too), digits and ``._%+-`` in the local part
    and a letter-only top-level domain. Spelled-out forms (``namn at domän punkt se``) are
    not detected.
adress
    A street-like word followed by a house number (1–3 digits, optional letter and
    ``lgh NNNN``): a compound ending in gatan, gata, vägen, väg, gränd(en), stigen,
    backen, torget, torg, allén, allé, platsen or leden (``Storgatan 12``,
    ``Kungsvägen 5B``), or a capitalised word plus such a word (``Stora torget 3``). A
    street name *without* a number is allowed — ``vid Stora torget`` is group-level place
    information. Not flagged: numbers that are counts or units (``Storgatan 3 personer``),
    times and decimals (``torget 22:30``), years and dates (four digits or more), and road
    numbers (``riksväg 73``, ``länsväg 288``, ``motorväg``, ``europaväg``).
namn
    A person's name: a bundled lexicon of Swedish given names and surnames with
    capitalisation and context rules (``Kalle Andersson``, ``sågs med Per``, ``Kerim 14
    år``, ``hon heter …``, ``brodern till …``, ``familjen …``, ``K.A.``), while place,
    school, shop, event and month names are let through (``Gottsunda``, ``Sankt Pers
    skola``, ``Clas Ohlson``, ``Valborg``, ``Per kväll``). The rules and what they
    cannot see are in :mod:`data.privacy.names`.

The result lists each kind at most once, in the fixed order of :data:`KINDS`.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from data.privacy.names import contains_person_name

KINDS: tuple[str, ...] = (
    "personnummer",
    "samordningsnummer",
    "telefonnummer",
    "e-post",
    "adress",
    "namn",
)

_KIND_PHRASES: Mapping[str, str] = {
    "personnummer": "ett personnummer",
    "samordningsnummer": "ett samordningsnummer",
    "telefonnummer": "ett telefonnummer",
    "e-post": "en e-postadress",
    "adress": "en gatuadress med husnummer",
    "namn": "ett personnamn",
}
_DESCRIBE_THE_GROUP = 'beskriv gruppen i stället, till exempel "tre ungdomar i högstadieåldern".'


@dataclass(frozen=True, slots=True)
class PiiFinding:
    """One kind of personal data found in a text; deliberately without the value."""

    kind: str


_PERSONNUMMER = re.compile(
    r"(?<!\d)(\d{8}|\d{6})[ \t]*[-+\u2013\u2212]?[ \t]*(\d{4})(?!\d)",
)

_PHONE = re.compile(
    r"""
    (?<![\w+])(?<!\d[-./:])        # not inside a word, a number or a date
    (?:
        (?P<intl>(?:\+|00)46[ -]?(?:\(0\)[ -]?)?)
      | 0
    )
    [1-9](?:[ -]?\d){6,8}
    (?!\d|[-./:]\d)                # not followed by more of a date or a time
    """,
    re.VERBOSE,
)

_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")

_STREET_SUFFIX = (
    r"(?:gatan|gata|vägen|väg|gränden|gränd|stigen|backen|torget|torg|allén|allé|platsen|leden)"
)
_COUNT_WORDS = (
    r"(?:personer|person|pers|ungdomar|unga|barn|vuxna|killar|tjejer|st|stycken|gånger|ggr"
    r"|kvällar|nätter|dagar|veckor|minuter|min|timmar|tim|h|bilar|mopeder|år|meter|m|km|%|procent)"
)
_ADDRESS = re.compile(
    rf"""
    (?<!\w)
    (?P<street>
        [^\W\d_]+(?i:{_STREET_SUFFIX})                   # Storgatan, Kungsvägen, Åleden
      | [A-ZÅÄÖ][^\W\d_]+[ \t]+(?i:{_STREET_SUFFIX})   # Stora torget, Gamla vägen
    )
    [ \t]+\d{{1,3}}(?![\d:.,]\d|\d)
    (?![ \t]*(?i:{_COUNT_WORDS})(?!\w))
    """,
    re.VERBOSE,
)
_ROAD_NUMBER_PREFIXES = ("riksväg", "länsväg", "motorväg", "europaväg")

_MAY_HOLD_PII = re.compile(r"[\d@]")
"""Every pattern above needs a digit or an "@" (names are looked for apart)."""


def find_pii(text: str) -> list[PiiFinding]:
    """Return the kinds of personal data found in ``text``, each once, in ``KINDS`` order."""
    found: set[str] = set()
    if contains_person_name(text):
        found.add("namn")
    if not _MAY_HOLD_PII.search(text):
        return [PiiFinding(kind) for kind in KINDS if kind in found]
    for match in _PERSONNUMMER.finditer(text):
        kind = _identity_number_kind(match.group(1), match.group(2))
        if kind is not None:
            found.add(kind)
    if any(_is_phone(match) for match in _PHONE.finditer(text)):
        found.add("telefonnummer")
    if _EMAIL.search(text):
        found.add("e-post")
    if any(_is_street_address(match) for match in _ADDRESS.finditer(text)):
        found.add("adress")
    return [PiiFinding(kind) for kind in KINDS if kind in found]


def pii_message(field: str, findings: Sequence[PiiFinding]) -> str:
    """Swedish rejection message naming the field and what it seems to hold, never the value."""
    kinds = [kind for kind in KINDS if any(f.kind == kind for f in findings)]
    if not kinds:
        msg = "pii_message needs at least one finding"
        raise ValueError(msg)
    phrases = [_KIND_PHRASES[kind] for kind in kinds]
    what = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " och " + phrases[-1]
    if kinds == ["namn"]:
        advice = f"Ta bort namnet och {_DESCRIBE_THE_GROUP}"
    elif "namn" in kinds:
        advice = f"Ta bort uppgifter som kan identifiera en person och {_DESCRIBE_THE_GROUP}"
    else:
        advice = "Ta bort uppgifter som kan identifiera en person."
    return f'Fältet "{field}" verkar innehålla {what}. {advice}'


def check_text_fields(values: Mapping[str, str | None]) -> dict[str, str]:
    """Map each field whose text holds personal data to its Swedish message; skip ``None``."""
    messages: dict[str, str] = {}
    for field, value in values.items():
        if value is None:
            continue
        findings = find_pii(value)
        if findings:
            messages[field] = pii_message(field, findings)
    return messages


def _identity_number_kind(date_part: str, serial: str) -> str | None:
    """``"personnummer"``, ``"samordningsnummer"`` or ``None`` for a candidate number."""
    if len(date_part) == 8:
        century = int(date_part[:2])
        if century not in (18, 19, 20):
            return None
        year = int(date_part[:4])
        date_part = date_part[2:]
    else:
        # Unknown century: 20YY is a leap year exactly when 19YY or 20YY can be one.
        year = 2000 + int(date_part[:2])
    month, day = int(date_part[2:4]), int(date_part[4:6])
    kind = "personnummer"
    if day > 60:
        kind, day = "samordningsnummer", day - 60
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return kind if _luhn_valid(date_part + serial) else None


def _luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(digits):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _is_phone(match: re.Match[str]) -> bool:
    if match.group("intl"):
        return True
    groups = re.split(r"[ -]", match.group(0))
    if len(groups) == 1:
        return True
    # Swedish area codes are 2–4 digits with the trunk 0, and 08 is the only two-digit one.
    return 3 <= len(groups[0]) <= 4 or groups[0] == "08"


def _is_street_address(match: re.Match[str]) -> bool:
    street = match.group("street").lower()
    return not street.startswith(_ROAD_NUMBER_PREFIXES)
