"""Checks on the WAFv2 web ACL in front of the API (CKV_AIGW_6, CKV_AIGW_7, CKV_AIGW_20,
CKV_AIGW_25)."""

from __future__ import annotations

from typing import Any

from aigw_common import block, blocks, get, guideline, is_expression
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

KNOWN_BAD_INPUTS = "AWSManagedRulesKnownBadInputsRuleSet"
BOT_CONTROL = "AWSManagedRulesBotControlRuleSet"
# Bot Control rules that block every non-browser user agent: the API's own clients.
BOT_CONTROL_CLIENT_RULES = ("CategoryHttpLibrary", "SignalNonBrowserUserAgent")
# The body-inspecting rules of the AWS managed groups (AWS WAF Developer Guide, "Baseline
# rule groups" and "Use-case specific rule groups"): each matches ordinary prompt content.
MANAGED_BODY_RULES = {
    "AWSManagedRulesCommonRuleSet": (
        "SizeRestrictions_BODY",
        "EC2MetaDataSSRF_BODY",
        "GenericLFI_BODY",
        "GenericRFI_BODY",
        "CrossSiteScripting_BODY",
    ),
    "AWSManagedRulesKnownBadInputsRuleSet": (
        "JavaDeserializationRCE_BODY",
        "Log4JRCE_BODY",
        "ReactJSRCE_BODY",
    ),
    "AWSManagedRulesSQLiRuleSet": ("SQLi_BODY", "SQLiExtendedPatterns_BODY"),
}


def _statements(statement: dict[str, Any] | None) -> list[dict[str, Any]]:
    """A statement and every statement nested in it (and/or/not)."""
    if not statement:
        return []
    out = [statement]
    for combinator in ("and_statement", "or_statement", "not_statement"):
        for comb in blocks(statement, combinator):
            for inner in blocks(comb, "statement"):
                out.extend(_statements(inner))
    return out


def _has_unrendered_rules(conf: dict[str, Any]) -> bool:
    """True when checkov could not expand a ``dynamic "rule"`` block (HCL scans): the
    plan-JSON scan, where every rule is rendered, decides then."""
    for dyn in blocks(conf, "dynamic"):
        if "rule" in dyn:
            return True
    return any(
        is_expression(get(rule, "name")) or "." in str(get(rule, "name", ""))
        for rule in blocks(conf, "rule")
    )


def _rule_statements(rule: dict[str, Any]) -> list[dict[str, Any]]:
    return _statements(block(rule, "statement"))


class _WebAclCheck(BaseResourceCheck):
    def __init__(self, check_id: str, name: str) -> None:
        super().__init__(
            name=name,
            id=check_id,
            categories=[CheckCategories.NETWORKING],
            supported_resources=["aws_wafv2_web_acl"],
            guideline=guideline(check_id),
        )

    def get_evaluated_keys(self) -> list[str]:
        return ["rule"]


