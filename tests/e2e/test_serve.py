"""`aigw serve`, the local data plane.

The first half needs nothing but Python: route matching, API Gateway event shapes, body
validation, gateway responses, the authorizer cache and the HTTP server, over a
hand-made OpenAPI document. tests/e2e/test_serve_local_env.py drives `aigw serve` over
the applied `envs/local`.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from local_env import free_port

from aigw import serve

ROOT = Path(__file__).resolve().parents[2]


STAGE = serve.Stage("abc123", "v1", "us-east-1", "123456789012")
FN_ARN = "arn:aws:lambda:us-east-1:123456789012:function:svc-llm:live"
AUTH_ARN = "arn:aws:lambda:us-east-1:123456789012:function:svc-authorizer"
BAD_BODY_TEMPLATE = (
    '{"error":{"message":"$context.error.validationErrorString",'
    '"type":"invalid_request_error","code":"invalid_request_body","param":null}}'
)


def _uri(arn: str) -> str:
    return f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations"


def _doc() -> dict[str, Any]:
    proxy = {"type": "aws_proxy", "httpMethod": "POST", "uri": _uri(FN_ARN)}
    secured = [{"aigw": [], "api_key": []}]
    return {
        "openapi": "3.0.1",
        "x-amazon-apigateway-api-key-source": "AUTHORIZER",
        "x-amazon-apigateway-request-validators": {
            "body": {"validateRequestBody": True, "validateRequestParameters": True},
            "params": {"validateRequestBody": False, "validateRequestParameters": True},
        },
        "x-amazon-apigateway-gateway-responses": {
            "UNAUTHORIZED": {
                "statusCode": "401",
                "responseParameters": {"gatewayresponse.header.Content-Type": "'application/json'"},
                "responseTemplates": {
                    "application/json": '{"error":{"message":$context.error.messageString,'
                    '"type":"invalid_request_error","code":"invalid_api_key","param":null}}'
                },
            },
            "BAD_REQUEST_BODY": {
                "statusCode": "400",
                "responseTemplates": {"application/json": BAD_BODY_TEMPLATE},
            },
        },
        "components": {
            "schemas": {
                "Chat": {
                    "type": "object",
                    "required": ["model", "messages"],
                    "properties": {
                        "model": {"type": "string", "minLength": 1},
                        "messages": {"type": "array", "minItems": 1},
                        "stream": {"type": "boolean"},
                    },
                }
            },
            "securitySchemes": {
                "aigw": {
                    "type": "apiKey",
                    "name": "Authorization",
                    "in": "header",
                    "x-amazon-apigateway-authtype": "custom",
                    "x-amazon-apigateway-authorizer": {
                        "type": "request",
                        "identitySource": "method.request.header.Authorization",
                        "authorizerUri": _uri(AUTH_ARN),
                        "authorizerResultTtlInSeconds": 300,
                    },
                },
                "api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
            },
        },
        "paths": {
            "/v1/chat/completions": {
                "post": {
                    "operationId": "chat",
                    "security": secured,
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Chat"}}
                        }
                    },
                    "x-amazon-apigateway-request-validator": "body",
                    "x-amazon-apigateway-integration": {**proxy, "responseTransferMode": "STREAM"},
                }
            },
            "/v1/prompts/{name}": {
                "post": {
                    "operationId": "prompt",
                    "security": secured,
                    "x-amazon-apigateway-integration": proxy,
                }
            },
            "/v1/prompts/special": {
                "post": {
                    "operationId": "special",
                    "security": secured,
                    "x-amazon-apigateway-integration": proxy,
                }
            },
            "/v1/translate": {
                "post": {
                    "operationId": "translate",
                    "security": [],
                    "x-amazon-apigateway-integration": {
                        "type": "aws",
                        "httpMethod": "POST",
                        "uri": "arn:aws:apigateway:us-east-1:translate:action/TranslateText",
                    },
                }
            },
        },
    }


def _incoming(
    method: str = "POST",
    path: str = "/v1/chat/completions",
    body: bytes = b"",
    headers: list[tuple[str, str]] | None = None,
    query: list[tuple[str, str]] | None = None,
) -> serve.Incoming:
    return serve.Incoming(method, path, query or [], headers or [], body)


class Recorder:
    """A stand-in for a function: records the proxy events it receives."""

    def __init__(self, stream: list[bytes] | None = None) -> None:
        self.events: list[dict[str, Any]] = []
        self.stream = stream

    def __call__(self, event: dict[str, Any], timeout_ms: float) -> serve.Result:
        self.events.append(event)
        if self.stream is not None:
            return serve.Result(
                200, {"content-type": "text/event-stream"}, b"", iter(self.stream), "acme"
            )
        payload = {"path": event["path"], "tenant": event["requestContext"]["authorizer"]}
        return serve.Result(
            200, {"content-type": "application/json"}, json.dumps(payload).encode(), None, "acme"
        )


def _policy(effect: str = "Allow", resource: str = "arn:aws:execute-api:*") -> dict[str, Any]:
    return {
        "principalId": "acme",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}],
        },
        "context": {"tenant": "acme", "tier": "standard", "allowed_models": "*"},
        "usageIdentifierKey": "usage-key-acme",
    }


class FakeAuthorizer:
    """The authorizer function's contract: ``Bearer good`` allows, ``Bearer deny`` denies,
    anything else is ``Unauthorized``; ``Bearer boom`` crashes."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        self.calls += 1
        token = event["headers"].get("Authorization", "")
        if token == "Bearer good":
            return _policy()
        if token == "Bearer deny":
            return _policy("Deny", event["methodArn"])
        if token == "Bearer nokey":
            return {k: v for k, v in _policy().items() if k != "usageIdentifierKey"}
        if token == "Bearer boom":
            raise RuntimeError("table unreachable")
        raise Exception("Unauthorized")


