"""Veckans lägesbild: the weekly SSP meeting's page (issue 17).

For one ISO week (default the running week, from the project clock): what changed
since last week and since the same week last year, events in the next two weeks,
the actions decided and still open, walks without a report and parent-meeting
signals; for coordinators also which partner organisations reported. Coordinators
see their kommun; a police area coordinator sees their areas and the actions the
police own there. The week and the age filter are in the URL
(``/veckan?vecka=2026-W49&alder=13-15``); the age filter narrows the changes and the
signals, never the completeness or the actions.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from dash import dcc, html

from dashboard import ids
from dashboard.auth import current_viewer, require_role
from dashboard.components import denied
from dashboard.i18n import N_, _, term_label
from dashboard.permalink import codes_in
from dashboard.share import share_box
from dashboard.state import db_session
from dashboard.state import today as clock_today
from data.access.scope import AccessDenied, BadSelection
from data.areas.listing import reportable_areas
from data.briefing.period import period_label, recent_periods
from data.vocabulary import AGE_BANDS, AGE_GROUPS
from data.weekly.actions import ACTION_OWNERS, ACTION_STATUSES, POLICE_OWNER, week_of
from data.weekly.page import chosen_week

PATH = "/veckan"
NAME = N_("Veckans lägesbild")
ROLES: Final = ("coordinator", "police_area")
LINK_PREFIX: Final = "vl"
"""The page's "Kopiera länk" ids (:func:`dashboard.share.share_box`)."""
RECENT_WEEKS: Final = 26
"""How many weeks the week list offers, newest (the running one) first."""


def week_options(today: date) -> list[dict[str, str]]:
    """The weeks to choose from, newest first; the running one marked "pågår"."""
    options = []
    for period in recent_periods("week", today, RECENT_WEEKS):
        label = period_label(period)
        if period.last_day >= today:
            label = _("%(period)s (pågår)", period=label)
        options.append({"label": label, "value": period.code})
    return options


def week_state(asked: Any, today: date) -> tuple[str, bool]:
    """The week a URL or the browser asked for (a code that has begun), else the
    running week; and whether the ask was replaced."""
    if isinstance(asked, str) and asked:
        try:
            return chosen_week(asked, today).code, False
        except BadSelection:
            return week_of(today), True
    return week_of(today), False


def ages_state(asked: Any) -> tuple[tuple[str, ...], bool]:
    """The age bands a URL asked for (``alder=13-15,16-18``), in the vocabulary's
    order; and whether any were dropped."""
    ages, dropped = codes_in(asked if isinstance(asked, str) else None, AGE_BANDS)
    return tuple(a for a in AGE_BANDS if a in ages), dropped


def _ages_filter(ages: tuple[str, ...]) -> list[Any]:
    return [
        _label(_("Ålder"), ids.VL_AGES),
        dcc.Checklist(
            id=ids.VL_AGES,
            options=[{"label": term_label(AGE_GROUPS, code), "value": code} for code in AGE_BANDS],
            value=list(ages),
            className="radio",
        ),
        html.Div(
            _(
                "Ingen vald: alla åldrar. Åldern gäller förändringarna och signalerna, "
                "inte åtgärderna eller rapporteringen."
            ),
            className="hint",
        ),
    ]


def owner_options(role: str) -> list[dict[str, str]]:
    """The owner organisations a role may give an action (the police: only polis)."""
    owners = [t.code for t in ACTION_OWNERS]
    if role == "police_area":
        owners = [POLICE_OWNER]
    return [{"label": term_label(ACTION_OWNERS, code), "value": code} for code in owners]


def _label(text: str, target: str) -> html.Label:
    return html.Label(text, htmlFor=target)


