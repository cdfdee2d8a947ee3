"""``aigw serve``: the local data plane.

An HTTP server on the loopback interface that answers like the deployed REST API stage
of an applied environment (``make apply ENV=local``):

- routes come from the env's ``openapi_document`` output (the document API Gateway got);
- the REQUEST authorizer runs first, with the deployed code and the function's own
  environment read from the sandbox; its result is cached per identity source for the
  scheme's ``authorizerResultTtlInSeconds``;
- request bodies are validated against the route's model (``x-amazon-apigateway-request-
  validator``), and every gateway-level refusal is rendered from the document's
  ``x-amazon-apigateway-gateway-responses``;
- ``aws_proxy`` routes build an API Gateway REST proxy event and run the function found
  by its handler string; the LLM gateway runs its core directly so SSE streams are
  written and flushed chunk by chunk;
- ``aws`` (direct service) integrations answer 501: the local plane does not run them.

What it does not do (see docs/serve.md): usage-plan throttling and quotas, WAF, stage
caching, direct integrations.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import re
import signal
import sys
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

from aigw import vtl

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit
MAX_HEADER_COUNT = 200
LOOPBACK = ("127.0.0.1", "localhost", "::1")
_TEXT_TYPES = ("text/", "application/json", "application/x-www-form-urlencoded", "+json")
_LAMBDA_ARN = re.compile(
    r"arn:aws[a-z-]*:lambda:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):function:"
    r"(?P<name>[A-Za-z0-9_-]+)(?::(?P<qualifier>[A-Za-z0-9$_-]+))?"
)
_IDENTITY_HEADER = "method.request.header."
_IDENTITY_QUERY = "method.request.querystring."


class ServeError(RuntimeError):
    """The local data plane cannot start; the message says why and what to do."""


# ----------------------------------------------------------------------------- errors


def openai_error(message: str, type_: str, code: str, param: str | None = None) -> bytes:
    return json.dumps(
        {"error": {"message": message, "type": type_, "code": code, "param": param}}
    ).encode()


_DEFAULT_STATUS = {
    "UNAUTHORIZED": 401,
    "ACCESS_DENIED": 403,
    "INVALID_API_KEY": 403,
    "MISSING_AUTHENTICATION_TOKEN": 403,
    "BAD_REQUEST_BODY": 400,
    "BAD_REQUEST_PARAMETERS": 400,
    "REQUEST_TOO_LARGE": 413,
    "AUTHORIZER_FAILURE": 500,
    "AUTHORIZER_CONFIGURATION_ERROR": 500,
    "INTEGRATION_FAILURE": 504,
}
_DEFAULT_TYPE = {4: "invalid_request_error", 5: "api_error"}


@dataclass
class GatewayResponses:
    """``x-amazon-apigateway-gateway-responses``, rendered the way API Gateway does."""

    spec: Mapping[str, Any] = field(default_factory=dict)

    def render(
        self, kind: str, message: str, request_id: str, validation_error: str = ""
    ) -> tuple[int, dict[str, str], bytes]:
        status = _DEFAULT_STATUS.get(kind, 500)
        family = "DEFAULT_4XX" if status < 500 else "DEFAULT_5XX"
        entry = self.spec.get(kind) or self.spec.get(family) or {}
        if entry.get("statusCode"):
            status = int(entry["statusCode"])
        headers = {"content-type": "application/json"}
        for name, value in (entry.get("responseParameters") or {}).items():
            if name.startswith("gatewayresponse.header.") and isinstance(value, str):
                headers[name.split(".", 2)[2].lower()] = value.strip("'")
        template = (entry.get("responseTemplates") or {}).get("application/json")
        if not isinstance(template, str):
            return (
                status,
                headers,
                openai_error(message, _DEFAULT_TYPE[status // 100], kind.lower()),
            )
        # API Gateway substitutes the variables as they are (no Velocity): a template that
        # puts a raw one inside a JSON string gives invalid JSON here as it does on AWS.
        context = vtl.context(
            request_id=request_id,
            error={
                "message": message,
                "responseType": kind,
                "validationErrorString": validation_error,
            },
        )
        return status, headers, vtl.gateway_response(template, context).encode()


# ----------------------------------------------------------------------------- schema


def validate_schema(value: Any, schema: Mapping[str, Any], path: str = "") -> list[str]:
    """The JSON Schema (draft 4) keywords API Gateway models use, as error strings.

    Supported: type, required, properties, additionalProperties (bool), items, enum,
    minLength/maxLength, minimum/maximum, minItems/maxItems. Unknown keywords are ignored,
    as they are by a lenient validator; the function's own validation still runs.
    """
    errs: list[str] = []
    where = path or "the request body"
    types = schema.get("type")
    if isinstance(types, str):
        types = [types]
    if types and not any(_is_type(value, t) for t in types):
        return [f"{where}: expected type {' or '.join(types)}"]
    if "enum" in schema and value not in schema["enum"]:
        errs.append(f"{where}: must be one of {schema['enum']}")
    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            errs.append(f"{where}: shorter than {schema['minLength']} characters")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errs.append(f"{where}: longer than {schema['maxLength']} characters")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errs.append(f"{where}: less than {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errs.append(f"{where}: greater than {schema['maximum']}")
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            errs.append(f"{where}: fewer than {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errs.append(f"{where}: more than {schema['maxItems']} items")
        items = schema.get("items")
        if isinstance(items, Mapping):
            for i, item in enumerate(value[:1000]):
                errs += validate_schema(item, items, f"{path}[{i}]")
    if isinstance(value, dict):
        errs += [
            f"{path + '.' if path else ''}{name}: required property missing"
            for name in schema.get("required") or []
            if name not in value
        ]
        props = schema.get("properties") or {}
        for name, sub in props.items():
            if name in value and isinstance(sub, Mapping):
                errs += validate_schema(value[name], sub, f"{path + '.' if path else ''}{name}")
        if schema.get("additionalProperties") is False:
            extra = sorted(set(value) - set(props))
            if extra:
                errs.append(f"{where}: unexpected properties {extra}")
    return errs


def _is_type(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return name == "boolean"
    if name == "integer":
        return isinstance(value, int)
    if name == "number":
        return isinstance(value, (int, float))
    expected = {"string": str, "object": dict, "array": list, "null": type(None)}.get(name)
    return expected is not None and isinstance(value, expected)


# ----------------------------------------------------------------------------- routes


@dataclass
class Route:
    method: str  # upper case
    template: str  # "/v1/prompts/{name}"
    integration_type: str  # aws_proxy | aws | http_proxy | mock …
    uri: str
    streaming: bool
    security: list[str]  # scheme names required together
    schema: Mapping[str, Any] | None  # request body model, when the validator checks bodies
    operation_id: str
    regex: re.Pattern[str] = field(repr=False, default=re.compile(""))

    @property
    def function_arn(self) -> str | None:
        m = _LAMBDA_ARN.search(self.uri)
        return m.group(0) if m else None

    def match(self, path: str) -> dict[str, str] | None:
        m = self.regex.fullmatch(path)
        if m is None:
            return None
        return {k: urllib.parse.unquote(v) for k, v in m.groupdict().items()}


def _template_regex(template: str) -> re.Pattern[str]:
    out = ""
    for part in re.split(r"(\{[^}]+\})", template):
        if part.startswith("{") and part.endswith("}"):
            name = part[1:-1]
            if name.endswith("+"):
                out += f"(?P<{name[:-1]}>.+)"
            else:
                out += f"(?P<{name}>[^/]+)"
        else:
            out += re.escape(part)
    return re.compile(out)


def _resolve_ref(doc: Mapping[str, Any], node: Any) -> Any:
    for _ in range(16):  # bounded: no ref cycles
        if not (isinstance(node, Mapping) and isinstance(node.get("$ref"), str)):
            return node
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise ServeError(f"only local $ref are supported, got {ref!r}")
        node = doc
        for key in ref[2:].split("/"):
            node = node[key]
    raise ServeError("$ref chain too deep in the OpenAPI document")


def routes_from_openapi(doc: Mapping[str, Any]) -> list[Route]:
    """Every operation of the document, most specific paths first."""
    validators = doc.get("x-amazon-apigateway-request-validators") or {}
    default_validator = doc.get("x-amazon-apigateway-request-validator")
    routes: list[Route] = []
    for template, ops in (doc.get("paths") or {}).items():
        for verb, op in ops.items():
            if not isinstance(op, Mapping) or verb.startswith("x-") or verb == "parameters":
                continue
            method = "ANY" if verb == "x-amazon-apigateway-any-method" else verb.upper()
            integ = op.get("x-amazon-apigateway-integration") or {}
            security = [
                name
                for requirement in op.get("security", doc.get("security") or [])
                for name in requirement
            ]
            validator = validators.get(
                op.get("x-amazon-apigateway-request-validator", default_validator) or "", {}
            )
            schema = None
            if validator.get("validateRequestBody"):
                content = ((op.get("requestBody") or {}).get("content") or {}).get(
                    "application/json"
                ) or {}
                schema = _resolve_ref(doc, content.get("schema")) if content else None
            routes.append(
                Route(
                    method=method,
                    template=template,
                    integration_type=str(integ.get("type", "")).lower(),
                    uri=str(integ.get("uri", "")),
                    streaming=integ.get("responseTransferMode") == "STREAM",
                    security=security,
                    schema=schema,
                    operation_id=str(op.get("operationId") or f"{method} {template}"),
                    regex=_template_regex(template),
                )
            )
    # Literal paths before templated ones; longer templates first.
    routes.sort(key=lambda r: (r.template.count("{"), -len(r.template)))
    return routes


def match_route(routes: list[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for route in routes:
        if route.method not in (method, "ANY"):
            continue
        params = route.match(path)
        if params is not None:
            return route, params
    return None


# ----------------------------------------------------------------------------- events


@dataclass
class Incoming:
    """One HTTP request as the server read it."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str = "127.0.0.1"
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def header(self, name: str) -> str | None:
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return None


