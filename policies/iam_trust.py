"""Trust policies of roles API Gateway assumes (CKV_AIGW_19).

API Gateway sets no ``aws:SourceAccount`` / ``aws:SourceArn`` (nor the organization keys)
when it assumes a role: an integration's credentials role or the account's CloudWatch
role. A trust statement for ``apigateway.amazonaws.com`` that conditions on one of them
never matches, and every call through the role fails ("API Gateway does not have
permission to assume the provided role"). The sandbox does not evaluate trust policies,
so only this check sees it.

Reads ``aws_iam_role.assume_role_policy`` (JSON) and ``data "aws_iam_policy_document"``
statements whose principals include the API Gateway service.
"""

from __future__ import annotations

from typing import Any

from aigw_common import as_list, blocks, get, guideline
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.data.base_check import BaseDataCheck
from json_document_check import JsonDocumentCheck

APIGATEWAY = "apigateway.amazonaws.com"
# Global condition keys API Gateway does not put in the request context when it assumes a role.
UNSET_KEYS = ("aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths")

CHECK_ID = "CKV_AIGW_19"
NAME = "Roles API Gateway assumes do not condition on keys API Gateway does not set"


def _json_problems(doc: Any) -> list[str] | None:
    if not isinstance(doc, dict):
        return None
    raw = doc.get("Statement", [])
    out = []
    for i, st in enumerate(raw if isinstance(raw, list) else [raw]):
        if not isinstance(st, dict) or str(st.get("Effect", "Allow")).lower() != "allow":
            continue
        principal = st.get("Principal")
        services = as_list(principal.get("Service")) if isinstance(principal, dict) else []
        if APIGATEWAY not in [str(s).lower() for s in services]:
            continue
        condition = st.get("Condition")
        keys = []
        if isinstance(condition, dict):
            for block in condition.values():
                if isinstance(block, dict):
                    keys.extend(str(k) for k in block)
        out.extend(_label(st.get("Sid"), i, key) for key in keys if key.lower() in UNSET_KEYS)
    return out


def _label(sid: Any, index: int, key: str) -> str:
    where = f"statement {sid!r}" if sid else f"statement #{index + 1}"
    return (
        f"{where} trusts {APIGATEWAY} only with condition {key}, which API Gateway does not "
        "set when it assumes a role"
    )


def _document_problems(conf: dict[str, Any]) -> list[str]:
    out = []
    for i, st in enumerate(blocks(conf, "statement")):
        if str(get(st, "effect", "Allow")).lower() != "allow":
            continue
        services = [
            str(ident).lower()
            for p in blocks(st, "principals")
            if str(get(p, "type", "")).lower() == "service"
            for ident in as_list(p.get("identifiers"))
        ]
        if APIGATEWAY not in services:
            continue
        for cond in blocks(st, "condition"):
            key = str(get(cond, "variable", ""))
            if key.lower() in UNSET_KEYS:
                out.append(_label(get(st, "sid"), i, key))
    return out


class ApiGatewayTrustRole(JsonDocumentCheck):
    attribute = "assume_role_policy"
    rule = staticmethod(_json_problems)

    def __init__(self) -> None:
        super().__init__(CHECK_ID, NAME, ["aws_iam_role"], CheckCategories.IAM)


class ApiGatewayTrustDocument(BaseDataCheck):
    def __init__(self) -> None:
        super().__init__(
            name=NAME,
            id=CHECK_ID,
            categories=[CheckCategories.IAM],
            supported_data=["aws_iam_policy_document"],
            guideline=guideline(CHECK_ID),
        )

    def scan_data_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.details = _document_problems(conf)
        return CheckResult.FAILED if self.details else CheckResult.PASSED


api_gateway_trust_role = ApiGatewayTrustRole()
api_gateway_trust_document = ApiGatewayTrustDocument()
