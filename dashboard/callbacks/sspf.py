"""Callbacks of SSPF-ärenden (``/sspf``): the case list, a new consent (which opens a
case) and a declined consent's nätverksmöte.

Every callback checks the role first (AccessDenied: 403) and then hands the logged-in
user's id to the case layer, which decides everything else — a coordinator of the
kommun, valid fields — and refuses with :class:`~data.consent.checks.ConsentError` or
:class:`~data.access.scope.AccessDenied`; the form then reports it and nothing is
written (:func:`dashboard.callbacks.submit.submit`: one unit of work, all or nothing).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from dash import Dash, Input, Output, State, no_update

from dashboard import ids
from dashboard.audit import request_actor
from dashboard.auth import SessionUser, current_session_user, require_role
from dashboard.callbacks.inputs import as_number, as_text, as_texts
from dashboard.callbacks.submit import refuse, store, submit
from dashboard.i18n import N_, _
from dashboard.pages.sspf import FORM_SUFFIXES, ROLES, WRITERS
from dashboard.sspf_access import case_keys, key_broken, parse_day
from dashboard.sspf_views import cases_view, network_view
from dashboard.state import current_cipher, today
from dashboard.uploads import UploadError, report_items, uploaded_file
from data.access.scope import AccessDenied
from data.consent.cases import list_cases
from data.consent.checks import ConsentError
from data.consent.crypto import CaseKeyError
from data.consent.files import destroy_file
from data.consent.ledger import (
    ConsentInput,
    PartyInput,
    network_meetings,
    open_case,
    record_network_meeting,
)
from data.storage.db import Session

REFUSED: Final = (ConsentError, AccessDenied, CaseKeyError)
DATE_FIELDS: Final = {
    "birth": N_("Födelsedatum"),
    "signed": N_("Undertecknat"),
    "valid": N_("Giltigt till"),
}


def refusal(error: Exception) -> list[str]:
    """A refusal of the case layer as report lines: each field's message (a case key
    that opens nothing: the one message for the system's administrator)."""
    if isinstance(error, CaseKeyError):
        return [key_broken(error)]
    if isinstance(error, ConsentError) and error.errors:
        return list(error.errors.values())
    return [str(error)]


def checked_dates(
    values: dict[str, Any], names: dict[str, str]
) -> tuple[dict[str, date], list[str]]:
    """The required dates of a form by field, and a line for each that is not a
    ``ÅÅÅÅ-MM-DD`` date (``names``: field → its label, marked with ``N_``)."""
    found = {field: parse_day(values.get(field)) for field in names}
    problems = [
        _("%(field)s: skriv datumet som ÅÅÅÅ-MM-DD.", field=_(names[field]))
        for field, day in found.items()
        if day is None
    ]
    return {f: d for f, d in found.items() if d is not None}, problems


def _parties(values: dict[str, Any]) -> tuple[PartyInput, ...]:
    """The filled party rows (an organisation chosen) as the case layer's input."""
    parties = []
    for row in range(ids.SF_PARTY_ROWS):
        organisation = as_text(values.get(f"org{row}"))
        if not organisation:
            continue
        person = as_number(values.get(f"user{row}"))
        parties.append(
            PartyInput(
                organisation=organisation,
                user_id=int(person) if person is not None else None,
                label=as_text(values.get(f"label{row}")),
            )
        )
    return tuple(parties)


def consent_input(
    user: SessionUser, values: dict[str, Any], dates: dict[str, date], form: bytes | None
) -> ConsentInput:
    """The new-consent form as the case layer's input (``dates`` checked)."""
    guardians = tuple(
        line.strip() for line in as_text(values.get("guardians")).splitlines() if line.strip()
    )
    return ConsentInput(
        kommun_code=user.kommun_code or "",
        child_name=as_text(values.get("child")),
        birth_date=dates["birth"],
        background=as_text(values.get("background")),
        guardians=guardians,
        signed_on=dates["signed"],
        valid_until=dates["valid"],
        parties=_parties(values),
        form=form,
    )


