"""Fake upstreams and a local HTTP adapter for the gateway core (loopback only).

- :class:`FakeOpenAI`: an OpenAI-compatible server whose behaviour is chosen by the
  requested model name (``ok``, ``slow``, ``r429``, ``r500``, ``r400``, ``r401``,
  ``malformed``, ``reset``, ``midstream``, ``tools``, ``nodone``).
- :class:`FakeBedrock`: Bedrock runtime ``converse``, ``converse-stream`` (binary
  event stream) and ``invoke`` (Titan/Cohere embeddings); model ids ``throttle``,
  ``validation``, ``denied``, ``timeout-model``, ``streamfail`` fail accordingly.
- :class:`FakeExtension`: the Parameters and Secrets Lambda extension.
- :class:`GatewayServer`: mounts ``Gateway.handle`` behind an HTTP server.

Every server binds 127.0.0.1 on a free port and is stopped by ``close()``.
"""

from __future__ import annotations

import binascii
import json
import struct
import threading
import time
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:openai-key"
UPSTREAM_KEY = "sk-upstream-secret-value"


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):  # clients hanging up is fine
            super().handle_error(request, client_address)


class _Server:
    handler_cls: type[BaseHTTPRequestHandler]

    def __init__(self) -> None:
        owner = self

        class Handler(self.handler_cls):  # type: ignore[misc,valid-type]
            fake = owner
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

        self.requests: list[dict[str, Any]] = []
        self.connections = 0
        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        orig = self.httpd.get_request

        def counting_get_request() -> Any:
            conn = orig()
            self.connections += 1
            return conn

        self.httpd.get_request = counting_get_request  # type: ignore[method-assign]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> _Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Base(BaseHTTPRequestHandler):
    fake: Any
    disable_nagle_algorithm = True  # headers and body go out as separate writes

    def read_body(self) -> bytes:
        n = int(self.headers.get("content-length") or 0)
        return self.rfile.read(n) if n else b""

    def send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def reset(self) -> None:
        """Drop the connection without answering (RST)."""
        import socket

        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()


# --------------------------------------------------------------------------- OpenAI


