"""KMS key policies allow kms:CreateGrant only on purpose (CKV_AIGW_21).

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

from aigw_common import as_list
from checkov.common.models.enums import CheckCategories
from json_document_check import JsonDocumentCheck

CHECK_ID = "CKV_AIGW_21"
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


class KeyPolicyGrants(JsonDocumentCheck):
    rule = staticmethod(grant_problems)

    def __init__(self) -> None:
        super().__init__(
            CHECK_ID,
            "KMS key policies allow kms:CreateGrant only by name and only for AWS services",
            ["aws_kms_key", "aws_kms_key_policy"],
            CheckCategories.ENCRYPTION,
        )


key_policy_grants = KeyPolicyGrants()
