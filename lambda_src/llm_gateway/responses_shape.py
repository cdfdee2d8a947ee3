"""OpenAI's Responses API in the chat shape providers speak (ADR 0014), and back.

:func:`parse` validates a ``POST /v1/responses`` body (every mistake a 400 naming the
``param``, every field the gateway does not implement refused with
``unsupported_parameter``) and translates it into a chat request that
``validation.chat_request`` accepts: ``instructions`` becomes the first system
message, ``input`` items become messages (``function_call`` items an assistant
message's ``tool_calls``, ``function_call_output`` items ``tool`` messages), function
tools and ``tool_choice`` their chat spellings, ``max_output_tokens``
``max_completion_tokens``. :func:`output_items`, :func:`usage` and :func:`response`
build the ``response`` object of OpenAI's OpenAPI document (``Response``) from a chat
answer. ``docs/llm-gateway.md`` lists the decision for every parameter.
"""

from __future__ import annotations

import os
import time

from aigw_shared.errors import ApiError, invalid_request
from llm_gateway import parameters, validation

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from llm_gateway.config import LimitsConfig

# Fields understood here; ``parameters.ACCEPTED_NOT_FORWARDED`` are accepted as well.
FIELDS = {
    "model", "input", "instructions", "tools", "tool_choice", "max_output_tokens",
    "temperature", "top_p", "metadata", "store", "previous_response_id", "stream",
    "parallel_tool_calls", "user", "text", "truncation", "include",
}  # fmt: skip
_ROLES = ("user", "system", "developer", "assistant")
MAX_METADATA = 16


def new_id(prefix: str) -> str:
    return f"{prefix}_{os.urandom(16).hex()}"


def _bool(body: dict[str, Any], key: str, default: bool) -> bool:
    v = body.get(key)
    if v is None:
        return default
    if not isinstance(v, bool):
        raise validation._type(key, "a boolean")
    return v


def _only(body: dict[str, Any], key: str, allowed: tuple[Any, ...], shown: str) -> None:
    """``key`` may only take the default behaviour's values (anything else changes what
    the gateway would have to do and is refused)."""
    if body.get(key) is not None and body[key] not in allowed:
        raise invalid_request(
            f"'{key}' is only supported as {shown} by this gateway.", key, "unsupported_value"
        )


def _metadata(v: Any) -> dict[str, str]:
    if v is None:
        return {}
    if not isinstance(v, dict):
        raise validation._type("metadata", "an object")
    if len(v) > MAX_METADATA:
        raise invalid_request(
            f"'metadata' holds more than {MAX_METADATA} keys.", "metadata", "object_above_max_size"
        )
    for k, x in v.items():
        if len(k) > 64 or not isinstance(x, str) or len(x) > 512:
            raise invalid_request(
                "'metadata' maps keys of up to 64 characters to strings of up to 512.",
                "metadata",
            )
    return dict(v)


def _text_parts(content: Any, param: str, role: str) -> Any:
    """A message's content in the chat shape: a string, or text (and, for the user,
    image) parts."""
    if isinstance(content, str):
        return validation._string(content, param)
    if not isinstance(content, list) or not content:
        raise validation._type(param, "a string or a non-empty array of content parts")
    wanted = "output_text" if role == "assistant" else "input_text"
    parts: list[dict[str, Any]] = []
    for i, part in enumerate(content):
        p = f"{param}[{i}]"
        if not isinstance(part, dict):
            raise validation._type(p, "an object")
        kind = part.get("type")
        if kind == wanted or (role == "assistant" and kind == "refusal"):
            key = "refusal" if kind == "refusal" else "text"
            parts.append({"type": "text", "text": validation._string(part.get(key), f"{p}.{key}")})
        elif kind == "input_image" and role == "user":
            url = validation._string(part.get("image_url"), f"{p}.image_url", allow_empty=False)
            entry = {"url": url}
            if part.get("detail") is not None:
                entry["detail"] = part["detail"]
            parts.append({"type": "image_url", "image_url": entry})
        else:
            allowed = wanted + (", input_image" if role == "user" else "")
            allowed += ", refusal" if role == "assistant" else ""
            raise invalid_request(
                f"'{p}.type' must be one of: {allowed}.", f"{p}.type", "unsupported_value"
            )
    return parts


