"""The page shown for an unknown path (Dash Pages looks for a module of this name)."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard import ids

PATH = "/404"
NAME = "Sidan finns inte"


def layout(**_query: Any) -> html.Div:
    """A Swedish 404 with a way back (reveals nothing about other paths)."""
    return html.Div(
        [
            html.H2("Sidan finns inte"),
            html.P("Adressen leder inte till någon sida i SSP Lägesbild."),
            dcc.Link("Till översikten", href="/"),
        ],
        className="page card",
        id=ids.NOT_FOUND,
    )
