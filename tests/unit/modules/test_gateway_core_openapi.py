"""The OpenAPI document rendered by modules/gateway-core.

A throwaway root module calls the real module with the fixed inputs in
``gateway_core/inputs.tfvars.json``; ``terraform plan`` + ``terraform show -json`` give the
``openapi_document`` output, which must be a valid OpenAPI 3.0 document carrying every
``x-amazon-apigateway-*`` extension the routes asked for. The same root module also
checks that bad route specs fail at plan time with messages that name the routes.

The AWS provider gets fake credentials, every skip_* flag and loopback endpoints on a
closed port, so nothing can leave the machine (the plan reads no remote data).
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aigw import vtl

pytestmark = [pytest.mark.terraform, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[3]
MODULE = REPO / "modules" / "gateway-core"
INPUTS = Path(__file__).resolve().parent / "gateway_core" / "inputs.tfvars.json"
TIMEOUT_S = 300
CLOSED_LOOPBACK = "http://127.0.0.1:9"

ROOT_MODULE = """
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  max_retries                 = 1

  endpoints {
    apigateway = "%(endpoint)s"
    cloudwatch = "%(endpoint)s"
    iam        = "%(endpoint)s"
    kms        = "%(endpoint)s"
    lambda     = "%(endpoint)s"
    logs       = "%(endpoint)s"
    sts        = "%(endpoint)s"
    wafv2      = "%(endpoint)s"
  }
}

variable "name" {
  type = string
}

variable "kms_key_arn" {
  type = string
}

variable "authorizer" {
  type    = any
  default = null
}

variable "tiers" {
  type    = any
  default = {}
}

variable "routes" {
  type    = any
  default = {}
}

variable "binary_media_types" {
  type    = list(string)
  default = []
}

module "gateway" {
  source = "%(module)s"

  name               = var.name
  kms_key_arn        = var.kms_key_arn
  authorizer         = var.authorizer
  tiers              = var.tiers
  routes             = var.routes
  binary_media_types = var.binary_media_types
}

output "openapi_document" {
  value = module.gateway.openapi_document
}
"""


def _terraform_env(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    configured = env.get("TF_CLI_CONFIG_FILE", "")
    if not configured or not Path(configured).is_file():
        from aigw.toolchain import write_cli_config

        config, _mirror = write_cli_config(REPO / ".aigw")
        env["TF_CLI_CONFIG_FILE"] = str(config)
    env["TF_IN_AUTOMATION"] = "1"
    env["TF_INPUT"] = "0"
    env["CHECKPOINT_DISABLE"] = "1"
    env["TF_DATA_DIR"] = str(workdir / ".terraform")
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        env.pop(key, None)
    return env


def _run(args: list[str], workdir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["terraform", *args],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )


class RootModule:
    """A throwaway root module around modules/gateway-core, initialised once."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.env = _terraform_env(workdir)
        # A relative source is a local module: Terraform reads it in place instead of
        # copying the folder (and any .terraform/ inside it) into the work dir.
        source = Path(os.path.relpath(MODULE, workdir)).as_posix()
        (workdir / "main.tf").write_text(
            ROOT_MODULE % {"endpoint": CLOSED_LOOPBACK, "module": source}
        )
        init = _run(["init", "-backend=false", "-input=false", "-no-color"], workdir, self.env)
        assert init.returncode == 0, init.stdout + init.stderr

    def plan(self, inputs: dict[str, Any], label: str) -> subprocess.CompletedProcess[str]:
        var_file = self.workdir / f"{label}.tfvars.json"
        var_file.write_text(json.dumps(inputs))
        return _run(
            [
                "plan",
                "-input=false",
                "-lock=false",
                "-refresh=false",
                "-no-color",
                f"-var-file={var_file.name}",
                f"-out={label}.tfplan",
            ],
            self.workdir,
            self.env,
        )

    def rendered_document(self, inputs: dict[str, Any]) -> dict[str, Any]:
        plan = self.plan(inputs, "valid")
        assert plan.returncode == 0, plan.stdout + plan.stderr
        show = _run(["show", "-json", "valid.tfplan"], self.workdir, self.env)
        assert show.returncode == 0, show.stderr
        outputs = json.loads(show.stdout)["planned_values"]["outputs"]
        return json.loads(outputs["openapi_document"]["value"])


