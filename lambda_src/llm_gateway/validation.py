"""Validation of OpenAI request bodies: every mistake is a 400 naming the ``param``.

The validated request keeps only the fields the gateway understands, so nothing
unexpected is forwarded to a provider.
"""

from __future__ import annotations

import re

from aigw_shared.errors import ApiError, invalid_request
from llm_gateway import parameters
from llm_gateway.config import LimitsConfig

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

ROLES = ("system", "developer", "user", "assistant", "tool")
_TOOL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_STRING = 5_000_000


def _missing(param: str) -> ApiError:
    return invalid_request(
        f"Missing required parameter: '{param}'.", param, "missing_required_parameter"
    )


def _type(param: str, expected: str) -> ApiError:
    return invalid_request(
        f"Invalid type for '{param}': expected {expected}.", param, "invalid_type"
    )


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and v == v  # not NaN


def _number(body: dict[str, Any], key: str, lo: float, hi: float, out: dict[str, Any]) -> None:
    v = body.get(key)
    if v is None:
        return
    if not _is_num(v):
        raise _type(key, "a number")
    if not lo <= v <= hi:
        raise invalid_request(f"'{key}' must be between {lo} and {hi}.", key)
    out[key] = v


def _integer(body: dict[str, Any], key: str, lo: int, hi: int, out: dict[str, Any]) -> None:
    v = body.get(key)
    if v is None:
        return
    if not _is_int(v):
        raise _type(key, "an integer")
    if not lo <= v <= hi:
        raise invalid_request(f"'{key}' must be between {lo} and {hi}.", key)
    out[key] = v


def _string(v: Any, param: str, allow_empty: bool = True) -> str:
    if not isinstance(v, str):
        raise _type(param, "a string")
    if not allow_empty and not v:
        raise invalid_request(f"'{param}' must not be empty.", param)
    if len(v) > MAX_STRING:
        raise invalid_request(f"'{param}' is too long.", param, "string_above_max_length")
    return v


def _content(v: Any, param: str, role: str) -> Any:
    if v is None:
        if role in ("assistant",):
            return None
        raise _missing(param)
    if isinstance(v, str):
        return _string(v, param)
    if not isinstance(v, list):
        raise _type(param, "a string or an array of content parts")
    if not v:
        raise invalid_request(f"'{param}' must not be an empty array.", param)
    parts = []
    for i, part in enumerate(v):
        p = f"{param}[{i}]"
        if not isinstance(part, dict):
            raise _type(p, "an object")
        ptype = part.get("type")
        if ptype == "text":
            parts.append({"type": "text", "text": _string(part.get("text"), f"{p}.text")})
        elif ptype == "image_url" and role == "user":
            img = part.get("image_url")
            if not isinstance(img, dict):
                raise _type(f"{p}.image_url", "an object")
            url = _string(img.get("url"), f"{p}.image_url.url", allow_empty=False)
            entry: dict[str, Any] = {"url": url}
            if img.get("detail") is not None:
                if img["detail"] not in ("auto", "low", "high"):
                    raise invalid_request(
                        f"'{p}.image_url.detail' must be one of: auto, low, high.",
                        f"{p}.image_url.detail",
                    )
                entry["detail"] = img["detail"]
            parts.append({"type": "image_url", "image_url": entry})
        elif ptype == "file" and role == "user":
            parts.append({"type": "file", "file": _file(part.get("file"), f"{p}.file")})
        else:
            allowed = "text, image_url, file" if role == "user" else "text"
            raise invalid_request(f"'{p}.type' must be one of: {allowed}.", f"{p}.type")
    return parts


def _file(v: Any, param: str) -> dict[str, str]:
    """OpenAI's file content part; the gateway reads files only by upload reference
    (``file_id``: the id or URI of an upload, see ``llm_gateway.uploads``)."""
    if not isinstance(v, dict):
        raise _type(param, "an object")
    if v.get("file_data") is not None:
        raise invalid_request(
            f"'{param}.file_data' is not supported: upload the file (POST /v1/uploads) and "
            "pass its id as 'file_id'.",
            f"{param}.file_data",
            "unsupported_parameter",
        )
    out = {"file_id": _string(v.get("file_id"), f"{param}.file_id", allow_empty=False)}
    if v.get("filename") is not None:
        out["filename"] = _string(v["filename"], f"{param}.filename")
    return out


def _tool_calls(v: Any, param: str) -> list[dict[str, Any]]:
    if not isinstance(v, list) or not v:
        raise _type(param, "a non-empty array")
    calls = []
    for i, call in enumerate(v):
        p = f"{param}[{i}]"
        if not isinstance(call, dict):
            raise _type(p, "an object")
        fn = call.get("function")
        if not isinstance(fn, dict):
            raise _type(f"{p}.function", "an object")
        calls.append(
            {
                "id": _string(call.get("id"), f"{p}.id", allow_empty=False),
                "type": "function",
                "function": {
                    "name": _string(fn.get("name"), f"{p}.function.name", allow_empty=False),
                    "arguments": _string(fn.get("arguments", "{}"), f"{p}.function.arguments"),
                },
            }
        )
    return calls


