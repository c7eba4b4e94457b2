"""Callbacks of the case page (``/sspf/arende``): the case, and every write to it.

The role is checked first (403 for a role that never takes part in SSPF); then the
case layer decides with the user's id and the case reference from the page: the case's
coordinator, or a person named in its active consent, for the organisations they are
named for. Anyone else — another coordinator of the kommun, an unnamed reporter, a
forged reference — gets the one "finns inte eller ingen behörighet" answer and
nothing is written (the refusal rolls the unit of work back).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Final

from dash import Dash, Input, Output, State, no_update

from dashboard import ids
from dashboard.audit import request_actor
from dashboard.auth import SessionUser, require_role
from dashboard.callbacks.inputs import as_number, as_text, as_texts
from dashboard.callbacks.sspf import REFUSED, checked_dates, refusal
from dashboard.callbacks.submit import refuse, store, submit
from dashboard.i18n import N_, _
from dashboard.pages.sspf import ROLES, WRITERS
from dashboard.sspf_access import acting_user, case_keys, key_broken, parse_day
from dashboard.sspf_views import case_outputs, closed_outputs, no_case_view, tombstone_view
from dashboard.state import today
from data.access.audit import Actor
from data.access.scope import AccessDenied
from data.consent.case_writes import (
    add_meeting,
    add_observation,
    add_plan_item,
    set_signals,
    update_plan_item,
)
from data.consent.cases import read_case
from data.consent.crypto import CaseKeyError
from data.consent.ledger import end_consent, extend_consent
from data.consent.teardown import receipt_for
from data.storage.db import Session

CONTENT: Final = {
    "content": Output(ids.SC_CONTENT, "children"),
    "party_hidden": Output(ids.SC_PARTY_FORMS, "hidden"),
    "coordinator_hidden": Output(ids.SC_COORD_FORMS, "hidden"),
    "obs_parties": Output(ids.SC_OBS_PARTY, "options"),
    "plan_parties": Output(ids.SC_PLAN_PARTY, "options"),
    "signal_parties": Output(ids.SC_SIGNALS_PARTY, "options"),
    "items": Output(ids.SC_ITEM, "options"),
}
CASE: Final = {"ref": State(ids.SC_REF, "data"), "refresh": State(ids.SC_REFRESH, "data")}
DATE: Final = N_("Datum")


def _who(user: SessionUser, ref: Any) -> tuple[int, str, date, Actor]:
    """The case layer's leading arguments: user id, reference, today, the actor."""
    return user.id, as_text(ref)[:32], today(), request_actor()


def _write(
    refresh: Any, done: str, call: Callable[[Session], object], *, clear: int = 0
) -> dict[str, Any]:
    """Store one write in one unit of work; report it, refresh the case and empty the
    ``clear`` text fields of the form — or report the refusal (nothing written, the
    fields kept for correcting)."""

    def work(session: Session) -> list[str]:
        call(session)
        return [done]

    result, bumped = submit(work, refresh=refresh, refused=REFUSED, messages=refusal)
    answer = {"result": result, "refresh": bumped}
    if clear:
        answer["cleared"] = [no_update if bumped is no_update else ""] * clear
    return answer


def _refused(lines: list[str], *, clear: int = 0) -> dict[str, Any]:
    result, unchanged = refuse(lines)
    answer = {"result": result, "refresh": unchanged}
    if clear:
        answer["cleared"] = [no_update] * clear
    return answer


def _optional_day(value: Any, label: str) -> tuple[date | None, list[str]]:
    """An optional date field: None when empty, a problem when malformed."""
    if not as_text(value).strip():
        return None, []
    day = parse_day(value)
    return day, [] if day is not None else checked_dates({"d": value}, {"d": label})[1]


def _closed(ref: str, message: str) -> list[Any]:
    """A case that cannot be opened: its tombstone for its coordinator (torn up), else
    the case layer's refusal (the same text for unknown and forbidden cases)."""
    try:
        receipt = store(lambda session: receipt_for(session, acting_user(session), ref))
    except AccessDenied:
        return no_case_view(message)
    return tombstone_view(receipt)


def _outputs(result_id: str, *cleared: str) -> dict[str, Any]:
    """A write's outputs: its report, the case's refresh counter and the text fields
    emptied after a save."""
    outputs: dict[str, Any] = {
        "result": Output(result_id, "children"),
        "refresh": Output(ids.SC_REFRESH, "data", allow_duplicate=True),
    }
    if cleared:
        outputs["cleared"] = [Output(c, "value") for c in cleared]
    return outputs


