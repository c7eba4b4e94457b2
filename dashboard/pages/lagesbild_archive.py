"""Publicerade lägesbilder: the dated, unchangeable records the coordinators published.

Leadership sees the records published at its level, coordinators every record of
their kommun; each row links to the PDF exactly as it was published.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard import ids
from dashboard.auth import current_viewer
from dashboard.components import scroll_table
from dashboard.i18n import N_, _
from dashboard.pages import lagesbild
from dashboard.state import db_session
from data.briefing.archive import archive
from data.calendar.windows import STOCKHOLM

PATH = f"{lagesbild.PATH}/arkiv"
NAME = N_("Publicerade lägesbilder")
ROLES = lagesbild.ROLES


def _audience(code: str) -> str:
    return _("Kommunledningen") if code == "leadership" else _("SSP-samordningen")


def layout(**_query: Any) -> html.Div:
    """The archive of the viewer's kommun, newest first."""
    scope = lagesbild.briefing_scope()
    if isinstance(scope, html.Div):
        return scope
    entries = archive(db_session(), current_viewer(), scope.kommun)
    intro = html.P(
        _(
            "Varje publicerad lägesbild är sparad som den var när den publicerades: "
            "siffrorna, bedömningen och PDF:en ändras inte i efterhand."
        ),
        className="hint",
    )
    back = dcc.Link(_("Tillbaka till lägesbilden"), href=lagesbild.PATH)
    if not entries:
        body: Any = html.P(_("Inga lägesbilder är publicerade ännu."), className="empty-state")
    else:
        head = [_("Period"), _("För"), _("Publicerad"), _("Av"), _("PDF")]
        rows = [
            html.Tr(
                [
                    html.Td(e.period_label),
                    html.Td(_audience(e.audience)),
                    html.Td(e.published_at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")),
                    html.Td(e.published_by or "–"),
                    html.Td(
                        html.A(
                            _("Ladda ner PDF för %(p)s", p=e.period_label),
                            href=f"{PATH}/{e.id}.pdf",
                            download="",
                        )
                    ),
                ]
            )
            for e in entries
        ]
        body = scroll_table(
            html.Table(
                [
                    html.Caption(_("Publicerade lägesbilder, de senaste först")),
                    html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
                    html.Tbody(rows),
                ],
                id=ids.LB_ARCHIVE_TABLE,
                className="data-table",
            ),
            _("Publicerade lägesbilder"),
        )
    return html.Div(
        [html.H2(_(NAME)), intro, body, html.P(back)], id=ids.LB_ARCHIVE_PAGE, className="page card"
    )
