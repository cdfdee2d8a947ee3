"""modules/ai-gateway's ``llm`` object and modules/llm-route's inputs describe one thing.

ai-gateway passes ``var.llm.<field>`` to llm-route's input of the same meaning. Terraform
drops object attributes a type does not declare, so a field llm-route gained but
ai-gateway's copy lacks is silently lost on the way. Both types are read from the
modules' own files (``aigw.docs``, the project's HCL reader) and compared attribute by
attribute: ai-gateway's ``optional(T, default)`` must be llm-route's ``T`` with
llm-route's default. (envs/_shared declares ``llm`` with ai-gateway's type, generated:
tests/unit/modules/test_env_passthrough.py.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aigw.docs import read_module

REPO = Path(__file__).resolve().parents[3]

# ai-gateway's llm attribute => llm-route input, where the names differ.
RENAMED = {"providers": "providers_config"}


def parse_type(text: str) -> object:
    """An HCL type expression as nested tuples: ("object", {...}), ("map", T), …"""
    tokens = re.findall(r'"(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*|-?[0-9.]+|[(){}\[\],=]', text)
    pos = 0

    def peek() -> str:
        return tokens[pos] if pos < len(tokens) else ""

    def take(expected: str | None = None) -> str:
        nonlocal pos
        tok = tokens[pos]
        if expected is not None and tok != expected:
            raise ValueError(f"expected {expected!r}, got {tok!r} in {text!r}")
        pos += 1
        return tok

    def default_value() -> str:
        # The default's source text, balanced over brackets.
        depth, out = 0, []
        while depth or peek() not in (")", ","):
            tok = take()
            depth += tok in "([{"
            depth -= tok in ")]}"
            out.append(tok)
        return "".join(out)

    def type_expr() -> object:
        name = take()
        if name in ("string", "number", "bool", "any"):
            return name
        take("(")
        if name == "object":
            take("{")
            attrs = {}
            while peek() != "}":
                key = take()
                take("=")
                attrs[key] = type_expr()
                if peek() == ",":
                    take()
            take("}")
            result: object = ("object", attrs)
        elif name == "optional":
            inner = type_expr()
            default = None
            if peek() == ",":
                take()
                default = default_value()
            result = ("optional", inner, default)
        else:  # map, list, set
            result = (name, type_expr())
        take(")")
        return result

    parsed = type_expr()
    assert pos == len(tokens), f"trailing tokens in {text!r}"
    return parsed


def hcl_default(value: object) -> str | None:
    """A variable's default (as aigw.docs reads it) in the token form of default_value()."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if value == {}:
        return "{}"
    return str(value)


def inputs(module: str) -> dict:
    return {v.name: v for v in read_module(REPO / "modules" / module).inputs}


def llm_attributes() -> dict:
    kind, attrs = parse_type(inputs("ai-gateway")["llm"].type)
    assert kind == "object"
    return attrs


def pairs() -> list[tuple[str, str]]:
    route = inputs("llm-route")
    return [(a, RENAMED.get(a, a)) for a in llm_attributes() if RENAMED.get(a, a) in route]


def test_parse_type_reads_nested_optionals():
    assert parse_type(
        "object({ a = optional(map(string), {}), b = list(object({ c = number })) })"
    ) == (
        "object",
        {"a": ("optional", ("map", "string"), "{}"), "b": ("list", ("object", {"c": "number"}))},
    )


def test_every_llm_attribute_is_an_llm_route_input():
    route = inputs("llm-route")
    missing = [a for a in llm_attributes() if RENAMED.get(a, a) not in route]
    assert missing == [], f"ai-gateway's llm has attributes llm-route does not take: {missing}"


@pytest.mark.parametrize(("attribute", "route_input"), pairs(), ids=[p[0] for p in pairs()])
def test_llm_attribute_has_llm_route_type_and_default(attribute, route_input):
    ours = llm_attributes()[attribute]
    theirs = inputs("llm-route")[route_input]
    expected_type = parse_type(theirs.type)
    if isinstance(ours, tuple) and ours[0] == "optional":
        _, ours_type, ours_default = ours
        assert ours_type == expected_type, (
            f"llm.{attribute} is not llm-route's {route_input} type:\n"
            f"{ours_type}\n!=\n{expected_type}"
        )
        assert ours_default == hcl_default(theirs.default), (
            f"llm.{attribute} defaults to {ours_default}, llm-route's {route_input} to "
            f"{hcl_default(theirs.default)}"
        )
    else:
        assert theirs.required, f"llm.{attribute} is required but llm-route's {route_input} is not"
        assert ours == expected_type, (
            f"llm.{attribute} is not llm-route's {route_input} type:\n{ours}\n!=\n{expected_type}"
        )
