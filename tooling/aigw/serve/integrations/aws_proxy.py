"""``aws_proxy``: the Lambda proxy integration (REST payload 1.0).

The request becomes API Gateway's proxy event and goes to the function named in the
integration URI, run in-process by the adapter its handler string selects
(:mod:`aigw.serve.functions`). A function that raises is a 502 without a traceback.
"""

from __future__ import annotations

import json

from aigw.serve.events import build_proxy_event
from aigw.serve.integrations import (
    DEFAULT_TIMEOUT_MS,
    Binding,
    Call,
    Functions,
    Result,
    Services,
    not_implemented,
    register,
)
from aigw.serve.responses import openai_error
from aigw.serve.routes import Route

# Lambda's synchronous invoke request limit: the whole event, as JSON (6 MiB).
MAX_INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024


class AwsProxy:
    name = "aws_proxy"

    def bind(self, route: Route, functions: Functions, services: Services | None = None) -> Binding:
        arn = route.function_arn
        if arn is None:
            reason = f"{self.name} integrations are not run locally"
            return Binding(route, None, None, DEFAULT_TIMEOUT_MS, reason)
        fn = functions(arn)
        return Binding(
            route,
            fn.runner,
            fn.config.get("FunctionName"),
            float(fn.config.get("Timeout", 30)) * 1000,
            fn.reason,
        )

    def invoke(self, call: Call) -> Result:
        binding, route = call.binding, call.route
        if binding.integration is None:
            return not_implemented(f"{route.method} {route.template}: {binding.reason}")
        event = build_proxy_event(call.inc, route, call.stage, call.params, call.authorizer)
        if len(json.dumps(event, separators=(",", ":")).encode()) > MAX_INVOKE_PAYLOAD_BYTES:
            # Lambda refuses a synchronous invoke over 6 MB (RequestEntityTooLargeException,
            # 413): the function never runs.
            return call.gateway_response("REQUEST_TOO_LARGE", "Request Too Long")
        try:
            return binding.integration(event, binding.timeout_ms)
        except Exception:  # noqa: BLE001 - a Lambda crash is a 502 at the stage, no traceback
            return Result(
                502,
                {"content-type": "application/json"},
                openai_error("Internal server error", "api_error", "integration_failure"),
            )

    def target(self, binding: Binding) -> str:
        if binding.integration is None:
            return f"not run locally ({binding.reason})"
        return f"{binding.function_name}{' (stream)' if binding.route.streaming else ''}"


register(AwsProxy())