def _items(raw: Any) -> list[dict[str, Any]]:
    """``input`` as chat messages."""
    if isinstance(raw, str):
        return [{"role": "user", "content": validation._string(raw, "input")}]
    if not isinstance(raw, list):
        raise validation._type("input", "a string or an array of input items")
    messages: list[dict[str, Any]] = []
    for i, item in enumerate(raw):
        p = f"input[{i}]"
        if not isinstance(item, dict):
            raise validation._type(p, "an object")
        kind = item.get("type", "message")
        if kind == "message":
            role = item.get("role")
            if role not in _ROLES:
                raise invalid_request(
                    f"'{p}.role' must be one of: {', '.join(_ROLES)}.", f"{p}.role"
                )
            messages.append(
                {"role": role, "content": _text_parts(item.get("content"), f"{p}.content", role)}
            )
        elif kind == "function_call":
            call = {
                "id": validation._string(item.get("call_id"), f"{p}.call_id", allow_empty=False),
                "type": "function",
                "function": {
                    "name": validation._string(item.get("name"), f"{p}.name", allow_empty=False),
                    "arguments": validation._string(item.get("arguments"), f"{p}.arguments"),
                },
            }
            last = messages[-1] if messages else None
            if last is not None and last["role"] == "assistant":
                last.setdefault("tool_calls", []).append(call)
            else:
                messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
        elif kind == "function_call_output":
            output = item.get("output")
            messages.append(
                {
                    "role": "tool",
                    "tool_call_id": validation._string(
                        item.get("call_id"), f"{p}.call_id", allow_empty=False
                    ),
                    "content": _text_parts(output, f"{p}.output", "tool")
                    if isinstance(output, list)
                    else validation._string(output, f"{p}.output"),
                }
            )
        else:
            raise invalid_request(
                f"'{p}.type' must be one of: message, function_call, function_call_output.",
                f"{p}.type",
                "unsupported_value",
            )
    return messages


def _tools(raw: Any) -> list[dict[str, Any]]:
    """Function tools in the chat spelling; built-in tools (``web_search``, …) refused."""
    if not isinstance(raw, list):
        raise validation._type("tools", "an array")
    tools = []
    for i, t in enumerate(raw):
        if not isinstance(t, dict) or t.get("type") != "function":
            kind = t.get("type") if isinstance(t, dict) else None
            raise invalid_request(
                f"The tool type '{str(kind)[:50]}' is not supported by this gateway; "
                "only 'function' tools are.",
                f"tools[{i}].type",
                "unsupported_parameter",
            )
        fn = {k: t[k] for k in ("name", "description", "parameters", "strict") if k in t}
        tools.append({"type": "function", "function": fn})
    return tools


def _tool_choice(v: Any) -> Any:
    if isinstance(v, dict) and v.get("type") == "function":
        return {"type": "function", "function": {"name": v.get("name")}}
    return v


