"""CKV_AIGW_27: cached API methods encrypt their entries and let only authorized callers
invalidate them."""

from __future__ import annotations

from typing import Any

from aigw_common import blocks, get, guideline, is_expression
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


class CachedMethodSettings(BaseResourceCheck):
    """CKV_AIGW_27: ``caching_enabled`` goes with ``cache_data_encrypted`` and
    ``require_authorization_for_cache_control``."""

    def __init__(self) -> None:
        super().__init__(
            name="Cached API methods encrypt the cache and require authorization for Cache-Control",
            id="CKV_AIGW_27",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["aws_api_gateway_method_settings"],
            guideline=guideline("CKV_AIGW_27"),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.details = []
        unknown = False
        for settings in blocks(conf, "settings"):
            caching = get(settings, "caching_enabled")
            if is_expression(caching):
                unknown = True
                continue
            if caching is not True:
                continue
            for key, why in (
                ("cache_data_encrypted", "the cached answers are stored unencrypted"),
                (
                    "require_authorization_for_cache_control",
                    "any caller's Cache-Control: max-age=0 invalidates entries",
                ),
            ):
                value = get(settings, key)
                if is_expression(value):
                    unknown = True
                elif value is not True:
                    self.details.append(f"caching_enabled without {key} = true: {why}")
        if self.details:
            return CheckResult.FAILED
        return CheckResult.UNKNOWN if unknown else CheckResult.PASSED

    def get_evaluated_keys(self) -> list[str]:
        return [
            "settings/[0]/caching_enabled",
            "settings/[0]/cache_data_encrypted",
            "settings/[0]/require_authorization_for_cache_control",
        ]


cached_method_settings = CachedMethodSettings()
