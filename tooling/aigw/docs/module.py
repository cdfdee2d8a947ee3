"""A module's interface, as terraform-docs shows it: requirements, providers, module calls,
resources, inputs and outputs, read from its ``.tf`` files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aigw.docs.hcl import Block, HclError, literal, parse_body


@dataclass
class Variable:
    name: str
    description: str
    type: str
    default: Any
    required: bool


@dataclass
class Output:
    name: str
    description: str


@dataclass
class ModuleDoc:
    requirements: dict[str, str]
    providers: dict[str, str]
    modules: list[tuple[str, str, str]]
    resources: list[tuple[str, str, str]]  # (address, kind "resource"/"data source", type)
    inputs: list[Variable]
    outputs: list[Output]


def read_module(directory: Path) -> ModuleDoc:
    blocks: list[Block] = []
    for path in sorted(directory.glob("*.tf")):
        try:
            blocks += parse_body(path.read_text(encoding="utf-8")).blocks
        except HclError as exc:
            raise HclError(f"{path}: {exc}") from exc
    requirements: dict[str, str] = {}
    providers: dict[str, str] = {}
    modules, resources, inputs, outputs = [], [], [], []
    for b in blocks:
        if b.type == "terraform":
            if "required_version" in b.attributes:
                requirements["terraform"] = literal(b.attributes["required_version"])
            for rp in (x for x in b.blocks if x.type == "required_providers"):
                for name, expr in rp.attributes.items():
                    spec = literal(expr)
                    version = spec.get("version", "") if isinstance(spec, dict) else str(spec)
                    requirements[name] = version
                    providers[name] = version
        elif b.type == "variable" and b.labels:
            has_default = "default" in b.attributes
            default = literal(b.attributes["default"]) if has_default else None
            inputs.append(
                Variable(
                    name=b.labels[0],
                    description=_text(b.attributes.get("description")),
                    type=_type_name(b.attributes.get("type"), default),
                    default=default,
                    required=not has_default,
                )
            )
        elif b.type == "output" and b.labels:
            outputs.append(Output(b.labels[0], _text(b.attributes.get("description"))))
        elif b.type in ("resource", "data") and len(b.labels) == 2:
            kind = "resource" if b.type == "resource" else "data source"
            resources.append((f"{b.labels[0]}.{b.labels[1]}", kind, b.labels[0]))
        elif b.type == "module" and b.labels:
            source = _text(b.attributes.get("source"))
            version = _text(b.attributes.get("version")) or "n/a"
            modules.append((b.labels[0], source, version))
    return ModuleDoc(
        requirements=requirements,
        providers=providers,
        modules=sorted(modules),
        resources=sorted(set(resources), key=lambda r: (r[0], r[1])),
        inputs=sorted(inputs, key=lambda v: v.name),
        outputs=sorted(outputs, key=lambda o: o.name),
    )


def _text(expr: str | None) -> str:
    if expr is None:
        return ""
    value = literal(expr)
    return value if isinstance(value, str) else json.dumps(value)


_KINDS = ((bool, "bool"), (str, "string"), ((int, float), "number"), (list, "list"), (dict, "map"))


def _type_name(source: str | None, default: Any) -> str:
    """terraform-docs' Type column: the type's source text; without a type, the kind of the
    default (string, number, bool, list or map), else ``any``."""
    if source is not None:
        return source
    return next((name for kind, name in _KINDS if isinstance(default, kind)), "any")
