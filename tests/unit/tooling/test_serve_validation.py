"""aigw.serve.validation: request bodies checked by jsonschema's Draft4Validator, worded
as API Gateway words them in ``$context.error.validationErrorString``.

The expected strings are the Java json-schema-validator's (java-json-tools,
``validation.properties``), the validator behind API Gateway's models; observed API
Gateway answers read ``[object has missing required properties (["name"])]``,
``[instance value ("x") not found in enum (possible values: ["a","b"])]`` and
``[ECMA 262 regex "..." does not match input string "..."]``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator

from aigw.serve.validation import (
    UNPARSABLE_BODY,
    BodyValidationError,
    BodyValidator,
    parse_body,
    validate_schema,
    validation_error_string,
)

CASES: list[tuple[str, dict[str, Any], Any, str]] = [
    (
        "required",
        {"required": ["model", "messages", "n"]},
        {"n": 1},
        'object has missing required properties (["model","messages"])',
    ),
    (
        "type",
        {"type": "object"},
        "x",
        'instance type (string) does not match any allowed primitive type (allowed: ["object"])',
    ),
    (
        "type number admits integers",
        {"type": "number"},
        "1",
        "instance type (string) does not match any allowed primitive type "
        '(allowed: ["integer","number"])',
    ),
    (
        "type list, in the validator's order",
        {"type": ["string", "null", "array"]},
        True,
        "instance type (boolean) does not match any allowed primitive type "
        '(allowed: ["array","null","string"])',
    ),
    (
        "type integer refuses a decimal",
        {"type": "integer"},
        1.5,
        'instance type (number) does not match any allowed primitive type (allowed: ["integer"])',
    ),
    (
        "enum",
        {"enum": ["a", "b"]},
        "x",
        'instance value ("x") not found in enum (possible values: ["a","b"])',
    ),
    (
        "enum of numbers",
        {"enum": [1, 2]},
        3,
        "instance value (3) not found in enum (possible values: [1,2])",
    ),
    (
        "minimum",
        {"minimum": 1},
        0,
        "numeric instance is lower than the required minimum (minimum: 1, found: 0)",
    ),
    (
        "maximum",
        {"maximum": 2},
        2.5,
        "numeric instance is greater than the required maximum (maximum: 2, found: 2.5)",
    ),
    (
        "exclusiveMinimum",
        {"minimum": 1, "exclusiveMinimum": True},
        1,
        "numeric instance is not strictly greater than the required minimum 1",
    ),
    (
        "exclusiveMaximum",
        {"maximum": 1, "exclusiveMaximum": True},
        1,
        "numeric instance is not strictly lower than the required maximum 1",
    ),
    (
        "minLength",
        {"minLength": 4},
        "foo",
        'string "foo" is too short (length: 3, required minimum: 4)',
    ),
    (
        "maxLength counts code points",
        {"maxLength": 1},
        "\U0001f4a9\U0001f4a9",
        'string "\U0001f4a9\U0001f4a9" is too long (length: 2, maximum allowed: 1)',
    ),
    (
        "minItems",
        {"minItems": 1},
        [],
        "array is too short: must have at least 1 elements but instance has 0 elements",
    ),
    (
        "maxItems",
        {"maxItems": 1},
        [1, 2],
        "array is too long: must have at most 1 elements but instance has 2 elements",
    ),
    (
        "additionalProperties",
        {"properties": {"a": {}}, "patternProperties": {"^x-": {}}, "additionalProperties": False},
        {"a": 1, "x-ok": 1, "zz": 1, "b": 2},
        'object instance has properties which are not allowed by the schema: ["b","zz"]',
    ),
    (
        "pattern",
        {"pattern": "^[a-z]+$"},
        "A1",
        'ECMA 262 regex "^[a-z]+$" does not match input string "A1"',
    ),
]


@pytest.mark.parametrize(
    ("schema", "value", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_keyword_has_the_java_validator_message(
    schema: dict[str, Any], value: Any, message: str
) -> None:
    assert validate_schema(value, schema) == [message]


def test_a_valid_value_has_no_messages() -> None:
    schema = {"type": "object", "required": ["a"], "properties": {"a": {"enum": [1]}}}
    assert validate_schema({"a": 1, "b": "x"}, schema) == []
    assert validate_schema(1.0, {"type": "number", "minimum": 1}) == []


def test_several_messages_join_as_one_bracketed_list() -> None:
    assert validation_error_string(["a", "b (c)"]) == "[a, b (c)]"
    assert validation_error_string(["only"]) == "[only]"


SCHEMA = {
    "type": "object",
    "required": ["model"],
    "properties": {
        "model": {"type": "string"},
        "messages": {
            "type": "array",
            "items": {"type": "object", "required": ["role"]},
        },
        "n": {"type": "integer", "maximum": 2},
        "stop": {"type": "string", "maxLength": 2},
    },
}


def test_errors_at_a_node_stop_the_descent() -> None:
    """A node's own keywords run first; children are only visited while no error has
    been found, as the Java validator does (no deep check)."""
    # The root fails (required): its members are not looked at.
    assert validate_schema({"n": 9, "messages": [{}]}, SCHEMA) == [
        'object has missing required properties (["model"])'
    ]


def test_later_siblings_are_checked_but_not_descended() -> None:
    value = {"model": "m", "messages": [{"role": "u"}, {}, 3], "n": 9, "stop": "long"}
    # Members in name order: messages (an array: its elements in order), then model, n,
    # stop. messages[1] is the first failure; messages[2] is a later sibling (its own
    # keywords run), and so are n and stop, the root's later members.
    assert validate_schema(value, SCHEMA) == [
        'object has missing required properties (["role"])',
        'instance type (integer) does not match any allowed primitive type (allowed: ["object"])',
        "numeric instance is greater than the required maximum (maximum: 2, found: 9)",
        'string "long" is too long (length: 4, maximum allowed: 2)',
    ]


def test_a_later_siblings_children_are_not_checked() -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "string"},
            "b": {"type": "object", "properties": {"c": {"type": "string"}}},
        },
    }
    assert validate_schema({"a": 1, "b": {"c": 1}}, schema) == [
        'instance type (integer) does not match any allowed primitive type (allowed: ["string"])'
    ]


def test_refs_resolve_against_the_documents_components() -> None:
    document = {"components": {"schemas": {"Role": {"enum": ["user"]}}}}
    schema = {"properties": {"role": {"$ref": "#/components/schemas/Role"}}}
    validator = BodyValidator(schema, document)
    assert validator.messages({"role": "user"}) == []
    assert validator.messages({"role": "bot"}) == [
        'instance value ("bot") not found in enum (possible values: ["user"])'
    ]


def test_a_model_that_cannot_be_applied_raises_its_own_error() -> None:
    with pytest.raises(BodyValidationError):
        validate_schema("x", {"pattern": "(unclosed"})
    with pytest.raises(BodyValidationError):
        validate_schema({"a": 1}, {"properties": {"a": {"$ref": "#/nowhere"}}})


@pytest.mark.parametrize("body", [b"", b"{", b"\xff", b'{"a": NaN}', b"[Infinity]", b"nul"])
def test_bodies_that_do_not_parse(body: bytes) -> None:
    assert parse_body(body) == (False, None)
    assert UNPARSABLE_BODY == "[Unknown error parsing request body]"


def test_bodies_that_parse() -> None:
    assert parse_body(b"null") == (True, None)
    assert parse_body(b'{"a": [1, 2.5]}') == (True, {"a": [1, 2.5]})


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["model", "messages", "n", "stop", "role", "x"]) | st.text(max_size=4),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_the_validator_never_raises_and_agrees_with_jsonschema(value: Any) -> None:
    messages = validate_schema(value, SCHEMA)
    assert all(isinstance(m, str) and m for m in messages)
    assert bool(messages) == (not Draft4Validator(SCHEMA).is_valid(value))


def _plane_with_a_validated_route() -> tuple[Any, list[dict[str, Any]]]:
    from aigw import serve

    calls: list[dict[str, Any]] = []

    def function(event: dict[str, Any], timeout_ms: float) -> serve.Result:
        calls.append(event)
        return serve.Result(200, {"content-type": "application/json"}, b"{}")

    doc = {
        "x-amazon-apigateway-request-validators": {"body": {"validateRequestBody": True}},
        "x-amazon-apigateway-gateway-responses": {
            "BAD_REQUEST_BODY": {
                "statusCode": "400",
                "responseTemplates": {
                    "application/json": '{"detail": $context.error.validationErrorString}'
                },
            }
        },
        "components": {"schemas": {"Body": SCHEMA}},
        "paths": {
            "/v1/x": {
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Body"}}
                        }
                    },
                    "x-amazon-apigateway-request-validator": "body",
                    "x-amazon-apigateway-integration": {
                        "type": "aws_proxy",
                        "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                        "arn:aws:lambda:us-east-1:123456789012:function:f/invocations",
                    },
                }
            }
        },
    }
    routes = serve.routes_from_openapi(doc)
    bindings = [serve.Binding(r, function, "f", 1000) for r in routes]
    stage = serve.Stage("api", "v1", "us-east-1", "123456789012")
    return serve.DataPlane(doc, stage, bindings, {}), calls


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64) | JSON.map(lambda v: json.dumps(v).encode()))
def test_any_body_gets_the_function_or_a_400_with_the_error_string(body: bytes) -> None:
    from aigw import serve

    plane, calls = _plane_with_a_validated_route()
    result = plane.dispatch(serve.Incoming("POST", "/v1/x", [], [], body))
    assert result.status in (200, 400)
    assert (result.status == 200) == bool(calls)
    if result.status == 400:
        # The template puts the variable bare: the body is `{"detail": [ ... ]}` text.
        text = result.body.decode()
        assert text.startswith('{"detail": [') and text.endswith("]}")
