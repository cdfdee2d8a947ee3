"""Anthropic's Messages API, translated to and from the gateway's chat shape (ADR 0120).

:func:`chat_request` validates a ``POST /v1/messages`` body (every mistake is a 400
naming the Anthropic parameter) and returns the equivalent OpenAI chat request, which
``validation.chat_request`` then normalises like any other (ADR 0014). :func:`message`
turns the providers' OpenAI ``choices``/``usage`` into an Anthropic ``message`` object;
:func:`error_body` is the Anthropic error shape. The stream encoder is in
``anthropic_stream.py``.
"""

from __future__ import annotations

import json
import os

from aigw_shared.errors import ApiError, invalid_request
from llm_gateway.providers import base

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# The API versions this translation implements (the ``anthropic-version`` header).
# 2026-10-21 removed the sampling parameters: sending one is a 400 there.
VERSIONS = ("2023-06-01", "2026-10-21")
NO_SAMPLING_FROM = "2026-10-21"
# Accepted and not forwarded: they change neither the answer nor the gateway's work.
ACCEPTED_NOT_FORWARDED = ("service_tier",)
MESSAGE_FIELDS = {
    "model", "messages", "max_tokens", "system", "stop_sequences", "temperature", "top_p",
    "top_k", "tools", "tool_choice", "metadata", "stream",
}  # fmt: skip
COUNT_FIELDS = {"model", "messages", "system", "tools", "tool_choice"}
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
STOP_REASONS = {
    "stop": "end_turn",
    "length": "max_tokens",
    "tool_calls": "tool_use",
    "function_call": "tool_use",
    "content_filter": "refusal",
}
# Anthropic error ``type`` by HTTP status (https://docs.anthropic.com/en/api/errors;
# ``timeout_error`` is the SDK's type for 504): other 4xx are invalid_request_error,
# other 5xx api_error.
ERROR_TYPES = {
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    503: "overloaded_error",
    504: "timeout_error",
    529: "overloaded_error",
}


def error_type(status: int) -> str:
    if status in ERROR_TYPES:
        return ERROR_TYPES[status]
    return "invalid_request_error" if status < 500 else "api_error"


def error_body(err: ApiError, request_id: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "error",
        "error": {"type": error_type(err.status), "message": err.message},
    }
    if request_id:
        body["request_id"] = request_id
    return body


# --------------------------------------------------------------------------- request


def _type(param: str, expected: str) -> ApiError:
    return invalid_request(f"{param}: Input should be {expected}.", param, "invalid_type")


def _missing(param: str) -> ApiError:
    return invalid_request(f"{param}: Field required.", param, "missing_required_parameter")


def _unsupported(param: str, why: str) -> ApiError:
    return invalid_request(
        f"{param}: {why} is not supported by this gateway.", param, "unsupported_parameter"
    )


def _str(v: Any, param: str, allow_empty: bool = True) -> str:
    if not isinstance(v, str):
        raise _type(param, "a valid string")
    if not allow_empty and not v:
        raise invalid_request(f"{param}: String should have at least 1 character.", param)
    return v


def _num(body: dict[str, Any], key: str, lo: float, hi: float) -> float | None:
    v = body.get(key)
    if v is None:
        return None
    if not isinstance(v, int | float) or isinstance(v, bool) or v != v:
        raise _type(key, "a valid number")
    if not lo <= v <= hi:
        raise invalid_request(f"{key}: Input should be between {lo} and {hi}.", key)
    return v


def _extra(block: dict[str, Any], allowed: set[str], param: str) -> None:
    """400 for a key of a content block the gateway does not understand
    (``cache_control`` is a caching hint: accepted, not forwarded)."""
    for key in sorted(block):
        if key not in allowed and key != "cache_control":
            raise _unsupported(f"{param}.{str(key)[:60]}", f"'{str(key)[:60]}'")


def _text_block(block: dict[str, Any], param: str) -> dict[str, Any]:
    _extra(block, {"type", "text", "citations"}, param)
    if block.get("citations"):
        raise _unsupported(f"{param}.citations", "'citations'")
    return {"type": "text", "text": _str(block.get("text"), f"{param}.text")}


