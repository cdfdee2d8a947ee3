"""Module README tables in terraform-docs format, generated from the module's own files.

``aigw docs`` rewrites the part of each ``modules/<name>/README.md`` between
``<!-- BEGIN_TF_DOCS -->`` and ``<!-- END_TF_DOCS -->`` (requirements, providers,
modules, resources, inputs, outputs) in the markdown-table layout terraform-docs
writes, so users' terraform-docs pre-commit hooks keep working on the same files.
It also writes ``openapi.json`` next to every example that has an ``openapi_document``
output: the document as Terraform renders it, read from a plan made by ``terraform test``
with a mocked provider (no account, no network). ``aigw docs --check`` only reports
READMEs and documents that are out of date.

The reader below understands the parts of HCL that module interfaces use: top-level
blocks, attributes with any expression (kept as source text), strings with
interpolations, heredocs and comments. Defaults are literal values by Terraform's rules,
and are converted to JSON for the Default column.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aigw.paths import project_root

BEGIN = "<!-- BEGIN_TF_DOCS -->"
END = "<!-- END_TF_DOCS -->"
REGISTRY = "https://registry.terraform.io/providers/hashicorp/{provider}/latest/docs/{kind}/{name}"


class HclError(ValueError):
    """The file uses syntax this reader does not understand (or Terraform failed on it)."""


class MissingInputs(HclError):
    """An example cannot be planned alone: it has required variables."""


class PlanFailed(HclError):
    """``terraform test`` could not plan an example with the mocked provider."""


# -- a small HCL reader ----------------------------------------------------------------------
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_]*)\n")


def _skip_string(text: str, i: int) -> int:
    """``text[i]`` is an opening quote: index after the closing one (interpolations nest)."""
    i += 1
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == '"':
            return i + 1
        if text.startswith("${", i) or text.startswith("%{", i):
            i = _skip_balanced(text, i + 1, "{", "}")
            continue
        i += 1
    raise HclError("unterminated string")


def _skip_heredoc(text: str, i: int) -> int:
    m = _HEREDOC.match(text, i)
    if not m:
        raise HclError("bad heredoc")
    end = re.compile(rf"^[ \t]*{re.escape(m.group(2))}[ \t]*$", re.M).search(text, m.end())
    if not end:
        raise HclError(f"unterminated heredoc {m.group(2)}")
    return end.end()


def _skip_comment(text: str, i: int) -> int | None:
    if text[i] == "#" or text.startswith("//", i):
        j = text.find("\n", i)
        return len(text) if j < 0 else j
    if text.startswith("/*", i):
        j = text.find("*/", i + 2)
        if j < 0:
            raise HclError("unterminated comment")
        return j + 2
    return None


def _skip_balanced(text: str, i: int, open_: str, close: str) -> int:
    """``text[i]`` is ``open_``: index after the matching ``close``."""
    depth = 0
    while i < len(text):
        c = text[i]
        skipped = _skip_comment(text, i)
        if skipped is not None:
            i = skipped
            continue
        if c == '"':
            i = _skip_string(text, i)
            continue
        if text.startswith("<<", i) and _HEREDOC.match(text, i):
            i = _skip_heredoc(text, i)
            continue
        if c in "{[(":
            depth += 1
        elif c in "}])":
            depth -= 1
            if depth == 0:
                if c != close:
                    raise HclError(f"unbalanced {open_}{close}")
                return i + 1
        i += 1
    raise HclError(f"unbalanced {open_}{close}")


def _expression_end(text: str, i: int) -> int:
    """End of an attribute's expression: the newline at bracket depth 0."""
    while i < len(text):
        c = text[i]
        if c == "\n":
            return i
        skipped = _skip_comment(text, i)
        if skipped is not None:
            i = skipped
            continue
        if c == '"':
            i = _skip_string(text, i)
        elif text.startswith("<<", i) and _HEREDOC.match(text, i):
            i = _skip_heredoc(text, i)
        elif c in "{[(":
            i = _skip_balanced(text, i, c, {"{": "}", "[": "]", "(": ")"}[c])
        else:
            i += 1
    return i


@dataclass
class Block:
    type: str
    labels: list[str]
    attributes: dict[str, str] = field(default_factory=dict)  # name -> expression source
    blocks: list[Block] = field(default_factory=list)


