"""Routes as gateway-core renders ai-service-route's, for serve's tests (shared helpers)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
AI = ROOT / "modules" / "ai-service-route" / "templates"
ERRORS = {
    "400|413": ("400", "invalid_request_error", "invalid_request", "The service rejected it."),
    "429": ("429", "rate_limit_error", "throttled", "The service is throttling requests."),
    "default": ("502", "upstream_error", "upstream_error", "The AI service returned an error."),
}


def tf_render(path: Path, **variables: object) -> str:
    return re.sub(r"\$\{(\w+)\}", lambda m: str(variables[m.group(1)]), path.read_text())


# The Comprehend text calls share one request template (as routes.tf maps them).
REQUEST_TEMPLATES = {"sentiment": "text", "pii": "text"}


def ai_operation(name: str, service: str, action: str, target: str, **tvars: object) -> dict:
    responses: dict[str, Any] = {
        pattern: {
            "statusCode": status,
            "responseTemplates": {
                "application/json": tf_render(AI / "error.vtl", message=msg, type=type_, code=code)
            },
        }
        for pattern, (status, type_, code, msg) in ERRORS.items()
    }
    responses["2\\d{2}"] = {
        "statusCode": "200",
        "responseTemplates": {"application/json": (AI / f"{name}_response.vtl").read_text()},
    }
    return {
        "post": {
            "operationId": name,
            "security": [],
            "x-amazon-apigateway-integration": {
                "type": "aws",
                "httpMethod": "POST",
                "uri": f"arn:aws:apigateway:us-east-1:{service}:action/{action}",
                "credentials": "arn:aws:iam::123456789012:role/ai",
                "timeoutInMillis": 5000,
                "requestParameters": {
                    "integration.request.header.X-Amz-Target": f"'{target}'",
                    "integration.request.header.Content-Type": "'application/x-amz-json-1.1'",
                },
                "requestTemplates": {
                    "application/json": tf_render(
                        AI / f"{REQUEST_TEMPLATES.get(name, name)}_request.vtl", **tvars
                    )
                },
                "passthroughBehavior": "NEVER",
                "responses": responses,
            },
        }
    }


def ai_document() -> dict[str, Any]:
    return {
        "openapi": "3.0.1",
        "paths": {
            "/v1/translate": ai_operation(
                "translate",
                "translate",
                "TranslateText",
                "AWSShineFrontendService_20170701.TranslateText",
            ),
            "/v1/sentiment": ai_operation(
                "sentiment",
                "comprehend",
                "DetectSentiment",
                "Comprehend_20171127.DetectSentiment",
                default_language="en",
            ),
        },
        "x-amazon-apigateway-gateway-responses": {
            "API_CONFIGURATION_ERROR": {
                "statusCode": "500",
                "responseTemplates": {
                    "application/json": '{"error": {"message": $context.error.messageString, '
                    '"type": "api_error", "code": "api_configuration_error", "param": null}}'
                },
            }
        },
    }


class Signed:
    """Credentials the sandbox would hand out for the role (any value signs)."""

    def __init__(self) -> None:
        self.roles: list[str | None] = []

    def __call__(self, role: str | None) -> Any:
        from botocore.credentials import Credentials

        self.roles.append(role)
        return Credentials("AKIDLOCAL", "secret", "token")
