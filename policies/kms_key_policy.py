"""KMS key policies allow kms:CreateGrant only on purpose (CKV_AIGW_22).

With ``kms:CreateGrant`` a principal can give itself (or anyone) every use of the key, past
what the key policy and its IAM policies say. A key policy fails when an Allow statement

- allows ``kms:CreateGrant`` through a wildcard (``*``, ``kms:*``, ``kms:Create*``,
  ``kms:C*`` …): the grant permission is then granted by accident; or
- allows ``kms:CreateGrant`` without the condition ``kms:GrantIsForAWSResource = true``
  (``Bool`` or ``StringEquals``), which limits grants to those an AWS service (DynamoDB,
  Lambda, SageMaker) creates for the caller.

Reads ``aws_kms_key.policy`` and ``aws_kms_key_policy.policy`` (JSON). ``NotAction`` is
judged like a wildcard that covers everything it does not name.
"""

from __future__ import annotations

import fnmatch
from typing import Any

from aigw_common import as_list, get, guideline, load_document
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

CHECK_ID = "CKV_AIGW_22"
CREATE_GRANT = "kms:creategrant"
GRANT_KEY = "kms:grantisforawsresource"


def _covers(pattern: str, action: str) -> bool:
    return fnmatch.fnmatchcase(action, pattern.strip().lower())


def _grant_condition(condition: Any) -> bool:
    if not isinstance(condition, dict):
        return False
    for operator, block in condition.items():
        if str(operator).lower() not in ("bool", "stringequals") or not isinstance(block, dict):
            continue
        for key, value in block.items():
            if str(key).lower() == GRANT_KEY and [str(v).lower() for v in as_list(value)] == [
                "true"
            ]:
                return True
    return False


def grant_problems(doc: Any) -> list[str] | None:
    if not isinstance(doc, dict):
        return None
    raw = doc.get("Statement", [])
    out = []
    for i, st in enumerate(raw if isinstance(raw, list) else [raw]):
        if not isinstance(st, dict) or str(st.get("Effect", "Allow")).lower() != "allow":
            continue
        where = f"statement {st['Sid']!r}" if st.get("Sid") else f"statement #{i + 1}"
        actions = [str(a) for a in as_list(st.get("Action"))]
        not_actions = [str(a) for a in as_list(st.get("NotAction"))]
        wildcards = [a for a in actions if "*" in a or "?" in a if _covers(a, CREATE_GRANT)]
        if not_actions and not any(_covers(a, CREATE_GRANT) for a in not_actions):
            wildcards.append("NotAction " + ", ".join(not_actions))
        if wildcards:
            out.append(
                f"{where} allows kms:CreateGrant through the wildcard {', '.join(wildcards)}: "
                "name the actions one by one"
            )
            continue
        if any(a.strip().lower() == CREATE_GRANT for a in actions) and not _grant_condition(
            st.get("Condition")
        ):
            out.append(f"{where} allows kms:CreateGrant without kms:GrantIsForAWSResource = true")
    return out


class KeyPolicyGrants(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="KMS key policies allow kms:CreateGrant only by name and only for AWS services",
            id=CHECK_ID,
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["aws_kms_key", "aws_kms_key_policy"],
            guideline=guideline(CHECK_ID),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.details = []
        problems = grant_problems(load_document(get(conf, "policy")))
        if problems is None:
            return CheckResult.UNKNOWN
        self.details.extend(problems)
        return CheckResult.FAILED if problems else CheckResult.PASSED

    def get_evaluated_keys(self) -> list[str]:
        return ["policy"]


key_policy_grants = KeyPolicyGrants()
