"""The "Kopiera länk" box of a page with a permalink, and the notice shown when a
link asked for more than the viewer may see (state from :mod:`dashboard.permalink`).

Each page places :func:`share_box` with its id prefix (``ov``, ``ev``, ``pl``; ids in
:mod:`dashboard.ids`), and :func:`link_notice` for what its decoding changed. A server
callback writes the page's canonical query to ``<prefix>-link-query``
(:mod:`dashboard.callbacks.permalinks`); ``assets/permalink.js`` puts it in the
address bar (``history.replaceState``, no reload) and in the read-only link field,
and copies it when "Kopiera länk" is pressed — with the clipboard when the browser
allows, else by selecting the field for the user to copy.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.i18n import _
from dashboard.periods import window_value
from dashboard.permalink import Decoded, ViewScope, event_year
from dashboard.state import db_session, event_rules, today
from data.access.scope import Viewer
from data.calendar.municipal import kommun_windows
from data.counts.cube import CountCube
from data.counts.event_view import ended
from data.counts.options import category_options, source_options


def share_box(prefix: str) -> html.Div:
    """The button, the read-only link field and the message, for page ``prefix``."""
    button_data: dict[str, Any] = {
        "data-link-field": f"{prefix}-link",
        "data-link-status": f"{prefix}-link-status",
        "data-copied": _("Länken är kopierad."),
        "data-select": _("Länken är markerad: kopiera den med Ctrl+C (⌘+C på Mac)."),
    }
    return html.Div(
        [
            html.Button(
                _("Kopiera länk"),
                id=f"{prefix}-link-copy",
                type="button",
                className="copy-link",
                **button_data,
            ),
            html.Label(_("Länk till den här vyn"), htmlFor=f"{prefix}-link"),
            dcc.Input(
                id=f"{prefix}-link", type="text", readOnly=True, value="", className="link-field"
            ),
            html.Span(id=f"{prefix}-link-status", role="status", className="hint"),
            dcc.Store(id=f"{prefix}-link-query", data=None),
        ],
        className="share-link",
    )


def link_notice(prefix: str, decoded: Decoded[Any]) -> html.Div:
    """What reading the page's link changed, in words (empty when nothing)."""
    lines = []
    if decoded.refused:
        lines.append(
            _("Länken gällde ett urval du inte har behörighet till; visar ditt eget urval.")
        )
    if decoded.widened:
        lines.append(_("Perioden i länken visas i hela månader, som dina siffror redovisas."))
    if decoded.unreadable:
        lines.append(_("Delar av länken kunde inte läsas och har ersatts med standardval."))
    if not lines:
        return html.Div(id=f"{prefix}-link-notice")
    return html.Div(
        [html.P(line) for line in lines],
        id=f"{prefix}-link-notice",
        className="card notice link-notice",
        role="status",
    )


def view_scope(viewer: Viewer, cube: CountCube) -> ViewScope:
    """What ``viewer`` may choose on a filter page, for reading a link: the active
    categories, the sources and the kommun's finished event windows."""
    session = db_session()
    return ViewScope(
        viewer=viewer,
        cube=cube,
        today=today(),
        categories=tuple(code for code, _label in category_options(session)),
        sources=tuple(code for code, _label in source_options(session)),
        event_known=known_event,
    )


def known_event(kommun: str, value: str) -> bool:
    """True when ``value`` names a finished event window of ``kommun`` (a kommun the
    caller has checked is in the viewer's scope)."""
    year = event_year(value)
    if year is None or not 2000 <= year <= today().year:
        return False
    windows = kommun_windows(db_session(), kommun, year, event_rules())
    return any(window_value(w) == value and ended(w, today()) for w in windows)
