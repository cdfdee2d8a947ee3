"""The policy checks' rules on hand-written configurations (checkov's shape: every value in a
list), for what a fixture cannot show well: several problems in one resource, the order of
operations and statements, defaults, and inputs the HCL scan leaves unresolved. Needs
checkov (.venv-scan), like test_policy_checks.py."""

from __future__ import annotations

import json
import sys

import pytest
from fixture_cases import ROOT

pytest.importorskip(
    "checkov", reason="checkov is importable only in .venv-scan (make mutation AREA=policies)"
)
if str(ROOT / "policies") not in sys.path:
    sys.path.append(str(ROOT / "policies"))  # appended: a mutation run's copy comes first

import iam
import lambda_function
import llm_config
import openapi_body
import stage
import stage_cache
import waf
from checkov.common.models.enums import CheckResult

PASSED, FAILED, UNKNOWN = CheckResult.PASSED, CheckResult.FAILED, CheckResult.UNKNOWN
AUTH = {"authz": {"type": "apiKey", "name": "Authorization", "in": "header"}}
LAMBDA = (
    "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:x/invocations"
)
STREAMING = (
    "arn:aws:apigateway:eu-west-1:lambda:path/2021-11-15/functions/arn:aws:lambda:x/"
    "response-streaming-invocations"
)


def run(check, conf: dict) -> tuple[CheckResult, list[str]]:
    check.details = []
    result = check.scan_resource_conf(conf)
    return result, list(check.details)


def body(paths: dict, **top: object) -> dict:
    return {"body": [json.dumps({"openapi": "3.0.1", "paths": paths, **top})]}


# -- CKV_AIGW_1 ------------------------------------------------------------------------------
def test_security_reports_every_insecure_operation_after_a_public_one() -> None:
    doc = body(
        {
            "/a-health": {"get": {"x-aigw-public": True}},
            "/b": {"get": {"security": []}, "post": {"security": [{}, {"nope": []}]}},
            "/c": {"put": {"security": [{"authz": [], "zeta": [], "alpha": []}]}},
            "/d": {"x-amazon-apigateway-any-method": {}},
        },
        components={"securitySchemes": AUTH},
    )
    assert run(openapi_body.operation_security, doc) == (
        FAILED,
        [
            "GET /b: no security requirement (and not marked x-aigw-public)",
            "POST /b: an empty security requirement allows anonymous calls",
            "POST /b: unknown security scheme(s) nope",
            "PUT /c: unknown security scheme(s) alpha, zeta",
            "ANY /d: no security requirement (and not marked x-aigw-public)",
        ],
    )


def test_security_requirement_shapes() -> None:
    doc = body({"/a": {"get": {"security": {"authz": []}}}, "/b": {"get": {"security": ["authz"]}}})
    assert run(openapi_body.operation_security, doc)[1] == [
        "GET /a: no security requirement (and not marked x-aigw-public)",
        "GET /b: an empty security requirement allows anonymous calls",
    ]
    assert run(openapi_body.operation_security, {"body": ["var.document"]}) == (UNKNOWN, [])


# -- CKV_AIGW_2 ------------------------------------------------------------------------------
def test_validator_problems_in_every_operation() -> None:
    doc = body(
        {
            "/a": {"get": {}},
            "/b": {"get": {"x-amazon-apigateway-request-validator": "ghost"}},
            "/c": {"get": {"x-amazon-apigateway-request-validator": "none"}},
            "/d": {"get": {"x-amazon-apigateway-request-validator": "body"}},
        },
        **{
            "x-amazon-apigateway-request-validators": {
                "none": {},
                "body": {"validateRequestBody": True},
            }
        },
    )
    assert run(openapi_body.operation_request_validator, doc)[1] == [
        "GET /a: no x-amazon-apigateway-request-validator",
        "GET /b: request validator 'ghost' is not defined",
        "GET /c: validator 'none' validates neither body nor parameters",
    ]


def test_validators_that_are_not_a_map_define_nothing() -> None:
    doc = body(
        {"/a": {"get": {"x-amazon-apigateway-request-validator": "v"}}},
        **{"x-amazon-apigateway-request-validators": ["v"]},
    )
    assert run(openapi_body.operation_request_validator, doc)[1] == [
        "GET /a: request validator 'v' is not defined"
    ]


