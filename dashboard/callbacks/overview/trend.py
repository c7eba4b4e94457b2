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
    read_selection,
)
from dashboard.figures import (
    trend_figure,
)
from dashboard.formatting import format_date
from dashboard.i18n import _, term_label
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
from data.vocabulary import AREA_LEVELS

NOTES_SHOWN = 10
"""At most this many notes; never more than the viewer's k (see data.counts.notes)."""
MIN_TREND_WEEKS = 12
"""A short period's trend is shown with this many weeks of context before it."""


def describe_months(months: tuple[date, ...]) -> str:
    """E.g. "maj 2026", "april – maj 2026", "december 2025 – maj 2026" (in the
    reader's language: "May 2026")."""
    if not months:
        return _("inga månader")
    first, last = months[0], months[-1]
    end = format_date(last, "LLLL y")
    if first == last:
        return end
    start = format_date(first, "LLLL" if first.year == last.year else "LLLL y")
    return f"{start} – {end}"


def _notes_panel(found: AreaNotes, *, k: int) -> list[Any]:
    """The notes as plain text items (Dash escapes them), or why none are shown."""
    level = term_label(AREA_LEVELS, found.level)
    months = describe_months(found.months)
    why = html.P(
        _(
            "Anteckningar visas för hela månader (%(months)s) och hela områden på nivån "
            "%(level)s, för alla kategorier och källor (filtren påverkar dem inte), och bara "
            "från områden och månader vars antal visas på kartan (minst %(k)s). Annars skulle "
            "anteckningarna kunna avslöja små antal som kartan döljer.",
            months=months,
            level=level,
            k=k,
        ),
        className="hint",
    )
    if found.hidden == HIDDEN_LEVEL:
        return [
            html.P(
                _(
                    "Inga anteckningar visas här: anteckningar hör till hela områden på nivån "
                    "%(level)s, och det valda området rymmer inget sådant helt. Välj nivån "
                    "%(level)s (eller en grövre nivå) och klicka på ett område.",
                    level=level,
                )
            )
        ]
    if found.hidden == HIDDEN_SMALL:
        text = _(
            "Inga anteckningar visas: områdets antal för %(months)s är noll eller dolt på "
            "kartan (färre än %(k)s händelser, eller skyddat).",
            months=months,
            k=k,
        )
        return [html.P(text), why]
    if found.hidden == HIDDEN_MANY:
        text = _("För många anteckningar att välja bland: välj ett mindre område.")
        return [html.P(text), why]
    if not found.notes:
        return [
            html.P(_("Inga anteckningar att visa för området (%(months)s).", months=months)),
            why,
        ]
    return [
        html.Ul([html.Li(note) for note in found.notes], id=ids.OV_NOTES_LIST),
        html.P(
            _("Högst %(most)s anteckningar, utan datum och i slumpvis ordning.", most=found.most),
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
            Input(ids.OV_AGES, "value"),
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
        ages: Any = None,
    ) -> dict[str, Any]:
        viewer = current_viewer()
        cube = current_cube()
        selection = read_selection(
            kommun, level, start, end, categories, sources, viewer, focus, ages
        )
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
            grain=viewer.level.time_grain,
        )
        monthly = viewer.level.time_grain == "month"
        per_grain = _("Händelser per månad") if monthly else _("Händelser per vecka")
        if focus:
            name = cube.areas.names[cube.areas.position(focus)]
            title = f"{per_grain} – {name}"
            bar = _("Visar endast %(name)s (klicka på ett annat område för att byta).", name=name)
        else:
            title = per_grain + " – " + _("hela urvalet")
            bar = _("Klicka på ett område i kartan för att se dess trend.")
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
            return [html.P(_("Klicka på ett område i kartan för att se anteckningar därifrån."))]
        selection = read_selection(kommun, level, start, end, None, None, viewer, focus)
        found = area_notes(db_session(), current_cube(), selection, viewer, limit=NOTES_SHOWN)
        return _notes_panel(found, k=viewer.level.k)
