"""Mina rapporter: the observations and walk reports the user filed, newest first.

Each user sees only their own rows (read by ``created_by`` on the server); the page
shows no totals, only the rows, 20 a page (``?sida=2`` for older ones).
"""

from __future__ import annotations

from typing import Any, Final

from dash import dcc, html

from dashboard import ids
from dashboard.auth import require_role
from dashboard.components import denied
from dashboard.i18n import N_, _
from dashboard.pages import report, walk
from dashboard.pages.report import attrs
from dashboard.state import db_session
from data.access.scope import AccessDenied
from data.ingest.own_reports import MAX_PAGE, own_reports

PATH = "/mina-rapporter"
NAME = "Mina rapporter"
ROLES = tuple(dict.fromkeys((*report.ROLES, *walk.ROLES)))
HEADERS: Final = (
    N_("Inlämnad"),
    N_("Typ"),
    N_("Datum"),
    N_("Tid"),
    N_("Område"),
    N_("Vad"),
    N_("Anteckning"),
)
"""The columns, Swedish; shown translated."""
DATA_WORDS: Final = (N_("Observation"), N_("Nattvandring"), N_("dag"), N_("kväll"), N_("natt"))
"""The kinds and time bands ``data.ingest.own_reports`` writes in Swedish, translated
here when shown; the "Vad" column (category, count and source, or walkers and rating)
stays as ``data/`` words it."""


def _word(text: str) -> str:
    return _(text) if text else ""


def _page_number(value: Any) -> int:
    text = value if isinstance(value, str) else ""
    return min(int(text), MAX_PAGE) if text.isdigit() and 0 < len(text) < 5 else 1


def _row(cells: list[str]) -> html.Tr:
    """A table row whose cells carry their column's name (a card on a phone)."""
    return html.Tr(
        [html.Td(c, **attrs(data_label=_(h))) for h, c in zip(HEADERS, cells, strict=True)]
    )


def _empty() -> html.Div:
    return html.Div(
        [
            html.P(_("Du har inte skickat några rapporter än.")),
            html.P(
                [
                    _("Har du sett något i ett område?") + " ",
                    dcc.Link(_("Rapportera en observation"), href=report.PATH),
                    ". " + _("Har ni gått en nattvandring?") + " ",
                    dcc.Link(_("Rapportera nattvandringen"), href=walk.PATH),
                    ". " + _("Det du skickar syns sedan här."),
                ]
            ),
        ],
        className="empty-state",
    )


def layout(**query: Any) -> html.Div:
    """The user's own reports, one page of them; only reporting roles."""
    try:
        user = require_role(*ROLES)
    except AccessDenied:
        return denied(_("Din roll kan inte rapportera, så du har inga egna rapporter."))
    found = own_reports(db_session(), user.id, _page_number(query.get("sida")))
    parts: list[Any] = [
        html.H2(_(NAME)),
        html.P(
            _(
                "Rapporter och nattvandringar som du själv har skickat, de senaste först. "
                "Bara du ser den här listan."
            ),
            className="hint",
        ),
    ]
    if not found.rows:
        parts.append(_empty() if found.page == 1 else html.P(_("Inga fler rapporter.")))
    else:
        rows = [
            [
                r.filed_at.strftime("%Y-%m-%d %H:%M"),
                _word(r.kind),
                r.occurred_on.isoformat(),
                _word(r.when),
                r.where,
                r.what,
                r.note,
            ]
            for r in found.rows
        ]
        parts.append(
            html.Div(
                html.Table(
                    [
                        html.Caption(_("Dina rapporter, sida %(page)s", page=found.page)),
                        html.Thead(html.Tr([html.Th(_(h), scope="col") for h in HEADERS])),
                        html.Tbody([_row(row) for row in rows]),
                    ],
                    id=ids.MY_REPORTS_TABLE,
                    className="my-reports",
                ),
                className="table-scroll",
                tabIndex="0",
                role="region",
                **attrs(aria_label=_("Dina rapporter")),
            )
        )
    links = []
    if found.page > 1:
        newer = f"{PATH}?sida={found.page - 1}"
        links.append(dcc.Link(_("← Nyare"), href=newer, id=ids.MY_REPORTS_NEWER))
    if found.has_older:
        older = f"{PATH}?sida={found.page + 1}"
        links.append(dcc.Link(_("Äldre →"), href=older, id=ids.MY_REPORTS_OLDER))
    parts.append(html.Nav(links, className="pager", **attrs(aria_label=_("Sidor"))))
    return html.Div(html.Div(parts, className="card", id=ids.MY_REPORTS_PAGE), className="page")
