"""Serve never crashes: gateway responses stay JSON and any request gets a documented answer.

- Every gateway response of the rendered OpenAPI document (gateway-core's exported
  example), rendered by serve with hostile ``$context.error`` values, parses as JSON.
  Gateway responses are not Velocity templates on API Gateway (simple substitution of
  ``$context`` variables), and serve renders them with the same function the module tests
  use (``aigw.vtl.gateway_response``).
- Any method, path, headers and body to a plane serving an ``aws`` route (with its request
  model, mapping templates and the local Translate fake), a mock and an unknown path gets
  an answer from the gateway: no exception, and a 5xx only as a documented gateway
  response (``INTEGRATION_FAILURE``/``INTEGRATION_TIMEOUT``) or the route's own mapped
  upstream error (502).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from serve_ai_routes import Signed, ai_document

from aigw import serve
from aigw.serve.fakes.translate import FakeTranslate
from aigw.serve.integrations import Services

ROOT = Path(__file__).resolve().parents[3]
DOCUMENT = ROOT / "modules" / "gateway-core" / "examples" / "basic" / "openapi.json"
HOSTILE = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("\"'\\/\n\r\t\b\f\x00\x1f\x7f$#{}[]():,é€😀\u2028")),
        st.characters(codec="utf-8"),
    ),
    max_size=80,
)
RESPONSES = json.loads(DOCUMENT.read_text())["x-amazon-apigateway-gateway-responses"]


@pytest.mark.parametrize("kind", sorted(RESPONSES))
@settings(max_examples=40, deadline=None)
@given(message=HOSTILE, validation=HOSTILE)
def test_every_gateway_response_renders_json_in_serve(
    kind: str, message: str, validation: str
) -> None:
    status, headers, body = serve.GatewayResponses(RESPONSES).render(
        kind, message, "req-1", validation
    )
    doc = json.loads(body)
    assert set(doc["error"]) == {"message", "type", "code", "param"}
    static = kind in ("WAF_FILTERED", "INTEGRATION_TIMEOUT")
    assert static or doc["error"]["message"] == message
    assert headers["content-type"] == "application/json"
    assert status == int(RESPONSES[kind].get("statusCode") or status)


TRANSLATE_SCHEMA = {
    "type": "object",
    "required": ["text", "target_language"],
    "additionalProperties": False,
    "properties": {
        "text": {"type": "string", "minLength": 1, "maxLength": 10000},
        "source_language": {"type": "string", "pattern": "^(auto|[a-z]{2,3}(-[A-Za-z]{2,4})?)$"},
        "target_language": {"type": "string", "pattern": "^[a-z]{2,3}(-[A-Za-z]{2,4})?$"},
    },
}


@pytest.fixture(scope="module")
def plane() -> Iterator[serve.DataPlane]:
    doc = ai_document()
    doc["components"] = {"schemas": {"Translate": TRANSLATE_SCHEMA}}
    doc["x-amazon-apigateway-request-validators"] = {"body": {"validateRequestBody": True}}
    doc["x-amazon-apigateway-request-validator"] = "body"
    doc["paths"]["/v1/translate"]["post"]["requestBody"] = {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Translate"}}}
    }
    doc["paths"]["/v1/ping"] = {
        "get": {
            "security": [],
            "x-amazon-apigateway-integration": {
                "type": "mock",
                "requestTemplates": {"application/json": '{"statusCode": 200}'},
                "responses": {"default": {"statusCode": "200"}},
            },
        }
    }
    doc["x-amazon-apigateway-gateway-responses"] = RESPONSES
    fake = FakeTranslate().start()
    services = Services("http://127.0.0.1:9", "us-east-1", Signed())
    services.endpoints["translate"] = fake.url
    routes = serve.routes_from_openapi(doc)
    bindings = [
        serve.integration_type(r.integration_type).bind(r, lambda a: None, services)  # type: ignore[arg-type,return-value]
        for r in routes
    ]
    yield serve.DataPlane(doc, serve.Stage("a", "v1", "us-east-1", "1"), bindings, {})
    fake.close()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | HOSTILE,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(HOSTILE, inner, max_size=3),
    max_leaves=8,
)
bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries(
        {"text": HOSTILE, "target_language": st.sampled_from(["fr", "de", "en", "x", ""])},
        optional={"source_language": st.sampled_from(["auto", "en", "de", "zz-ZZZZ"])},
    ).map(lambda v: json.dumps(v).encode()),
)
header_names = st.sampled_from(["content-type", "accept", "x-amz-target", "x-client", "host"])
header_values = st.one_of(
    st.sampled_from(["application/json", "text/plain", "image/png", "*/*", ""]),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
    path=st.sampled_from(["/v1/translate", "/v1/sentiment", "/v1/ping", "/v1/nope", "/"]),
    headers=st.lists(st.tuples(header_names, header_values), max_size=4),
    body=bodies,
)
def test_any_request_gets_a_documented_answer(
    plane: serve.DataPlane, method: str, path: str, headers: list[Any], body: bytes
) -> None:
    kinds: list[str] = []
    refuse = serve.DataPlane.refuse

    def recording(kind: str, message: str, inc: serve.Incoming, validation: str = "") -> Any:
        kinds.append(kind)
        return refuse(plane, kind, message, inc, validation)

    plane.refuse = recording  # type: ignore[method-assign]
    try:
        result = plane.dispatch(serve.Incoming(method, path, [], headers, body))
    finally:
        del plane.refuse
    # The 5xx each route may answer: translate only its own mapping of a service error
    # (502 upstream_error); sentiment cannot reach Comprehend here (INTEGRATION_FAILURE);
    # the mock passes a body it has no template for through, and a body that is not
    # JSON has no statusCode (API_CONFIGURATION_ERROR).
    allowed = {
        "/v1/translate": set(),
        "/v1/sentiment": {"INTEGRATION_FAILURE"},
        "/v1/ping": {"API_CONFIGURATION_ERROR"},
    }.get(path, set())
    if result.status >= 500:
        error = json.loads(result.body)["error"]
        if kinds:
            assert kinds[-1] in allowed, (kinds, result.status, error)
        else:
            assert (path, result.status, error["code"]) == ("/v1/translate", 502, "upstream_error")
    elif result.status >= 400:
        assert set(json.loads(result.body)["error"]) >= {"message", "type", "code"}
    if path == "/v1/translate" and result.status == 200:
        answer = json.loads(result.body)
        assert answer["text"].startswith("[")


@pytest.fixture(scope="module")
def server(plane: serve.DataPlane) -> Iterator[serve.LocalServer]:
    with serve.LocalServer(plane, port=0) as srv:
        yield srv


header_text = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), max_size=30)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from(["/v1/translate", "/v1/ping", "/v1/nope"]),
    headers=st.dictionaries(
        st.sampled_from(["content-type", "accept", "x-amz-target", "x-a", "authorization"]),
        header_text,
        max_size=4,
    ),
    body=bodies,
)
def test_any_request_over_http_gets_a_json_answer(
    server: serve.LocalServer, path: str, headers: dict[str, str], body: bytes
) -> None:
    import http.client

    host, port = server.httpd.server_address[:2]
    conn = http.client.HTTPConnection(str(host), int(port), timeout=30)
    try:
        conn.request("POST", path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
    finally:
        conn.close()
    assert resp.getheader("x-amzn-requestid")
    if resp.status >= 400:
        error = json.loads(data)["error"]
        assert resp.status < 500 or error["code"] in ("upstream_error", "internal_error"), error


def test_a_bug_in_the_plane_is_a_json_500_not_a_dropped_connection() -> None:
    import http.client

    class Broken(serve.DataPlane):
        def dispatch(self, inc: serve.Incoming) -> serve.Result:
            raise KeyError("secret detail")

    lines: list[str] = []
    plane = Broken({"paths": {}}, serve.Stage("a", "v1", "us-east-1", "1"), [], {})
    with serve.LocalServer(plane, port=0, access_log=lines.append) as srv:
        host, port = srv.httpd.server_address[:2]
        conn = http.client.HTTPConnection(str(host), int(port), timeout=10)
        conn.request("GET", "/v1/models")
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
    assert resp.status == 500
    assert json.loads(body)["error"]["message"] == "Internal server error"
    assert b"secret" not in body
    assert "error serving a request: KeyError" in lines
