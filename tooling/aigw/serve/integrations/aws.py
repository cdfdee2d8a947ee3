"""``aws``: direct AWS service integrations (SageMaker runtime, Comprehend, Translate...).

The integration ``uri`` names the service and what to call:
``arn:aws:apigateway:{region}:{service}:action/{Action}`` or ``…:path/{path}``. The
request mapping template runs (:mod:`aigw.serve.integrations.mapped`), and the mapped
request goes to the service's local endpoint — the sandbox, or a local fake for a
service the sandbox lacks (Translate: :mod:`aigw.serve.fakes.translate`) — **signed with
SigV4 by botocore** with the credentials of the integration's role (assumed in the
sandbox), as API Gateway signs it with the role's session (ADR 0072). The service's
status code selects the integration response.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

from aigw.serve.backend import BackendAnswer, send
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
from aigw.serve.integrations.mapped import invoke_mapped
from aigw.serve.mapping import IntegrationRequest
from aigw.serve.routes import Route

SERVICE_URI = re.compile(
    r"^arn:aws[a-z-]*:apigateway:(?P<region>[a-z0-9-]+):(?P<service>[A-Za-z0-9.-]+):"
    r"(?P<kind>action|path)/(?P<rest>.*)$"
)
# Calls the sandbox (moto 5.2.5) answers with a 500 because it does not implement them:
# their routes answer their own mapping of a service error locally (named at startup).
SANDBOX_LACKS = {
    ("comprehend", "DetectEntities"),
    ("comprehend", "DetectDominantLanguage"),
    ("rekognition", "DetectModerationLabels"),
}
# The URI's service part -> the SigV4 signing name, where they differ.
SIGNING_NAMES = {"runtime.sagemaker": "sagemaker", "runtime.lex": "lex"}


@dataclass(frozen=True)
class ServiceCall:
    """What a service URI asks for."""

    region: str
    service: str
    kind: str  # action | path
    target: str  # the action name, or the path (with a leading slash)

    @property
    def signing_name(self) -> str:
        return SIGNING_NAMES.get(self.service, self.service)


def parse_service_uri(uri: str) -> ServiceCall | None:
    m = SERVICE_URI.match(uri)
    if m is None:
        return None
    rest = m.group("rest")
    if m.group("kind") == "path":
        rest = "/" + rest.lstrip("/")
    return ServiceCall(m.group("region"), m.group("service"), m.group("kind"), rest)


def signed_request(
    service: ServiceCall,
    endpoint: str,
    request: IntegrationRequest,
    credentials: object,
    method: str = "POST",
) -> tuple[str, dict[str, str]]:
    """The URL and the SigV4-signed headers of the call (botocore's signer)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    path = service.target if service.kind == "path" else "/"
    for name, value in request.path.items():
        path = path.replace("{" + name + "}", urllib.parse.quote(value, safe=""))
    query = list(request.query)
    if service.kind == "action" and not any(k.lower() == "x-amz-target" for k in request.headers):
        query.append(("Action", service.target))  # query-protocol services
    url = endpoint.rstrip("/") + urllib.parse.quote(path, safe="/%")
    if query:
        url += "?" + urllib.parse.urlencode(query)
    aws_request = AWSRequest(method=method, url=url, data=request.body, headers=request.headers)
    SigV4Auth(credentials, service.signing_name, service.region).add_auth(aws_request)
    return url, dict(aws_request.headers.items())


class DirectAws:
    name = "aws"

    def bind(self, route: Route, functions: Functions, services: Services | None = None) -> Binding:
        service = parse_service_uri(route.uri)
        timeout = float(route.integration.get("timeoutInMillis") or DEFAULT_TIMEOUT_MS)
        if service is None:
            reason = f"{route.uri!r} is not an API Gateway AWS service URI"
            return Binding(route, None, None, timeout, reason)
        if services is None:
            return Binding(route, None, None, timeout, "no sandbox to call AWS services in")
        endpoint = services.endpoint_for(service.service)
        fake = services.fakes.get(service.service)
        where = f"local fake {fake}" if fake else "the sandbox"
        if not fake and (service.service, service.target) in SANDBOX_LACKS:
            where = "NOT in the sandbox: answers the route's service-error response"
        binding = Binding(
            route,
            None,
            None,
            timeout,
            target=f"{service.service} {service.kind}/{service.target.lstrip('/')} ({where})",
        )
        method = str(route.integration.get("httpMethod") or "POST").upper()
        role = route.integration.get("credentials")

        def call_service(request: IntegrationRequest, timeout_ms: float) -> BackendAnswer:
            url, headers = signed_request(
                service, endpoint, request, services.credentials(role), method
            )
            return send(method, url, headers, request.body, timeout_ms)

        binding.send, binding.services = call_service, services
        return binding

    def invoke(self, call: Call) -> Result:
        binding, route = call.binding, call.route
        services = binding.services
        if binding.send is None or services is None:
            reason = binding.reason or "not bound to a sandbox (no AWS service to call)"
            return not_implemented(f"{route.method} {route.template}: {reason}", tenant=call.tenant)
        return invoke_mapped(call, services, binding.send)

    def target(self, binding: Binding) -> str:
        if binding.send is None:
            return f"not run locally ({binding.reason or 'no sandbox'})"
        return binding.target


register(DirectAws())