def _add_form(role: str) -> html.Section:
    viewer = current_viewer()
    areas = reportable_areas(db_session(), viewer.kommun_code, viewer.area_codes)
    owners = owner_options(role)
    return html.Section(
        [
            html.H4(_("Ny åtgärd")),
            _label(_("Vad ska göras?"), ids.VL_ADD_WHAT),
            dcc.Textarea(id=ids.VL_ADD_WHAT, maxLength=280, className="vl-text"),
            html.P(
                _("Skriv inga namn, personnummer eller andra uppgifter om enskilda."),
                className="hint",
            ),
            _label(_("Ansvarig organisation"), ids.VL_ADD_OWNER),
            dcc.Dropdown(
                id=ids.VL_ADD_OWNER, options=owners, value=owners[0]["value"], clearable=False
            ),
            _label(_("Områden"), ids.VL_ADD_AREAS),
            dcc.Dropdown(
                id=ids.VL_ADD_AREAS,
                options=[{"label": name, "value": code} for code, name in areas],
                multi=True,
            ),
            _label(_("Klart senast (ÅÅÅÅ-MM-DD)"), ids.VL_ADD_DUE),
            dcc.Input(id=ids.VL_ADD_DUE, type="text", placeholder="2026-12-18", debounce=True),
            html.Button(_("Lägg till åtgärd"), id=ids.VL_ADD_SAVE, n_clicks=0),
            html.Ul(id=ids.VL_ADD_RESULT, role="status", className="report"),
        ],
        className="vl-form",
    )


def _edit_form() -> html.Section:
    statuses = [
        {"label": term_label(ACTION_STATUSES, t.code), "value": t.code} for t in ACTION_STATUSES
    ]
    return html.Section(
        [
            html.H4(_("Följ upp en åtgärd")),
            _label(_("Åtgärd"), ids.VL_EDIT_ACTION),
            dcc.Dropdown(id=ids.VL_EDIT_ACTION, options=[], clearable=False),
            _label(_("Status"), ids.VL_EDIT_STATUS),
            dcc.RadioItems(
                id=ids.VL_EDIT_STATUS, options=statuses, value="oppen", className="radio"
            ),
            _label(_("Uppföljning"), ids.VL_EDIT_NOTE),
            dcc.Textarea(id=ids.VL_EDIT_NOTE, maxLength=500, className="vl-text"),
            html.Button(_("Spara uppföljning"), id=ids.VL_EDIT_SAVE, n_clicks=0),
            html.Ul(id=ids.VL_EDIT_RESULT, role="status", className="report"),
        ],
        className="vl-form",
    )


def _actions_card(role: str) -> html.Section:
    hint = _("Åtgärder som mötet beslutat följer med vecka för vecka tills de är klara.")
    if role == "police_area":
        hint = _("Här syns åtgärder som polisen äger i dina områden.")
    return html.Section(
        [
            html.H3(_("Åtgärder")),
            html.P(hint, className="hint"),
            html.Div(id=ids.VL_ACTIONS_LIST),
            html.Div([_add_form(role), _edit_form()], className="vl-forms"),
        ],
        className="card",
    )


def layout(**query: Any) -> html.Div:
    """The page for coordinators and the police; every callback checks again."""
    try:
        user = require_role(*ROLES)
        current_viewer()
    except AccessDenied:
        return denied(_("Veckans lägesbild är för SSP-samordnarna och kommunpolisen."))
    today = clock_today()
    week, narrowed = week_state(query.get("vecka"), today)
    ages, dropped = ages_state(query.get("alder"))
    parts: list[Any] = [html.H2(_("Veckans lägesbild"))]
    if narrowed:
        parts.append(
            html.P(
                _("Länkens vecka kunde inte visas; du ser den här veckan."),
                className="notice",
                role="note",
            )
        )
    if dropped:
        parts.append(
            html.P(
                _("Länkens åldrar kunde inte alla visas; okända åldrar är borttagna."),
                className="notice",
                role="note",
            )
        )
    parts += [
        html.Div(
            [
                _label(_("Vecka"), ids.VL_WEEK),
                dcc.Dropdown(
                    id=ids.VL_WEEK, options=week_options(today), value=week, clearable=False
                ),
                *_ages_filter(ages),
                share_box(LINK_PREFIX),
            ],
            className="card filters vl-week",
        ),
        _actions_card(user.role),
        dcc.Loading(html.Div(id=ids.VL_CONTENT)),
    ]
    if user.role == "coordinator":
        parts.append(
            html.Section(
                [
                    html.H3(_("Vilka har rapporterat?")),
                    html.P(
                        _(
                            "Rapporter per organisation under veckan (efter händelsedatum) "
                            "mot de tolv veckorna före. Syns bara för samordnare."
                        ),
                        className="hint",
                    ),
                    dcc.Loading(html.Div(id=ids.VL_COMPLETENESS)),
                ],
                className="card",
            )
        )
    parts.append(dcc.Store(id=ids.VL_REFRESH, data=0))
    return html.Div(parts, className="page weekly")