def _image_block(block: dict[str, Any], param: str) -> dict[str, Any]:
    _extra(block, {"type", "source"}, param)
    src = block.get("source")
    if not isinstance(src, dict):
        raise _type(f"{param}.source", "an object")
    kind = src.get("type")
    if kind == "base64":
        media = src.get("media_type")
        if media not in IMAGE_TYPES:
            raise invalid_request(
                f"{param}.source.media_type: Input should be one of {', '.join(IMAGE_TYPES)}.",
                f"{param}.source.media_type",
            )
        data = _str(src.get("data"), f"{param}.source.data", allow_empty=False)
        return {"type": "image_url", "image_url": {"url": f"data:{media};base64,{data}"}}
    if kind == "url":
        url = _str(src.get("url"), f"{param}.source.url", allow_empty=False)
        return {"type": "image_url", "image_url": {"url": url}}
    raise invalid_request(
        f"{param}.source.type: Input should be 'base64' or 'url'.", f"{param}.source.type"
    )


def _tool_result(block: dict[str, Any], param: str) -> dict[str, Any]:
    _extra(block, {"type", "tool_use_id", "content", "is_error"}, param)
    if block.get("is_error") not in (None, False):
        if block["is_error"] is not True:
            raise _type(f"{param}.is_error", "a valid boolean")
        raise _unsupported(
            f"{param}.is_error", "'is_error: true' (the chat shape of the providers has no"
            " error flag for tool results; describe the error in 'content')"
        )  # fmt: skip
    content = block.get("content", "")
    if isinstance(content, list):
        parts = []
        for k, part in enumerate(content):
            p = f"{param}.content.{k}"
            if not isinstance(part, dict) or part.get("type") != "text":
                raise invalid_request(
                    f"{p}.type: only 'text' blocks are supported in a tool result.", f"{p}.type"
                )
            parts.append(_text_block(part, p)["text"])
        content = "".join(parts)
    elif not isinstance(content, str):
        raise _type(f"{param}.content", "a valid string or a list of text blocks")
    return {
        "role": "tool",
        "tool_call_id": _str(block.get("tool_use_id"), f"{param}.tool_use_id", False),
        "content": content,
    }


def _tool_use(block: dict[str, Any], param: str) -> dict[str, Any]:
    _extra(block, {"type", "id", "name", "input"}, param)
    args = block.get("input")
    if not isinstance(args, dict):
        raise _type(f"{param}.input", "a valid dictionary")
    return {
        "id": _str(block.get("id"), f"{param}.id", False),
        "type": "function",
        "function": {
            "name": _str(block.get("name"), f"{param}.name", False),
            "arguments": json.dumps(args, ensure_ascii=False),
        },
    }


def _message(m: Any, param: str) -> list[dict[str, Any]]:
    """The chat messages for one Anthropic message (a user turn's tool results become
    ``tool`` messages ahead of its other content, as the chat shape orders them)."""
    if not isinstance(m, dict):
        raise _type(param, "a valid dictionary")
    _extra(m, {"role", "content"}, param)
    role = m.get("role")
    if role not in ("user", "assistant"):
        raise invalid_request(
            f"{param}.role: Input should be 'user' or 'assistant'.", f"{param}.role"
        )
    content = m.get("content")
    if content is None:
        raise _missing(f"{param}.content")
    if isinstance(content, str):
        return [{"role": role, "content": content}]
    if not isinstance(content, list):
        raise _type(f"{param}.content", "a valid string or a list of content blocks")
    parts: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    calls: list[dict[str, Any]] = []
    for j, block in enumerate(content):
        p = f"{param}.content.{j}"
        if not isinstance(block, dict):
            raise _type(p, "a valid dictionary")
        kind = block.get("type")
        if kind == "text":
            parts.append(_text_block(block, p))
        elif kind == "image" and role == "user":
            parts.append(_image_block(block, p))
        elif kind == "tool_result" and role == "user":
            if parts:
                raise invalid_request(
                    f"{p}: tool_result blocks must come before any other content of the message.",
                    p,
                )
            results.append(_tool_result(block, p))
        elif kind == "tool_use" and role == "assistant":
            calls.append(_tool_use(block, p))
        else:
            allowed = "text, image, tool_result" if role == "user" else "text, tool_use"
            raise invalid_request(
                f"{p}.type: '{str(kind)[:60]}' is not supported in a {role} message "
                f"(supported: {allowed}).",
                f"{p}.type",
                "unsupported_parameter",
            )
    out: list[dict[str, Any]] = list(results)
    if role == "assistant":
        msg: dict[str, Any] = {"role": "assistant", "content": parts or None}
        if calls:
            msg["tool_calls"] = calls
        if parts or calls:
            out.append(msg)
        else:
            out.append({"role": "assistant", "content": ""})
    elif parts or not results:
        out.append({"role": "user", "content": parts or ""})
    return out


