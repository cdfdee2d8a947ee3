"""The proxy core: a plain :class:`Request` in, a :class:`Response` out.

The SageMaker call is injected (:class:`Invoker`), so the core runs against the real
runtime API, the local sandbox or a test double alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from aigw_shared import errors
from aigw_shared.http_event import Request, Response
from aigw_shared.jsonlog import JsonLogger
from aigw_shared.records import record
from sagemaker_proxy import codec
from sagemaker_proxy.config import EndpointRoute, ProxyConfig

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@record
class Invocation:
    endpoint_name: str
    body: bytes
    content_type: str
    accept: str
    target_variant: str | None = None


@record
class InvocationResult:
    body: bytes
    content_type: str | None = None
    variant: str | None = None


# Raises errors.ApiError for upstream failures (see sagemaker_proxy.runtime).
Invoker = Callable[[Invocation], InvocationResult]


class Proxy:
    def __init__(
        self,
        config: ProxyConfig,
        invoke: Invoker,
        logger: JsonLogger | None = None,
    ) -> None:
        self.config = config
        self.invoke = invoke
        self.log = logger or JsonLogger("sagemaker_proxy")

    def route_for(self, req: Request) -> EndpointRoute:
        route = self.config.routes.get(req.path)
        if route is None:
            raise errors.not_found(f"No SageMaker route at {req.path}.", code="unknown_route")
        if req.method != "POST":
            raise errors.method_not_allowed(req.method, req.path)
        return route

    def _invoke(self, route: EndpointRoute, req: Request) -> InvocationResult:
        if len(req.body) > self.config.max_body_bytes:
            raise errors.ApiError(
                413,
                f"The request body is larger than {self.config.max_body_bytes} bytes.",
                errors.INVALID_REQUEST,
                "body_too_large",
            )
        client_type = codec.media_type(req.headers.get("content-type"))
        payload = codec.normalise_request(req.body, client_type, route.content_type)
        return self.invoke(
            Invocation(
                endpoint_name=route.endpoint_name,
                body=payload,
                content_type=route.content_type,
                accept=route.accept,
                target_variant=route.target_variant,
            )
        )

    def render(self, route: EndpointRoute, result: InvocationResult) -> Response:
        if route.response_format == "raw":
            return Response(
                200,
                {"content-type": result.content_type or "application/octet-stream"},
                result.body,
            )
        value, encoding = codec.parse_output(result.body, result.content_type)
        doc: dict[str, Any] = {
            "object": "sagemaker.invocation",
            "endpoint": route.name,
            "variant": result.variant,
            "content_type": codec.media_type(result.content_type) if result.content_type else None,
            "predictions": value,
        }
        if encoding:
            doc["encoding"] = encoding
        return Response.json(200, doc)

    def handle(self, req: Request) -> Response:
        started = time.monotonic()
        route_name = None
        error_code = None
        try:
            route = self.route_for(req)
            route_name = route.name
            resp = self.render(route, self._invoke(route, req))
        except errors.ApiError as err:
            resp = Response.error(err)
            error_code = err.code
        # Metadata only: never the payloads (they may hold personal data).
        self.log.info(
            "invocation",
            route=route_name,
            status=resp.status,
            error_code=error_code,
            request_id=req.request_id,
            request_bytes=len(req.body),
            response_bytes=len(resp.body),
            latency_ms=round((time.monotonic() - started) * 1000, 1),
        )
        return resp
