"""The overview's trend chart and the notes of the focused area."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from dash import Dash, Input, Output, html

from dashboard import ids
from dashboard.auth import current_viewer, require_role
from dashboard.callbacks.overview.selection import (
    VALUE_INPUTS,
    grain_word,
    read_selection,
)
from dashboard.figures import (
    trend_figure,
)
from dashboard.state import current_cube, db_session
from dashboard.state import today as clock_today
from data.counts.cube import monday_of
from data.counts.notes import FREE_TEXT_ROLES, area_notes
from data.counts.overview import weekly_trend

NOTES_SHOWN = 10
MIN_TREND_WEEKS = 12
"""A short period's trend is shown with this many weeks of context before it."""


def _notes_panel(notes: tuple[str, ...], *, k: int) -> list[Any]:
    """The notes as plain text items (Dash escapes them), or a calm explanation."""
    if not notes:
        return [
            html.P("Inga anteckningar att visa för urvalet."),
            html.P(
                f"Anteckningar visas bara för områden med minst {k} händelser i urvalet.",
                className="hint",
            ),
        ]
    return [
        html.Ul([html.Li(note) for note in notes], id=ids.OV_NOTES_LIST),
        html.P(
            f"Högst {NOTES_SHOWN} anteckningar, utan datum och i slumpvis ordning.",
            className="hint",
        ),
    ]


def register(app: Dash) -> None:
    """Register the trend and notes callbacks on ``app``."""

    @app.callback(
        output={
            "trend": Output(ids.TREND, "figure"),
            "title": Output(ids.TREND_TITLE, "children"),
            "focus_bar": Output(ids.FOCUS_BAR, "children"),
        },
        inputs=[
            Input(ids.KOMMUN, "value"),
            Input(ids.LEVEL, "value"),
            *VALUE_INPUTS[:4],
            Input(ids.FOCUS, "data"),
        ],
    )
    def update_trend(
        kommun: str | None,
        level: str | None,
        start: str | None,
        end: str | None,
        categories: Any,
        sources: Any,
        focus: str | None,
    ) -> dict[str, Any]:
        viewer = current_viewer()
        cube = current_cube()
        selection = read_selection(kommun, level, start, end, categories, sources, viewer, focus)
        shown = selection
        if selection.n_weeks < MIN_TREND_WEEKS:
            # Too few points to read a trend: show context weeks before the period.
            shown = replace(
                selection,
                first_monday=selection.last_monday - timedelta(weeks=MIN_TREND_WEEKS - 1),
            )
        table = weekly_trend(cube, shown, viewer)
        figure = trend_figure(
            table,
            highlight=(selection.first_monday, selection.last_monday),
            running_week=monday_of(clock_today()),
        )
        if focus:
            name = cube.areas.names[cube.areas.position(focus)]
            title = f"Händelser per {grain_word(viewer)} – {name}"
            bar = f"Visar endast {name} (klicka på ett annat område för att byta)."
        else:
            title = f"Händelser per {grain_word(viewer)} – hela urvalet"
            bar = "Klicka på ett område i kartan för att se dess trend."
        return {"trend": figure, "title": title, "focus_bar": bar}

    @app.callback(
        Output(ids.NOTES, "children"),
        Input(ids.KOMMUN, "value"),
        Input(ids.LEVEL, "value"),
        *VALUE_INPUTS[:4],
        Input(ids.FOCUS, "data"),
    )
    def update_notes(
        kommun: str | None,
        level: str | None,
        start: str | None,
        end: str | None,
        categories: Any,
        sources: Any,
        focus: str | None,
    ) -> list[Any]:
        """Notes of the focused area; refused (403) for roles that may not read free text."""
        require_role(*FREE_TEXT_ROLES)
        viewer = current_viewer()
        if not focus:
            return [html.P("Klicka på ett område i kartan för att se anteckningar därifrån.")]
        selection = read_selection(kommun, level, start, end, categories, sources, viewer, focus)
        notes = area_notes(db_session(), current_cube(), selection, viewer, limit=NOTES_SHOWN)
        return _notes_panel(notes, k=viewer.level.k)