def _single_and_multi(pairs: list[tuple[str, str]]) -> tuple[dict[str, str], dict[str, list[str]]]:
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for k, v in pairs:
        single[k] = v  # API Gateway keeps the last value in the single-value map
        multi.setdefault(k, []).append(v)
    return single, multi


def is_binary(content_type: str | None) -> bool:
    ct = (content_type or "").lower()
    return bool(ct) and not any(t in ct for t in _TEXT_TYPES)


@dataclass
class Stage:
    rest_api_id: str
    stage: str
    region: str
    account_id: str

    def method_arn(self, method: str, path: str) -> str:
        return (
            f"arn:aws:execute-api:{self.region}:{self.account_id}:{self.rest_api_id}/"
            f"{self.stage}/{method}{path}"
        )


def _request_context(
    inc: Incoming, route: Route, stage: Stage, authorizer: Mapping[str, Any] | None
) -> dict[str, Any]:
    now = time.time()
    ctx: dict[str, Any] = {
        "resourcePath": route.template,
        "httpMethod": inc.method,
        "path": f"/{stage.stage}{inc.path}",
        "accountId": stage.account_id,
        "apiId": stage.rest_api_id,
        "stage": stage.stage,
        "requestId": inc.request_id,
        "extendedRequestId": inc.request_id,
        "protocol": "HTTP/1.1",
        "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
        "requestTimeEpoch": int(now * 1000),
        "domainName": "localhost",
        "identity": {
            "sourceIp": inc.source_ip,
            "userAgent": inc.header("user-agent"),
            "apiKey": None,
        },
    }
    if authorizer is not None:
        ctx["authorizer"] = dict(authorizer)
    return ctx


