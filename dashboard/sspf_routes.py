"""The SSPF printouts: ``/sspf/<ref>/atagandeplan.pdf`` (the case's people) and
``/sspf/<ref>/kvitto.pdf`` (the guardians' receipt, the case's coordinator).

A role outside SSPF gets 403; an unknown reference and a case the user may not see get
one and the same 404 (never reveal that a case exists). Each download is audited
(``sspf.plan_exported`` by :func:`data.consent.cases.export_plan`,
``sspf.receipt_exported`` here: the reference, never content) in the same unit of work
as the read; responses are ``no-store`` (the app's default).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort
from flask.typing import ResponseReturnValue

from dashboard.audit import request_actor
from dashboard.auth import require_role
from dashboard.callbacks.submit import store
from dashboard.pages.sspf import ROLES
from dashboard.sspf_access import acting_user, case_keys, key_broken
from dashboard.sspf_pdf import plan_pdf, receipt_pdf
from dashboard.state import today
from data.access.audit import record
from data.access.scope import AccessDenied
from data.consent.cases import export_plan
from data.consent.crypto import CaseKeyError
from data.consent.teardown import TearUpReceipt, receipt_for
from data.ingest.polisen_kommun import kommun_name
from data.storage.db import Session

bp = Blueprint("sspf", __name__)
MAX_REF = 32


def _pdf(body: bytes, name: str) -> Response:
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _kommun(code: str) -> str:
    """The kommun's name for the receipt (its code when the name is not known)."""
    try:
        return kommun_name(code)
    except (KeyError, IndexError, ValueError, OSError):
        return code


@bp.app_errorhandler(CaseKeyError)
def _key_broken(error: CaseKeyError) -> tuple[Response, int]:
    """The case key does not open the stored values (a well-formed key, but not the
    one the data was written with): 503 and the one Swedish message — for the PDFs
    here and any SSPF callback that did not say it on its page (class logged only)."""
    message = key_broken(error)
    return Response(message, status=503, mimetype="text/plain"), 503


@bp.route("/sspf/<ref>/atagandeplan.pdf")
def plan(ref: str) -> ResponseReturnValue:
    """The åtagandeplan for the family meeting, for the case's coordinator and parties."""
    try:
        user = require_role(*ROLES)
    except AccessDenied:
        abort(403)
    actor = request_actor()

    try:
        case = store(
            lambda session: export_plan(
                session, user.id, ref[:MAX_REF], today(), actor, **case_keys()
            )
        )
    except AccessDenied:
        abort(404)
    return _pdf(plan_pdf(case), f"atagandeplan-{case.ref}.pdf")


@bp.route("/sspf/<ref>/kvitto.pdf")
def receipt(ref: str) -> ResponseReturnValue:
    """The guardians' receipt of a torn-up consent (no personal data), for the case's
    coordinator."""
    try:
        require_role(*ROLES)
    except AccessDenied:
        abort(403)
    actor = request_actor()

    def work(session: Session) -> TearUpReceipt:
        found = receipt_for(session, acting_user(session), ref[:MAX_REF])
        record(session, "sspf.receipt_exported", actor=actor, target=found.ref)
        return found

    try:
        found = store(work)
    except AccessDenied:
        abort(404)
    return _pdf(receipt_pdf(found, kommun=_kommun(found.kommun_code)), f"kvitto-{found.ref}.pdf")