def register(app: Dash) -> None:
    """Register the case page's callbacks on ``app``."""
    register_writes(app)
    register_consent(app)

    @app.callback(
        output=CONTENT,
        inputs={"ref": Input(ids.SC_REF, "data"), "_refresh": Input(ids.SC_REFRESH, "data")},
    )
    def show_case(ref: Any, _refresh: Any) -> dict[str, Any]:
        """The case for its people (audited read), the tombstone for its coordinator,
        the one no-access answer for everyone else."""
        user = require_role(*ROLES)
        user_id, reference, day, actor = _who(user, ref)
        try:
            case = store(
                lambda session: read_case(session, user_id, reference, day, actor, **case_keys())
            )
        except AccessDenied as error:
            return closed_outputs(_closed(reference, str(error)))
        except CaseKeyError as error:
            return closed_outputs(no_case_view(key_broken(error)))
        return case_outputs(case)


def register_writes(app: Dash) -> None:
    """Observations, åtagandeplan items and their follow-up (parties and coordinator),
    meetings and signals (coordinator)."""

    @app.callback(
        output=_outputs(ids.SC_OBS_RESULT, ids.SC_OBS_TEXT),
        inputs={"_clicks": Input(ids.SC_OBS_SAVE, "n_clicks")},
        state={
            "party": State(ids.SC_OBS_PARTY, "value"),
            "day": State(ids.SC_OBS_DATE, "value"),
            "text": State(ids.SC_OBS_TEXT, "value"),
            **CASE,
        },
        prevent_initial_call=True,
    )
    def observation(_clicks: Any, party: Any, day: Any, text: Any, **case: Any) -> dict[str, Any]:
        """A party's dated observation."""
        who = _who(require_role(*ROLES), case["ref"])
        dates, problems = checked_dates({"day": day}, {"day": DATE})
        if problems:
            return _refused(problems, clear=1)
        return _write(
            case["refresh"],
            _("Observationen är sparad."),
            lambda session: add_observation(
                session,
                *who,
                party=as_text(party),
                observed_on=dates["day"],
                text=as_text(text),
                **case_keys(),
            ),
            clear=1,
        )

    @app.callback(
        output=_outputs(ids.SC_PLAN_RESULT, ids.SC_PLAN_WHAT),
        inputs={"_clicks": Input(ids.SC_PLAN_SAVE, "n_clicks")},
        state={
            "party": State(ids.SC_PLAN_PARTY, "value"),
            "what": State(ids.SC_PLAN_WHAT, "value"),
            "due": State(ids.SC_PLAN_DUE, "value"),
            "follow": State(ids.SC_PLAN_FOLLOW, "value"),
            **CASE,
        },
        prevent_initial_call=True,
    )
    def plan_item(_clicks: Any, party: Any, what: Any, **form: Any) -> dict[str, Any]:
        """A new item of the åtagandeplan."""
        who = _who(require_role(*ROLES), form["ref"])
        due, bad_due = _optional_day(form["due"], N_("Klart senast"))
        follow, bad_follow = _optional_day(form["follow"], N_("Följs upp"))
        if bad_due or bad_follow:
            return _refused(bad_due + bad_follow, clear=1)
        return _write(
            form["refresh"],
            _("Åtagandet är tillagt i åtagandeplanen."),
            lambda session: add_plan_item(
                session,
                *who,
                party=as_text(party),
                what=as_text(what),
                due_on=due,
                follow_up_on=follow,
                **case_keys(),
            ),
            clear=1,
        )

    @app.callback(
        output=_outputs(ids.SC_ITEM_RESULT),
        inputs={"_clicks": Input(ids.SC_ITEM_SAVE, "n_clicks")},
        state={
            "item": State(ids.SC_ITEM, "value"),
            "status": State(ids.SC_ITEM_STATUS, "value"),
            "follow": State(ids.SC_ITEM_FOLLOW, "value"),
            **CASE,
        },
        prevent_initial_call=True,
    )
    def follow_up(_clicks: Any, item: Any, status: Any, **form: Any) -> dict[str, Any]:
        """A plan item's new status and follow-up date."""
        who = _who(require_role(*ROLES), form["ref"])
        number = as_number(item)
        follow, problems = _optional_day(form["follow"], N_("Ny uppföljning"))
        if number is None:
            problems = [_("Välj ett åtagande."), *problems]
        if problems or number is None:
            return _refused(problems)
        return _write(
            form["refresh"],
            _("Uppföljningen är sparad."),
            lambda session: update_plan_item(
                session,
                *who,
                item_id=int(number),
                status=as_text(status),
                follow_up_on=follow,
                **case_keys(),
            ),
        )

    register_coordinator_writes(app)