def build_authorizer_event(inc: Incoming, route: Route, stage: Stage) -> dict[str, Any]:
    """A REST API ``REQUEST`` authorizer event."""
    headers, multi_headers = _single_and_multi(inc.headers)
    query, multi_query = _single_and_multi(inc.query)
    params = route.match(inc.path) or {}
    return {
        "type": "REQUEST",
        "methodArn": stage.method_arn(inc.method, inc.path),
        "resource": route.template,
        "path": inc.path,
        "httpMethod": inc.method,
        "headers": headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": query,
        "multiValueQueryStringParameters": multi_query,
        "pathParameters": params,
        "stageVariables": {},
        "requestContext": _request_context(inc, route, stage, None),
    }


def build_proxy_event(
    inc: Incoming,
    route: Route,
    stage: Stage,
    path_params: Mapping[str, str],
    authorizer: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """An API Gateway REST ``AWS_PROXY`` event (payload format 1.0)."""
    headers, multi_headers = _single_and_multi(inc.headers)
    query, multi_query = _single_and_multi(inc.query)
    binary = is_binary(inc.header("content-type"))
    body: str | None
    if not inc.body:
        body = None
    elif binary:
        body = base64.b64encode(inc.body).decode("ascii")
    else:
        try:
            body = inc.body.decode("utf-8")
        except UnicodeDecodeError:
            body, binary = base64.b64encode(inc.body).decode("ascii"), True
    return {
        "resource": route.template,
        "path": inc.path,
        "httpMethod": inc.method,
        "headers": headers or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": dict(path_params) or None,
        "stageVariables": None,
        "requestContext": _request_context(inc, route, stage, authorizer),
        "body": body,
        "isBase64Encoded": bool(body) and binary,
    }


# ----------------------------------------------------------------------------- authorizer


@dataclass
class AuthOutcome:
    allowed: bool
    kind: str = ""  # gateway response type when refused
    message: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    usage_key: str | None = None


def _arn_matches(pattern: str, arn: str) -> bool:
    rx = "".join(".*" if c == "*" else ("." if c == "?" else re.escape(c)) for c in pattern)
    return re.fullmatch(rx, arn) is not None


def evaluate_policy(policy: Mapping[str, Any], method_arn: str) -> bool:
    """IAM evaluation for ``execute-api:Invoke``: an explicit Deny wins, then any Allow."""
    statements = (policy.get("policyDocument") or {}).get("Statement") or []
    if isinstance(statements, Mapping):
        statements = [statements]
    allowed = False
    for st in statements:
        resources = st.get("Resource") or []
        resources = [resources] if isinstance(resources, str) else resources
        actions = st.get("Action") or []
        actions = [actions] if isinstance(actions, str) else actions
        if not any(a in ("execute-api:Invoke", "execute-api:*", "*") for a in actions):
            continue
        if any(_arn_matches(r, method_arn) for r in resources):
            if st.get("Effect") == "Deny":
                return False
            if st.get("Effect") == "Allow":
                allowed = True
    return allowed


class LocalAuthorizer:
    """Runs a REQUEST authorizer callable and caches its policy per identity source."""

    def __init__(
        self,
        name: str,
        invoke: Callable[[dict[str, Any]], dict[str, Any]],
        identity_sources: list[str],
        ttl_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = 10_000,
    ) -> None:
        self.name = name
        self.invoke = invoke
        self.identity_sources = identity_sources
        self.ttl = ttl_seconds
        self.clock = clock
        self.max_entries = max_entries
        self._cache: dict[tuple[str, ...], tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self.invocations = 0

    def _identity(self, inc: Incoming) -> tuple[str, ...] | None:
        values = []
        for source in self.identity_sources:
            if source.startswith(_IDENTITY_HEADER):
                value = inc.header(source[len(_IDENTITY_HEADER) :])
            elif source.startswith(_IDENTITY_QUERY):
                name = source[len(_IDENTITY_QUERY) :]
                value = next((v for k, v in inc.query if k == name), None)
            else:
                value = None
            if not value:
                return None
            values.append(value)
        return tuple(values)

    def authorize(self, inc: Incoming, route: Route, stage: Stage) -> AuthOutcome:
        identity = self._identity(inc)
        if identity is None:
            # API Gateway refuses without calling the function when a source is missing.
            return AuthOutcome(False, "UNAUTHORIZED", "Unauthorized")
        now = self.clock()
        policy = None
        if self.ttl > 0:
            with self._lock:
                hit = self._cache.get(identity)
            if hit is not None and hit[0] > now:
                policy = hit[1]
        if policy is None:
            event = build_authorizer_event(inc, route, stage)
            self.invocations += 1
            try:
                policy = self.invoke(event)
            except Exception as exc:  # noqa: BLE001 - the outcome mirrors API Gateway's
                if str(exc) == "Unauthorized":
                    return AuthOutcome(False, "UNAUTHORIZED", "Unauthorized")
                return AuthOutcome(False, "AUTHORIZER_FAILURE", "Internal server error")
            if not isinstance(policy, Mapping) or "policyDocument" not in policy:
                return AuthOutcome(False, "AUTHORIZER_CONFIGURATION_ERROR", "Internal server error")
            if self.ttl > 0:
                with self._lock:
                    if len(self._cache) >= self.max_entries:
                        self._cache.clear()
                    self._cache[identity] = (now + self.ttl, policy)
        if not evaluate_policy(policy, stage.method_arn(inc.method, inc.path)):
            return AuthOutcome(
                False, "ACCESS_DENIED", "User is not authorized to access this resource"
            )
        context = {
            k: v
            for k, v in (policy.get("context") or {}).items()
            if isinstance(v, (str, int, float, bool))
        }
        context["principalId"] = str(policy.get("principalId") or "")
        return AuthOutcome(True, context=context, usage_key=policy.get("usageIdentifierKey"))


# ----------------------------------------------------------------------------- functions


@dataclass
class Result:
    """What an integration produced: status, headers, and a body or a chunk stream."""

    status: int
    headers: dict[str, str]
    body: bytes = b""
    stream: Iterator[bytes] | None = None
    tenant: str = "-"


Integration = Callable[[dict[str, Any], float], Result]


def llm_integration(
    env: Mapping[str, str],
    clients: AwsClients,
    log: Callable[[str], None],
) -> Integration:
    """The LLM gateway core with the function's own configuration (no ``os.environ``)."""
    from aigw_shared import params
    from aigw_shared.http_event import request_from_event
    from llm_gateway.config import ConfigError, parse_config
    from llm_gateway.core import Gateway

    name = env.get("AIGW_CONFIG_PARAMETER")
    path = env.get("AIGW_CONFIG_FILE")
    if not name and not path:
        raise ServeError("the LLM function has neither AIGW_CONFIG_PARAMETER nor AIGW_CONFIG_FILE")
    ssm = clients.client("ssm")

    def load(_key: str) -> Any:
        if path:
            text = params.read_file(path)
        else:
            text = ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
        try:
            doc = json.loads(text)
        except ValueError:
            raise ConfigError("the config document is not valid JSON") from None
        return parse_config(doc)

    cache = params.TtlCache(load, float(env.get("AIGW_CONFIG_TTL_SECONDS", "60") or 60))
    gateway = Gateway(
        lambda: cache.get("config"),
        log_sink=log,
        metrics_sink=log,
        quota_client=clients.client("dynamodb"),
    )

    def run(event: dict[str, Any], timeout_ms: float) -> Result:
        req = request_from_event(event)
        resp = gateway.handle_request(req, remaining_ms=timeout_ms)
        return Result(
            resp.status, dict(resp.headers), resp.body, resp.stream, req.auth.get("tenant", "-")
        )

    return run


def authorizer_invoker(
    env: Mapping[str, str], clients: AwsClients
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The deployed authorizer code, configured from the function's environment."""
    from authorizer import config as config_mod
    from authorizer.core import Authorizer, AuthRequest
    from authorizer.handler import headers_of, to_response
    from authorizer.store import DynamoStore

    cfg = config_mod.load(dict(env))
    core = Authorizer(
        cfg, DynamoStore(cfg.tenants_table, cfg.keys_table, client=clients.client("dynamodb"))
    )

    def invoke(event: dict[str, Any]) -> dict[str, Any]:
        method_arn = event.get("methodArn")
        if not isinstance(method_arn, str):
            raise Exception("Unauthorized")
        decision = core.authorize(AuthRequest(method_arn=method_arn, headers=headers_of(event)))
        return to_response(decision, method_arn)

    return invoke


# ----------------------------------------------------------------------------- sandbox


class AwsClients:
    """boto3 clients for the sandbox, created once each (thread-safe)."""

    def __init__(self, endpoint: str, region: str) -> None:
        self.endpoint = endpoint
        self.region = region
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str) -> Any:
        with self._lock:
            if service not in self._clients:
                import boto3

                self._clients[service] = boto3.client(
                    service,
                    endpoint_url=self.endpoint,
                    region_name=self.region,
                    aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "sandbox"),
                    aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "sandbox"),
                )
            return self._clients[service]