# -- CKV_AIGW_3 / CKV_AIGW_4 ------------------------------------------------------------------
def test_streaming_uri_looks_at_every_lambda_proxy_operation() -> None:
    doc = body(
        {
            "/a": {"post": {"x-amazon-apigateway-integration": "not an object"}},
            "/b": {"post": {"x-amazon-apigateway-integration": {"type": "mock"}}},
            "/c": {
                "post": {
                    "x-amazon-apigateway-integration": {
                        "type": "aws_proxy",
                        "uri": "arn:aws:apigateway:eu-west-1:sqs:path/1/q",
                        "responseTransferMode": "STREAM",
                    }
                }
            },
            "/d": {
                "post": {
                    "x-amazon-apigateway-integration": {
                        "type": "aws_proxy",
                        "uri": LAMBDA,
                        "responseTransferMode": "stream",
                    }
                }
            },
            "/e": {
                "post": {"x-amazon-apigateway-integration": {"type": "aws_proxy", "uri": STREAMING}}
            },
        }
    )
    assert run(openapi_body.streaming_uri, doc)[1] == [
        f"POST /d: responseTransferMode STREAM with a buffered invocation URI ({LAMBDA})",
        "POST /e: response-streaming URI without responseTransferMode STREAM",
    ]


def test_a_streaming_operation_after_a_buffered_one_names_every_cache_setting() -> None:
    cache = {"cacheNamespace": "n", "cacheKeyParameters": ["k"]}
    doc = body(
        {
            "/a": {"get": {"x-amazon-apigateway-integration": {"uri": LAMBDA, **cache}}},
            "/b": {
                "post": {
                    "x-amazon-apigateway-integration": {
                        "uri": STREAMING,
                        "responseTransferMode": "STREAM",
                        **cache,
                    }
                }
            },
        }
    )
    assert run(openapi_body.streaming_not_cached, doc)[1] == [
        "POST /b: streaming but sets cacheKeyParameters, cacheNamespace"
    ]


# -- CKV_AIGW_6 / CKV_AIGW_7 ------------------------------------------------------------------
def stmt(**kind: object) -> dict:
    return {key: [value] for key, value in kind.items()}


def size(field: str = "body", op: str | None = "GT") -> dict:
    inner: dict = {"field_to_match": [{field: [{}]}], "size": [65536]}
    if op is not None:
        inner["comparison_operator"] = [op]
    return stmt(size_constraint_statement=inner)


def rule(name: str, statement: dict, action: str = "block") -> dict:
    return {"name": [name], "action": [{action: [{}]}], "statement": [statement]}


def test_nested_statements_are_searched_through_and_or_not() -> None:
    inner = size()
    for combinator in ("and_statement", "or_statement", "not_statement"):
        top = stmt(**{combinator: {"statement": [stmt(byte_match_statement={}), inner]}})
        assert waf._statements(top) == [top, stmt(byte_match_statement={}), inner]
        acl = {"rule": [rule("limit", top)]}
        assert run(waf.body_size_rule, acl) == (PASSED, [])
    assert waf._statements(None) == [] and waf._statements({}) == []


def test_body_size_names_every_near_miss() -> None:
    acl = {
        "rule": [
            rule("watch", size(), action="count"),
            rule("query", stmt(and_statement={"statement": [size("query_string"), size(op="LT")]})),
            rule("no-op", size(op=None)),
        ]
    }
    assert run(waf.body_size_rule, acl) == (
        FAILED,
        [
            "no blocking rule with a size_constraint_statement on the body (GT/GE)",
            "rule 'watch' limits the body size but does not block",
            "rule 'query' limits the size of another field, not the body",
            "rule 'query' compares the body size with LT, not GT/GE",
            "rule 'no-op' compares the body size with no operator, not GT/GE",
        ],
    )


def test_a_rule_that_does_not_block_names_each_of_its_size_limits() -> None:
    top = stmt(or_statement={"statement": [size(), size(op="GE")]})
    assert run(waf.body_size_rule, {"rule": [rule("watch", top, action="count")]})[1] == [
        "no blocking rule with a size_constraint_statement on the body (GT/GE)",
        "rule 'watch' limits the body size but does not block",
        "rule 'watch' limits the body size but does not block",
    ]


def test_a_blocking_size_rule_after_near_misses_in_the_same_rule_passes() -> None:
    top = stmt(and_statement={"statement": [size("uri_path"), size(op="LE"), size(op="ge")]})
    assert run(waf.body_size_rule, {"rule": [rule("limit", top)]}) == (PASSED, [])


