"""policies/aigw_common.py: how the checks read checkov's configuration (every value wrapped
in a list), tell resolved data from unresolved Terraform expressions, and walk an OpenAPI
document. No checkov needed."""

from __future__ import annotations

import sys

import pytest
from fixture_cases import ROOT

if str(ROOT / "policies") not in sys.path:
    sys.path.append(str(ROOT / "policies"))  # appended: a mutation run's copy comes first

import aigw_common as c


def test_guideline_points_at_the_check_row() -> None:
    assert c.guideline("CKV_AIGW_7") == "docs/policies.md#ckv_aigw_7"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(["x"], "x"), ([["x"]], "x"), ([[1, 2]], [1, 2]), ([], []), ("x", "x"), (None, None)],
)
def test_unwrap(value: object, expected: object) -> None:
    assert c.unwrap(value) == expected


def test_get_unwraps_and_defaults() -> None:
    conf = {"name": ["api"], "empty": [[]]}
    assert c.get(conf, "name") == "api"
    assert c.get(conf, "empty") == []
    assert c.get(conf, "missing", "d") == "d"
    assert c.get(None, "name", "d") == "d"
    assert c.get(["name"], "name") is None


def test_blocks_flattens_checkovs_shapes() -> None:
    a, b = {"n": ["a"]}, {"n": ["b"]}
    assert c.blocks({"rule": [a, b]}, "rule") == [a, b]
    assert c.blocks({"rule": [[a, b]]}, "rule") == [a, b]
    assert c.blocks({"rule": [[a, "x", b]]}, "rule") == [a, b]
    assert c.blocks({"rule": a}, "rule") == [a]
    assert c.blocks({"rule": "x"}, "rule") == []
    assert c.blocks({"rule": ["x"]}, "rule") == []
    assert c.blocks({}, "rule") == [] and c.blocks(None, "rule") == []
    assert c.block({"rule": [a, b]}, "rule") == a
    assert c.block({}, "rule") is None


def test_as_list_flattens_nested_lists() -> None:
    assert c.as_list([["a", ["b", ["c"]]]]) == ["a", "b", "c"]
    assert c.as_list([["a", "b"]]) == ["a", "b"]
    assert c.as_list("a") == ["a"]
    assert c.as_list(None) == [] and c.as_list([None]) == []


@pytest.mark.parametrize(
    "value",
    [
        "${var.x}",
        "prefix-${local.name}",
        "var.x",
        " local.doc",
        "module.m.out",
        "data.aws_iam_policy_document.x.json",
        "each.value",
        "count.index",
        "self.arn",
        "aws_secretsmanager_secret.provider.arn",
        "coalesce(var.log_retention_days,var.access_log_retention_days,365)",
        "try(var.settings.days, 30)",
    ],
)
def test_unresolved_expressions(value: str) -> None:
    assert c.is_expression(value)


@pytest.mark.parametrize(
    "value",
    [
        "arn:aws:secretsmanager:eu-west-1:1:secret:x",
        "variable",
        "*",
        "",
        None,
        5,
        ["${x}"],
        "Lambda (arm64)",
        "f(x) and more",
    ],
)
def test_resolved_values(value: object) -> None:
    assert not c.is_expression(value)


def test_load_document() -> None:
    assert c.load_document({"a": 1}) == {"a": 1}
    assert c.load_document([[1, 2]]) == [1, 2]
    assert c.load_document(['{"a": [1]}']) == {"a": [1]}
    assert c.load_document("  [1, 2] ") == [1, 2]
    assert c.load_document('"text"') is None
    assert c.load_document("plain text") is None
    assert c.load_document("") is None and c.load_document("   ") is None
    assert c.load_document("{not json") is None
    assert c.load_document("${jsonencode(local.x)}") is None
    assert c.load_document(5) is None and c.load_document(None) is None


def test_has_unresolved_looks_inside_documents() -> None:
    assert c.has_unresolved({"a": [{"b": "${var.x}"}]})
    assert c.has_unresolved(["ok", "var.x"])
    assert c.has_unresolved("local.y")
    assert not c.has_unresolved({"a": ["ok", {"b": 1}], "c": None})
    assert not c.has_unresolved([])


def test_operations_walk_every_method_in_path_order() -> None:
    doc = {
        "paths": {
            "/b": {"get": {"id": 1}, "parameters": [], "post": {"id": 2}},
            "/a": {"summary": "s", "x-amazon-apigateway-any-method": {"id": 3}, "put": "x"},
            "/c": "not an item",
            "/d": {"delete": {"id": 4}},
        }
    }
    assert [(p, m) for p, m, _ in c.operations(doc)] == [
        ("/a", "x-amazon-apigateway-any-method"),
        ("/b", "get"),
        ("/b", "post"),
        ("/d", "delete"),
    ]
    assert list(c.operations({"paths": []})) == [] and list(c.operations({})) == []


def test_openapi_body_needs_paths() -> None:
    assert c.openapi_body({"body": ['{"paths": {}}']}) == {"paths": {}}
    assert c.openapi_body({"body": ['{"openapi": "3.0.1"}']}) is None
    assert c.openapi_body({"body": ['{"paths": []}']}) is None
    assert c.openapi_body({"body": ["var.document"]}) is None
    assert c.openapi_body({}) is None


def test_op_name() -> None:
    assert c.op_name("/v1/models", "get") == "GET /v1/models"
    assert c.op_name("/{proxy+}", "x-amazon-apigateway-any-method") == "ANY /{proxy+}"
