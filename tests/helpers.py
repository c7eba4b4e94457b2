"""Test helpers: logging in through the real form and calling Dash callbacks over HTTP."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from flask import Flask
from flask.testing import FlaskClient

from tests.clock import TEST_TODAY

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token embedded in a page."""
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(client: FlaskClient, username: str, password: str) -> Any:
    """Log in through the login form; return the POST response."""
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login", data={"csrf_token": token, "username": username, "password": password}
    )


def find_callback(app: Flask, output_part: str) -> tuple[str, dict[str, Any]]:
    """The callback whose output key contains ``output_part`` (e.g. ``"ov-top-table.children"``)."""
    dash_app = app.extensions["dash"]
    exact = dash_app.callback_map.get(output_part)
    if exact is not None:  # a whole key, also when it is part of a longer one
        return output_part, exact
    matches = [(k, v) for k, v in dash_app.callback_map.items() if output_part in k]
    assert len(matches) == 1, f"{len(matches)} callbacks match {output_part!r}"
    return matches[0]


def _split_output(key: str) -> list[dict[str, str]]:
    parts = key.strip(".").split("...") if key.startswith("..") else [key]
    out = []
    for part in parts:
        component, prop = part.rsplit(".", 1)
        out.append({"id": component, "property": prop})
    return out


def dash_payload(
    app: Flask, output_part: str, values: dict[str, Any], changed: list[str] | None = None
) -> dict[str, Any]:
    """Build the JSON body the Dash renderer would POST for one callback.

    ``values`` maps ``"component.prop"`` to the input/state value; missing ones are None.
    """
    key, spec = find_callback(app, output_part)
    outputs = _split_output(key)

    def items(deps: list[dict[str, Any]]) -> list[Any]:
        # A pattern-matching (ALL) dependency is a list of the matching components:
        # none here, unless the test gives its value.
        return [
            []
            if d["id"].startswith("{") and f"{d['id']}.{d['property']}" not in values
            else {
                "id": d["id"],
                "property": d["property"],
                "value": values.get(f"{d['id']}.{d['property']}"),
            }
            for d in deps
        ]

    shaped: list[Any] = [[] if o["id"].startswith("{") else o for o in outputs]
    return {
        "output": key,
        "outputs": shaped if len(shaped) > 1 else shaped[0],
        "inputs": items(spec["inputs"]),
        "state": items(spec.get("state", [])),
        "changedPropIds": changed or [],
    }


def call_callback(
    client: FlaskClient,
    app: Flask,
    output_part: str,
    values: dict[str, Any],
    changed: list[str] | None = None,
) -> Any:
    """POST one callback to ``/_dash-update-component``; return the response."""
    body = dash_payload(app, output_part, values, changed)
    return client.post(
        "/_dash-update-component",
        data=json.dumps(body),
        content_type="application/json",
    )


def weeks_ago(n: int, today: Any = None) -> tuple[str, str]:
    """ISO start/end dates of the last ``n`` weeks up to today."""
    from datetime import timedelta

    end = today or TEST_TODAY
    return (end - timedelta(weeks=n) + timedelta(days=1)).isoformat(), end.isoformat()


def overview_values(
    kommun: str,
    level: str,
    period: tuple[str, str],
    categories: list[str] | None = None,
    sources: list[str] | None = None,
    focus: str | None = None,
    measure: str = "count",
    ages: list[str] | None = None,
) -> dict[str, Any]:
    """Input values of the overview callbacks, keyed ``"component.prop"``."""
    from dashboard import ids

    return {
        f"{ids.KOMMUN}.value": kommun,
        f"{ids.LEVEL}.value": level,
        f"{ids.PERIOD}.start_date": period[0],
        f"{ids.PERIOD}.end_date": period[1],
        f"{ids.CATEGORIES}.value": categories or [],
        f"{ids.SOURCES}.value": sources or [],
        f"{ids.FOCUS}.data": focus,
        f"{ids.QUICK_PERIOD}.value": "custom",
        f"{ids.MEASURE}.value": measure,
        f"{ids.OV_AGES}.value": ages or [],
        f"{ids.MAP_LAYER}.data": {
            "kommun": kommun,
            "level": level,
            "url": f"/geo/{kommun}/{level}.geojson?v=1",
        },
    }


