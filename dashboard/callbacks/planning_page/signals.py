"""Concern signals: areas where the watched concerns have risen, with the evidence and
the parent meetings held there."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dash import Dash, Input, Output, html

from dashboard import ids
from dashboard.callbacks.overview.selection import codes_value
from dashboard.callbacks.planning_page.common import CODE, scope
from dashboard.i18n import _
from dashboard.planning_views import signals_view
from dashboard.state import current_cube, db_session
from data.planning.period import watched_signals


def register(app: Dash) -> None:
    """Register the signals callback on ``app``."""

    @app.callback(
        Output(ids.PL_SIGNALS, "children"),
        Input(ids.PL_KOMMUN, "value"),
        Input(ids.PL_LEVEL, "value"),
        Input(ids.PL_CONCERNS, "value"),
        Input(ids.PL_REFRESH, "data"),
        Input(ids.PL_SIGNAL_AGES, "value"),
    )
    def signals(kommun: Any, level: Any, concerns: Any, _refresh: Any, ages: Any = None) -> Any:
        """Areas where the concern has risen (among the chosen ages), with the evidence
        and the meetings held."""
        viewer, selection = scope(kommun, level)
        selection = replace(selection, age_bands=codes_value(ages, "age bands"))
        chosen = concerns if isinstance(concerns, list) and concerns else None
        if chosen is None or not all(isinstance(c, str) and CODE.fullmatch(c) for c in chosen):
            return html.P(_("Välj minst en kategori att bevaka."))
        watched = watched_signals(db_session(), current_cube(), selection, viewer, chosen)
        return signals_view(watched)
