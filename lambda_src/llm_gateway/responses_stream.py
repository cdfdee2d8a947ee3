"""The streamed Responses API: chat chunks as ``response.*`` server-sent events.

Each event is ``event: <type>`` plus ``data: <json>`` with a ``sequence_number`` that
counts from 0, in the order OpenAI's API sends them: ``response.created`` and
``response.in_progress``; for the text, ``response.output_item.added`` (a ``message``),
``response.content_part.added``, ``response.output_text.delta`` …,
``response.output_text.done``, ``response.content_part.done``,
``response.output_item.done``; for each function call ``response.output_item.added``
(a ``function_call``), ``response.function_call_arguments.delta`` …,
``response.function_call_arguments.done``, ``response.output_item.done``; then
``response.completed`` (or ``response.incomplete`` when the output was cut by
``max_output_tokens`` or a content filter) with the whole ``response``. An upstream
failure after the first chunk ends the stream with ``response.failed``; a gateway bug
with an ``error`` event. Schemas: OpenAI's OpenAPI document, ``Response*Event``.
"""

from __future__ import annotations

import time

from aigw_shared.http_event import json_bytes
from llm_gateway import responses_shape as shape

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from aigw_shared.errors import ApiError


class ResponseEncoder:
    """A :class:`llm_gateway.streaming.Encoder` for ``POST /v1/responses``.

    ``on_done(response, assistant_message)`` is called once with the final
    ``response`` object and the answer as a chat message, before ``response.completed``
    is sent (the endpoint stores it there)."""

    def __init__(
        self,
        resp_id: str,
        alias: str,
        options: dict[str, Any],
        on_done: Callable[[dict[str, Any], dict[str, Any]], None],
    ) -> None:
        self.id = resp_id
        self.alias = alias
        self.options = options
        self.on_done = on_done
        self.created_at = int(time.time())
        self.seq = 0
        self.started = False
        self.done: dict[int, dict[str, Any]] = {}  # finished items by output index
        self.text: list[str] = []
        self.message: dict[str, Any] | None = None  # the open message item
        self.message_index = -1
        self.calls: dict[int, tuple[int, dict[str, Any]]] = {}  # chunk index -> open call
        self.finish: str | None = None
        self.usage: dict[str, Any] | None = None
        self.next_index = 0

    # ------------------------------------------------------------ wire

    def _event(self, kind: str, **fields: Any) -> bytes:
        payload = {"type": kind, "sequence_number": self.seq, **fields}
        self.seq += 1
        return b"event: " + kind.encode() + b"\ndata: " + json_bytes(payload) + b"\n\n"

    def _response(self, status: str, **kw: Any) -> dict[str, Any]:
        return shape.response(
            self.id,
            self.alias,
            self.options,
            created_at=self.created_at,
            status=status,
            output=[self.done[i] for i in sorted(self.done)],
            **kw,
        )

    def _start(self) -> bytes:
        self.started = True
        doc = self._response("in_progress")
        return self._event("response.created", response=doc) + self._event(
            "response.in_progress", response=doc
        )

    # ------------------------------------------------------------ items

    def _open_message(self) -> bytes:
        self.message = shape.message_item("", status="in_progress")
        self.message_index = self._claim()
        item_id = self.message["id"]
        return self._event(
            "response.output_item.added", output_index=self.message_index, item=self.message
        ) + self._event(
            "response.content_part.added",
            item_id=item_id,
            output_index=self.message_index,
            content_index=0,
            part=shape.text_part(""),
        )

    def _close_message(self) -> bytes:
        if self.message is None:
            return b""
        text, item_id, index = "".join(self.text), self.message["id"], self.message_index
        done = shape.message_item(text, item_id=item_id)
        self.message = None
        self.done[index] = done
        common = {"item_id": item_id, "output_index": index, "content_index": 0}
        return (
            self._event("response.output_text.done", text=text, logprobs=[], **common)
            + self._event("response.content_part.done", part=shape.text_part(text), **common)
            + self._event("response.output_item.done", output_index=index, item=done)
        )

    def _claim(self) -> int:
        index = self.next_index
        self.next_index += 1
        return index

    def _call_delta(self, delta: dict[str, Any]) -> bytes:
        out = b""
        pos = delta.get("index", 0)
        fn = delta.get("function") or {}
        if pos not in self.calls:
            out += self._close_message()
            item = shape.call_item(
                {"id": delta.get("id"), "function": {"name": fn.get("name"), "arguments": ""}},
                status="in_progress",
            )
            index = self._claim()
            self.calls[pos] = (index, item)
            out += self._event("response.output_item.added", output_index=index, item=item)
        index, item = self.calls[pos]
        if fn.get("name") and not item["name"]:
            item["name"] = fn["name"]
        piece = fn.get("arguments")
        if isinstance(piece, str) and piece:
            item["arguments"] += piece
            out += self._event(
                "response.function_call_arguments.delta",
                item_id=item["id"],
                output_index=index,
                delta=piece,
            )
        return out

    def _close_calls(self) -> bytes:
        out = b""
        for index, item in sorted(self.calls.values(), key=lambda c: c[0]):
            done = {**item, "status": "completed"}
            out += self._event(
                "response.function_call_arguments.done",
                item_id=item["id"],
                name=item["name"],
                output_index=index,
                arguments=item["arguments"],
            )
            out += self._event("response.output_item.done", output_index=index, item=done)
            self.done[index] = done
        self.calls = {}
        return out

    # ------------------------------------------------------------ Encoder

    def chunk(self, chunk: dict[str, Any]) -> bytes | None:
        out = b"" if self.started else self._start()
        if isinstance(chunk.get("usage"), dict):
            self.usage = chunk["usage"]
        for choice in (chunk.get("choices") or [])[:1]:
            delta = choice.get("delta") or {}
            content = delta.get("content")
            if isinstance(content, str) and content:
                if self.message is None:
                    out += self._open_message()
                self.text.append(content)
                out += self._event(
                    "response.output_text.delta",
                    item_id=self.message["id"],
                    output_index=self.message_index,
                    content_index=0,
                    delta=content,
                    logprobs=[],
                )
            for call in delta.get("tool_calls") or []:
                if isinstance(call, dict):
                    out += self._call_delta(call)
            if choice.get("finish_reason"):
                self.finish = choice["finish_reason"]
        return out or None

    def end(self) -> bytes:
        out = b"" if self.started else self._start()
        out += self._close_message() + self._close_calls()
        doc = self._response("completed", finish_reason=self.finish, chat_usage=self.usage)
        message = shape.assistant_message(doc["output"])
        self.on_done(doc, message)
        kind = "response.completed" if doc["status"] == "completed" else "response.incomplete"
        return out + self._event(kind, response=doc)

    def error(self, err: ApiError) -> bytes:
        out = b"" if self.started else self._start()
        if err.code == "internal_error":
            return out + self._event("error", code=err.code, message=err.message, param=None)
        code = "rate_limit_exceeded" if err.status == 429 else "server_error"
        doc = self._response("failed", error={"code": code, "message": err.message})
        return out + self._event("response.failed", response=doc)
