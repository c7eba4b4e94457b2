"""The authorisation matrix: every callback, route and page, for every kind of user.

Everything the server answers is enumerated from the running app — the callbacks
from ``/_dash-dependencies``, the routes from Flask's URL map, the pages from Dash's
page registry — and checked against the rules declared here. A callback, route or
page that is added without a declared rule fails the test, so nobody can ship an
endpoint whose access was never decided.

For each callback the payload is what the page's own layout holds (rendered for a
user who may use it), with the trigger pressed: exactly what a user of another role
would send by replaying the request. A denied user must get 401/403 — not an empty
204, which would mean the callback decides *before* checking who asks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import dash
import pytest
from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from dashboard.state import app_state
from data.access.users import create_user
from data.storage.db import unit_of_work
from tests.conftest import DEMO_PASSWORD
from tests.helpers import call_by_input, login, send_file

ANON = "anonym"
OTHER_KOMMUN = "samordnare_sigtuna"
ONE_AREA_POLICE = "polis_en"
SUBJECTS: dict[str, str] = {
    "admin": "admin",
    "samordnare": "coordinator",
    "rapportor": "reporter",
    "polis": "police_area",
    "ledning": "leadership",
    OTHER_KOMMUN: "coordinator",
    ONE_AREA_POLICE: "police_area",
}
"""Logged-in subjects and their roles; the last two are created by the test."""

EVERYONE = frozenset({"admin", "coordinator", "reporter", "police_area", "leadership"})
REPORTERS = frozenset({"reporter", "police_area", "coordinator"})
COORDINATOR = frozenset({"coordinator"})
ADMIN = frozenset({"admin"})
CALENDAR = frozenset({"coordinator", "admin"})
SECOND_FACTOR = frozenset({"admin", "coordinator"})
LAGESBILD = frozenset({"leadership", "coordinator"})
FREE_TEXT = frozenset({"coordinator", "police_area"})
POLICE_PAGE = frozenset({"police_area", "coordinator"})
"""Samverkan polis (issue 17): the police in their areas, coordinators read the kommun."""
POLICE = frozenset({"police_area"})
"""Who answers the week's walk plan and records riktade insatser."""
WEEKLY = frozenset({"coordinator", "police_area"})
"""Veckans lägesbild (issue 17): coordinators, and the police for their areas."""
SSPF = frozenset({"coordinator", "reporter", "police_area"})
"""SSPF (issue 18): the roles that can be a case's coordinator or a named party; which
case they see is the case layer's decision, tried on a real case per scenario in
test_sspf_callbacks_and_routes_refuse_on_a_real_case below."""
"""Who reads free-text notes (the police in their own areas only)."""
PUBLIC = "public"
LOGIN_STEP = "login step"
"""The second login step: reached between password and code; answers anyone, never 5xx."""
LOGIN = "login"
LINK = "association link"
"""An association's link page (issue 17): no login, the route checks the token itself;
with the matrix's made-up token every subject gets 404 (never the page, a login
redirect or another user's access)."""
LINK_PATH = "/forening/" + "A" * 43
CASE_ROUTE = "sspf case"
"""An SSPF printout of a case (issue 18): roles outside SSPF get 403; every SSPF role
gets 404 for the matrix's made-up reference — the answer for a case one may not see is
the same as for one that does not exist (never a login redirect or a 5xx)."""
CASE_PATH = "/sspf/SSPF-FINNS"