def register_coordinator_writes(app: Dash) -> None:
    """Meetings and signals: the case's coordinator only (the case layer checks)."""

    @app.callback(
        output=_outputs(ids.SC_MEET_RESULT, ids.SC_MEET_NOTES),
        inputs={"_clicks": Input(ids.SC_MEET_SAVE, "n_clicks")},
        state={
            "kind": State(ids.SC_MEET_KIND, "value"),
            "day": State(ids.SC_MEET_DATE, "value"),
            "notes": State(ids.SC_MEET_NOTES, "value"),
            "decision": State(ids.SC_MEET_DECISION, "value"),
            **CASE,
        },
        prevent_initial_call=True,
    )
    def meeting(_clicks: Any, kind: Any, day: Any, **form: Any) -> dict[str, Any]:
        """A meeting of the case (intake, family meeting, follow-up, closing)."""
        who = _who(require_role(*WRITERS), form["ref"])
        dates, problems = checked_dates({"day": day}, {"day": DATE})
        if problems:
            return _refused(problems, clear=1)
        return _write(
            form["refresh"],
            _("Mötet är sparat."),
            lambda session: add_meeting(
                session,
                *who,
                kind=as_text(kind),
                held_on=dates["day"],
                notes=as_text(form["notes"]),
                decision=as_text(form["decision"]),
                **case_keys(),
            ),
            clear=1,
        )

    @app.callback(
        output=_outputs(ids.SC_SIGNALS_RESULT),
        inputs={"_clicks": Input(ids.SC_SIGNALS_SAVE, "n_clicks")},
        state={
            "codes": State(ids.SC_SIGNALS, "value"),
            "party": State(ids.SC_SIGNALS_PARTY, "value"),
            **CASE,
        },
        prevent_initial_call=True,
    )
    def signals(_clicks: Any, codes: Any, party: Any, **form: Any) -> dict[str, Any]:
        """The risk and protective signals a party has noted."""
        who = _who(require_role(*WRITERS), form["ref"])
        return _write(
            form["refresh"],
            _("Risk- och skyddsfaktorerna är sparade."),
            lambda session: set_signals(
                session, *who, codes=as_texts(codes), party=as_text(party), **case_keys()
            ),
        )


def register_consent(app: Dash) -> None:
    """Extend the consent; tear it up after a confirmation (coordinator only)."""

    @app.callback(
        output=_outputs(ids.SC_EXTEND_RESULT),
        inputs={"_clicks": Input(ids.SC_EXTEND_SAVE, "n_clicks")},
        state={"day": State(ids.SC_EXTEND_DATE, "value"), **CASE},
        prevent_initial_call=True,
    )
    def extend(_clicks: Any, day: Any, **form: Any) -> dict[str, Any]:
        """A new valid-until date (the guardians renewed the consent)."""
        user_id, ref, today_, actor = _who(require_role(*WRITERS), form["ref"])
        dates, problems = checked_dates({"day": day}, {"day": N_("Nytt giltigt till")})
        if problems:
            return _refused(problems)
        return _write(
            form["refresh"],
            _("Samtycket är förlängt."),
            lambda session: extend_consent(
                session, user_id, ref, dates["day"], today_, actor, **case_keys()
            ),
        )

    @app.callback(
        output={
            "confirm": Output(ids.SC_END_CONFIRM, "displayed"),
            "result": Output(ids.SC_END_RESULT, "children"),
        },
        inputs={"_clicks": Input(ids.SC_END, "n_clicks")},
        state={"reason": State(ids.SC_END_REASON, "value")},
        prevent_initial_call=True,
    )
    def ask_end(_clicks: Any, reason: Any) -> dict[str, Any]:
        """The confirmation step before a tear-up (a reason must be chosen first)."""
        require_role(*WRITERS)
        if as_text(reason) not in ("withdrawn", "ended"):
            result, _unchanged = refuse([_("Välj varför samtycket rivs.")])
            return {"confirm": False, "result": result}
        return {"confirm": True, "result": no_update}

    @app.callback(
        output={
            "result": Output(ids.SC_END_RESULT, "children", allow_duplicate=True),
            "refresh": Output(ids.SC_REFRESH, "data", allow_duplicate=True),
        },
        inputs={"_confirmed": Input(ids.SC_END_CONFIRM, "submit_n_clicks")},
        state={"reason": State(ids.SC_END_REASON, "value"), **CASE},
        prevent_initial_call=True,
    )
    def end(_confirmed: Any, reason: Any, **form: Any) -> dict[str, Any]:
        """Tear the consent up: every personal item of the case is deleted (committed
        and the storage scrubbed by the case layer); the page shows the tombstone."""
        user_id, ref, today_, actor = _who(require_role(*WRITERS), form["ref"])
        return _write(
            form["refresh"],
            _("Samtycket är rivet och alla uppgifter om barnet är borttagna."),
            lambda session: end_consent(
                session, user_id, ref, as_text(reason), today_, actor, **case_keys()
            ),
        )
