"""Per-request overhead of the Responses and Messages dialects, and the cost of a stored
Responses turn.

Overhead: the gateway core (``Gateway.handle``, in this process) against the loopback
fake OpenAI-compatible upstream, each path interleaved with a direct ``http.client``
call of the same kind (buffered or streamed, read to the end) to the same fake: the
overhead is gateway − direct, p50 and p99, and each dialect's is also given as a ratio
to the chat completion's, measured in the same run. ``store: false`` on the Responses
paths: the table's cost is measured apart.

Stored turn: ``POST /v1/responses`` with ``store: true`` then a turn continuing it with
``previous_response_id``, against moto's in-process DynamoDB (``tests/ddb_inprocess.py``)
with the mock provider, minus the same turns unstored: the gateway's own work per
stored turn (serialise, compress, put; get, decompress) plus moto's, not DynamoDB's
latency. The DynamoDB calls per turn are counted on the client.
"""

from __future__ import annotations

import http.client
import json
import os
import sys
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

MESSAGES = [{"role": "user", "content": "Say hello"}]
ANTHROPIC = {"anthropic-version": "2023-06-01", "content-type": "application/json"}
AUTH = {"tenant": "bench", "allowed_models": "*"}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _paths() -> dict[str, tuple[str, dict[str, str], dict[str, Any]]]:
    """Path name -> (gateway path, headers, body), all answered by model ``gpt``."""
    return {
        "chat completions": ("/v1/chat/completions", {}, {"model": "gpt", "messages": MESSAGES}),
        "responses": (
            "/v1/responses",
            {},
            {"model": "gpt", "input": "Say hello", "store": False},
        ),
        "responses streamed": (
            "/v1/responses",
            {},
            {"model": "gpt", "input": "Say hello", "store": False, "stream": True},
        ),
        "messages": (
            "/v1/messages",
            ANTHROPIC,
            {"model": "gpt", "max_tokens": 64, "messages": MESSAGES},
        ),
        "messages streamed": (
            "/v1/messages",
            ANTHROPIC,
            {"model": "gpt", "max_tokens": 64, "messages": MESSAGES, "stream": True},
        ),
    }