CALLBACKS: dict[str, frozenset[str]] = {
    # Översikt
    "ov-level.options ov-level.value": EVERYONE,
    "ov-event-period.options": EVERYONE,
    "ov-period.start_date ov-period.end_date ov-event-period.value": EVERYONE,
    "ov-focus.data": EVERYONE,
    (
        "ov-map.figure ov-top-table.children ov-status.children ov-map-note.children "
        "ov-map-table.children"
    ): EVERYONE,
    "ov-export-download.data": EVERYONE,
    "ov-trend.figure ov-trend-title.children ov-focus-bar.children": EVERYONE,
    "ov-notes.children": FREE_TEXT,
    # Permalinks (issue 16): each page's link, for whoever may use the page
    "ov-link-query.data": EVERYONE,
    "ev-link-query.data": EVERYONE,
    "pl-link-query.data": COORDINATOR,
    # Områden (admin)
    "ad-area-upload-info.children": ADMIN,
    "ad-area-job.data": ADMIN,
    "ad-area-progress.value": ADMIN,
    "ad-pop-report.children": ADMIN,
    "ad-own-members.options": ADMIN,
    "ad-own-report.children": ADMIN,
    # Användare, Granskningslogg (admin)
    "us-new-areas.options": ADMIN,
    "us-edit-areas.options": ADMIN,
    "us-list.children": ADMIN,
    "us-edit-role.value": ADMIN,
    "us-create-report.children": ADMIN,
    "us-edit-report.children": ADMIN,
    "au-table.children": ADMIN,
    "au-download.data": ADMIN,
    # Mitt konto: everyone's own password; the second factor for admins and coordinators
    "me-change-report.children": EVERYONE,
    "me-totp-setup.children": SECOND_FACTOR,
    "me-totp-report.children": SECOND_FACTOR,
    "me-totp-off-report.children": SECOND_FACTOR,
    "me-language-report.children me-language-reload.href": EVERYONE,
    # Rapportera, Nattvandring
    "rp-result.children": REPORTERS,
    "wk-seen-1-area.options": REPORTERS,
    "wk-planned.options": REPORTERS,
    "wk-result.children": REPORTERS,
    # Importera
    "im-upload-info.children": COORDINATOR,
    "im-job.data": COORDINATOR,
    "im-progress.value": COORDINATOR,
    # Tid & händelser
    "ev-event.options ev-event.value": EVERYONE,
    "ev-summary.children": EVERYONE,
    # Kalender
    "cal-school-list.children": CALENDAR,
    "cal-school-message.children": CALENDAR,
    "cal-event-message.children": CALENDAR,
    # Planering
    "pl-forecast.figure": COORDINATOR,
    "pl-schedule.data": COORDINATOR,
    "pl-message.children": COORDINATOR,
    "pl-download.data": COORDINATOR,
    "pl-signup-message.children": COORDINATOR,
    "pl-meeting-message.children": COORDINATOR,
    "pl-confirm-message.children": COORDINATOR,
    "pl-signals.children": COORDINATOR,
    "pl-severities.children": COORDINATOR,
    "pl-severity-message.children": COORDINATOR,
    "pl-contact-message.children": COORDINATOR,
    # Planering, issue 17: the associations' sign-up links
    "pl-assoc-link-association.options pl-assoc-links.children": COORDINATOR,
    "pl-assoc-link-new.children": COORDINATOR,
    "pl-assoc-link-message.children": COORDINATOR,
    # Lägesbild: leadership and coordinators read; coordinators write and publish
    "lb-period.options lb-period.value": LAGESBILD,
    "lb-content.children lb-pdf.href lb-link-query.data": LAGESBILD,
    "lb-assessment.value lb-actions.value": COORDINATOR,
    "lb-write-result.children lb-refresh.data": COORDINATOR,
    "lb-publish-confirm.displayed": COORDINATOR,
    # Samverkan polis (issue 17): reads for both; answers and insatser by the police
    "sv-walks.children sv-meetings.children sv-review-state.children": POLICE_PAGE,
    "sv-review-message.children": POLICE,
    "sv-op-message.children": POLICE,
    "sv-import-result.children": POLICE_PAGE,
    "pl-police-review.children": COORDINATOR,
    # Veckans lägesbild (issue 17): the week and the actions for coordinators and the
    # police (their areas, the actions they own); who reported for coordinators only
    "vl-content.children vl-link-query.data": WEEKLY,
    "vl-completeness.children": COORDINATOR,
    "vl-actions-list.children vl-edit-action.options": WEEKLY,
    "vl-add-result.children vl-refresh.data": WEEKLY,
    "vl-edit-result.children vl-refresh.data": WEEKLY,
    "vl-edit-status.value vl-edit-note.value": WEEKLY,
    # SSPF (issue 18): the roles that take part; the case layer decides per case
    "sf-cases.children": SSPF,
    "sf-nm-list.children": COORDINATOR,
    "sf-new-result.children": COORDINATOR,
    "sf-nm-result.children": COORDINATOR,
    "sc-content.children": SSPF,
    "sc-obs-result.children": SSPF,
    "sc-plan-result.children": SSPF,
    "sc-item-result.children": SSPF,
    "sc-meet-result.children": COORDINATOR,
    "sc-signals-result.children": COORDINATOR,
    "sc-extend-result.children": COORDINATOR,
    "sc-end-confirm.displayed": COORDINATOR,
    "sc-end-result.children": COORDINATOR,
}
"""Callback (its outputs, without Dash's duplicate-output hashes; the first outputs
when that is unique) → the roles that may call it. Anonymous never may."""

