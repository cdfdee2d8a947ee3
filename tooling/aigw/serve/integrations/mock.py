"""``mock``: API Gateway answers by itself, from the integration's templates.

The request template renders to ``{"statusCode": N}`` (gateway-core renders
``{"statusCode": 200}`` when the route has none); ``N`` selects the integration response
by ``selectionPattern`` and its template renders the body — no back end is called.
"""

from __future__ import annotations

import json

from aigw.serve.backend import BackendAnswer
from aigw.serve.integrations import (
    DEFAULT_TIMEOUT_MS,
    Binding,
    Call,
    Functions,
    Result,
    Services,
    register,
)
from aigw.serve.integrations.mapped import invoke_mapped
from aigw.serve.mapping import IntegrationRequest, MappingError
from aigw.serve.routes import Route


def _answer(request: IntegrationRequest, timeout_ms: float) -> BackendAnswer:
    try:
        doc = json.loads(request.body or b"{}")
        status = int(doc.get("statusCode", 200)) if isinstance(doc, dict) else 200
    except (ValueError, TypeError):
        raise MappingError("API_CONFIGURATION_ERROR", "Invalid mock request template") from None
    return BackendAnswer(status, {}, b"")


class MockIntegration:
    name = "mock"

    def bind(self, route: Route, functions: Functions, services: Services | None = None) -> Binding:
        return Binding(
            route,
            None,
            None,
            DEFAULT_TIMEOUT_MS,
            target="mock (API Gateway answers from the templates)",
            send=_answer,
            services=services or Services("", "", lambda _role: None),
        )

    def invoke(self, call: Call) -> Result:
        assert call.binding.send is not None and call.binding.services is not None
        return invoke_mapped(call, call.binding.services, call.binding.send)

    def target(self, binding: Binding) -> str:
        return binding.target


register(MockIntegration())