def parse_body(text: str) -> Block:
    """Attributes and nested blocks of a body (a file, or the inside of ``{ }``)."""
    body = Block("body", [])
    i = 0
    while i < len(text):
        c = text[i]
        if c.isspace():
            i += 1
            continue
        skipped = _skip_comment(text, i)
        if skipped is not None:
            i = skipped
            continue
        m = _IDENT.match(text, i)
        if not m:
            raise HclError(f"unexpected {text[i : i + 20]!r}")
        name = m.group(0)
        i = m.end()
        while i < len(text) and text[i] in " \t":
            i += 1
        if i < len(text) and text[i] == "=" and not text.startswith("==", i):
            end = _expression_end(text, i + 1)
            body.attributes[name] = text[i + 1 : end].strip()
            i = end
            continue
        labels: list[str] = []
        while i < len(text) and text[i] != "{":
            if text[i] == '"':
                end = _skip_string(text, i)
                labels.append(text[i + 1 : end - 1])
                i = end
            elif text[i].isspace():
                i += 1
            else:
                lm = _IDENT.match(text, i)
                if not lm:
                    raise HclError(f"unexpected {text[i : i + 20]!r} after {name}")
                labels.append(lm.group(0))
                i = lm.end()
        if i >= len(text):
            raise HclError(f"block {name} has no body")
        end = _skip_balanced(text, i, "{", "}")
        inner = parse_body(text[i + 1 : end - 1])
        body.blocks.append(Block(name, labels, inner.attributes, inner.blocks))
        i = end
    return body


# -- literal values (defaults) ------------------------------------------------------------
class _Literal:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0

    def ws(self) -> None:
        while self.i < len(self.text):
            c = self.text[self.i]
            if c in " \t\r\n,":
                self.i += 1
                continue
            skipped = _skip_comment(self.text, self.i)
            if skipped is None:
                return
            self.i = skipped

    def value(self) -> Any:
        self.ws()
        t, i = self.text, self.i
        if i >= len(t):
            raise HclError("missing value")
        c = t[i]
        if c == '"':
            end = _skip_string(t, i)
            raw = t[i + 1 : end - 1]
            if "${" in raw or "%{" in raw:
                raise HclError("template in a literal")
            self.i = end
            return json.loads('"' + raw.replace("\n", "\\n") + '"')
        if t.startswith("<<", i):
            m = _HEREDOC.match(t, i)
            end = _skip_heredoc(t, i)
            lines = t[m.end() : end].splitlines()[:-1]
            if m.group(1):
                indent = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
                lines = [x[indent:] for x in lines]
            self.i = end
            return "\n".join(lines) + "\n"
        if c == "[":
            self.i += 1
            out = []
            while True:
                self.ws()
                if self.text[self.i] == "]":
                    self.i += 1
                    return out
                out.append(self.value())
        if c == "{":
            self.i += 1
            obj: dict[str, Any] = {}
            while True:
                self.ws()
                if self.text[self.i] == "}":
                    self.i += 1
                    return obj
                key = self.value() if self.text[self.i] == '"' else self.ident()
                self.ws()
                if self.text[self.i] not in "=:":
                    raise HclError(f"expected = after {key}")
                self.i += 1
                obj[str(key)] = self.value()
        m = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?").match(t, i)
        if m:
            self.i = m.end()
            return float(m.group(0)) if any(x in m.group(0) for x in ".eE") else int(m.group(0))
        word = self.ident()
        if word in ("true", "false"):
            return word == "true"
        if word == "null":
            return None
        raise HclError(f"not a literal: {word}")

    def ident(self) -> str:
        m = _IDENT.match(self.text, self.i)
        if not m:
            raise HclError(f"unexpected {self.text[self.i : self.i + 20]!r}")
        self.i = m.end()
        return m.group(0)


def literal(text: str) -> Any:
    parser = _Literal(text)
    value = parser.value()
    parser.ws()
    if parser.i != len(text):
        raise HclError(f"trailing text after literal: {text[parser.i :][:20]!r}")
    return value


