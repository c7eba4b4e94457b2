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
from dashboard.figures import forecast_figure, night_label, signal_figure
from dashboard.formatting import format_decimal, format_number
from dashboard.i18n import N_, _, age_text
from data.planning.meetings import PLACES
from data.planning.period import PeriodPlan, WatchedSignals
from data.planning.schedule import PlannedVsDone, Proposal
from data.planning.signals import AreaSignal

SCHEDULE_HEAD = (
    N_("Natt"),
    N_("Område"),
    N_("Förening"),
    N_("Vandrare"),
    N_("Start"),
    N_("Slut"),
    N_("Samlingsplats"),
    N_("Väntat under passet"),
    N_("Ta bort"),
)
"""The schedule's column heads (Swedish msgids, translated where drawn)."""
CELL_LABELS = {
    "area": N_("Område"),
    "walkers": N_("Vandrare"),
    "start": N_("Start"),
    "end": N_("Slut"),
    "meeting_point": N_("Samlingsplats"),
    "drop": N_("Ta bort"),
}
DONE_HEAD = (
    N_("Natt"),
    N_("Område"),
    N_("Förening"),
    N_("Planerat"),
    N_("Tid"),
    N_("Rapport"),
    N_("Vandrade"),
    N_("Stämning"),
    N_("Sett"),
    N_("Bekräftad"),
    "",
)
PLACE_NAMES = (N_("Skola"), N_("Fritidsgård"))
"""The meeting places' labels (``data.planning.meetings.PLACES``), for the catalogue."""


def place_label(code: str) -> str:
    """A meeting place's label in the reader's language (the code when unknown)."""
    return _(PLACES[code]) if code in PLACES else code


def heads(names: Iterable[str]) -> tuple[str, ...]:
    """Column heads in the reader's language (an empty head stays empty)."""
    return tuple(_(n) if n else "" for n in names)


def _walker_inputs(plan: PeriodPlan) -> list[Any]:
    """Per night, how many walkers the coordinator has without an association. Each
    input is labelled by the label around it and keeps what was typed when the list is
    drawn again (persistence in memory, per night)."""
    if not plan.nights:
        return [html.P(_("Inga vandringsnätter i perioden: välj en annan första natt."))]
    inputs = [
        html.Label(
            [
                html.Span(f"{night_label(n)} ({'–'.join(plan.windows[n])})"),
                dcc.Input(
                    id={"type": ids.PL_WALKERS_TYPE, "night": n.isoformat()},
                    type="number",
                    min=0,
                    max=1000,
                    step=1,
                    persistence=n.isoformat(),
                    persistence_type="memory",
                ),
            ],
            className="night-walkers",
        )
        for n in plan.nights
    ]
    return [
        html.H4(_("Vandrare som samordnaren har (utan förening)")),
        html.P(
            _("Antal vuxna per natt; lämna tomt för nätter utan egna vandrare."), className="hint"
        ),
        html.Div(inputs, className="night-grid"),
    ]


def _signup_table(signups: Iterable[Any]) -> Any:
    rows = [
        [
            night_label(s.night),
            s.association.name,
            format_number(s.walkers),
            f"{s.start_time}–{s.end_time}",
            delete_button(ids.PL_DELETE_TYPE, f"signup|{s.id}"),
        ]
        for s in signups
    ]
    return simple_table(
        heads((N_("Natt"), N_("Förening"), N_("Vandrare"), N_("Tid"), "")),
        rows,
        ids.PL_SIGNUP_TABLE,
        _(
            "Inga anmälningar för perioden. Lägg till en förening först, välj den och en "
            "natt och klicka \u201dLägg till anmälan\u201d."
        ),
    )


def _rating(rating: str | None) -> str:
    return "–" if rating is None else (_("lugnt") if rating == "calm" else _("oroligt"))


def _confirm_button(row: PlannedVsDone) -> Any:
    """Confirm a reported walk for pay, or withdraw the confirmation ("" when unreported)."""
    if not row.reported:
        return ""
    action, label = ("undo", _("Ångra")) if row.confirmed else ("confirm", _("Bekräfta"))
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
            format_number(r.planned_walkers),
            f"{r.start}–{r.end}",
            _("Ja") if r.reported else _("Nej"),
            "–" if r.walkers is None else format_number(r.walkers),
            _rating(r.rating),
            format_number(r.seen) if r.reported else "–",
            (_("Ja") if r.confirmed else _("Nej")) if r.reported else "–",
            _confirm_button(r),
        ]
        for r in done
    ]
    return simple_table(
        heads(DONE_HEAD),
        rows,
        ids.PL_DONE_TABLE,
        _("Inget sparat schema för perioden: föreslå ett schema och spara det."),
    )