def _messages(v: Any, limits: LimitsConfig) -> list[dict[str, Any]]:
    if v is None:
        raise _missing("messages")
    if not isinstance(v, list):
        raise _type("messages", "an array")
    if not v:
        raise invalid_request(
            "'messages' must contain at least one message.", "messages", "empty_array"
        )
    if len(v) > limits.max_messages:
        raise invalid_request(
            f"'messages' holds more than {limits.max_messages} messages.",
            "messages",
            "array_above_max_length",
        )
    out = []
    for i, m in enumerate(v):
        p = f"messages[{i}]"
        if not isinstance(m, dict):
            raise _type(p, "an object")
        role = m.get("role")
        if role not in ROLES:
            raise invalid_request(f"'{p}.role' must be one of: {', '.join(ROLES)}.", f"{p}.role")
        msg: dict[str, Any] = {"role": role}
        has_calls = role == "assistant" and m.get("tool_calls") is not None
        msg["content"] = _content(m.get("content"), f"{p}.content", role)
        if role == "assistant" and msg["content"] is None and not has_calls:
            raise _missing(f"{p}.content")
        if has_calls:
            msg["tool_calls"] = _tool_calls(m["tool_calls"], f"{p}.tool_calls")
        if role == "tool":
            msg["tool_call_id"] = _string(
                m.get("tool_call_id"), f"{p}.tool_call_id", allow_empty=False
            )
        if m.get("name") is not None:
            msg["name"] = _string(m["name"], f"{p}.name")
        out.append(msg)
    return out


def _tools(v: Any) -> list[dict[str, Any]]:
    if not isinstance(v, list):
        raise _type("tools", "an array")
    tools = []
    for i, t in enumerate(v):
        p = f"tools[{i}]"
        if not isinstance(t, dict) or t.get("type") != "function":
            raise invalid_request(f"'{p}.type' must be 'function'.", f"{p}.type")
        fn = t.get("function")
        if not isinstance(fn, dict):
            raise _type(f"{p}.function", "an object")
        name = fn.get("name")
        if not isinstance(name, str) or not _TOOL_NAME.match(name):
            raise invalid_request(
                f"'{p}.function.name' must match ^[A-Za-z0-9_-]{{1,64}}$.", f"{p}.function.name"
            )
        entry: dict[str, Any] = {"name": name}
        if fn.get("description") is not None:
            entry["description"] = _string(fn["description"], f"{p}.function.description")
        if fn.get("parameters") is not None:
            if not isinstance(fn["parameters"], dict):
                raise _type(f"{p}.function.parameters", "an object (JSON schema)")
            entry["parameters"] = fn["parameters"]
        if fn.get("strict") is not None:
            if not isinstance(fn["strict"], bool):
                raise _type(f"{p}.function.strict", "a boolean")
            entry["strict"] = fn["strict"]
        tools.append({"type": "function", "function": entry})
    return tools


def _tool_choice(v: Any, tools: list[dict[str, Any]]) -> Any:
    if v in ("none", "auto", "required"):
        return v
    if isinstance(v, dict) and v.get("type") == "function" and isinstance(v.get("function"), dict):
        name = v["function"].get("name")
        if not any(t["function"]["name"] == name for t in tools):
            raise invalid_request(
                "'tool_choice.function.name' must name one of 'tools'.", "tool_choice.function.name"
            )
        return {"type": "function", "function": {"name": name}}
    raise invalid_request(
        "'tool_choice' must be 'none', 'auto', 'required' or "
        "{'type': 'function', 'function': {'name': ...}}.",
        "tool_choice",
    )


def require_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise invalid_request("The request body must be a JSON object.", None, "invalid_type")
    return body


