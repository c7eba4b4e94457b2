"""Dash's own texts in the user's language, set centrally rather than page by page.

Dash components carry English defaults ("Search", "Select All", "{num_selected}
selected", "No options found", a Sunday-first calendar, "Loading..."). Every page's
layout passes :func:`localised_layout` (``dashboard.dash_app.init_dash``), which walks
the returned component tree and fills what a page left unset:

- ``dcc.Dropdown``: ``labels`` (all seven texts) and a placeholder;
- ``dcc.DatePickerRange``/``dcc.DatePickerSingle``: Monday first, ``YYYY-MM-DD``, the
  month header's format and the placeholders. Month and day *names* come from the
  date-fns locale in ``assets/datepicker-locale-sv.js`` (the pickers have no prop);
- the page's HTML (:func:`localised_index`): ``<html lang>`` (replacing a static
  one) and the start-up
  "Loading..." text. The renderer's own later "Loading..." (a few frames while it
  starts) is replaced in CSS (``ssp.css``, ``._dash-loading``).

Components that a callback creates later are not walked; build those with the same
helpers (:func:`dropdown_labels`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import chain
from typing import Any, Final

from dash import Dash, dcc

from dashboard.i18n import _, page_lang

DATE_FORMAT: Final = "YYYY-MM-DD"
MONTH_FORMAT: Final = "MMMM YYYY"
MONDAY: Final = 1


def dropdown_labels() -> dict[str, str]:
    """The texts of a ``dcc.Dropdown`` (Dash 4's ``labels`` keys)."""
    return {
        "select_all": _("Välj alla"),
        "deselect_all": _("Avmarkera alla"),
        # Dash replaces the literal "{num_selected}" in the browser.
        "selected_count": _("%(count)s valda", count="{num_selected}"),
        "search": _("Sök"),
        "clear_search": _("Rensa sökningen"),
        "clear_selection": _("Rensa valet"),
        "no_options_found": _("Inga alternativ"),
    }


def _unset(component: Any, prop: str) -> bool:
    return getattr(component, prop, None) is None


def _set_default(component: Any, prop: str, value: Any) -> None:
    if _unset(component, prop):
        setattr(component, prop, value)


def localise_tree(root: Any) -> Any:
    """Fill the unset Dash texts and date settings of every component in ``root``
    (in place) and return ``root``."""
    if not hasattr(root, "_traverse"):
        return root
    for node in chain([root], root._traverse()):
        if isinstance(node, dcc.Dropdown):
            _set_default(node, "labels", dropdown_labels())
            _set_default(node, "placeholder", _("Välj…"))
        elif isinstance(node, dcc.DatePickerRange | dcc.DatePickerSingle):
            _set_default(node, "first_day_of_week", MONDAY)
            _set_default(node, "display_format", DATE_FORMAT)
            _set_default(node, "month_format", MONTH_FORMAT)
            if isinstance(node, dcc.DatePickerRange):
                _set_default(node, "start_date_placeholder_text", _("Från"))
                _set_default(node, "end_date_placeholder_text", _("Till"))
            else:
                _set_default(node, "placeholder", _("Välj datum"))
    return root


def localised_layout(layout: Callable[..., Any]) -> Callable[..., Any]:
    """``layout`` whose component tree passes :func:`localise_tree`."""

    def page(**query: Any) -> Any:
        return localise_tree(layout(**query))

    page.__doc__ = layout.__doc__
    return page


_HTML_TAG = re.compile(r"<html\b([^>]*)>", re.IGNORECASE)
_LANG = re.compile(r"\s+lang=(\"[^\"]*\"|'[^']*'|\S+)", re.IGNORECASE)
_LOADING = re.compile(r"(<div class=\"_dash-loading\">\s*)Loading\.\.\.")


def localised_index(index: str) -> str:
    """The Dash page's HTML with ``<html lang>`` and the start-up text in the
    user's language."""
    index = _HTML_TAG.sub(
        lambda m: f'<html lang="{page_lang()}"{_LANG.sub("", m.group(1))}>', index, count=1
    )
    return _LOADING.sub(lambda m: m.group(1) + _("Laddar…"), index, count=1)


class LocalisedDash(Dash):
    """Dash whose page HTML passes :func:`localised_index` (``lang``, start-up text)."""

    def interpolate_index(self, *args: Any, **kwargs: Any) -> Any:
        """Dash's page with the user's ``lang`` and start-up text."""
        return localised_index(str(super().interpolate_index(*args, **kwargs)))


def page_title(name: str) -> Callable[..., str]:
    """A Dash Pages title for page ``name`` (Swedish; translated per request)."""

    def title(**_path: Any) -> str:
        return f"{_(name)} – SSP Lägesbild"

    return title
