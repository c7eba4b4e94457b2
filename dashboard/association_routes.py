"""The association's phone page, opened by its link: ``/forening/<token>``.

A plain Flask route with a server-rendered form (``templates/association.html``): no
script, so it works under the Content Security Policy on any phone, and no login
session — the request guard lets exactly these paths and methods through
(:data:`dashboard.auth.ASSOCIATION_PAGE`, ``ASSOCIATION_POST``), and nothing here
reads or writes the session. Every request opens the link again (:func:`open_link`);
what the token opens is one association's offers and planned walks, never another
page, callback, API, upload or export.

- ``GET /forening/<token>``: the page (200); a revoked or expired link 410, an unknown
  or altered one 404 — both with the Swedish "Länken gäller inte längre – kontakta
  samordnaren" and nothing stored.
- ``POST /forening/<token>/anmal``, ``…/ta-bort``, ``…/rapport``: offer a night,
  withdraw an offer, file a walk report. Each carries a form token signed for the link
  (:func:`form_token`, four hours); a missing or stale one is 400. Another
  association's row is 403. Refused fields answer 400 with the page and the messages;
  a stored change redirects (303) to the page with a short confirmation.

The page is Swedish only: an association has no account, so no language setting.
Rate limited per client address (``SSP_ASSOCIATION_RATE``, :mod:`dashboard.ratelimit`).
The token never reaches the app's logs: :class:`LinkTokenFilter` cuts it from every
record of the app's and the development server's loggers (an error logs the path);
gunicorn's access log does the same (``gunicorn.conf.py``). A post the database cannot
take just now (a second tap racing the first) answers 503 "försök igen" and stores
nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Final

from flask import Blueprint, Flask, current_app, redirect, render_template, request
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer
from werkzeug.wrappers import Response as WerkzeugResponse

from dashboard.audit import client_address
from dashboard.state import db_session, now, today
from data.counts.options import category_options
from data.ingest.observation_rows import vocabulary_lookup
from data.planning.association_links import LinkAccess, LinkInvalid, link_key, open_link
from data.planning.association_page import (
    OFFER_WEEKS,
    NotYours,
    file_report,
    offer_night,
    offers,
    own_walks,
    withdraw_offer,
)
from data.planning.registry import PlanError
from data.storage.db import WRITE_REFUSED, commit_or_roll_back

bp = Blueprint("association", __name__)

FORM_SALT: Final = "ssp-association-form"
FORM_MAX_AGE: Final = 4 * 3600
"""A page's forms work this many seconds after it was shown."""
SEEN_ROWS: Final = 3
ROW_ID: Final = re.compile(r"[0-9]{1,9}")
LINK_IN_TEXT: Final = re.compile(r"(/forening/)[^/\s?#\"']+")
BUSY: Final = "Det gick inte att spara just nu. Vänta en stund och skicka igen."