def parse(body: Any, limits: LimitsConfig) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(options, chat)``: the Responses options the answer echoes and the validated
    chat request for this turn (without the history of ``previous_response_id``)."""
    body = validation.require_object(body)
    parameters.unknown_fields(body, FIELDS)
    if body.get("model") is None:
        raise validation._missing("model")
    if body.get("input") is None:
        raise validation._missing("input")
    _only(body, "truncation", ("disabled",), "'disabled'")
    _only(body, "include", ([],), "an empty array")
    fmt = body.get("text")
    if fmt is not None and fmt != {} and fmt != {"format": {"type": "text"}}:
        raise invalid_request(
            "'text' is only supported as {'format': {'type': 'text'}} by this gateway.",
            "text",
            "unsupported_value",
        )
    instructions = body.get("instructions")
    messages = _items(body["input"])
    if instructions is not None:
        messages.insert(
            0, {"role": "system", "content": validation._string(instructions, "instructions")}
        )
    chat: dict[str, Any] = {"model": body["model"], "messages": messages}
    for key in ("temperature", "top_p", "parallel_tool_calls", "user", "stream"):
        if body.get(key) is not None:
            chat[key] = body[key]
    if body.get("max_output_tokens") is not None:
        chat["max_completion_tokens"] = body["max_output_tokens"]
    if body.get("tools") is not None:
        chat["tools"] = _tools(body["tools"])
    if body.get("tool_choice") is not None:
        chat["tool_choice"] = _tool_choice(body["tool_choice"])
    try:
        chat = validation.chat_request(chat, limits)
    except ApiError as err:  # the chat field names, spelt as the Responses API does
        _rename_param(err)
        raise
    prev = body.get("previous_response_id")
    options = {
        "instructions": instructions,
        "metadata": _metadata(body.get("metadata")),
        "store": None if body.get("store") is None else _bool(body, "store", True),
        "previous_response_id": None
        if prev is None
        else validation._string(prev, "previous_response_id", allow_empty=False),
        "parallel_tool_calls": chat.get("parallel_tool_calls", True),
        "max_output_tokens": chat.get("max_completion_tokens"),
        "temperature": chat.get("temperature", 1),
        "top_p": chat.get("top_p", 1),
        "tools": [_response_tool(t["function"]) for t in chat.get("tools", [])],
        "tool_choice": _response_tool_choice(chat.get("tool_choice", "auto")),
    }
    return options, chat


_RENAMED = {"max_completion_tokens": "max_output_tokens", "messages": "input"}


def _rename_param(err: ApiError) -> None:
    param = err.param
    if isinstance(param, str):
        head, sep, rest = param.partition("[")
        head, dot, tail = head.partition(".")
        if head in _RENAMED:
            err.param = _RENAMED[head] + dot + tail + sep + rest
            err.message = err.message.replace(f"'{head}", f"'{_RENAMED[head]}")


def _response_tool(fn: dict[str, Any]) -> dict[str, Any]:
    tool = {
        "type": "function",
        "name": fn["name"],
        "parameters": fn.get("parameters"),
        "strict": fn.get("strict"),
    }
    if fn.get("description") is not None:
        tool["description"] = fn["description"]
    return tool


def _response_tool_choice(choice: Any) -> Any:
    if isinstance(choice, dict):
        return {"type": "function", "name": choice["function"]["name"]}
    return choice


# ---------------------------------------------------------------- the answer


def message_item(text: str, status: str = "completed", item_id: str | None = None) -> dict:
    return {
        "type": "message",
        "id": item_id or new_id("msg"),
        "status": status,
        "role": "assistant",
        "content": [text_part(text)] if status == "completed" else [],
    }


def text_part(text: str) -> dict[str, Any]:
    return {"type": "output_text", "text": text, "annotations": [], "logprobs": []}


def call_item(call: dict[str, Any], status: str = "completed") -> dict[str, Any]:
    fn = call.get("function") or {}
    return {
        "type": "function_call",
        "id": "fc_" + os.urandom(16).hex(),
        "call_id": call.get("id") or new_id("call"),
        "name": fn.get("name") or "",
        "arguments": fn.get("arguments") or "",
        "status": status,
    }


def output_items(message: dict[str, Any]) -> list[dict[str, Any]]:
    """A chat answer's assistant message as output items: its text, then its calls."""
    items = []
    content = message.get("content")
    if isinstance(content, str) and content:
        items.append(message_item(content))
    items.extend(call_item(c) for c in message.get("tool_calls") or [])
    return items


def usage(chat_usage: dict[str, Any] | None) -> dict[str, Any]:
    u = chat_usage or {}
    cached = (u.get("prompt_tokens_details") or {}).get("cached_tokens") or 0
    reasoning = (u.get("completion_tokens_details") or {}).get("reasoning_tokens") or 0
    inp, out = int(u.get("prompt_tokens") or 0), int(u.get("completion_tokens") or 0)
    return {
        "input_tokens": inp,
        "input_tokens_details": {"cached_tokens": int(cached), "cache_write_tokens": 0},
        "output_tokens": out,
        "output_tokens_details": {"reasoning_tokens": int(reasoning)},
        "total_tokens": int(u.get("total_tokens") or inp + out),
    }


_INCOMPLETE = {"length": "max_output_tokens", "content_filter": "content_filter"}


def response(
    resp_id: str,
    alias: str,
    options: dict[str, Any],
    *,
    created_at: int,
    status: str,
    output: list[dict[str, Any]],
    finish_reason: str | None = None,
    chat_usage: dict[str, Any] | None = None,
    error: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The ``response`` object (schema ``Response``)."""
    reason = _INCOMPLETE.get(finish_reason or "")
    if status == "completed" and reason:
        status = "incomplete"
    doc = {
        "id": resp_id,
        "object": "response",
        "created_at": created_at,
        "status": status,
        "completed_at": int(time.time()) if status == "completed" else None,
        "error": error,
        "incomplete_details": {"reason": reason} if status == "incomplete" else None,
        "model": alias,
        "output": output,
        "text": {"format": {"type": "text"}},
        "truncation": "disabled",
        "usage": usage(chat_usage) if status != "in_progress" else None,
        **options,
    }
    if doc["usage"] is None:
        del doc["usage"]
    return doc


def assistant_message(output: list[dict[str, Any]]) -> dict[str, Any]:
    """Output items as the chat message a later turn continues from."""
    text = "".join(
        part["text"]
        for item in output
        if item["type"] == "message"
        for part in item["content"]
        if part["type"] == "output_text"
    )
    calls = [
        {
            "id": item["call_id"],
            "type": "function",
            "function": {"name": item["name"], "arguments": item["arguments"]},
        }
        for item in output
        if item["type"] == "function_call"
    ]
    message: dict[str, Any] = {"role": "assistant", "content": text or None}
    if calls:
        message["tool_calls"] = calls
    return message
