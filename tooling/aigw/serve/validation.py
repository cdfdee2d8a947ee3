"""Request body validation as API Gateway does it, with API Gateway's messages.

API Gateway validates a body against the method's model (JSON Schema draft 4) and, on
failure, sends the ``BAD_REQUEST_BODY`` gateway response with
``$context.error.validationErrorString`` set to the validator's messages in one bracketed
list: ``[object has missing required properties (["messages"])]``. Those messages are the
ones of the Java ``json-schema-validator`` (java-json-tools, ``validation.properties``);
the list is a Java list's string form, ``[first, second]``.

Validity is decided by the maintained ``jsonschema`` library (``Draft4Validator``); this
module only words each failure as the Java validator does and reports the failures that
validator reports. That validator checks a node's own keywords (alphabetical order),
then, only while no error has been found anywhere, descends into the children (object
members in name order, array elements in index order). So the first failing node's
errors are reported, plus the own-keyword errors of the later siblings of it and of its
ancestors, and nothing below them.

Not modelled: ``format`` (not checked, as before), and ``allOf``, whose failures are
reported as the failing branches' own messages instead of one summary line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft4Validator
from jsonschema.exceptions import ValidationError

UNPARSABLE_BODY = "[Unknown error parsing request body]"

# json-schema-core's NodeType, in its (alphabetical) enum order: the order in which the
# Java validator lists allowed types.
_NODE_TYPES = ("array", "boolean", "integer", "null", "number", "object", "string")


class BodyValidationError(Exception):
    """The model itself cannot be applied (bad regex, unresolvable ``$ref``...)."""


def node_type(value: Any) -> str:
    """The Java validator's name for the type of a parsed JSON value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def json_text(value: Any) -> str:
    """A value as Jackson's ``JsonNode.toString()`` writes it: compact JSON."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _allowed_types(types: Any) -> list[str]:
    names = {types} if isinstance(types, str) else set(types or [])
    if "number" in names:
        names.add("integer")  # the draft 4 digester: "number" admits integers
    return [t for t in _NODE_TYPES if t in names]


@dataclass(frozen=True)
class Failure:
    """One failed keyword at one instance location."""

    path: tuple[str | int, ...]
    keyword: str
    message: str


def _message(keyword: str, schema: Mapping[str, Any], instance: Any, validator: Any) -> str:
    """The Java validator's message for a failed keyword (``validation.properties``)."""
    value = schema.get(keyword)
    if keyword == "type":
        return (
            f"instance type ({node_type(instance)}) does not match any allowed primitive "
            f"type (allowed: {json_text(_allowed_types(value))})"
        )
    if keyword == "enum":
        return (
            f"instance value ({json_text(instance)}) not found in enum "
            f"(possible values: {json_text(value)})"
        )
    if keyword == "required":
        missing = [name for name in value if name not in instance]
        return f"object has missing required properties ({json_text(missing)})"
    if keyword == "additionalProperties":
        props = schema.get("properties") or {}
        patterns = list((schema.get("patternProperties") or {}).keys())
        unwanted = sorted(
            name
            for name in instance
            if name not in props and not any(re.search(p, name) for p in patterns)
        )
        return (
            "object instance has properties which are not allowed by the schema: "
            f"{json_text(unwanted)}"
        )
    if keyword == "minLength":
        return (
            f'string "{instance}" is too short (length: {len(instance)}, required minimum: {value})'
        )
    if keyword == "maxLength":
        return (
            f'string "{instance}" is too long (length: {len(instance)}, maximum allowed: {value})'
        )
    if keyword == "pattern":
        return f'ECMA 262 regex "{value}" does not match input string "{instance}"'
    if keyword == "minimum":
        if instance == value and schema.get("exclusiveMinimum"):
            return (
                "numeric instance is not strictly greater than the required minimum "
                f"{json_text(value)}"
            )
        return (
            "numeric instance is lower than the required minimum "
            f"(minimum: {json_text(value)}, found: {json_text(instance)})"
        )
    if keyword == "maximum":
        if instance == value and schema.get("exclusiveMaximum"):
            return (
                "numeric instance is not strictly lower than the required maximum "
                f"{json_text(value)}"
            )
        return (
            "numeric instance is greater than the required maximum "
            f"(maximum: {json_text(value)}, found: {json_text(instance)})"
        )
    if keyword == "minItems":
        return (
            f"array is too short: must have at least {value} elements "
            f"but instance has {len(instance)} elements"
        )
    if keyword == "maxItems":
        return (
            f"array is too long: must have at most {value} elements "
            f"but instance has {len(instance)} elements"
        )
    if keyword == "uniqueItems":
        return "array must not contain duplicate elements"
    if keyword == "additionalItems":
        allowed = len(schema.get("items") or [])
        return (
            f"schema only allows {allowed} elements in array "
            f"but instance has {len(instance)} elements"
        )
    if keyword == "minProperties":
        return (
            f"object has too few properties (found {len(instance)} "
            f"but schema requires at least {value})"
        )
    if keyword == "maxProperties":
        return (
            f"object has too many properties (found {len(instance)} "
            f"but schema requires at most {value})"
        )
    if keyword == "multipleOf":
        return f"remainder of division is not zero ({json_text(instance)} / {json_text(value)})"
    if keyword == "anyOf":
        return f"instance failed to match at least one required schema among {len(value)}"
    if keyword == "oneOf":
        matched = sum(not any(validator.descend(instance, sub)) for sub in value)
        return (
            f"instance failed to match exactly one schema (matched {matched} out of {len(value)})"
        )
    if keyword == "not":
        return "instance matched a schema which it should not have"
    if keyword == "dependencies":
        return _dependencies_message(value, instance)
    # A keyword the Java validator has no message for: say which one failed.
    return f"instance failed the {keyword!r} constraint"


