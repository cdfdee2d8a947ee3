"""``GET /v1/models`` and ``GET /v1/models/{model}``: the aliases a tenant may use.

A model the tenant may not use is answered exactly like an unknown one (404
``model_not_found``), so the catalogue never reveals aliases outside the allow-list.
"""

from __future__ import annotations

from aigw_shared.http_event import Response
from llm_gateway.context import model_not_found

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from llm_gateway.config_types import ModelConfig
    from llm_gateway.context import Context


def model_object(model: ModelConfig) -> dict[str, Any]:
    """OpenAI's ``Model`` object for an alias (``created`` is not tracked: 0)."""
    return {"id": model.alias, "object": "model", "created": 0, "owned_by": model.owned_by}


def list_models(ctx: Context) -> Response:
    may_use = ctx.identity.may_use
    data = [model_object(m) for alias, m in sorted(ctx.cfg.models.items()) if may_use(alias)]
    return Response.json(200, {"object": "list", "data": data})


def retrieve(ctx: Context) -> Response:
    """One alias by its (percent-encoded) path segment, or 404."""
    import urllib.parse  # lazy: only this route decodes a path segment

    alias = urllib.parse.unquote(str(ctx.param))
    model = ctx.cfg.models.get(alias)
    if model is None or not ctx.identity.may_use(alias):
        raise model_not_found(alias)
    return Response.json(200, model_object(model))