def test_rules_the_hcl_scan_cannot_read_leave_known_bad_inputs_undecided() -> None:
    assert waf._has_unrendered_rules({"dynamic": [{"rule": [{}]}]})
    assert waf._has_unrendered_rules({"rule": [{"name": ["var.rule"]}]})
    assert waf._has_unrendered_rules({"rule": [{"name": ["x"]}, {"name": ["rule.value.name"]}]})
    assert not waf._has_unrendered_rules({"dynamic": [{"visibility_config": [{}]}]})
    assert not waf._has_unrendered_rules({"rule": [{"name": ["AWSManagedRulesCommonRuleSet"]}]})
    assert not waf._has_unrendered_rules({"rule": [{}]}) and not waf._has_unrendered_rules({})
    for conf in ({"dynamic": [{"rule": [{}]}]}, {"rule": [{"name": ["var.rule"]}]}):
        assert run(waf.known_bad_inputs, conf) == (UNKNOWN, [])


# -- CKV_AIGW_8 / CKV_AIGW_15 -----------------------------------------------------------------
def test_an_unresolved_access_log_format_is_undecided() -> None:
    conf = {"access_log_settings": [{"format": ["var.access_log_format"]}]}
    assert run(stage.access_log_json, conf) == (UNKNOWN, [])


def test_usage_plan_names_every_missing_block_and_field() -> None:
    assert run(stage.usage_plan_limits, {}) == (
        FAILED,
        [
            "no throttle_settings block (it needs rate_limit and burst_limit)",
            "no quota_settings block (it needs limit and period)",
        ],
    )
    conf = {"throttle_settings": [{}], "quota_settings": [{}]}
    assert run(stage.usage_plan_limits, conf)[1] == [
        "throttle_settings sets no rate_limit and no burst_limit",
        "quota_settings sets no limit and no period",
    ]


# -- CKV_AIGW_27 ------------------------------------------------------------------------------
def test_cached_method_settings_unresolved_or_both_missing() -> None:
    unresolved = {"settings": [{"caching_enabled": ["${var.cache}"]}]}
    assert run(stage_cache.cached_method_settings, unresolved) == (UNKNOWN, [])
    unresolved_key = {
        "settings": [{"caching_enabled": [True], "cache_data_encrypted": ["${var.encrypt}"]}]
    }
    assert run(stage_cache.cached_method_settings, unresolved_key) == (
        FAILED,
        [
            "caching_enabled without require_authorization_for_cache_control = true: "
            "any caller's Cache-Control: max-age=0 invalidates entries"
        ],
    )
    cached = {"settings": [{"caching_enabled": [True]}]}
    assert run(stage_cache.cached_method_settings, cached)[1] == [
        "caching_enabled without cache_data_encrypted = true: "
        "the cached answers are stored unencrypted",
        "caching_enabled without require_authorization_for_cache_control = true: "
        "any caller's Cache-Control: max-age=0 invalidates entries",
    ]
    assert run(stage_cache.cached_method_settings, {}) == (PASSED, [])


# -- CKV_AIGW_9 / CKV_AIGW_10 -----------------------------------------------------------------
def test_json_statements_are_normalised() -> None:
    policy = json.dumps({"Statement": {"Action": "s3:GetObject", "Resource": ["a", "b"]}})
    assert iam.statements_from_json(policy) == [
        {
            "effect": "Allow",
            "actions": ["s3:GetObject"],
            "not_actions": [],
            "resources": ["a", "b"],
            "sid": None,
        }
    ]
    assert iam.statements_from_json("{}") == []
    assert iam.statements_from_json('{"Statement": ["x", {"Sid": "S"}]}')[0]["sid"] == "S"
    assert iam.statements_from_json("var.policy") is None
    doc = {"statement": [{"actions": [["s3:*"]], "resources": [["*"]]}]}
    assert iam.statements_from_document(doc) == [
        {"effect": "Allow", "actions": ["s3:*"], "not_actions": [], "resources": ["*"], "sid": None}
    ]


def test_wildcards_after_a_deny_and_without_a_sid() -> None:
    statements = iam.statements_from_json(
        json.dumps(
            {
                "Statement": [
                    {"Effect": "Deny", "Action": "*", "Resource": "*"},
                    {"Action": "bedrock:*", "Resource": "*"},
                    {"Effect": "allow", "Action": " * ", "Resource": "arn:aws:s3:::b/*"},
                ]
            }
        )
    )
    assert iam.wildcard_problems(statements) == [
        "statement #2 allows bedrock:* on every resource",
        'statement #3 allows every action ("*")',
    ]


