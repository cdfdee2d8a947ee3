"""Least-privilege checks on IAM identity policies (CKV_AIGW_9, CKV_AIGW_10).

Both read JSON policies (``aws_iam_policy``, ``aws_iam_role_policy`` and friends) and
``data "aws_iam_policy_document"`` statements. Key policies and resource policies are
out of scope: there ``Resource = "*"`` means the resource the policy is attached to.
"""

from __future__ import annotations

import re
from typing import Any

from aigw_common import as_list, blocks, get, guideline, is_expression, load_document
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.data.base_check import BaseDataCheck
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

POLICY_RESOURCES = [
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
]

# Actions that do not support resource-level permissions (they need Resource "*").
LIST_ONLY_ACTIONS = {
    "secretsmanager:listsecrets",
    "secretsmanager:getrandompassword",
    "secretsmanager:batchgetsecretvalue",
    "dynamodb:listtables",
    "dynamodb:describelimits",
    "dynamodb:describeendpoints",
    "dynamodb:listbackups",
    "dynamodb:listglobaltables",
    "dynamodb:listimports",
    "dynamodb:listexports",
    "dynamodb:describereservedcapacity",
    "dynamodb:describereservedcapacityofferings",
}

SECRET_ARN = re.compile(r"^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(?P<name>.*)$")
TABLE_ARN = re.compile(
    r"^arn:[^:]+:dynamodb:[^:]*:[^:]*:table/(?P<name>[^/]*)(?P<rest>/(index|stream|backup|export|import)/.*)?$"
)


Statement = dict[str, Any]


def _normalise_json_statement(st: dict[str, Any]) -> Statement:
    return {
        "effect": str(st.get("Effect", "Allow")),
        "actions": [str(a) for a in as_list(st.get("Action"))],
        "not_actions": [str(a) for a in as_list(st.get("NotAction"))],
        "resources": [str(r) for r in as_list(st.get("Resource"))],
        "sid": st.get("Sid"),
    }


def statements_from_json(policy: Any) -> list[Statement] | None:
    doc = load_document(policy)
    if not isinstance(doc, dict):
        return None
    raw = doc.get("Statement", [])
    raw = raw if isinstance(raw, list) else [raw]
    return [_normalise_json_statement(s) for s in raw if isinstance(s, dict)]


def statements_from_document(conf: dict[str, Any]) -> list[Statement]:
    out = []
    for st in blocks(conf, "statement"):
        out.append(
            {
                "effect": str(get(st, "effect", "Allow")),
                "actions": [str(a) for a in as_list(st.get("actions"))],
                "not_actions": [str(a) for a in as_list(st.get("not_actions"))],
                "resources": [str(r) for r in as_list(st.get("resources"))],
                "sid": get(st, "sid"),
            }
        )
    return out


def _label(st: Statement, index: int) -> str:
    return f"statement {st['sid']!r}" if st.get("sid") else f"statement #{index + 1}"


def wildcard_problems(statements: list[Statement]) -> list[str]:
    out = []
    for i, st in enumerate(statements):
        if st["effect"].lower() != "allow":
            continue
        actions = [a.strip().lower() for a in st["actions"]]
        if "*" in actions:
            out.append(f'{_label(st, i)} allows every action ("*")')
        if st["not_actions"]:
            out.append(f"{_label(st, i)} allows everything but NotAction {st['not_actions']}")
        if "bedrock:*" in actions and "*" in st["resources"]:
            out.append(f"{_label(st, i)} allows bedrock:* on every resource")
    return out


def _service_actions(actions: list[str], service: str) -> list[str]:
    return [
        a
        for a in actions
        if (a.lower().startswith(f"{service}:") or a == "*") and a.lower() not in LIST_ONLY_ACTIONS
    ]


def _secret_resource_ok(resource: str) -> bool:
    resource = resource.strip()
    if resource == "*":
        return False
    m = SECRET_ARN.match(resource)
    if m:
        # Secrets Manager appends "-" and six random characters: allow that suffix only. A
        # wildcard in the name is one even when other parts of the ARN are interpolated.
        base = re.sub(r"-(\?{6}|\*)$", "", m.group("name"))
        return bool(base) and not any(c in base for c in "*?")
    # A reference to a named secret (unresolved here), or another service's ARN, which
    # grants nothing on secrets; any other secrets ARN is malformed: a wildcard.
    return is_expression(resource) or ":secretsmanager:" not in resource


def _table_resource_ok(resource: str) -> bool:
    resource = resource.strip()
    if resource == "*":
        return False
    m = TABLE_ARN.match(resource)
    if m:
        name = m.group("name")
        return bool(name) and not any(c in name for c in "*?")
    return is_expression(resource) or ":dynamodb:" not in resource


def scope_problems(statements: list[Statement]) -> list[str]:
    out = []
    for i, st in enumerate(statements):
        if st["effect"].lower() != "allow":
            continue
        for service, ok, what in (
            ("secretsmanager", _secret_resource_ok, "secrets"),
            ("dynamodb", _table_resource_ok, "tables"),
        ):
            if not _service_actions(st["actions"], service):
                continue
            bad = [r for r in st["resources"] if not ok(r)]
            if bad:
                out.append(f"{_label(st, i)} reaches {what} not named one by one: {', '.join(bad)}")
    return out


class _PolicyCheck(BaseResourceCheck):
    rule = staticmethod(wildcard_problems)

    def __init__(self, check_id: str, name: str) -> None:
        super().__init__(
            name=name,
            id=check_id,
            categories=[CheckCategories.IAM],
            supported_resources=POLICY_RESOURCES,
            guideline=guideline(check_id),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.details = []
        statements = statements_from_json(get(conf, "policy"))
        if statements is None:
            return CheckResult.UNKNOWN
        self.details.extend(self.rule(statements))
        return CheckResult.FAILED if self.details else CheckResult.PASSED

    def get_evaluated_keys(self) -> list[str]:
        return ["policy"]


class _DocumentCheck(BaseDataCheck):
    rule = staticmethod(wildcard_problems)

    def __init__(self, check_id: str, name: str) -> None:
        super().__init__(
            name=name,
            id=check_id,
            categories=[CheckCategories.IAM],
            supported_data=["aws_iam_policy_document"],
            guideline=guideline(check_id),
        )

    def scan_data_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.details = []
        self.details.extend(self.rule(statements_from_document(conf)))
        return CheckResult.FAILED if self.details else CheckResult.PASSED


WILDCARD_NAME = 'IAM policies allow no "*" action and no bedrock:* on every resource'
SCOPE_NAME = "IAM policies reach only the secrets and tables they name"


class NoWildcardPolicy(_PolicyCheck):
    def __init__(self) -> None:
        super().__init__("CKV_AIGW_9", WILDCARD_NAME)


class NoWildcardDocument(_DocumentCheck):
    def __init__(self) -> None:
        super().__init__("CKV_AIGW_9", WILDCARD_NAME)


class NamedResourcesPolicy(_PolicyCheck):
    rule = staticmethod(scope_problems)

    def __init__(self) -> None:
        super().__init__("CKV_AIGW_10", SCOPE_NAME)


class NamedResourcesDocument(_DocumentCheck):
    rule = staticmethod(scope_problems)

    def __init__(self) -> None:
        super().__init__("CKV_AIGW_10", SCOPE_NAME)


no_wildcard_policy = NoWildcardPolicy()
no_wildcard_document = NoWildcardDocument()
named_resources_policy = NamedResourcesPolicy()
named_resources_document = NamedResourcesDocument()