class _OpenAIHandler(_Base):
    def do_POST(self) -> None:
        body = json.loads(self.read_body() or b"{}")
        self.fake.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
        model = body.get("model", "ok")
        if self.path.split("?")[0].endswith("/embeddings"):
            data = [
                {"object": "embedding", "index": i, "embedding": [0.5, -0.25, float(i)]}
                for i, _ in enumerate(body["input"])
            ]
            self.send_json(
                200,
                {
                    "object": "list",
                    "data": data,
                    "model": model,
                    "usage": {"prompt_tokens": 7, "total_tokens": 7},
                },
            )
            return
        if model == "slow":
            time.sleep(self.fake.slow_seconds)
        if model == "r429":
            self.send_json(429, {"error": {"message": "slow down", "type": "rate_limit"}})
            return
        if model == "r500":
            self.send_json(500, {"error": {"message": "boom at host-12"}})
            return
        if model == "r400":
            self.send_json(400, {"error": {"message": "bad temperature", "type": "x"}})
            return
        if model == "r401":
            self.send_json(401, {"error": {"message": "invalid key sk-123"}})
            return
        if model == "malformed":
            self.send_json(200, b"{not json")
            return
        if model == "reset":
            self.reset()
            return
        last = body["messages"][-1]
        text = f"fake-openai says: {last.get('content')}"
        if body.get("stream"):
            self._stream(model, text, body)
            return
        message: dict[str, Any] = {"role": "assistant", "content": text}
        finish = "stop"
        if model == "tools" and body.get("tools") and last["role"] != "tool":
            message = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {
                            "name": body["tools"][0]["function"]["name"],
                            "arguments": json.dumps({"city": "Paris"}),
                        },
                    }
                ],
            }
            finish = "tool_calls"
        self.send_json(
            200,
            {
                "id": "up-1",
                "object": "chat.completion",
                "created": 1,
                "model": model,
                "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                "usage": {
                    "prompt_tokens": 11,
                    "completion_tokens": 5,
                    "total_tokens": 16,
                    "prompt_tokens_details": {"cached_tokens": 4},
                },
            },
        )

    def _stream(self, model: str, text: str, body: dict[str, Any]) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True

        def event(payload: Any) -> None:
            data = payload if isinstance(payload, str) else json.dumps(payload)
            self.wfile.write(f"data: {data}\n\n".encode())
            self.wfile.flush()

        base = {"id": "up-1", "object": "chat.completion.chunk", "created": 1, "model": model}
        event(
            {
                **base,
                "choices": [{"index": 0, "delta": {"role": "assistant"}, "finish_reason": None}],
            }
        )
        words = text.split(" ")
        for i, w in enumerate(words):
            if model == "midstream" and i == 2:
                self.reset()
                return
            event(
                {
                    **base,
                    "choices": [
                        {
                            "index": 0,
                            "delta": {"content": (" " if i else "") + w},
                            "finish_reason": None,
                        }
                    ],
                }
            )
        event({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        if (body.get("stream_options") or {}).get("include_usage"):
            event(
                {
                    **base,
                    "choices": [],
                    "usage": {
                        "prompt_tokens": 9,
                        "completion_tokens": len(words),
                        "total_tokens": 9 + len(words),
                    },
                }
            )
        if model != "nodone":
            event("[DONE]")


class FakeOpenAI(_Server):
    handler_cls = _OpenAIHandler
    slow_seconds = 1.0


# --------------------------------------------------------------------------- Bedrock


def _es_header(name: str, value: str) -> bytes:
    n, v = name.encode(), value.encode()
    return struct.pack("!B", len(n)) + n + b"\x07" + struct.pack("!H", len(v)) + v


def eventstream_message(headers: dict[str, str], payload: bytes) -> bytes:
    """One message of the AWS binary event-stream encoding."""
    hdrs = b"".join(_es_header(k, v) for k, v in headers.items())
    total = 12 + len(hdrs) + len(payload) + 4
    prelude = struct.pack("!II", total, len(hdrs))
    prelude += struct.pack("!I", binascii.crc32(prelude) & 0xFFFFFFFF)
    msg = prelude + hdrs + payload
    return msg + struct.pack("!I", binascii.crc32(msg) & 0xFFFFFFFF)


def bedrock_event(event_type: str, payload: dict[str, Any]) -> bytes:
    return eventstream_message(
        {":event-type": event_type, ":content-type": "application/json", ":message-type": "event"},
        json.dumps(payload).encode(),
    )


_BEDROCK_ERRORS = {
    "throttle": (429, "ThrottlingException", "Too many requests"),
    "validation": (
        400,
        "ValidationException",
        "messages.0: bad input for arn:aws:bedrock:us-east-1:123:model/x",
    ),
    "denied": (403, "AccessDeniedException", "User arn:aws:iam::123:role/secret is not authorized"),
    "timeout-model": (408, "ModelTimeoutException", "model timed out"),
    "unavailable": (503, "ServiceUnavailableException", "try later"),
}


class _BedrockHandler(_Base):
    def do_POST(self) -> None:
        raw = self.read_body()
        parts = urllib.parse.unquote(self.path).split("/")
        model, op = "/".join(parts[2:-1]), parts[-1]
        body = json.loads(raw or b"{}")
        self.fake.requests.append(
            {
                "path": self.path,
                "model": model,
                "op": op,
                "body": body,
                "headers": dict(self.headers),
            }
        )
        if model in _BEDROCK_ERRORS:
            status, code, message = _BEDROCK_ERRORS[model]
            self.send_json(status, {"message": message}, {"x-amzn-errortype": code})
            return
        if op == "invoke":
            if "cohere" in model:
                self.send_json(
                    200,
                    {
                        "embeddings": [[0.1, 0.2, 0.3] for _ in body["texts"]],
                        "id": "x",
                        "texts": body["texts"],
                    },
                )
            else:
                self.send_json(200, {"embedding": [0.1, 0.2, 0.3, 0.4], "inputTextTokenCount": 3})
            return
        texts = [b.get("text", "") for m in body["messages"] for b in m["content"]]
        answer = f"fake-bedrock says: {texts[-1] if texts else ''}"
        tool_cfg = body.get("toolConfig")
        last_is_result = any("toolResult" in b for b in body["messages"][-1]["content"])
        use_tool = bool(tool_cfg) and not last_is_result
        if op == "converse":
            content: list[dict[str, Any]] = [{"text": answer}]
            stop = "end_turn"
            if use_tool:
                name = tool_cfg["tools"][0]["toolSpec"]["name"]
                content = [
                    {
                        "toolUse": {
                            "toolUseId": "tooluse_1",
                            "name": name,
                            "input": {"city": "Paris"},
                        }
                    }
                ]
                stop = "tool_use"
            self.send_json(
                200,
                {
                    "output": {"message": {"role": "assistant", "content": content}},
                    "stopReason": stop,
                    "usage": {
                        "inputTokens": 10,
                        "outputTokens": 6,
                        "totalTokens": 16,
                        "cacheReadInputTokens": 2,
                    },
                    "metrics": {"latencyMs": 5},
                },
            )
            return
        self.send_response(200)
        self.send_header("content-type", "application/vnd.amazon.eventstream")
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True
        events = [bedrock_event("messageStart", {"role": "assistant"})]
        if use_tool:
            name = tool_cfg["tools"][0]["toolSpec"]["name"]
            events += [
                bedrock_event(
                    "contentBlockStart",
                    {
                        "contentBlockIndex": 0,
                        "start": {"toolUse": {"toolUseId": "tooluse_1", "name": name}},
                    },
                ),
                bedrock_event(
                    "contentBlockDelta",
                    {"contentBlockIndex": 0, "delta": {"toolUse": {"input": '{"city": '}}},
                ),
                bedrock_event(
                    "contentBlockDelta",
                    {"contentBlockIndex": 0, "delta": {"toolUse": {"input": '"Paris"}'}}},
                ),
                bedrock_event("contentBlockStop", {"contentBlockIndex": 0}),
                bedrock_event("messageStop", {"stopReason": "tool_use"}),
            ]
        else:
            for i, w in enumerate(answer.split(" ")):
                events.append(
                    bedrock_event(
                        "contentBlockDelta",
                        {"contentBlockIndex": 0, "delta": {"text": (" " if i else "") + w}},
                    )
                )
            events += [
                bedrock_event("contentBlockStop", {"contentBlockIndex": 0}),
                bedrock_event("messageStop", {"stopReason": "end_turn"}),
            ]
        events.append(
            bedrock_event(
                "metadata",
                {
                    "usage": {"inputTokens": 8, "outputTokens": 4, "totalTokens": 12},
                    "metrics": {"latencyMs": 3},
                },
            )
        )
        for i, ev in enumerate(events):
            if model == "streamfail" and i == 3:
                self.wfile.write(
                    eventstream_message(
                        {
                            ":exception-type": "modelStreamErrorException",
                            ":content-type": "application/json",
                            ":message-type": "exception",
                        },
                        json.dumps({"message": "stream broke"}).encode(),
                    )
                )
                self.wfile.flush()
                return
            self.wfile.write(ev)
            self.wfile.flush()


class FakeBedrock(_Server):
    handler_cls = _BedrockHandler


# --------------------------------------------------------------------------- extension


class _ExtensionHandler(_Base):
    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        self.fake.requests.append(
            {
                "path": url.path,
                "query": q,
                "token": self.headers.get("X-Aws-Parameters-Secrets-Token"),
            }
        )
        if self.headers.get("X-Aws-Parameters-Secrets-Token") != self.fake.token:
            self.send_json(401, {"message": "bad token"})
            return
        if self.fake.fail:
            self.send_json(500, {"message": "down"})
            return
        if url.path == "/systemsmanager/parameters/get" and q.get("name") in self.fake.parameters:
            self.send_json(
                200,
                {
                    "Parameter": {
                        "Name": q["name"],
                        "Type": "String",
                        "Value": self.fake.parameters[q["name"]],
                    }
                },
            )
        elif url.path == "/secretsmanager/get" and q.get("secretId") in self.fake.secrets:
            self.send_json(
                200, {"ARN": q["secretId"], "SecretString": self.fake.secrets[q["secretId"]]}
            )
        else:
            self.send_json(400, {"message": "not found"})


class FakeExtension(_Server):
    handler_cls = _ExtensionHandler

    def __init__(self, token: str = "session-token") -> None:  # noqa: S107 - a fake
        self.token = token
        self.fail = False
        self.parameters: dict[str, str] = {}
        self.secrets: dict[str, str] = {}
        super().__init__()


# --------------------------------------------------------------------------- gateway


def tenant_from_key(headers: dict[str, str]) -> dict[str, str]:
    """Test stand-in for the authorizer: ``Bearer sk-<tenant>`` → the tenant context."""
    auth = headers.get("authorization", "")
    if not auth.startswith("Bearer sk-"):
        return {}
    return {
        "tenant": auth[len("Bearer sk-") :],
        "tier": "standard",
        "key_id": "k1",
        "allowed_models": "*",
    }


class _GatewayHandler(BaseHTTPRequestHandler):
    gateway: Any
    auth_fn: Callable[[dict[str, str]], dict[str, str]]
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args: Any) -> None:
        pass

    def _serve(self) -> None:
        n = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(n) if n else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        path = urllib.parse.urlsplit(self.path).path
        resp = self.gateway.handle(self.command, path, headers, body, type(self).auth_fn(headers))
        self.send_response(resp.status)
        for k, v in resp.headers.items():
            self.send_header(k, v)
        if resp.stream is None:
            self.send_header("content-length", str(len(resp.body)))
            self.end_headers()
            self.wfile.write(resp.body)
            return
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        try:
            for chunk in resp.stream:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
        finally:
            close = getattr(resp.stream, "close", None)
            if close:
                close()

    do_GET = _serve
    do_POST = _serve
    do_PUT = _serve
    do_DELETE = _serve


class GatewayServer(_Server):
    def __init__(
        self, gateway: Any, auth_fn: Callable[[dict[str, str]], dict[str, str]] = tenant_from_key
    ) -> None:
        self.handler_cls = type(
            "H", (_GatewayHandler,), {"gateway": gateway, "auth_fn": staticmethod(auth_fn)}
        )
        super().__init__()


# --------------------------------------------------------------------------- runtime API


class _RuntimeHandler(_Base):
    def do_GET(self) -> None:
        import queue

        try:
            request_id, event, trace_id = self.fake.events.get(timeout=10)
        except queue.Empty:
            self.send_json(500, {"message": "no event queued"})
            return
        data = json.dumps(event).encode()
        self.send_response(200)
        self.send_header("Lambda-Runtime-Aws-Request-Id", request_id)
        self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 60000))
        if trace_id is not None:
            self.send_header("Lambda-Runtime-Trace-Id", trace_id)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        record: dict[str, Any] = {
            "path": self.path,
            "headers": dict(self.headers),
            "chunks": [],
            "trailers": {},
        }
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            for _ in range(1_000_000):
                size = int(self.rfile.readline().strip() or b"0", 16)
                if size == 0:
                    break
                record["chunks"].append(self.rfile.read(size))
                self.rfile.readline()
            for _ in range(100):
                line = self.rfile.readline().strip()
                if not line:
                    break
                k, _, v = line.decode().partition(":")
                record["trailers"][k.strip()] = v.strip()
        else:
            record["chunks"].append(self.read_body())
        self.fake.responses.append(record)
        self.send_json(202, {"status": "OK"})


class FakeRuntimeAPI(_Server):
    """The Lambda Runtime API: queue events with :meth:`invoke`; responses are recorded
    with their chunks exactly as they arrived."""

    handler_cls = _RuntimeHandler

    def __init__(self) -> None:
        import queue

        self.events: queue.Queue[tuple[str, Any, str | None]] = queue.Queue()
        self.responses: list[dict[str, Any]] = []
        super().__init__()

    @property
    def api(self) -> str:
        return f"127.0.0.1:{self.port}"

    def invoke(self, request_id: str, event: Any, trace_id: str | None = None) -> None:
        """Queue an invocation; ``trace_id`` is sent as ``Lambda-Runtime-Trace-Id``."""
        self.events.put((request_id, event, trace_id))


def split_streamed_response(chunks: list[bytes]) -> tuple[dict[str, Any], bytes]:
    """The JSON prelude and the body of an HTTP-integration streaming response."""
    raw = b"".join(chunks)
    head, sep, body = raw.partition(b"\x00" * 8)
    assert sep, "no prelude delimiter"
    return json.loads(head), body
