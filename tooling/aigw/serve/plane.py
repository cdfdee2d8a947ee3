"""The data plane: one request through route, authorizer, API key, validation, integration.

The steps are API Gateway's, in its order; every refusal is the document's gateway
response. What answers behind the route is the integration type's business
(:mod:`aigw.serve.integrations`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from aigw.serve.auth import LocalAuthorizer
from aigw.serve.events import Incoming, Stage
from aigw.serve.integrations import Binding, Call, Result, integration_type
from aigw.serve.responses import GatewayResponses
from aigw.serve.routes import Route, match_route
from aigw.serve.stage_cache import StageCache
from aigw.serve.usage_plans import UsagePlans
from aigw.serve.validation import (
    UNPARSABLE_BODY,
    BodyValidationError,
    BodyValidator,
    parse_body,
    validation_error_string,
)
from aigw.serve.waf import WebAcl

MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit
_SIGV4 = re.compile(
    r"^AWS4-HMAC-SHA256 +Credential=[^/ ,]+/\d{8}/[a-z0-9-]+/execute-api/aws4_request, *"
    r"SignedHeaders=[a-z0-9;-]+, *Signature=[0-9a-f]{64}$"
)


class DataPlane:
    """Routes, authorizers and integrations; :meth:`dispatch` answers one request."""

    def __init__(
        self,
        doc: Mapping[str, Any],
        stage: Stage,
        bindings: list[Binding],
        authorizers: Mapping[str, LocalAuthorizer],
        usage_plans: UsagePlans | None = None,
        web_acl: WebAcl | None = None,
        stage_cache: StageCache | None = None,
    ) -> None:
        self.doc = doc
        self.stage = stage
        self.bindings = bindings
        self.endpoint = ""  # the sandbox the functions read from (set by load_plane)
        self.cli_environment: dict[str, str] = {}
        self.warnings: list[str] = []
        self.routes = [b.route for b in bindings]
        self._by_route = {id(b.route): b for b in bindings}
        self.authorizers = dict(authorizers)
        self.usage_plans = usage_plans
        self.services: Any = None  # what non-Lambda integrations reach (set by load_plane)
        self.web_acl = web_acl
        self.stage_cache = stage_cache if stage_cache is not None else StageCache({})
        self.responses = GatewayResponses(doc.get("x-amazon-apigateway-gateway-responses") or {})
        self.api_key_source = doc.get("x-amazon-apigateway-api-key-source", "HEADER")
        schemes = (doc.get("components") or {}).get("securitySchemes") or {}
        self._sigv4_schemes = {
            n for n, s in schemes.items() if s.get("x-amazon-apigateway-authtype") == "awsSigv4"
        }
        self._api_key_schemes = {
            n
            for n, s in schemes.items()
            if s.get("type") == "apiKey" and not s.get("x-amazon-apigateway-authtype")
        }

    def refuse(self, kind: str, message: str, inc: Incoming, validation: str = "") -> Result:
        """The gateway response ``kind`` (``BAD_REQUEST_BODY``...) for ``inc``."""
        status, headers, body = self.responses.render(kind, message, inc.request_id, validation)
        return Result(status, headers, body)

    def dispatch(self, inc: Incoming) -> Result:
        """``inc``'s answer. Once the authorizer has named the tenant, the access log has it
        for every answer, refusals after the authorizer and any function's included (API
        Gateway's ``$context.authorizer.*`` is set from then on)."""
        caller: dict[str, str] = {}
        result = self._dispatch(inc, caller)
        if result.tenant == "-" and caller.get("tenant", "-") != "-":
            result.tenant = caller["tenant"]
        return result

    def _dispatch(self, inc: Incoming, caller: dict[str, str]) -> Result:
        if self.web_acl is not None:
            blocked = self.web_acl.inspect(inc)
            if blocked is not None:
                return blocked
        found = match_route(self.routes, inc.method, inc.path)
        if found is None:
            return self.refuse("MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token", inc)
        route, params = found
        binding = self._by_route[id(route)]
        if len(inc.body) > MAX_BODY_BYTES:
            return self.refuse("REQUEST_TOO_LARGE", "Request Too Long", inc)
        auth_context: dict[str, Any] | None = None
        usage_key = None
        for scheme in route.security:
            if scheme in self._sigv4_schemes:
                refused = self._check_sigv4(inc)
                if refused is not None:
                    return refused
            authz = self.authorizers.get(scheme)
            if authz is None:
                continue
            outcome = authz.authorize(inc, route, self.stage)
            if not outcome.allowed:
                return self.refuse(outcome.kind, outcome.message, inc)
            auth_context, usage_key = outcome.context, outcome.usage_key
            caller["tenant"] = str((auth_context or {}).get("tenant", "-"))
        if any(s in self._api_key_schemes for s in route.security):
            key = usage_key if self.api_key_source == "AUTHORIZER" else inc.header("x-api-key")
            if not key:
                return self.refuse("INVALID_API_KEY", "Forbidden", inc)
            if self.usage_plans is not None:
                verdict = self.usage_plans.check(key, inc.method, route.template)
                if verdict.kind:
                    return self.refuse(verdict.kind, verdict.message, inc)
        refused = self._validate_parameters(inc, route) or self._validate_body(inc, route)
        if refused is not None:
            return refused
        tenant = str((auth_context or {}).get("tenant", "-"))
        call = Call(
            inc,
            route,
            params,
            self.stage,
            binding,
            auth_context,
            tenant=tenant,
            refuse=lambda kind, message: self.refuse(kind, message, inc),
            api_key=usage_key,
        )
        return self.stage_cache.serve(
            route,
            inc,
            params,
            tenant,
            lambda: integration_type(route.integration_type).invoke(call),
            lambda kind, message: self.refuse(kind, message, inc),
        )

    def _validate_parameters(self, inc: Incoming, route: Route) -> Result | None:
        """``BAD_REQUEST_PARAMETERS`` naming the required query strings and headers missing."""
        query = {k for k, _ in inc.query}
        missing = [
            name
            for where, name in route.required_parameters
            if (name not in query if where == "query" else inc.header(name) is None)
        ]
        if not missing:
            return None
        return self.refuse(
            "BAD_REQUEST_PARAMETERS",
            f"Missing required request parameters: [{', '.join(missing)}]",
            inc,
        )

    def _check_sigv4(self, inc: Incoming) -> Result | None:
        """AWS_IAM routes: a SigV4 ``Authorization`` header must be there and well formed.

        The signature itself is not verified locally (the sandbox cannot hand out the
        caller's secret key): docs/serve.md lists this as partially emulated.
        """
        header = inc.header("authorization")
        if not header:
            return self.refuse("MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token", inc)
        if _SIGV4.match(header) is None:
            return self.refuse(
                "INCOMPLETE_SIGNATURE",
                "Authorization header requires 'Credential', 'Signature' and "
                "'SignedHeaders' parameters (AWS4-HMAC-SHA256).",
                inc,
            )
        return None

    def _validate_body(self, inc: Incoming, route: Route) -> Result | None:
        """``BAD_REQUEST_BODY`` with API Gateway's ``validationErrorString``, or None."""
        if route.schema is None:
            return None
        validator = route.validator or BodyValidator(route.schema, self.doc)
        parsed, value = parse_body(inc.body)
        if not parsed:
            return self.refuse("BAD_REQUEST_BODY", "Invalid request body", inc, UNPARSABLE_BODY)
        try:
            messages = validator.messages(value)
        except BodyValidationError:
            # API Gateway: "Request body validation failed due to an unexpected error",
            # a configuration error (500), not the client's fault.
            return self.refuse("API_CONFIGURATION_ERROR", "Internal server error", inc)
        if not messages:
            return None
        return self.refuse(
            "BAD_REQUEST_BODY", "Invalid request body", inc, validation_error_string(messages)
        )