def _meeting_table(meetings: Iterable[Any]) -> Any:
    rows = [
        [
            m.held_on.isoformat(),
            m.area.name,
            place_label(m.place),
            m.theme,
            "–" if m.attending is None else format_number(m.attending),
            "–" if m.follow_up_on is None else m.follow_up_on.isoformat(),
        ]
        for m in meetings
    ]
    return simple_table(
        heads(
            (N_("Datum"), N_("Område"), N_("Plats"), N_("Tema"), N_("Deltagare"), N_("Uppföljning"))
        ),
        rows,
        ids.PL_MEETING_TABLE,
        _("Inga föräldramöten registrerade."),
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
            heads((N_("År"), N_("Vandringar"), N_("Vandrarnätter"))),
            [[str(y), format_number(w), format_number(n)] for y, w, n in plan.yearly],
            ids.PL_YEARLY_TABLE,
            _("Inga rapporterade vandringar ännu."),
        ),
        "meeting_areas": [{"label": name, "value": code} for code, name in plan.areas],
        "meetings": _meeting_table(plan.meetings),
    }


def area_options(areas: Mapping[str, str]) -> list[dict[str, str]]:
    """The areas a walk may be moved to, by code."""
    return [{"label": f"{n} ({c})", "value": c} for c, n in sorted(areas.items())]


def aria_name(label: str) -> dict[str, Any]:
    """Props giving a wrapped component its accessible name (``data-aria-label``, set
    on the component's own element by ``assets/planning.js``)."""
    return {"data-aria-label": label}


def expected_text(value: float) -> str:
    """The forecast a walk is out for, with its unit: ``0,2 väntade obs.`` (``0.2
    expected obs.`` in English)."""
    return _("%(value)s väntade obs.", value=format_decimal(value))


def _wrap(i: int, col: str, component: Any) -> html.Div:
    """A schedule cell with room for its message (class ``invalid`` when refused)."""
    return html.Div(
        [
            component,
            html.Span(
                id={"type": ids.PL_CELL_ERROR_TYPE, "row": i, "col": col},
                className="field-error",
                role="alert",
            ),
        ],
        id={"type": ids.PL_CELL_WRAP_TYPE, "row": i, "col": col},
        className="field",
    )


def _label(i: int, col: str, night: str) -> html.Span:
    return html.Span(
        _("%(column)s, %(night)s, rad %(row)s", column=_(CELL_LABELS[col]), night=night, row=i + 1),
        className="visually-hidden",
    )


def _cell(i: int, col: str, value: Any, night: str, number: bool = False) -> html.Div:
    extra: dict[str, Any] = (
        {"min": 1, "max": 100, "step": 1}
        if number
        else {"maxLength": 5, "inputMode": "numeric", "className": "cell time"}
        if col in ("start", "end")
        else {"maxLength": 120, "className": "cell place"}
    )
    extra.setdefault("className", "cell")
    field = dcc.Input(
        id={"type": ids.PL_CELL_TYPE, "row": i, "col": col},
        type="number" if number else "text",
        value=value,
        **extra,
    )
    return _wrap(i, col, html.Label([_label(i, col, night), field]))


def _schedule_row(i: int, r: Mapping[str, Any], areas: list[dict[str, str]]) -> html.Tr:
    night = night_label(date.fromisoformat(r["night"]))
    return html.Tr(
        [
            html.Td(night, className="nowrap"),
            html.Td(
                _wrap(
                    i,
                    "area",
                    html.Div(
                        dcc.Dropdown(
                            id={"type": ids.PL_CELL_TYPE, "row": i, "col": "area"},
                            options=areas,
                            value=r["area"],
                            clearable=False,
                        ),
                        **aria_name(
                            _(
                                "%(column)s, %(night)s, rad %(row)s",
                                column=_("Område"),
                                night=night,
                                row=i + 1,
                            )
                        ),
                    ),
                ),
                className="area-cell",
            ),
            html.Td(r["association"] or "–"),
            html.Td(_cell(i, "walkers", r["walkers"], night, number=True)),
            html.Td(_cell(i, "start", r["start"], night)),
            html.Td(_cell(i, "end", r["end"], night)),
            html.Td(_cell(i, "meeting_point", r["meeting_point"], night)),
            html.Td(expected_text(float(r["value"])), className="nowrap"),
            html.Td(
                html.Div(
                    dcc.Checklist(
                        id={"type": ids.PL_CELL_TYPE, "row": i, "col": "drop"},
                        options=[{"label": _("Ta bort"), "value": "drop"}],
                        value=[],
                    ),
                    **aria_name(
                        _(
                            "%(column)s, %(night)s, rad %(row)s",
                            column=_("Ta bort"),
                            night=night,
                            row=i + 1,
                        )
                    ),
                )
            ),
        ]
    )


