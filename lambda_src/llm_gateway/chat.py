"""A chat answer over a model's targets, for any API dialect.

Providers speak the OpenAI chat shape (ADR 0014), so every chat-like endpoint
translates its request into a validated chat request (``validation.chat_request``)
and uses these three steps: :func:`prepare` (the model, the parameters its targets
honour, the prompt text and the token estimate), then :func:`answer` for a buffered
answer (OpenAI ``choices`` and ``usage``, settled) or :func:`stream` with the dialect's
encoder (``streaming.Encoder``). The endpoint shapes the answer for its wire.
"""

from __future__ import annotations

from aigw_shared.text import text_of
from llm_gateway import parameters, streaming
from llm_gateway.providers import base
from llm_gateway.targets import run_targets
from llm_gateway.uploads import resolve_chat_media

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aigw_shared.http_event import Response
    from llm_gateway.config_types import ModelConfig
    from llm_gateway.context import Context
    from llm_gateway.streaming import Encoder
    from llm_gateway.targets import Run


def prepare(ctx: Context, request: dict[str, Any]) -> tuple[ModelConfig, int]:
    """The chat model the request names (4xx when it may not be used or its targets
    cannot honour a parameter) and the tokens to reserve for it."""
    cfg, out = ctx.cfg, ctx.out
    model = ctx.model(request["model"], "chat")
    types = {cfg.providers[t.provider].type for t in model.targets}
    parameters.check_targets(request, types)
    resolve_chat_media(request, ctx.identity.tenant, ctx.gateway.upload_settings, types)
    out.model, out.stream = model.alias, request["stream"]
    out.prompt_text = "\n".join(text_of(m.get("content")) for m in request["messages"])
    max_out = request.get("max_completion_tokens") or request.get("max_tokens")
    reserve_out = cfg.quotas.reserve_output_tokens
    estimate = base.rough_tokens(out.prompt_text) + (
        min(max_out, reserve_out) if max_out else reserve_out
    )
    return model, estimate


def answer(ctx: Context, model: ModelConfig, request: dict[str, Any], estimate: int) -> Run:
    """A buffered answer: ``run.value`` is ``{"choices", "usage"}`` (OpenAI shapes),
    the quota already settled with its usage."""
    run = run_targets(ctx, model, lambda p, t, left: p.chat(t, request, left), estimate)
    out = ctx.out
    doc = run.value
    out.usage = doc["usage"]
    run.settle(int(out.usage.get("total_tokens") or 0))
    out.completion_text = choices_text(doc["choices"])
    return run


def stream(
    ctx: Context, model: ModelConfig, request: dict[str, Any], estimate: int, encoder: Encoder
) -> Response:
    """A streamed answer, each provider chunk sent through ``encoder``."""
    run = run_targets(
        ctx,
        model,
        streaming.first_chunk(lambda p, t, left: p.chat_stream(t, request, left)),
        estimate,
    )
    return streaming.respond(ctx, run, encoder)


def choices_text(choices: list[dict[str, Any]]) -> str:
    return "".join(text_of(c.get("message", {}).get("content")) for c in choices)