def _plane(
    recorder: Recorder | None = None, clock: Any = time.monotonic
) -> tuple[serve.DataPlane, FakeAuthorizer]:
    doc = _doc()
    routes = serve.routes_from_openapi(doc)
    rec = recorder or Recorder()
    bindings = [
        serve.Binding(r, rec if r.integration_type == "aws_proxy" else None, "svc-llm", 30000)
        for r in routes
    ]
    fake = FakeAuthorizer()
    authz = serve.LocalAuthorizer(
        "aigw", fake, ["method.request.header.Authorization"], 300, clock=clock
    )
    return serve.DataPlane(doc, STAGE, bindings, {"aigw": authz}), fake


GOOD = [("Authorization", "Bearer good"), ("Content-Type", "application/json")]
CHAT = json.dumps({"model": "m", "messages": [{"role": "user", "content": "hi"}]}).encode()


# ----------------------------------------------------------------------------- routes


def test_literal_paths_win_over_templates() -> None:
    routes = serve.routes_from_openapi(_doc())
    route, params = serve.match_route(routes, "POST", "/v1/prompts/special")
    assert route.operation_id == "special" and params == {}
    route, params = serve.match_route(routes, "POST", "/v1/prompts/summarise")
    assert route.operation_id == "prompt" and params == {"name": "summarise"}


def test_unknown_path_or_method_does_not_match() -> None:
    routes = serve.routes_from_openapi(_doc())
    assert serve.match_route(routes, "GET", "/v1/chat/completions") is None
    assert serve.match_route(routes, "POST", "/v1/prompts/a/b") is None
    assert serve.match_route(routes, "POST", "/v2/chat/completions") is None


def test_routes_carry_integration_security_and_resolved_model() -> None:
    by_id = {r.operation_id: r for r in serve.routes_from_openapi(_doc())}
    chat = by_id["chat"]
    assert chat.streaming and chat.integration_type == "aws_proxy"
    assert chat.function_arn == FN_ARN
    assert chat.security == ["aigw", "api_key"]
    assert chat.schema["required"] == ["model", "messages"]
    assert by_id["prompt"].schema is None  # no body validator on that operation
    assert by_id["translate"].integration_type == "aws" and by_id["translate"].security == []