def dialect_overhead(n: int, openai_url: str, cfg_doc: dict[str, Any]) -> dict[str, Any]:
    from llm_gateway.config import parse_config
    from llm_gateway.core import Gateway

    cfg = parse_config(cfg_doc)
    gw = Gateway(lambda: cfg, log_sink=lambda _: None, metrics_sink=lambda _: None)
    u = urllib.parse.urlsplit(openai_url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    headers = {"content-type": "application/json"}
    direct_payloads = {
        stream: json.dumps(
            {"model": "ok", "messages": MESSAGES, "stream": stream}
            | ({"stream_options": {"include_usage": True}} if stream else {})
        )
        for stream in (False, True)
    }

    def direct(stream: bool) -> Callable[[], None]:
        def call() -> None:
            conn.request("POST", "/v1/chat/completions", direct_payloads[stream], headers)
            data = conn.getresponse().read()
            if not stream:
                json.loads(data)

        return call

    def via(path: str, extra: dict[str, str], body: bytes) -> Callable[[], None]:
        def call() -> None:
            resp = gw.handle("POST", path, extra, body, AUTH)
            assert resp.status == 200, resp.body
            resp.read_all()

        return call

    calls: dict[str, tuple[Callable[[], None], Callable[[], None]]] = {}
    for name, (path, extra, body) in _paths().items():
        stream = bool(body.get("stream"))
        calls[name] = (direct(stream), via(path, extra, json.dumps(body).encode()))
    for _ in range(30):  # warm up
        for d, g in calls.values():
            d()
            g()
    samples = {name: ([], []) for name in calls}
    for _ in range(n):
        for name, (d, g) in calls.items():
            for fn, bucket in ((d, samples[name][0]), (g, samples[name][1])):
                t = time.perf_counter()
                fn()
                bucket.append((time.perf_counter() - t) * 1000)
    conn.close()
    out: dict[str, Any] = {"n": n, "paths": {}, "load": os.getloadavg()}
    for name, (d, g) in samples.items():
        out["paths"][name] = {
            "direct_p50_ms": _pct(d, 0.5),
            "gateway_p50_ms": _pct(g, 0.5),
            "overhead_p50_ms": _pct(g, 0.5) - _pct(d, 0.5),
            "overhead_p99_ms": _pct(g, 0.99) - _pct(d, 0.99),
        }
    return out


class _CountingClient:
    """A DynamoDB client that counts the calls made through it."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.calls: dict[str, int] = {}

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] = self.calls.get(name, 0) + 1
            return attr(*args, **kwargs)

        return call


def stored_turn_cost(n: int, cfg_doc: dict[str, Any]) -> dict[str, Any] | None:
    try:
        from ddb_inprocess import dynamodb_table
    except ImportError:  # moto is a test dependency
        return None
    from llm_gateway.config import parse_config

    cfg = parse_config(cfg_doc)
    # moto's in-process backend, not an endpoint an earlier measurement pointed boto3 at.
    endpoint = os.environ.pop("AWS_ENDPOINT_URL", None)
    try:
        return _stored_turn_cost(n, cfg, dynamodb_table)
    finally:
        if endpoint is not None:
            os.environ["AWS_ENDPOINT_URL"] = endpoint


def _stored_turn_cost(n: int, cfg: Any, dynamodb_table: Any) -> dict[str, Any]:
    from llm_gateway.core import Gateway

    with dynamodb_table("bench-responses") as table:
        client = _CountingClient(table.client)
        environ = {"AIGW_RESPONSES_TABLE": table.name, "AIGW_RESPONSES_RETENTION_DAYS": "1"}
        gw = Gateway(
            lambda: cfg,
            log_sink=lambda _: None,
            metrics_sink=lambda _: None,
            quota_client=client,
            environ=environ,
        )

        def turn(store: bool, previous: str | None) -> tuple[float, str]:
            body: dict[str, Any] = {"model": "mock", "input": "Say hello", "store": store}
            if previous:
                body["previous_response_id"] = previous
            t = time.perf_counter()
            resp = gw.handle("POST", "/v1/responses", {}, json.dumps(body).encode(), AUTH)
            elapsed = (time.perf_counter() - t) * 1000
            assert resp.status == 200, resp.body
            return elapsed, json.loads(resp.body)["id"]

        plain, first, second = [], [], []
        for i in range(n + 10):
            p, _ = turn(False, None)
            before = dict(client.calls)
            f, first_id = turn(True, None)
            s, _ = turn(True, first_id)
            if i >= 10:
                plain.append(p)
                first.append(f)
                second.append(s)
        per_pair = {k: v - before.get(k, 0) for k, v in client.calls.items()}
    return {
        "n": n,
        "plain_p50_ms": _pct(plain, 0.5),
        "store_extra_p50_ms": _pct(first, 0.5) - _pct(plain, 0.5),
        "store_extra_p99_ms": _pct(first, 0.99) - _pct(plain, 0.99),
        "continue_extra_p50_ms": _pct(second, 0.5) - _pct(plain, 0.5),
        "continue_extra_p99_ms": _pct(second, 0.99) - _pct(plain, 0.99),
        "calls_per_stored_pair": per_pair,
    }


def markdown(over: dict[str, Any], stored: dict[str, Any] | None) -> list[str]:
    chat = over["paths"]["chat completions"]["overhead_p50_ms"]
    lines = [
        "",
        "### Dialects (`bench/llm_gateway/dialects_bench.py`)",
        "",
        f"{over['n']} interleaved requests per path, each beside a direct call of the same "
        "kind (buffered or streamed, read to the end) to the fake upstream; Responses with "
        "`store: false` (the table is measured below). Ratio: the path's overhead p50 over "
        "the chat completion's in the same run. Load average (1, 5, 15 min) when the "
        "paths were measured: " + ", ".join(f"{x:.1f}" for x in over.get("load", ())) + ".",
        "",
        "| Path | direct p50 ms | overhead p50 ms | overhead p99 ms | / chat p50 | Goal |",
        "|---|---|---|---|---|---|",
    ]
    for name, p in over["paths"].items():
        ok = p["overhead_p50_ms"] <= 1 and p["overhead_p99_ms"] <= 3
        lines.append(
            f"| {name} | {p['direct_p50_ms']:.3f} | {p['overhead_p50_ms']:.3f} | "
            f"{p['overhead_p99_ms']:.3f} | "
            f"{p['overhead_p50_ms'] / chat if chat > 0 else float('nan'):.2f} | "
            f"{'met' if ok else 'MISSED'} (≤ 1 / ≤ 3 ms) |"
        )
    if stored is None:
        lines += ["", "Stored turn: not measured (moto is not installed)."]
    else:
        calls = ", ".join(f"{k} × {v}" for k, v in sorted(stored["calls_per_stored_pair"].items()))
        lines += [
            "",
            f"Stored turn ({stored['n']} pairs, mock provider, moto's in-process DynamoDB, so "
            "the figures are the gateway's own work plus moto's, not DynamoDB's latency): a "
            f"turn with `store: true` costs +{stored['store_extra_p50_ms']:.3f} ms p50 / "
            f"+{stored['store_extra_p99_ms']:.3f} ms p99 over the same turn unstored "
            f"({stored['plain_p50_ms']:.3f} ms p50); a turn continuing it with "
            f"`previous_response_id` (read, then store) +{stored['continue_extra_p50_ms']:.3f} "
            f"ms p50 / +{stored['continue_extra_p99_ms']:.3f} ms p99. DynamoDB calls for the "
            f"pair: {calls}.",
        ]
    return lines