def _dependencies_message(deps: Mapping[str, Any], instance: Mapping[str, Any]) -> str:
    for name in sorted(deps):
        required = deps[name]
        if name in instance and isinstance(required, list):
            missing = [r for r in required if r not in instance]
            if missing:
                return (
                    f'property "{name}" of object has missing property dependencies '
                    f"(schema requires {json_text(required)}; missing: {json_text(missing)})"
                )
    return "instance failed the 'dependencies' constraint"


def _failures(errors: Iterable[ValidationError], validator: Any) -> list[Failure]:
    seen: set[tuple[Any, ...]] = set()
    out: list[Failure] = []
    for err in errors:
        path = tuple(err.absolute_path)
        keyword = str(err.validator)
        key = (path, keyword, id(err.schema))
        if key in seen:  # draft 4 `required` yields one error per missing name
            continue
        seen.add(key)
        schema = err.schema if isinstance(err.schema, Mapping) else {}
        out.append(Failure(path, keyword, _message(keyword, schema, err.instance, validator)))
    return out


def _reported(failures: list[Failure]) -> list[Failure]:
    """The failures the Java validator reports (see the module docstring)."""
    if not failures:
        return []
    ordered = sorted(failures, key=lambda f: (f.path, f.keyword))
    first = ordered[0].path
    return [
        f
        for f in ordered
        if f.path == first
        or (f.path and len(f.path) - 1 < len(first) and first[: len(f.path) - 1] == f.path[:-1])
    ]


class BodyValidator:
    """One route's model, compiled once; ``$ref`` resolve against the whole document."""

    def __init__(
        self, schema: Mapping[str, Any], document: Mapping[str, Any] | None = None
    ) -> None:
        root = dict(schema)
        # Models point at each other with "#/components/schemas/X" (the OpenAPI import
        # form); carrying the document's components lets those references resolve.
        for key in ("components", "definitions"):
            if document and key in document and key not in root:
                root[key] = document[key]
        self.schema = schema
        self._validator = Draft4Validator(root)

    def messages(self, value: Any) -> list[str]:
        """API Gateway's messages for ``value``, in its order; empty when valid."""
        try:
            errors = list(self._validator.iter_errors(value))
            return [f.message for f in _reported(_failures(errors, self._validator))]
        except Exception as exc:  # noqa: BLE001 - bad regex, Unresolvable $ref, recursion
            raise BodyValidationError(type(exc).__name__) from None


def validate_schema(
    value: Any, schema: Mapping[str, Any], document: Mapping[str, Any] | None = None
) -> list[str]:
    """API Gateway's validation messages for ``value`` against a draft 4 ``schema``."""
    return BodyValidator(schema, document).messages(value)


def validation_error_string(messages: list[str]) -> str:
    """``$context.error.validationErrorString``: a Java list's string form."""
    return "[" + ", ".join(messages) + "]"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_body(body: bytes) -> tuple[bool, Any]:
    """``(True, value)`` for a JSON body; ``(False, None)`` when it does not parse.

    An empty body does not parse either, as API Gateway reports it
    (``[Unknown error parsing request body]``). ``NaN``/``Infinity`` are not JSON.
    """
    if not body:
        return False, None
    try:
        return True, json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False, None
