"""Bedrock's Converse shape, both ways: pure functions, no client.

:func:`to_converse` maps a validated OpenAI chat request to Converse / ConverseStream
keyword arguments; :func:`from_converse` and :func:`stream_to_chunks` map the answers
back to an OpenAI completion and OpenAI chunks (``map_usage`` for the token counts).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Iterator

from aigw_shared.text import text_of
from llm_gateway.providers import base
from llm_gateway.providers.bedrock_errors import map_error_code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from llm_gateway.config import Target

STOP_REASONS = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "tool_use": "tool_calls",
    "guardrail_intervened": "content_filter",
    "content_filtered": "content_filter",
}
_IMAGE_FORMATS = {"png": "png", "jpeg": "jpeg", "jpg": "jpeg", "gif": "gif", "webp": "webp"}
_DATA_URL = re.compile(r"^data:image/([a-zA-Z]+);base64,(.*)$", re.S)


# --------------------------------------------------------------------------- request


def _image_block(url: str, where: str) -> dict[str, Any]:
    m = _DATA_URL.match(url)
    if not m or m.group(1).lower() not in _IMAGE_FORMATS:
        raise base.bad_request(
            f"{where}: Bedrock targets accept images only as base64 "
            "data: URLs (png, jpeg, gif, webp)."
        )
    try:
        data = base64.b64decode(m.group(2), validate=True)
    except (binascii.Error, ValueError):
        raise base.bad_request(f"{where}: the image data is not valid base64.") from None
    return {"image": {"format": _IMAGE_FORMATS[m.group(1).lower()], "source": {"bytes": data}}}


def _content_blocks(content: Any, where: str) -> list[dict[str, Any]]:
    if content is None:
        return []
    if isinstance(content, str):
        return [{"text": content}] if content else []
    blocks = []
    for i, part in enumerate(content):
        if part.get("type") == "text":
            if part["text"]:
                blocks.append({"text": part["text"]})
        elif part.get("type") == "image_url":
            blocks.append(_image_block(part["image_url"]["url"], f"{where}[{i}]"))
        elif part.get("type") == "s3_image":  # an upload the gateway resolved (uploads.py)
            s3 = part["s3"]
            source = {"s3Location": {"uri": s3["uri"]}}
            blocks.append({"image": {"format": s3["format"], "source": source}})
        elif part.get("type") == "s3_document":
            s3 = part["s3"]
            source = {"s3Location": {"uri": s3["uri"]}}
            blocks.append(
                {"document": {"format": s3["format"], "name": s3["name"], "source": source}}
            )
        else:
            raise base.bad_request(
                f"{where}[{i}]: Bedrock targets read files only by upload reference."
            )
    return blocks


def _tool_history_as_text(messages: list[dict[str, Any]]) -> None:
    """Rewrite toolUse/toolResult blocks as text blocks, in place.

    Converse has no "none" tool choice: the only way to forbid a tool call is to send no
    toolConfig, and Converse requires toolConfig whenever the messages hold a toolUse or
    toolResult block. So for ``tool_choice: "none"`` the earlier calls and results reach
    the model as text it can read but not continue as a call."""
    for message in messages:
        for i, block in enumerate(message["content"]):
            if "toolUse" in block:
                use = block["toolUse"]
                text = f"[tool call {use['toolUseId']}: {use['name']}({json.dumps(use['input'])})]"
                message["content"][i] = {"text": text}
            elif "toolResult" in block:
                result = block["toolResult"]
                body = " ".join(part.get("text", "") for part in result["content"])
                message["content"][i] = {"text": f"[tool result {result['toolUseId']}: {body}]"}


def to_converse(request: dict[str, Any], target: Target) -> dict[str, Any]:
    """Converse keyword arguments for a validated OpenAI chat request."""
    system: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []

    def add(role: str, blocks: list[dict[str, Any]]) -> None:
        if not blocks:
            return
        if messages and messages[-1]["role"] == role:  # Converse needs alternating roles
            messages[-1]["content"].extend(blocks)
        else:
            messages.append({"role": role, "content": blocks})

    for i, msg in enumerate(request["messages"]):
        role, where = msg["role"], f"messages[{i}].content"
        if role in ("system", "developer"):
            text = text_of(msg.get("content"))
            if text:
                system.append({"text": text})
        elif role == "user":
            add("user", _content_blocks(msg.get("content"), where))
        elif role == "assistant":
            blocks = _content_blocks(msg.get("content"), where)
            for j, call in enumerate(msg.get("tool_calls") or []):
                try:
                    args = json.loads(call["function"]["arguments"] or "{}")
                except ValueError:
                    args = None
                if not isinstance(args, dict):
                    raise base.bad_request(
                        f"messages[{i}].tool_calls[{j}].function.arguments "
                        "must be a JSON object encoded as a string."
                    )
                blocks.append(
                    {
                        "toolUse": {
                            "toolUseId": call["id"],
                            "name": call["function"]["name"],
                            "input": args,
                        }
                    }
                )
            add("assistant", blocks)
        elif role == "tool":
            add(
                "user",
                [
                    {
                        "toolResult": {
                            "toolUseId": msg["tool_call_id"],
                            "content": [{"text": text_of(msg.get("content")) or "(empty)"}],
                        }
                    }
                ],
            )
    fmt = request.get("response_format") or {}
    if fmt.get("type") == "json_object":
        system.append({"text": "Respond with a single valid JSON object and nothing else."})
    elif fmt.get("type") == "json_schema":
        schema = (fmt.get("json_schema") or {}).get("schema", {})
        system.append(
            {
                "text": "Respond with a single valid JSON object and nothing else, "
                "matching this JSON schema: " + json.dumps(schema)
            }
        )

    kwargs: dict[str, Any] = {"modelId": target.model, "messages": messages}
    if system:
        kwargs["system"] = system
    inference: dict[str, Any] = {}
    max_tokens = request.get("max_completion_tokens") or request.get("max_tokens")
    if max_tokens:
        inference["maxTokens"] = max_tokens
    if request.get("temperature") is not None:
        inference["temperature"] = request["temperature"]
    if request.get("top_p") is not None:
        inference["topP"] = request["top_p"]
    stop = request.get("stop")
    if stop:
        inference["stopSequences"] = [stop] if isinstance(stop, str) else list(stop)
    if inference:
        kwargs["inferenceConfig"] = inference
    tools = request.get("tools") or []
    if not tools or request.get("tool_choice") == "none":
        # No toolConfig at all (Converse's tool choices are auto, any and tool), so any
        # tool history goes as text.
        _tool_history_as_text(messages)
    elif tools:
        tool_config: dict[str, Any] = {
            "tools": [
                {
                    "toolSpec": {
                        "name": t["function"]["name"],
                        "description": t["function"].get("description") or t["function"]["name"],
                        "inputSchema": {
                            "json": t["function"].get("parameters")
                            or {"type": "object", "properties": {}}
                        },
                    }
                }
                for t in tools
            ]
        }
        choice = request.get("tool_choice")
        if choice == "required":
            tool_config["toolChoice"] = {"any": {}}
        elif isinstance(choice, dict):
            tool_config["toolChoice"] = {"tool": {"name": choice["function"]["name"]}}
        elif choice == "auto":
            tool_config["toolChoice"] = {"auto": {}}
        kwargs["toolConfig"] = tool_config
    if target.guardrail:
        kwargs["guardrailConfig"] = {
            "guardrailIdentifier": target.guardrail.id,
            "guardrailVersion": target.guardrail.version,
            "trace": "enabled" if target.guardrail.trace else "disabled",
        }
    return kwargs


# --------------------------------------------------------------------------- response


def map_usage(usage: dict[str, Any] | None) -> dict[str, Any]:
    """OpenAI usage from Converse usage (Bedrock's inputTokens exclude cache reads/writes)."""
    usage = usage or {}
    cache_read = int(usage.get("cacheReadInputTokens") or 0)
    cache_write = int(usage.get("cacheWriteInputTokens") or 0)
    prompt = int(usage.get("inputTokens") or 0) + cache_read + cache_write
    completion = int(usage.get("outputTokens") or 0)
    out: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }
    if cache_read or cache_write:
        out["prompt_tokens_details"] = {
            "cached_tokens": cache_read,
            "cache_write_tokens": cache_write,
        }
        out["cache_creation_input_tokens"] = cache_write
    return out


