"""``aigw serve``: the local data plane.

An HTTP server on the loopback interface that answers like the deployed REST API stage
of an applied environment (``make apply ENV=local``). One module per concern:

- :mod:`~aigw.serve.routes` — the operations of the env's ``openapi_document`` output;
- :mod:`~aigw.serve.validation` — request bodies against the route's model
  (``jsonschema``'s draft 4 validator) with API Gateway's ``validationErrorString``;
- :mod:`~aigw.serve.responses` — OpenAI-shaped errors and the document's
  ``x-amazon-apigateway-gateway-responses``;
- :mod:`~aigw.serve.events` — API Gateway's REST proxy and REQUEST authorizer events;
- :mod:`~aigw.serve.auth` — the REQUEST authorizer, its cache and policy evaluation;
- :mod:`~aigw.serve.integrations` — what answers behind a route, one module per
  integration type (``aws_proxy``, ``aws``, ``http``/``http_proxy``/VPC link, ``mock``);
- :mod:`~aigw.serve.mapping` — API Gateway's request/response mapping (``aigw.vtl``);
- :mod:`~aigw.serve.usage_plans` — usage-plan throttling and quotas;
- :mod:`~aigw.serve.waf` — the stage's web ACL (body size and rate rules);
- :mod:`~aigw.serve.fakes` — local fakes of services the sandbox lacks (Translate);
- :mod:`~aigw.serve.functions` — the deployed Lambda packages, run in-process;
- :mod:`~aigw.serve.environment` — sandbox clients, Terraform outputs, build check;
- :mod:`~aigw.serve.plane` — one request through those steps, in API Gateway's order;
- :mod:`~aigw.serve.loader` — the plane of an applied env;
- :mod:`~aigw.serve.server` — the HTTP server; :mod:`~aigw.serve.cli` — the command.

What it does not do (see docs/serve.md): verify SigV4 signatures, stage caching,
managed WAF rules, stage/account-level throttling.
"""

from __future__ import annotations

from aigw.serve.auth import AuthOutcome, LocalAuthorizer, evaluate_policy
from aigw.serve.cli import banner, cmd_serve, main, register
from aigw.serve.environment import AwsClients, check_code, read_outputs
from aigw.serve.events import Incoming, Stage, build_authorizer_event, build_proxy_event, is_binary
from aigw.serve.functions import authorizer_invoker, llm_integration
from aigw.serve.integrations import Binding, Function, Integration, Result, integration_type
from aigw.serve.loader import load_plane
from aigw.serve.plane import MAX_BODY_BYTES, DataPlane
from aigw.serve.responses import GatewayResponses, ServeError, openai_error
from aigw.serve.routes import Route, match_route, routes_from_openapi
from aigw.serve.server import DEFAULT_HOST, DEFAULT_PORT, LOOPBACK, LocalServer
from aigw.serve.validation import BodyValidator, validate_schema, validation_error_string

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "LOOPBACK",
    "MAX_BODY_BYTES",
    "AuthOutcome",
    "AwsClients",
    "Binding",
    "BodyValidator",
    "DataPlane",
    "Function",
    "GatewayResponses",
    "Incoming",
    "Integration",
    "LocalAuthorizer",
    "LocalServer",
    "Result",
    "Route",
    "ServeError",
    "Stage",
    "authorizer_invoker",
    "banner",
    "build_authorizer_event",
    "build_proxy_event",
    "check_code",
    "cmd_serve",
    "evaluate_policy",
    "integration_type",
    "is_binary",
    "llm_integration",
    "load_plane",
    "main",
    "match_route",
    "openai_error",
    "read_outputs",
    "register",
    "routes_from_openapi",
    "validate_schema",
    "validation_error_string",
]
