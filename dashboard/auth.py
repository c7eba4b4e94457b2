"""Login, roles and server-side authorisation of every route and callback.

Every request except the login page, the health check and static library code
needs a logged-in user; Dash's JSON endpoints answer 401 instead of redirecting.
Callbacks and page layouts additionally resolve the user's :class:`Viewer`
themselves, so hiding a control in the UI is never what protects data.

The aggregate API (``/api/v1/``) also accepts ``Authorization: Bearer TOKEN``
(:mod:`data.access.tokens`): the token's user is loaded for that one request, with their
role and scope, and nothing is written to the session (no cookie is set). An expired
token gets a 401 that says so.

Sessions end after ``SSP_SESSION_HOURS`` unused (the cookie's expiry, renewed by
each request) and at the latest ``SSP_SESSION_ABSOLUTE_HOURS`` after login (the login
moment is kept in the signed session). Every session cookie carries the user's
session token; rotating it (logout, password change or reset, deactivation) ends
all their sessions. A user with a TOTP second factor gives a code after the password
(``/login/kod``) before the session starts. Logins, failures and logouts go to the
audit log.
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Request,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from werkzeug.wrappers import Response as WerkzeugResponse

from dashboard.audit import audit, client_address
from dashboard.state import app_state, db_session
from dashboard.throttle import wait_message
from data.access.accounts import check_totp, wrong_totp
from data.access.audit import Actor
from data.access.scope import AccessDenied, BadSelection, Viewer
from data.access.tokens import audit_token_use, check_token
from data.access.users import authenticate, usernames
from data.clock import utc_now
from data.demo.build import DEMO_ACCOUNTS, is_demo_database
from data.privacy.disclosure import DEFAULT_LEADERSHIP_TIME_GRAIN, audience_level
from data.storage.db import commit_or_roll_back
from data.storage.models import User, new_session_token
from data.vocabulary import ROLES, label_of

bp = Blueprint("auth", __name__)

PUBLIC_PREFIXES = ("/_dash-component-suites/", "/assets/", "/static/")
API_PREFIX = "/api/v1/"
"""The aggregate API: the only place where bearer tokens count."""
API_SPEC_PATH = API_PREFIX + "openapi.yaml"
PUBLIC_PATHS = frozenset(
    {"/login", "/login/kod", "/healthz", "/_favicon.ico", "/favicon.ico", API_SPEC_PATH}
)
JSON_PREFIXES = ("/_dash-", "/api/", "/geo/")
ASSOCIATION_PAGE = re.compile(r"/forening/[A-Za-z0-9_-]{1,100}")
ASSOCIATION_POST = re.compile(r"/forening/[A-Za-z0-9_-]{1,100}/(?:anmal|ta-bort|rapport)")
"""An association's link page (GET) and its three form posts (POST),
``dashboard/association_routes.py``: open without a login, because the link's token is
checked by the route itself. Only these exact shapes with these methods: any other path
or method under ``/forening/`` needs a login like everything else (a GET of a form path
would otherwise fall through to Dash's page shell)."""
TOKEN_REQUEST = "ssp_token_request"
"""Flag in ``g``: this request was authenticated by a bearer token."""
TOKEN_PROBLEM = "ssp_token_problem"
"""In ``g``: why this request's bearer token was refused (``expired``, ``revoked``, …)."""
CSRF_KEY = "csrf_token"
LOGIN_AT = "login_at"
"""In the session: the login moment (POSIX seconds), for the absolute lifetime."""
PENDING_TOTP = "pending_totp"
"""In the session between the password and the code: user id, session token, moment."""
TOTP_PENDING_SECONDS = 300


@dataclass(frozen=True)
class SessionUser(UserMixin):
    """The logged-in user as the web layer sees it (no password hash, no ORM state)."""

    id: int
    username: str
    role: str
    kommun_code: str | None
    source_code: str | None
    area_codes: frozenset[str]
    session_token: str
    language: str = "sv"
    """The language of the user's pages (``sv`` or ``en``), see :mod:`dashboard.i18n`."""

    def get_id(self) -> str:
        """Flask-Login's key for the session: id and the user's current session token.

        Rotating the token in the database (logout, deactivation) ends every session
        that carries the old one, even a copied cookie.
        """
        return f"{self.id}:{self.session_token}"

    @property
    def role_label(self) -> str:
        """The role in Swedish."""
        return label_of(ROLES, self.role)


def _session_user(user: User) -> SessionUser:
    return SessionUser(
        id=user.id,
        username=user.username,
        role=user.role,
        kommun_code=user.kommun_code,
        source_code=user.source_code,
        area_codes=frozenset(a.code for a in user.areas),
        session_token=user.session_token,
        language=user.language,
    )


def _load_user(session_id: str) -> SessionUser | None:
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    if not _within_absolute_lifetime():
        return None
    user = db_session().get(User, int(user_id))
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(user.session_token.encode(), token.encode()):
        return None
    return _session_user(user)


def _within_absolute_lifetime() -> bool:
    """True while the session is younger than ``SSP_SESSION_ABSOLUTE_HOURS``.

    Measured on the system clock (:func:`data.clock.utc_now`): a session's age is
    real elapsed time, even when ``SSP_TODAY`` pins the app's calendar day. A
    session without a login moment (made before this rule) has ended.
    """
    started = session.get(LOGIN_AT)
    if not isinstance(started, int | float) or isinstance(started, bool):
        return False
    limit = timedelta(hours=int(current_app.config["SSP_SESSION_ABSOLUTE_HOURS"]))
    age = utc_now().timestamp() - float(started)
    return 0 <= age < limit.total_seconds()


def bearer_token(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer TOKEN`` header; None for other schemes."""
    scheme, _, token = (header or "").strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def _load_token_user(req: Request) -> SessionUser | None:
    """Flask-Login's request loader: a bearer token, on the aggregate API only.

    Flask-Login calls it only when the request has no session user. It never
    touches the session, so a token request gets no cookie; elsewhere (pages,
    callbacks, geometry) a token counts for nothing.
    """
    if not req.path.startswith(API_PREFIX):
        return None
    token = bearer_token(req.headers.get("Authorization"))
    if not token:
        return None
    dbs = db_session()
    checked = check_token(dbs, token)
    user = checked.user
    if user is None or checked.token_id is None:
        g.setdefault(TOKEN_PROBLEM, checked.problem)
        return None
    actor = Actor(user.id, user.username, client_address())
    audit_token_use(dbs, checked.token_id, actor=actor)
    if dbs.dirty or dbs.new:  # last-used time, hourly audit row; never fails a request
        commit_or_roll_back(dbs)
    g.setdefault(TOKEN_REQUEST, True)
    return _session_user(user)


def _keep_token_requests_sessionless(response: WerkzeugResponse) -> WerkzeugResponse:
    """``after_request``: a bearer-token request sets no cookie, whatever ran during it
    (Dash renders the page shell, with its form token, on a process's first request)."""
    if g.get(TOKEN_REQUEST):
        session.clear()
        session.modified = False
    return response


def csrf_token() -> str:
    """The session's CSRF token for HTML forms (created on first use)."""
    token = session.get(CSRF_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        session[CSRF_KEY] = token
    return str(token)


def csrf_valid(sent: object) -> bool:
    """True when ``sent`` is the session's CSRF token (a form field or a header)."""
    expected = session.get(CSRF_KEY, "")
    return bool(expected) and hmac.compare_digest(str(sent or "").encode(), str(expected).encode())


CSRF_EXPIRED = "Formuläret har gått ut. Ladda om sidan och försök igen."


def _check_csrf() -> None:
    if not csrf_valid(request.form.get(CSRF_KEY, "")):
        abort(400, description=CSRF_EXPIRED)


def _safe_next(target: str | None) -> str:
    """Only local paths are followed after login (no open redirect)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def current_session_user() -> SessionUser:
    """The logged-in user; raise :class:`AccessDenied` when there is none."""
    if not current_user or not current_user.is_authenticated:
        msg = "inloggning krävs"
        raise AccessDenied(msg)
    user: SessionUser = current_user._get_current_object()
    return user


def move_session_to(token: str) -> None:
    """Keep the current session after the user's session token rotated (their own
    password change): this session carries the new token, every other one has ended.
    The login moment stays, so the absolute lifetime is not extended."""
    login_user(replace(current_session_user(), session_token=token))


def require_role(*roles: str) -> SessionUser:
    """The logged-in user when their role is one of ``roles``; else AccessDenied."""
    user = current_session_user()
    if user.role not in roles:
        msg = "din roll har inte behörighet till detta"
        raise AccessDenied(msg)
    return user


def noise_key() -> bytes:
    """The cell key method's secret: the database's own (never derived from
    ``SECRET_KEY``, never shown; :mod:`data.privacy.noise_key`)."""
    return app_state().noise_key()


def current_viewer() -> Viewer:
    """The group-level :class:`Viewer` of the logged-in user (raises AccessDenied)."""
    user = current_session_user()
    return viewer_for(user.role, user.kommun_code, user.area_codes)


def viewer_for(
    role: str, kommun_code: str | None, area_codes: frozenset[str] = frozenset()
) -> Viewer:
    """A :class:`Viewer` with the app's disclosure settings for ``role`` (also for the
    command line, which has no logged-in user)."""
    level = audience_level(
        role,
        min_cell=int(current_app.config["SSP_MIN_CELL"]),
        min_cell_leadership=int(current_app.config["SSP_MIN_CELL_LEADERSHIP"]),
        min_area_population=int(current_app.config["SSP_MIN_AREA_POP"]),
        noise_key=noise_key(),
        leadership_time_grain=str(
            current_app.config.get("SSP_LEADERSHIP_TIME_GRAIN", DEFAULT_LEADERSHIP_TIME_GRAIN)
        ),
    )
    return Viewer(role=role, kommun_code=kommun_code, level=level, area_codes=area_codes)


def guard_request() -> WerkzeugResponse | None:
    """``before_request``: refuse anonymous access to everything but public paths."""
    path = request.path
    if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
        return None
    if request.method in ("GET", "HEAD") and ASSOCIATION_PAGE.fullmatch(path):
        return None
    if request.method == "POST" and ASSOCIATION_POST.fullmatch(path):
        return None
    if current_user.is_authenticated:
        return None
    if path.startswith(JSON_PREFIXES) or request.method != "GET":
        response = _token_refusal() or jsonify(
            {"error": "inloggning krävs", "login": url_for("auth.login")}
        )
        response.status_code = 401
        return response
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


TOKEN_MESSAGES = {
    "expired": (
        "token_expired",
        "API-token har gått ut. Be administratören om en ny (ssp create-token).",
    ),
    "revoked": ("token_revoked", "API-token är återkallad."),
    "inactive": ("token_revoked", "API-tokens användare är inaktiverad."),
}


def _token_refusal() -> Response | None:
    """A 401 body that says why a known bearer token was refused (None otherwise)."""
    problem = TOKEN_MESSAGES.get(str(g.get(TOKEN_PROBLEM)))
    if problem is None:
        return None
    code, message = problem
    return jsonify({"error": message, "code": code})


def _start_session(user: User) -> None:
    """Log ``user`` in on a fresh session (no fixation) and audit the login."""
    session.clear()
    session.permanent = True  # idle expiry after PERMANENT_SESSION_LIFETIME
    session[LOGIN_AT] = int(utc_now().timestamp())
    # The form token is set now, in the login response's cookie, so that
    # concurrent requests of the first page load cannot write a cookie
    # without it (a later logout would then fail with "form expired").
    csrf_token()
    login_user(_session_user(user))
    audit("auth.login", actor=Actor(user.id, user.username, client_address()))


def _password_accepted(user: User) -> WerkzeugResponse:
    """After the right password: log in, or first ask for the TOTP code when enrolled."""
    if user.totp_secret is None:
        _start_session(user)
        return redirect(_safe_next(request.args.get("next")))
    session.clear()
    session[PENDING_TOTP] = {
        "user": user.id,
        "token": user.session_token,
        "at": int(utc_now().timestamp()),
        "next": _safe_next(request.args.get("next")),
    }
    csrf_token()
    return redirect(url_for("auth.login_code"))


def _pending_user() -> User | None:
    """The user between password and code, while the step is fresh.

    The pending step names the user's session token: after too many wrong codes
    (:func:`data.access.accounts.wrong_totp`) the token rotates and the step is void,
    whatever copy of the cookie is replayed."""
    pending = session.get(PENDING_TOTP)
    if not isinstance(pending, dict):
        return None
    age = utc_now().timestamp() - float(pending.get("at", 0))
    if not 0 <= age < TOTP_PENDING_SECONDS:
        return None
    user = db_session().get(User, int(pending.get("user", 0)))
    if user is None or not user.active or user.totp_secret is None:
        return None
    if not hmac.compare_digest(user.session_token.encode(), str(pending.get("token")).encode()):
        return None
    return user


@bp.route("/login/kod", methods=["GET", "POST"])
def login_code() -> Any:
    """The second step for users with a TOTP second factor: the code from their app."""
    user = _pending_user()
    if user is None:
        session.pop(PENDING_TOTP, None)
        return redirect(url_for("auth.login"))
    error, status = None, 200
    if request.method == "POST":
        _check_csrf()
        dbs = db_session()
        if check_totp(user, request.form.get("code", "")[:16]):
            dbs.commit()  # the accepted step: the same code never works twice
            target = str(session[PENDING_TOTP].get("next") or "/")
            _start_session(user)
            return redirect(_safe_next(target))
        void = wrong_totp(user)
        dbs.commit()
        audit("auth.totp_failed", target=user.username)
        if void:
            session.pop(PENDING_TOTP, None)
            return redirect(url_for("auth.login"))
        error, status = "Fel kod. Ange den kod som visas i appen just nu.", 401
    page = render_template("login_code.html", error=error, csrf_token=csrf_token())
    return page, status


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The login form (Swedish); in demo mode it lists the demo accounts."""
    error = None
    username = ""
    status = 200
    headers: dict[str, str] = {}
    if request.method == "POST":
        _check_csrf()
        username = request.form.get("username", "").strip().lower()[:64]
        password = request.form.get("password", "")
        # The real client behind SSP_TRUSTED_PROXIES proxies (dashboard.ratelimit).
        client = request.remote_addr or "unknown"
        throttle = app_state().login_throttle
        dbs = db_session()
        wait = throttle.wait(username, client)
        if wait:  # a delay for this name from this address (or this address), never a lock
            error = wait_message(wait)
            status = 429
            headers["Retry-After"] = str(wait)
            audit("auth.login_failed", target=username, details={"reason": "throttled"})
        else:
            user = authenticate(dbs, username, password) if username and password else None
            if user is None:
                throttle.failed(username, client)
                error = "Fel användarnamn eller lösenord."
                status = 401
                audit("auth.login_failed", target=username, details={"reason": "password"})
            else:
                throttle.succeeded(username, client)
                dbs.commit()  # a password rehash, if argon2 parameters changed
                return _password_accepted(user)
    demo_accounts = []
    if current_app.config["SSP_DEMO"] and is_demo_database(db_session()):
        known = usernames(db_session())
        demo_accounts = [
            (a.username, label_of(ROLES, a.role)) for a in DEMO_ACCOUNTS if a.username in known
        ]
    return (
        render_template(
            "login.html",
            error=error,
            username=username,
            csrf_token=csrf_token(),
            demo_accounts=demo_accounts,
        ),
        status,
        headers,
    )


@bp.route("/logout", methods=["GET", "POST"])
def logout() -> Any:
    """Log out (POST with the CSRF token, so another site cannot log you out).

    A GET (a typed or linked URL) logs nobody out; it goes back to the start page.
    """
    if request.method == "GET":
        return redirect("/")
    _check_csrf()
    if current_user.is_authenticated:
        # A new token ends this session everywhere, including copies of the cookie.
        dbs = db_session()
        user = dbs.get(User, current_session_user().id)
        if user is not None:
            user.session_token = new_session_token()
            dbs.commit()
        audit("auth.logout")
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


def init_auth(app: Flask) -> None:
    """Attach Flask-Login, the login routes and the request guard to ``app``."""
    manager = LoginManager()
    manager.user_loader(_load_user)
    manager.request_loader(_load_token_user)
    manager.init_app(app)
    app.register_blueprint(bp)
    app.before_request(guard_request)
    app.after_request(_keep_token_requests_sessionless)

    @app.errorhandler(AccessDenied)
    def _denied(error: AccessDenied) -> tuple[Response, int]:
        status = 401 if not current_user.is_authenticated else 403
        return jsonify({"error": str(error)}), status

    @app.errorhandler(BadSelection)
    def _bad_selection(error: BadSelection) -> tuple[Response, int]:
        return jsonify({"error": f"ogiltigt urval: {error}"}), 400
