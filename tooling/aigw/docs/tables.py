"""Module README tables in terraform-docs' markdown-table layout, between the
``<!-- BEGIN_TF_DOCS -->`` and ``<!-- END_TF_DOCS -->`` markers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from aigw.docs.module import ModuleDoc, Variable, read_module

BEGIN = "<!-- BEGIN_TF_DOCS -->"
END = "<!-- END_TF_DOCS -->"
REGISTRY = "https://registry.terraform.io/providers/hashicorp/{provider}/latest/docs/{kind}/{name}"


def _esc(name: str) -> str:
    return name.replace("_", "\\_")


def _cell(text: str) -> str:
    return text.strip().replace("|", "\\|").replace("\n", "<br/>")


def _code(text: str) -> str:
    text = text.strip()
    if "\n" in text:
        return "<pre>" + text.replace("|", "\\|").replace("\n", "<br/>") + "</pre>"
    return f"`{text}`"


def _default(var: Variable) -> str:
    if var.required:
        return "n/a"
    value = var.default
    if isinstance(value, (dict, list)) and value:
        return _code(json.dumps(value, indent=2))
    return _code(json.dumps(value))


def _link(provider_type: str, kind: str) -> str:
    provider, _, name = provider_type.partition("_")
    folder = "resources" if kind == "resource" else "data-sources"
    return REGISTRY.format(provider=provider, kind=folder, name=name)


def render(doc: ModuleDoc) -> str:
    out: list[str] = ["## Requirements", ""]
    if doc.requirements:
        out += ["| Name | Version |", "|------|---------|"]
        order = sorted(doc.requirements, key=lambda n: (n != "terraform", n))
        out += [
            f'| <a name="requirement_{n}"></a> [{_esc(n)}](#requirement\\_{_esc(n)}) | '
            f"{_cell(doc.requirements[n])} |"
            for n in order
        ]
    else:
        out.append("No requirements.")
    out += ["", "## Providers", ""]
    if doc.providers:
        out += ["| Name | Version |", "|------|---------|"]
        out += [
            f'| <a name="provider_{n}"></a> [{_esc(n)}](#provider\\_{_esc(n)}) | {_cell(v)} |'
            for n, v in sorted(doc.providers.items())
        ]
    else:
        out.append("No providers.")
    out += ["", "## Modules", ""]
    if doc.modules:
        out += ["| Name | Source | Version |", "|------|--------|---------|"]
        out += [
            f'| <a name="module_{n}"></a> [{_esc(n)}](#module\\_{_esc(n)}) | {s} | {v} |'
            for n, s, v in doc.modules
        ]
    else:
        out.append("No modules.")
    out += ["", "## Resources", ""]
    if doc.resources:
        out += ["| Name | Type |", "|------|------|"]
        out += [
            f"| [{address}]({_link(rtype, kind)}) | {kind} |"
            for address, kind, rtype in doc.resources
        ]
    else:
        out.append("No resources.")
    out += ["", "## Inputs", ""]
    if doc.inputs:
        out += [
            "| Name | Description | Type | Default | Required |",
            "|------|-------------|------|---------|:--------:|",
        ]
        out += [
            f'| <a name="input_{v.name}"></a> [{_esc(v.name)}](#input\\_{_esc(v.name)}) | '
            f"{_cell(v.description)} | {_code(v.type)} | {_default(v)} | "
            f"{'yes' if v.required else 'no'} |"
            for v in doc.inputs
        ]
    else:
        out.append("No inputs.")
    out += ["", "## Outputs", ""]
    if doc.outputs:
        out += ["| Name | Description |", "|------|-------------|"]
        out += [
            f'| <a name="output_{o.name}"></a> [{_esc(o.name)}](#output\\_{_esc(o.name)}) | '
            f"{_cell(o.description)} |"
            for o in doc.outputs
        ]
    else:
        out.append("No outputs.")
    return "\n".join(out) + "\n"


def updated_readme(readme: str, tables: str, title: str) -> str:
    """The README with the generated part replaced (markers appended when missing)."""
    block = f"{BEGIN}\n{tables}{END}"
    if BEGIN in readme and END in readme:
        head, rest = readme.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        return head + block + tail
    if not readme.strip():
        readme = f"# {title}\n"
    return readme.rstrip("\n") + "\n\n" + block + "\n"


@dataclass
class DocsResult:
    readme: Path
    changed: bool
    note: str = ""


def generate(root: Path, modules: list[Path] | None = None, write: bool = True) -> list[DocsResult]:
    dirs = (
        modules
        if modules is not None
        else sorted(d for d in (root / "modules").glob("*") if any(d.glob("*.tf")))
    )
    results = []
    for d in dirs:
        readme = d / "README.md"
        current = readme.read_text(encoding="utf-8") if readme.is_file() else ""
        new = updated_readme(current, render(read_module(d)), d.name)
        changed = new != current
        if changed and write:
            readme.write_text(new, encoding="utf-8")
        results.append(DocsResult(readme, changed))
    return results
