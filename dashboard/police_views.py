"""What Samverkan polis (and the police card on Planering) show: the week's walks and
meetings, the police's answers to the plan, the riktade insatser, an import's result.

Pure builders: data in, Dash components out. Every user-written text (area, association
and meeting names, comments, notes) goes in as a text child, which React escapes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import html

from dashboard import ids
from dashboard.components import delete_button, scroll_table, simple_table
from dashboard.formatting import format_date, format_number, week_label
from dashboard.i18n import _, ngettext, term_label
from dashboard.planning_views import place_label
from data.ingest.polisen_kommun import KommunImport
from data.planning.operations import KINDS, PARTNERS, Operation
from data.planning.police import PlanMeeting, PlanWalk, ReviewState, WalkKey


def walks_view(walks: Sequence[PlanWalk]) -> Any:
    """The week's planned walks (read only)."""
    rows = [
        [
            format_date(w.night),
            f"{w.area_name} ({w.area_code})",
            f"{w.start}–{w.end}",
            format_number(w.walkers),
            w.association or "–",
            w.meeting_point or "–",
        ]
        for w in walks
    ]
    heads = (_("Natt"), _("Område"), _("Tid"), _("Vandrare"), _("Förening"), _("Samlingsplats"))
    table = simple_table(heads, rows, ids.SV_WALKS_TABLE, _("Inga planerade vandringar."))
    return table if isinstance(table, html.P) else scroll_table(table, _("Veckans vandringar"))


def meetings_view(meetings: Sequence[PlanMeeting]) -> Any:
    """The week's parent meetings (read only)."""
    rows = [
        [
            format_date(m.held_on),
            f"{m.area_name} ({m.area_code})",
            place_label(m.place),
            m.theme,
            format_date(m.follow_up_on) if m.follow_up_on else "–",
        ]
        for m in meetings
    ]
    heads = (_("Datum"), _("Område"), _("Plats"), _("Tema"), _("Uppföljning"))
    return simple_table(heads, rows, "sv-meetings-table", _("Inga föräldramöten."))


def _walk_text(key: WalkKey) -> str:
    night, area, start, end, walkers = key
    return _(
        "%(night)s %(area)s %(start)s–%(end)s, %(n)s vandrare",
        night=night,
        area=area,
        start=start,
        end=end,
        n=walkers,
    )


def review_view(state: ReviewState, *, week: str = "") -> list[Any]:
    """The agreements (each flagged when the plan changed after it) and comments."""
    parts: list[Any] = [html.H4(week)] if week else []
    if not state.agreements and not state.comments:
        return [*parts, html.P(_("Polisen har inte svarat på planen än."), className="hint")]
    for a in state.agreements:
        when = format_date(a.at.date())
        if a.changed:
            changes = [html.Li(_("Ny: %(walk)s", walk=_walk_text(k))) for k in a.added]
            changes += [html.Li(_("Borttagen: %(walk)s", walk=_walk_text(k))) for k in a.removed]
            parts.append(
                html.Div(
                    [
                        html.P(
                            _(
                                "%(user)s godkände planen %(when)s, men planen har ändrats "
                                "efter godkännandet.",
                                user=a.username,
                                when=when,
                            ),
                            className="report-error",
                        ),
                        html.Ul(changes),
                    ],
                    className="agreement changed",
                )
            )
        else:
            text = ngettext(
                "Godkänd av %(user)s %(when)s (%(num)d vandring).",
                "Godkänd av %(user)s %(when)s (%(num)d vandringar).",
                a.walks,
                user=a.username,
                when=when,
            )
            parts.append(html.P(text, className="report-ok agreement"))
    if state.comments:
        parts.append(html.H4(_("Kommentarer")))
        parts.append(
            html.Ul(
                [
                    html.Li([html.Strong(f"{c.username}, {format_date(c.at.date())}: "), c.text])
                    for c in state.comments
                ],
                className="comments",
            )
        )
    return parts


def weeks_review_view(weeks: Sequence[tuple[Any, ReviewState]]) -> list[Any]:
    """The police's answers for each week of a Planering period."""
    out: list[Any] = []
    for monday, state in weeks:
        out += review_view(state, week=week_label(monday))
    return out


def operations_view(operations: Sequence[Operation], *, own_id: int | None) -> Any:
    """The riktade insatser; ``own_id``'s rows get change and remove buttons."""
    if not operations:
        return html.P(_("Inga riktade insatser den här veckan."))
    heads = [_("Datum"), _("Tid"), _("Typ"), _("Områden"), _("Parter"), _("Anteckning")]
    heads += [_("Registrerad av"), ""]
    body = []
    for o in operations:
        buttons: list[Any] = []
        if own_id is not None and o.owner_id == own_id:
            buttons = [
                html.Button(
                    _("Ändra"),
                    id={"type": ids.SV_OP_EDIT_TYPE, "item": str(o.id)},
                    n_clicks=0,
                    className="small",
                ),
                delete_button(ids.SV_OP_DELETE_TYPE, str(o.id)),
            ]
        cells = [
            format_date(o.day),
            f"{o.start}–{o.end}" if o.start else "–",
            term_label(KINDS, o.kind),
            ", ".join(o.area_names),
            ", ".join(term_label(PARTNERS, p) for p in o.partners),
            o.note or "–",
            o.owner or "–",
        ]
        body.append(html.Tr([*(html.Td(c) for c in cells), html.Td(buttons)]))
    table = html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in heads])), html.Tbody(body)], id=ids.SV_OP_TABLE
    )
    return scroll_table(table, _("Riktade insatser"))


def import_view(result: KommunImport) -> html.Ul:
    """An import's counts (imported, duplicates, skipped) and the first reasons."""
    counts = _(
        "Importerat: %(imported)s nya händelser, %(duplicates)s fanns redan, "
        "%(skipped)s hoppades över (%(other)s i andra kommuner eller hela länet).",
        imported=format_number(result.summary.imported),
        duplicates=format_number(result.summary.duplicates),
        skipped=format_number(result.skipped),
        other=format_number(result.other_kommuner),
    )
    reasons = [html.Li(r, className="report-error") for r in result.summary.messages[:10]]
    return html.Ul([html.Li(counts, className="report-ok", id="sv-import-counts"), *reasons])
