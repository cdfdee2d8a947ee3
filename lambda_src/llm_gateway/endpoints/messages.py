"""``POST /v1/messages`` and ``POST /v1/messages/count_tokens``: Anthropic's Messages API.

The request is translated into a chat request (``anthropic_shape``) and answered by
``llm_gateway.chat`` like a chat completion, so routing, fallback, quotas, metering and
the request record are the same; the answer is an Anthropic ``message`` or Anthropic's
event stream (``anthropic_stream``). Errors on these routes are Anthropic-shaped
(:func:`error_response`). ADR 0120.
"""

from __future__ import annotations

from aigw_shared.errors import ApiError, invalid_request
from aigw_shared.http_event import JSON_HEADERS, Response, json_bytes
from llm_gateway import anthropic_shape, chat, uploads, validation
from llm_gateway.anthropic_stream import MessageEncoder
from llm_gateway.providers import base

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aigw_shared.http_event import Request
    from llm_gateway.context import Context

# Chat-shape parameter names in errors raised past the translation, in Anthropic's words.
_PARAMS = {"parallel_tool_calls": "tool_choice.disable_parallel_tool_use", "stop": "stop_sequences"}


def error_response(err: ApiError, req: Request | None = None) -> Response:
    """The Anthropic error body for ``err``, with its status and headers."""
    request_id = req.request_id if req is not None else None
    body = anthropic_shape.error_body(err, request_id)
    headers = {**JSON_HEADERS, **err.headers}
    if request_id:
        headers["request-id"] = request_id  # Anthropic's SDKs expose it as _request_id
    return Response(err.status, headers, json_bytes(body))


def check_headers(req: Request) -> str:
    """``anthropic-version`` is required and must name a version the gateway speaks;
    ``anthropic-beta`` features are not implemented and are refused, not ignored."""
    version = req.headers.get("anthropic-version")
    supported = ", ".join(anthropic_shape.VERSIONS)
    if version is None or not version.strip():
        raise invalid_request(
            f"anthropic-version: header is required (supported: {supported}).",
            "anthropic-version",
            "missing_required_parameter",
        )
    if version.strip() not in anthropic_shape.VERSIONS:
        raise invalid_request(
            f"anthropic-version: '{version.strip()[:40]}' is not supported "
            f"(supported: {supported}).",
            "anthropic-version",
        )
    beta = req.headers.get("anthropic-beta")
    if beta is not None and beta.strip():
        raise invalid_request(
            f"anthropic-beta: beta features ('{beta.strip()[:100]}') are not supported by "
            "this gateway; remove the header.",
            "anthropic-beta",
            "unsupported_parameter",
        )
    return version.strip()


def _chat_request(ctx: Context, *, count: bool) -> dict[str, Any]:
    version = check_headers(ctx.req)
    body = anthropic_shape.chat_request(ctx.req.json(), count=count, version=version)
    if count:
        body["stream"] = False
    return validation.chat_request(body, ctx.cfg.limits)


def handle(ctx: Context) -> Response:
    request = _chat_request(ctx, count=False)
    try:
        model, estimate = chat.prepare(ctx, request)
    except ApiError as err:
        if err.param in _PARAMS:
            err.message = err.message.replace(f"'{err.param}'", f"'{_PARAMS[err.param]}'")
            err.param = _PARAMS[err.param]
        raise
    if request["stream"]:
        encoder = MessageEncoder(model.alias, ctx.req.request_id)
        resp = chat.stream(ctx, model, request, estimate, encoder)
        resp.headers["request-id"] = ctx.req.request_id
        return resp
    run = chat.answer(ctx, model, request, estimate)
    body = anthropic_shape.message(model.alias, run.value)
    headers = {"x-aigw-provider": run.target.provider, "request-id": ctx.req.request_id}
    return Response.json(200, body, headers)


def count_tokens(ctx: Context) -> Response:
    """The input tokens of a request, counted by the provider of the alias's first
    target; a 400 naming the provider when it cannot count."""
    request = _chat_request(ctx, count=True)
    model = ctx.model(request["model"], "chat")
    ctx.out.model = model.alias
    target = model.targets[0]
    config = ctx.cfg.providers[target.provider]
    provider = ctx.gateway.provider(config)
    uploads.resolve_chat_media(
        request, ctx.identity.tenant, ctx.gateway.upload_settings, {config.type}
    )
    counter = getattr(provider, "count_tokens", None)
    if counter is None:
        raise invalid_request(
            f"count_tokens is not supported for the model '{model.alias}': its provider "
            f"(type {config.type}) cannot count tokens. Amazon Bedrock targets can.",
            "model",
            "unsupported_value",
        )
    left = max(0.05, ctx.deadline - ctx.gateway.clock())
    try:
        tokens = counter(target, request, left)
    except base.ProviderError as exc:
        raise exc.to_api_error() from None
    ctx.out.provider, ctx.out.target = target.provider, target
    headers = {"x-aigw-provider": target.provider, "request-id": ctx.req.request_id}
    return Response.json(200, {"input_tokens": tokens}, headers)
