"""Routes: the operations of the OpenAPI document API Gateway imported."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aigw.serve.responses import ServeError
from aigw.serve.validation import BodyValidator

LAMBDA_ARN = re.compile(
    r"arn:aws[a-z-]*:lambda:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):function:"
    r"(?P<name>[A-Za-z0-9_-]+)(?::(?P<qualifier>[A-Za-z0-9$_-]+))?"
)


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
    validator: BodyValidator | None = field(repr=False, default=None)  # for ``schema``
    # ``x-amazon-apigateway-integration`` as the document holds it (templates, responses…)
    integration: Mapping[str, Any] = field(repr=False, default_factory=dict)
    # (in, name) of the required query strings and headers, when the validator checks them
    required_parameters: tuple[tuple[str, str], ...] = ()

    @property
    def function_arn(self) -> str | None:
        m = LAMBDA_ARN.search(self.uri)
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
            required = tuple(
                (str(p.get("in")), str(p.get("name")))
                for p in op.get("parameters") or []
                if isinstance(p, Mapping)
                and p.get("required")
                and p.get("in") in ("query", "header")
            )
            routes.append(
                Route(
                    method=method,
                    template=template,
                    integration_type=str(integ.get("type", "")).lower(),
                    uri=str(integ.get("uri", "")),
                    streaming=integ.get("responseTransferMode") == "STREAM",
                    security=security,
                    schema=schema,
                    validator=BodyValidator(schema, doc) if isinstance(schema, Mapping) else None,
                    operation_id=str(op.get("operationId") or f"{method} {template}"),
                    regex=_template_regex(template),
                    integration=integ,
                    required_parameters=required
                    if validator.get("validateRequestParameters")
                    else (),
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
