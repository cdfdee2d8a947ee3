"""Terraform files read with python-hcl2: blocks, attributes as source text, literals.

Attributes keep the expression's exact source text (as terraform-config-inspect does for a
variable's ``type``, which terraform-docs prints); :func:`literal` turns the source of a
literal expression (a default, a description) into its value by Terraform's rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import hcl2
from hcl2.utils import process_escape_sequences
from lark import Token, Tree
from lark.exceptions import LarkError

# A template sequence that is not escaped ($${ and %%{ stand for a literal ${ and %{).
_TEMPLATE = re.compile(r"(?<!\$)\$\{|(?<!%)%\{")
_NL = "NL_OR_COMMENT"  # the grammar's newline-or-comment terminal
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9._-]*)\r?\n")
_LITERAL_OPTIONS = hcl2.SerializationOptions(
    with_comments=False,
    explicit_blocks=False,
    preserve_heredocs=True,
    preserve_scientific_notation=False,
)


class HclError(ValueError):
    """The file is not valid HCL, or a value is not what the reader expects (or Terraform
    failed on it)."""


@dataclass
class Block:
    type: str
    labels: list[str]
    attributes: dict[str, str] = field(default_factory=dict)  # name -> expression source
    blocks: list[Block] = field(default_factory=list)


def _parse(text: str) -> Tree:
    try:
        return hcl2.parses_to_tree(text)
    except (LarkError, RuntimeError, ValueError) as exc:
        raise HclError(f"not valid HCL: {exc}") from exc


def _source(node: Tree, text: str) -> str:
    """The node's source text, without the newlines and comments the grammar lets an
    expression end with (a binary operation takes them in)."""
    tokens = [t for t in node.scan_values(lambda v: isinstance(v, Token)) if t.type != _NL]
    start = min(t.start_pos for t in tokens)
    return text[start : max(t.end_pos for t in tokens)].rstrip()  # a heredoc ends with \n


def _body(node: Tree, text: str) -> Block:
    body = Block("body", [])
    for child in node.children:
        if not isinstance(child, Tree):
            continue
        if child.data == "attribute":
            name = _source(child.children[0], text)
            body.attributes[name] = _source(child.children[-1], text)
        elif child.data == "block":
            parts = [c for c in child.children if isinstance(c, Tree)]
            names = [_source(c, text) for c in parts if c.data in ("identifier", "string")]
            labels = [n[1:-1] if n.startswith('"') else n for n in names[1:]]
            inner = next((c for c in parts if c.data == "body"), None)
            block = Block(names[0], labels) if inner is None else _body(inner, text)
            block.type, block.labels = names[0], labels
            body.blocks.append(block)
    return body


def parse_body(text: str) -> Block:
    """Attributes and nested blocks of a file (attributes as their source text)."""
    start = _parse(text)
    body = next((c for c in start.children if isinstance(c, Tree) and c.data == "body"), None)
    return Block("body", []) if body is None else _body(body, text)


# -- literal values (defaults, descriptions) --------------------------------------------------
def _heredoc(m: re.Match[str], source: str) -> str:
    lines = source[m.end() :].splitlines()[:-1]  # the last line is the closing marker
    if m.group(1):
        indent = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
        lines = [x[indent:] for x in lines]
    return "".join(line + "\n" for line in lines)


def _string(source: str) -> str:
    """A quoted string (or heredoc) as hcl2 serialises it, without its quotes: its value."""
    if _TEMPLATE.search(source):
        raise HclError(f"template in a literal: {source[:40]!r}")
    # A quoted string cannot hold a raw newline, so `<<MARKER` + newline is a heredoc.
    heredoc = _HEREDOC.match(source)
    text = _heredoc(heredoc, source) if heredoc else process_escape_sequences(source)
    return text.replace("$${", "${").replace("%%{", "%{")


def _value(value: Any) -> Any:
    if isinstance(value, str):
        if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
            return _string(value[1:-1])
        raise HclError(f"not a literal: {value.removeprefix('${').removesuffix('}')}")
    if isinstance(value, dict):
        return {_key(k): _value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_value(v) for v in value]
    return value  # int, float, bool or None


def _key(key: str) -> str:
    return _string(key[1:-1]) if key.startswith('"') and key.endswith('"') else key


def literal(text: str) -> Any:
    """The value of a literal expression's source (strings, numbers, bools, null, lists,
    objects, heredocs); anything that needs evaluating is an :class:`HclError`."""
    try:
        parsed = hcl2.loads(f"v = {text}\n", serialization_options=_LITERAL_OPTIONS)
    except (LarkError, RuntimeError, ValueError) as exc:
        raise HclError(f"not a literal: {text[:40]!r}") from exc
    if set(parsed) != {"v"}:
        raise HclError(f"not a single literal: {text[:40]!r}")
    return _value(parsed["v"])
