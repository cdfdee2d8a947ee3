"""Checks on the API stage (CKV_AIGW_8) and usage plans (CKV_AIGW_15)."""

from __future__ import annotations

import re
from typing import Any

from aigw_common import block, get, guideline, is_expression, load_document
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

TENANT = re.compile(r"\$context\.authorizer\.[A-Za-z0-9_.]*tenant", re.IGNORECASE)


class AccessLogJson(BaseResourceCheck):
    """CKV_AIGW_8: access logs are JSON lines carrying the request id and the tenant."""

    def __init__(self) -> None:
        super().__init__(
            name="API stage access logs are JSON with the request id and the tenant",
            id="CKV_AIGW_8",
            categories=[CheckCategories.LOGGING],
            supported_resources=["aws_api_gateway_stage"],
            guideline=guideline("CKV_AIGW_8"),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.details = []
        settings = block(conf, "access_log_settings")
        if not settings:
            self.details.append("no access_log_settings block")
            return CheckResult.FAILED
        raw = get(settings, "format")
        if is_expression(raw):
            return CheckResult.UNKNOWN
        doc = load_document(raw)
        if not isinstance(doc, dict):
            self.details.append("the access log format is not a JSON object")
            return CheckResult.FAILED
        values = [str(v) for v in doc.values()]
        if "$context.requestId" not in values:
            self.details.append("no field carries $context.requestId")
        if not any(TENANT.search(v) for v in values):
            self.details.append("no field carries the tenant ($context.authorizer.tenant)")
        return CheckResult.FAILED if self.details else CheckResult.PASSED

    def get_evaluated_keys(self) -> list[str]:
        return ["access_log_settings/[0]/format"]


class UsagePlanLimits(BaseResourceCheck):
    """CKV_AIGW_15: usage plans set both a throttle and a quota."""

    def __init__(self) -> None:
        super().__init__(
            name="API usage plans set both throttle and quota",
            id="CKV_AIGW_15",
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=["aws_api_gateway_usage_plan"],
            guideline=guideline("CKV_AIGW_15"),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.details = []
        for name, fields in (
            ("throttle_settings", ("rate_limit", "burst_limit")),
            ("quota_settings", ("limit", "period")),
        ):
            settings = block(conf, name)
            if settings is None:
                self.details.append(f"no {name} block (it needs {' and '.join(fields)})")
                continue
            missing = [f for f in fields if get(settings, f) is None]
            if missing:
                self.details.append(f"{name} sets no {' and no '.join(missing)}")
        return CheckResult.FAILED if self.details else CheckResult.PASSED

    def get_evaluated_keys(self) -> list[str]:
        return ["throttle_settings", "quota_settings"]


access_log_json = AccessLogJson()
usage_plan_limits = UsagePlanLimits()
