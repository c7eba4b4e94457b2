"""Kalender: list, add, import and remove school calendar entries and local events.

Every callback checks the role server-side and that the kommun is the user's own
(administrators: any kommun with areas); a delete names the item, which is looked
up again inside that kommun.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, html, no_update

from dashboard import ids
from dashboard.auth import current_viewer, require_role
from dashboard.callbacks.submit import Report, refuse, submit
from dashboard.components import delete_button
from dashboard.figures import WEEKDAY_NAMES
from dashboard.i18n import _, term_label
from dashboard.pages.calendar_page import ROLES, SCHOOL_SUFFIXES, school_kind_label
from dashboard.periods import SHORT_MONTHS
from dashboard.state import app_state, current_cube
from dashboard.uploads import UploadError, uploaded_file
from data.access.scope import BadSelection, require_kommun
from data.areas.listing import natural_key
from data.calendar.holidays import SCHOOL_KINDS, CalendarEntry
from data.calendar.municipal import (
    LOCAL_EVENT_KINDS,
    EventRejected,
    LocalEventRow,
    add_local_event,
    delete_local_event,
    delete_school_entry,
    local_events,
    save_school_entries,
    school_entries,
)
from data.calendar.windows import STOCKHOLM, local
from data.ingest.school_calendar import CalendarRejected, checked_entry, read_school_calendar
from data.storage.db import Session

CLOCK = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?")


def _kommun(value: Any) -> str:
    require_role(*ROLES)
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}", value):
        raise BadSelection("ogiltig kommun")
    require_kommun(current_viewer(), value)
    if value not in current_cube().areas.kommun_codes:
        raise BadSelection("okänd kommun")
    return value


def _day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _moment(day: Any, clock: Any) -> datetime | str:
    chosen = _day(day)
    if chosen is None:
        return _("välj ett datum")
    match = CLOCK.fullmatch(clock.strip()) if isinstance(clock, str) else None
    if match is None:
        return _("skriv klockslaget som 18:00")
    hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 23 or minute > 59:
        return _("skriv klockslaget som 18:00")
    return local(chosen, hour, minute)


def _event_errors(error: Exception) -> list[str]:
    return list(error.errors.values()) if isinstance(error, EventRejected) else [str(error)]


def day_text(day: date) -> str:
    """E.g. "fre 5 jun 2026" (Swedish) or "Fri 5 Jun 2026": weekday, day, month, year."""
    weekday, month = _(WEEKDAY_NAMES[day.weekday()]), _(SHORT_MONTHS[day.month - 1])
    return f"{weekday} {day.day} {month} {day.year}"


def moment_text(moment: datetime) -> str:
    """E.g. "fre 5 jun 2026 18:00" (Swedish local time)."""
    local_moment = moment.astimezone(STOCKHOLM)
    return f"{day_text(local_moment.date())} {local_moment:%H:%M}"


def _area_names(kommun: str) -> dict[str, str]:
    """Code → name of the kommun's areas (not the kommun itself)."""
    areas = current_cube().areas
    return {
        c: name
        for c, name, k, level in zip(
            areas.codes, areas.names, areas.kommun_codes, areas.levels, strict=True
        )
        if k == kommun and level != "kommun"
    }


def _area_options(names: dict[str, str]) -> list[dict[str, str]]:
    """The areas an event can be limited to, by name in natural order (2 before 10)."""
    ordered = sorted(names.items(), key=lambda item: natural_key(item[1]))
    return [{"label": name, "value": code} for code, name in ordered]


def _table(headers: tuple[str, ...], rows: list[tuple[Any, ...]], table_id: str, empty: str) -> Any:
    """A styled table (``data-table``), or ``empty`` as a paragraph when there are no rows."""
    if not rows:
        return html.P(empty)
    return html.Div(
        html.Table(
            [
                html.Thead(html.Tr([html.Th(h) for h in headers])),
                html.Tbody([html.Tr([html.Td(cell) for cell in row]) for row in rows]),
            ],
            id=table_id,
            className="data-table",
        ),
        className="table-scroll",
    )


