"""Routes of the proxy, read once from the ``AIGW_SAGEMAKER_ROUTES`` environment variable.

The value is a JSON object written by ``modules/sagemaker-route``: request path → route::

    {"/v1/sagemaker/churn/invocations": {
        "name": "churn", "endpoint_name": "churn-xgb", "content_type": "text/csv",
        "accept": "text/csv", "target_variant": null, "response_format": "envelope"}}
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

from aigw_shared.records import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

ENV_ROUTES = "AIGW_SAGEMAKER_ROUTES"
ENV_MAX_BODY = "AIGW_MAX_BODY_BYTES"
ENV_READ_TIMEOUT = "AIGW_READ_TIMEOUT_SECONDS"

CONTENT_TYPES = ("application/json", "text/csv")
RESPONSE_FORMATS = ("envelope", "raw")
# Lambda's synchronous payload limit is 6 MB; base64 and the event around it need room.
DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024
DEFAULT_READ_TIMEOUT_SECONDS = 25.0


class ConfigError(Exception):
    """The function's configuration is missing or malformed (a deployment bug)."""


@record
class EndpointRoute:
    name: str
    endpoint_name: str
    content_type: str = "application/json"
    accept: str = "application/json"
    target_variant: str | None = None
    response_format: str = "envelope"


@record
class ProxyConfig:
    routes: dict[str, EndpointRoute]
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    read_timeout_seconds: float = DEFAULT_READ_TIMEOUT_SECONDS


def _route(path: str, raw: Any) -> EndpointRoute:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"route {path!r} must be an object")
    name = raw.get("name")
    endpoint = raw.get("endpoint_name")
    if not isinstance(name, str) or not name or not isinstance(endpoint, str) or not endpoint:
        raise ConfigError(f"route {path!r} needs non-empty 'name' and 'endpoint_name'")
    content_type = raw.get("content_type") or "application/json"
    accept = raw.get("accept") or content_type
    fmt = raw.get("response_format") or "envelope"
    if content_type not in CONTENT_TYPES:
        raise ConfigError(f"route {path!r}: content_type must be one of {', '.join(CONTENT_TYPES)}")
    if fmt not in RESPONSE_FORMATS:
        raise ConfigError(
            f"route {path!r}: response_format must be one of {', '.join(RESPONSE_FORMATS)}"
        )
    variant = raw.get("target_variant")
    return EndpointRoute(
        name=name,
        endpoint_name=endpoint,
        content_type=content_type,
        accept=str(accept),
        target_variant=str(variant) if variant else None,
        response_format=fmt,
    )


def parse(routes_json: str, max_body: str | None = None, timeout: str | None = None) -> ProxyConfig:
    try:
        doc = json.loads(routes_json)
    except ValueError:
        raise ConfigError(f"{ENV_ROUTES} is not valid JSON") from None
    if not isinstance(doc, Mapping) or not doc:
        raise ConfigError(f"{ENV_ROUTES} must be a non-empty JSON object (path -> route)")
    routes = {str(path): _route(str(path), raw) for path, raw in doc.items()}
    try:
        max_body_bytes = int(max_body) if max_body else DEFAULT_MAX_BODY_BYTES
        read_timeout = float(timeout) if timeout else DEFAULT_READ_TIMEOUT_SECONDS
    except ValueError:
        raise ConfigError(f"{ENV_MAX_BODY} and {ENV_READ_TIMEOUT} must be numbers") from None
    if max_body_bytes < 1 or read_timeout <= 0:
        raise ConfigError(f"{ENV_MAX_BODY} and {ENV_READ_TIMEOUT} must be positive")
    return ProxyConfig(routes, max_body_bytes, read_timeout)


def load(environ: Mapping[str, str] | None = None) -> ProxyConfig:
    env = os.environ if environ is None else environ
    raw = env.get(ENV_ROUTES)
    if not raw:
        raise ConfigError(f"{ENV_ROUTES} is not set")
    return parse(raw, env.get(ENV_MAX_BODY), env.get(ENV_READ_TIMEOUT))
