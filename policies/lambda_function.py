"""Checks on Lambda functions and their log groups (CKV_AIGW_11 to CKV_AIGW_14)."""

from __future__ import annotations

from typing import Any

from aigw_common import as_list, block, get, guideline, is_expression
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class _Check(BaseResourceCheck):
    def __init__(
        self, check_id: str, name: str, category: CheckCategories, resources: list[str]
    ) -> None:
        super().__init__(
            name=name,
            id=check_id,
            categories=[category],
            supported_resources=resources,
            guideline=guideline(check_id),
        )


class ReservedConcurrency(_Check):
    """CKV_AIGW_11: a reservation, when set, lets the function run (never 0).

    No reservation is the default: Lambda keeps 100 of the account's concurrency
    unreserved, so a reservation fails to deploy in accounts with a small quota, and the
    gateway's tenants are capped upstream (usage plans, WAF rate rules). What the check
    refuses is a reservation of 0, which throttles every invocation of the function.
    """

    def __init__(self) -> None:
        super().__init__(
            "CKV_AIGW_11",
            "Lambda reserved concurrency, when set, is at least 1",
            CheckCategories.GENERAL_SECURITY,
            ["aws_lambda_function"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.details = []
        value = get(conf, "reserved_concurrent_executions")
        if value is None:
            return CheckResult.PASSED
        if is_expression(value) or isinstance(value, (dict, list)):
            # Unresolved: an expression, or checkov's stand-in for an optional attribute
            # of an object variable that is absent (it yields the whole object).
            return CheckResult.UNKNOWN
        number = _int(value)
        if number is None:
            self.details.append(f"reserved_concurrent_executions is {value!r}, not a number")
            return CheckResult.FAILED
        if number == 0:
            self.details.append(
                "reserved_concurrent_executions is 0: every invocation is throttled"
            )
            return CheckResult.FAILED
        if number < -1:
            self.details.append(
                f"reserved_concurrent_executions is {number} (-1 or unset = no reservation)"
            )
            return CheckResult.FAILED
        return CheckResult.PASSED

    def get_evaluated_keys(self) -> list[str]:
        return ["reserved_concurrent_executions"]


class ExplicitLogGroup(_Check):
    """CKV_AIGW_12: the function writes to a log group this configuration manages."""

    def __init__(self) -> None:
        super().__init__(
            "CKV_AIGW_12",
            "Lambda functions log to a managed log group (logging_config.log_group)",
            CheckCategories.LOGGING,
            ["aws_lambda_function"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.details = []
        logging = block(conf, "logging_config")
        if logging and get(logging, "log_group"):
            return CheckResult.PASSED
        depends = [str(d) for d in as_list(conf.get("depends_on"))]
        if any("aws_cloudwatch_log_group." in d for d in depends):
            return CheckResult.PASSED
        self.details.append(
            "no logging_config.log_group (nor depends_on a log group): Lambda would create "
            "/aws/lambda/<name> itself, unencrypted and kept forever"
        )
        return CheckResult.FAILED

    def get_evaluated_keys(self) -> list[str]:
        return ["logging_config/[0]/log_group", "depends_on"]


class FunctionKms(_Check):
    """CKV_AIGW_13: the function's environment is encrypted with a customer-managed key."""

    def __init__(self) -> None:
        super().__init__(
            "CKV_AIGW_13",
            "Lambda functions encrypt their environment with a customer-managed KMS key",
            CheckCategories.ENCRYPTION,
            ["aws_lambda_function"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.details = []
        if get(conf, "kms_key_arn"):
            return CheckResult.PASSED
        self.details.append("kms_key_arn is not set")
        return CheckResult.FAILED

    def get_evaluated_keys(self) -> list[str]:
        return ["kms_key_arn"]


class LogGroupRetentionKms(_Check):
    """CKV_AIGW_14: log groups expire and are encrypted with KMS."""

    def __init__(self) -> None:
        super().__init__(
            "CKV_AIGW_14",
            "CloudWatch log groups set a retention and a KMS key",
            CheckCategories.LOGGING,
            ["aws_cloudwatch_log_group"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.details = []
        retention = get(conf, "retention_in_days")
        if not is_expression(retention):
            days = _int(retention)
            if retention is None:
                self.details.append("retention_in_days is not set: logs are kept forever")
            elif days is None or days <= 0:
                self.details.append(
                    f"retention_in_days is {retention!r}: not a number of days > 0, "
                    "logs are kept forever"
                )
        if not get(conf, "kms_key_id"):
            self.details.append("kms_key_id is not set")
        return CheckResult.FAILED if self.details else CheckResult.PASSED

    def get_evaluated_keys(self) -> list[str]:
        return ["retention_in_days", "kms_key_id"]


reserved_concurrency = ReservedConcurrency()
explicit_log_group = ExplicitLogGroup()
function_kms = FunctionKms()
log_group_retention_kms = LogGroupRetentionKms()