# -- module interface -----------------------------------------------------------------------
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
            inputs.append(
                Variable(
                    name=b.labels[0],
                    description=_text(b.attributes.get("description")),
                    type=b.attributes.get("type", "any"),
                    default=literal(b.attributes["default"]) if has_default else None,
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


# -- rendering (terraform-docs markdown table layout) ----------------------------------------
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


# -- the OpenAPI document of each example ---------------------------------------------------
EXPORT_TEST = """# Written by aigw docs in a temporary copy: plan with a mocked provider.
mock_provider "aws" {}

run "aigw_export" {
  command = plan
}
"""


def example_plan(root: Path, example: Path, tf: str | None = None) -> dict[str, Any]:
    """The plan of an example made by ``terraform test`` with ``mock_provider "aws"``, in a
    temporary copy of ``modules/`` (the checkout is not touched)."""
    from aigw.terraform import TerraformError, run_tf, tf_env

    modules = root / "modules"
    rel = example.resolve().relative_to(modules.resolve())
    with tempfile.TemporaryDirectory(prefix="aigw-docs-") as tmp:
        copy = Path(tmp) / "modules"
        shutil.copytree(
            modules,
            copy,
            ignore=shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate*"),
        )
        for extra in ("dist", "lambda_src"):
            if (root / extra).exists():
                (Path(tmp) / extra).symlink_to(root / extra)
        work = copy / rel
        shutil.rmtree(work / "tests", ignore_errors=True)
        (work / "tests").mkdir()
        (work / "tests" / "aigw_export.tftest.hcl").write_text(EXPORT_TEST, encoding="utf-8")
        # The provider is mocked; should it not be, never let it look for credentials in
        # the instance metadata service.
        env = tf_env(root, {"AWS_EC2_METADATA_DISABLED": "true"})
        try:
            run_tf(["init", "-backend=false", "-input=false", "-no-color"], work, env, tf)
            proc = run_tf(["test", "-verbose", "-json", "-no-color"], work, env, tf, check=False)
        except TerraformError as exc:
            raise HclError(f"{example}: {exc}") from exc
    for line in proc.stdout.splitlines():
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if message.get("type") == "test_plan":
            return message["test_plan"]
    if "No value for required variable" in proc.stdout:
        raise MissingInputs(f"{example.name} has required variables without defaults")
    errors = []
    for line in proc.stdout.splitlines():
        try:
            diag = json.loads(line).get("diagnostic") or {}
        except ValueError:
            continue
        if diag.get("severity") == "error":
            errors.append(f"{diag.get('summary', '')}: {diag.get('detail', '')}".strip(": "))
    raise PlanFailed(
        f"{example.name}: terraform test could not plan it with a mocked provider: "
        + ("; ".join(errors) or proc.stderr.strip()[-500:] or "no plan reported")
    )


def example_openapi(root: Path, example: Path, tf: str | None = None) -> dict[str, Any] | None:
    """The example's rendered OpenAPI document, or None when it has no known document."""
    if not any('output "openapi_document"' in p.read_text() for p in example.glob("*.tf")):
        return None
    change = (example_plan(root, example, tf).get("output_changes") or {}).get(
        "openapi_document"
    ) or {}
    if change.get("after_unknown") or not isinstance(change.get("after"), str):
        return None
    return json.loads(change["after"])


def export_openapi(root: Path, write: bool = True, tf: str | None = None) -> list[DocsResult]:
    results = []
    for example in sorted((root / "modules").glob("*/examples/*")):
        if not any(example.glob("*.tf")):
            continue
        target = example / "openapi.json"
        try:
            doc = example_openapi(root, example, tf)
        except (MissingInputs, PlanFailed) as exc:
            results.append(DocsResult(target, False, f"not exported: {exc}"))
            continue
        if doc is None:
            continue
        text = json.dumps(doc, indent=2, sort_keys=True) + "\n"
        current = target.read_text(encoding="utf-8") if target.is_file() else ""
        changed = text != current
        if changed and write:
            target.write_text(text, encoding="utf-8")
        results.append(DocsResult(target, changed))
    return results


# -- CLI -------------------------------------------------------------------------------------
def cmd_docs(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve() if getattr(args, "root", None) else project_root()
    modules = [Path(m).resolve() for m in args.modules] or None
    try:
        results = generate(root, modules, write=not args.check)
        if not args.no_openapi and modules is None:
            results += export_openapi(root, write=not args.check, tf=args.tf)
    except HclError as exc:
        print(f"aigw: error: {exc}", file=sys.stderr)
        return 2
    stale = [r for r in results if r.changed]
    for r in results:
        rel = r.readme.relative_to(root) if r.readme.is_relative_to(root) else r.readme
        state = ("stale" if args.check else "updated") if r.changed else "ok"
        if r.note:
            state = "skipped"
        print(f"{state:<8} {rel}" + (f" ({r.note})" if r.note else ""))
    if args.check and stale:
        print("generated docs are out of date: run `aigw docs` (make docs)", file=sys.stderr)
        return 1
    return 0


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "docs",
        help="regenerate module README tables and the examples' OpenAPI documents",
    )
    p.add_argument("modules", nargs="*", help="module directories (default: modules/*)")
    p.add_argument("--check", action="store_true", help="only report stale files (exit 1)")
    p.add_argument("--no-openapi", action="store_true", help="skip the examples' OpenAPI documents")
    p.add_argument("--tf", default=None, help="terraform or tofu (default: $TF or terraform)")
    p.set_defaults(func=cmd_docs)
    return p
