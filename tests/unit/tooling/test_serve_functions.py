"""aws_proxy routes to the SageMaker proxy function, run in-process with its own environment."""

from __future__ import annotations

import io
import json
from typing import Any

from aigw import serve
from aigw.serve.functions import FUNCTION_PACKAGES, proxy_result

ROUTES = {
    "/v1/sagemaker/churn": {
        "name": "churn",
        "endpoint_name": "churn-xgb",
        "content_type": "application/json",
        "accept": "application/json",
        "target_variant": None,
        "response_format": "envelope",
    }
}


class Runtime:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def invoke_endpoint(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return {
            "Body": io.BytesIO(b'[{"label": "churn", "score": 0.75}]'),
            "ContentType": "application/json",
        }


class Clients:
    def __init__(self) -> None:
        self.runtime = Runtime()

    def client(self, service: str) -> Any:
        assert service == "sagemaker-runtime"
        return self.runtime


def test_the_sagemaker_proxy_runs_with_its_own_routes_and_the_sandbox_client() -> None:
    clients = Clients()
    build = FUNCTION_PACKAGES["sagemaker_proxy.handler.handler"]
    run = build({"AIGW_SAGEMAKER_ROUTES": json.dumps(ROUTES)}, clients, lambda line: None)  # type: ignore[arg-type]
    fn = "arn:aws:lambda:us-east-1:123456789012:function:sm-proxy"
    doc = {
        "openapi": "3.0.1",
        "paths": {
            "/v1/sagemaker/churn": {
                "post": {
                    "security": [],
                    "x-amazon-apigateway-integration": {
                        "type": "aws_proxy",
                        "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                        f"{fn}/invocations",
                    },
                }
            }
        },
    }
    routes = serve.routes_from_openapi(doc)
    plane = serve.DataPlane(
        doc,
        serve.Stage("a", "v1", "us-east-1", "123456789012"),
        [serve.Binding(r, run, "sm-proxy", 3000) for r in routes],
        {},
    )
    inc = serve.Incoming(
        "POST",
        "/v1/sagemaker/churn",
        [],
        [("content-type", "application/json")],
        b'{"inputs": [1, 2]}',
    )
    result = plane.dispatch(inc)
    assert result.status == 200, result.body
    answer = json.loads(result.body)
    assert answer["object"] == "sagemaker.invocation" and answer["endpoint"] == "churn"
    assert answer["predictions"] == [{"label": "churn", "score": 0.75}]
    (call,) = clients.runtime.calls
    assert call["EndpointName"] == "churn-xgb" and call["ContentType"] == "application/json"
    # Unknown path inside the function: the proxy's own OpenAI-shaped 404
    missing = run(
        {
            "httpMethod": "POST",
            "path": "/nope",
            "headers": {},
            "body": "{}",
            "isBase64Encoded": False,
            "requestContext": {"requestId": "r"},
        },
        1000,
    )
    assert missing.status == 404 and json.loads(missing.body)["error"]["code"] == "unknown_route"


def test_proxy_results_decode_base64_and_multi_value_headers() -> None:
    out = proxy_result(
        {
            "statusCode": 201,
            "body": "aGk=",
            "isBase64Encoded": True,
            "multiValueHeaders": {"x-a": ["1", "2"]},
        }
    )
    assert (out.status, out.body, out.headers) == (201, b"hi", {"x-a": "1, 2"})