FRAMEWORK_CALLBACKS = frozenset({"_pages_content.children _pages_store.data"})
"""Dash's own page router: every logged-in user; each page decides (see PAGES)."""

CLIENTSIDE_ONLY = frozenset(
    {
        "ov-map-layer.data",
        "_pages_dummy.children",
        "ov-link.value",
        "ev-link.value",
        "pl-link.value",
        "lb-link.value",
        "vl-link.value",
    }
)
"""Clientside callbacks: they run in the browser and have no server endpoint."""

PAGES: dict[str, frozenset[str]] = {
    "/": EVERYONE,
    "/tid": EVERYONE,
    "/rapportera": REPORTERS,
    "/nattvandring": REPORTERS,
    "/mina-rapporter": REPORTERS,
    "/importera": COORDINATOR,
    "/planering": COORDINATOR,
    "/kalender": CALENDAR,
    "/admin/omraden": ADMIN,
    "/admin/anvandare": ADMIN,
    "/admin/granskning": ADMIN,
    "/konto": EVERYONE,
    "/lagesbild": LAGESBILD,
    "/lagesbild/arkiv": LAGESBILD,
    "/samverkan": POLICE_PAGE,
    "/veckan": WEEKLY,
    "/sspf": SSPF,
    "/sspf/arende": SSPF,
    "/404": EVERYONE,
}
"""Page path → roles that get its content (others get "Ingen behörighet")."""


@dataclass(frozen=True)
class Route:
    """How one Flask route is reached in the test and who may reach it."""

    path: str
    access: str | frozenset[str]
    method: str = "GET"
    upload: str | None = None
    """A file name: the request is an upload (a small file, the session's form token)."""


ROUTES: dict[str, Route] = {
    "static": Route("/static/none.css", PUBLIC),
    "auth.login": Route("/login", PUBLIC),
    "auth.logout": Route("/logout", LOGIN),
    "auth.login_code": Route("/login/kod", LOGIN_STEP),
    "routes.healthz": Route("/healthz", PUBLIC),
    "routes.observation_template": Route("/importera/mall.csv", LOGIN),
    "uploads.upload": Route("/upload/observations", COORDINATOR, "POST", upload="obs.csv"),
    "routes.area_geometry": Route("/geo/0380/custom.geojson", EVERYONE),
    "api.openapi_spec": Route("/api/v1/openapi.yaml", PUBLIC),
    "api.aggregates": Route(
        "/api/v1/aggregates?area=0380&level=custom&from=2026-11-02&to=2026-11-29", EVERYONE
    ),
    "api.not_found": Route("/api/v1/nothing", LOGIN),
    "lagesbild.briefing_pdf": Route("/lagesbild/pdf?kommun=0380", LAGESBILD),
    # The record the subjects fixture publishes for 0380 (the query only marks the
    # route as 0380's for the other kommun's coordinator; the route ignores it).
    "lagesbild.archived_pdf": Route("/lagesbild/arkiv/1.pdf?kommun=0380", LAGESBILD),
    "association.association_page": Route(LINK_PATH, LINK),
    "association.offer": Route(LINK_PATH + "/anmal", LINK, "POST"),
    "association.withdraw": Route(LINK_PATH + "/ta-bort", LINK, "POST"),
    "association.report": Route(LINK_PATH + "/rapport", LINK, "POST"),
    "sspf.plan": Route(CASE_PATH + "/atagandeplan.pdf", CASE_ROUTE),
    "sspf.receipt": Route(CASE_PATH + "/kvitto.pdf", CASE_ROUTE),
    "_dash_assets.static": Route("/assets/none.css", PUBLIC),
    "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>": Route(
        "/_dash-component-suites/dash/none.js", PUBLIC
    ),
    "/_dash-layout": Route("/_dash-layout", LOGIN),
    "/_dash-dependencies": Route("/_dash-dependencies", LOGIN),
    "/_dash-update-component": Route("/_dash-update-component", LOGIN, "POST"),
    "/_reload-hash": Route("/_reload-hash", LOGIN),
    "/_favicon.ico": Route("/_favicon.ico", PUBLIC),
    "/": Route("/", LOGIN),
    "/<path:path>": Route("/tid", LOGIN),
}
"""Flask endpoint → a request that reaches it and who may. ``login``: any logged-in
user (the page or callback behind it decides further)."""