def read_outputs(state_dir: Path, env_name: str) -> dict[str, Any]:
    state_file = state_dir / "state" / f"{env_name}.tfstate"
    try:
        state = json.loads(state_file.read_text())
    except FileNotFoundError:
        raise ServeError(
            f"env {env_name!r} is not applied (no {state_file}); run: make apply ENV={env_name}"
        ) from None
    except ValueError:
        raise ServeError(f"{state_file} is not a Terraform state file") from None
    outputs = {k: v.get("value") for k, v in (state.get("outputs") or {}).items()}
    missing = [k for k in ("openapi_document", "rest_api_id", "stage_name") if k not in outputs]
    if missing:
        raise ServeError(
            f"env {env_name!r} has no {', '.join(missing)} output(s): it is not applied or not "
            f"a gateway env; run: make apply ENV={env_name}"
        )
    return outputs


# ----------------------------------------------------------------------------- the plane


@dataclass
class Binding:
    route: Route
    integration: Integration | None
    function_name: str | None
    timeout_ms: float
    reason: str = ""  # why there is no integration


class DataPlane:
    """Routes, authorizers and integrations; :meth:`dispatch` answers one request."""

    def __init__(
        self,
        doc: Mapping[str, Any],
        stage: Stage,
        bindings: list[Binding],
        authorizers: Mapping[str, LocalAuthorizer],
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
        self.responses = GatewayResponses(doc.get("x-amazon-apigateway-gateway-responses") or {})
        self.api_key_source = doc.get("x-amazon-apigateway-api-key-source", "HEADER")
        schemes = (doc.get("components") or {}).get("securitySchemes") or {}
        self._api_key_schemes = {
            n
            for n, s in schemes.items()
            if s.get("type") == "apiKey" and not s.get("x-amazon-apigateway-authtype")
        }

    def _refuse(self, kind: str, message: str, inc: Incoming, validation: str = "") -> Result:
        status, headers, body = self.responses.render(kind, message, inc.request_id, validation)
        return Result(status, headers, body)

    def dispatch(self, inc: Incoming) -> Result:
        found = match_route(self.routes, inc.method, inc.path)
        if found is None:
            return self._refuse("MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token", inc)
        route, params = found
        binding = self._by_route[id(route)]
        if len(inc.body) > MAX_BODY_BYTES:
            return self._refuse("REQUEST_TOO_LARGE", "Request Too Long", inc)
        auth_context: dict[str, Any] | None = None
        usage_key = None
        for scheme in route.security:
            authz = self.authorizers.get(scheme)
            if authz is None:
                continue
            outcome = authz.authorize(inc, route, self.stage)
            if not outcome.allowed:
                return self._refuse(outcome.kind, outcome.message, inc)
            auth_context, usage_key = outcome.context, outcome.usage_key
        if any(s in self._api_key_schemes for s in route.security):
            key = usage_key if self.api_key_source == "AUTHORIZER" else inc.header("x-api-key")
            if not key:
                return self._refuse("INVALID_API_KEY", "Forbidden", inc)
        if route.schema is not None:
            problem = self._validate_body(inc, route.schema)
            if problem:
                return self._refuse("BAD_REQUEST_BODY", "Invalid request body", inc, problem)
        if route.integration_type == "aws":
            return Result(
                501,
                {"content-type": "application/json"},
                openai_error(
                    f"{route.method} {route.template} is a direct AWS service integration; "
                    "the local data plane (aigw serve) does not run direct integrations. "
                    "Test it against a deployed stage.",
                    "api_error",
                    "not_implemented_locally",
                ),
                tenant=str((auth_context or {}).get("tenant", "-")),
            )
        if binding.integration is None:
            return Result(
                501,
                {"content-type": "application/json"},
                openai_error(
                    f"{route.method} {route.template}: {binding.reason}",
                    "api_error",
                    "not_implemented_locally",
                ),
            )
        event = build_proxy_event(inc, route, self.stage, params, auth_context)
        try:
            return binding.integration(event, binding.timeout_ms)
        except Exception:  # noqa: BLE001 - a Lambda crash is a 502 at the stage, no traceback
            return Result(
                502,
                {"content-type": "application/json"},
                openai_error("Internal server error", "api_error", "integration_failure"),
            )

    @staticmethod
    def _validate_body(inc: Incoming, schema: Mapping[str, Any]) -> str:
        try:
            doc = json.loads(inc.body.decode("utf-8")) if inc.body else None
        except (UnicodeDecodeError, ValueError, RecursionError):
            return "Invalid request body: the body is not valid JSON"
        errs = validate_schema(doc, schema)
        return "; ".join(errs[:5])


def _lambda_timeout(config: Mapping[str, Any]) -> float:
    return float(config.get("Timeout", 30)) * 1000


def _check_code(
    cfg: Mapping[str, Any], handler: str, manifest: Mapping[str, Any], warnings: list[str]
) -> None:
    """Warn when the sandbox holds another build than ``dist/`` (serve runs lambda_src)."""
    package = handler.split(".", 1)[0]
    built = ((manifest.get("packages") or {}).get(package) or {}).get("sha256_base64")
    if built and cfg.get("CodeSha256") and built != cfg["CodeSha256"]:
        warnings.append(
            f"{cfg.get('FunctionName')}: the sandbox holds another build of {package} than "
            "dist/ (serve runs the code in lambda_src/); re-run make apply ENV=local"
        )


def load_plane(
    state_dir: Path,
    env_name: str,
    endpoint: str,
    log: Callable[[str], None],
    manifest_path: Path | None = None,
) -> DataPlane:
    """Build the data plane of an applied env from its state and the sandbox."""
    manifest: dict[str, Any] = {}
    if manifest_path is not None:
        with contextlib.suppress(OSError, ValueError):
            manifest = json.loads(manifest_path.read_text())
    warnings: list[str] = []
    outputs = read_outputs(state_dir, env_name)
    raw_doc = outputs["openapi_document"]
    doc = json.loads(raw_doc) if isinstance(raw_doc, str) else raw_doc
    routes = routes_from_openapi(doc)
    region, account = "us-east-1", "123456789012"
    for r in routes:
        m = _LAMBDA_ARN.search(r.uri)
        if m:
            region, account = m.group("region"), m.group("account")
            break
    clients = AwsClients(endpoint, region)
    lam = clients.client("lambda")
    stage = Stage(str(outputs["rest_api_id"]), str(outputs["stage_name"]), region, account)

    functions: dict[str, tuple[Mapping[str, Any], Integration | None, str]] = {}

    def function(arn: str) -> tuple[Mapping[str, Any], Integration | None, str]:
        if arn in functions:
            return functions[arn]
        m = _LAMBDA_ARN.search(arn)
        assert m is not None
        kwargs = {"FunctionName": m.group("name")}
        if m.group("qualifier"):
            kwargs["Qualifier"] = m.group("qualifier")
        try:
            cfg = lam.get_function_configuration(**kwargs)
        except Exception as exc:  # noqa: BLE001 - reported with the function's name
            raise ServeError(
                f"function {m.group('name')} is not in the sandbox ({type(exc).__name__}); "
                f"re-run: make apply ENV={env_name}"
            ) from None
        env = (cfg.get("Environment") or {}).get("Variables") or {}
        handler = cfg.get("Handler", "")
        integration: Integration | None = None
        reason = ""
        if handler == "llm_gateway.handler.handler":
            integration = llm_integration(env, clients, log)
        elif handler == "authorizer.handler.handler":
            reason = "the authorizer is not a route integration"
        else:
            reason = (
                f"the local data plane does not run the function package of handler {handler!r}"
            )
        _check_code(cfg, handler, manifest, warnings)
        functions[arn] = (cfg, integration, reason)
        return functions[arn]

    bindings = []
    for route in routes:
        arn = route.function_arn if route.integration_type == "aws_proxy" else None
        if arn is None:
            reason = f"{route.integration_type or 'unknown'} integrations are not run locally"
            bindings.append(Binding(route, None, None, 29000, reason))
            continue
        cfg, integration, reason = function(arn)
        bindings.append(
            Binding(route, integration, cfg.get("FunctionName"), _lambda_timeout(cfg), reason)
        )

    authorizers: dict[str, LocalAuthorizer] = {}
    schemes = (doc.get("components") or {}).get("securitySchemes") or {}
    for name, scheme in schemes.items():
        spec = scheme.get("x-amazon-apigateway-authorizer")
        if not spec:
            continue
        if str(spec.get("type", "")).lower() != "request":
            raise ServeError(f"authorizer {name}: only REQUEST authorizers are supported")
        m = _LAMBDA_ARN.search(str(spec.get("authorizerUri", "")))
        if m is None:
            raise ServeError(f"authorizer {name}: no Lambda function in authorizerUri")
        kwargs = {"FunctionName": m.group("name")}
        if m.group("qualifier"):
            kwargs["Qualifier"] = m.group("qualifier")
        try:
            cfg = lam.get_function_configuration(**kwargs)
        except Exception as exc:  # noqa: BLE001 - reported with the function's name
            raise ServeError(
                f"authorizer function {m.group('name')} is not in the sandbox "
                f"({type(exc).__name__}); re-run: make apply ENV={env_name}"
            ) from None
        if cfg.get("Handler") != "authorizer.handler.handler":
            raise ServeError(f"authorizer {name}: unsupported handler {cfg.get('Handler')!r}")
        env = (cfg.get("Environment") or {}).get("Variables") or {}
        sources = [s.strip() for s in str(spec.get("identitySource", "")).split(",") if s.strip()]
        authorizers[name] = LocalAuthorizer(
            name,
            authorizer_invoker(env, clients),
            sources,
            float(spec.get("authorizerResultTtlInSeconds", 300)),
        )
    plane = DataPlane(doc, stage, bindings, authorizers)
    plane.endpoint = endpoint
    plane.warnings = warnings
    plane.cli_environment = {
        str(k): str(v) for k, v in (outputs.get("cli_environment") or {}).items()
    }
    return plane


# ----------------------------------------------------------------------------- HTTP server


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    plane: DataPlane
    access_log: Callable[[str], None]

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that went away mid-response is not an error worth a traceback.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        self.access_log(f"error serving a request: {type(exc).__name__}")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "aigw-serve"
    sys_version = ""
    disable_nagle_algorithm = True
    timeout = 300
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # our own access line is written per request

    def _serve(self) -> None:
        start = time.monotonic()
        url = urllib.parse.urlsplit(self.path)
        inc = Incoming(
            method=self.command.upper(),
            path=url.path or "/",
            query=urllib.parse.parse_qsl(url.query, keep_blank_values=True),
            headers=list(self.headers.items())[:MAX_HEADER_COUNT],
            body=b"",
            source_ip=self.client_address[0],
        )
        result = self._read_body(inc)
        if result is None:
            result = self.server.plane.dispatch(inc)
        status = self._write(result, inc.request_id)
        elapsed = (time.monotonic() - start) * 1000
        self.server.access_log(
            f"{inc.method} {inc.path} {status} {elapsed:.0f}ms tenant={result.tenant} "
            f"request_id={inc.request_id}"
        )

    def _read_body(self, inc: Incoming) -> Result | None:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            self.close_connection = True
            return Result(
                411,
                {"content-type": "application/json"},
                openai_error(
                    "Send the request body with a Content-Length header.",
                    "invalid_request_error",
                    "length_required",
                ),
            )
        try:
            length = int(self.headers.get("content-length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            return Result(
                400,
                {"content-type": "application/json"},
                openai_error(
                    "Invalid Content-Length header.", "invalid_request_error", "bad_request"
                ),
            )
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            return self.server.plane._refuse("REQUEST_TOO_LARGE", "Request Too Long", inc)
        inc.body = self.rfile.read(length) if length else b""
        return None

    def _write(self, result: Result, request_id: str) -> int:
        self.send_response(result.status)
        headers = {k.lower(): v for k, v in result.headers.items()}
        headers["x-amzn-requestid"] = request_id
        for k, v in headers.items():
            if k in ("content-length", "transfer-encoding", "connection") or not v:
                continue
            self.send_header(k, v)
        if result.stream is None:
            self.send_header("content-length", str(len(result.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(result.body)
            return result.status
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        try:
            if result.body:
                self._chunk(result.body)
            for chunk in result.stream:
                if chunk:
                    self._chunk(chunk)
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        finally:
            close = getattr(result.stream, "close", None)
            if close is not None:
                close()
        return result.status

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve


class LocalServer:
    """The data plane behind a threading HTTP server on a loopback address."""

    def __init__(
        self,
        plane: DataPlane,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        access_log: Callable[[str], None] | None = None,
    ) -> None:
        if host not in LOOPBACK:
            raise ServeError(f"aigw serve listens on loopback only, not {host!r}")
        try:
            self.httpd = _Server((host, port), _Handler)
        except OSError as exc:
            raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
        self.httpd.plane = plane
        self.httpd.access_log = access_log or (lambda line: None)
        self.plane = plane
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> LocalServer:
        """Serve in a background thread (tests, embedding)."""
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True
        )
        self._thread.start()
        return self

    def serve_until_signal(self) -> None:
        """Serve in this (main) thread until SIGINT or SIGTERM, then shut down cleanly."""
        stop = threading.Event()

        def on_signal(signum: int, _frame: Any) -> None:
            if not stop.is_set():
                stop.set()
                threading.Thread(target=self.httpd.shutdown, daemon=True).start()

        previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.httpd.serve_forever(poll_interval=0.2)
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
            self.httpd.server_close()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


# ----------------------------------------------------------------------------- output


def banner(server: LocalServer, plane: DataPlane, env_name: str) -> str:
    """The startup text: URL, routes table and ready-to-paste client snippets."""
    url = server.url
    rows = []
    for b in plane.bindings:
        r = b.route
        auth = ",".join(r.security) or "NONE"
        if r.integration_type == "aws":
            target = "direct AWS integration (501 locally)"
        elif b.integration is None:
            target = f"not run locally ({b.reason})"
        else:
            target = f"{b.function_name}{' (stream)' if r.streaming else ''}"
        rows.append((r.method, r.template, auth, target))
    widths = [
        max(len(x[i]) for x in [("METHOD", "PATH", "AUTH", "TARGET"), *rows]) for i in range(3)
    ]
    lines = [
        f"aigw serve: env {env_name} (API {plane.stage.rest_api_id}, stage {plane.stage.stage})"
    ]
    lines.append(f"listening on {url}   (OpenAI base URL: {url}/v1)")
    lines.append("")
    for row in [("METHOD", "PATH", "AUTH", "TARGET"), *rows]:
        lines.append(
            "  " + "  ".join(c.ljust(widths[i]) if i < 3 else c for i, c in enumerate(row))
        )
    exports = " ".join(f"{k}={v}" for k, v in sorted(plane.cli_environment.items()))
    lines += [
        "",
        "Create a tenant and a key (the key is printed once):",
        f"  export AWS_ENDPOINT_URL={plane.endpoint} "
        f"AWS_DEFAULT_REGION={plane.stage.region} AWS_ACCESS_KEY_ID=sandbox "
        f"AWS_SECRET_ACCESS_KEY=sandbox {exports}",
        "  .venv/bin/python -m aigw tenants create acme --tier standard --models '*'",
        "  export AIGW_KEY=$(.venv/bin/python -m aigw keys create --tenant acme "
        "| python3 -c 'import json,sys; print(json.load(sys.stdin)[\"key\"])')",
        "",
        "curl:",
        f'  curl -sS {url}/v1/models -H "Authorization: Bearer $AIGW_KEY"',
        "",
        "openai (Python):",
        "  import os",
        "  from openai import OpenAI",
        f'  client = OpenAI(base_url="{url}/v1", api_key=os.environ["AIGW_KEY"])',
        "  print([m.id for m in client.models.list()])",
        "",
        *(f"warning: {w}" for w in plane.warnings),
        "Ctrl-C stops the server.",
    ]
    return "\n".join(lines)


def _writer(stream: IO[str]) -> Callable[[str], None]:
    lock = threading.Lock()

    def write(line: str) -> None:
        with lock:
            stream.write(line.rstrip("\n") + "\n")
            stream.flush()

    return write


# ----------------------------------------------------------------------------- CLI


def _sandbox_endpoint(state_dir: Path) -> str:
    from aigw.sandbox import Sandbox

    status = Sandbox(state_dir).status()
    if not status.running:
        raise ServeError(
            f"the sandbox is not running ({status.detail}); start it with: make sandbox-up "
            "(then make apply ENV=local if it was restarted)"
        )
    return status.endpoint


def cmd_serve(args: argparse.Namespace) -> int:
    from aigw.paths import project_root, state_dir

    out = _writer(sys.stdout)
    try:
        root = project_root()
        sdir = state_dir(root)
        if args.env != "local":
            raise ServeError(
                f"aigw serve runs the local data plane of the 'local' env only, not {args.env!r}"
            )
        lambda_src = root / "lambda_src"
        if str(lambda_src) not in sys.path:
            sys.path.insert(0, str(lambda_src))
        endpoint = _sandbox_endpoint(sdir)
        plane = load_plane(
            sdir,
            args.env,
            endpoint,
            out if args.function_logs else (lambda _l: None),
            manifest_path=root / "dist" / "manifest.json",
        )
        server = LocalServer(plane, args.host, args.port, access_log=out)
    except ServeError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    out(banner(server, plane, args.env))
    server.serve_until_signal()
    out("aigw serve: stopped")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``aigw serve``."""
    p = subparsers.add_parser(
        "serve", help="run the local data plane of an applied env (127.0.0.1)"
    )
    p.add_argument("--env", default="local", help="the applied env to serve (default: local)")
    p.add_argument("--host", default=DEFAULT_HOST, help="loopback address (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default: 8080)")
    p.add_argument(
        "--function-logs",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="print the functions' JSON log and metric lines (default: on)",
    )
    p.set_defaults(func=cmd_serve)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aigw")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["serve", *(sys.argv[1:] if argv is None else argv)])
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