def _system(v: Any) -> str:
    if isinstance(v, str):
        return v
    if not isinstance(v, list):
        raise _type("system", "a valid string or a list of text blocks")
    texts = []
    for i, block in enumerate(v):
        if not isinstance(block, dict) or block.get("type") != "text":
            raise invalid_request(f"system.{i}.type: Input should be 'text'.", f"system.{i}.type")
        texts.append(_text_block(block, f"system.{i}")["text"])
    return "".join(texts)


def _tools(v: Any) -> list[dict[str, Any]]:
    if not isinstance(v, list):
        raise _type("tools", "a valid list")
    tools = []
    for i, t in enumerate(v):
        p = f"tools.{i}"
        if not isinstance(t, dict):
            raise _type(p, "a valid dictionary")
        if t.get("type") not in (None, "custom"):
            raise _unsupported(f"{p}.type", f"the server tool '{str(t.get('type'))[:60]}'")
        _extra(t, {"type", "name", "description", "input_schema"}, p)
        schema = t.get("input_schema")
        if schema is None:
            raise _missing(f"{p}.input_schema")
        if not isinstance(schema, dict):
            raise _type(f"{p}.input_schema", "a valid dictionary")
        fn: dict[str, Any] = {"name": _str(t.get("name"), f"{p}.name", False), "parameters": schema}
        if t.get("description") is not None:
            fn["description"] = _str(t["description"], f"{p}.description")
        tools.append({"type": "function", "function": fn})
    return tools


def _tool_choice(v: Any, out: dict[str, Any]) -> None:
    if not isinstance(v, dict):
        raise _type("tool_choice", "a valid dictionary")
    kind = v.get("type")
    allowed = {"type", "disable_parallel_tool_use"} | ({"name"} if kind == "tool" else set())
    _extra(v, allowed, "tool_choice")
    if kind == "auto":
        out["tool_choice"] = "auto"
    elif kind == "any":
        out["tool_choice"] = "required"
    elif kind == "none":
        out["tool_choice"] = "none"
    elif kind == "tool":
        name = _str(v.get("name"), "tool_choice.name", False)
        out["tool_choice"] = {"type": "function", "function": {"name": name}}
    else:
        raise invalid_request(
            "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'.", "tool_choice.type"
        )
    flag = v.get("disable_parallel_tool_use")
    if flag is not None:
        if not isinstance(flag, bool):
            raise _type("tool_choice.disable_parallel_tool_use", "a valid boolean")
        if flag and kind != "none":
            out["parallel_tool_calls"] = False


def _unknown(body: dict[str, Any], known: set[str]) -> None:
    for key in sorted(body):
        if key not in known and key not in ACCEPTED_NOT_FORWARDED:
            raise _unsupported(str(key)[:100], f"The parameter '{str(key)[:100]}'")