HASH = re.compile(r"@[0-9a-f]{64}")


def callback_key(output: str) -> str:
    """A readable, stable name of a callback: its outputs without duplicate-output hashes."""
    parts = [HASH.sub("", p) for p in output.strip(".").split("...")]
    return " ".join(parts)


def declared_key(name: str) -> str | None:
    """The declared rule whose outputs start this callback's outputs."""
    matches = [k for k in CALLBACKS if name == k or name.startswith(k + " ")]
    return max(matches, key=len) if matches else None


@pytest.fixture
def subjects(app: Flask) -> dict[str, FlaskClient]:
    """A logged-in client per subject (and an anonymous one)."""
    with unit_of_work(app_state(app).sessions) as session:
        create_user(session, OTHER_KOMMUN, DEMO_PASSWORD, role="coordinator", kommun_code="0191")
        create_user(
            session,
            ONE_AREA_POLICE,
            DEMO_PASSWORD,
            role="police_area",
            kommun_code="0380",
            source_code="polis",
            area_codes=["0380-D20"],
        )
        with app.app_context():
            publish_one(session)
    clients = {ANON: app.test_client()}
    for username in SUBJECTS:
        client = app.test_client()
        assert login(client, username, DEMO_PASSWORD).status_code == 302, username
        clients[username] = client
    return clients


