"""``POST /v1/embeddings``: OpenAI's Embeddings API (float or base64 vectors)."""

from __future__ import annotations

from aigw_shared.http_event import Response
from llm_gateway import validation
from llm_gateway.providers import base
from llm_gateway.targets import run_targets

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from llm_gateway.context import Context


def handle(ctx: Context) -> Response:
    request = validation.embeddings_request(ctx.req.json(), ctx.cfg.limits)
    out = ctx.out
    model = ctx.model(request["model"], "embedding")
    out.model = model.alias
    out.prompt_text = "\n".join(request["input"])
    inputs = request["input"]
    dims = request.get("dimensions") or model.dimensions
    run = run_targets(
        ctx,
        model,
        lambda p, t, left: p.embed(t, inputs, dims, left),
        base.rough_tokens(out.prompt_text),
    )
    vectors, tokens = run.value
    out.usage = {"prompt_tokens": tokens, "completion_tokens": 0, "total_tokens": tokens}
    run.settle(tokens)
    return Response.json(
        200,
        {
            "object": "list",
            "data": _data(vectors, request["encoding_format"]),
            "model": model.alias,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        },
        {"x-aigw-provider": run.target.provider},
    )


def _data(vectors: list[list[float]], encoding_format: str) -> list[dict[str, Any]]:
    import base64  # lazy: only the embeddings route packs vectors
    import struct

    data = []
    for i, vec in enumerate(vectors):
        emb: Any = vec
        if encoding_format == "base64":
            emb = base64.b64encode(struct.pack(f"<{len(vec)}f", *vec)).decode("ascii")
        data.append({"object": "embedding", "index": i, "embedding": emb})
    return data
