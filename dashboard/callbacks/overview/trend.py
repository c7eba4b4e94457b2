"""The overview's trend chart and the notes of the focused area."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
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
from data.counts.notes import (
    FREE_TEXT_ROLES,
    HIDDEN_LEVEL,
    HIDDEN_MANY,
    HIDDEN_SMALL,
    AreaNotes,
    area_notes,
)
from data.counts.overview import weekly_trend
from data.vocabulary import AREA_LEVELS, MONTH_NAMES, label_of

NOTES_SHOWN = 10
"""At most this many notes; never more than the viewer's k (see data.counts.notes)."""
MIN_TREND_WEEKS = 12
"""A short period's trend is shown with this many weeks of context before it."""


def describe_months(months: tuple[date, ...]) -> str:
    """E.g. "maj 2026", "april – maj 2026", "december 2025 – maj 2026"."""
    if not months:
        return "inga månader"
    first, last = months[0], months[-1]
    end = f"{MONTH_NAMES[last.month - 1]} {last.year}"
    if first == last:
        return end
    start = MONTH_NAMES[first.month - 1] + ("" if first.year == last.year else f" {first.year}")
    return f"{start} – {end}"


def _notes_panel(found: AreaNotes, *, k: int) -> list[Any]:
    """The notes as plain text items (Dash escapes them), or why none are shown."""
    level = label_of(AREA_LEVELS, found.level)
    months = describe_months(found.months)
    why = html.P(
        f"Anteckningar visas för hela månader ({months}) och hela områden på nivån {level}, "
        "för alla kategorier och källor (filtren påverkar dem inte), och bara från områden "
        f"och månader vars antal visas på kartan (minst {k}). Annars skulle anteckningarna "
        "kunna avslöja små antal som kartan döljer.",
        className="hint",
    )
    if found.hidden == HIDDEN_LEVEL:
        return [
            html.P(
                f"Inga anteckningar visas här: anteckningar hör till hela områden på nivån "
                f"{level}, och det valda området rymmer inget sådant helt. Välj nivån {level} "
                "(eller en grövre nivå) och klicka på ett område."
            )
        ]
    if found.hidden == HIDDEN_SMALL:
        text = (
            f"Inga anteckningar visas: områdets antal för {months} är noll eller dolt på "
            f"kartan (färre än {k} händelser, eller skyddat)."
        )
        return [html.P(text), why]
    if found.hidden == HIDDEN_MANY:
        text = "För många anteckningar att välja bland: välj ett mindre område."
        return [html.P(text), why]
    if not found.notes:
        return [html.P(f"Inga anteckningar att visa för området ({months})."), why]
    return [
        html.Ul([html.Li(note) for note in found.notes], id=ids.OV_NOTES_LIST),
        html.P(
            f"Högst {found.most} anteckningar, utan datum och i slumpvis ordning.",
            className="hint",
        ),
        why,
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
        *VALUE_INPUTS[:2],
        Input(ids.FOCUS, "data"),
    )
    def update_notes(
        kommun: str | None,
        level: str | None,
        start: str | None,
        end: str | None,
        focus: str | None,
    ) -> list[Any]:
        """Notes of the focused area; refused (403) for roles that may not read free text.

        Not an input: the category and source filters. Notes come from a fixed lattice
        (area × whole month, every category and source) so that comparing filter choices
        cannot reveal a suppressed cell (issue 14)."""
        require_role(*FREE_TEXT_ROLES)
        viewer = current_viewer()
        if not focus:
            return [html.P("Klicka på ett område i kartan för att se anteckningar därifrån.")]
        selection = read_selection(kommun, level, start, end, None, None, viewer, focus)
        found = area_notes(db_session(), current_cube(), selection, viewer, limit=NOTES_SHOWN)
        return _notes_panel(found, k=viewer.level.k)
