"""The ``bedrock`` provider: Converse / ConverseStream / InvokeModel through boto3.

``to_converse`` and ``from_converse`` / ``stream_to_chunks`` are pure functions (the
mapping both ways); :class:`BedrockProvider` adds the client, with SDK retries off
(the router owns retries and fallback). botocore fixes timeouts per client, so each
call uses a client whose connect and read timeouts fit the time left for the attempt:
the configured values when they fit, else the time left rounded down to a step of
:data:`TIMEOUT_STEPS_S` (clients are cached per region, endpoint and timeouts, so at
most one per step).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
from collections.abc import Iterable, Iterator

from llm_gateway.config import ProviderConfig, Target
from llm_gateway.providers import base
from llm_gateway.providers.bedrock_access import model_access_error

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

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
_ARN = re.compile(r"arn:aws[a-zA-Z-]*:[^\s\"']+")


def _sanitize(message: str) -> str:
    return _ARN.sub("[resource]", message)[:500]


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
    return blocks


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if p.get("type") == "text")
    return ""


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
            text = _text(msg.get("content"))
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
                            "content": [{"text": _text(msg.get("content")) or "(empty)"}],
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
    if tools:
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


# --------------------------------------------------------------------------- errors


def map_error_code(code: str, message: str) -> base.ProviderError:
    code = code[:1].upper() + code[1:]  # event streams spell them "throttlingException"
    access = model_access_error(code, message)
    if access is not None:
        return access
    if code in ("ThrottlingException", "ServiceQuotaExceededException", "TooManyRequestsException"):
        return base.rate_limited()
    if code == "ValidationException":
        return base.bad_request("The provider rejected the request: " + _sanitize(message))
    if code == "ModelTimeoutException":
        return base.upstream_timeout()
    if code in ("AccessDeniedException", "UnrecognizedClientException", "ExpiredTokenException"):
        return base.ProviderError(
            502,
            "The gateway is not allowed to call the upstream model.",
            "upstream_access_denied",
            True,
        )
    if code == "ResourceNotFoundException":
        return base.ProviderError(
            502, "The configured upstream model was not found.", "upstream_not_found", True
        )
    if code in ("ModelNotReadyException", "ServiceUnavailableException"):
        return base.ProviderError(
            503, "The upstream model is not available right now.", "upstream_unavailable", True
        )
    return base.upstream_unavailable()


def map_exception(exc: Exception) -> base.ProviderError:
    """A :class:`ProviderError` for any botocore failure (never leaks the original text
    except for validation errors, with ARNs removed)."""
    from botocore import exceptions as bexc

    if isinstance(exc, bexc.ClientError):
        err = exc.response.get("Error", {})
        return map_error_code(str(err.get("Code", "")), str(err.get("Message", "")))
    from urllib3 import exceptions as uexc  # event-stream reads raise urllib3's own

    if isinstance(exc, bexc.ReadTimeoutError | bexc.ConnectTimeoutError | uexc.TimeoutError):
        return base.upstream_timeout()
    if isinstance(exc, bexc.BotoCoreError | uexc.HTTPError):
        return base.upstream_unavailable("The connection to the upstream provider failed.")
    return base.upstream_unavailable()


# --------------------------------------------------------------------------- client

_clients: dict[tuple[Any, ...], Any] = {}
_clients_lock = threading.Lock()
TIMEOUT_STEPS_S = (0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 4, 5, 7, 10, 15, 20, 25, 30, 45, 60)
TIMEOUT_STEPS_S += (90, 120, 180, 300, 450, 600, 900)


def fit_timeout(configured_s: float, left_s: float) -> float:
    """The configured timeout if the attempt has that long, else the largest step that
    does not exceed the time left (the smallest step when even that is too long)."""
    if configured_s <= left_s:
        return configured_s
    fitting = [s for s in TIMEOUT_STEPS_S if s <= left_s]
    return fitting[-1] if fitting else TIMEOUT_STEPS_S[0]


def client_for(config: ProviderConfig, left_s: float | None = None) -> Any:
    """The runtime client for ``config`` whose timeouts fit ``left_s`` seconds."""
    connect = config.connect_timeout_ms / 1000
    read = config.read_timeout_ms / 1000
    if left_s is not None:
        connect, read = fit_timeout(connect, left_s), fit_timeout(read, left_s)
    key = (config.region, config.endpoint_url, connect, read)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            import boto3
            from botocore.config import Config

            client = boto3.client(
                "bedrock-runtime",
                region_name=config.region,
                endpoint_url=config.endpoint_url,
                config=Config(
                    connect_timeout=connect,
                    read_timeout=read,
                    retries={"total_max_attempts": 1, "mode": "standard"},
                    tcp_keepalive=True,
                ),
            )
            _clients[key] = client
    return client


def _guard(events: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    try:
        yield from events
    except base.ProviderError:
        raise
    except Exception as exc:  # noqa: BLE001 - every SDK failure maps to a ProviderError
        raise map_exception(exc) from None


class BedrockProvider:
    def __init__(self, config: ProviderConfig) -> None:
        self.config = config

    def client(self, timeout: float) -> Any:
        return client_for(self.config, timeout)

    def chat(self, target: Target, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        kwargs = to_converse(request, target)
        try:
            resp = self.client(timeout).converse(**kwargs)
        except Exception as exc:  # noqa: BLE001
            raise map_exception(exc) from None
        return from_converse(resp)

    def chat_stream(
        self, target: Target, request: dict[str, Any], timeout: float
    ) -> Iterator[dict[str, Any]]:
        kwargs = to_converse(request, target)
        try:
            resp = self.client(timeout).converse_stream(**kwargs)
        except Exception as exc:  # noqa: BLE001
            raise map_exception(exc) from None
        return stream_to_chunks(_guard(resp["stream"]))

    def embed(
        self, target: Target, inputs: list[str], dimensions: int | None, timeout: float
    ) -> tuple[list[list[float]], int]:
        model = target.model
        try:
            if "cohere." in model:
                body = {"texts": inputs, "input_type": "search_document"}
                doc = self._invoke(model, body, timeout)
                vectors = doc["embeddings"]
                if isinstance(vectors, dict):
                    vectors = vectors.get("float")
                tokens = sum(base.rough_tokens(t) for t in inputs)
                out = [[float(x) for x in v] for v in vectors]
            elif "titan-embed" in model:
                out, tokens = [], 0
                for text in inputs:
                    body: dict[str, Any] = {"inputText": text}
                    if dimensions and "v2" in model:
                        body["dimensions"] = dimensions
                    doc = self._invoke(model, body, timeout)
                    out.append([float(x) for x in doc["embedding"]])
                    tokens += int(doc.get("inputTextTokenCount") or 0)
            else:
                raise base.ProviderError(
                    400,
                    f"Embedding model family of {model!r} is not supported on Bedrock "
                    "(supported: amazon.titan-embed-*, cohere.embed-*).",
                    "unsupported_model",
                    False,
                )
        except (KeyError, TypeError, ValueError):
            raise base.upstream_unavailable(
                "The upstream provider returned a malformed response."
            ) from None
        if len(out) != len(inputs):
            raise base.upstream_unavailable("The upstream provider returned a malformed response.")
        return out, tokens

    def _invoke(self, model: str, body: dict[str, Any], timeout: float) -> dict[str, Any]:
        try:
            resp = self.client(timeout).invoke_model(
                modelId=model,
                body=json.dumps(body),
                contentType="application/json",
                accept="application/json",
            )
            doc = json.loads(resp["body"].read())
        except ValueError:
            raise base.upstream_unavailable(
                "The upstream provider returned a malformed response."
            ) from None
        except Exception as exc:  # noqa: BLE001
            raise map_exception(exc) from None
        if not isinstance(doc, dict):
            raise base.upstream_unavailable("The upstream provider returned a malformed response.")
        return doc
