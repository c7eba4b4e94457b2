"""The Dash app: created without a server, mounted on Flask with ``init_app``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dash
from dash import Dash, dcc, html
from dash.exceptions import DependencyException
from flask import Flask, Response, current_app, jsonify, request

from dashboard import ids
from dashboard.auth import csrf_token, current_session_user
from dashboard.callbacks import admin_areas as admin_areas_callbacks
from dashboard.callbacks import admin_users as admin_users_callbacks
from dashboard.callbacks import audit_log as audit_log_callbacks
from dashboard.callbacks import calendar_page as calendar_callbacks
from dashboard.callbacks import events_page as events_callbacks
from dashboard.callbacks import import_page as import_callbacks
from dashboard.callbacks import lagesbild as lagesbild_callbacks
from dashboard.callbacks import my_account as my_account_callbacks
from dashboard.callbacks import overview as overview_callbacks
from dashboard.callbacks import permalinks as permalink_callbacks
from dashboard.callbacks import planning_page as planning_callbacks
from dashboard.callbacks import police as police_callbacks
from dashboard.callbacks import report as report_callbacks
from dashboard.callbacks import sspf as sspf_callbacks
from dashboard.callbacks import sspf_case as sspf_case_callbacks
from dashboard.callbacks import walk as walk_callbacks
from dashboard.callbacks import weekly as weekly_callbacks
from dashboard.dash_locale import LocalisedDash, localised_layout, page_title
from dashboard.i18n import _
from dashboard.pages import (
    admin_areas,
    admin_users,
    audit_log,
    calendar_page,
    events_page,
    import_page,
    lagesbild,
    lagesbild_archive,
    my_account,
    my_reports,
    not_found_404,
    overview,
    planning_page,
    police_page,
    report,
    sspf,
    sspf_case,
    walk,
    weekly,
)
from dashboard.state import db_session
from data.access.scope import AccessDenied
from data.demo.build import is_demo_database

ASSETS = Path(__file__).resolve().parent / "assets"
CALLBACK_PATH = "/_dash-update-component"
ROUTER_LOCATION = "_pages_location"
"""The location component whose path and query Dash Pages routes on."""


def nav_links(role: str) -> list[dcc.Link]:
    """The navigation links ``role`` may follow, in the order of the header."""
    pages: list[tuple[str, str, bool]] = [
        (overview.NAME, overview.PATH, True),
        (events_page.NAME, events_page.PATH, True),
        (lagesbild.NAME, lagesbild.PATH, role in lagesbild.ROLES),
        (weekly.NAME, weekly.PATH, role in weekly.ROLES),
        (planning_page.NAME, planning_page.PATH, role in planning_page.ROLES),
        (police_page.NAME, police_page.PATH, role in police_page.ROLES),
        (sspf.NAME, sspf.PATH, role in sspf.ROLES),
        (report.NAME, report.PATH, role in report.ROLES),
        (my_reports.NAME, my_reports.PATH, role in my_reports.ROLES),
        (walk.NAME, walk.PATH, role in walk.ROLES),
        (import_page.NAME, import_page.PATH, role in import_page.ROLES),
        (calendar_page.NAME, calendar_page.PATH, role in calendar_page.ROLES),
        (admin_areas.NAME, admin_areas.PATH, role in admin_areas.ROLES),
        (admin_users.NAME, admin_users.PATH, role in admin_users.ROLES),
        (audit_log.NAME, audit_log.PATH, role in audit_log.ROLES),
    ]
    return [
        dcc.Link(_(name), href=path, className="nav-link")
        for name, path, allowed in pages
        if allowed
    ]


def _demo_badge() -> html.Span | None:
    if not (is_demo_database(db_session()) or bool(current_app.config["SSP_DEMO"])):
        return None
    return html.Span(
        _("DEMO – syntetiska data"),
        className="demo-badge",
        id=ids.SHELL_DEMO_BADGE,
        title=_("Områden (utom kommungränser) och observationer är genererade, inte verkliga."),
    )


def shell() -> html.Div:
    """The frame around every page: skip link, title, demo label, navigation, user and
    logout. On a phone the navigation and the user's links fold behind "Meny"
    (``assets/shell.js`` opens it and marks the current page); the page itself is
    the ``<main>`` the skip link jumps to."""
    try:
        user = current_session_user()
    except AccessDenied:
        return html.Div(html.A(_("Logga in"), href="/login"))
    menu_state: dict[str, Any] = {"aria-expanded": "false", "aria-controls": ids.SHELL_MENU}
    nav_name: dict[str, Any] = {"aria-label": _("Sidor")}
    bar = html.Div(
        [
            html.H1("SSP Lägesbild"),
            _demo_badge(),
            html.Button(
                _("Meny"),
                type="button",
                id=ids.SHELL_MENU_BUTTON,
                className="menu-button",
                **menu_state,
            ),
        ],
        className="header-bar",
    )
    user_links = html.Div(
        [
            html.Span(f"{user.username} · {_(user.role_label)}", className="who", id=ids.SHELL_WHO),
            dcc.Link(
                _(my_account.NAME), href=my_account.PATH, id=ids.SHELL_ACCOUNT, className="who"
            ),
            html.Form(
                [
                    dcc.Input(type="hidden", name="csrf_token", value=csrf_token()),
                    html.Button(_("Logga ut"), type="submit", id=ids.SHELL_LOGOUT),
                ],
                method="POST",
                action="/logout",
                id=ids.LOGOUT_FORM,
            ),
        ],
        className="header-user",
    )
    menu = html.Div(
        [html.Nav(nav_links(user.role), id=ids.NAV, **nav_name), user_links],
        id=ids.SHELL_MENU,
        className="header-menu",
    )
    skip = html.A(_("Hoppa till innehållet"), href=f"#{ids.SHELL_MAIN}", className="skip-link")
    header = html.Header([skip, bar, menu], className="app-header", id=ids.HEADER)
    main = html.Main(dash.page_container, id=ids.SHELL_MAIN, tabIndex="-1")
    return html.Div([header, main])


def init_dash(server: Flask) -> Dash:
    """Create the Dash app, register its pages and callbacks, mount it on ``server``."""
    app = LocalisedDash(
        __name__,
        server=False,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ASSETS),
        title="SSP Lägesbild",
        update_title="",
        suppress_callback_exceptions=True,
        serve_locally=True,
        enable_mcp=False,
        health_endpoint=None,
        websocket_callbacks=False,
    )
    app.layout = shell
    overview_callbacks.register(app)
    admin_areas_callbacks.register(app)
    report_callbacks.register(app)
    walk_callbacks.register(app)
    import_callbacks.register(app)
    events_callbacks.register(app)
    calendar_callbacks.register(app)
    planning_callbacks.register(app)
    planning_callbacks.register_severity(app)
    admin_users_callbacks.register(app)
    audit_log_callbacks.register(app)
    my_account_callbacks.register(app)
    lagesbild_callbacks.register(app)
    weekly_callbacks.register(app)
    permalink_callbacks.register(app)
    police_callbacks.register(app)
    sspf_callbacks.register(app)
    sspf_case_callbacks.register(app)
    app.init_app(server)
    # Dash Pages needs the mounted app to register pages (it reads dash.get_app()).
    pages = (
        overview,
        events_page,
        planning_page,
        report,
        walk,
        import_page,
        calendar_page,
        admin_areas,
        admin_users,
        audit_log,
        my_account,
        my_reports,
        lagesbild,
        lagesbild_archive,
        police_page,
        weekly,
        sspf,
        sspf_case,
    )
    for page in (*pages, not_found_404):
        dash.register_page(
            page.__name__,
            path=page.PATH,
            name=page.NAME,
            title=page_title(page.NAME),
            layout=localised_layout(page.layout),
        )
    server.extensions["dash"] = app

    def check_callback_request() -> tuple[Response, int] | None:
        """Refuse malformed callback requests with 400 before Dash parses them."""
        if request.method != "POST" or request.path != CALLBACK_PATH:
            return None
        # Files never travel in a callback (they go to /upload/<kind>): the app's
        # MAX_CONTENT_LENGTH (8 MB) holds for every callback body.
        body = request.get_json(silent=True)
        if not _well_formed_callback(body, app.callback_map):
            return jsonify({"error": "ogiltig förfrågan"}), 400
        if not _well_formed_route(body):
            return jsonify({"error": "ogiltig adress"}), 400
        return None

    server.before_request(check_callback_request)
    server.register_error_handler(DependencyException, _unknown_component_file)
    return app


def _dependency(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and isinstance(item.get("id"), str | dict)
        and isinstance(item.get("property"), str)
    )


def _dependencies(items: Any, expected: int) -> bool:
    """One entry per declared dependency: a dict, or for a pattern-matching (ALL)
    dependency a list of dicts, one per matching component."""
    return (
        isinstance(items, list)
        and len(items) == expected
        and all(
            _dependency(i) or (isinstance(i, list) and all(_dependency(j) for j in i))
            for i in items
        )
    )


def _well_formed_callback(body: Any, callback_map: dict[str, Any]) -> bool:
    """True for a body shaped like the renderer's: a known output, and inputs and
    state that match the callback's declared dependencies one to one."""
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return False
    spec = callback_map.get(body["output"])
    if spec is None or not isinstance(body.get("outputs"), dict | list):
        return False
    return _dependencies(body.get("inputs"), len(spec["inputs"])) and _dependencies(
        body.get("state", []), len(spec.get("state", []))
    )


def _well_formed_route(body: Any) -> bool:
    """True unless the body asks Dash's page router about a location no browser sends:
    a path is absent or starts with "/", a query string is absent or text (Dash Pages
    itself fails on anything else)."""
    for item in body.get("inputs", []):
        if not isinstance(item, dict) or item.get("id") != ROUTER_LOCATION:
            continue
        value = item.get("value")
        if item.get("property") == "pathname" and not (
            value is None or (isinstance(value, str) and value.startswith("/"))
        ):
            return False
        if item.get("property") == "search" and not (value is None or isinstance(value, str)):
            return False
    return True


def _unknown_component_file(_error: Exception) -> tuple[Response, int]:
    return jsonify({"error": "finns inte"}), 404
