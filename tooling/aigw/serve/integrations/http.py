"""``http`` and ``http_proxy``: HTTP back ends, over the internet or a VPC link.

- ``http_proxy`` passes the request through (method, headers, query string, body; the
  integration's ``requestParameters`` added) and the answer back as it is.
- ``http`` maps both ways with the templates and integration responses
  (:mod:`aigw.serve.integrations.mapped`); the back end's status code selects the
  integration response.
- ``connectionType: VPC_LINK``: the URI names the private load balancer (an NLB or ALB
  DNS name nothing local resolves). Serve sends the request to the loopback back end the
  operator names for the link — ``aigw serve --vpc-link-backend ID=http://127.0.0.1:9000``
  (``*`` for every link) — keeping the URI's path and query. A link without one answers
  501 naming the link.
"""

from __future__ import annotations

import urllib.parse

from aigw.serve.backend import BackendAnswer, BackendTimeout, BackendUnreachable, send
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
from aigw.serve.integrations.mapped import invoke_mapped, timeout_ms
from aigw.serve.mapping import IntegrationRequest, apply_request_parameters
from aigw.serve.routes import Route

# Hop-by-hop and per-connection headers API Gateway does not forward.
_NOT_FORWARDED = {
    "host",
    "connection",
    "keep-alive",
    "content-length",
    "transfer-encoding",
    "te",
    "upgrade",
    "proxy-authorization",
    "expect",
}


def backend_url(route: Route, services: Services | None) -> tuple[str | None, str]:
    """The URL requests of ``route`` go to, or None and why."""
    uri = route.uri
    parts = urllib.parse.urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None, f"{uri!r} is not an HTTP URI"
    if str(route.integration.get("connectionType") or "").upper() != "VPC_LINK":
        return uri, uri
    link = str(route.integration.get("connectionId") or "")
    backends = services.backends if services is not None else {}
    local = backends.get(link) or backends.get("*")
    if not local:
        return None, (
            f"VPC link {link or '?'} has no local back end "
            f"(aigw serve --vpc-link-backend {link or 'ID'}=http://127.0.0.1:PORT)"
        )
    base = urllib.parse.urlsplit(local)
    url = urllib.parse.urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))
    return url, f"{url} (VPC link {link} -> {local})"


def _url(base: str, request: IntegrationRequest) -> str:
    parts = urllib.parse.urlsplit(base)
    path = parts.path or "/"
    for name, value in request.path.items():
        path = path.replace("{" + name + "}", urllib.parse.quote(value, safe="/"))
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True) + request.query
    return urllib.parse.urlunsplit(
        (parts.scheme, parts.netloc, path, urllib.parse.urlencode(query), "")
    )


class HttpIntegration:
    """``http``: templates both ways."""

    name = "http"

    def bind(self, route: Route, functions: Functions, services: Services | None = None) -> Binding:
        timeout = float(route.integration.get("timeoutInMillis") or DEFAULT_TIMEOUT_MS)
        url, target = backend_url(route, services)
        if url is None:
            return Binding(route, None, None, timeout, target)
        method = str(route.integration.get("httpMethod") or route.method).upper()

        def call_backend(request: IntegrationRequest, ms: float) -> BackendAnswer:
            return send(method, _url(url, request), request.headers, request.body, ms)

        return Binding(
            route, None, None, timeout, target=target, send=call_backend, services=services
        )

    def invoke(self, call: Call) -> Result:
        binding, route = call.binding, call.route
        if binding.send is None or binding.services is None:
            return not_implemented(
                f"{route.method} {route.template}: {binding.reason}", tenant=call.tenant
            )
        return invoke_mapped(call, binding.services, binding.send)

    def target(self, binding: Binding) -> str:
        return binding.target if binding.send is not None else f"not run locally ({binding.reason})"


class HttpProxyIntegration(HttpIntegration):
    """``http_proxy``: the request and the answer pass through."""

    name = "http_proxy"

    def invoke(self, call: Call) -> Result:
        binding, route, inc = call.binding, call.route, call.inc
        if binding.send is None:
            return not_implemented(
                f"{route.method} {route.template}: {binding.reason}", tenant=call.tenant
            )
        request = IntegrationRequest(
            inc.body,
            {k: v for k, v in inc.headers if k.lower() not in _NOT_FORWARDED},
            list(inc.query),
        )
        apply_request_parameters(request, route.integration, inc, call.params)
        if str(route.integration.get("httpMethod") or "ANY").upper() == "ANY":
            method = inc.method
        else:
            method = str(route.integration["httpMethod"]).upper()
        url, _ = backend_url(route, binding.services)
        try:
            answer = send(
                method, _url(str(url), request), request.headers, request.body, timeout_ms(call)
            )
        except BackendTimeout:
            return call.gateway_response("INTEGRATION_TIMEOUT", "Endpoint request timed out")
        except BackendUnreachable:
            return call.gateway_response("INTEGRATION_FAILURE", "Internal server error")
        headers = {
            k: v for k, v in answer.headers.items() if k.lower() not in _NOT_FORWARDED | {"date"}
        }
        return Result(answer.status, headers, answer.body, tenant=call.tenant)


register(HttpIntegration())
register(HttpProxyIntegration())
