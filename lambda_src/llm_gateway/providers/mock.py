"""The ``mock`` provider: deterministic answers for ``envs/local`` and tests.

Never a real model. The answer is a fixed sentence that echoes the last user text.
Target models named ``fail-429``, ``fail-500``, ``fail-timeout`` and ``fail-400`` fail
the way their name says (to exercise routing and fallback locally).
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Iterator

from aigw_shared.text import text_of
from llm_gateway.config import ProviderConfig, Target
from llm_gateway.providers import base

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_FAILURES = {
    "fail-429": base.rate_limited,
    "fail-500": base.upstream_unavailable,
    "fail-timeout": base.upstream_timeout,
    "fail-400": lambda: base.bad_request("The mock provider rejected the request."),
}


class MockProvider:
    def __init__(self, config: ProviderConfig) -> None:
        self.config = config

    def _fail(self, target: Target) -> None:
        make = _FAILURES.get(target.model)
        if make is not None:
            raise make()

    def _answer(self, target: Target, request: dict[str, Any]) -> tuple[dict[str, Any], str, dict]:
        messages = request.get("messages", [])
        prompt = " ".join(text_of(m.get("content")) for m in messages)
        last_user = next(
            (text_of(m.get("content")) for m in reversed(messages) if m.get("role") == "user"), ""
        )
        tools = request.get("tools") or []
        choice = request.get("tool_choice")
        wants_tool = (
            tools
            and (choice == "required" or isinstance(choice, dict))
            and messages
            and messages[-1].get("role") != "tool"
        )
        if wants_tool:
            name = (
                choice["function"]["name"]
                if isinstance(choice, dict)
                else tools[0]["function"]["name"]
            )
            call_id = "call_mock_" + hashlib.sha256(prompt.encode()).hexdigest()[:12]
            message = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": call_id,
                        "type": "function",
                        "function": {"name": name, "arguments": json.dumps({"mock": True})},
                    }
                ],
            }
            finish, text = "tool_calls", ""
        else:
            text = f"[mock:{target.model}] You said: {last_user[:200]}"
            max_tokens = request.get("max_completion_tokens") or request.get("max_tokens")
            finish = "stop"
            words = text.split(" ")
            if max_tokens and len(words) > max_tokens:
                text, finish = " ".join(words[:max_tokens]), "length"
            message = {"role": "assistant", "content": text}
        usage = {
            "prompt_tokens": base.rough_tokens(prompt),
            "completion_tokens": len(text.split()) if text else 1,
        }
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        return message, finish, usage

    def chat(self, target: Target, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        self._fail(target)
        message, finish, usage = self._answer(target, request)
        return {
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": usage,
        }

    def chat_stream(
        self, target: Target, request: dict[str, Any], timeout: float
    ) -> Iterator[dict[str, Any]]:
        self._fail(target)
        message, finish, usage = self._answer(target, request)

        def gen() -> Iterator[dict[str, Any]]:
            yield {
                "choices": [
                    {
                        "index": 0,
                        "delta": {"role": "assistant", "content": ""},
                        "finish_reason": None,
                    }
                ]
            }
            if message.get("tool_calls"):
                calls = [{"index": 0, **c} for c in message["tool_calls"]]
                yield {
                    "choices": [{"index": 0, "delta": {"tool_calls": calls}, "finish_reason": None}]
                }
            else:
                words = message["content"].split(" ")
                for i, word in enumerate(words):
                    piece = word if i == 0 else " " + word
                    yield {
                        "choices": [
                            {"index": 0, "delta": {"content": piece}, "finish_reason": None}
                        ]
                    }
            yield {"choices": [{"index": 0, "delta": {}, "finish_reason": finish}]}
            yield {"choices": [], "usage": usage}

        return gen()

    def embed(
        self, target: Target, inputs: list[str], dimensions: int | None, timeout: float
    ) -> tuple[list[list[float]], int]:
        self._fail(target)
        size = dimensions or 8
        vectors = []
        for text in inputs:
            seed = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
            raw = (seed * (size * 4 // len(seed) + 1))[: size * 4]
            ints = struct.unpack(f"<{size}I", raw)
            vectors.append([round(i / 2**32 * 2 - 1, 6) for i in ints])
        return vectors, sum(base.rough_tokens(t) for t in inputs)