def scanned_form(value: Any, user_id: int) -> bytes | None:
    """The uploaded scanned form's bytes, or None when no file was sent;
    :class:`UploadError` for anything but the user's own. The plaintext upload is
    overwritten and removed at once (the case layer keeps it only encrypted), so a
    refused consent needs the file sent again."""
    if not value:
        return None
    upload = uploaded_file(value, user_id, FORM_SUFFIXES)
    try:
        return upload.path.read_bytes()
    finally:
        destroy_file(upload.path)


ATTACH_AGAIN: Final = N_(
    "Den inskannade blanketten är borttagen från servern eftersom samtycket inte "
    "sparades: bifoga blanketten igen."
)


def taken_form(value: Any, user_id: int) -> tuple[bytes | None, list[str]]:
    """The scanned form, read into memory and its plaintext file destroyed *before*
    anything is checked — so no exit of the save (a bad date, a refusal, an error)
    leaves it on disk; and the problem with the upload, if any."""
    try:
        return scanned_form(value, user_id), []
    except UploadError as error:
        return None, [str(error)]


CLEARED: Final = (
    *(
        Output(c, "value")
        for c in (
            ids.SF_NEW_CHILD,
            ids.SF_NEW_BIRTH,
            ids.SF_NEW_BACKGROUND,
            ids.SF_NEW_GUARDIANS,
            ids.SF_NEW_SIGNED,
            ids.SF_NEW_VALID,
        )
    ),
    *(Output(ids.sf_party_label(r), "value") for r in range(ids.SF_PARTY_ROWS)),
    *(Output(ids.sf_party_org(r), "value") for r in range(ids.SF_PARTY_ROWS)),
    *(Output(ids.sf_party_user(r), "value") for r in range(ids.SF_PARTY_ROWS)),
)
"""What a saved consent empties: the texts and dates (""), then the choices (None) —
so a second click cannot open the same case twice."""
UPLOAD_CLEARED: Final = (Output(ids.SF_NEW_UPLOADED, "data"), Output(ids.SF_NEW_PROGRESS, "value"))
"""The upload store and its progress bar: emptied whenever the save consumed a form
(saved or not — the file is gone either way), so the page never claims one is attached."""
TEXTS: Final = 6 + ids.SF_PARTY_ROWS


def cleared(saved: bool) -> list[Any]:
    """The values of :data:`CLEARED` after a save (empty) or a refusal (kept)."""
    if not saved:
        return [no_update] * len(CLEARED)
    return [""] * TEXTS + [None] * (len(CLEARED) - TEXTS)


def upload_cleared(consumed: bool) -> list[Any]:
    """The values of :data:`UPLOAD_CLEARED`: empty once a form was consumed."""
    return [None, "0"] if consumed else [no_update, no_update]


FORM_STATE: Final = {
    "child": State(ids.SF_NEW_CHILD, "value"),
    "birth": State(ids.SF_NEW_BIRTH, "value"),
    "background": State(ids.SF_NEW_BACKGROUND, "value"),
    "guardians": State(ids.SF_NEW_GUARDIANS, "value"),
    "signed": State(ids.SF_NEW_SIGNED, "value"),
    "valid": State(ids.SF_NEW_VALID, "value"),
    **{f"org{r}": State(ids.sf_party_org(r), "value") for r in range(ids.SF_PARTY_ROWS)},
    **{f"user{r}": State(ids.sf_party_user(r), "value") for r in range(ids.SF_PARTY_ROWS)},
    **{f"label{r}": State(ids.sf_party_label(r), "value") for r in range(ids.SF_PARTY_ROWS)},
    "uploaded": State(ids.SF_NEW_UPLOADED, "data"),
    "refresh": State(ids.SF_REFRESH, "data"),
}


