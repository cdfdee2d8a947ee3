"""Lambda entry point for API Gateway REST proxy events (buffered responses).

Streaming requests on a buffered integration get the whole SSE body at once; the
response-streaming path is ``llm_gateway.stream_runtime``.
"""

from __future__ import annotations

from aigw_shared import errors
from aigw_shared.http_event import error_response, request_from_event, response_to_proxy
from llm_gateway.config import ConfigLoader, GatewayConfig
from llm_gateway.core import Gateway

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SAFETY_MARGIN_MS = 1000

_loader: ConfigLoader | None = None
_gateway: Gateway | None = None


def _config() -> GatewayConfig:
    global _loader
    if _loader is None:
        _loader = ConfigLoader()
    return _loader.get()


def gateway() -> Gateway:
    global _gateway
    if _gateway is None:
        _gateway = Gateway(_config)
    return _gateway


def reset() -> None:
    """Forget the cached loader and gateway (config environment changed; tests)."""
    global _loader, _gateway
    _loader = None
    _gateway = None


def budget_ms(left_ms: float) -> float:
    """The time the gateway may use of ``left_ms`` before Lambda's own deadline (a
    margin stays for writing the response and the request's record)."""
    return max(0.0, left_ms - SAFETY_MARGIN_MS)


def remaining_ms(context: Any) -> float | None:
    get = getattr(context, "get_remaining_time_in_millis", None)
    if get is None:
        return None
    return budget_ms(float(get()))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    try:
        req = request_from_event(event)
    except errors.ApiError as err:
        return error_response(err)
    # A missing or invalid config is answered by the gateway (503 config_unavailable):
    # the loader is created, and the document read, inside ``handle_request``.
    return response_to_proxy(gateway().handle_request(req, remaining_ms(context)))