class LinkTokenFilter(logging.Filter):
    """Cut association link tokens out of a log record's message (``/forening/…``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if "/forening/" in text:
            record.msg = LINK_IN_TEXT.sub(r"\1…", text)
            record.args = None
        return True


def redact_link_tokens(app: Flask) -> None:
    """Install :class:`LinkTokenFilter` on the app's logger and the development server's."""
    for logger in (app.logger, logging.getLogger("werkzeug")):
        if not any(isinstance(f, LinkTokenFilter) for f in logger.filters):
            logger.addFilter(LinkTokenFilter())


DONE: Final = {
    "anmald": "Tack! Natten är anmäld. Samordnaren lägger schemat.",
    "borttagen": "Anmälan är borttagen.",
    "rapporterad": (
        "Tack! Rapporten är inskickad. Samordnaren bekräftar den innan den ger ersättning."
    ),
}
GONE: Final = "Länken gäller inte längre – kontakta samordnaren"
NOT_YOURS: Final = "Det här hör inte till er förening. Inget sparades."
STALE: Final = "Formuläret har gått ut. Öppna länken igen och skicka på nytt."
REFUSED: Final = "Det gick inte att spara. Rätta det som är markerat."


def _database_busy(_error: Exception) -> tuple[str, int]:
    """A post the database refused just now (a second tap racing the first: the one-time
    report key, or SQLite's write lock): nothing of it is stored; the association sends
    again, and the page then says what is already saved."""
    db_session().rollback()
    return _message(BUSY, 503)


for _refused in WRITE_REFUSED:
    bp.register_error_handler(_refused, _database_busy)


def _key() -> bytes:
    return link_key(str(current_app.config["SECRET_KEY"]))


class ClockSigner(TimestampSigner):
    """itsdangerous' timestamp signer on the project's clock (not the system's)."""

    def get_timestamp(self) -> int:
        return int(now().timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        str(current_app.config["SECRET_KEY"]), salt=FORM_SALT, signer=ClockSigner
    )


def form_token(access: LinkAccess) -> str:
    """A form token for the page of ``access``: signed for its link id, timestamped."""
    return str(_serializer().dumps(access.link_id))


def form_token_valid(access: LinkAccess, sent: str) -> bool:
    """True when ``sent`` was made for this link within :data:`FORM_MAX_AGE` (on the
    project's clock)."""
    serializer = _serializer()
    try:
        link_id = serializer.loads(sent, max_age=FORM_MAX_AGE)
    except BadSignature:
        return False
    return bool(link_id == access.link_id)


def _message(text: str, status: int) -> tuple[str, int]:
    return render_template("association_message.html", message=text), status


def _opened(token: str) -> LinkAccess | tuple[str, int]:
    """The link's access (its use noted), or the refusal page (404/410) when it opens
    nothing."""
    session = db_session()
    try:
        access = open_link(session, token, key=_key(), now=now())
    except LinkInvalid as invalid:
        session.rollback()
        return _message(GONE, 404 if invalid.reason == "unknown" else 410)
    commit_or_roll_back(session)
    return access


def _page(
    token: str,
    access: LinkAccess,
    *,
    status: int = 200,
    errors: Mapping[str, str] | None = None,
    typed: Mapping[str, str] | None = None,
    form: str = "",
    walk_id: int | None = None,
) -> tuple[str, int]:
    session = db_session()
    day = today()
    walks = own_walks(session, access, day)
    done = DONE.get(request.args.get("klart", ""), "")
    page = render_template(
        "association.html",
        token=token,
        access=access,
        form_token=form_token(access),
        offers=offers(session, access, day),
        walks=walks,
        reportable={w.id for w in walks if w.reportable(day)},
        categories=category_options(session),
        today=day.isoformat(),
        last_day=(day + timedelta(weeks=OFFER_WEEKS)).isoformat(),
        done=done if not errors else "",
        errors=dict(errors or {}),
        typed=dict(typed or {}),
        form=form,
        walk_id=walk_id,
        refused=REFUSED,
        seen_rows=range(1, SEEN_ROWS + 1),
    )
    return page, status


def _fields(*names: str) -> dict[str, str]:
    return {name: str(request.form.get(name, ""))[:400] for name in names}


def _checked_post(token: str) -> LinkAccess | tuple[str, int]:
    """The link of a form post, its form token checked (400 when stale)."""
    access = _opened(token)
    if isinstance(access, LinkAccess) and not form_token_valid(
        access, str(request.form.get("form", ""))
    ):
        return _message(STALE, 400)
    return access


def _done(token: str, what: str) -> WerkzeugResponse:
    return redirect(f"/forening/{token}?klart={what}", code=303)


def _row_id(name: str) -> int | None:
    """A row id posted by the form (ASCII digits: ``str.isdigit`` also accepts ``²``,
    which ``int`` refuses)."""
    text = str(request.form.get(name, ""))
    return int(text) if ROW_ID.fullmatch(text) else None


@bp.get("/forening/<token>")
def association_page(token: str) -> Any:
    """The association's page: its offers, its planned walks and their report forms."""
    access = _opened(token)
    if not isinstance(access, LinkAccess):
        return access
    return _page(token, access)


@bp.post("/forening/<token>/anmal")
def offer(token: str) -> Any:
    """Offer a night: walkers and times (checked as on Planering)."""
    access = _checked_post(token)
    if not isinstance(access, LinkAccess):
        return access
    typed = _fields("natt", "vandrare", "start", "slut")
    session = db_session()
    try:
        offer_night(session, access, **_offer_args(typed), address=client_address())
    except PlanError as refused:
        session.rollback()
        return _page(token, access, status=400, errors=refused.errors, typed=typed, form="anmal")
    session.commit()
    return _done(token, "anmald")


def _offer_args(typed: Mapping[str, str]) -> dict[str, Any]:
    return {
        "night": typed["natt"],
        "walkers": typed["vandrare"],
        "start": typed["start"],
        "end": typed["slut"],
        "today": today(),
    }


@bp.post("/forening/<token>/ta-bort")
def withdraw(token: str) -> Any:
    """Withdraw one of the association's own offers (403 for any other row)."""
    access = _checked_post(token)
    if not isinstance(access, LinkAccess):
        return access
    signup = _row_id("anmalan")
    session = db_session()
    try:
        if signup is None:
            raise NotYours(signup)
        withdraw_offer(session, access, signup, today=today(), address=client_address())
    except NotYours:
        session.rollback()
        return _message(NOT_YOURS, 403)
    session.commit()
    return _done(token, "borttagen")


@bp.post("/forening/<token>/rapport")
def report(token: str) -> Any:
    """File the walk report of one of the association's own planned walks."""
    access = _checked_post(token)
    if not isinstance(access, LinkAccess):
        return access
    walk = _row_id("vandring")
    names = ("start", "slut", "vandrare", "stamning", "anteckning")
    seen_names = [(f"kategori-{i}", f"antal-{i}") for i in range(1, SEEN_ROWS + 1)]
    typed = _fields(*names, *(n for pair in seen_names for n in pair))
    session = db_session()
    try:
        if walk is None:
            raise NotYours(walk)
        categories, _sources = vocabulary_lookup(session)
        errors = file_report(
            session,
            access,
            walk,
            fields=typed,
            seen=[(typed[c], typed[n]) for c, n in seen_names],
            categories=categories,
            today=today(),
            address=client_address(),
        )
    except NotYours:
        session.rollback()
        return _message(NOT_YOURS, 403)
    if errors:
        session.rollback()
        return _page(
            token, access, status=400, errors=errors, typed=typed, form="rapport", walk_id=walk
        )
    session.commit()
    return _done(token, "rapporterad")