def from_converse(resp: dict[str, Any]) -> dict[str, Any]:
    """OpenAI ``choices`` and ``usage`` from a Converse response."""
    try:
        blocks = resp["output"]["message"]["content"]
    except (KeyError, TypeError):
        raise base.upstream_unavailable(
            "The upstream provider returned a malformed response."
        ) from None
    texts, calls = [], []
    for block in blocks or []:
        if "text" in block:
            texts.append(block["text"])
        elif "toolUse" in block:
            tu = block["toolUse"]
            calls.append(
                {
                    "id": tu["toolUseId"],
                    "type": "function",
                    "function": {
                        "name": tu["name"],
                        "arguments": json.dumps(tu.get("input") or {}),
                    },
                }
            )
    message: dict[str, Any] = {
        "role": "assistant",
        "content": "".join(texts) if texts or not calls else None,
    }
    if calls:
        message["tool_calls"] = calls
    finish = STOP_REASONS.get(resp.get("stopReason", "end_turn"), "stop")
    return {
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": map_usage(resp.get("usage")),
    }


def stream_to_chunks(events: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """OpenAI chunk bodies from ConverseStream events (usage comes last)."""
    tool_index: dict[int, int] = {}
    finish = None
    usage = None

    def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
        return {"choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]}

    for event in events:
        if "messageStart" in event:
            yield chunk({"role": "assistant", "content": ""})
        elif "contentBlockStart" in event:
            start = event["contentBlockStart"].get("start", {})
            if "toolUse" in start:
                idx = event["contentBlockStart"].get("contentBlockIndex", 0)
                tool_index[idx] = len(tool_index)
                tu = start["toolUse"]
                yield chunk(
                    {
                        "tool_calls": [
                            {
                                "index": tool_index[idx],
                                "id": tu["toolUseId"],
                                "type": "function",
                                "function": {"name": tu["name"], "arguments": ""},
                            }
                        ]
                    }
                )
        elif "contentBlockDelta" in event:
            cbd = event["contentBlockDelta"]
            delta = cbd.get("delta", {})
            if "text" in delta:
                yield chunk({"content": delta["text"]})
            elif "toolUse" in delta:
                idx = tool_index.get(cbd.get("contentBlockIndex", 0), 0)
                yield chunk(
                    {
                        "tool_calls": [
                            {
                                "index": idx,
                                "function": {"arguments": delta["toolUse"].get("input", "")},
                            }
                        ]
                    }
                )
        elif "messageStop" in event:
            finish = STOP_REASONS.get(event["messageStop"].get("stopReason"), "stop")
            yield chunk({}, finish)
        elif "metadata" in event:
            usage = map_usage(event["metadata"].get("usage"))
        else:
            for key, value in event.items():
                if key.endswith("Exception"):
                    raise map_error_code(key, str((value or {}).get("message", "")))
    if finish is None:
        raise base.upstream_unavailable("The upstream stream ended early.")
    yield {"choices": [], "usage": usage or base.empty_usage()}