def test_models_retrieve_is_served_through_the_document() -> None:
    """A ``/v1/models/{model}`` operation (as modules/llm-route emits it) reaches the LLM
    gateway with the model id decoded, whatever the client encoded."""
    from aigw_shared.http_event import request_from_event
    from llm_gateway.config import parse_config
    from llm_gateway.core import Gateway

    doc = _doc()
    doc["paths"]["/v1/models/{model}"] = {
        "get": {
            "operationId": "model",
            "security": [{"aigw": [], "api_key": []}],
            "x-amazon-apigateway-integration": doc["paths"]["/v1/prompts/{name}"]["post"][
                "x-amazon-apigateway-integration"
            ],
        }
    }
    route, params = serve.match_route(
        serve.routes_from_openapi(doc), "GET", "/v1/models/team%2Fchat"
    )
    assert route.operation_id == "model" and params == {"model": "team/chat"}
    inc = _incoming(method="GET", path="/v1/models/team%2Fchat", body=b"", headers=GOOD)
    event = serve.build_proxy_event(inc, route, STAGE, params, {"tenant": "acme"})
    assert event["resource"] == "/v1/models/{model}"
    cfg = parse_config(
        {
            "version": 1,
            "providers": {"mock": {"type": "mock"}},
            "models": {"team/chat": {"targets": [{"provider": "mock", "model": "echo"}]}},
        }
    )
    gw = Gateway(lambda: cfg, log_sink=lambda _: None, metrics_sink=lambda _: None)
    resp = gw.handle_request(request_from_event(event))
    assert resp.status == 200 and json.loads(resp.body)["id"] == "team/chat"


# ----------------------------------------------------------------------------- events


def test_proxy_event_has_the_rest_api_shape() -> None:
    route, params = serve.match_route(serve.routes_from_openapi(_doc()), "POST", "/v1/prompts/x")
    inc = _incoming(
        path="/v1/prompts/x",
        body=b'{"a":1}',
        headers=[("Content-Type", "application/json"), ("X-Tag", "a"), ("X-Tag", "b")],
        query=[("q", "1"), ("q", "2")],
    )
    event = serve.build_proxy_event(inc, route, STAGE, params, {"tenant": "acme"})
    assert event["resource"] == "/v1/prompts/{name}"
    assert event["path"] == "/v1/prompts/x" and event["httpMethod"] == "POST"
    assert event["pathParameters"] == {"name": "x"}
    assert event["headers"]["X-Tag"] == "b"
    assert event["multiValueHeaders"]["X-Tag"] == ["a", "b"]
    assert event["queryStringParameters"] == {"q": "2"}
    assert event["multiValueQueryStringParameters"] == {"q": ["1", "2"]}
    assert event["body"] == '{"a":1}' and event["isBase64Encoded"] is False
    ctx = event["requestContext"]
    assert ctx["authorizer"] == {"tenant": "acme"}
    assert ctx["stage"] == "v1" and ctx["apiId"] == "abc123"
    assert ctx["requestId"] == inc.request_id and ctx["resourcePath"] == "/v1/prompts/{name}"


def test_binary_bodies_are_base64_encoded() -> None:
    route, params = serve.match_route(serve.routes_from_openapi(_doc()), "POST", "/v1/prompts/x")
    raw = bytes(range(256))
    inc = _incoming(path="/v1/prompts/x", body=raw, headers=[("Content-Type", "image/png")])
    event = serve.build_proxy_event(inc, route, STAGE, params, None)
    assert event["isBase64Encoded"] is True
    import base64

    assert base64.b64decode(event["body"]) == raw
    assert "authorizer" not in event["requestContext"]