def test_every_action_reaches_every_secret_and_table() -> None:
    statements = iam.statements_from_json(
        json.dumps(
            {
                "Statement": [
                    {"Effect": "Deny", "Action": "secretsmanager:*", "Resource": "*"},
                    {"Effect": "Allow", "Action": "*", "Resource": ["*", "arn:aws:s3:::b"]},
                    {
                        "Effect": "Allow",
                        "Action": "secretsmanager:GetSecretValue",
                        "Resource": [
                            "arn:aws:secretsmanager:eu-west-1:1:secret:*",
                            "arn:aws:secretsmanager:eu-west-1:1:secret:-??????",
                        ],
                    },
                ]
            }
        )
    )
    assert iam.scope_problems(statements) == [
        "statement #2 reaches secrets not named one by one: *",
        "statement #2 reaches tables not named one by one: *",
        "statement #3 reaches secrets not named one by one: "
        "arn:aws:secretsmanager:eu-west-1:1:secret:*, "
        "arn:aws:secretsmanager:eu-west-1:1:secret:-??????",
    ]


@pytest.mark.parametrize(
    ("resource", "ok"),
    [
        ("${aws_secretsmanager_secret.provider.arn}", True),
        ("aws_secretsmanager_secret.provider.arn", True),
        ("arn:aws:secretsmanager:eu-west-1:${var.account_id}:${local.secret_path}", True),
        ("arn:aws:secretsmanager:${var.region}:1:secret:${var.name}-??????", True),
        ("arn:aws:secretsmanager:${var.region}:1:secret:*", False),
        ("arn:aws:secretsmanager:eu-west-1:1:secret:aigw/X-key-??????", True),
        ("arn:aws:secretsmanager:eu-west-1:1:secret:aigw/key-*", True),
        ("arn:aws:secretsmanager:eu-west-1:1:secret:aigw/*-key", False),
        ("arn:aws:secretsmanager:eu-west-1:1:secret:aigw/k?y", False),
        ("arn:aws:secretsmanager:eu-west-1:1:*", False),
        ("arn:aws:kms:eu-west-1:1:key/k", True),
        (" * ", False),
    ],
)
def test_secret_resources(resource: str, ok: bool) -> None:
    assert iam._secret_resource_ok(resource) is ok


@pytest.mark.parametrize(
    ("resource", "ok"),
    [
        ("${aws_dynamodb_table.usage.arn}", True),
        ("aws_dynamodb_table.usage.arn", True),
        ("arn:aws:dynamodb:eu-west-1:${var.account_id}:${local.table}", True),
        ("arn:aws:dynamodb:${var.region}:1:table/*", False),
        ("arn:aws:dynamodb:eu-west-1:1:table/aigw-X", True),
        ("arn:aws:dynamodb:eu-west-1:1:table/aigw-usage/index/by-tenant", True),
        ("arn:aws:dynamodb:eu-west-1:1:table/aigw-?", False),
        ("arn:aws:dynamodb:eu-west-1:1:table/", False),
        ("arn:aws:dynamodb:eu-west-1:1:*", False),
        ("arn:aws:s3:::bucket", True),
        ("*", False),
    ],
)
def test_table_resources(resource: str, ok: bool) -> None:
    assert iam._table_resource_ok(resource) is ok


# -- CKV_AIGW_14 / CKV_AIGW_16 ----------------------------------------------------------------
def test_an_unresolved_retention_is_not_judged_but_the_key_still_is() -> None:
    conf = {"retention_in_days": ["var.retention_days"]}
    assert run(lambda_function.log_group_retention_kms, conf) == (
        FAILED,
        ["kms_key_id is not set"],
    )


@pytest.mark.parametrize(
    ("key", "normalised"),
    [("apiKey", "api_key"), ("__API-Key__", "api_key"), ("Client-Secret", "client_secret")],
)
def test_keys_are_normalised_to_snake_case(key: str, normalised: str) -> None:
    assert llm_config._normalise_key(key) == normalised


def test_secret_findings_report_every_key_and_skip_references() -> None:
    doc = {
        "api_key": "inline-1",
        "token": "inline-2",
        "auth_token": "var.upstream_token",
        "password": "${var.password}",
        "nested": [{"Client-Secret": "inline-3"}],
    }
    assert llm_config.secret_findings(doc, "value") == [
        "value.api_key: an inline value under a credential-like key",
        "value.token: an inline value under a credential-like key",
        "value.nested[0].Client-Secret: an inline value under a credential-like key",
    ]
    assert llm_config.secret_findings("nothing here") == []
    assert llm_config.secret_findings({"api_key": "x"}) == [
        "$.api_key: an inline value under a credential-like key"
    ]
