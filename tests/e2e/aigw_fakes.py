"""Fake upstreams and a local HTTP adapter for the gateway core (loopback only).

- :class:`FakeOpenAI`: an OpenAI-compatible server whose behaviour is chosen by the
  requested model name (``ok``, ``slow``, ``stall``, ``r429``, ``r429-then-ok``,
  ``r500``, ``r400``, ``r401``, ``malformed``, ``reset``, ``midstream``,
  ``stall-mid`` (stalls ``slow_seconds`` after two words), ``tools``, ``nodone``).
  Late answers (``slow``: after ``slow_seconds``; ``stall``: headers at once, first
  event after ``slow_seconds``) say ``fake-openai <model> says``, so a test can tell
  them from a healthy answer.
- :class:`FakeBedrock` (``aigw_fake_bedrock.py``, re-exported here): the Bedrock runtime.
- ``*-then-ok`` models of both fakes throttle the first ``throttle_first`` calls.
- :class:`FakeExtension`: the Parameters and Secrets Lambda extension.
- :class:`GatewayServer`: mounts ``Gateway.handle`` behind an HTTP server.

Every server binds 127.0.0.1 on a free port and is stopped by ``close()``.
"""

import json
import time
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any

from aigw_fake_base import _Base, _Counting, _Server
from aigw_fake_bedrock import FakeBedrock, bedrock_event, eventstream_message  # noqa: F401

SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:openai-key"
UPSTREAM_KEY = "sk-upstream-secret-value"


def provider_configs(openai_url: str, bedrock_url: str, **extra: Any) -> dict[str, Any]:
    """Gateway providers ``oai`` and ``br`` for the two fakes (``extra`` added to both)."""
    return {
        "oai": {
            "type": "openai",
            "base_url": openai_url + "/v1",
            "api_key_secret_arn": SECRET_ARN,
            **extra,
        },
        "br": {"type": "bedrock", "region": "us-east-1", "endpoint_url": bedrock_url, **extra},
    }


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
        if model == "r429" or (model == "r429-then-ok" and self.fake.throttling(model)):
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
        who = f"fake-openai {model}" if model in ("slow", "stall") else "fake-openai"
        text = f"{who} says: {last.get('content')}"
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
                "choices": [
                    {
                        "index": 0,
                        "message": message,
                        "finish_reason": finish,
                        "logprobs": _logprobs(body),
                    }
                ],
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
        if model == "stall":
            time.sleep(self.fake.slow_seconds)
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
            if model == "stall-mid" and i == 2:
                time.sleep(self.fake.slow_seconds)
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


def _logprobs(body: dict[str, Any]) -> dict[str, Any] | None:
    """Log probabilities as OpenAI returns them, when the request asked for them."""
    if not body.get("logprobs"):
        return None
    top = [
        {"token": t, "logprob": -1.0 - i, "bytes": list(t.encode())}
        for i, t in enumerate(["fake", "fact", "fame"][: body.get("top_logprobs") or 0])
    ]
    entry = {"token": "fake", "logprob": -0.25, "bytes": list(b"fake"), "top_logprobs": top}
    return {"content": [entry], "refusal": None}


class FakeOpenAI(_Counting):
    handler_cls = _OpenAIHandler


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
    """Test stand-in for the authorizer: the key ``sk-<tenant>``, read from the headers
    by the authorizer's own ``extract_credential`` (``Authorization: Bearer`` or
    ``x-api-key``) → the tenant context."""
    from authorizer.core import extract_credential

    cred, _ = extract_credential({k.lower(): v for k, v in headers.items()})
    if not cred or not cred.startswith("sk-"):
        return {}
    return {
        "tenant": cred[len("sk-") :],
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