def _school_table(entries: list[CalendarEntry]) -> Any:
    return _table(
        (_("Typ"), _("Första dag"), _("Sista dag"), ""),
        [
            (
                school_kind_label(e.name),
                day_text(e.start),
                day_text(e.end),
                delete_button(ids.CAL_DELETE_TYPE, f"school|{e.name}|{e.start.isoformat()}"),
            )
            for e in sorted(entries, key=lambda e: (e.start, e.name))
        ],
        ids.CAL_SCHOOL_TABLE,
        _("Ingen skolkalender inlagd ännu. Lägg till lov nedan eller importera en fil."),
    )


def _event_table(events: list[LocalEventRow], names: dict[str, str]) -> Any:
    def areas(codes: tuple[str, ...]) -> str:
        shown = sorted((names.get(c, c) for c in codes), key=natural_key)
        return ", ".join(shown) or _("hela kommunen")

    return _table(
        (_("Evenemang"), _("Start"), _("Slut"), _("Typ"), _("Områden"), ""),
        [
            (
                row.window.name,
                moment_text(row.window.start),
                moment_text(row.window.end),
                term_label(LOCAL_EVENT_KINDS, row.kind),
                areas(row.window.areas),
                delete_button(ids.CAL_DELETE_TYPE, f"event|{row.id}"),
            )
            for row in sorted(events, key=lambda r: (r.window.start, r.window.name))
        ],
        ids.CAL_EVENT_TABLE,
        _("Inga egna evenemang ännu. Lägg till ett nedan."),
    )