def publish_one(session: Any) -> int:
    """A published lägesbild of 0380 at leadership level (record 1 of a fresh demo)."""
    from dashboard.auth import viewer_for
    from dashboard.lagesbild_pdf import lagesbild_pdf
    from data.briefing.archive import publish
    from tests.briefing_factory import leadership_briefing

    briefing = leadership_briefing(kommun_code="0380")
    coordinator = viewer_for("coordinator", "0380")
    return publish(session, coordinator, None, briefing, lagesbild_pdf(briefing, {}))


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "props" in node and "type" in node:
            yield node
            yield from _walk(node["props"].get("children"))
            for value in node["props"].values():
                if isinstance(value, (dict, list)) and value is not node["props"].get("children"):
                    yield from _walk(value)
        else:
            for value in node.values():
                yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def page_content(client: FlaskClient, path: str) -> Any:
    """The page's layout as the router callback returns it to this client."""
    body = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
        "state": [],
        "changedPropIds": ["_pages_location.pathname"],
    }
    response = client.post(
        "/_dash-update-component", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200, (path, response.status_code)
    return response.get_json()["response"]["_pages_content"]["children"]


def layout_values(client: FlaskClient) -> dict[str, dict[str, Any]]:
    """Every component's props (by id) on every page, as this client sees them."""
    values: dict[str, dict[str, Any]] = {}
    for path in PAGES:
        for node in _walk(page_content(client, path)):
            component_id = node["props"].get("id")
            if component_id is not None:
                key = (
                    component_id
                    if isinstance(component_id, str)
                    else json.dumps(component_id, sort_keys=True)
                )
                values.setdefault(key, node["props"])
    return values


TRIGGERS = {"n_clicks": 1, "n_intervals": 1}
CLIENTSIDE_VALUES: dict[str, dict[str, Any]] = {
    ids.MAP_LAYER: {
        "data": {"kommun": "0380", "level": "custom", "url": "/geo/0380/custom.geojson"}
    }
}
"""Props that a clientside callback sets in the browser (no layout holds them)."""


def payload(spec: dict[str, Any], values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The body the renderer would post for ``spec``, its first input pressed."""

    def item(dep: dict[str, Any], trigger: bool) -> dict[str, Any]:
        component = values.get(dep["id"]) or CLIENTSIDE_VALUES.get(dep["id"], {})
        value = component.get(dep["property"])
        if trigger and dep["property"] in TRIGGERS:
            value = TRIGGERS[dep["property"]]
        if dep["id"].startswith("{"):  # a pattern-matching (ALL) input: no items
            return {"id": json.loads(dep["id"]), "property": dep["property"], "value": []}
        return {"id": dep["id"], "property": dep["property"], "value": value}

    outputs: list[Any] = []
    for part in spec["output"].strip(".").split("..."):
        component, prop = HASH.sub("", part).rsplit(".", 1)
        if component.startswith("{"):  # a pattern-matching (ALL) output: no components
            outputs.append([])
            continue
        outputs.append({"id": component, "property": prop})
    inputs = [item(dep, i == 0) for i, dep in enumerate(spec["inputs"])]
    first = spec["inputs"][0]
    return {
        "output": spec["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": inputs,
        "state": [item(dep, False) for dep in spec.get("state", [])],
        "changedPropIds": [f"{first['id']}.{first['property']}"],
    }


def test_every_callback_route_and_page_has_a_declared_rule(
    app: Flask, subjects: dict[str, FlaskClient]
) -> None:
    """A new callback, route or page without a rule here fails (decide its access)."""
    deps = subjects["samordnare"].get("/_dash-dependencies").get_json()
    undeclared = []
    for spec in deps:
        name = callback_key(spec["output"])
        if name in FRAMEWORK_CALLBACKS or name in CLIENTSIDE_ONLY:
            continue
        if declared_key(name) is None:
            undeclared.append(f"callback {name}")
    undeclared += [
        f"route {rule.rule} ({rule.endpoint})"
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in ROUTES
    ]
    undeclared += [
        f"page {page['path']}" for page in dash.page_registry.values() if page["path"] not in PAGES
    ]
    assert not undeclared, "declare access in tests/integration/test_authz_matrix.py:\n" + (
        "\n".join(undeclared)
    )
    clientside = {callback_key(s["output"]) for s in deps if s.get("clientside_function")}
    assert clientside == set(CLIENTSIDE_ONLY), "clientside callbacks changed"


def _roles_client(subjects: dict[str, FlaskClient], roles: frozenset[str]) -> FlaskClient:
    for username in ("samordnare", "admin", "ledning", "polis", "rapportor"):
        if SUBJECTS[username] in roles:
            return subjects[username]
    raise AssertionError(f"no demo subject has one of {sorted(roles)}")


def test_callback_matrix(app: Flask, subjects: dict[str, FlaskClient]) -> None:
    """Each callback answers its declared roles and refuses (401/403) everyone else."""
    deps = subjects["samordnare"].get("/_dash-dependencies").get_json()
    layouts: dict[str, dict[str, dict[str, Any]]] = {}
    wrong: list[str] = []
    checked = 0
    for spec in deps:
        name = callback_key(spec["output"])
        if spec.get("clientside_function") or name in FRAMEWORK_CALLBACKS:
            continue
        key = declared_key(name)
        assert key is not None, name
        roles = CALLBACKS[key]
        owner = _roles_client(subjects, roles)
        owner_name = next(n for n, c in subjects.items() if c is owner)
        if owner_name not in layouts:
            layouts[owner_name] = layout_values(owner)
        body = json.dumps(payload(spec, layouts[owner_name]))
        for subject, client in subjects.items():
            response = client.post(
                "/_dash-update-component", data=body, content_type="application/json"
            )
            checked += 1
            allowed = subject != ANON and SUBJECTS[subject] in roles
            status = response.status_code
            if subject == OTHER_KOMMUN and allowed:
                # The right role for another kommun: refused, or an answer that
                # holds nothing of the demo kommun (e.g. an empty option list).
                leaked = status < 300 and "0380" in response.get_data(as_text=True)
                if status not in (400, 403) and (leaked or status >= 500):
                    wrong.append(f"{name} as {subject}: {status}, shows kommun 0380")
                continue
            ok = status not in (401, 403, 500) if allowed else status in (401, 403)
            if subject == ANON and status != 401:
                ok = False
            if not ok:
                wrong.append(f"{name} as {subject}: {status}")
    print(f"\ncallback matrix: {checked} requests")
    assert not wrong, "\n".join(wrong)


def test_page_matrix(subjects: dict[str, FlaskClient]) -> None:
    """Each page shows its content to its declared roles and "Ingen behörighet" to others."""
    wrong = []
    for path, roles in PAGES.items():
        for subject, client in subjects.items():
            if subject == ANON:
                body = {"inputs": [], "output": "x"}
                response = client.post(
                    "/_dash-update-component",
                    data=json.dumps(body),
                    content_type="application/json",
                )
                if response.status_code != 401:
                    wrong.append(f"{path} as anonymous: {response.status_code}")
                continue
            text = json.dumps(page_content(client, path), ensure_ascii=False)
            denied = "Ingen behörighet" in text
            if denied == (SUBJECTS[subject] in roles):
                wrong.append(f"{path} as {subject}: {'denied' if denied else 'shown'}")
    assert not wrong, "\n".join(wrong)


def test_route_matrix(subjects: dict[str, FlaskClient]) -> None:
    """Each route answers its declared users; others get a login redirect, 401 or 403."""
    wrong = []
    for endpoint, route in ROUTES.items():
        for subject, client in subjects.items():
            if route.upload is not None:
                response = send_file(client, route.path.rsplit("/", 1)[1], b"a;b\n", route.upload)
            elif route.method == "POST":
                response = client.post(route.path, json={})
            else:
                response = client.get(route.path)
            status = response.status_code
            if route.access == LOGIN_STEP:
                ok = True
            elif route.access == LINK:
                ok = status == 404 and not _to_login(response)
            elif route.access == CASE_ROUTE and subject != ANON:
                ok = status == (404 if SUBJECTS[subject] in SSPF else 403)
            elif route.access == PUBLIC:
                ok = status not in (401, 403) and not _to_login(response)
            elif subject == ANON:
                ok = status == 401 or _to_login(response)
            elif route.access == LOGIN:
                ok = status not in (401, 403) and not _to_login(response)
            else:
                assert isinstance(route.access, frozenset)
                allowed = SUBJECTS[subject] in route.access
                if subject == OTHER_KOMMUN and "0380" in route.path:
                    allowed = False
                ok = (status < 400) if allowed else status in (401, 403)
            if status >= 500:
                ok = False
            if not ok:
                wrong.append(f"{endpoint} {route.path} as {subject}: {status}")
    assert not wrong, "\n".join(wrong)


def _to_login(response: Any) -> bool:
    return response.status_code in (301, 302) and "/login" in response.headers.get("Location", "")


def test_one_area_police_sees_only_its_area(subjects: dict[str, FlaskClient]) -> None:
    """The police user with one area gets that area's geometry and nothing else."""
    client = subjects[ONE_AREA_POLICE]
    response = client.get("/geo/0380/custom.geojson")
    assert response.status_code == 200
    codes = {f["id"] for f in response.get_json()["features"]}
    assert codes == {"0380-D20"}, codes


# --- SSPF on a real case (issue 18): the refusals of the case layer, per case ---------

SSPF_UNNAMED = "fritid_matris"
SSPF_OTHER_COORDINATOR = "samordnare_matris"
SSPF_MARKERS = ("X-MATRIS-OBS", "X-MATRIS-PLAN", "X-MATRIS-MOTE")
"""What the subjects try to write: none of it may be stored."""
SSPF_SCENARIOS = {
    "unnamed party": (SSPF_UNNAMED, None),
    "named party after withdrawal": ("rapportor", "withdrawn"),
    "named party after expiry": ("rapportor", "expired"),
    "another coordinator": (SSPF_OTHER_COORDINATOR, None),
    "admin": ("admin", None),
    "leadership": ("ledning", None),
}
"""Scenario → (username, what happened to the consent first)."""
SSPF_VALID_DAYS = 10


def _is_sspf(name: str) -> bool:
    return any(part.startswith(("sf-", "sc-")) for part in name.split())


def _sspf_rows(app: Flask) -> dict[str, int]:
    """The number of rows in every SSPF table (the audit log is not one)."""
    from sqlalchemy import func, select

    from data.storage.models import Base

    tables = [t for name, t in Base.metadata.tables.items() if name.startswith("sspf")]
    assert len(tables) >= 9
    with unit_of_work(app_state(app).sessions) as session:
        return {t.name: session.scalar(select(func.count()).select_from(t)) or 0 for t in tables}


def _sspf_values(client: FlaskClient, ref: str, item: Any) -> dict[str, dict[str, Any]]:
    """The SSPF pages' component props as the coordinator's layout holds them, with the
    case page's reference and every form filled in with something writable."""
    from datetime import timedelta

    from tests.clock import TEST_TODAY

    values: dict[str, dict[str, Any]] = {}
    for path in ("/sspf", "/sspf/arende"):
        for node in _walk(page_content(client, path)):
            if isinstance(node["props"].get("id"), str):
                values.setdefault(node["props"]["id"], dict(node["props"]))
    today = TEST_TODAY.isoformat()
    later = (TEST_TODAY + timedelta(days=60)).isoformat()
    filled = {
        ids.SC_REF: {"data": ref},
        ids.SC_OBS_PARTY: {"value": "skola"},
        ids.SC_OBS_DATE: {"value": today},
        ids.SC_OBS_TEXT: {"value": SSPF_MARKERS[0]},
        ids.SC_PLAN_PARTY: {"value": "skola"},
        ids.SC_PLAN_WHAT: {"value": SSPF_MARKERS[1]},
        ids.SC_PLAN_DUE: {"value": later},
        ids.SC_PLAN_FOLLOW: {"value": later},
        ids.SC_ITEM: {"value": item},
        ids.SC_ITEM_STATUS: {"value": "done"},
        ids.SC_MEET_KIND: {"value": "intag"},
        ids.SC_MEET_DATE: {"value": today},
        ids.SC_MEET_NOTES: {"value": SSPF_MARKERS[2]},
        ids.SC_SIGNALS_PARTY: {"value": "skola"},
        ids.SC_EXTEND_DATE: {"value": later},
        ids.SC_END_REASON: {"value": "withdrawn"},
    }
    signals = values.get(ids.SC_SIGNALS, {}).get("options") or []
    filled[ids.SC_SIGNALS] = {"value": [o["value"] for o in signals[:1]]}
    for component, props in filled.items():
        values.setdefault(component, {}).update(props)
    return values


def _sspf_call(client: FlaskClient, spec: dict[str, Any], values: dict[str, Any]) -> Any:
    body = payload(spec, values)
    first = body["inputs"][0]
    if first["property"] in ("n_clicks", "submit_n_clicks"):
        first["value"] = 1
    return client.post(
        "/_dash-update-component", data=json.dumps(body), content_type="application/json"
    )


@pytest.mark.parametrize("scenario", list(SSPF_SCENARIOS))
def test_sspf_callbacks_and_routes_refuse_on_a_real_case(
    app: Flask, monkeypatch: pytest.MonkeyPatch, scenario: str
) -> None:
    """Every SSPF callback and route (enumerated from the app, so a new one cannot be
    left out) gives the scenario's subject nothing of a real case — no child's name or
    text in any answer — and writes nothing; a named party before the end gets the
    content (the positive control that the scan finds it)."""
    from datetime import timedelta

    from data.clock import FixedClock
    from tests.clock import TEST_TODAY
    from tests.integration import test_sspf_pages as pages
    from tests.pdf_checks import pdf_pages

    username, ending = SSPF_SCENARIOS[scenario]
    with unit_of_work(app_state(app).sessions) as session:
        create_user(
            session,
            SSPF_UNNAMED,
            DEMO_PASSWORD,
            role="reporter",
            kommun_code="0380",
            source_code="fritid",
        )
        create_user(
            session, SSPF_OTHER_COORDINATOR, DEMO_PASSWORD, role="coordinator", kommun_code="0380"
        )
    clients: dict[str, FlaskClient] = {}
    for name in ("samordnare", "rapportor", username):
        clients[name] = app.test_client()
        assert login(clients[name], name, DEMO_PASSWORD).status_code == 302, name
    coordinator, school, subject = clients["samordnare"], clients["rapportor"], clients[username]
    valid = {
        f"{ids.SF_NEW_VALID}.value": (TEST_TODAY + timedelta(days=SSPF_VALID_DAYS)).isoformat()
    }
    ref = pages.open_case(coordinator, app, **valid)
    assert "report-ok" in pages.text_of(
        pages.add_plan_item(coordinator, app, ref, "skola", pages.PLAN_TEXT)
    )
    fields = {
        ids.SC_OBS_PARTY: "skola",
        ids.SC_OBS_DATE: pages.day(0),
        ids.SC_OBS_TEXT: pages.OBSERVATION,
    }
    assert "report-ok" in pages.text_of(pages.write(school, app, ids.SC_OBS_SAVE, ref, **fields))
    seen = pages.case_content(coordinator, app, ref)
    item = seen[ids.SC_ITEM]["options"][0]["value"]
    values = _sspf_values(coordinator, ref, item)
    secrets = (pages.CHILD, pages.BACKGROUND, pages.GUARDIAN, pages.PLAN_TEXT, pages.OBSERVATION)

    deps = coordinator.get("/_dash-dependencies").get_json()
    specs = [
        s for s in deps if not s.get("clientside_function") and _is_sspf(callback_key(s["output"]))
    ]
    declared = {k for k in CALLBACKS if _is_sspf(k)}
    assert {declared_key(callback_key(s["output"])) for s in specs} == declared
    routes = sorted(r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("sspf."))
    assert routes, "no SSPF routes found"
    paths = [r.replace("<ref>", ref) for r in routes]

    # Positive control: the named party, before the end, gets the content everywhere.
    control = " ".join(_sspf_call(school, s, values).get_data(as_text=True) for s in specs)
    assert json.dumps(pages.CHILD)[1:-1] in control  # the scan below finds it when shown
    content = json.dumps(pages.case_content(school, app, ref), ensure_ascii=False)
    assert pages.CHILD in content and pages.PLAN_TEXT in content and pages.OBSERVATION in content
    plan = school.get(f"/sspf/{ref}/atagandeplan.pdf")
    assert plan.status_code == 200 and pages.CHILD in " ".join(pdf_pages(plan.data))

    if ending == "withdrawn":
        end = {
            f"{ids.SC_END_CONFIRM}.submit_n_clicks": 1,
            f"{ids.SC_END_REASON}.value": "withdrawn",
            f"{ids.SC_REF}.data": ref,
            f"{ids.SC_REFRESH}.data": 1,
        }
        assert "report-ok" in pages.text_of(
            call_by_input(coordinator, app, ids.SC_END_CONFIRM, end)
        )
    before = _sspf_rows(app)
    if ending == "expired":
        later = FixedClock.on(TEST_TODAY + timedelta(days=SSPF_VALID_DAYS + 1))
        monkeypatch.setitem(app.config, "SSP_CLOCK", later)

    leaks = _sspf_leaks(subject, specs, values, paths, secrets)
    assert not leaks, "\n".join(leaks)
    after = _sspf_rows(app)
    if ending == "expired":
        # The first access after the end tears the expired case up (its content rows
        # go, one "expired" event is added); a second round must then write nothing.
        grown = {t for t in before if after[t] > before[t]}
        assert grown <= {"sspf_consent_event", "sspf_disposal"}, (before, after)
        assert after["sspf_observation"] == after["sspf_plan_item"] == after["sspf_child"] == 0
        assert not _sspf_leaks(subject, specs, values, paths, secrets)
        before, after = after, _sspf_rows(app)
    assert after == before


def _sspf_leaks(
    subject: FlaskClient,
    specs: list[dict[str, Any]],
    values: dict[str, Any],
    paths: list[str],
    secrets: tuple[str, ...],
) -> list[str]:
    """What ``subject`` got from every SSPF callback and route that it must not: a
    5xx, a case text in an answer, a PDF (anything but 403/404)."""
    leaks = []
    for spec in specs:
        response = _sspf_call(subject, spec, values)
        text = response.get_data(as_text=True)
        name = callback_key(spec["output"])
        if response.status_code >= 500:
            leaks.append(f"{name}: {response.status_code}")
        shown = [s for s in secrets if s in text or json.dumps(s)[1:-1] in text]
        leaks += [f"{name} shows {s!r}" for s in shown]
    for path in paths:
        response = subject.get(path)
        if response.status_code not in (403, 404):
            leaks.append(f"{path}: {response.status_code}")
    return leaks