def chat_request(body: Any, limits: LimitsConfig) -> dict[str, Any]:
    """A validated, normalised chat completion request."""
    body = require_object(body)
    if body.get("model") is None:
        raise _missing("model")
    out: dict[str, Any] = {"model": _string(body["model"], "model", allow_empty=False)}
    out["messages"] = _messages(body.get("messages"), limits)
    _number(body, "temperature", 0, 2, out)
    _number(body, "top_p", 0, 1, out)
    _number(body, "presence_penalty", -2, 2, out)
    _number(body, "frequency_penalty", -2, 2, out)
    _integer(body, "max_tokens", 1, 1_000_000, out)
    _integer(body, "max_completion_tokens", 1, 1_000_000, out)
    _integer(body, "seed", -(2**63), 2**63 - 1, out)
    _integer(body, "n", 1, 128, out)
    if out.get("n", 1) > 1:
        raise invalid_request(
            "'n' greater than 1 is not supported: send one request per choice.",
            "n",
            "unsupported_value",
        )
    _logprobs(body, out)
    stop = body.get("stop")
    if stop is not None:
        if isinstance(stop, str):
            out["stop"] = stop
        elif (
            isinstance(stop, list)
            and len(stop) <= 4
            and all(isinstance(s, str) and s for s in stop)
        ):
            out["stop"] = list(stop)
        else:
            raise invalid_request(
                "'stop' must be a string or an array of up to 4 non-empty strings.", "stop"
            )
    if body.get("user") is not None:
        out["user"] = _string(body["user"], "user")
    stream = body.get("stream", False)
    if stream is not None and not isinstance(stream, bool):
        raise _type("stream", "a boolean")
    out["stream"] = bool(stream)
    opts = body.get("stream_options")
    if opts is not None:
        if not isinstance(opts, dict):
            raise _type("stream_options", "an object")
        inc = opts.get("include_usage", False)
        if not isinstance(inc, bool):
            raise _type("stream_options.include_usage", "a boolean")
        if not out["stream"]:
            raise invalid_request(
                "'stream_options' is only allowed when 'stream' is true.", "stream_options"
            )
        out["stream_options"] = {"include_usage": inc}
    if body.get("tools") is not None:
        out["tools"] = _tools(body["tools"])
    if body.get("tool_choice") is not None:
        out["tool_choice"] = _tool_choice(body["tool_choice"], out.get("tools", []))
    fmt = body.get("response_format")
    if fmt is not None:
        if not isinstance(fmt, dict) or fmt.get("type") not in (
            "text",
            "json_object",
            "json_schema",
        ):
            raise invalid_request(
                "'response_format.type' must be one of: text, json_object, json_schema.",
                "response_format.type",
            )
        if fmt["type"] == "json_schema" and not isinstance(fmt.get("json_schema"), dict):
            raise _type("response_format.json_schema", "an object")
        out["response_format"] = fmt
    parameters.unknown_fields(body, CHAT_FIELDS)
    return out


CHAT_FIELDS = {
    "model", "messages", "temperature", "top_p", "presence_penalty", "frequency_penalty",
    "max_tokens", "max_completion_tokens", "seed", "n", "stop", "user", "stream",
    "stream_options", "tools", "tool_choice", "response_format", "logprobs",
    "top_logprobs", "logit_bias", "parallel_tool_calls",
}  # fmt: skip


def _logprobs(body: dict[str, Any], out: dict[str, Any]) -> None:
    """``logprobs``, ``top_logprobs`` (0-20, needs ``logprobs``), ``logit_bias``
    (token id → -100..100) and ``parallel_tool_calls``, as OpenAI defines them."""
    for key in ("logprobs", "parallel_tool_calls"):
        if body.get(key) is not None:
            if not isinstance(body[key], bool):
                raise _type(key, "a boolean")
            out[key] = body[key]
    _integer(body, "top_logprobs", 0, 20, out)
    if "top_logprobs" in out and out.get("logprobs") is not True:
        raise invalid_request(
            "'top_logprobs' requires 'logprobs' to be true.", "top_logprobs", "invalid_value"
        )
    bias = body.get("logit_bias")
    if bias is not None:
        if not isinstance(bias, dict) or not all(
            isinstance(k, str) and k.isdigit() and _is_num(v) and -100 <= v <= 100
            for k, v in bias.items()
        ):
            raise invalid_request(
                "'logit_bias' must map token ids to numbers between -100 and 100.",
                "logit_bias",
            )
        out["logit_bias"] = dict(bias)


def embeddings_request(body: Any, limits: LimitsConfig) -> dict[str, Any]:
    body = require_object(body)
    if body.get("model") is None:
        raise _missing("model")
    out: dict[str, Any] = {"model": _string(body["model"], "model", allow_empty=False)}
    raw = body.get("input")
    if raw is None:
        raise _missing("input")
    if isinstance(raw, str):
        inputs = [raw]
    elif isinstance(raw, list) and raw and all(isinstance(s, str) for s in raw):
        inputs = list(raw)
    else:
        raise invalid_request(
            "'input' must be a string or a non-empty array of strings.", "input", "invalid_type"
        )
    if len(inputs) > limits.max_embedding_inputs:
        raise invalid_request(
            f"'input' holds more than {limits.max_embedding_inputs} items.",
            "input",
            "array_above_max_length",
        )
    for i, s in enumerate(inputs):
        if not s:
            raise invalid_request(f"'input[{i}]' must not be empty.", "input")
        _string(s, "input")
    out["input"] = inputs
    fmt = body.get("encoding_format", "float")
    if fmt not in ("float", "base64"):
        raise invalid_request("'encoding_format' must be one of: float, base64.", "encoding_format")
    out["encoding_format"] = fmt
    _integer(body, "dimensions", 1, 100000, out)
    if body.get("user") is not None:
        out["user"] = _string(body["user"], "user")
    return out


def prompt_request(body: Any) -> dict[str, Any]:
    body = require_object(body)
    variables = body.get("variables", {})
    if not isinstance(variables, dict):
        raise _type("variables", "an object")
    for k, v in variables.items():
        if not (isinstance(v, str) or _is_num(v)):
            raise _type(f"variables.{k}", "a string or a number")
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise _type("stream", "a boolean")
    out: dict[str, Any] = {"variables": variables, "stream": stream}
    opts = body.get("stream_options")
    if opts is not None:
        out["stream_options"] = opts
    if body.get("user") is not None:
        out["user"] = _string(body["user"], "user")
    return out