def test_proxy_event_round_trips_through_the_lambda_adapter() -> None:
    from aigw_shared.http_event import request_from_event

    route, params = serve.match_route(serve.routes_from_openapi(_doc()), "POST", "/v1/prompts/y")
    inc = _incoming(path="/v1/prompts/y", body=CHAT, headers=GOOD)
    req = request_from_event(serve.build_proxy_event(inc, route, STAGE, params, {"tenant": "t"}))
    assert (req.method, req.path, req.body) == ("POST", "/v1/prompts/y", CHAT)
    assert req.auth == {"tenant": "t"} and req.request_id == inc.request_id
    assert req.headers["authorization"] == "Bearer good"


def test_authorizer_event_names_the_method_arn() -> None:
    route, _ = serve.match_route(serve.routes_from_openapi(_doc()), "POST", "/v1/chat/completions")
    event = serve.build_authorizer_event(_incoming(headers=GOOD), route, STAGE)
    assert event["type"] == "REQUEST"
    assert event["methodArn"] == (
        "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/POST/v1/chat/completions"
    )
    assert event["headers"]["Authorization"] == "Bearer good"


# ----------------------------------------------------------------------------- validation


def test_schema_validation_reports_api_gateway_messages() -> None:
    """The Java json-schema-validator's messages API Gateway reports (unit tests per
    keyword: tests/unit/tooling/test_serve_validation.py)."""
    schema = _doc()["components"]["schemas"]["Chat"]
    assert serve.validate_schema({"model": "m", "messages": [{}]}, schema) == []
    assert serve.validate_schema({"model": "m"}, schema) == [
        'object has missing required properties (["messages"])'
    ]
    # Members in name order; both fail at the same depth, so both are reported.
    assert serve.validate_schema({"model": 3, "messages": []}, schema) == [
        "array is too short: must have at least 1 elements but instance has 0 elements",
        'instance type (integer) does not match any allowed primitive type (allowed: ["string"])',
    ]
    assert serve.validate_schema([], schema) == [
        'instance type (array) does not match any allowed primitive type (allowed: ["object"])'
    ]
    assert serve.validate_schema({"model": "m", "messages": [1], "stream": 1}, schema) == [
        'instance type (integer) does not match any allowed primitive type (allowed: ["boolean"])'
    ]


def test_gateway_response_templates_are_rendered_as_json() -> None:
    responses = serve.GatewayResponses(_doc()["x-amazon-apigateway-gateway-responses"])
    status, headers, body = responses.render("UNAUTHORIZED", 'Bad "key"', "r1")
    assert status == 401 and headers["content-type"] == "application/json"
    assert json.loads(body)["error"] == {
        "message": 'Bad "key"',
        "type": "invalid_request_error",
        "code": "invalid_api_key",
        "param": None,
    }
    status, _, body = responses.render("BAD_REQUEST_BODY", "x", "r2", "a plain problem")
    assert status == 400 and json.loads(body)["error"]["message"] == "a plain problem"
    # As on API Gateway, variables are substituted as they are: a raw one inside a JSON
    # string breaks the body (why gateway-core's templates use only messageString).
    _, _, body = responses.render("BAD_REQUEST_BODY", "x", "r2", 'a "quoted" problem')
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)
    # A type the document does not customise falls back to an OpenAI-shaped default.
    status, _, body = responses.render("ACCESS_DENIED", "denied", "r3")
    assert status == 403 and json.loads(body)["error"]["message"] == "denied"


def test_policy_evaluation_explicit_deny_wins() -> None:
    arn = STAGE.method_arn("POST", "/v1/chat/completions")
    assert serve.evaluate_policy(_policy(), arn)
    assert not serve.evaluate_policy(_policy("Deny", arn), arn)
    other = "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/GET/v1/models"
    assert not serve.evaluate_policy(_policy(resource=other), arn)
    both = _policy()
    both["policyDocument"]["Statement"].append(
        {"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": arn}
    )
    assert not serve.evaluate_policy(both, arn)


# ----------------------------------------------------------------------------- dispatch


def _status_and_error(result: serve.Result) -> tuple[int, dict[str, Any]]:
    return result.status, json.loads(result.body)["error"]


