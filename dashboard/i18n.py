"""The languages of the UI: Swedish first, English chosen per user (Flask-Babel).

Every user-visible string of a translated module is Swedish in the code and goes
through this module:

- ``_("Översikt")`` (``gettext``): translated now, in the request's language. Use it
  wherever the text is built during a request: layouts, callbacks, figure builders.
  Variables use ``%(name)s``: ``_("%(n)s valda", n=3)``; never build a msgid with an
  f-string (the catalogue could not hold it).
- ``N_("Översikt")``: only marks a module-level constant for extraction and returns it
  unchanged; translate it where it is shown, ``_(NAME)``. Dash serialises components
  to JSON, so a lazy string must not reach a component: use ``lazy_gettext`` only for
  text that is turned into ``str`` in a request (e.g. a Flask message).
- Vocabulary labels (``data.vocabulary``: categories, sources, area levels, roles) stay
  Swedish in ``data/``; :func:`term_label` translates them at display time (they are
  extracted from ``data/vocabulary.py``'s ``Term(code, label)``).

The language is the logged-in user's ``language`` (``sv`` or ``en``, chosen on Mitt
konto); without a user (the login page) it is Swedish. Outside a request the
functions return the Swedish text unchanged. The catalogues are in
``dashboard/translations`` (how to update them: CONTRIBUTING.md, "Translate").
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import flask_babel
from flask import Flask, has_request_context
from flask_babel import Babel

from dashboard.auth import current_session_user
from data.access.scope import AccessDenied
from data.vocabulary import AGE_GROUPS, Term, label_of

TRANSLATIONS: Final = Path(__file__).resolve().parent / "translations"
LANGUAGES: Final = ("sv", "en")
DEFAULT_LANGUAGE: Final = "sv"
LANGUAGE_NAMES: Final = {"sv": "Svenska", "en": "English"}
"""Each language named in itself (the choice on Mitt konto is never translated)."""


def select_locale() -> str:
    """The request's language: the logged-in user's, else Swedish."""
    try:
        language = current_session_user().language
    except AccessDenied:
        return DEFAULT_LANGUAGE
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def init_i18n(app: Flask) -> None:
    """Set up Flask-Babel on ``app`` with the project's catalogues."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Stockholm")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    Babel(app, locale_selector=select_locale)


def _(msgid: str, **variables: Any) -> str:
    """``msgid`` (Swedish) in the request's language, ``%(name)s`` filled from
    ``variables``."""
    return str(flask_babel.gettext(msgid, **variables))


gettext = _


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """The singular or plural form for ``num`` (``%(num)d`` is filled in)."""
    return str(flask_babel.ngettext(singular, plural, num, **variables))


def lazy_gettext(msgid: str, **variables: Any) -> Any:
    """``msgid`` translated when it is turned into text (not for Dash components)."""
    return flask_babel.lazy_gettext(msgid, **variables)


def N_(msgid: str) -> str:
    """Mark ``msgid`` for extraction without translating it (translate it with
    :func:`_` where it is shown)."""
    return msgid


PAGE_NAMES: Final = (
    N_("Översikt"),
    N_("Tid & händelser"),
    N_("Planering"),
    N_("Rapportera"),
    N_("Nattvandring"),
    N_("Importera"),
    N_("Kalender"),
    N_("Områden"),
    N_("Användare"),
    N_("Granskningslogg"),
    N_("Mitt konto"),
    N_("Mina rapporter"),
    N_("Sidan finns inte"),
    N_("Lägesbild"),
    N_("Publicerade lägesbilder"),
    N_("Samverkan polis"),
    N_("Veckans lägesbild"),
    N_("SSPF-ärenden"),
    N_("SSPF-ärende"),
)
"""Every page's ``NAME`` (navigation, titles), marked here for the catalogue so the page
modules keep plain constants; ``tests/unit/test_i18n.py`` checks the list is whole."""


def term_label(terms: tuple[Term, ...], code: str) -> str:
    """A vocabulary code's label in the request's language."""
    return _(label_of(terms, code))


def age_text(codes: Sequence[str]) -> str:
    """Age groups in the request's language, e.g. "13–15 år, 16–18 år" ("" for none)."""
    return ", ".join(term_label(AGE_GROUPS, code) for code in codes)


def page_lang() -> str:
    """The ``lang`` of the page being served (``<html lang="…">``)."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    locale = flask_babel.get_locale()
    language = locale.language if locale is not None else DEFAULT_LANGUAGE
    return language if language in LANGUAGES else DEFAULT_LANGUAGE
