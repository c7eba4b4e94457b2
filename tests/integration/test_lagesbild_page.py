"""Lägesbild page, its callbacks and downloads through the Flask test client
(issue 16 items 1–3): who may see it, the state from the URL narrowed to the viewer,
the briefing rendered with every number published, the coordinator's bedömning and
publishing, the PDF and the archive."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import ids
from dashboard.pages.lagesbild import BriefingState
from data.briefing.model import PERIOD_KINDS as ALL_KINDS
from data.briefing.period import period_label, period_of, previous_period, recent_periods
from tests.clock import TEST_TODAY
from tests.conftest import require
from tests.helpers import call_by_input, call_callback
from tests.pdf_checks import not_counts, page_ink, pdf_pages, pdftoppm_ink, small_counts

LAST_MONTH = previous_period(period_of("month", TEST_TODAY)).code


def _page(client: FlaskClient, app: Flask, search: str) -> str:
    values = {"_pages_location.pathname": "/lagesbild", "_pages_location.search": search}
    response = call_callback(client, app, "_pages_content.children", values)
    assert response.status_code == 200
    return json.dumps(response.get_json(), ensure_ascii=False)


def _values(
    kommun: str = "0380", level: Any = None, kind: str = "month", period: str = LAST_MONTH
) -> dict[str, Any]:
    return {
        f"{ids.LB_KOMMUN}.value": kommun,
        f"{ids.LB_LEVEL}.value": level,
        f"{ids.LB_KIND}.value": kind,
        f"{ids.LB_PERIOD}.value": period,
        f"{ids.LB_REFRESH}.data": 0,
    }


def _show(client: FlaskClient, app: Flask, **values: Any) -> dict[str, Any]:
    response = call_callback(client, app, f"{ids.LB_CONTENT}.children", _values(**values))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["response"]


@pytest.mark.parametrize("username", ["ledning", "samordnare"])
def test_leadership_and_coordinators_get_the_page(
    app: Flask, client_as: Callable[[str], FlaskClient], username: str
) -> None:
    body = _page(client_as(username), app, "")
    assert "Lägesbild" in body and ids.LB_PERIOD in body
    assert "Ingen behörighet" not in body


@pytest.mark.parametrize("username", ["polis", "rapportor", "admin"])
def test_other_roles_are_refused_page_callback_and_pdf(
    app: Flask, client_as: Callable[[str], FlaskClient], username: str
) -> None:
    client = client_as(username)
    assert "Ingen behörighet" in _page(client, app, "")
    response = call_callback(client, app, f"{ids.LB_CONTENT}.children", _values())
    assert response.status_code in (400, 403)
    assert client.get("/lagesbild/pdf").status_code == 403


def test_the_briefing_renders_for_leadership_with_no_small_count(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    out = _show(client_as("ledning"), app)
    text = json.dumps(out, ensure_ascii=False)
    assert "Nyckeltal" in text and "data:image/svg+xml;base64," in text
    assert f"period={LAST_MONTH}" in out[ids.LB_PDF]["href"]


def test_a_leadership_link_to_a_week_is_narrowed_with_a_notice(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    body = _page(client_as("ledning"), app, "?typ=week&period=2026-W47")
    assert "behörighet till" in body
    assert "2026-W47" not in body


def test_the_pdf_downloads_and_prints_every_page(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    response = client_as("ledning").get(f"/lagesbild/pdf?kommun=0380&typ=month&period={LAST_MONTH}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = " ".join(pdf_pages(response.data))
    assert "Lägesbild" in text and "Uppsala" in text
    ink = page_ink(response.data)
    assert ink and all(share > 0 for share in ink), ink
    disposition = response.headers["Content-Disposition"]
    assert f"lagesbild-0380-{LAST_MONTH}.pdf" in disposition


def test_a_pdf_outside_scope_is_refused(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("ledning")
    assert client.get("/lagesbild/pdf?typ=week&period=2026-W47").status_code == 403
    assert client.get("/lagesbild/pdf?kommun=0180").status_code == 403


def _write_values(assessment: str, actions: str = "") -> dict[str, Any]:
    return {
        **_values(),
        f"{ids.LB_ASSESSMENT}.value": assessment,
        f"{ids.LB_ACTIONS}.value": actions,
    }


def test_a_coordinator_saves_a_bedomning_leadership_sees_it_only_once_published(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    coordinator, leadership = client_as("samordnare"), client_as("ledning")
    text = "Oron kring samlingar vid centrum har minskat efter nattvandringarna."
    saved = call_by_input(coordinator, app, ids.LB_SAVE, _write_values(text, "Fler vandringar."))
    assert "sparad" in saved.get_data(as_text=True)
    loaded = call_callback(coordinator, app, f"{ids.LB_ASSESSMENT}.value", _values())
    assert loaded.get_json()["response"][ids.LB_ASSESSMENT]["value"] == text
    assert text not in json.dumps(_show(leadership, app), ensure_ascii=False)
    published = call_by_input(
        coordinator, app, ids.LB_PUBLISH_CONFIRM, _write_values(text, "Fler vandringar.")
    )
    assert "publicerad för kommunledningen" in json.dumps(published.get_json(), ensure_ascii=False)
    assert text in json.dumps(_show(leadership, app), ensure_ascii=False)
    archive = _archive(leadership, app)
    assert "/lagesbild/arkiv/" in archive
    record = archive.split("/lagesbild/arkiv/")[1].split(".pdf")[0]
    pdf = leadership.get(f"/lagesbild/arkiv/{record}.pdf")
    assert pdf.status_code == 200
    assert "samlingar vid centrum" in " ".join(pdf_pages(pdf.data))


def _archive(client: FlaskClient, app: Flask) -> str:
    values = {"_pages_location.pathname": "/lagesbild/arkiv", "_pages_location.search": ""}
    response = call_callback(client, app, "_pages_content.children", values)
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_a_bedomning_naming_a_person_is_refused_and_nothing_is_published(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    coordinator = client_as("samordnare")
    hostile = "Kalle Svensson 19900101-1234 syns ofta vid torget."
    saved = call_by_input(coordinator, app, ids.LB_SAVE, _write_values(hostile))
    assert "report-error" in saved.get_data(as_text=True) or "inte" in saved.get_data(as_text=True)
    published = call_by_input(coordinator, app, ids.LB_PUBLISH_CONFIRM, _write_values(hostile))
    assert "publicerad" not in published.get_data(as_text=True)
    assert "Inga lägesbilder är publicerade" in _archive(client_as("ledning"), app)


@pytest.mark.parametrize("username", ["ledning", "polis"])
def test_only_coordinators_may_save_or_publish(
    app: Flask, client_as: Callable[[str], FlaskClient], username: str
) -> None:
    client = client_as(username)
    for trigger in (ids.LB_SAVE, ids.LB_PUBLISH_CONFIRM, ids.LB_PUBLISH):
        response = call_by_input(client, app, trigger, _write_values("Lugnt."))
        assert response.status_code == 403, (trigger, response.status_code)
    assert "Inga lägesbilder är publicerade" in _archive(client_as("ledning"), app)


def test_a_hostile_period_from_the_browser_is_narrowed_not_shown(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    out = _show(client_as("ledning"), app, kommun="0180", kind="week", period="<script>")
    text = json.dumps(out, ensure_ascii=False)
    assert "<script>" not in text and "0180" not in out[ids.LB_PDF]["href"]


def _component_values(tree: Any) -> dict[str, Any]:
    """``id → value`` of every component in a serialised layout."""
    found: dict[str, Any] = {}
    if isinstance(tree, dict):
        props = tree.get("props", {})
        if isinstance(props, dict) and isinstance(props.get("id"), str) and "value" in props:
            found[props["id"]] = props["value"]
        for value in tree.values():
            found.update(_component_values(value))
    elif isinstance(tree, list):
        for value in tree:
            found.update(_component_values(value))
    return found


def _rendered_query(client: FlaskClient, app: Flask, search: str) -> str:
    values = {"_pages_location.pathname": "/lagesbild", "_pages_location.search": search}
    response = call_callback(client, app, "_pages_content.children", values)
    shown = _component_values(response.get_json())
    state = BriefingState(
        shown[ids.LB_KOMMUN], shown[ids.LB_LEVEL], shown[ids.LB_KIND], shown[ids.LB_PERIOD]
    )
    return "?" + state.permalink()


ROLE_KINDS = {"ledning": ("month", "tertial", "year"), "samordnare": ALL_KINDS}


@pytest.mark.parametrize("username", ["ledning", "samordnare"])
def test_a_permalink_round_trips_and_a_foreign_one_is_never_shown(
    app: Flask, client_as: Callable[[str], FlaskClient], username: str
) -> None:
    """URL → page → URL is the identity for every state in the viewer's scope (the
    hypothesis strategy draws kind, period and area level); a state outside it (a week
    for leadership, another kommun, a future or malformed period, a hostile string)
    is replaced by the viewer's own and never appears in the page."""
    client = client_as(username)
    kinds = ROLE_KINDS[username]
    levels = ("kommun", "custom")

    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        kind=st.sampled_from(kinds),
        back=st.integers(0, 3),
        level=st.sampled_from(levels),
    )
    def inside(kind: str, back: int, level: str) -> None:
        period = recent_periods(kind, TEST_TODAY, 4)[back]  # type: ignore[arg-type]
        query = "?" + BriefingState("0380", level, kind, period.code).permalink()
        assert _rendered_query(client, app, query) == query

    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        kommun=st.sampled_from(["0180", "0191", "<b>", "0380"]),
        kind=st.sampled_from([*ALL_KINDS, "decade", "=cmd|' /C calc'!A0"]),
        period=st.sampled_from(["2026-W47", "2031-01", "2026-T9", "<script>x</script>", "2025"]),
    )
    def outside(kommun: str, kind: str, period: str) -> None:
        query = "?" + BriefingState(kommun, "custom", kind, period).permalink()
        shown = _rendered_query(client, app, query)
        body = _page(client, app, query)
        assert "kommun=0380" in shown
        assert "<script>" not in body and "calc" not in body and "<b>" not in body
        if username == "ledning":
            assert "typ=week" not in shown
        if shown != query:
            assert ids.LB_LINK_NOTICE in body and "behörighet till" in body

    inside()
    outside()


