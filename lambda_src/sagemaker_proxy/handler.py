"""Lambda entry point: API Gateway REST proxy event → SageMaker endpoint → proxy result."""

from __future__ import annotations

from aigw_shared import errors
from aigw_shared.http_event import error_response, request_from_event, response_to_proxy
from sagemaker_proxy import config as config_mod
from sagemaker_proxy import runtime
from sagemaker_proxy.core import Proxy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_proxy: Proxy | None = None


def proxy() -> Proxy:
    global _proxy
    if _proxy is None:
        cfg = config_mod.load()
        _proxy = Proxy(cfg, runtime.BotoInvoker(cfg.read_timeout_seconds))
    return _proxy


def reset() -> None:
    """Forget the cached configuration and client (tests, environment changes)."""
    global _proxy
    _proxy = None
    runtime.reset()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    try:
        req = request_from_event(event)
    except errors.ApiError as err:
        return error_response(err)
    try:
        p = proxy()
    except config_mod.ConfigError:
        return error_response(
            errors.ApiError(
                503,
                "The SageMaker proxy configuration is unavailable.",
                errors.SERVER,
                "config_unavailable",
            )
        )
    try:
        return response_to_proxy(p.handle(req))
    except Exception as exc:  # noqa: BLE001 - never a traceback to the client
        p.log.error("unhandled_error", error=type(exc).__name__, request_id=req.request_id)
        return error_response(errors.internal_error())
