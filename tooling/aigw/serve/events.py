"""API Gateway's REST events: the proxy integration event and the REQUEST authorizer event."""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aigw.serve.routes import Route

_TEXT_TYPES = ("text/", "application/json", "application/x-www-form-urlencoded", "+json")


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
