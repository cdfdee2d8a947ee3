"""Integrations: what answers behind a route, one module per API Gateway integration type.

The data plane looks a route's integration type up in :data:`REGISTRY` (``aws_proxy``,
``aws``...). An :class:`IntegrationType` does two things:

- ``bind(route, functions)`` at start-up: resolve what the route needs (a function's
  configuration, say) into a :class:`Binding`, or the reason it cannot run locally;
- ``invoke(call)`` per request, after routing, authorization and body validation: answer
  with a :class:`Result`.

Adding a type is one module: a class with those two methods (and ``target`` for the
banner), registered with :func:`register`, imported below. A type nobody registered
answers 501 naming it (:class:`NotRunLocally`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from aigw.serve.events import Incoming, Stage
from aigw.serve.responses import openai_error
from aigw.serve.routes import Route

DEFAULT_TIMEOUT_MS = 29000  # API Gateway's default integration timeout


@dataclass
class Result:
    """What an integration produced: status, headers, and a body or a chunk stream."""

    status: int
    headers: dict[str, str]
    body: bytes = b""
    stream: Iterator[bytes] | None = None
    tenant: str = "-"
    # Stage cache: HIT, MISS, or "-" for a method that is not cached (aigw.serve.stage_cache).
    cache: str = "-"


# A function the local plane can run: (API Gateway event, remaining ms) -> Result.
Integration = Callable[[dict[str, Any], float], Result]


@dataclass
class Binding:
    """A route and what serves it locally."""

    route: Route
    integration: Integration | None
    function_name: str | None
    timeout_ms: float
    reason: str = ""  # why there is no integration
    target: str = ""  # what answers (the banner's TARGET column)
    # Non-proxy integrations: the call to the back end, and the services it reaches.
    send: Callable[..., Any] | None = field(default=None, repr=False)
    services: Services | None = field(default=None, repr=False)


@dataclass
class Function:
    """A Lambda function as the sandbox holds it, and how to run it here (if we can)."""

    config: Mapping[str, Any]
    runner: Integration | None
    reason: str = ""


# Resolves a Lambda function ARN (with qualifier) to its sandbox configuration.
Functions = Callable[[str], Function]


@dataclass
class Services:
    """What non-Lambda integrations reach at start-up: AWS service endpoints and back ends.

    ``endpoints`` maps an AWS service (the URI's service part, ``comprehend``,
    ``runtime.sagemaker``…) to the URL that answers for it locally — the sandbox, or a
    local fake for a service the sandbox lacks (``fakes``: service -> description, for
    the banner). ``credentials(role_arn)`` returns botocore credentials for the
    integration's role (assumed in the sandbox). ``backends`` maps a VPC link's
    ``connectionId`` (or ``*``) to the loopback URL that stands in for its load balancer.
    """

    endpoint: str
    region: str
    credentials: Callable[[str | None], Any]
    endpoints: dict[str, str] = field(default_factory=dict)
    fakes: dict[str, str] = field(default_factory=dict)
    binary_media_types: list[str] = field(default_factory=list)
    backends: dict[str, str] = field(default_factory=dict)
    stage_variables: dict[str, str] = field(default_factory=dict)  # ``$stageVariables``

    def endpoint_for(self, service: str) -> str:
        return self.endpoints.get(service, self.endpoint)


@dataclass
class Call:
    """One request, routed, authorized and validated, handed to an integration."""

    inc: Incoming
    route: Route
    params: Mapping[str, str]
    stage: Stage
    binding: Binding
    authorizer: Mapping[str, Any] | None = None
    tenant: str = field(default="-")
    # The gateway response ``kind`` with ``message`` (set by the data plane).
    refuse: Callable[[str, str], Result] | None = field(default=None, repr=False)
    api_key: str | None = None

    def gateway_response(self, kind: str, message: str) -> Result:
        if self.refuse is None:
            status = 504 if kind.startswith("INTEGRATION") else 500
            return Result(
                status,
                {"content-type": "application/json"},
                openai_error(message, "api_error", kind.lower()),
                tenant=self.tenant,
            )
        result = self.refuse(kind, message)
        result.tenant = self.tenant
        return result


class IntegrationType(Protocol):
    name: str

    def bind(
        self, route: Route, functions: Functions, services: Services | None = None
    ) -> Binding: ...

    def invoke(self, call: Call) -> Result: ...

    def target(self, binding: Binding) -> str: ...


def not_implemented(message: str, tenant: str = "-") -> Result:
    return Result(
        501,
        {"content-type": "application/json"},
        openai_error(message, "api_error", "not_implemented_locally"),
        tenant=tenant,
    )


class NotRunLocally:
    """Any integration type without a module here: 501 naming the type."""

    def __init__(self, name: str) -> None:
        self.name = name

    def bind(self, route: Route, functions: Functions, services: Services | None = None) -> Binding:
        reason = f"{self.name or 'unknown'} integrations are not run locally"
        return Binding(route, None, None, DEFAULT_TIMEOUT_MS, reason)

    def invoke(self, call: Call) -> Result:
        route = call.route
        return not_implemented(f"{route.method} {route.template}: {call.binding.reason}")

    def target(self, binding: Binding) -> str:
        return f"not run locally ({binding.reason})"


REGISTRY: dict[str, IntegrationType] = {}


def register(kind: IntegrationType) -> IntegrationType:
    """Make ``kind`` serve the routes of its integration type (``kind.name``)."""
    REGISTRY[kind.name] = kind
    return kind


def integration_type(name: str) -> IntegrationType:
    """The registered type, or the 501 answer for one not run locally."""
    return REGISTRY.get(name) or NotRunLocally(name)


# The types run locally; each module registers itself.
from aigw.serve.integrations import aws, aws_proxy, http, mock  # noqa: E402, F401
