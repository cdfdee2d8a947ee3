"""``POST /v1/chat/completions``: OpenAI's Chat Completions API, buffered or streamed.

The dialect part of a chat answer (``llm_gateway.chat`` is the rest): the request's
validation, the response cache, the ``chat.completion`` object and the
``chat.completion.chunk`` events. ``prompts`` answers through :func:`complete` too.
"""

from __future__ import annotations

import os
import time

from aigw_shared.http_event import Response
from llm_gateway import chat, openai_shape, streaming, validation

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aigw_shared.errors import ApiError
    from llm_gateway.cache import ResponseCache
    from llm_gateway.context import Context


def handle(ctx: Context) -> Response:
    return complete(ctx, validation.chat_request(ctx.req.json(), ctx.cfg.limits))


def complete(ctx: Context, request: dict[str, Any]) -> Response:
    """Answer a validated chat request (``validation.chat_request``)."""
    out = ctx.out
    model, estimate = chat.prepare(ctx, request)
    cache, key = _cache_for(ctx, request)
    if cache is not None and key is not None:
        hit = _cache_get(ctx, cache, key)
        if hit is not None:
            out.cache = "hit"
            out.completion_text = chat.choices_text(hit["choices"])
            return _completion(model.alias, hit, {"x-aigw-cache": "hit"})
    if request["stream"]:
        include_usage = bool((request.get("stream_options") or {}).get("include_usage"))
        return chat.stream(ctx, model, request, estimate, ChunkEncoder(model.alias, include_usage))
    run = chat.answer(ctx, model, request, estimate)
    doc = run.value
    headers = {"x-aigw-provider": run.target.provider}
    if cache is not None and key is not None:
        out.cache = "miss"
        headers["x-aigw-cache"] = "miss"
        _cache_put(ctx, cache, key, {"choices": doc["choices"], "usage": doc["usage"]})
    return _completion(model.alias, doc, headers)


def _completion(alias: str, doc: dict[str, Any], headers: dict[str, str]) -> Response:
    body = {
        "id": "chatcmpl-" + os.urandom(16).hex(),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": alias,
        "choices": openai_shape.completion_choices(doc["choices"]),
        "usage": doc["usage"],
    }
    return Response.json(200, body, headers)


class ChunkEncoder:
    """``chat.completion.chunk`` events, then ``data: [DONE]``."""

    __slots__ = ("alias", "created", "id", "include_usage")

    def __init__(self, alias: str, include_usage: bool) -> None:
        self.alias = alias
        self.include_usage = include_usage
        self.id = "chatcmpl-" + os.urandom(16).hex()
        self.created = int(time.time())

    def chunk(self, chunk: dict[str, Any]) -> bytes | None:
        has_usage = isinstance(chunk.get("usage"), dict)
        if has_usage and not self.include_usage:
            return None  # the usage-only chunk is sent on request only
        body = {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.alias,
            "choices": openai_shape.chunk_choices(chunk.get("choices") or []),
        }
        if "usage" in chunk:
            body["usage"] = chunk["usage"]
        elif self.include_usage:
            body["usage"] = None
        return streaming.sse(body)

    def end(self) -> bytes:
        return b"data: [DONE]\n\n"

    def error(self, err: ApiError) -> bytes:
        return streaming.sse(err.body())


# ---------------------------------------------------------------- response cache


def _cache_for(ctx: Context, request: dict[str, Any]) -> tuple[ResponseCache | None, str | None]:
    if not ctx.cfg.cache.enabled:
        return None, None
    from llm_gateway import cache as cache_mod

    if not cache_mod.eligible(request):
        return None, None
    key = cache_mod.cache_key(ctx.identity.tenant, request["model"], request)
    return ctx.gateway.response_cache(ctx.cfg), key


def _cache_get(ctx: Context, cache: ResponseCache, key: str) -> dict[str, Any] | None:
    try:
        doc = cache.get(key)
    except Exception as exc:  # noqa: BLE001 - the cache is best effort
        ctx.gateway.logger.warning("cache_get_failed", error=type(exc).__name__)
        return None
    if doc is None or not isinstance(doc.get("choices"), list):
        return None
    return doc


def _cache_put(ctx: Context, cache: ResponseCache, key: str, doc: dict[str, Any]) -> None:
    try:
        cache.put(key, doc)
    except Exception as exc:  # noqa: BLE001 - the cache is best effort
        ctx.gateway.logger.warning("cache_put_failed", error=type(exc).__name__)
