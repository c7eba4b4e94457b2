"""Planering: forecast, sign-ups, the optimised schedule, planned vs done, signals and
parent meetings. Every callback checks the coordinator and their kommun server-side;
schedule rows edited in the browser are validated again before they are saved."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Final

import plotly.graph_objects as go
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update
from flask import current_app

from dashboard import ids
from dashboard.auth import current_viewer, require_role
from dashboard.callbacks.inputs import as_number
from dashboard.components import bump, delete_button, simple_table
from dashboard.pages.planning_page import EDITABLE, ROLES, next_friday
from dashboard.plan_exports import (
    WEEKDAYS,
    ScheduledWalk,
    schedule_csv,
    schedule_ics,
    schedule_pdf,
)
from dashboard.state import app_state, current_cube, db_session, event_rules, today
from dashboard.uploads import report_items
from data.access.scope import AccessDenied, BadSelection, Selection, Viewer, available_levels
from data.calendar.municipal import kommun_windows
from data.counts.options import category_options
from data.planning.forecast import forecast_nights
from data.planning.meetings import PLACES, add_meeting, meetings
from data.planning.optimiser import DEFAULT_MIN_GROUP, Walk
from data.planning.registry import (
    CLOCK,
    PlanError,
    add_association,
    add_signup,
    associations,
    delete_signup,
    set_severity,
    severity,
    signups,
)
from data.planning.schedule import (
    compensation,
    default_window,
    planned_vs_done,
    propose,
    save_schedule,
    walk_nights,
    yearly_figures,
)
from data.planning.signals import concern_signals
from data.privacy.pii import find_pii, neutralise_formula, pii_message
from data.storage.db import unit_of_work

CODE = re.compile(r"[0-9A-Za-z_-]{1,64}")
TOP_AREAS: Final = 15
PAY_MIN_WALKERS: Final = 3
DONE_WEEKS_BACK: Final = 4


def _scope(kommun: Any, level: Any) -> tuple[Viewer, Selection]:
    user = require_role(*ROLES)
    viewer = current_viewer()
    if not isinstance(kommun, str) or kommun != user.kommun_code:
        raise AccessDenied("bara den egna kommunens planering")
    if not isinstance(level, str) or level not in available_levels(current_cube(), kommun, viewer):
        raise BadSelection("ogiltig områdesnivå")
    cube = current_cube()
    return viewer, Selection(kommun, level, cube.last_monday, cube.last_monday)


def _period(first: Any, weeks: Any) -> tuple[date, date]:
    try:
        start = date.fromisoformat(str(first)[:10]) if first else next_friday(today())
    except ValueError:
        raise BadSelection("ogiltigt datum") from None
    if not isinstance(weeks, int) or isinstance(weeks, bool) or not 1 <= weeks <= 4:
        raise BadSelection("välj 1–4 veckor")
    if abs((start - today()).days) > 366:
        raise BadSelection("välj en period inom ett år")
    return start, start + timedelta(days=7 * weeks - 1)


def _nights(kommun: str, first: date, last: date) -> tuple[list[date], list[Any]]:
    windows = [
        w
        for y in range(first.year, last.year + 1)
        for w in kommun_windows(db_session(), kommun, y, event_rules())
    ]
    return walk_nights(first, last, windows), windows


def _night_label(night: date) -> str:
    return f"{WEEKDAYS[night.weekday()][:3]} {night.isoformat()}"


def _number(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _forecast_figure(forecasts: list[Any], nights: list[date]) -> go.Figure:
    by_area: dict[str, dict[date, Any]] = {}
    names: dict[str, str] = {}
    for f in forecasts:
        by_area.setdefault(f.code, {})[f.night] = f
        names[f.code] = f.name
    top = sorted(by_area, key=lambda c: -max(f.total for f in by_area[c].values()))[:TOP_AREAS]
    z = [[round(by_area[c][n].total, 2) for n in nights] for c in top]
    hover = [
        [
            f"{names[c]} {_night_label(n)}<br>väntat {_number(by_area[c][n].total)} "
            f"(80 %: {by_area[c][n].low}–{by_area[c][n].high})<br>"
            + "<br>".join(by_area[c][n].reasons)
            for n in nights
        ]
        for c in top
    ]
    fig = go.Figure(
        go.Heatmap(
            x=[_night_label(n) for n in nights],
            y=[names[c] for c in top],
            z=z,
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale=[[0, "#fff7ec"], [0.5, "#fc8d59"], [1, "#7f0000"]],
            colorbar={"title": {"text": "Väntat"}, "thickness": 12},
            xgap=2,
            ygap=2,
        )
    )
    fig.update_layout(
        margin={"l": 130, "r": 10, "t": 10, "b": 40},
        height=max(240, 26 * len(top) + 80),
        yaxis={"autorange": "reversed", "type": "category"},
        xaxis={"type": "category"},
        plot_bgcolor="#ffffff",
    )
    return fig


def _schedule_rows(
    data: Any, kommun: str, first: date, last: date, min_group: int
) -> tuple[list[Walk], dict[str, str], list[str]]:
    """Validate the (browser-edited) schedule table: walks, meeting points, errors."""
    if not isinstance(data, list) or len(data) > 2000:
        raise BadSelection("ogiltigt schema")
    cube = current_cube()
    kommun_areas = {
        code
        for code, k in zip(cube.areas.codes, cube.areas.kommun_codes, strict=True)
        if k == kommun
    }
    names = {n for _, n in associations(db_session(), kommun)}
    walks, points, errors, seen = [], {}, [], set()
    for number, row in enumerate(data, start=1):
        if not isinstance(row, dict):
            raise BadSelection("ogiltigt schema")
        problems = []
        try:
            night = date.fromisoformat(str(row.get("night", ""))[:10])
        except ValueError:
            night = None
        area = str(row.get("area", "")).strip()
        start, end = str(row.get("start", "")).strip(), str(row.get("end", "")).strip()
        point = " ".join(str(row.get("meeting_point") or "").split())
        association = str(row.get("association") or "")
        try:
            walkers = int(str(row.get("walkers", "")).strip())
        except ValueError:
            walkers = 0
        if night is None or not first <= night <= last:
            problems.append("natten ligger utanför perioden")
        if area not in kommun_areas:
            problems.append("okänt område")
        if walkers < min_group or walkers > 100:
            problems.append(f"en grupp är {min_group}–100 vandrare")
        if not (CLOCK.fullmatch(start) and CLOCK.fullmatch(end)):
            problems.append("skriv tiderna som 20:30")
        if len(point) > 120:
            problems.append("samlingsplatsen är för lång")
        elif findings := find_pii(point):
            problems.append(pii_message("samlingsplats", findings))
        if association and association not in names:
            association = ""
        if night is not None and (night, area) in seen:
            problems.append("området har redan en grupp den natten")
        if problems:
            errors.append(f"Rad {number}: {'; '.join(problems)}")
            continue
        assert night is not None
        seen.add((night, area))
        value = float(row.get("value") or 0) if isinstance(row.get("value"), int | float) else 0.0
        walks.append(Walk(f"r{number}", night, area, walkers, start, end, association, value))
        if point:
            points[area] = point
    return walks, points, errors


def _schedule_table(rows: list[dict[str, Any]], areas: list[dict[str, str]]) -> Any:
    """The proposed schedule with editable area, walkers, times and meeting point."""
    if not rows:
        return html.P("Inget schema ännu.")

    def cell(i: int, col: str, value: Any, number: bool = False) -> Any:
        return dcc.Input(
            id={"type": ids.PL_CELL_TYPE, "row": i, "col": col},
            type="number" if number else "text",
            value=value,
            className="cell",
        )

    body = [
        html.Tr(
            [
                html.Td(_night_label(date.fromisoformat(r["night"]))),
                html.Td(
                    dcc.Dropdown(
                        id={"type": ids.PL_CELL_TYPE, "row": i, "col": "area"},
                        options=areas,
                        value=r["area"],
                        clearable=False,
                    )
                ),
                html.Td(r["association"] or "–"),
                html.Td(cell(i, "walkers", r["walkers"], number=True)),
                html.Td(cell(i, "start", r["start"])),
                html.Td(cell(i, "end", r["end"])),
                html.Td(cell(i, "meeting_point", r["meeting_point"])),
                html.Td(_number(float(r["value"]))),
                html.Td(
                    dcc.Checklist(
                        id={"type": ids.PL_CELL_TYPE, "row": i, "col": "drop"},
                        options=[{"label": "Ta bort", "value": "drop"}],
                        value=[],
                    )
                ),
            ]
        )
        for i, r in enumerate(rows)
    ]
    head = (
        "Natt",
        "Område",
        "Förening",
        "Vandrare",
        "Start",
        "Slut",
        "Samlingsplats",
        "Förväntat",
        "",
    )
    return html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)], id="pl-schedule-rows"
    )


def _edited(data: Any, cells: Any, cell_ids: Any) -> list[dict[str, Any]]:
    """The proposal's rows with the coordinator's edits applied (dropped rows left out)."""
    if not isinstance(data, list) or not isinstance(cells, list) or not isinstance(cell_ids, list):
        raise BadSelection("ogiltigt schema")
    rows = [dict(r) if isinstance(r, dict) else {} for r in data]
    dropped = set()
    for value, component in zip(cells, cell_ids, strict=False):
        if not isinstance(component, dict):
            raise BadSelection("ogiltigt schema")
        row, col = component.get("row"), component.get("col")
        if not isinstance(row, int) or not 0 <= row < len(rows) or col not in (*EDITABLE, "drop"):
            raise BadSelection("ogiltigt schema")
        if col == "drop":
            if value:
                dropped.add(row)
        else:
            rows[row][col] = value
    return [r for i, r in enumerate(rows) if i not in dropped]


def _saved(kommun: str, first: date, last: date) -> list[ScheduledWalk]:
    return [
        ScheduledWalk(
            r.night,
            r.area_code,
            r.area_name,
            r.association,
            r.planned_walkers,
            r.start,
            r.end,
            r.meeting_point,
            r.expected,
        )
        for r in planned_vs_done(db_session(), kommun, first, last)
    ]


def _signal_figure(area: Any, meeting_days: list[date]) -> go.Figure:
    weeks = list(area.weeks)
    values = list(area.published)
    fig = go.Figure(
        go.Bar(x=weeks, y=values, name="Publicerat antal per vecka", marker={"color": "#9ecae1"})
    )
    fig.add_hline(y=area.signal.baseline, line={"dash": "dot", "color": "#5b6776"})
    if area.signal.alarm is not None:
        alarm_week = weeks[52 + area.signal.alarm] if len(weeks) > 52 + area.signal.alarm else None
        if alarm_week:
            fig.add_vline(x=alarm_week, line={"color": "#b2182b", "width": 2})
    for day in meeting_days:
        fig.add_vline(
            x=(day - timedelta(days=day.weekday())).isoformat(),
            line={"color": "#1a9850", "dash": "dash"},
        )
    fig.update_layout(
        height=200,
        margin={"l": 40, "r": 10, "t": 10, "b": 30},
        showlegend=False,
        plot_bgcolor="#ffffff",
    )
    return fig


def register(app: Dash) -> None:
    """Register the Planering page's callbacks on ``app``."""

    @app.callback(
        Output(ids.PL_FORECAST, "figure"),
        Output(ids.PL_REASONS, "children"),
        Output(ids.PL_NIGHTS, "children"),
        Output(ids.PL_SIGNUP_NIGHT, "options"),
        Output(ids.PL_ASSOCIATION, "options"),
        Output(ids.PL_SIGNUPS, "children"),
        Output(ids.PL_DONE, "children"),
        Output(ids.PL_YEARLY, "children"),
        Output(ids.PL_MEETING_AREA, "options"),
        Output(ids.PL_MEETINGS, "children"),
        Input(ids.PL_KOMMUN, "value"),
        Input(ids.PL_LEVEL, "value"),
        Input(ids.PL_FIRST, "date"),
        Input(ids.PL_WEEKS, "value"),
        Input(ids.PL_REFRESH, "data"),
    )
    def show(kommun: Any, level: Any, first: Any, weeks: Any, _refresh: Any) -> tuple[Any, ...]:
        """Forecast, nights, sign-ups, planned vs done and meetings of the period."""
        viewer, selection = _scope(kommun, level)
        start, last = _period(first, weeks)
        nights, windows = _nights(selection.kommun_code, start, last)
        session = db_session()
        cube = current_cube()
        forecasts = forecast_nights(
            session,
            cube,
            selection,
            viewer,
            nights,
            today=today(),
            severity=severity(session, selection.kommun_code),
            rules=event_rules(),
        )
        reasons = []
        for night in nights:
            first_area = next((f for f in forecasts if f.night == night), None)
            if first_area is not None:
                reasons.append(html.Li(f"{_night_label(night)}: {'; '.join(first_area.reasons)}"))
        inputs = [
            html.Div(
                [
                    html.Label(
                        f"{_night_label(n)} ({'–'.join(default_window(n, windows))})",
                        htmlFor=f"pl-walkers-{n.isoformat()}",
                    ),
                    dcc.Input(
                        id={"type": ids.PL_WALKERS_TYPE, "night": n.isoformat()},
                        type="number",
                        min=0,
                        placeholder="Vandrare",
                    ),
                ],
                className="form-row",
            )
            for n in nights
        ]
        nights_block = (
            [html.H4("Vandrare som samordnaren har (utan förening)"), *inputs]
            if nights
            else [html.P("Inga vandringsnätter i perioden.")]
        )
        kommun_code = selection.kommun_code
        offers = signups(session, kommun_code, start, last)
        signup_rows = [
            [
                _night_label(s.night),
                s.association.name,
                str(s.walkers),
                f"{s.start_time}–{s.end_time}",
                delete_button(ids.PL_DELETE_TYPE, f"signup|{s.id}"),
            ]
            for s in offers
        ]
        done = planned_vs_done(session, kommun_code, start - timedelta(weeks=DONE_WEEKS_BACK), last)
        done_rows = [
            [
                _night_label(r.night),
                r.area_name,
                r.association or "–",
                str(r.planned_walkers),
                f"{r.start}–{r.end}",
                "Ja" if r.reported else "Nej",
                "–" if r.walkers is None else str(r.walkers),
                "–" if r.rating is None else ("lugnt" if r.rating == "calm" else "oroligt"),
                str(r.seen) if r.reported else "–",
            ]
            for r in done
        ]
        yearly = simple_table(
            ("År", "Vandringar", "Vandrarnätter"),
            [[str(y), str(w), str(n)] for y, w, n in yearly_figures(session, kommun_code)],
            "pl-yearly-table",
            "Inga rapporterade vandringar ännu.",
        )
        units = sorted({(f.code, f.name) for f in forecasts}, key=lambda p: p[1])
        meeting_rows = [
            [
                m.held_on.isoformat(),
                m.area.name,
                PLACES.get(m.place, m.place),
                m.theme,
                "–" if m.attending is None else str(m.attending),
                "–" if m.follow_up_on is None else m.follow_up_on.isoformat(),
            ]
            for m in meetings(session, kommun_code)
        ]
        return (
            _forecast_figure(forecasts, nights) if forecasts else {},
            reasons,
            nights_block,
            [{"label": _night_label(n), "value": n.isoformat()} for n in nights],
            [{"label": name, "value": i} for i, name in associations(session, kommun_code)],
            simple_table(
                ("Natt", "Förening", "Vandrare", "Tid", ""),
                signup_rows,
                "pl-signup-table",
                "Inga anmälningar för perioden.",
            ),
            simple_table(
                (
                    "Natt",
                    "Område",
                    "Förening",
                    "Planerat",
                    "Tid",
                    "Rapport",
                    "Vandrade",
                    "Stämning",
                    "Sett",
                ),
                done_rows,
                "pl-done-table",
                "Inget sparat schema för perioden.",
            ),
            yearly,
            [{"label": name, "value": code} for code, name in units],
            simple_table(
                ("Datum", "Område", "Plats", "Tema", "Deltagare", "Uppföljning"),
                meeting_rows,
                "pl-meeting-table",
                "Inga föräldramöten registrerade.",
            ),
        )

    @app.callback(
        Output(ids.PL_SCHEDULE, "data"),
        Output(ids.PL_SCHEDULE_TABLE, "children"),
        Output(ids.PL_MESSAGE, "children", allow_duplicate=True),
        Input(ids.PL_PROPOSE, "n_clicks"),
        State({"type": ids.PL_WALKERS_TYPE, "night": ALL}, "value"),
        State({"type": ids.PL_WALKERS_TYPE, "night": ALL}, "id"),
        State(ids.PL_KOMMUN, "value"),
        State(ids.PL_LEVEL, "value"),
        State(ids.PL_FIRST, "date"),
        State(ids.PL_WEEKS, "value"),
        prevent_initial_call=True,
    )
    def propose_schedule(
        _clicks: Any, values: Any, inputs: Any, kommun: Any, level: Any, first: Any, weeks: Any
    ) -> tuple[Any, Any, Any]:
        """The optimised schedule from the sign-ups and the walkers entered per night."""
        viewer, selection = _scope(kommun, level)
        start, last = _period(first, weeks)
        walkers: dict[date, int] = {}
        for value, component in zip(values or [], inputs or [], strict=False):
            night = component.get("night") if isinstance(component, dict) else None
            if value in (None, ""):
                continue
            number = as_number(value)
            if number is None or not 0 <= number <= 1000:
                message = report_items(["Antal vandrare: 0–1000 per natt."], ok=False)
                return no_update, no_update, message
            try:
                walkers[date.fromisoformat(str(night))] = int(number)
            except ValueError:
                raise BadSelection("ogiltig natt") from None
        try:
            proposal = propose(
                db_session(),
                current_cube(),
                selection,
                viewer,
                first=start,
                last=last,
                walkers=walkers,
                rules=event_rules(),
                today=today(),
            )
        except PlanError as error:
            return no_update, no_update, report_items(list(error.errors.values()), ok=False)
        names = dict(zip(current_cube().areas.codes, current_cube().areas.names, strict=True))
        rows = [
            {
                "night": w.night.isoformat(),
                "area": w.area,
                "area_name": names.get(w.area, w.area),
                "association": w.association,
                "walkers": w.walkers,
                "start": w.start,
                "end": w.end,
                "meeting_point": "",
                "value": round(w.value, 2),
            }
            for w in proposal.walks
        ]
        unused = len(proposal.offers) - len({w.offer for w in proposal.walks})
        text = (
            f"Förslag: {len(rows)} grupper på {len({w.night for w in proposal.walks})} nätter"
            + (f"; {unused} anmälningar hålls som reserv." if unused else ".")
            if rows
            else "Inget att schemalägga: ange vandrare för någon natt eller lägg in anmälningar."
        )
        options = [
            {"label": f"{n} ({c})", "value": c}
            for c, n in sorted(names.items())
            if c.startswith(selection.kommun_code)
        ]
        return rows, _schedule_table(rows, options), report_items([text], ok=bool(rows))

    @app.callback(
        Output(ids.PL_MESSAGE, "children", allow_duplicate=True),
        Output(ids.PL_REFRESH, "data", allow_duplicate=True),
        Input(ids.PL_SAVE, "n_clicks"),
        State(ids.PL_SCHEDULE, "data"),
        State({"type": ids.PL_CELL_TYPE, "row": ALL, "col": ALL}, "value"),
        State({"type": ids.PL_CELL_TYPE, "row": ALL, "col": ALL}, "id"),
        State(ids.PL_KOMMUN, "value"),
        State(ids.PL_LEVEL, "value"),
        State(ids.PL_FIRST, "date"),
        State(ids.PL_WEEKS, "value"),
        State(ids.PL_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def save(
        _clicks: Any,
        data: Any,
        cells: Any,
        cell_ids: Any,
        kommun: Any,
        level: Any,
        first: Any,
        weeks: Any,
        refresh: Any,
    ) -> tuple[Any, Any]:
        """Apply the hand edits, validate the schedule again and save it for the period."""
        _viewer, selection = _scope(kommun, level)
        start, last = _period(first, weeks)
        data = _edited(data, cells, cell_ids)
        walks, points, errors = _schedule_rows(
            data, selection.kommun_code, start, last, DEFAULT_MIN_GROUP
        )
        if errors:
            return report_items(["Schemat sparades inte.", *errors[:20]], ok=False), no_update
        with unit_of_work(app_state().sessions) as session:
            saved = save_schedule(
                session, selection.kommun_code, start, last, walks, meeting_points=points
            )
        return report_items([f"Schemat är sparat: {saved} vandringar."], ok=True), bump(refresh)

    @app.callback(
        Output(ids.PL_SIGNUP_MESSAGE, "children", allow_duplicate=True),
        Output(ids.PL_REFRESH, "data", allow_duplicate=True),
        Input(ids.PL_ADD_ASSOCIATION, "n_clicks"),
        State(ids.PL_NEW_ASSOCIATION, "value"),
        State(ids.PL_KOMMUN, "value"),
        State(ids.PL_LEVEL, "value"),
        State(ids.PL_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def new_association(
        _c: Any, name: Any, kommun: Any, level: Any, refresh: Any
    ) -> tuple[Any, Any]:
        _viewer, selection = _scope(kommun, level)
        try:
            with unit_of_work(app_state().sessions) as session:
                add_association(
                    session, selection.kommun_code, name if isinstance(name, str) else ""
                )
        except PlanError as error:
            return report_items(list(error.errors.values()), ok=False), no_update
        return report_items(["Föreningen är tillagd."], ok=True), bump(refresh)

    @app.callback(
        Output(ids.PL_SIGNUP_MESSAGE, "children", allow_duplicate=True),
        Output(ids.PL_REFRESH, "data", allow_duplicate=True),
        Input(ids.PL_ADD_SIGNUP, "n_clicks"),
        State(ids.PL_ASSOCIATION, "value"),
        State(ids.PL_SIGNUP_NIGHT, "value"),
        State(ids.PL_SIGNUP_WALKERS, "value"),
        State(ids.PL_SIGNUP_START, "value"),
        State(ids.PL_SIGNUP_END, "value"),
        State(ids.PL_KOMMUN, "value"),
        State(ids.PL_LEVEL, "value"),
        State(ids.PL_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def new_signup(
        _c: Any,
        association: Any,
        night: Any,
        walkers: Any,
        start: Any,
        end: Any,
        kommun: Any,
        level: Any,
        refresh: Any,
    ) -> tuple[Any, Any]:
        _viewer, selection = _scope(kommun, level)
        try:
            day = date.fromisoformat(str(night))
        except ValueError:
            return report_items(["Välj en natt."], ok=False), no_update
        if not isinstance(association, int) or isinstance(association, bool):
            return report_items(["Välj en förening."], ok=False), no_update
        count = int(as_number(walkers) or 0)
        try:
            with unit_of_work(app_state().sessions) as session:
                add_signup(
                    session,
                    selection.kommun_code,
                    association_id=association,
                    night=day,
                    walkers=count,
                    start=str(start or "").strip(),
                    end=str(end or "").strip(),
                )
        except PlanError as error:
            return report_items(list(error.errors.values()), ok=False), no_update
        return report_items(["Anmälan är tillagd."], ok=True), bump(refresh)

    @app.callback(
        Output(ids.PL_SIGNUP_MESSAGE, "children", allow_duplicate=True),
        Output(ids.PL_REFRESH, "data", allow_duplicate=True),
        Input({"type": ids.PL_DELETE_TYPE, "item": ALL}, "n_clicks"),
        State(ids.PL_KOMMUN, "value"),
        State(ids.PL_LEVEL, "value"),
        State(ids.PL_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def remove(clicks: Any, kommun: Any, level: Any, refresh: Any) -> tuple[Any, Any]:
        _viewer, selection = _scope(kommun, level)
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not any(
            isinstance(c, int) and c > 0 for c in clicks or []
        ):
            return no_update, no_update
        item = str(trigger.get("item", ""))
        kind, _, key = item.partition("|")
        if kind != "signup" or not key.isdigit():
            raise BadSelection("okänt val")
        with unit_of_work(app_state().sessions) as session:
            removed = delete_signup(session, selection.kommun_code, int(key))
        return report_items(
            ["Anmälan är borttagen." if removed else "Fanns inte."], ok=removed
        ), bump(refresh)

    @app.callback(
        Output(ids.PL_MEETING_MESSAGE, "children", allow_duplicate=True),
        Output(ids.PL_REFRESH, "data", allow_duplicate=True),
        Input(ids.PL_ADD_MEETING, "n_clicks"),
        State(ids.PL_MEETING_AREA, "value"),
        State(ids.PL_MEETING_DATE, "date"),
        State(ids.PL_MEETING_PLACE, "value"),
        State(ids.PL_MEETING_THEME, "value"),
        State(ids.PL_MEETING_ATTENDING, "value"),
        State(ids.PL_MEETING_FOLLOW_UP, "date"),
        State(ids.PL_KOMMUN, "value"),
        State(ids.PL_LEVEL, "value"),
        State(ids.PL_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def new_meeting(
        _c: Any,
        area: Any,
        held: Any,
        place: Any,
        theme: Any,
        attending: Any,
        follow: Any,
        kommun: Any,
        level: Any,
        refresh: Any,
    ) -> tuple[Any, Any]:
        _viewer, selection = _scope(kommun, level)
        try:
            held_on = date.fromisoformat(str(held)[:10])
        except ValueError:
            return report_items(["Välj mötets datum."], ok=False), no_update
        try:
            follow_up = date.fromisoformat(str(follow)[:10]) if follow else None
        except ValueError:
            follow_up = None
        number = as_number(attending)
        count = None if number is None else int(number)
        try:
            with unit_of_work(app_state().sessions) as session:
                add_meeting(
                    session,
                    selection.kommun_code,
                    area_code=area if isinstance(area, str) else "",
                    held_on=held_on,
                    place=place if isinstance(place, str) else "",
                    theme=theme if isinstance(theme, str) else "",
                    attending=count,
                    follow_up_on=follow_up,
                )
        except PlanError as error:
            return report_items(list(error.errors.values()), ok=False), no_update
        return report_items(["Mötet är sparat."], ok=True), bump(refresh)

    @app.callback(
        Output(ids.PL_DOWNLOAD, "data"),
        Input(ids.PL_EXPORT_CSV, "n_clicks"),
        Input(ids.PL_EXPORT_ICS, "n_clicks"),
        Input(ids.PL_EXPORT_PDF, "n_clicks"),
        Input(ids.PL_EXPORT_PAY, "n_clicks"),
        State(ids.PL_KOMMUN, "value"),
        State(ids.PL_LEVEL, "value"),
        State(ids.PL_FIRST, "date"),
        State(ids.PL_WEEKS, "value"),
        prevent_initial_call=True,
    )
    def export(
        _csv: Any, _ics: Any, _pdf: Any, _pay: Any, kommun: Any, level: Any, first: Any, weeks: Any
    ) -> Any:
        """The saved schedule (not the browser's copy) as CSV, ICS or PDF; the pay CSV."""
        viewer, selection = _scope(kommun, level)
        start, last = _period(first, weeks)
        code = selection.kommun_code
        stem = f"nattvandring-{code}-{start.isoformat()}"
        if ctx.triggered_id == ids.PL_EXPORT_PAY:
            rows = compensation(
                db_session(),
                code,
                start,
                last,
                min_walkers=int(current_app.config.get("SSP_PAY_MIN_WALKERS", PAY_MIN_WALKERS)),
                per_night=float(current_app.config.get("SSP_PAY_PER_NIGHT", 0)),
            )
            lines = ["forening;planerade;rapporterade;ersattningsgrundande;vandrarnatter;belopp"]
            lines += [
                ";".join(
                    neutralise_formula(v)
                    for v in (
                        c.association,
                        str(c.planned),
                        str(c.reported),
                        str(c.qualifying),
                        str(c.walker_nights),
                        f"{c.amount:.2f}",
                    )
                )
                for c in rows
            ]
            return {
                "content": "\n".join(lines) + "\n",
                "filename": f"ersattning-{code}-{start.isoformat()}.csv",
                "type": "text/csv",
            }
        walks = _saved(code, start, last)
        if ctx.triggered_id == ids.PL_EXPORT_ICS:
            return dcc.send_bytes(schedule_ics(walks, kommun=code), f"{stem}.ics")
        if ctx.triggered_id == ids.PL_EXPORT_PDF:
            nights = sorted({w.night for w in walks})
            forecasts = (
                forecast_nights(
                    db_session(),
                    current_cube(),
                    selection,
                    viewer,
                    nights,
                    today=today(),
                    severity=severity(db_session(), code),
                    rules=event_rules(),
                )
                if nights
                else []
            )
            reasons: dict[date, str] = {}
            for f in forecasts:
                reasons.setdefault(f.night, "; ".join(f.reasons))
            return dcc.send_bytes(schedule_pdf(walks, kommun=code, reasons=reasons), f"{stem}.pdf")
        return {"content": schedule_csv(walks), "filename": f"{stem}.csv", "type": "text/csv"}

    @app.callback(
        Output(ids.PL_SIGNALS, "children"),
        Input(ids.PL_KOMMUN, "value"),
        Input(ids.PL_LEVEL, "value"),
        Input(ids.PL_CONCERNS, "value"),
        Input(ids.PL_REFRESH, "data"),
    )
    def signals(kommun: Any, level: Any, concerns: Any, _refresh: Any) -> Any:
        """Areas where the concern has risen, with the evidence and the meetings held."""
        viewer, selection = _scope(kommun, level)
        chosen = concerns if isinstance(concerns, list) and concerns else None
        if chosen is None or not all(isinstance(c, str) and CODE.fullmatch(c) for c in chosen):
            return html.P("Välj minst en kategori att bevaka.")
        cube = current_cube()
        try:
            areas = concern_signals(
                cube, selection, viewer, categories=tuple(chosen), last_monday=cube.last_monday
            )
        except KeyError as error:
            raise BadSelection(str(error)) from None
        held: dict[str, list[date]] = {}
        for m in meetings(db_session(), selection.kommun_code):
            held.setdefault(m.area.code, []).append(m.held_on)
        raised = [a for a in areas if a.signal.raised]
        shown = raised or sorted(areas, key=lambda a: -max(a.signal.path, default=0))[:3]
        # Areas with a parent meeting: the trend after it.
        shown += [a for a in areas if a.code in held and a not in shown]
        header = (
            html.P(
                f"{len(raised)} områden har en tydlig ökning.",
                className="notice",
                id="pl-signal-count",
            )
            if raised
            else html.P(
                "Inga signaler just nu. De tre områden som ligger närmast visas.",
                id="pl-signal-count",
            )
        )
        return [
            header,
            *[
                html.Div(
                    [
                        html.H4(a.name + (" – signal" if a.signal.raised else "")),
                        dcc.Graph(
                            figure=_signal_figure(a, held.get(a.code, [])),
                            config={"displaylogo": False},
                        ),
                    ],
                    className="signal",
                )
                for a in shown
            ],
        ]


def register_severity(app: Dash) -> None:
    """The severity inputs (0–10 per category) and saving them for the kommun."""

    @app.callback(
        Output(ids.PL_SEVERITIES, "children"),
        Input(ids.PL_KOMMUN, "value"),
        Input(ids.PL_LEVEL, "value"),
    )
    def show_severity(kommun: Any, level: Any) -> Any:
        _viewer, selection = _scope(kommun, level)
        session = db_session()
        values = severity(session, selection.kommun_code)
        return [
            html.Div(
                [
                    html.Label(label, htmlFor=f"pl-severity-{code}"),
                    dcc.Input(
                        id={"type": ids.PL_SEVERITY_TYPE, "category": code},
                        type="number",
                        min=0,
                        max=10,
                        step=0.5,
                        value=values.get(code, 1.0),
                    ),
                ],
                className="form-row",
            )
            for code, label in category_options(session)
        ]

    @app.callback(
        Output(ids.PL_SEVERITY_MESSAGE, "children"),
        Output(ids.PL_REFRESH, "data", allow_duplicate=True),
        Input(ids.PL_SAVE_SEVERITY, "n_clicks"),
        State({"type": ids.PL_SEVERITY_TYPE, "category": ALL}, "value"),
        State({"type": ids.PL_SEVERITY_TYPE, "category": ALL}, "id"),
        State(ids.PL_KOMMUN, "value"),
        State(ids.PL_LEVEL, "value"),
        State(ids.PL_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def save_severity(
        _c: Any, values: Any, components: Any, kommun: Any, level: Any, refresh: Any
    ) -> tuple[Any, Any]:
        _viewer, selection = _scope(kommun, level)
        chosen: dict[str, float] = {}
        for value, component in zip(values or [], components or [], strict=False):
            code = component.get("category") if isinstance(component, dict) else None
            if not isinstance(code, str) or not CODE.fullmatch(code):
                raise BadSelection("okänd kategori")
            number = as_number(value)
            if number is None:
                return report_items(["Allvarlighet anges 0–10."], ok=False), no_update
            chosen[code] = number
        try:
            with unit_of_work(app_state().sessions) as session:
                set_severity(session, selection.kommun_code, chosen)
        except PlanError as error:
            return report_items(list(error.errors.values()), ok=False), no_update
        return report_items(["Allvarligheten är sparad; prognosen räknas om."], ok=True), bump(
            refresh
        )
