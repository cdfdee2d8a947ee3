"""Errors: the startup error, OpenAI-shaped bodies and API Gateway's gateway responses."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aigw import vtl


class ServeError(RuntimeError):
    """The local data plane cannot start; the message says why and what to do."""


def openai_error(message: str, type_: str, code: str, param: str | None = None) -> bytes:
    return json.dumps(
        {"error": {"message": message, "type": type_, "code": code, "param": param}}
    ).encode()


_DEFAULT_STATUS = {
    "UNAUTHORIZED": 401,
    "ACCESS_DENIED": 403,
    "INVALID_API_KEY": 403,
    "MISSING_AUTHENTICATION_TOKEN": 403,
    "INCOMPLETE_SIGNATURE": 403,
    "BAD_REQUEST_BODY": 400,
    "BAD_REQUEST_PARAMETERS": 400,
    "REQUEST_TOO_LARGE": 413,
    "AUTHORIZER_FAILURE": 500,
    "AUTHORIZER_CONFIGURATION_ERROR": 500,
    "API_CONFIGURATION_ERROR": 500,
    "INTEGRATION_FAILURE": 504,
    "INTEGRATION_TIMEOUT": 504,
    "THROTTLED": 429,
    "QUOTA_EXCEEDED": 429,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "WAF_FILTERED": 403,
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
