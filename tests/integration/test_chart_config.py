"""No chart offers to upload itself to Plotly's cloud (issue 14, finding 8).

plotly.js shows a "Share chart…" button that sends the figure (published counts, area
and event names) to ``plotlyServerURL``, Plotly's cloud by default. Every page's
layout, and the charts callbacks place (the signal charts of Planering), is walked
for ``dcc.Graph`` components, and each must carry the app's graph config.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import dash
import pytest
from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from dashboard.components import CLOUD_BUTTONS
from tests.helpers import call_callback
from tests.integration.test_planning_page import scope

PAGES = {
    "/": "samordnare",
    "/tid": "samordnare",
    "/planering": "samordnare",
    "/rapportera": "samordnare",
    "/nattvandring": "samordnare",
    "/importera": "samordnare",
    "/kalender": "samordnare",
    "/admin/omraden": "admin",
    "/admin/anvandare": "admin",
    "/admin/granskning": "admin",
    "/konto": "samordnare",
    "/mina-rapporter": "samordnare",
    "/lagesbild": "ledning",
    "/lagesbild/arkiv": "ledning",
    "/samverkan": "polis",
    "/veckan": "samordnare",
    "/sspf": "samordnare",
    "/sspf/arende": "samordnare",
}


def graphs(tree: Any) -> Iterator[dict[str, Any]]:
    """Every ``dcc.Graph`` in a serialised component tree (its props)."""
    if isinstance(tree, dict):
        if tree.get("type") == "Graph" and tree.get("namespace") == "dash_core_components":
            yield tree["props"]
        for value in tree.values():
            yield from graphs(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from graphs(value)


def assert_no_cloud(props: dict[str, Any]) -> None:
    config = props.get("config") or {}
    assert config.get("showSendToCloud") is False, props.get("id")
    assert config.get("plotlyServerURL") == "", props.get("id")
    assert config.get("displaylogo") is False, props.get("id")
    assert set(CLOUD_BUTTONS) <= set(config.get("modeBarButtonsToRemove", [])), props.get("id")


def test_the_pages_list_every_registered_page(app: Flask) -> None:
    """A new page must be added to :data:`PAGES` (and so be walked)."""
    assert app.extensions["dash"] is not None
    paths = {page["path"] for page in dash.page_registry.values()} - {"/404"}
    assert paths == set(PAGES)


@pytest.mark.parametrize("path", sorted(PAGES))
def test_every_chart_of_every_page_has_no_cloud_button(
    app: Flask, client_as: Callable[[str], FlaskClient], path: str
) -> None:
    values = {"_pages_location.pathname": path, "_pages_location.search": ""}
    response = call_callback(client_as(PAGES[path]), app, "_pages_content.children", values)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    found = list(graphs(json.loads(response.get_data(as_text=True))))
    for props in found:
        assert_no_cloud(props)
    expected = {"/": 2, "/tid": 4, "/planering": 1}.get(path, 0)
    assert len(found) == expected


def test_the_signal_charts_placed_by_a_callback_have_no_cloud_button(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    response = call_callback(
        client_as("samordnare"),
        app,
        f"{ids.PL_SIGNALS}.children",
        scope(**{f"{ids.PL_CONCERNS}.value": ["narkotika", "rekrytering"]}),
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    found = list(graphs(response.get_json()))
    assert found
    for props in found:
        assert_no_cloud(props)
