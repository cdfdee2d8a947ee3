"""A PRIVATE REST API carries a resource policy restricted to VPC endpoints (CKV_AIGW_28).

API Gateway refuses to deploy a private API without a resource policy ("Private REST API
doesn't have a resource policy attached to it"), and a policy that allows principals
without an ``aws:SourceVpce`` / ``aws:SourceVpc`` condition admits calls through any
execute-api VPC endpoint those principals can use, in any account. The sandbox accepts a
private API without any policy, so only this check (and gateway-core's plan-time
guards) sees it.

Reads ``aws_api_gateway_rest_api``: ``endpoint_configuration.types`` and ``policy``. A
policy attached by a separate ``aws_api_gateway_rest_api_policy`` is not seen: the
project sets it on the API (gateway-core does).
"""

from __future__ import annotations

from typing import Any

from aigw_common import as_list, block, get, guideline, is_expression, load_document
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

VPC_KEYS = ("aws:sourcevpce", "aws:sourcevpc")


def _condition_keys(statement: dict[str, Any]) -> set[str]:
    cond = statement.get("Condition")
    if not isinstance(cond, dict):
        return set()
    return {str(k).lower() for op in cond.values() if isinstance(op, dict) for k in op}


class PrivateApiPolicy(BaseResourceCheck):
    """CKV_AIGW_28: a PRIVATE API has a resource policy that names its VPC endpoints."""

    def __init__(self) -> None:
        super().__init__(
            name="PRIVATE REST APIs have a resource policy restricted to VPC endpoints",
            id="CKV_AIGW_28",
            categories=[CheckCategories.NETWORKING],
            supported_resources=["aws_api_gateway_rest_api"],
            guideline=guideline("CKV_AIGW_28"),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.details = []
        endpoint = block(conf, "endpoint_configuration")
        types = as_list(get(endpoint, "types")) if endpoint else []
        if any(is_expression(t) for t in types):
            return CheckResult.UNKNOWN
        if "PRIVATE" not in [str(t).upper() for t in types]:
            return CheckResult.PASSED
        raw = get(conf, "policy")
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            self.details.append(
                "endpoint type PRIVATE without a resource policy: API Gateway refuses to deploy it"
            )
            return CheckResult.FAILED
        doc = load_document(raw)
        if not isinstance(doc, dict):
            return CheckResult.UNKNOWN
        statements = doc.get("Statement", [])
        statements = statements if isinstance(statements, list) else [statements]
        named = [
            s for s in statements if isinstance(s, dict) and _condition_keys(s) & set(VPC_KEYS)
        ]
        if not named:
            self.details.append(
                "the resource policy of the PRIVATE API has no statement with an "
                "aws:SourceVpce or aws:SourceVpc condition"
            )
        return CheckResult.FAILED if self.details else CheckResult.PASSED

    def get_evaluated_keys(self) -> list[str]:
        return ["endpoint_configuration/[0]/types", "policy"]


private_api_policy = PrivateApiPolicy()
