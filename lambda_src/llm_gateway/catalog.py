"""``GET /v1/models`` and ``GET /v1/models/{model}``: the aliases a tenant may use.

A model the tenant may not use is answered exactly like an unknown one (404
``model_not_found``), so the catalogue never reveals aliases outside the allow-list.
"""

from __future__ import annotations

from aigw_shared import errors
from aigw_shared.errors import ApiError
from aigw_shared.http_event import Response

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from llm_gateway.config import GatewayConfig, ModelConfig


def model_object(model: ModelConfig) -> dict[str, Any]:
    """OpenAI's ``Model`` object for an alias (``created`` is not tracked: 0)."""
    return {"id": model.alias, "object": "model", "created": 0, "owned_by": model.owned_by}


def model_not_found(alias: str) -> ApiError:
    return ApiError(
        404,
        f"The model '{alias[:200]}' does not exist or you do not have access to it.",
        errors.INVALID_REQUEST,
        "model_not_found",
        "model",
    )


def list_models(cfg: GatewayConfig, may_use: Callable[[str], bool]) -> Response:
    data = [model_object(m) for alias, m in sorted(cfg.models.items()) if may_use(alias)]
    return Response.json(200, {"object": "list", "data": data})


def retrieve_model(cfg: GatewayConfig, raw_id: str, may_use: Callable[[str], bool]) -> Response:
    """One alias by its (percent-encoded) path segment, or 404."""
    import urllib.parse  # lazy: only this route decodes a path segment

    alias = urllib.parse.unquote(raw_id)
    model = cfg.models.get(alias)
    if model is None or not may_use(alias):
        raise model_not_found(alias)
    return Response.json(200, model_object(model))