def register(app: Dash) -> None:
    """Register SSPF-ärenden's callbacks on ``app``."""

    @app.callback(Output(ids.SF_CASES, "children"), Input(ids.SF_REFRESH, "data"))
    def show_cases(_refresh: Any) -> Any:
        """The viewer's accessible active cases (audited once by the case layer)."""
        user = require_role(*ROLES)
        actor = request_actor()
        try:
            found = store(
                lambda session: list_cases(session, user.id, today(), actor, **case_keys())
            )
        except CaseKeyError as error:
            return report_items([key_broken(error)], ok=False)
        return cases_view(found, coordinator=user.role in WRITERS)

    @app.callback(Output(ids.SF_NM_LIST, "children"), Input(ids.SF_REFRESH, "data"))
    def show_network_meetings(_refresh: Any) -> Any:
        """The coordinator's nätverksmöten."""
        user = require_role(*WRITERS)
        try:
            found = store(
                lambda session: network_meetings(session, user.id, cipher=current_cipher())
            )
        except CaseKeyError as error:
            return report_items([key_broken(error)], ok=False)
        return network_view(found)

    @app.callback(
        output={
            "result": Output(ids.SF_NEW_RESULT, "children"),
            "refresh": Output(ids.SF_REFRESH, "data", allow_duplicate=True),
            "cleared": [*CLEARED, *UPLOAD_CLEARED],
        },
        inputs={"_clicks": Input(ids.SF_NEW_SAVE, "n_clicks"), "values": FORM_STATE},
        running=[(Output(ids.SF_NEW_SAVE, "disabled"), True, False)],
        prevent_initial_call=True,
    )
    def new_consent(_clicks: Any, values: dict[str, Any]) -> dict[str, Any]:
        """Record the consent and open its case in one unit of work (the scanned
        form's plaintext upload is destroyed first, whatever happens next)."""
        consumed = bool(values.get("uploaded"))
        form, problems = taken_form(values.get("uploaded"), current_session_user().id)
        user = require_role(*WRITERS)
        actor = request_actor()
        dates, wrong_dates = checked_dates(values, DATE_FIELDS)
        again = [_(ATTACH_AGAIN)] if form is not None else []
        if problems or wrong_dates:
            result, unchanged = refuse(problems + wrong_dates + again)
            upload = upload_cleared(consumed)
            return {"result": result, "refresh": unchanged, "cleared": cleared(False) + upload}
        data = consent_input(user, values, dates, form)

        def work(session: Session) -> list[str]:
            case = open_case(session, user.id, data, today(), actor, **case_keys())
            return [_("Samtycket är registrerat och ärendet %(ref)s öppnat.", ref=case.ref)]

        result, bumped = submit(
            work, refresh=values["refresh"], refused=REFUSED, messages=lambda e: refusal(e) + again
        )
        done = cleared(bumped is not no_update) + upload_cleared(consumed)
        return {"result": result, "refresh": bumped, "cleared": done}

    @app.callback(
        output={
            "result": Output(ids.SF_NM_RESULT, "children"),
            "refresh": Output(ids.SF_REFRESH, "data", allow_duplicate=True),
        },
        inputs={"_clicks": Input(ids.SF_NM_SAVE, "n_clicks")},
        state={
            "declined": State(ids.SF_NM_DECLINED, "value"),
            "held": State(ids.SF_NM_HELD, "value"),
            "orgs": State(ids.SF_NM_ORGS, "value"),
            "note": State(ids.SF_NM_NOTE, "value"),
            "refresh": State(ids.SF_REFRESH, "data"),
        },
        prevent_initial_call=True,
    )
    def network_meeting(_clicks: Any, **form: Any) -> dict[str, Any]:
        """Record a declined consent's nätverksmöte."""
        user = require_role(*WRITERS)
        actor = request_actor()
        dates, problems = checked_dates(form, {"declined": N_("Nekat den")})
        held = parse_day(form["held"])
        if as_text(form["held"]).strip() and held is None:
            problems += checked_dates(form, {"held": N_("Mötet hålls den")})[1]
        if problems:
            result, unchanged = refuse(problems)
            return {"result": result, "refresh": unchanged}

        def work(session: Session) -> list[str]:
            record_network_meeting(
                session,
                user.id,
                kommun_code=user.kommun_code or "",
                declined_on=dates["declined"],
                held_on=held,
                organisations=as_texts(form["orgs"]),
                note=as_text(form["note"]),
                today=today(),
                actor=actor,
                cipher=current_cipher(),
            )
            return [_("Nätverksmötet är registrerat.")]

        result, bumped = submit(work, refresh=form["refresh"], refused=REFUSED, messages=refusal)
        return {"result": result, "refresh": bumped}
