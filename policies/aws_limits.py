"""Size limits AWS enforces and the local sandbox (moto) does not (CKV_AIGW_22, CKV_AIGW_23).

- Lambda refuses a function whose environment variables, measured as one JSON object of
  names and values, exceed 4 KB ("Lambda was unable to configure your environment
  variables because the environment variables you have provided exceeded the 4KB limit").
- Parameter Store holds at most 4096 characters in a standard parameter and 8192 in an
  advanced one; with no tier the account's default tier applies (standard unless changed).

Values Terraform computes stay unresolved in the HCL scan: the check answers UNKNOWN and
the plan scan (`aigw scan --plan`, `--env-plan`) decides.
"""

from __future__ import annotations

import json
from typing import Any

from aigw_common import block, get, guideline, is_expression
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

LAMBDA_ENVIRONMENT_MAX_BYTES = 4096
SSM_STANDARD_MAX_BYTES = 4096
SSM_ADVANCED_MAX_BYTES = 8192


def environment_bytes(variables: dict[str, Any]) -> int:
    """Size of the variables as Lambda measures them: one compact JSON object, UTF-8."""
    text = json.dumps(
        {str(k): str(v) for k, v in variables.items()}, separators=(",", ":"), ensure_ascii=False
    )
    return len(text.encode("utf-8"))


class LambdaEnvironmentSize(BaseResourceCheck):
    """CKV_AIGW_22: a function's environment fits Lambda's 4 KB."""

    def __init__(self) -> None:
        super().__init__(
            name="Lambda environment variables fit in 4 KB",
            id="CKV_AIGW_22",
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=["aws_lambda_function"],
            guideline=guideline("CKV_AIGW_22"),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.details = []
        env = block(conf, "environment")
        if env is None:
            return CheckResult.PASSED  # no environment at all
        variables = get(env, "variables")
        if variables == {}:
            return CheckResult.PASSED
        if variables is None:
            return CheckResult.UNKNOWN  # a block the scan could not read: no verdict
        if not isinstance(variables, dict) or is_expression(variables):
            return CheckResult.UNKNOWN
        if any(is_expression(k) or is_expression(v) for k, v in variables.items()):
            return CheckResult.UNKNOWN
        size = environment_bytes(variables)
        if size > LAMBDA_ENVIRONMENT_MAX_BYTES:
            largest = max(variables, key=lambda k: len(str(variables[k]).encode("utf-8")))
            self.details.append(
                f"environment variables measure {size} bytes as Lambda counts them (limit "
                f"{LAMBDA_ENVIRONMENT_MAX_BYTES}); the largest is {largest}"
            )
            return CheckResult.FAILED
        return CheckResult.PASSED

    def get_evaluated_keys(self) -> list[str]:
        return ["environment/[0]/variables"]


class SsmParameterSize(BaseResourceCheck):
    """CKV_AIGW_23: a parameter's value fits its tier."""

    def __init__(self) -> None:
        super().__init__(
            name="SSM parameter values fit their tier (4096 standard, 8192 advanced)",
            id="CKV_AIGW_23",
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=["aws_ssm_parameter"],
            guideline=guideline("CKV_AIGW_23"),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.details = []
        value = get(conf, "value")
        if value is None:
            value = get(conf, "insecure_value")
        if value is None:
            return CheckResult.UNKNOWN  # value_wo or nothing: the scan cannot see it
        if is_expression(value):
            return CheckResult.UNKNOWN
        tier = get(conf, "tier")
        if is_expression(tier):
            return CheckResult.UNKNOWN
        size = len(str(value).encode("utf-8"))
        if size > SSM_ADVANCED_MAX_BYTES:
            self.details.append(
                f"value is {size} bytes; no parameter tier holds more than {SSM_ADVANCED_MAX_BYTES}"
            )
        elif size > SSM_STANDARD_MAX_BYTES and tier in (None, "", "Standard"):
            shown = "Standard" if tier else "unset (the account default, Standard unless changed)"
            self.details.append(
                f"value is {size} bytes with tier {shown}; the standard tier holds "
                f"{SSM_STANDARD_MAX_BYTES}"
            )
        return CheckResult.FAILED if self.details else CheckResult.PASSED

    def get_evaluated_keys(self) -> list[str]:
        return ["value", "insecure_value", "tier"]


lambda_environment_size = LambdaEnvironmentSize()
ssm_parameter_size = SsmParameterSize()
