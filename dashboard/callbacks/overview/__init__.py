"""Callbacks of the overview page: every one resolves the viewer server-side first.

Split by what they serve: ``selection`` reads the filters, ``filters`` keeps them in
step, ``map_panel`` answers the map, top list and export, ``trend`` the trend chart
and the notes.
"""

from __future__ import annotations

from dash import Dash

from dashboard.callbacks.overview import filters, map_panel, trend
from dashboard.callbacks.overview.selection import clicked_area

__all__ = ["clicked_area", "register"]


def register(app: Dash) -> None:
    """Register the overview callbacks on ``app`` (not on Dash's global list)."""
    filters.register(app)
    map_panel.register(app)
    trend.register(app)
