"""Dash's JSON answers are gzipped for clients that accept it; pages and forms are not."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from dashboard import ids
from tests.helpers import dash_payload, overview_values, weeks_ago


def post_map(
    client: FlaskClient, app: Flask, encoding: str | None
) -> tuple[int, bytes, dict[str, str]]:
    body = dash_payload(app, f"{ids.MAP}.figure", overview_values("0380", "custom", weeks_ago(52)))
    headers = {"Accept-Encoding": encoding} if encoding else {}
    response = client.post(
        "/_dash-update-component",
        data=json.dumps(body),
        content_type="application/json",
        headers=headers,
    )
    return response.status_code, response.get_data(), dict(response.headers)


def test_a_callback_answer_is_gzipped_and_unchanged_inside(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    status, plain, plain_headers = post_map(client, app, None)
    assert status == 200 and "Content-Encoding" not in plain_headers
    status, packed, headers = post_map(client, app, "gzip, deflate, br")
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in headers["Vary"]
    assert json.loads(gzip.decompress(packed)) == json.loads(plain)
    assert len(packed) * 3 < len(plain), (len(packed), len(plain))
    # q=0 refuses gzip: sent as it is.
    _, refused, refused_headers = post_map(client, app, "gzip;q=0")
    assert "Content-Encoding" not in refused_headers and json.loads(refused) == json.loads(plain)


def test_the_layout_is_gzipped_but_not_pages_with_secrets(
    client_as: Callable[[str], FlaskClient],
) -> None:
    client = client_as("samordnare")
    layout = client.get("/_dash-layout", headers={"Accept-Encoding": "gzip"})
    assert layout.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(layout.get_data()))
    login_page = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in login_page.headers
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in page.headers


def test_an_error_or_a_refusal_is_not_compressed(
    client_as: Callable[[str], FlaskClient],
) -> None:
    client = client_as("samordnare")
    response = client.post(
        "/_dash-update-component",
        data="{not json",
        content_type="application/json",
        headers={"Accept-Encoding": "gzip"},
    )
    assert response.status_code >= 400
    assert "Content-Encoding" not in response.headers