def test_requests_without_credentials_get_401_without_calling_the_authorizer() -> None:
    plane, fake = _plane()
    status, err = _status_and_error(plane.dispatch(_incoming(body=CHAT)))
    assert status == 401 and err["code"] == "invalid_api_key"
    assert fake.calls == 0


def test_authorizer_outcomes_map_to_gateway_statuses() -> None:
    plane, _ = _plane()
    for token, status in (("bad", 401), ("deny", 403), ("nokey", 403), ("boom", 500)):
        inc = _incoming(body=CHAT, headers=[("Authorization", f"Bearer {token}")])
        result = plane.dispatch(inc)
        assert result.status == status, token
        assert set(json.loads(result.body)["error"]) == {"message", "type", "code", "param"}


def test_authorizer_result_is_cached_per_identity_source() -> None:
    now = [0.0]
    rec = Recorder()
    plane, fake = _plane(rec, clock=lambda: now[0])
    for _ in range(3):
        assert plane.dispatch(_incoming(body=CHAT, headers=GOOD)).status == 200
    assert fake.calls == 1
    plane.dispatch(_incoming(body=CHAT, headers=[("Authorization", "Bearer other")]))
    assert fake.calls == 2
    now[0] = 301.0  # past the scheme's authorizerResultTtlInSeconds
    assert plane.dispatch(_incoming(body=CHAT, headers=GOOD)).status == 200
    assert fake.calls == 3


def test_a_scheme_without_identity_sources_calls_the_authorizer_every_time() -> None:
    """The Messages routes' scheme (no identity source, TTL 0, ADR 0121): API Gateway
    calls the authorizer for every request, with or without credentials."""
    plane, _ = _plane(Recorder())
    fake = FakeAuthorizer()
    plane.authorizers["aigw"] = serve.LocalAuthorizer("aigw", fake, [], 0)
    for _ in range(2):
        assert plane.dispatch(_incoming(body=CHAT, headers=GOOD)).status == 200
    status, err = _status_and_error(plane.dispatch(_incoming(body=CHAT)))
    assert status == 401 and err["code"] == "invalid_api_key"
    assert fake.calls == 3


def test_every_identity_source_must_be_present() -> None:
    plane, _ = _plane(Recorder())
    fake = FakeAuthorizer()
    sources = ["method.request.header.Authorization", "method.request.header.x-api-key"]
    plane.authorizers["aigw"] = serve.LocalAuthorizer("aigw", fake, sources, 300)
    assert plane.dispatch(_incoming(body=CHAT, headers=GOOD)).status == 401
    assert fake.calls == 0
    both = [*GOOD, ("x-api-key", "k")]
    assert plane.dispatch(_incoming(body=CHAT, headers=both)).status == 200
    assert fake.calls == 1


def test_allowed_request_reaches_the_function_with_the_authorizer_context() -> None:
    rec = Recorder()
    plane, _ = _plane(rec)
    result = plane.dispatch(_incoming(path="/v1/prompts/summarise", body=b"{}", headers=GOOD))
    assert result.status == 200 and result.tenant == "acme"
    ctx = rec.events[0]["requestContext"]["authorizer"]
    assert ctx["tenant"] == "acme" and ctx["principalId"] == "acme"


def test_invalid_bodies_are_refused_before_the_function() -> None:
    """BAD_REQUEST_BODY is rendered with API Gateway's validationErrorString."""
    rec = Recorder()
    plane, _ = _plane(rec)
    for body, message in (
        (b'{"model": "m"}', '[object has missing required properties (["messages"])]'),
        (b'{"model": ', "[Unknown error parsing request body]"),
        (b"", "[Unknown error parsing request body]"),
        (b'{"model": "m", "messages": NaN}', "[Unknown error parsing request body]"),
    ):
        result = plane.dispatch(_incoming(body=body, headers=GOOD))
        assert result.status == 400
        # The test document's template puts the raw variable inside a JSON string, so
        # (as on API Gateway) the quotes of the message are not escaped: compare the text.
        assert result.body.decode() == BAD_BODY_TEMPLATE.replace(
            "$context.error.validationErrorString", message
        )
    assert rec.events == []


