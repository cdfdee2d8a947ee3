"""`aigw serve`, the local data plane.

The first half needs nothing but Python: route matching, API Gateway event shapes, body
validation, gateway responses, the authorizer cache and the HTTP server, over a
hand-made OpenAPI document. The second half takes the session's `envs/local` apply (in a
private sandbox, shared with tests/integration/test_make_apply_local.py), creates a tenant
and keys with the CLI, starts `aigw serve` as a process and drives it with the official
openai SDK and curl.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
from local_env import GROUP, LocalEnv, free_port

from aigw import serve

ROOT = Path(__file__).resolve().parents[2]


def e2e(test: Any) -> Any:
    """Marks of the tests that use the session's `envs/local` apply (``local_env``,
    tests/integration/local_env.py), all on one pytest-xdist worker."""
    marks = (pytest.mark.sandbox, pytest.mark.terraform, pytest.mark.slow)
    for mark in (*marks, pytest.mark.xdist_group(GROUP)):
        test = mark(test)
    return test


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


def test_schema_validation_reports_missing_and_mistyped_fields() -> None:
    schema = _doc()["components"]["schemas"]["Chat"]
    assert serve.validate_schema({"model": "m", "messages": [{}]}, schema) == []
    assert serve.validate_schema({"model": "m"}, schema) == ["messages: required property missing"]
    assert serve.validate_schema({"model": 3, "messages": []}, schema) == [
        "model: expected type string",
        "messages: fewer than 1 items",
    ]
    assert serve.validate_schema([], schema) == ["the request body: expected type object"]
    assert serve.validate_schema({"model": "m", "messages": [1], "stream": 1}, schema) == [
        "stream: expected type boolean"
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
    status, _, body = responses.render("BAD_REQUEST_BODY", "x", "r2", 'a "quoted" problem')
    assert status == 400 and json.loads(body)["error"]["message"] == 'a "quoted" problem'
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


def test_allowed_request_reaches_the_function_with_the_authorizer_context() -> None:
    rec = Recorder()
    plane, _ = _plane(rec)
    result = plane.dispatch(_incoming(path="/v1/prompts/summarise", body=b"{}", headers=GOOD))
    assert result.status == 200 and result.tenant == "acme"
    ctx = rec.events[0]["requestContext"]["authorizer"]
    assert ctx["tenant"] == "acme" and ctx["principalId"] == "acme"


def test_invalid_bodies_are_refused_before_the_function() -> None:
    rec = Recorder()
    plane, _ = _plane(rec)
    for body, fragment in (
        (b'{"model": "m"}', "messages: required property missing"),
        (b'{"model": ', "not valid JSON"),
        (b"", "expected type object"),
    ):
        status, err = _status_and_error(plane.dispatch(_incoming(body=body, headers=GOOD)))
        assert status == 400 and fragment in err["message"]
        assert err["code"] == "invalid_request_body"
    assert rec.events == []


def test_unknown_route_is_refused_like_api_gateway() -> None:
    plane, _ = _plane()
    status, err = _status_and_error(plane.dispatch(_incoming("GET", "/v1/nope", headers=GOOD)))
    assert status == 403 and err["message"] == "Missing Authentication Token"


def test_direct_integration_routes_answer_501() -> None:
    plane, _ = _plane()
    status, err = _status_and_error(plane.dispatch(_incoming(path="/v1/translate", body=b"{}")))
    assert status == 501
    assert err["code"] == "not_implemented_locally"
    assert "direct AWS service integration" in err["message"]


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
    serve._check_code(cfg, "llm_gateway.handler.handler", manifest, warnings)
    assert warnings == []
    serve._check_code(
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
    assert len(lines) == 2
    assert lines[0].startswith("POST /v1/chat/completions 200 ") and "tenant=acme" in lines[0]
    assert lines[1].startswith("POST /v1/chat/completions 401 ")
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


# ============================================================================ sandbox e2e


class ServeProcess:
    """`aigw serve` as a child process; stopped with SIGTERM."""

    def __init__(self, env: LocalEnv) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = env.state / f"serve-{self.port}.log"
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "aigw.serve", "--env", "local", "--port", str(self.port)],
            cwd=ROOT,
            env=env.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(240):  # at most ~60 s
            if self.proc.poll() is not None:
                raise AssertionError(f"aigw serve exited:\n{self.output()}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.25)
        self.stop()
        raise AssertionError(f"aigw serve did not listen:\n{self.output()}")

    def output(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()
        return self.proc.returncode


@pytest.fixture(scope="module")
def tenant_key(local_env: LocalEnv) -> str:
    local_env.aigw("tenants", "create", "acme", "--tier", "standard", "--models", "mock-chat")
    return local_env.aigw("keys", "create", "--tenant", "acme")["key"]


@pytest.fixture(scope="module")
def server(local_env: LocalEnv, tenant_key: str) -> Iterator[ServeProcess]:
    srv = ServeProcess(local_env)
    try:
        yield srv
    finally:
        srv.stop()


def _client(server: ServeProcess, key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.url + "/v1", api_key=key, max_retries=0, timeout=30)


@e2e
def test_startup_output_lists_routes_and_snippets(server: ServeProcess) -> None:
    out = server.output()
    assert f"listening on {server.url}" in out
    for path in ("/v1/chat/completions", "/v1/embeddings", "/v1/models", "/v1/prompts/summarise"):
        assert path in out
    assert "keys create --tenant acme" in out
    assert f'OpenAI(base_url="{server.url}/v1"' in out
    assert "curl -sS" in out
    assert "warning:" not in out  # the sandbox runs the build of this checkout


@e2e
def test_openai_sdk_chat_through_the_authorizer(server: ServeProcess, tenant_key: str) -> None:
    reply = _client(server, tenant_key).chat.completions.create(
        model="mock-chat", messages=[{"role": "user", "content": "hello serve"}]
    )
    assert reply.choices[0].message.content.endswith("hello serve")
    assert reply.usage.total_tokens > 0


@e2e
def test_openai_sdk_streams(server: ServeProcess, tenant_key: str) -> None:
    stream = _client(server, tenant_key).chat.completions.create(
        model="mock-chat", messages=[{"role": "user", "content": "one two three"}], stream=True
    )
    chunks = list(stream)
    assert len(chunks) > 2
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.endswith("one two three")
    assert chunks[-1].choices[0].finish_reason == "stop"


@e2e
def test_openai_sdk_lists_only_the_tenants_models(server: ServeProcess, tenant_key: str) -> None:
    assert [m.id for m in _client(server, tenant_key).models.list()] == ["mock-chat"]


@e2e
def test_prompt_template_route(server: ServeProcess, tenant_key: str) -> None:
    client = _client(server, tenant_key)
    reply = client.post(
        "/prompts/summarise",
        body={"variables": {"text": "the quick brown fox"}},
        cast_to=object,
    )
    assert reply["object"] == "chat.completion"
    assert "the quick brown fox" in reply["choices"][0]["message"]["content"]


@e2e
def test_model_outside_the_allow_list_is_404(server: ServeProcess, tenant_key: str) -> None:
    with pytest.raises(openai.NotFoundError) as info:
        _client(server, tenant_key).embeddings.create(model="mock-embed", input="x")
    assert info.value.body["code"] == "model_not_found"


# What the mock provider answers for "a" and "b" (8 dimensions from the SHA-256 of the
# text): the gateway, the Lambda proxy and `aigw serve` must hand them over unchanged.
MOCK_EMBEDDINGS = {
    "a": [-0.85542, 0.583896, 0.399956, -0.391719, 0.94481, -0.10698, 0.042709, 0.463163],
    "b": [-0.821041, -0.419152, -0.20851, -0.588322, -0.996254, -0.420507, 0.366652, 0.226581],
}


@e2e
def test_embeddings_for_an_allowed_tenant(local_env: LocalEnv, server: ServeProcess) -> None:
    local_env.aigw("tenants", "create", "embedder", "--tier", "premium", "--models", "*")
    key = local_env.aigw("keys", "create", "--tenant", "embedder")["key"]
    reply = _client(server, key).embeddings.create(
        model="mock-embed", input=["a", "b"], encoding_format="float"
    )
    assert reply.object == "list" and reply.model == "mock-embed"
    assert [d.index for d in reply.data] == [0, 1]
    assert reply.data[0].embedding == pytest.approx(MOCK_EMBEDDINGS["a"], abs=1e-6)
    assert reply.data[1].embedding == pytest.approx(MOCK_EMBEDDINGS["b"], abs=1e-6)
    assert reply.usage.prompt_tokens == 2 and reply.usage.total_tokens == 2  # 1 per input
    lines = [ln for ln in server.output().splitlines() if ln.startswith("POST /v1/embeddings ")]
    assert lines and " 200 " in lines[-1] and "tenant=embedder" in lines[-1]


@e2e
def test_missing_key_is_401_with_an_openai_body(server: ServeProcess) -> None:
    req = urllib.request.Request(server.url + "/v1/models")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=10)
    assert info.value.code == 401
    assert json.loads(info.value.read())["error"]["code"] == "invalid_api_key"


def _refused_models_calls(server: ServeProcess) -> list[str]:
    return [ln for ln in server.output().splitlines() if ln.startswith("GET /v1/models ")]


@e2e
def test_wrong_key_is_401_for_the_sdk(server: ServeProcess) -> None:
    with pytest.raises(openai.AuthenticationError) as info:
        _client(server, "aigw-v1-notakey").models.list()
    assert info.value.status_code == 401
    assert info.value.code == "invalid_api_key" and info.value.type == "invalid_request_error"
    # The authorizer refused it: the function never ran, so no tenant is on the line.
    assert " 401 " in _refused_models_calls(server)[-1]
    assert "tenant=-" in _refused_models_calls(server)[-1]


@e2e
def test_revoked_key_is_401(local_env: LocalEnv, server: ServeProcess) -> None:
    # Two keys issued alike; one is revoked before first use (the authorizer caches
    # decisions per key for its TTL, as API Gateway does, so a used key would stay
    # allowed until the cache entry expires).
    kept = local_env.aigw("keys", "create", "--tenant", "acme")
    issued = local_env.aigw("keys", "create", "--tenant", "acme")
    local_env.aigw("keys", "revoke", issued["key_id"])
    assert [m.id for m in _client(server, kept["key"]).models.list()] == ["mock-chat"]
    with pytest.raises(openai.AuthenticationError) as info:
        _client(server, issued["key"]).models.list()
    assert info.value.status_code == 401
    assert info.value.code == "invalid_api_key" and info.value.type == "invalid_request_error"
    refused = _refused_models_calls(server)[-1]
    assert " 401 " in refused and "tenant=-" in refused, "the function must not run"
    assert issued["key"] not in server.output()


@e2e
def test_curl_streams_and_gets_validation_errors(server: ServeProcess, tenant_key: str) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl not installed")

    def curl(body: str) -> tuple[int, str]:
        out = subprocess.run(
            [
                *("curl", "-sS", "-N", "--max-time", "20", "-w", "\n%{http_code}"),
                *(server.url + "/v1/chat/completions", "-H", f"Authorization: Bearer {tenant_key}"),
                *("-H", "Content-Type: application/json", "--data-binary", body),
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        text, _, code = out.stdout.rpartition("\n")
        return int(code), text

    code, text = curl(
        json.dumps(
            {"model": "mock-chat", "stream": True, "messages": [{"role": "user", "content": "x"}]}
        )
    )
    assert code == 200
    events = [ln[6:] for ln in text.splitlines() if ln.startswith("data: ")]
    assert events[-1] == "[DONE]" and json.loads(events[0])["object"] == "chat.completion.chunk"

    code, text = curl('{"model": ')
    assert code == 400 and json.loads(text)["error"]["code"] == "invalid_request_body"
    code, text = curl('{"model": "mock-chat"}')
    assert code == 400 and "messages" in json.loads(text)["error"]["message"]


@e2e
def test_request_log_lines_name_the_tenant_not_the_key(
    server: ServeProcess, tenant_key: str
) -> None:
    _client(server, tenant_key).chat.completions.create(
        model="mock-chat", messages=[{"role": "user", "content": "confidential words"}]
    )
    out = server.output()
    lines = [ln for ln in out.splitlines() if ln.startswith("POST /v1/chat/completions 200 ")]
    assert lines and "tenant=acme" in lines[-1]
    assert tenant_key not in out
    assert "confidential words" not in out


@e2e
def test_sigterm_stops_the_server_gracefully(local_env: LocalEnv, tenant_key: str) -> None:
    srv = ServeProcess(local_env)
    assert srv.stop() == 0
    assert "aigw serve: stopped" in srv.output()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", srv.port)) != 0


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
