"""Every gateway response gateway-core renders is an OpenAI-shaped error, valid JSON for any value.

API Gateway renders gateway response templates by simple variable substitution (no
Velocity, no ``$util``): ``aigw.vtl.gateway_response`` does the same. Each template of the
exported example document (``make docs`` renders it from the module) is rendered with
hostile values for every ``$context.error`` variable — quotes, backslashes, newlines,
control characters, non-ASCII, ``'``, and the validator's own
``[object has missing required properties (["messages"])]`` — and must parse as JSON with
the OpenAI error shape, carrying API Gateway's message unchanged.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from aigw import vtl

ROOT = Path(__file__).resolve().parents[3]
DOCUMENT = ROOT / "modules" / "gateway-core" / "examples" / "basic" / "openapi.json"

# ADR 0033: response type -> (status, OpenAI type, code, static message or None).
EXPECTED = {
    "DEFAULT_4XX": (None, "invalid_request_error", "invalid_request", None),
    "DEFAULT_5XX": (None, "api_error", "internal_error", None),
    "BAD_REQUEST_BODY": ("400", "invalid_request_error", "invalid_request_body", None),
    "BAD_REQUEST_PARAMETERS": ("400", "invalid_request_error", "invalid_request_parameters", None),
    "UNAUTHORIZED": ("401", "invalid_request_error", "invalid_api_key", None),
    "ACCESS_DENIED": ("403", "permission_error", "access_denied", None),
    "INVALID_API_KEY": ("403", "invalid_request_error", "invalid_api_key", None),
    "MISSING_AUTHENTICATION_TOKEN": (
        "403",
        "invalid_request_error",
        "missing_authentication_or_unknown_route",
        None,
    ),
    "WAF_FILTERED": (
        "403",
        "permission_error",
        "request_blocked",
        "Request blocked by the web application firewall",
    ),
    "REQUEST_TOO_LARGE": ("413", "invalid_request_error", "request_too_large", None),
    "THROTTLED": ("429", "rate_limit_error", "rate_limit_exceeded", None),
    "QUOTA_EXCEEDED": ("429", "insufficient_quota", "insufficient_quota", None),
    "INTEGRATION_TIMEOUT": (
        "504",
        "api_error",
        "timeout",
        "The upstream model did not answer in time",
    ),
}

HOSTILE = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("\"'\\/\n\r\t\b\f\x00\x1f\x7f$#{}[]():,é€😀\u2028")),
        st.characters(codec="utf-8"),
    ),
    max_size=120,
)
VALIDATOR_MESSAGE = '[object has missing required properties (["messages"])]'


def _responses(path: Path = DOCUMENT) -> dict[str, Any]:
    return json.loads(path.read_text())["x-amazon-apigateway-gateway-responses"]


def _template(response_type: str, path: Path = DOCUMENT) -> str:
    return _responses(path)[response_type]["responseTemplates"]["application/json"]


def check_response(template: str, static: str | None, message: str, validation: str) -> dict:
    ctx = vtl.context(
        error={"message": message, "validationErrorString": validation, "responseType": "X"}
    )
    body = json.loads(vtl.gateway_response(template, ctx))
    assert set(body) == {"error"}
    assert set(body["error"]) == {"message", "type", "code", "param"}
    assert body["error"]["param"] is None
    assert body["error"]["message"] == (message if static is None else static)
    return body["error"]


def test_every_response_type_is_customised() -> None:
    responses = _responses()
    assert set(responses) == set(EXPECTED)
    for response_type, (status, _, _, _) in EXPECTED.items():
        assert responses[response_type].get("statusCode") == status, response_type
        headers = responses[response_type]["responseParameters"]
        assert headers["gatewayresponse.header.Content-Type"] == "'application/json'"


@pytest.mark.parametrize("response_type", sorted(EXPECTED))
@settings(max_examples=60, deadline=None)
@given(message=HOSTILE, validation=HOSTILE)
@example(message="Invalid request body", validation=VALIDATOR_MESSAGE)
@example(message='Say "hi"\nto me', validation="it's a \\ backslash")
def test_gateway_response_is_openai_json_for_any_value(
    response_type: str, message: str, validation: str
) -> None:
    _, type_, code, static = EXPECTED[response_type]
    error = check_response(_template(response_type), static, message, validation)
    assert (error["type"], error["code"]) == (type_, code)


def test_templates_use_only_variables_api_gateway_quotes() -> None:
    # Simple substitution inserts values as they are: only the quoted message is safe.
    for response_type in EXPECTED:
        used = set(re.findall(r"\$[A-Za-z][A-Za-z0-9_.]*", _template(response_type)))
        assert used <= {"$context.error.messageString"}, (response_type, used)
