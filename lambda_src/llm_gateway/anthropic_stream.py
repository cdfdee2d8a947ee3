"""Anthropic's streamed Messages events, from the providers' OpenAI chunks (ADR 0120).

The wire is named server-sent events: ``message_start``, a ``ping``, then per content
block ``content_block_start``, its ``content_block_delta`` events (``text_delta`` or
``input_json_delta``) and ``content_block_stop``, then ``message_delta`` (the stop
reason and the usage) and ``message_stop``. A failure after the first byte is one
``error`` event and no ``message_stop``.
"""

from __future__ import annotations

from aigw_shared.http_event import json_bytes
from llm_gateway import anthropic_shape
from llm_gateway.providers import base

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aigw_shared.errors import ApiError


def event(name: str, payload: dict[str, Any]) -> bytes:
    return b"event: " + name.encode() + b"\ndata: " + json_bytes(payload) + b"\n\n"


class MessageEncoder:
    """A ``streaming.Encoder`` that speaks Anthropic's stream."""

    __slots__ = (
        "alias",
        "blocks",
        "finish",
        "id",
        "open",
        "request_id",
        "started",
        "tools",
        "usage",
    )

    def __init__(self, alias: str, request_id: str | None = None) -> None:
        self.alias = alias
        self.request_id = request_id
        self.id = anthropic_shape.new_id()
        self.started = False
        self.blocks = 0  # content blocks started so far
        self.open: tuple[str, Any] | None = None  # ("text", None) or ("tool", call index)
        self.tools: dict[Any, int] = {}  # tool call index -> content block index
        self.finish: Any = None
        self.usage: dict[str, Any] | None = None

    def _start(self) -> bytes:
        self.started = True
        msg = {
            "id": self.id,
            "type": "message",
            "role": "assistant",
            "model": self.alias,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": 0, "output_tokens": 0},
        }
        return event("message_start", {"type": "message_start", "message": msg}) + event(
            "ping", {"type": "ping"}
        )

    def _close(self) -> bytes:
        if self.open is None:
            return b""
        self.open = None
        return event("content_block_stop", {"type": "content_block_stop", "index": self.blocks - 1})

    def _open(self, kind: str, key: Any, block: dict[str, Any]) -> bytes:
        data = self._close()
        self.open = (kind, key)
        self.blocks += 1
        start = {"type": "content_block_start", "index": self.blocks - 1, "content_block": block}
        return data + event("content_block_start", start)

    def _delta(self, index: int, delta: dict[str, Any]) -> bytes:
        return event(
            "content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}
        )

    def _text(self, text: str) -> bytes:
        data = b""
        if self.open != ("text", None):
            data = self._open("text", None, {"type": "text", "text": ""})
        return data + self._delta(self.blocks - 1, {"type": "text_delta", "text": text})

    def _tool(self, call: dict[str, Any]) -> bytes:
        data = b""
        key = call.get("index", 0)
        fn = call.get("function") or {}
        if key not in self.tools:
            block = {
                "type": "tool_use",
                "id": str(call.get("id") or "toolu_" + anthropic_shape.new_id()[4:]),
                "name": str(fn.get("name") or ""),
                "input": {},
            }
            data = self._open("tool", key, block)
            self.tools[key] = self.blocks - 1
        args = fn.get("arguments")
        if isinstance(args, str) and args:
            if self.open != (
                "tool",
                key,
            ):  # interleaved calls: Anthropic's blocks do not interleave
                raise base.upstream_unavailable("The upstream interleaved tool call arguments.")
            data += self._delta(self.tools[key], {"type": "input_json_delta", "partial_json": args})
        return data

    def chunk(self, chunk: dict[str, Any]) -> bytes | None:
        data = b"" if self.started else self._start()
        for choice in chunk.get("choices") or []:
            delta = choice.get("delta") or {}
            content = delta.get("content")
            if isinstance(content, str) and content:
                data += self._text(content)
            for call in delta.get("tool_calls") or []:
                if isinstance(call, dict):
                    data += self._tool(call)
            if choice.get("finish_reason"):
                self.finish = choice["finish_reason"]
        if isinstance(chunk.get("usage"), dict):
            self.usage = chunk["usage"]
        return data or None

    def end(self) -> bytes:
        data = (b"" if self.started else self._start()) + self._close()
        delta = {
            "type": "message_delta",
            "delta": {
                "stop_reason": anthropic_shape.stop_reason(self.finish),
                "stop_sequence": None,
            },
            "usage": anthropic_shape.usage(self.usage),
        }
        return (
            data + event("message_delta", delta) + event("message_stop", {"type": "message_stop"})
        )

    def error(self, err: ApiError) -> bytes:
        return event("error", anthropic_shape.error_body(err, self.request_id))
