"""The lägesbild's downloads: the PDF of a state (one click from the page) and the PDF
of a published record from the archive.

The state comes from the query string, exactly as the page reads it, but a download
is never narrowed silently: a kommun, level, period kind or period the viewer may not
have is refused (403), a malformed one is 400.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, request
from flask.typing import ResponseReturnValue

from dashboard.auth import current_viewer, require_role
from dashboard.lagesbild_view import current_briefing, pdf_bytes, pdf_name
from dashboard.pages.lagesbild import PATH, ROLES, briefing_scope, briefing_state
from dashboard.pages.overview import PageScope
from dashboard.state import db_session, today
from data.access.scope import AccessDenied, BadSelection
from data.briefing.archive import NotPublished, published

bp = Blueprint("lagesbild", __name__)


def _pdf(body: bytes, name: str) -> Response:
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route(f"{PATH}/pdf")
def briefing_pdf() -> ResponseReturnValue:
    """The lägesbild of ``?kommun=&niva=&typ=&period=`` as a PDF, built now."""
    scope = briefing_scope()
    if not isinstance(scope, PageScope):
        abort(403)
    query: dict[str, Any] = request.args.to_dict()
    state, narrowed = briefing_state(scope, query, today())
    if narrowed:
        abort(403)
    try:
        briefing = current_briefing(state)
    except AccessDenied:
        abort(403)
    except BadSelection:
        abort(400)
    return _pdf(pdf_bytes(briefing), pdf_name(briefing))


@bp.route(f"{PATH}/arkiv/<int:record_id>.pdf")
def archived_pdf(record_id: int) -> ResponseReturnValue:
    """A published lägesbild's PDF, exactly as it was published."""
    try:
        require_role(*ROLES)
        briefing, body = published(db_session(), current_viewer(), record_id)
    except AccessDenied:
        abort(403)
    except NotPublished:
        abort(404)
    return _pdf(body, pdf_name(briefing).replace(".pdf", f"-publicerad-{record_id}.pdf"))