def schedule_table(rows: Sequence[Mapping[str, Any]], areas: list[dict[str, str]]) -> Any:
    """The proposed schedule with editable area, walkers, times and meeting point; every
    cell labelled (hidden text naming column, night and row)."""
    if not rows:
        return html.P(
            _(
                "Inget att föreslå: ange vandrare för någon natt eller lägg in en anmälan, "
                "och klicka \u201dFöreslå schema\u201d igen."
            )
        )
    body = [_schedule_row(i, r, areas) for i, r in enumerate(rows)]
    return html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in heads(SCHEDULE_HEAD)])), html.Tbody(body)],
        id=ids.PL_SCHEDULE_ROWS,
        className="schedule",
    )


def proposal_message(proposal: Proposal) -> str:
    """What the proposal holds (groups, nights, sign-ups kept in reserve)."""
    if not proposal.walks:
        return _("Inget att schemalägga: ange vandrare för någon natt eller lägg in anmälningar.")
    unused = len(proposal.offers) - len({w.offer for w in proposal.walks})
    groups, nights = len(proposal.walks), len({w.night for w in proposal.walks})
    if unused:
        return _(
            "Förslag: %(groups)s grupper på %(nights)s nätter; %(unused)s anmälningar hålls "
            "som reserv.",
            groups=groups,
            nights=nights,
            unused=unused,
        )
    return _("Förslag: %(groups)s grupper på %(nights)s nätter.", groups=groups, nights=nights)


def signal_title(area: AreaSignal) -> str:
    """The area's name, "– signal" when raised, and the age groups watched ("13–15 år")."""
    title = _("%(area)s – signal", area=area.name) if area.signal.raised else area.name
    return f"{title} ({age_text(area.age_bands)})" if area.age_bands else title


def signals_view(watched: WatchedSignals) -> list[Any]:
    """The count of raised signals and one chart per shown area."""
    header = (
        html.P(
            _("%(n)s områden har en tydlig ökning.", n=watched.raised),
            className="notice",
            id=ids.PL_SIGNAL_COUNT,
        )
        if watched.raised
        else html.P(
            _("Inga signaler just nu. De tre områden som ligger närmast visas."),
            id=ids.PL_SIGNAL_COUNT,
        )
    )
    charts = [
        html.Div(
            [
                html.H4(signal_title(a)),
                graph(figure=signal_figure(a, held)),
            ],
            className="signal",
        )
        for a, held in watched.shown
    ]
    return [header, *charts]


def severity_inputs(
    categories: Iterable[tuple[str, str]], values: Mapping[str, float]
) -> list[html.Label]:
    """One 0–10 input per category, filled with the kommun's saved severity (each inside
    its label)."""
    return [
        html.Label(
            [
                html.Span(_(label)),
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


def status_list(list_id: str) -> html.Div:
    """A list of messages read out when it changes (the live region is around the
    list, so its items stay list items)."""
    return html.Div(html.Ul(id=list_id), role="status")


def field(
    label: str, component: Any, field_id: str, *, hint: str = "", wide: bool = False
) -> html.Div:
    """A labelled form field with room for its message: the wrapper gets class
    ``invalid`` and the message when a callback refuses the value
    (``assets/planning.js`` then sets ``aria-invalid`` on the input)."""
    parts: list[Any] = [html.Label(label, htmlFor=field_id)]
    if hint:
        parts.append(html.Span(hint, className="hint"))
    parts += [
        component,
        html.Span(id=field_id + ids.PL_ERROR_SUFFIX, className="field-error", role="alert"),
    ]
    return html.Div(
        parts, id=field_id + ids.PL_FIELD_SUFFIX, className="field wide" if wide else "field"
    )


def named(label: str, component: Any) -> html.Div:
    """A component whose own element takes no label (radio groups, date pickers): its
    accessible name is set from ``data-aria-label`` by ``assets/planning.js``."""
    props: dict[str, Any] = {"data-aria-label": label}
    return html.Div(component, **props)
