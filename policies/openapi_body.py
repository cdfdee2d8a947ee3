"""Checks on the REST API's OpenAPI ``body`` (CKV_AIGW_1 to CKV_AIGW_4, CKV_AIGW_17, CKV_AIGW_24).

The REST API is rendered from one OpenAPI document, so checkov's built-in method
checks never see an operation. These checks read the document itself. In an HCL scan
the body is often a module-computed ``jsonencode(...)`` that checkov cannot resolve:
the result is then UNKNOWN, and the plan-JSON scan (where the body is resolved) decides.
"""

from __future__ import annotations

import re
from typing import Any

from aigw_common import get, guideline, op_name, openapi_body, operations
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

REST_API = ["aws_api_gateway_rest_api"]

STREAMING_URI = re.compile(
    r"^arn:[^:]+:apigateway:[^:]+:lambda:path/2021-11-15/functions/.+/response-streaming-invocations$"
)

# integrationTarget of a private integration over a v2 VPC link: the load balancer itself.
LOAD_BALANCER_ARN = re.compile(
    r"^arn:[a-z-]+:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:loadbalancer/(app|net)/[^/]+/[^/]+$"
)


def _integration(op: dict[str, Any]) -> dict[str, Any]:
    integ = op.get("x-amazon-apigateway-integration")
    return integ if isinstance(integ, dict) else {}


def _is_public(op: dict[str, Any]) -> bool:
    return op.get("x-aigw-public") is True


def _is_streaming(op: dict[str, Any]) -> bool:
    return str(_integration(op).get("responseTransferMode", "")).upper() == "STREAM"


class _BodyCheck(BaseResourceCheck):
    def __init__(self, check_id: str, name: str, category: CheckCategories) -> None:
        super().__init__(
            name=name,
            id=check_id,
            categories=[category],
            supported_resources=REST_API,
            guideline=guideline(check_id),
        )

    def problems(self, doc: dict[str, Any]) -> list[str]:
        raise NotImplementedError

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.details = []
        doc = openapi_body(conf)
        if doc is None:
            # Unresolved (module-computed) body: the plan-JSON scan decides.
            return CheckResult.UNKNOWN
        problems = self.problems(doc)
        if problems:
            self.details.extend(problems)
            return CheckResult.FAILED
        return CheckResult.PASSED

    def get_evaluated_keys(self) -> list[str]:
        return ["body"]


class OperationSecurity(_BodyCheck):
    """CKV_AIGW_1: every operation has a security requirement unless marked public."""

    def __init__(self) -> None:
        super().__init__(
            "CKV_AIGW_1",
            "Every operation of the API body has a security requirement unless marked public",
            CheckCategories.IAM,
        )

    def problems(self, doc: dict[str, Any]) -> list[str]:
        schemes = (doc.get("components") or {}).get("securitySchemes") or {}
        default = doc.get("security")
        out: list[str] = []
        for path, method, op in operations(doc):
            if _is_public(op):
                continue
            name = op_name(path, method)
            security = op.get("security", default)
            if not isinstance(security, list) or not security:
                out.append(f"{name}: no security requirement (and not marked x-aigw-public)")
                continue
            for req in security:
                if not isinstance(req, dict) or not req:
                    out.append(f"{name}: an empty security requirement allows anonymous calls")
                    continue
                missing = [s for s in req if s not in schemes]
                if missing:
                    out.append(f"{name}: unknown security scheme(s) {', '.join(sorted(missing))}")
        return out


class OperationRequestValidator(_BodyCheck):
    """CKV_AIGW_2: every operation has a request validator that validates something."""

    def __init__(self) -> None:
        super().__init__(
            "CKV_AIGW_2",
            "Every operation of the API body has a request validator",
            CheckCategories.GENERAL_SECURITY,
        )

    def problems(self, doc: dict[str, Any]) -> list[str]:
        validators = doc.get("x-amazon-apigateway-request-validators") or {}
        default = doc.get("x-amazon-apigateway-request-validator")
        out: list[str] = []
        for path, method, op in operations(doc):
            name = op_name(path, method)
            chosen = op.get("x-amazon-apigateway-request-validator", default)
            if not chosen:
                out.append(f"{name}: no x-amazon-apigateway-request-validator")
                continue
            spec = validators.get(chosen) if isinstance(validators, dict) else None
            if not isinstance(spec, dict):
                out.append(f"{name}: request validator {chosen!r} is not defined")
                continue
            if not (spec.get("validateRequestBody") or spec.get("validateRequestParameters")):
                out.append(f"{name}: validator {chosen!r} validates neither body nor parameters")
        return out