def register(app: Dash) -> None:
    """Register the Kalender page's callbacks on ``app``."""

    @app.callback(
        output={
            "school": Output(ids.CAL_SCHOOL_LIST, "children"),
            "events": Output(ids.CAL_EVENT_LIST, "children"),
            "area_options": Output(ids.CAL_EVENT_AREAS, "options"),
        },
        inputs=[Input(ids.CAL_REFRESH, "data"), Input(ids.CAL_KOMMUN, "value")],
    )
    def show(_refresh: Any, kommun: Any) -> dict[str, Any]:
        """The kommun's entries and events, each with a delete button."""
        code = _kommun(kommun)
        with app_state().sessions() as session:
            entries = school_entries(session, code)
            events = local_events(session, code)
        names = _area_names(code)
        return {
            "school": _school_table(entries),
            "events": _event_table(events, names),
            "area_options": _area_options(names),
        }

    @app.callback(
        Output(ids.CAL_SCHOOL_MESSAGE, "children", allow_duplicate=True),
        Output(ids.CAL_REFRESH, "data", allow_duplicate=True),
        Input(ids.CAL_SCHOOL_ADD, "n_clicks"),
        State(ids.CAL_SCHOOL_KIND, "value"),
        State(ids.CAL_SCHOOL_FIRST, "date"),
        State(ids.CAL_SCHOOL_LAST, "date"),
        State(ids.CAL_KOMMUN, "value"),
        State(ids.CAL_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def add_school(
        _clicks: Any, kind: Any, first: Any, last: Any, kommun: Any, refresh: Any
    ) -> tuple[Any, Any]:
        """One school entry (last day empty: a single day)."""
        code = _kommun(kommun)
        start, end = _day(first), _day(last) or _day(first)
        if kind not in SCHOOL_KINDS:
            return refuse([_("Välj typ av lov.")])
        if start is None or end is None:
            return refuse([_("Välj första dag.")])
        entry = checked_entry(kind, start, end)
        if isinstance(entry, str):
            return refuse([entry.capitalize() + "."])

        def save(session: Session) -> list[str]:
            added, updated = save_school_entries(session, code, [entry])
            return [_("Sparat.") if added else (_("Uppdaterat.") if updated else _("Fanns redan."))]

        return submit(save, refresh=refresh)

    @app.callback(
        Output(ids.CAL_SCHOOL_MESSAGE, "children", allow_duplicate=True),
        Output(ids.CAL_REFRESH, "data", allow_duplicate=True),
        Input(ids.CAL_SCHOOL_UPLOADED, "data"),
        State(ids.CAL_KOMMUN, "value"),
        State(ids.CAL_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def upload_school(uploaded: Any, kommun: Any, refresh: Any) -> tuple[Any, Any]:
        """A whole school calendar file (at most 2 MB, read here), all or nothing."""
        code = _kommun(kommun)
        user = require_role(*ROLES)
        try:
            upload = uploaded_file(uploaded, user.id, SCHOOL_SUFFIXES)
        except UploadError as error:
            return refuse([str(error)])
        try:
            parsed = read_school_calendar(upload.path.read_bytes(), upload.name)
        except CalendarRejected as rejected:
            return refuse([_("Ingenting importerades."), *rejected.errors[:50]])
        finally:
            upload.path.unlink(missing_ok=True)

        def save(session: Session) -> list[str]:
            added, updated = save_school_entries(session, code, parsed.entries)
            skipped = [_("Hoppade över: %(row)s", row=s) for s in parsed.skipped[:20]]
            done = _(
                "Importerat: %(added)s nya, %(updated)s ändrade.", added=added, updated=updated
            )
            return [done, *skipped]

        return submit(save, refresh=refresh)

    @app.callback(
        Output(ids.CAL_EVENT_MESSAGE, "children", allow_duplicate=True),
        Output(ids.CAL_REFRESH, "data", allow_duplicate=True),
        Input(ids.CAL_EVENT_ADD, "n_clicks"),
        State(ids.CAL_EVENT_NAME, "value"),
        State(ids.CAL_EVENT_KIND, "value"),
        State(ids.CAL_EVENT_START_DAY, "date"),
        State(ids.CAL_EVENT_START_TIME, "value"),
        State(ids.CAL_EVENT_END_DAY, "date"),
        State(ids.CAL_EVENT_END_TIME, "value"),
        State(ids.CAL_EVENT_AREAS, "value"),
        State(ids.CAL_KOMMUN, "value"),
        State(ids.CAL_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def add_event(
        _clicks: Any,
        name: Any,
        kind: Any,
        start_day: Any,
        start_time: Any,
        end_day: Any,
        end_time: Any,
        areas: Any,
        kommun: Any,
        refresh: Any,
    ) -> tuple[Any, Any]:
        """Validate and store a local event; errors per field, never echoing the name."""
        code = _kommun(kommun)
        user = require_role(*ROLES)
        start, end = _moment(start_day, start_time), _moment(end_day, end_time)
        problems = []
        if isinstance(start, str):
            problems.append(_("Start: %(problem)s.", problem=start))
        if isinstance(end, str):
            problems.append(_("Slut: %(problem)s.", problem=end))
        chosen = areas if isinstance(areas, list) else []
        if not all(isinstance(a, str) for a in chosen) or len(chosen) > 200:
            return refuse([_("Ogiltiga områden.")])
        if problems or isinstance(start, str) or isinstance(end, str):
            return refuse(problems)

        def save(session: Session) -> list[str]:
            add_local_event(
                session,
                code,
                name=name if isinstance(name, str) else "",
                kind=kind if isinstance(kind, str) else "",
                starts_at=start,
                ends_at=end,
                area_codes=chosen,
                created_by_id=user.id,
            )
            return [_("Evenemanget är sparat.")]

        return submit(save, refresh=refresh, refused=(EventRejected,), messages=_event_errors)

    @app.callback(
        Output(ids.CAL_EVENT_MESSAGE, "children", allow_duplicate=True),
        Output(ids.CAL_REFRESH, "data", allow_duplicate=True),
        Input({"type": ids.CAL_DELETE_TYPE, "item": ALL}, "n_clicks"),
        State(ids.CAL_KOMMUN, "value"),
        State(ids.CAL_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def delete(clicks: Any, kommun: Any, refresh: Any) -> tuple[Any, Any]:
        """Remove the clicked entry or event (inside the user's kommun only)."""
        code = _kommun(kommun)
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not any(
            isinstance(c, int) and c > 0 for c in clicks or []
        ):
            return no_update, no_update
        item = trigger.get("item")
        parts = item.split("|") if isinstance(item, str) else []

        def remove(session: Session) -> Report:
            if len(parts) == 3 and parts[0] == "school" and (day := _day(parts[2])):
                removed = delete_school_entry(session, code, parts[1], day)
            elif len(parts) == 2 and parts[0] == "event" and parts[1].isdigit():
                removed = delete_local_event(session, code, int(parts[1]))
            else:
                raise BadSelection("okänt val")
            done = _("Borttaget.") if removed else _("Fanns inte (redan borttaget?).")
            return Report([done], removed)

        return submit(remove, refresh=refresh)