def test_a_model_the_validator_cannot_apply_is_a_configuration_error() -> None:
    """API Gateway: "Request body validation failed due to an unexpected error" (500)."""
    rec = Recorder()
    doc = _doc()
    doc["components"]["schemas"]["Chat"]["properties"]["model"]["pattern"] = "(unclosed"
    routes = serve.routes_from_openapi(doc)
    bindings = [serve.Binding(r, rec, "svc-llm", 30000) for r in routes]
    authz = serve.LocalAuthorizer(
        "aigw", FakeAuthorizer(), ["method.request.header.Authorization"], 300
    )
    plane = serve.DataPlane(doc, STAGE, bindings, {"aigw": authz})
    status, err = _status_and_error(plane.dispatch(_incoming(body=CHAT, headers=GOOD)))
    assert status == 500 and err["code"] == "api_configuration_error"
    assert rec.events == []


def test_unknown_route_is_refused_like_api_gateway() -> None:
    plane, _ = _plane()
    status, err = _status_and_error(plane.dispatch(_incoming("GET", "/v1/nope", headers=GOOD)))
    assert status == 403 and err["message"] == "Missing Authentication Token"


def test_direct_integration_routes_without_a_sandbox_answer_501() -> None:
    plane, _ = _plane()
    status, err = _status_and_error(plane.dispatch(_incoming(path="/v1/translate", body=b"{}")))
    assert status == 501
    assert err["code"] == "not_implemented_locally"
    assert err["message"] == ("POST /v1/translate: not bound to a sandbox (no AWS service to call)")


def test_integration_types_bind_and_answer_through_the_registry() -> None:
    doc = _doc()
    doc["paths"]["/v1/health"] = {
        "get": {
            "security": [],
            "x-amazon-apigateway-integration": {
                "type": "mock",
                "requestTemplates": {"application/json": '{"statusCode": 503}'},
                "responses": {
                    "5\\d{2}": {
                        "statusCode": "503",
                        "responseTemplates": {"application/json": '{"status": "down"}'},
                    },
                    "default": {"statusCode": "200"},
                },
            },
        }
    }
    rec = Recorder()

    def functions(arn: str) -> serve.Function:
        assert arn == FN_ARN
        return serve.Function({"FunctionName": "svc-llm", "Timeout": 3}, rec)

    routes = serve.routes_from_openapi(doc)
    bindings = [serve.integration_type(r.integration_type).bind(r, functions) for r in routes]
    by_path = {b.route.template: b for b in bindings}
    prompt = by_path["/v1/prompts/{name}"]
    assert (prompt.integration, prompt.function_name, prompt.timeout_ms) == (rec, "svc-llm", 3000)
    assert by_path["/v1/health"].integration is None
    plane = serve.DataPlane(doc, STAGE, bindings, {})
    health = plane.dispatch(_incoming("GET", "/v1/health"))
    assert (health.status, json.loads(health.body)) == (503, {"status": "down"})
    status, err = _status_and_error(plane.dispatch(_incoming(path="/v1/translate", body=b"{}")))
    assert status == 501 and err["message"] == (
        "POST /v1/translate: no sandbox to call AWS services in"
    )


def test_banner_names_each_routes_target() -> None:
    plane, _ = _plane()

    class Listening:
        url = "http://127.0.0.1:1"

    text = serve.banner(Listening(), plane, "local")  # type: ignore[arg-type]
    rows = {line.split()[1]: line for line in text.splitlines() if line.startswith("  POST ")}
    assert rows["/v1/chat/completions"].endswith("svc-llm (stream)")
    assert rows["/v1/prompts/{name}"].endswith("svc-llm")
    assert rows["/v1/translate"].endswith("not run locally (no sandbox)")


