"""``http`` / ``http_proxy`` / VPC link routes in serve, against a loopback back end."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from aigw import serve
from aigw.serve.integrations import Services

STAGE = serve.Stage("api123", "v1", "us-east-1", "123456789012")


class Backend(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: ClassVar[list[dict[str, Any]]] = []

    def log_message(self, *a: Any) -> None:
        pass

    def _serve(self) -> None:
        n = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(n) if n else b""
        Backend.seen.append(
            {"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body}
        )
        if self.path.startswith("/slow"):
            time.sleep(1.0)
        status = 418 if self.path.startswith("/teapot") else 200
        out = json.dumps({"echo": body.decode(), "path": self.path}).encode()
        try:
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("x-backend", "yes")
            self.send_header("content-length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)
        except ConnectionError:
            pass  # the slow route's caller timed out and left

    do_GET = do_POST = do_PUT = _serve


@pytest.fixture(scope="module")
def backend() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Backend)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def op(integration: dict[str, Any], verb: str = "post") -> dict[str, Any]:
    return {verb: {"security": [], "x-amazon-apigateway-integration": integration}}


def plane_for(paths: dict[str, Any], backends: dict[str, str] | None = None) -> serve.DataPlane:
    doc = {
        "openapi": "3.0.1",
        "paths": paths,
        "x-amazon-apigateway-gateway-responses": {
            kind: {
                "statusCode": status,
                "responseTemplates": {
                    "application/json": '{"error": {"message": $context.error.messageString, '
                    f'"type": "api_error", "code": "{kind.lower()}", "param": null}}}}'
                },
            }
            for kind, status in (("INTEGRATION_FAILURE", "502"), ("INTEGRATION_TIMEOUT", "504"))
        },
    }
    services = Services("", "us-east-1", lambda r: None, backends=backends or {})
    routes = serve.routes_from_openapi(doc)
    bindings = [
        serve.integration_type(r.integration_type).bind(r, lambda a: None, services)  # type: ignore[arg-type,return-value]
        for r in routes
    ]
    return serve.DataPlane(doc, STAGE, bindings, {})


def request(method: str, path: str, body: bytes = b"", query=(), **headers: str) -> serve.Incoming:
    return serve.Incoming(method, path, list(query), list(headers.items()), body)


def test_http_proxy_passes_the_request_and_the_answer_through(backend: str) -> None:
    p = plane_for(
        {
            "/v1/echo": op(
                {"type": "http_proxy", "httpMethod": "ANY", "uri": f"{backend}/echo"}, "put"
            )
        }
    )
    Backend.seen.clear()
    result = p.dispatch(
        request(
            "PUT",
            "/v1/echo",
            b"raw \x00 bytes?",
            [("a", "1")],
            **{"x-client": "c", "content-type": "text/plain"},
        )
    )
    assert result.status == 200 and result.headers["x-backend"] == "yes"
    assert json.loads(result.body) == {"echo": "raw \x00 bytes?", "path": "/echo?a=1"}
    sent = Backend.seen[-1]
    assert sent["method"] == "PUT" and sent["headers"]["x-client"] == "c"


def test_http_maps_with_templates_and_selects_by_status(backend: str) -> None:
    integration = {
        "type": "http",
        "httpMethod": "POST",
        "uri": f"{backend}/teapot",
        "requestTemplates": {"application/json": "{\"q\": $input.json('$.question')}"},
        "responses": {
            "4\\d{2}": {
                "statusCode": "400",
                "responseTemplates": {"application/json": "{\"refused\": $input.json('$.echo')}"},
                "responseParameters": {
                    "method.response.header.X-From": "integration.response.header.x-backend"
                },
            },
            "default": {"statusCode": "200"},
        },
    }
    p = plane_for({"/v1/ask": op(integration)})
    result = p.dispatch(
        request("POST", "/v1/ask", b'{"question": "tea?"}', **{"content-type": "application/json"})
    )
    assert result.status == 400 and result.headers["x-from"] == "yes"
    assert json.loads(result.body) == {"refused": '{"q": "tea?"}'}


def test_vpc_link_routes_go_to_the_configured_loopback_back_end(backend: str) -> None:
    integration = {
        "type": "http_proxy",
        "httpMethod": "GET",
        "connectionType": "VPC_LINK",
        "connectionId": "vl123",
        "uri": "http://internal-nlb-1234.elb.us-east-1.amazonaws.com/status",
    }
    unmapped = plane_for({"/v1/status": op(integration, "get")})
    res = unmapped.dispatch(request("GET", "/v1/status"))
    assert res.status == 501
    assert "VPC link vl123 has no local back end" in json.loads(res.body)["error"]["message"]
    p = plane_for({"/v1/status": op(integration, "get")}, {"vl123": backend})
    res = p.dispatch(request("GET", "/v1/status"))
    assert res.status == 200 and json.loads(res.body)["path"] == "/status"
    assert "VPC link vl123" in p.bindings[0].target


def test_an_unreachable_or_slow_back_end_is_the_integration_gateway_response(backend: str) -> None:
    p = plane_for(
        {
            "/v1/down": op(
                {"type": "http_proxy", "httpMethod": "GET", "uri": "http://127.0.0.1:9/"}, "get"
            ),
            "/v1/slow": op(
                {
                    "type": "http_proxy",
                    "httpMethod": "GET",
                    "uri": f"{backend}/slow",
                    "timeoutInMillis": 200,
                },
                "get",
            ),
        }
    )
    down = p.dispatch(request("GET", "/v1/down"))
    assert down.status == 502 and json.loads(down.body)["error"]["code"] == "integration_failure"
    slow = p.dispatch(request("GET", "/v1/slow"))
    assert slow.status == 504
    assert json.loads(slow.body)["error"]["message"] == "Endpoint request timed out"
