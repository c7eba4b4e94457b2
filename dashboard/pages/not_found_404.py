"""The page shown for an unknown path (Dash Pages looks for a module of this name)."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard import ids
from dashboard.i18n import _

PATH = "/404"
NAME = "Sidan finns inte"


def layout(**_query: Any) -> html.Div:
    """A 404 in the reader's language with a way back (reveals nothing about other paths)."""
    return html.Div(
        [
            html.H2(_("Sidan finns inte")),
            html.P(_("Adressen leder inte till någon sida i SSP Lägesbild.")),
            dcc.Link(_("Till översikten"), href="/"),
        ],
        className="page card",
        id=ids.NOT_FOUND,
    )