@pytest.mark.parametrize(("username", "k"), [("ledning", 10), ("samordnare", 5)])
def test_the_demo_pdf_prints_every_page_with_no_small_count(
    app: Flask, client_as: Callable[[str], FlaskClient], username: str, k: int
) -> None:
    """Acceptance: pdftoppm renders every page non-blank; the text names the kommun,
    the period and Swedish headings; no count 1..k−1 anywhere in its text."""
    require(
        shutil.which("pdftoppm") is not None,
        "pdftoppm (Debian poppler-utils) is not installed (make test installs it)",
    )
    client = client_as(username)
    for kind in ("month", "tertial", "year"):
        period = previous_period(period_of(kind, TEST_TODAY))
        response = client.get(f"/lagesbild/pdf?kommun=0380&typ={kind}&period={period.code}")
        assert response.status_code == 200, (kind, response.status_code)
        ink = pdftoppm_ink(response.data)
        assert len(ink) >= 2 and all(share > 0 for share in ink), (kind, ink)
        assert ink[0] > 0.01, (kind, ink)  # page 1 is not mostly empty
        text = " ".join(pdf_pages(response.data))
        for words in ("Lägesbild", "Uppsala", period_label(period), "Metod", "Sida 1 av"):
            assert words in text, (kind, words)
        with app.app_context():
            briefing = briefing_for(app, username, period.code, kind)
        small = small_counts(text, below=k, allowed=not_counts(briefing))
        assert not small, (kind, small)


def briefing_for(app: Flask, username: str, code: str, kind: str) -> Any:
    """The briefing the PDF route built, for the scan's list of non-counts."""
    from dashboard.auth import viewer_for
    from dashboard.lagesbild_view import compose
    from dashboard.state import current_cube, now

    role = "leadership" if username == "ledning" else "coordinator"
    with app.test_request_context():
        return compose(
            current_cube(),
            viewer_for(role, "0380"),
            kommun="0380",
            level="custom",
            period_code=code,
            today=TEST_TODAY,
            now=now(),
        )
