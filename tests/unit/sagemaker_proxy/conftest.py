"""Fixtures of the SageMaker proxy tests: events and a loopback SageMaker runtime."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sagemaker_proxy import handler as handler_mod

ROUTES = {
    "/v1/sagemaker/sentiment/invocations": {
        "name": "sentiment",
        "endpoint_name": "sentiment-hf",
        "content_type": "application/json",
        "accept": "application/json",
    },
    "/v1/sagemaker/churn/invocations": {
        "name": "churn",
        "endpoint_name": "churn-xgb",
        "content_type": "text/csv",
        "accept": "text/csv",
        "target_variant": "blue",
    },
    "/v1/models/image/raw": {
        "name": "image",
        "endpoint_name": "image-gen",
        "content_type": "application/json",
        "accept": "image/png",
        "response_format": "raw",
    },
}


def proxy_event(
    path: str,
    body: str | None,
    content_type: str = "application/json",
    method: str = "POST",
) -> dict:
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": {"Content-Type": content_type},
        "body": body,
        "isBase64Encoded": False,
        "requestContext": {"requestId": "req-1", "authorizer": {"tenant": "acme"}},
    }


class FakeRuntime:
    """A loopback SageMaker runtime: records each request, answers from a queue."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.answers: list[tuple[int, dict[str, str], bytes]] = []
        self.delay = threading.Event()  # set = answer; unset = hold (timeouts)
        self.delay.set()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                fake.requests.append(
                    {"path": self.path, "headers": dict(self.headers.items()), "body": body}
                )
                fake.delay.wait(timeout=3)
                status, headers, payload = fake.answers.pop(0) if fake.answers else (200, {}, b"{}")
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the client gave up (timeout test)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, status: int, body: bytes | dict | list, headers: dict[str, str] | None = None):
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.answers.append((status, headers or {"Content-Type": "application/json"}, payload))

    def error(self, status: int, code: str, message: str) -> None:
        self.answer(
            status,
            {"ErrorCode": code, "Message": message},
            {"Content-Type": "application/json", "X-Amzn-ErrorType": f"{code}:http://x/"},
        )


@pytest.fixture
def proxy_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AIGW_SAGEMAKER_ROUTES", json.dumps(ROUTES))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    handler_mod.reset()
    yield
    handler_mod.reset()


@pytest.fixture
def fake_runtime(proxy_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeRuntime]:
    fake = FakeRuntime()
    fake.thread.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL", fake.url)
    try:
        yield fake
    finally:
        fake.delay.set()
        fake.server.shutdown()
        fake.server.server_close()
        fake.thread.join(timeout=5)


@pytest.fixture
def make_event():
    return proxy_event
