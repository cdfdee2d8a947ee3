"""Helpers shared by the aigw checks: reading checkov's resource configuration.

checkov hands a check the resource's arguments with every value wrapped in a list
(``{"name": ["x"], "statement": [{...}, {...}]}``), both for HCL and for plan JSON.
Values that checkov could not resolve stay as Terraform expressions
(``"${local.document}"``, ``"var.x"``). These helpers unwrap values and tell
resolved data from unresolved expressions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

DOCS = "docs/policies.md"

# A reference (var.x, aws_x.y.z, …), an interpolation, or a function call checkov could
# not evaluate (e.g. coalesce(var.a, var.b, 365) when an input defaults to null).
_EXPR = re.compile(
    r"\$\{|^(var|local|module|data|each|count|self)\.|^aws_[a-z0-9_]+\.|^[a-z][a-z0-9_]*\(.*\)$",
    re.S,
)


def guideline(check_id: str) -> str:
    return f"{DOCS}#{check_id.lower()}"


def unwrap(value: Any) -> Any:
    """checkov wraps scalars and lists in a one-element list; take it out."""
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def get(conf: dict[str, Any] | None, key: str, default: Any = None) -> Any:
    if not isinstance(conf, dict) or key not in conf:
        return default
    return unwrap(conf[key])


def blocks(conf: dict[str, Any] | None, key: str) -> list[dict[str, Any]]:
    """Nested blocks (``statement {}``, ``rule {}``) as a list of dicts."""
    if not isinstance(conf, dict):
        return []
    value = conf.get(key)
    if isinstance(value, dict):
        return [value]
    if not isinstance(value, list):
        return []
    out: list[dict[str, Any]] = []
    for item in value:
        item = unwrap(item)
        if isinstance(item, dict):
            out.append(item)
        elif isinstance(item, list):
            out.extend(i for i in item if isinstance(i, dict))
    return out


def block(conf: dict[str, Any] | None, key: str) -> dict[str, Any] | None:
    found = blocks(conf, key)
    return found[0] if found else None


def as_list(value: Any) -> list[Any]:
    value = unwrap(value)
    if value is None:
        return []
    if isinstance(value, list):
        out: list[Any] = []
        for v in value:
            out.extend(as_list(v) if isinstance(v, list) else [v])
        return out
    return [value]


def is_expression(value: Any) -> bool:
    """True when ``value`` is a Terraform expression checkov left unresolved."""
    return isinstance(value, str) and bool(_EXPR.search(value.strip()))


def load_document(value: Any) -> dict[str, Any] | list[Any] | None:
    """A JSON document given as a dict or as a (resolved) JSON string; None when unresolved."""
    value = unwrap(value)
    if isinstance(value, (dict, list)):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or text[0] not in "{[":
        return None
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    return doc if isinstance(doc, (dict, list)) else None


def has_unresolved(value: Any) -> bool:
    """True when any string inside ``value`` is an unresolved Terraform expression."""
    if isinstance(value, dict):
        return any(has_unresolved(v) for v in value.values())
    if isinstance(value, list):
        return any(has_unresolved(v) for v in value)
    return is_expression(value)


HTTP_METHODS = (
    "get",
    "put",
    "post",
    "delete",
    "options",
    "head",
    "patch",
    "trace",
    "x-amazon-apigateway-any-method",
)


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) for every operation of an OpenAPI document."""
    paths = doc.get("paths")
    if not isinstance(paths, dict):
        return
    for path, item in sorted(paths.items()):
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                yield path, method, op


def openapi_body(conf: dict[str, Any]) -> dict[str, Any] | None:
    """The REST API's OpenAPI document, or None when checkov could not resolve ``body``."""
    doc = load_document(get(conf, "body"))
    if not isinstance(doc, dict) or not isinstance(doc.get("paths"), dict):
        return None
    return doc


def op_name(path: str, method: str) -> str:
    verb = "ANY" if method == "x-amazon-apigateway-any-method" else method.upper()
    return f"{verb} {path}"
