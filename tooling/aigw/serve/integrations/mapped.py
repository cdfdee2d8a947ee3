"""The non-proxy flow shared by ``aws`` and ``http``: map, call the back end, map back.

The integration type supplies how to reach its back end (``Send``: the mapped integration
request -> the back end's answer); this module does the rest the way API Gateway does:
request mapping (:func:`aigw.serve.mapping.map_request`), the call within the route's
``timeoutInMillis`` (a timeout is the ``INTEGRATION_TIMEOUT`` gateway response, no answer
at all ``INTEGRATION_FAILURE``), and the integration response mapping.
"""

from __future__ import annotations

from collections.abc import Callable

from aigw.serve.backend import BackendAnswer, BackendTimeout, BackendUnreachable
from aigw.serve.integrations import DEFAULT_TIMEOUT_MS, Call, Result, Services
from aigw.serve.mapping import (
    IntegrationRequest,
    MappingError,
    map_request,
    map_response,
    template_context,
)

Send = Callable[[IntegrationRequest, float], BackendAnswer]


def timeout_ms(call: Call) -> float:
    return float(call.route.integration.get("timeoutInMillis") or DEFAULT_TIMEOUT_MS)


def _refusal(call: Call, err: MappingError) -> Result:
    """The gateway response the mapping failure is (``UNSUPPORTED_MEDIA_TYPE``...)."""
    return call.gateway_response(err.kind, err.message)


def invoke_mapped(call: Call, services: Services, send: Send) -> Result:
    integration = call.route.integration
    ctx = template_context(call.inc, call.route, call.stage, call.authorizer, call.api_key)
    media = services.binary_media_types
    try:
        request = map_request(
            integration, call.inc, call.params, ctx, media, services.stage_variables
        )
    except MappingError as err:
        return _refusal(call, err)
    try:
        answer = send(request, timeout_ms(call))
    except MappingError as err:
        return _refusal(call, err)
    except BackendTimeout:
        return call.gateway_response("INTEGRATION_TIMEOUT", "Endpoint request timed out")
    except BackendUnreachable:
        return call.gateway_response("INTEGRATION_FAILURE", "Internal server error")
    try:
        out = map_response(
            integration,
            call.inc,
            answer.status,
            answer.headers,
            answer.body,
            ctx,
            media,
            services.stage_variables,
        )
    except MappingError as err:
        return _refusal(call, err)
    return Result(out.status, out.headers, out.body, tenant=call.tenant)