class StreamingUri(_BodyCheck):
    """CKV_AIGW_3: streaming Lambda integrations call the response-streaming API."""

    def __init__(self) -> None:
        super().__init__(
            "CKV_AIGW_3",
            "Streaming Lambda integrations use the response-streaming invocation URI",
            CheckCategories.GENERAL_SECURITY,
        )

    def problems(self, doc: dict[str, Any]) -> list[str]:
        out: list[str] = []
        for path, method, op in operations(doc):
            integ = _integration(op)
            if str(integ.get("type", "")).lower() != "aws_proxy":
                continue
            uri = str(integ.get("uri", ""))
            if ":lambda:path/" not in uri:
                continue
            name = op_name(path, method)
            streams_uri = bool(STREAMING_URI.match(uri))
            if _is_streaming(op) and not streams_uri:
                out.append(
                    f"{name}: responseTransferMode STREAM with a buffered invocation URI ({uri})"
                )
            elif streams_uri and not _is_streaming(op):
                out.append(f"{name}: response-streaming URI without responseTransferMode STREAM")
        return out


class StreamingNotCached(_BodyCheck):
    """CKV_AIGW_4: streaming operations are never cached."""

    def __init__(self) -> None:
        super().__init__(
            "CKV_AIGW_4",
            "Streaming operations are not cached",
            CheckCategories.GENERAL_SECURITY,
        )

    def problems(self, doc: dict[str, Any]) -> list[str]:
        out: list[str] = []
        for path, method, op in operations(doc):
            if not _is_streaming(op):
                continue
            integ = _integration(op)
            cached = [k for k in ("cacheKeyParameters", "cacheNamespace") if integ.get(k)]
            if cached:
                out.append(f"{op_name(path, method)}: streaming but sets {', '.join(cached)}")
        return out


class VpcLinkTargetIsALoadBalancer(_BodyCheck):
    """CKV_AIGW_17: a v2 VPC link integration targets a load balancer, not a listener."""

    def __init__(self) -> None:
        super().__init__(
            "CKV_AIGW_17",
            "Private integrations over a v2 VPC link name a load balancer ARN in integrationTarget",
            CheckCategories.NETWORKING,
        )

    def problems(self, doc: dict[str, Any]) -> list[str]:
        out: list[str] = []
        for path, method, op in operations(doc):
            integ = _integration(op)
            if str(integ.get("connectionType", "")).upper() != "VPC_LINK":
                continue
            target = integ.get("integrationTarget")
            if target is None or "${stageVariables." in str(target):
                continue  # a v1 link (no target), or chosen per stage at deploy time
            if not LOAD_BALANCER_ARN.match(str(target)):
                out.append(
                    f"{op_name(path, method)}: integrationTarget {target} is not a load "
                    "balancer ARN (…:loadbalancer/app/… or …/net/…)"
                )
        return out


def _is_lambda_uri(uri: str) -> bool:
    return ":lambda:path/" in uri


class BinaryAnswersNeedBinaryMediaTypes(_BodyCheck):
    """CKV_AIGW_24: an AWS service answer converted to binary needs binary media types.

    A service such as Polly answers raw bytes. With ``contentHandling: CONVERT_TO_BINARY``
    and no binary media types on the API, API Gateway base64-decodes them ("Content type
    conversions in API Gateway"): the client gets garbage. A Lambda (or HTTP) back end may
    answer base64 text on purpose, which that decoding turns into bytes: not judged.
    """

    def __init__(self) -> None:
        super().__init__(
            "CKV_AIGW_24",
            "AWS service answers converted to binary have binary media types on the API",
            CheckCategories.GENERAL_SECURITY,
        )
        self._declared: object = None

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self._declared = get(conf, "binary_media_types")
        if "${" in str(self._declared):
            self.details = []
            return CheckResult.UNKNOWN  # an unresolved list: the plan-JSON scan decides
        return super().scan_resource_conf(conf)

    def problems(self, doc: dict[str, Any]) -> list[str]:
        if doc.get("x-amazon-apigateway-binary-media-types") or self._declared:
            return []
        out: list[str] = []
        for path, method, op in operations(doc):
            integ = _integration(op)
            if str(integ.get("type", "")).lower() != "aws" or _is_lambda_uri(
                str(integ.get("uri", ""))
            ):
                continue
            responses = integ.get("responses")
            binary = sorted(
                str(pattern)
                for pattern, resp in (responses.items() if isinstance(responses, dict) else [])
                if isinstance(resp, dict)
                and str(resp.get("contentHandling", "")).upper() == "CONVERT_TO_BINARY"
            )
            if binary:
                out.append(
                    f"{op_name(path, method)}: integration response(s) {', '.join(binary)} "
                    "convert the service's answer to binary (CONVERT_TO_BINARY) but the API "
                    "lists no binary media types"
                )
        return out


operation_security = OperationSecurity()
operation_request_validator = OperationRequestValidator()
streaming_uri = StreamingUri()
streaming_not_cached = StreamingNotCached()
vpc_link_target_is_a_load_balancer = VpcLinkTargetIsALoadBalancer()
binary_answers_need_binary_media_types = BinaryAnswersNeedBinaryMediaTypes()