def map_traces(figure: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """The map traces' values from a callback's figure: a full figure or a Patch."""
    if "__dash_patch_update" not in figure:
        return dict(enumerate(figure["data"]))
    traces: dict[int, dict[str, Any]] = {}
    for operation in figure["operations"]:
        location = operation["location"]
        if location[0] == "data" and len(location) == 3:
            traces.setdefault(location[1], {})[location[2]] = operation["params"]["value"]
    return traces


def quiet_keys(n: int, secret: bytes = b"") -> list[int]:
    """``n`` record keys whose cell-key noise is 0, for tests that check exact values."""
    import numpy as np

    from data.privacy.disclosure import cell_noise

    candidates = np.arange(1, 40 * n + 50, dtype=np.int64)
    quiet = candidates[cell_noise(candidates, secret) == 0]
    assert len(quiet) >= n
    return [int(k) for k in quiet[:n]]


def call_by_input(
    client: FlaskClient,
    app: Flask,
    input_id: str,
    values: dict[str, Any],
    *,
    clicked: list[dict[str, Any]] | None = None,
) -> Any:
    """POST the callback that has the input ``input_id`` (for callbacks that share an
    output with ``allow_duplicate``). ``clicked`` lists the components of a
    pattern-matching first input, each ``{"id": {...}, "value": ...}``."""
    dash_app = app.extensions["dash"]
    matches = [
        (k, v)
        for k, v in dash_app.callback_map.items()
        if any(i["id"] == input_id for i in v["inputs"])
        # Every filter also feeds the page's permalink (``<page>-link-query``): that
        # callback is called by name in the permalink tests, never by its inputs.
        and "-link-query." not in k
    ]
    assert len(matches) == 1, f"{len(matches)} callbacks have the input {input_id!r}"
    key, spec = matches[0]
    trigger = next(i for i in spec["inputs"] if i["id"] == input_id)

    def item(d: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": d["id"],
            "property": d["property"],
            "value": values.get(f"{d['id']}.{d['property']}"),
        }

    inputs: list[Any] = [item(d) for d in spec["inputs"]]
    changed = [f"{trigger['id']}.{trigger['property']}"]
    if clicked is not None:
        prop = spec["inputs"][0]["property"]
        inputs[0] = [{"id": c["id"], "property": prop, "value": c["value"]} for c in clicked]
        changed = [
            json.dumps(c["id"], separators=(",", ":"), sort_keys=True) + f".{prop}"
            for c in clicked[:1]
        ]
    outputs = _split_output(key)
    body = {
        "output": key,
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": inputs,
        "state": [item(d) for d in spec.get("state", [])],
        "changedPropIds": changed,
    }
    return client.post(
        "/_dash-update-component", data=json.dumps(body), content_type="application/json"
    )


def session_csrf(client: FlaskClient) -> str:
    """The form token of a logged-in test client's session."""
    with client.session_transaction() as session:
        return str(session.get("csrf_token", ""))


def send_file(
    client: FlaskClient, kind: str, raw: bytes, name: str, *, csrf: str | None = None
) -> Any:
    """POST a file to ``/upload/<kind>`` the way ``assets/upload.js`` does."""
    return client.post(
        f"/upload/{kind}",
        data=raw,
        content_type="application/octet-stream",
        headers={
            "X-Upload-Name": quote(name),
            "X-CSRF-Token": session_csrf(client) if csrf is None else csrf,
        },
    )


def stored_answer(response: Any) -> dict[str, Any]:
    """What ``upload.js`` puts into the page's store after ``response``."""
    body = response.get_json(silent=True) or {}
    if response.status_code == 201:
        return {"token": body["token"], "name": body["name"], "size": body["size"]}
    return {"error": body.get("error", f"status {response.status_code}")}


def merge_answers(*answers: dict[str, Any]) -> dict[str, Any]:
    """Callback responses (``{component: {prop: value}}``) merged, later ones winning."""
    merged: dict[str, Any] = {}
    for answer in answers:
        for component, props in answer.items():
            merged.setdefault(component, {}).update(props)
    return merged


def callback_body(
    dependencies: list[dict[str, Any]], input_id: str, values: dict[str, Any]
) -> dict[str, Any]:
    """The body the renderer POSTs for the callback triggered by ``input_id``, built
    from ``/_dash-dependencies`` (for clients without the app object: gunicorn tests,
    ``bench/load.py``). ``values`` maps ``"component.prop"`` to a value (None if absent)."""
    (spec,) = [d for d in dependencies if any(i["id"] == input_id for i in d["inputs"])]
    outputs = _split_output(spec["output"])

    def items(deps: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                "id": d["id"],
                "property": d["property"],
                "value": values.get(f"{d['id']}.{d['property']}"),
            }
            for d in deps
        ]

    trigger = next(i for i in spec["inputs"] if i["id"] == input_id)
    return {
        "output": spec["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": items(spec["inputs"]),
        "state": items(spec.get("state", [])),
        "changedPropIds": [f"{input_id}.{trigger['property']}"],
    }