def test_function_crash_is_a_502_without_a_traceback() -> None:
    def crash(event: dict[str, Any], timeout_ms: float) -> serve.Result:
        raise KeyError("secret detail")

    doc = _doc()
    doc["paths"]["/v1/prompts/{name}"]["post"]["security"] = []
    routes = serve.routes_from_openapi(doc)
    bindings = [serve.Binding(r, crash, "svc", 1000) for r in routes]
    plane = serve.DataPlane(doc, STAGE, bindings, {})
    result = plane.dispatch(_incoming(path="/v1/prompts/x", body=b"{}"))
    assert result.status == 502
    assert b"secret detail" not in result.body and b"Traceback" not in result.body


def test_a_stale_sandbox_build_is_reported() -> None:
    manifest = {"packages": {"llm_gateway": {"sha256_base64": "new"}}}
    warnings: list[str] = []
    cfg = {"FunctionName": "svc-llm", "CodeSha256": "new"}
    serve.check_code(cfg, "llm_gateway.handler.handler", manifest, warnings)
    assert warnings == []
    serve.check_code(
        {**cfg, "CodeSha256": "old"}, "llm_gateway.handler.handler", manifest, warnings
    )
    assert len(warnings) == 1 and "make apply ENV=local" in warnings[0]


def test_not_applied_env_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(serve.ServeError, match="make apply ENV=local"):
        serve.read_outputs(tmp_path, "local")


def test_serve_only_listens_on_loopback() -> None:
    plane, _ = _plane()
    with pytest.raises(serve.ServeError, match="loopback"):
        serve.LocalServer(plane, host="0.0.0.0", port=0)  # noqa: S104 - the refused case


# ----------------------------------------------------------------------------- HTTP


def _http(url: str, body: bytes | None = None, headers: dict[str, str] | None = None):
    req = urllib.request.Request(url, data=body, headers=headers or {}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


def test_http_server_streams_chunks_and_logs_one_line_per_request() -> None:
    rec = Recorder(stream=[b"data: 1\n\n", b"data: [DONE]\n\n"])
    plane, _ = _plane(rec)
    lines: list[str] = []
    with serve.LocalServer(plane, port=0, access_log=lines.append) as srv:
        status, headers, body = _http(
            srv.url + "/v1/chat/completions",
            CHAT,
            {"Authorization": "Bearer good", "Content-Type": "application/json"},
        )
        assert status == 200 and body == b"data: 1\n\ndata: [DONE]\n\n"
        assert headers["transfer-encoding"] == "chunked"
        assert headers["x-amzn-requestid"]
        status, _, body = _http(srv.url + "/v1/chat/completions", CHAT)
        assert status == 401 and json.loads(body)["error"]["code"] == "invalid_api_key"
        # The handler thread logs after the client has the whole answer: wait for it
        # (bounded) before closing the server, which does not join its handler threads.
        deadline = time.monotonic() + 5
        while len(lines) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    # One line per request; each handler thread logs when it is done, so the streamed
    # answer's line may come after the refusal's.
    assert len(lines) == 2
    ok, refused = sorted(lines, key=lambda line: line.split()[2])
    assert ok.startswith("POST /v1/chat/completions 200 ") and "tenant=acme" in ok
    assert refused.startswith("POST /v1/chat/completions 401 ")
    assert not any("Bearer" in line or "good" in line for line in lines)


def test_http_server_refuses_oversized_bodies_without_reading_them() -> None:
    plane, _ = _plane()
    with serve.LocalServer(plane, port=0) as srv:
        host, port = srv.httpd.server_address[:2]
        with socket.create_connection((host, port), timeout=10) as sock:
            sock.sendall(
                b"POST /v1/prompts/x HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n"
            )
            head = sock.recv(4096).decode()
    assert head.startswith("HTTP/1.1 413 ")


def test_serve_without_an_applied_env_fails_clearly(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    env["AIGW_STATE_DIR"] = str(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "aigw.serve", "--port", str(free_port())],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert "sandbox is not running" in proc.stderr and "make sandbox-up" in proc.stderr
