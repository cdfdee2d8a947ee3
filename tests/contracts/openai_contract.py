"""Responses of the LLM gateway checked against OpenAI's published OpenAPI document.

``openai/schemas.json`` is a subset of the ``openai/openai-openapi`` document (see
``openai/README.md``). The document says ``openapi: 3.1.0`` (JSON Schema 2020-12) but
still uses the 3.0 keyword ``nullable: true`` in places; :func:`_nullable` rewrites it
to ``anyOf: [<schema>, {"type": "null"}]`` so both spellings mean what they say.

:class:`Contract` validates every response the gateway core produces during a test:
the conftests of ``tests/unit/llm_gateway`` and ``tests/e2e`` wrap
``Gateway.handle_request`` for the call phase of each test (``pytest_runtest_call``
below) and fail the test on any violation, naming the schema path. Clients of a
gateway in another process use :func:`checking_http_client`.
"""

from __future__ import annotations

import base64
import json
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import referencing
import referencing.jsonschema

DOC_URI = "urn:openai-openapi"
_DOC = json.loads((Path(__file__).parent / "openai" / "schemas.json").read_text())


def _nullable(node: Any) -> Any:
    if isinstance(node, list):
        return [_nullable(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _nullable(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable") is True:
        return {"anyOf": [out, {"type": "null"}]}
    return out


_RESOURCE = referencing.Resource.from_contents(
    _nullable(_DOC), default_specification=referencing.jsonschema.DRAFT202012
)
_REGISTRY = referencing.Registry().with_resource(DOC_URI, _RESOURCE)
_VALIDATORS: dict[str, jsonschema.Draft202012Validator] = {}


def validator(name: str) -> jsonschema.Draft202012Validator:
    """A validator for ``components.schemas.<name>`` of the vendored document."""
    if name not in _VALIDATORS:
        if name not in _DOC["components"]["schemas"]:
            raise KeyError(f"{name} is not in the vendored OpenAI schemas")
        _VALIDATORS[name] = jsonschema.Draft202012Validator(
            {"$ref": f"{DOC_URI}#/components/schemas/{name}"}, registry=_REGISTRY
        )
    return _VALIDATORS[name]


def problems(name: str, doc: Any) -> list[str]:
    """Every violation of schema ``name`` by ``doc`` (empty when it conforms)."""
    return [
        f"{name} at /{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator(name).iter_errors(doc)
    ]


def _decoded_embeddings(doc: Any) -> Any:
    """OpenAI answers ``encoding_format: base64`` with strings the schema does not
    describe (it only lists float arrays): decode them (little-endian float32) first."""
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        return doc
    data = []
    for item in doc["data"]:
        emb = item.get("embedding") if isinstance(item, dict) else None
        if isinstance(emb, str):
            raw = base64.b64decode(emb, validate=True)
            if len(raw) % 4:
                raise ValueError("a base64 embedding is not a whole number of float32 values")
            item = {**item, "embedding": list(struct.unpack(f"<{len(raw) // 4}f", raw))}
        data.append(item)
    return {**doc, "data": data}


# Routes of another API dialect (Anthropic's Messages API): their tests check them.
NOT_OPENAI = ("/v1/messages",)


def response_schema(method: str, path: str, status: int, stream: bool) -> str | None:
    """The schema of a (non-streamed) response, or None for paths OpenAI does not define."""
    if path.startswith(NOT_OPENAI):
        return None
    if status != 200:
        return "ErrorResponse"
    if stream:
        return None
    if path == "/v1/chat/completions" or path.startswith("/v1/prompts/"):
        return "CreateChatCompletionResponse"
    if path == "/v1/embeddings":
        return "CreateEmbeddingResponse"
    if path == "/v1/models":
        return "ListModelsResponse"
    if path.startswith("/v1/models/"):
        return "Model"
    if path == "/v1/responses" or (path.startswith("/v1/responses/") and method == "GET"):
        return "Response"
    return None  # DELETE /v1/responses/{id}: the document gives its 200 no schema


# The schema of each ``response.*`` stream event type the gateway sends.
RESPONSE_EVENTS = {
    "response.created": "ResponseCreatedEvent",
    "response.in_progress": "ResponseInProgressEvent",
    "response.completed": "ResponseCompletedEvent",
    "response.incomplete": "ResponseIncompleteEvent",
    "response.failed": "ResponseFailedEvent",
    "response.output_item.added": "ResponseOutputItemAddedEvent",
    "response.output_item.done": "ResponseOutputItemDoneEvent",
    "response.content_part.added": "ResponseContentPartAddedEvent",
    "response.content_part.done": "ResponseContentPartDoneEvent",
    "response.output_text.delta": "ResponseTextDeltaEvent",
    "response.output_text.done": "ResponseTextDoneEvent",
    "response.function_call_arguments.delta": "ResponseFunctionCallArgumentsDeltaEvent",
    "response.function_call_arguments.done": "ResponseFunctionCallArgumentsDoneEvent",
    "error": "ResponseErrorEvent",
}
RESPONSE_END = {"response.completed", "response.incomplete", "response.failed", "error"}


def text_response_event_types(deltas: int) -> list[str]:
    """The event types of a streamed Responses API answer of one text output with
    ``deltas`` text deltas, in the order OpenAI's API sends them."""
    return [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        *["response.output_text.delta"] * deltas,
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]


def sse_payloads(chunk: bytes) -> Iterator[str]:
    for _, data in sse_events(chunk):
        yield data


def sse_events(chunk: bytes) -> Iterator[tuple[str | None, str]]:
    """``(event name or None, data)`` of each event in ``chunk``."""
    for block in chunk.decode("utf-8").split("\n\n"):
        name = None
        for line in block.splitlines():
            if line.startswith("event: "):
                name = line[len("event: ") :]
            elif line.startswith("data: "):
                yield name, line[len("data: ") :]


class Contract:
    """Collects what was validated and every violation found."""

    def __init__(self) -> None:
        self.checked: list[str] = []
        self.violations: list[str] = []

    def check(self, name: str, doc: Any, where: str) -> None:
        self.checked.append(name)
        self.violations.extend(f"{where}: {p}" for p in problems(name, doc))

    def check_body(self, method: str, path: str, status: int, body: bytes) -> None:
        name = response_schema(method, path, status, stream=False)
        if name is None:
            return
        where = f"{method} {path} -> {status}"
        try:
            doc = json.loads(body)
        except ValueError:
            self.violations.append(f"{where}: the body is not JSON")
            return
        if name == "CreateEmbeddingResponse":
            try:
                doc = _decoded_embeddings(doc)
            except ValueError as exc:
                self.violations.append(f"{where}: {exc}")
                return
        self.check(name, doc, where)

    def checked_stream(self, method: str, path: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
        """Pass ``chunks`` through, validating every event: chunks of
        CreateChatCompletionStreamResponse, then ``[DONE]`` or one ErrorResponse."""
        where = f"{method} {path} (stream)"
        if path.startswith(NOT_OPENAI):
            yield from chunks
            return
        if path == "/v1/responses":
            yield from self._checked_response_stream(where, chunks)
            return
        ended = False
        for chunk in chunks:
            for data in sse_payloads(chunk):
                if ended:
                    self.violations.append(f"{where}: an event after the stream ended")
                if data == "[DONE]":
                    ended = True
                    continue
                try:
                    doc = json.loads(data)
                except ValueError:
                    self.violations.append(f"{where}: an event is not JSON: {data[:80]}")
                    continue
                if isinstance(doc, dict) and "error" in doc:
                    ended = True
                    self.check("ErrorResponse", doc, where)
                else:
                    self.check("CreateChatCompletionStreamResponse", doc, where)
            yield chunk

    def _checked_response_stream(self, where: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
        """``response.*`` events: each named by its ``event:`` line, which must equal its
        ``type``, each valid against that type's schema, numbered from 0, the first
        ``response.created`` and nothing after the terminal event."""
        seq = 0
        ended = False
        for chunk in chunks:
            for name, data in sse_events(chunk):
                if ended:
                    self.violations.append(f"{where}: an event after the stream ended")
                try:
                    doc = json.loads(data)
                except ValueError:
                    self.violations.append(f"{where}: an event is not JSON: {data[:80]}")
                    continue
                kind = doc.get("type") if isinstance(doc, dict) else None
                if name != kind:
                    self.violations.append(f"{where}: event {name!r} carries type {kind!r}")
                if seq == 0 and kind != "response.created":
                    self.violations.append(f"{where}: the first event is {kind!r}")
                if doc.get("sequence_number") != seq:
                    self.violations.append(f"{where}: {kind} is not sequence_number {seq}")
                seq += 1
                schema = RESPONSE_EVENTS.get(str(kind))
                if schema is None:
                    self.violations.append(f"{where}: unknown event type {kind!r}")
                    continue
                self.check(schema, doc, where)
                ended = kind in RESPONSE_END
            yield chunk
        if seq and not ended:
            self.violations.append(f"{where}: the stream ended without a terminal event")


_current: list[Contract] = []


def checking_http_client() -> Any:
    """An HTTP client for the ``openai`` SDK that validates every response it receives,
    for gateways running in another process (``aigw serve``). Streamed bodies are read
    whole before the SDK sees them."""
    import httpx2

    def on_response(response: Any) -> None:
        if not _current:
            return
        contract = _current[-1]
        response.read()
        method, path = response.request.method, response.request.url.path
        if response.headers.get("content-type", "").startswith("text/event-stream"):
            for _ in contract.checked_stream(method, path, iter([response.content])):
                pass
        else:
            contract.check_body(method, path, response.status_code, response.content)

    return httpx2.Client(event_hooks={"response": [on_response]})


def wrap_gateway(contract: Contract, monkeypatch: pytest.MonkeyPatch) -> None:
    """Validate every response ``Gateway.handle_request`` returns."""
    from aigw_shared.http_event import Response
    from llm_gateway.core import Gateway

    original = Gateway.handle_request

    def handle_request(self: Gateway, req: Any, remaining_ms: float | None = None) -> Response:
        resp = original(self, req, remaining_ms)
        if resp.stream is None:
            contract.check_body(req.method, req.path, resp.status, resp.body)
            return resp
        checked = contract.checked_stream(req.method, req.path, resp.stream)
        return Response(resp.status, resp.headers, resp.body, checked)

    monkeypatch.setattr(Gateway, "handle_request", handle_request)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    """For each test: validate every gateway response; fail the test on a violation."""
    contract = item.stash.setdefault(CONTRACT_KEY, Contract())
    mp = pytest.MonkeyPatch()
    wrap_gateway(contract, mp)
    _current.append(contract)
    try:
        result = yield
    finally:
        _current.remove(contract)
        mp.undo()
    if contract.violations:
        shown = "\n".join(contract.violations[:20])
        raise AssertionError(f"responses that break OpenAI's OpenAPI document:\n{shown}")
    return result


CONTRACT_KEY = pytest.StashKey[Contract]()


@pytest.fixture
def openai_contract(request: pytest.FixtureRequest) -> Contract:
    """The contract checker of the running test (what it validated so far)."""
    return request.node.stash.setdefault(CONTRACT_KEY, Contract())