class KnownBadInputs(_WebAclCheck):
    """CKV_AIGW_6: the web ACL runs the KnownBadInputs managed rule group (not in count mode)."""

    def __init__(self) -> None:
        super().__init__(
            "CKV_AIGW_6", "The API web ACL runs the AWS KnownBadInputs managed rule group"
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.details = []
        for rule in blocks(conf, "rule"):
            for st in _rule_statements(rule):
                group = block(st, "managed_rule_group_statement")
                if not group:
                    continue
                name = get(group, "name")
                if name != KNOWN_BAD_INPUTS:
                    continue
                override = block(rule, "override_action")
                if override and block(override, "count") is not None:
                    self.details.append(f"rule {get(rule, 'name')!r} runs {name} in count mode")
                    return CheckResult.FAILED
                return CheckResult.PASSED
        if _has_unrendered_rules(conf):
            return CheckResult.UNKNOWN
        self.details.append(f"no rule uses the managed rule group {KNOWN_BAD_INPUTS}")
        return CheckResult.FAILED


class BodySizeRule(_WebAclCheck):
    """CKV_AIGW_7: the web ACL blocks request bodies above a size limit."""

    def __init__(self) -> None:
        super().__init__("CKV_AIGW_7", "The API web ACL blocks oversized request bodies")

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.details = []
        near_misses: list[str] = []
        for rule in blocks(conf, "rule"):
            name = get(rule, "name")
            action = block(rule, "action")
            blocks_requests = bool(action) and block(action, "block") is not None
            for st in _rule_statements(rule):
                size = block(st, "size_constraint_statement")
                if not size:
                    continue
                field = block(size, "field_to_match")
                if field is None or block(field, "body") is None:
                    near_misses.append(
                        f"rule {name!r} limits the size of another field, not the body"
                    )
                    continue
                op = str(get(size, "comparison_operator", "")).upper()
                if op not in ("GT", "GE"):
                    shown = op or "no operator"
                    near_misses.append(
                        f"rule {name!r} compares the body size with {shown}, not GT/GE"
                    )
                    continue
                if not blocks_requests:
                    near_misses.append(f"rule {name!r} limits the body size but does not block")
                    continue
                return CheckResult.PASSED
        self.details.append("no blocking rule with a size_constraint_statement on the body (GT/GE)")
        self.details.extend(near_misses)
        return CheckResult.FAILED


class BotControlCountsApiClients(_WebAclCheck):
    """CKV_AIGW_20: Bot Control counts (does not block) the rules that block SDKs and curl."""

    def __init__(self) -> None:
        super().__init__(
            "CKV_AIGW_20",
            "Bot Control in the API web ACL counts the rules that block non-browser clients",
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.details = []
        found = False
        for rule in blocks(conf, "rule"):
            for st in _rule_statements(rule):
                group = block(st, "managed_rule_group_statement")
                if not group or get(group, "name") != BOT_CONTROL:
                    continue
                found = True
                override = block(rule, "override_action")
                if override and block(override, "count") is not None:
                    continue  # the whole group only counts
                if blocks(group, "dynamic"):
                    return CheckResult.UNKNOWN  # overrides not rendered (HCL scan)
                counted = {
                    get(o, "name")
                    for o in blocks(group, "rule_action_override")
                    if block(block(o, "action_to_use"), "count") is not None
                }
                for name in BOT_CONTROL_CLIENT_RULES:
                    if name not in counted:
                        self.details.append(
                            f"rule {get(rule, 'name')!r} runs {BOT_CONTROL} with {name} blocking: "
                            "the OpenAI SDKs and curl get 403"
                        )
        if not found and _has_unrendered_rules(conf):
            return CheckResult.UNKNOWN
        return CheckResult.FAILED if self.details else CheckResult.PASSED


class ManagedBodyRulesOffPrompts(_WebAclCheck):
    """CKV_AIGW_25: managed body rules never block unscoped: they count (and the web ACL
    blocks their labels per route family) or the group has a scope-down statement."""

    def __init__(self) -> None:
        super().__init__(
            "CKV_AIGW_25",
            "Managed rule groups in the API web ACL do not block on the body on every path",
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.details = []
        found = False
        for rule in blocks(conf, "rule"):
            for st in _rule_statements(rule):
                group = block(st, "managed_rule_group_statement")
                name = get(group, "name") if group else None
                if name not in MANAGED_BODY_RULES:
                    continue
                found = True
                override = block(rule, "override_action")
                if override and block(override, "count") is not None:
                    continue  # the whole group only counts
                if block(group, "scope_down_statement") is not None:
                    continue  # the group runs on the paths its scope-down selects
                if blocks(group, "dynamic"):
                    return CheckResult.UNKNOWN  # overrides not rendered (HCL scan)
                counted = {
                    get(o, "name")
                    for o in blocks(group, "rule_action_override")
                    if block(block(o, "action_to_use"), "count") is not None
                }
                blocking = [r for r in MANAGED_BODY_RULES[name] if r not in counted]
                if blocking:
                    self.details.append(
                        f"rule {get(rule, 'name')!r} runs {name} with {', '.join(blocking)} "
                        "blocking on every path: prompts carrying SQL, HTML or shell get 403 "
                        "on the LLM routes"
                    )
        if not found and _has_unrendered_rules(conf):
            return CheckResult.UNKNOWN
        return CheckResult.FAILED if self.details else CheckResult.PASSED


known_bad_inputs = KnownBadInputs()
body_size_rule = BodySizeRule()
bot_control_counts_api_clients = BotControlCountsApiClients()
managed_body_rules_off_prompts = ManagedBodyRulesOffPrompts()
