"""Numbers and dates as the reader's language writes them (Babel), in one place.

Swedish: decimal comma and a (no-break) space between thousands, "2 dec. 2026",
"v. 49 2026"; English: "1,234.5", "Dec 2, 2026", "wk 49 2026". The language is the
request's (:func:`dashboard.i18n.page_lang`), or ``language`` when given. Charts
format their own axes and hovers with the same conventions through the Plotly
locale (``assets/plotly-locale-sv.js``, ``components.graph``).
"""

from __future__ import annotations

from datetime import date
from typing import Final

from babel.dates import format_date as babel_date
from babel.numbers import format_decimal as babel_decimal

from dashboard.i18n import _, page_lang
from data.privacy.disclosure import SECONDARY_MARKER

BABEL_LOCALES: Final = {"sv": "sv_SE", "en": "en_GB"}
"""Babel's locale per UI language (British English writes 2 Dec 2026, day first)."""


def _locale(language: str | None) -> str:
    return BABEL_LOCALES.get(language or page_lang(), BABEL_LOCALES["sv"])


def format_number(value: int, *, language: str | None = None) -> str:
    """A whole number with thousands grouped: ``"12 345"`` (sv), ``"12,345"`` (en)."""
    return str(babel_decimal(int(value), locale=_locale(language), group_separator=True))


def format_decimal(value: float, digits: int = 1, *, language: str | None = None) -> str:
    """``value`` with exactly ``digits`` decimals: ``"7,2"`` (sv), ``"7.2"`` (en)."""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return str(babel_decimal(value, format=pattern, locale=_locale(language)))


def format_date(day: date, style: str = "medium", *, language: str | None = None) -> str:
    """A date: ``"2 dec. 2026"`` (sv, medium), ``"2 Dec 2026"`` (en); ``style="iso"``
    gives ``2026-12-02`` in every language; other Babel styles or patterns as Babel."""
    if style == "iso":
        return day.isoformat()
    return str(babel_date(day, format=style, locale=_locale(language)))


def format_month(day: date, *, language: str | None = None) -> str:
    """The month of ``day`` with its year: ``"jan. 2025"`` (sv), ``"Jan 2025"`` (en)."""
    return str(babel_date(day, format="MMM y", locale=_locale(language)))


def week_label(monday: date) -> str:
    """The ISO week of ``monday``: ``"v. 49 2026"`` (sv), ``"wk 49 2026"`` (en)."""
    year, number, _weekday = monday.isocalendar()
    return _("v. %(week)s %(year)s", week=number, year=year)


def published(text: str) -> str:
    """A published cell as shown (``ProtectedCounts.display()``): digits grouped as
    :func:`format_number`, the secondary-suppression marker translated, ``<k`` as is."""
    if text.isdigit():
        return format_number(int(text))
    if text == SECONDARY_MARKER:
        return _("skyddad")
    return text