def chat_request(body: Any, *, count: bool = False, version: str = VERSIONS[0]) -> dict[str, Any]:
    """The OpenAI chat request body for an Anthropic Messages (or count_tokens) body."""
    if not isinstance(body, dict):
        raise invalid_request("The request body must be a JSON object.", None, "invalid_type")
    _unknown(body, COUNT_FIELDS if count else MESSAGE_FIELDS)
    if body.get("model") is None:
        raise _missing("model")
    out: dict[str, Any] = {"model": _str(body["model"], "model", False)}
    if not count:
        max_tokens = body.get("max_tokens")
        if max_tokens is None:
            raise _missing("max_tokens")
        if not isinstance(max_tokens, int) or isinstance(max_tokens, bool):
            raise _type("max_tokens", "a valid integer")
        if not 1 <= max_tokens <= 1_000_000:
            raise invalid_request(
                "max_tokens: Input should be between 1 and 1000000.", "max_tokens"
            )
        out["max_tokens"] = max_tokens
    messages = body.get("messages")
    if messages is None:
        raise _missing("messages")
    if not isinstance(messages, list):
        raise _type("messages", "a valid list")
    if not messages:
        raise invalid_request("messages: List should have at least 1 item.", "messages")
    chat: list[dict[str, Any]] = []
    if body.get("system") is not None:
        system = _system(body["system"])
        if system:
            chat.append({"role": "system", "content": system})
    for i, m in enumerate(messages):
        chat.extend(_message(m, f"messages.{i}"))
    out["messages"] = chat
    if body.get("tools") is not None:
        out["tools"] = _tools(body["tools"])
    if body.get("tool_choice") is not None:
        _tool_choice(body["tool_choice"], out)
        if isinstance(out.get("tool_choice"), dict):
            name = out["tool_choice"]["function"]["name"]
            if not any(t["function"]["name"] == name for t in out.get("tools", [])):
                raise invalid_request(
                    "tool_choice.name: must name one of 'tools'.", "tool_choice.name"
                )
    if count:
        return out
    if version >= NO_SAMPLING_FROM:
        for key in ("temperature", "top_p", "top_k"):
            if key in body:
                raise _unsupported(key, f"'{key}' (removed in API version {version})")
    for key in ("temperature", "top_p"):
        v = _num(body, key, 0, 1)
        if v is not None:
            out[key] = v
    if body.get("top_k") is not None:
        raise _unsupported(
            "top_k", "'top_k' (the providers' chat shape has no top-k sampling; use top_p)"
        )
    stop = body.get("stop_sequences")
    if stop is not None:
        if not isinstance(stop, list) or not all(isinstance(s, str) and s for s in stop):
            raise _type("stop_sequences", "a list of non-empty strings")
        if len(stop) > 4:
            raise invalid_request(
                "stop_sequences: at most 4 stop sequences are supported by this gateway.",
                "stop_sequences",
                "unsupported_value",
            )
        if stop:
            out["stop"] = list(stop)
    meta = body.get("metadata")
    if meta is not None:
        if not isinstance(meta, dict):
            raise _type("metadata", "a valid dictionary")
        _extra(meta, {"user_id"}, "metadata")
        if meta.get("user_id") is not None:
            out["user"] = _str(meta["user_id"], "metadata.user_id")
    stream = body.get("stream", False)
    if stream is not None and not isinstance(stream, bool):
        raise _type("stream", "a valid boolean")
    out["stream"] = bool(stream)
    return out


# --------------------------------------------------------------------------- response


def new_id() -> str:
    return "msg_" + os.urandom(12).hex()


def usage(u: dict[str, Any] | None) -> dict[str, Any]:
    """Anthropic ``usage`` from OpenAI usage: ``input_tokens`` excludes cache reads and
    writes, which are reported on their own (as the Messages API does)."""
    u = u or {}
    details = u.get("prompt_tokens_details") or {}
    cached = int(details.get("cached_tokens") or 0)
    written = int(details.get("cache_write_tokens") or u.get("cache_creation_input_tokens") or 0)
    prompt = int(u.get("prompt_tokens") or 0)
    return {
        "input_tokens": max(0, prompt - cached - written),
        "output_tokens": int(u.get("completion_tokens") or 0),
        "cache_creation_input_tokens": written,
        "cache_read_input_tokens": cached,
    }


def tool_input(arguments: Any) -> dict[str, Any]:
    """A tool call's JSON arguments as the ``input`` object (502 when the upstream sent
    something else: the message would not be valid)."""
    try:
        value = json.loads(arguments or "{}") if isinstance(arguments, str) else arguments
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise base.upstream_unavailable("The upstream provider returned malformed tool input.")
    return value


def stop_reason(finish: Any) -> str:
    return STOP_REASONS.get(finish, "end_turn") if isinstance(finish, str) else "end_turn"


def message(alias: str, doc: dict[str, Any]) -> dict[str, Any]:
    """An Anthropic ``message`` from a provider's ``{"choices", "usage"}``."""
    choice = (doc.get("choices") or [{}])[0]
    msg = choice.get("message") or {}
    content: list[dict[str, Any]] = []
    text = msg.get("content")
    if isinstance(text, list):
        text = "".join(p.get("text", "") for p in text if isinstance(p, dict))
    if isinstance(text, str) and text:
        content.append({"type": "text", "text": text})
    for call in msg.get("tool_calls") or []:
        fn = call.get("function") or {}
        content.append(
            {
                "type": "tool_use",
                "id": str(call.get("id") or "toolu_" + os.urandom(12).hex()),
                "name": str(fn.get("name") or ""),
                "input": tool_input(fn.get("arguments")),
            }
        )
    return {
        "id": new_id(),
        "type": "message",
        "role": "assistant",
        "model": alias,
        "content": content,
        "stop_reason": stop_reason(choice.get("finish_reason")),
        "stop_sequence": None,
        "usage": usage(doc.get("usage")),
    }
