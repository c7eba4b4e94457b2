"""The Planering page's pieces built from data-layer results: the period's lists and
tables, the editable schedule, the concern signals and the severity inputs.

Pure builders (no I/O, no authorisation): the callbacks in
:mod:`dashboard.callbacks.planning_page` fetch, these draw.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from dash import dcc, html

from dashboard import ids
from dashboard.components import delete_button, graph, simple_table
from dashboard.figures import decimal_comma, forecast_figure, night_label, signal_figure
from data.planning.meetings import PLACES
from data.planning.period import PeriodPlan, WatchedSignals
from data.planning.schedule import PlannedVsDone, Proposal

SCHEDULE_HEAD = (
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
DONE_HEAD = (
    "Natt",
    "Område",
    "Förening",
    "Planerat",
    "Tid",
    "Rapport",
    "Vandrade",
    "Stämning",
    "Sett",
    "Bekräftad",
    "",
)


def _walker_inputs(plan: PeriodPlan) -> list[Any]:
    """Per night, how many walkers the coordinator has without an association."""
    if not plan.nights:
        return [html.P("Inga vandringsnätter i perioden.")]
    inputs = [
        html.Div(
            [
                html.Label(
                    f"{night_label(n)} ({'–'.join(plan.windows[n])})",
                    htmlFor=f"{ids.PL_WALKERS_LABEL}{n.isoformat()}",
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
        for n in plan.nights
    ]
    return [html.H4("Vandrare som samordnaren har (utan förening)"), *inputs]


def _signup_table(signups: Iterable[Any]) -> Any:
    rows = [
        [
            night_label(s.night),
            s.association.name,
            str(s.walkers),
            f"{s.start_time}–{s.end_time}",
            delete_button(ids.PL_DELETE_TYPE, f"signup|{s.id}"),
        ]
        for s in signups
    ]
    return simple_table(
        ("Natt", "Förening", "Vandrare", "Tid", ""),
        rows,
        ids.PL_SIGNUP_TABLE,
        "Inga anmälningar för perioden.",
    )


def _rating(rating: str | None) -> str:
    return "–" if rating is None else ("lugnt" if rating == "calm" else "oroligt")


def _confirm_button(row: PlannedVsDone) -> Any:
    """Confirm a reported walk for pay, or withdraw the confirmation ("" when unreported)."""
    if not row.reported:
        return ""
    action, label = ("undo", "Ångra") if row.confirmed else ("confirm", "Bekräfta")
    return html.Button(
        label,
        id={"type": ids.PL_CONFIRM_TYPE, "item": f"{action}|{row.walk_id}"},
        n_clicks=0,
        className="small",
    )


def _done_table(done: Iterable[PlannedVsDone]) -> Any:
    rows = [
        [
            night_label(r.night),
            r.area_name,
            r.association or "–",
            str(r.planned_walkers),
            f"{r.start}–{r.end}",
            "Ja" if r.reported else "Nej",
            "–" if r.walkers is None else str(r.walkers),
            _rating(r.rating),
            str(r.seen) if r.reported else "–",
            ("Ja" if r.confirmed else "Nej") if r.reported else "–",
            _confirm_button(r),
        ]
        for r in done
    ]
    return simple_table(DONE_HEAD, rows, ids.PL_DONE_TABLE, "Inget sparat schema för perioden.")


def _meeting_table(meetings: Iterable[Any]) -> Any:
    rows = [
        [
            m.held_on.isoformat(),
            m.area.name,
            PLACES.get(m.place, m.place),
            m.theme,
            "–" if m.attending is None else str(m.attending),
            "–" if m.follow_up_on is None else m.follow_up_on.isoformat(),
        ]
        for m in meetings
    ]
    return simple_table(
        ("Datum", "Område", "Plats", "Tema", "Deltagare", "Uppföljning"),
        rows,
        ids.PL_MEETING_TABLE,
        "Inga föräldramöten registrerade.",
    )


def period_view(plan: PeriodPlan) -> dict[str, Any]:
    """Every output of the period view, keyed as the ``show`` callback declares them."""
    reasons = plan.reasons
    return {
        "forecast": forecast_figure(plan.forecasts, plan.nights) if plan.forecasts else {},
        "reasons": [
            html.Li(f"{night_label(n)}: {reasons[n]}") for n in plan.nights if n in reasons
        ],
        "nights": _walker_inputs(plan),
        "signup_nights": [{"label": night_label(n), "value": n.isoformat()} for n in plan.nights],
        "associations": [{"label": name, "value": i} for i, name in plan.associations],
        "signups": _signup_table(plan.signups),
        "done": _done_table(plan.done),
        "yearly": simple_table(
            ("År", "Vandringar", "Vandrarnätter"),
            [[str(y), str(w), str(n)] for y, w, n in plan.yearly],
            ids.PL_YEARLY_TABLE,
            "Inga rapporterade vandringar ännu.",
        ),
        "meeting_areas": [{"label": name, "value": code} for code, name in plan.areas],
        "meetings": _meeting_table(plan.meetings),
    }


def area_options(areas: Mapping[str, str]) -> list[dict[str, str]]:
    """The areas a walk may be moved to, by code."""
    return [{"label": f"{n} ({c})", "value": c} for c, n in sorted(areas.items())]


def _cell(i: int, col: str, value: Any, number: bool = False) -> dcc.Input:
    return dcc.Input(
        id={"type": ids.PL_CELL_TYPE, "row": i, "col": col},
        type="number" if number else "text",
        value=value,
        className="cell",
    )


def _schedule_row(i: int, r: Mapping[str, Any], areas: list[dict[str, str]]) -> html.Tr:
    return html.Tr(
        [
            html.Td(night_label(date.fromisoformat(r["night"]))),
            html.Td(
                dcc.Dropdown(
                    id={"type": ids.PL_CELL_TYPE, "row": i, "col": "area"},
                    options=areas,
                    value=r["area"],
                    clearable=False,
                )
            ),
            html.Td(r["association"] or "–"),
            html.Td(_cell(i, "walkers", r["walkers"], number=True)),
            html.Td(_cell(i, "start", r["start"])),
            html.Td(_cell(i, "end", r["end"])),
            html.Td(_cell(i, "meeting_point", r["meeting_point"])),
            html.Td(decimal_comma(float(r["value"]))),
            html.Td(
                dcc.Checklist(
                    id={"type": ids.PL_CELL_TYPE, "row": i, "col": "drop"},
                    options=[{"label": "Ta bort", "value": "drop"}],
                    value=[],
                )
            ),
        ]
    )


def schedule_table(rows: Sequence[Mapping[str, Any]], areas: list[dict[str, str]]) -> Any:
    """The proposed schedule with editable area, walkers, times and meeting point."""
    if not rows:
        return html.P("Inget schema ännu.")
    body = [_schedule_row(i, r, areas) for i, r in enumerate(rows)]
    return html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in SCHEDULE_HEAD])), html.Tbody(body)],
        id=ids.PL_SCHEDULE_ROWS,
    )


def proposal_message(proposal: Proposal) -> str:
    """What the proposal holds (groups, nights, sign-ups kept in reserve)."""
    if not proposal.walks:
        return "Inget att schemalägga: ange vandrare för någon natt eller lägg in anmälningar."
    unused = len(proposal.offers) - len({w.offer for w in proposal.walks})
    return (
        f"Förslag: {len(proposal.walks)} grupper på {len({w.night for w in proposal.walks})} nätter"
        + (f"; {unused} anmälningar hålls som reserv." if unused else ".")
    )


def signals_view(watched: WatchedSignals) -> list[Any]:
    """The count of raised signals and one chart per shown area."""
    header = (
        html.P(
            f"{watched.raised} områden har en tydlig ökning.",
            className="notice",
            id=ids.PL_SIGNAL_COUNT,
        )
        if watched.raised
        else html.P(
            "Inga signaler just nu. De tre områden som ligger närmast visas.",
            id=ids.PL_SIGNAL_COUNT,
        )
    )
    charts = [
        html.Div(
            [
                html.H4(a.name + (" – signal" if a.signal.raised else "")),
                graph(figure=signal_figure(a, held)),
            ],
            className="signal",
        )
        for a, held in watched.shown
    ]
    return [header, *charts]


def severity_inputs(
    categories: Iterable[tuple[str, str]], values: Mapping[str, float]
) -> list[html.Div]:
    """One 0–10 input per category, filled with the kommun's saved severity."""
    return [
        html.Div(
            [
                html.Label(label, htmlFor=f"{ids.PL_SEVERITY_LABEL}{code}"),
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
        for code, label in categories
    ]
