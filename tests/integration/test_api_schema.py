"""Schemathesis against the served OpenAPI description: no 5xx, every answer as documented.

Requests valid by the description (positive) and invalid ones (negative) go
through the Flask app with a coordinator's bearer token. Every response must be
documented (status, content type, JSON schema — including "count is null exactly
when suppressed"), never a server error, and invalid requests must be refused.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode, Response
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
EXAMPLES = 250


def test_generated_requests_get_documented_answers_and_never_a_5xx(
    app: Flask, coordinator_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hundreds of requests with one token: above its rate limit (test_api_rate.py).
    monkeypatch.setitem(app.config, "SSP_API_TOKEN_RATE", "100000/minute")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.yaml", app)
    operation = schema["/api/v1/aggregates"]["GET"]
    statuses: Counter[int] = Counter()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(
        case=st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )
    )
    def check(case: Case) -> None:
        response = case.call_and_validate(
            headers={"Authorization": f"Bearer {coordinator_token}"}, checks=CHECKS
        )
        statuses[response.status_code] += 1

    check()
    # The run reached real answers and refusals, not only one kind.
    assert statuses[200] >= EXAMPLES // 10, statuses
    assert statuses[400] >= EXAMPLES // 10, statuses
    assert set(statuses) <= {200, 400, 403}, statuses


@pytest.mark.parametrize(
    "wrong",
    [
        {"count": 3, "suppressed": True},  # a suppressed count shown anyway
        {"count": None, "suppressed": False},  # a gap that is not marked
        {"count": -1, "suppressed": False},
        {"count": 7, "suppressed": False, "name": "Demoområde 1"},  # an undocumented key
    ],
)
def test_the_description_rejects_a_wrong_cell(
    app: Flask, coordinator_token: str, wrong: dict[str, object]
) -> None:
    """The schema is strict enough for the run above to fail on a wrong answer."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.yaml", app)
    case = schema["/api/v1/aggregates"]["GET"].Case(query={"group_by": "area"})
    response = case.call(headers={"Authorization": f"Bearer {coordinator_token}"})
    case.validate_response(response, checks=[response_schema_conformance])
    body = response.json()
    body["cells"][0] = {"area": body["cells"][0]["area"], **wrong}
    forged = Response(
        status_code=200,
        headers=response.headers,
        content=json.dumps(body).encode(),
        request=response.request,
        elapsed=0.0,
        verify=True,
    )
    with pytest.raises(FailureGroup):
        case.validate_response(forged, checks=[response_schema_conformance])
