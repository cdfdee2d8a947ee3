"""The fields OpenAI's response schemas require, filled in where a provider left them out.

OpenAI's OpenAPI document (``CreateChatCompletionResponse``) requires every choice to
carry ``index``, ``finish_reason``, ``logprobs`` (``null`` unless requested) and a
``message`` with ``role``, ``content`` and ``refusal`` (both may be ``null``); stream
chunks (``CreateChatCompletionStreamResponse``) require ``index``, ``delta`` and
``finish_reason`` (``null`` until the last chunk). Typed clients that validate required
fields reject answers without them. Values a provider did send are kept as they are.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def completion_choices(choices: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for i, choice in enumerate(choices):
        message = dict(choice.get("message") or {})
        message.setdefault("role", "assistant")
        message.setdefault("content", None)
        message.setdefault("refusal", None)
        out.append(
            {
                **choice,
                "index": choice.get("index", i),
                "message": message,
                "logprobs": choice.get("logprobs"),
                "finish_reason": choice.get("finish_reason") or "stop",
            }
        )
    return out


def chunk_choices(choices: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **choice,
            "index": choice.get("index", i),
            "delta": choice.get("delta") or {},
            "finish_reason": choice.get("finish_reason"),
        }
        for i, choice in enumerate(choices)
    ]