@pytest.fixture(scope="module")
def inputs() -> dict[str, Any]:
    return json.loads(INPUTS.read_text())


@pytest.fixture(scope="module")
def root_module(tmp_path_factory: pytest.TempPathFactory) -> RootModule:
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not on PATH")
    return RootModule(tmp_path_factory.mktemp("gateway_core_root"))


@pytest.fixture(scope="module")
def document(root_module: RootModule, inputs: dict[str, Any]) -> dict[str, Any]:
    return root_module.rendered_document(inputs)


def _operation(document: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    return document["paths"][path][method]


def _integration(document: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    return _operation(document, path, method)["x-amazon-apigateway-integration"]


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    methods = {"get", "post", "put", "patch", "delete", "head", "options"}
    return [
        (path, method, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in methods or method == "x-amazon-apigateway-any-method"
    ]


# --- the document as a whole -------------------------------------------------------------


def test_document_is_valid_openapi_3_0(document: dict[str, Any]) -> None:
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation import OpenAPIV30SpecValidator

    assert document["openapi"].startswith("3.0.")
    validate(document, cls=OpenAPIV30SpecValidator)


def test_every_route_becomes_one_operation(
    document: dict[str, Any], inputs: dict[str, Any]
) -> None:
    expected = {(route["path"], route["method"].upper()) for route in inputs["routes"].values()}
    rendered = {
        (path, "ANY" if method == "x-amazon-apigateway-any-method" else method.upper())
        for path, method, _op in _operations(document)
    }
    assert rendered == expected
    assert {op["x-aigw-route"] for _p, _m, op in _operations(document)} == set(inputs["routes"])


def test_api_key_source_and_binary_media_types(document: dict[str, Any]) -> None:
    assert document["x-amazon-apigateway-api-key-source"] == "AUTHORIZER"
    # The module's list, then what the routes answer as binary, each once.
    assert document["x-amazon-apigateway-binary-media-types"] == [
        "image/png",
        "image/jpeg",
        "audio/mpeg",
    ]


def test_binary_answer_declares_the_header_it_maps(document: dict[str, Any]) -> None:
    integration = _integration(document, "/v1/ai/speech", "post")
    assert integration["uri"] == "arn:aws:apigateway:us-east-1:polly:path/v1/speech"
    ok, error = integration["responses"]["2\\d{2}"], integration["responses"]["default"]
    assert ok == {
        "statusCode": "200",
        "contentHandling": "CONVERT_TO_BINARY",
        "responseParameters": {
            "method.response.header.Content-Type": "integration.response.header.Content-Type"
        },
    }
    assert error["contentHandling"] == "CONVERT_TO_TEXT" and "responseParameters" not in error
    responses = _operation(document, "/v1/ai/speech", "post")["responses"]
    # API Gateway refuses a mapping to a method response header that is not declared.
    assert responses["200"]["headers"] == {"Content-Type": {"schema": {"type": "string"}}}
    assert "headers" not in responses["502"]


# --- integrations ------------------------------------------------------------------------


def test_lambda_proxy_route(document: dict[str, Any]) -> None:
    integration = _integration(document, "/v1/embeddings", "post")
    assert integration["type"] == "aws_proxy"
    assert integration["httpMethod"] == "POST"
    assert integration["uri"].endswith(
        "/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:aigw-llm/invocations"
    )
    assert integration["timeoutInMillis"] == 20000
    assert "responseTransferMode" not in integration
    assert "requestTemplates" not in integration


def test_streaming_lambda_route_uses_response_streaming(document: dict[str, Any]) -> None:
    integration = _integration(document, "/v1/chat/completions", "post")
    assert integration["type"] == "aws_proxy"
    assert integration["responseTransferMode"] == "STREAM"
    assert integration["uri"] == (
        "arn:aws:apigateway:us-east-1:lambda:path/2021-11-15/functions/"
        "arn:aws:lambda:us-east-1:123456789012:function:aigw-llm/response-streaming-invocations"
    )
    assert integration["timeoutInMillis"] == 900000
    assert "cacheKeyParameters" not in integration


def test_buffered_routes_get_the_default_timeout(document: dict[str, Any]) -> None:
    assert _integration(document, "/v1/models", "get")["timeoutInMillis"] == 29000


def test_direct_aws_integration_with_templates_and_credentials(document: dict[str, Any]) -> None:
    integration = _integration(document, "/v1/sagemaker/{endpoint}/invocations", "post")
    assert integration["type"] == "aws"
    assert integration["credentials"] == "arn:aws:iam::123456789012:role/aigw-sagemaker-invoke"
    assert integration["uri"] == (
        "arn:aws:apigateway:us-east-1:runtime.sagemaker:path/endpoints/{endpoint}/invocations"
    )
    assert integration["requestTemplates"] == {"application/json": "$input.json('$')"}
    assert integration["requestParameters"] == {
        "integration.request.path.endpoint": "method.request.path.endpoint"
    }
    assert integration["passthroughBehavior"] == "NEVER"
    assert integration["responses"]["default"]["statusCode"] == "200"
    assert integration["responses"]["4\\d{2}"]["statusCode"] == "400"
    operation = _operation(document, "/v1/sagemaker/{endpoint}/invocations", "post")
    assert set(operation["responses"]) == {"200", "400"}
    assert {"name": "endpoint", "in": "path", "required": True, "schema": {"type": "string"}} in (
        operation["parameters"]
    )


def test_direct_aws_integration_default_response_mapping(document: dict[str, Any]) -> None:
    integration = _integration(document, "/v1/translate", "post")
    assert integration["type"] == "aws"
    assert integration["credentials"] == "arn:aws:iam::123456789012:role/aigw-translate"
    assert integration["requestParameters"]["integration.request.header.X-Amz-Target"] == (
        "'AWSShineFrontendService_20170701.TranslateText'"
    )
    assert integration["responses"] == {
        "default": {
            "statusCode": "200",
            "responseTemplates": {"application/json": "$input.json('$')"},
        }
    }


def test_http_proxy_over_vpc_link_with_integration_target(document: dict[str, Any]) -> None:
    integration = _integration(document, "/v1/private/{proxy+}", "x-amazon-apigateway-any-method")
    assert integration["type"] == "http_proxy"
    assert integration["connectionType"] == "VPC_LINK"
    assert integration["connectionId"] == "vpclink-abc123"
    # REST private integrations over a v2 VPC link name the load balancer, not a listener.
    assert integration["integrationTarget"] == (
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/aigw-models/"
        "0123456789abcdef"
    )
    assert integration["httpMethod"] == "ANY"
    assert integration["uri"] == "http://models.internal.example/{proxy}"
    assert integration["responseTransferMode"] == "STREAM"
    operation = _operation(document, "/v1/private/{proxy+}", "x-amazon-apigateway-any-method")
    assert [p["name"] for p in operation["parameters"] if p["in"] == "path"] == ["proxy"]


def test_mock_health_route(document: dict[str, Any]) -> None:
    integration = _integration(document, "/health", "get")
    assert integration["type"] == "mock"
    assert integration["requestTemplates"] == {"application/json": '{"statusCode": 200}'}
    assert integration["responses"]["default"]["responseTemplates"] == {
        "application/json": '{"status":"ok"}'
    }


def test_cached_route_declares_cache_keys(document: dict[str, Any]) -> None:
    integration = _integration(document, "/v1/models", "get")
    assert integration["cacheKeyParameters"] == ["method.request.querystring.owner"]
    assert integration["cacheNamespace"] == "models"
    operation = _operation(document, "/v1/models", "get")
    assert {"name": "owner", "in": "query", "required": False, "schema": {"type": "string"}} in (
        operation["parameters"]
    )


def test_no_null_values_anywhere(document: dict[str, Any]) -> None:
    def nulls(value: Any, where: str) -> list[str]:
        if value is None:
            return [where]
        if isinstance(value, dict):
            return [n for k, v in value.items() for n in nulls(v, f"{where}/{k}")]
        if isinstance(value, list):
            return [n for i, v in enumerate(value) for n in nulls(v, f"{where}/{i}")]
        return []

    assert nulls(document, "") == []


# --- security ----------------------------------------------------------------------------


def test_every_non_public_operation_has_security(document: dict[str, Any]) -> None:
    for path, method, operation in _operations(document):
        if operation.get("x-aigw-public"):
            continue
        security = operation.get("security")
        assert security, f"{method} {path} has no security requirement"
        assert all(requirement for requirement in security), f"{method} {path}: empty requirement"


def test_public_route_is_explicit_and_unsecured(document: dict[str, Any]) -> None:
    operation = _operation(document, "/health", "get")
    assert operation["x-aigw-public"] is True
    assert operation["security"] == []


def test_custom_routes_require_authorizer_and_usage_plan_key(document: dict[str, Any]) -> None:
    operation = _operation(document, "/v1/chat/completions", "post")
    assert operation["security"] == [{"api_key": [], "tenant_authorizer": []}]


def test_iam_routes_require_sigv4(document: dict[str, Any]) -> None:
    operation = _operation(document, "/v1/translate", "post")
    # With api_key_source AUTHORIZER no authorizer runs on an IAM route, so it cannot
    # require the usage-plan key (ADR 0146); the CUSTOM routes of the same API still do.
    assert operation["security"] == [{"sigv4": []}]
    scheme = document["components"]["securitySchemes"]["sigv4"]
    assert scheme["x-amazon-apigateway-authtype"] == "awsSigv4"


def test_iam_route_is_served_without_a_key_next_to_usage_plans(document: dict[str, Any]) -> None:
    """The rendered IAM route through `aigw serve`: signed, no key, usage plans present."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    from aigw import serve
    from aigw.serve.usage_plans import Plan, Throttle, UsagePlans

    doc = copy.deepcopy(document)
    # The route's own security and the API's key source as rendered; a local function
    # answers in place of Translate (the integration is not what is tested here).
    doc["paths"] = {"/v1/translate": doc["paths"]["/v1/translate"]}
    doc["paths"]["/v1/translate"]["post"]["x-amazon-apigateway-integration"] = {
        "type": "aws_proxy",
        "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
        "arn:aws:lambda:us-east-1:123456789012:function:fake/invocations",
    }

    def fn(event: dict[str, Any], timeout_ms: float) -> serve.Result:
        return serve.Result(200, {"content-type": "application/json"}, b"{}")

    def plane(d: dict[str, Any]) -> serve.DataPlane:
        routes = serve.routes_from_openapi(d)
        plans = UsagePlans([Plan("p1", "standard", Throttle(5, 10))], {})
        bindings = [serve.Binding(r, fn, "fake", 3000) for r in routes]
        stage = serve.Stage("api123", "v1", "us-east-1", "123456789012")
        return serve.DataPlane(d, stage, bindings, {}, usage_plans=plans)

    body = b'{"text": "hello", "target": "fr"}'
    req = AWSRequest("POST", "http://127.0.0.1/v1/translate", data=body)
    SigV4Auth(Credentials("AKID", "s"), "execute-api", "us-east-1").add_auth(req)
    headers = [("content-type", "application/json")]
    headers += [(k.lower(), v) for k, v in req.headers.items()]
    signed = serve.Incoming("POST", "/v1/translate", [], headers, body)
    assert doc["x-amazon-apigateway-api-key-source"] == "AUTHORIZER"
    assert plane(doc).dispatch(signed).status == 200
    # What the route required before: a key that no authorizer supplies, so always 403.
    doc["paths"]["/v1/translate"]["post"]["security"] = [{"api_key": [], "sigv4": []}]
    refused = plane(doc).dispatch(signed)
    assert refused.status == 403
    assert json.loads(refused.body)["error"]["code"] == "invalid_api_key"


def test_request_authorizer_security_scheme(document: dict[str, Any]) -> None:
    scheme = document["components"]["securitySchemes"]["tenant_authorizer"]
    assert scheme == {
        "type": "apiKey",
        "name": "Authorization",
        "in": "header",
        "x-amazon-apigateway-authtype": "custom",
        "x-amazon-apigateway-authorizer": {
            "type": "request",
            "authorizerUri": (
                "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                "arn:aws:lambda:us-east-1:123456789012:function:aigw-authorizer/invocations"
            ),
            "identitySource": "method.request.header.Authorization",
            "authorizerResultTtlInSeconds": 300,
        },
    }
    assert document["components"]["securitySchemes"]["api_key"] == {
        "type": "apiKey",
        "name": "x-api-key",
        "in": "header",
    }


# --- validation --------------------------------------------------------------------------


def test_request_validators_are_declared(document: dict[str, Any]) -> None:
    assert document["x-amazon-apigateway-request-validators"] == {
        "body-and-params": {"validateRequestBody": True, "validateRequestParameters": True},
        "params-only": {"validateRequestBody": False, "validateRequestParameters": True},
    }


def test_request_schema_becomes_model_and_body_validator(document: dict[str, Any]) -> None:
    operation = _operation(document, "/v1/chat/completions", "post")
    assert operation["x-amazon-apigateway-request-validator"] == "body-and-params"
    assert operation["requestBody"] == {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ChatCompletionsRequest"}}
        },
    }
    model = document["components"]["schemas"]["ChatCompletionsRequest"]
    assert model["required"] == ["model", "messages"]
    assert model["properties"]["messages"]["minItems"] == 1
    assert "$schema" not in model


def test_model_accepts_and_rejects_like_the_gateway(document: dict[str, Any]) -> None:
    import jsonschema

    model = document["components"]["schemas"]["ChatCompletionsRequest"]
    jsonschema.validate({"model": "m", "messages": [{"role": "user"}]}, model)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"model": "m", "messages": []}, model)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"messages": [{"role": "user"}]}, model)


def test_every_operation_names_a_defined_validator(document: dict[str, Any]) -> None:
    validators = document["x-amazon-apigateway-request-validators"]
    assert document["x-amazon-apigateway-request-validator"] in validators
    for path, method, operation in _operations(document):
        chosen = operation["x-amazon-apigateway-request-validator"]
        assert chosen in validators, f"{method} {path}: unknown validator {chosen}"


def test_routes_without_schema_validate_parameters_only(document: dict[str, Any]) -> None:
    assert _operation(document, "/v1/models", "get")["x-amazon-apigateway-request-validator"] == (
        "params-only"
    )
    assert _operation(document, "/health", "get")["x-amazon-apigateway-request-validator"] == (
        "params-only"
    )


# --- gateway responses -------------------------------------------------------------------

GATEWAY_RESPONSES = {
    "DEFAULT_4XX": None,
    "BAD_REQUEST_BODY": "400",
    "BAD_REQUEST_PARAMETERS": "400",
    "DEFAULT_5XX": None,
    "THROTTLED": "429",
    "QUOTA_EXCEEDED": "429",
    "UNAUTHORIZED": "401",
    "ACCESS_DENIED": "403",
    "REQUEST_TOO_LARGE": "413",
    "WAF_FILTERED": "403",
    "INTEGRATION_TIMEOUT": "504",
}


@pytest.mark.parametrize(("response_type", "status"), sorted(GATEWAY_RESPONSES.items()))
def test_gateway_responses_are_openai_shaped(
    document: dict[str, Any], response_type: str, status: str | None
) -> None:
    response = document["x-amazon-apigateway-gateway-responses"][response_type]
    assert response.get("statusCode") == status
    assert response["responseParameters"]["gatewayresponse.header.Content-Type"] == (
        "'application/json'"
    )
    template = response["responseTemplates"]["application/json"]
    # API Gateway substitutes the variables as they are (tests/unit/modules/
    # test_gateway_responses.py renders every template with hostile values).
    error = {
        "message": 'Say "hi"\nto me',
        "validationErrorString": '[object has missing required properties (["messages"])]',
    }
    body = json.loads(vtl.gateway_response(template, vtl.context(error=error)))
    assert set(body) == {"error"}
    assert set(body["error"]) == {"message", "type", "code", "param"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert body["error"]["type"] and body["error"]["code"]
    assert body["error"]["param"] is None


def test_throttling_and_quota_use_distinct_openai_codes(document: dict[str, Any]) -> None:
    responses = document["x-amazon-apigateway-gateway-responses"]

    def code(response_type: str) -> str:
        template = responses[response_type]["responseTemplates"]["application/json"]
        body = json.loads(template.replace("$context.error.messageString", '"m"'))
        return body["error"]["code"]

    assert code("THROTTLED") == "rate_limit_exceeded"
    assert code("QUOTA_EXCEEDED") == "insufficient_quota"
    assert code("UNAUTHORIZED") == "invalid_api_key"


# --- plan-time errors --------------------------------------------------------------------
# One plan carries four broken routes: Terraform reports every failed validation of a
# variable at once, so each test below reads its own message from the same run.


@pytest.fixture(scope="module")
def plan_errors(root_module: RootModule, inputs: dict[str, Any]) -> str:
    bad = copy.deepcopy(inputs)
    routes = bad["routes"]

    routes["embeddings_v2"] = copy.deepcopy(routes["embeddings"])

    status = copy.deepcopy(routes["health"])
    status["path"] = "/status"
    del status["public"]
    routes["status"] = status

    rerank = copy.deepcopy(routes["embeddings"])
    rerank["path"] = "/v1/rerank"
    rerank["integration"]["type"] = "GRPC"
    routes["rerank"] = rerank

    translate_stream = copy.deepcopy(routes["translate"])
    translate_stream["path"] = "/v1/translate/stream"
    translate_stream["integration"]["transfer_mode"] = "STREAM"
    routes["translate_stream"] = translate_stream

    result = root_module.plan(bad, "invalid")
    assert result.returncode != 0, f"plan unexpectedly succeeded:\n{result.stdout}"
    return " ".join((result.stderr + result.stdout).split())


def test_duplicate_method_and_path_names_both_routes(plan_errors: str) -> None:
    assert (
        "Duplicate routes: POST /v1/embeddings is declared by routes embeddings and embeddings_v2"
        in plan_errors
    )


def test_auth_none_without_public_is_rejected(plan_errors: str) -> None:
    assert 'Route(s) status set auth = "NONE" without public = true' in plan_errors


def test_unknown_integration_type_is_rejected(plan_errors: str) -> None:
    assert "Unknown integration type in route(s) rerank (GRPC)" in plan_errors


def test_streaming_on_non_proxy_integration_is_rejected(plan_errors: str) -> None:
    assert "route(s) translate_stream (AWS) stream over a non-proxy integration" in plan_errors


def test_valid_routes_are_not_reported(plan_errors: str) -> None:
    for valid in ("chat_completions", "sagemaker_invoke", "private_models", "health"):
        assert valid not in plan_errors


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["model", "messages", "role", "content", "text", "language", "image"])
            | st.text(max_size=6),
            children,
            max_size=6,
        )
    ),
    max_leaves=24,
)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_serve_validates_any_json_against_every_route_model(
    document: dict[str, Any], data: st.DataObject
) -> None:
    """`aigw serve` checks bodies against these models: whatever the JSON, it answers
    with API Gateway's messages (never raises), and only for what the model refuses."""
    from jsonschema import Draft4Validator

    from aigw.serve import routes_from_openapi

    routes = [r for r in routes_from_openapi(document) if r.validator is not None]
    assert routes, "the document has no body-validated route"
    value = data.draw(_JSON)
    for route in routes:
        messages = route.validator.messages(value)
        assert all(isinstance(m, str) and m for m in messages)
        assert bool(messages) == (not Draft4Validator(route.schema).is_valid(value))
