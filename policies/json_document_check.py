"""A resource check that reads one JSON policy document attribute (shared base class).

``rule`` takes the parsed document and returns the problems found, or None when the
document is not a resolved JSON object (the check then reports UNKNOWN).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aigw_common import get, guideline, load_document
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


class JsonDocumentCheck(BaseResourceCheck):
    attribute = "policy"
    rule: Callable[[Any], list[str] | None]

    def __init__(
        self, check_id: str, name: str, resources: list[str], category: CheckCategories
    ) -> None:
        super().__init__(
            name=name,
            id=check_id,
            categories=[category],
            supported_resources=resources,
            guideline=guideline(check_id),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.details = []
        problems = type(self).rule(load_document(get(conf, self.attribute)))
        if problems is None:
            return CheckResult.UNKNOWN
        self.details.extend(problems)
        return CheckResult.FAILED if problems else CheckResult.PASSED

    def get_evaluated_keys(self) -> list[str]:
        return [self.attribute]
