"""aigw docs: reading module interfaces from HCL and writing terraform-docs tables."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aigw import docs

ROOT = Path(__file__).resolve().parents[3]

VARIABLES = r"""
# A comment with { braces } and "quotes" must not confuse the reader.
variable "name" {
  description = "Name of the API (used in \"every\" resource name)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name: lowercase letters, digits and '-' (e.g. ${"aigw"}-prod)."
  }
}

variable "tiers" {
  description = <<-EOT
    Usage-plan tiers.
    One per line | pipes are escaped.
  EOT
  type = map(object({
    throttle = optional(object({ rate_limit = number, burst_limit = number }))
    quota    = optional(object({ limit = number, period = optional(string, "MONTH") }))
  }))
  default = {
    free = { quota = { limit = 1000, period = "DAY" } }
  }
  nullable = false
}

variable "tags" {
  description = "Tags." /* trailing comment */
  type        = map(string)
  default     = {}
}

variable "retention" {
  description = "Days."
  type        = number
  default     = 30 // comment
}

variable "kms_key_arn" {
  description = "Existing key."
  type        = string
  default     = null
}

variable "loose" {
  description = "No type given."
  default     = ["a", "b"]
}

variable "untyped" {
  description = "Neither type nor default."
}
"""

OUTPUTS = """
output "rest_api_id" {
  description = "ID of the REST API."
  value       = try(aws_api_gateway_rest_api.this[0].id, null)
}

output "openapi" {
  description = "The rendered document."
  value       = jsonencode({ a = "b", c = [for x in ["y"] : "${x}}"] })
  sensitive   = false
}
"""

MAIN = """
terraform {
  required_version = ">= 1.7"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100"
    }
  }
}

data "aws_region" "current" {}

resource "aws_api_gateway_rest_api" "this" {
  count = var.create ? 1 : 0
  name  = "${var.name}-api"
  body  = <<EOT
{"openapi": "3.0.1", "paths": {}}
EOT
}

module "waf" {
  source = "../waf"
}
"""


@pytest.fixture
def module(tmp_path: Path) -> Path:
    d = tmp_path / "modules" / "demo"
    d.mkdir(parents=True)
    (d / "variables.tf").write_text(VARIABLES)
    (d / "outputs.tf").write_text(OUTPUTS)
    (d / "main.tf").write_text(MAIN)
    return d


def test_module_interface_is_read_from_hcl(module: Path) -> None:
    doc = docs.read_module(module)
    inputs = {v.name: v for v in doc.inputs}
    assert list(inputs) == ["kms_key_arn", "loose", "name", "retention", "tags", "tiers", "untyped"]
    assert inputs["name"].required and inputs["name"].type == "string"
    assert inputs["name"].description == 'Name of the API (used in "every" resource name).'
    assert inputs["tiers"].description == "Usage-plan tiers.\nOne per line | pipes are escaped.\n"
    assert inputs["tiers"].type.startswith("map(object({\n")
    assert inputs["tiers"].default == {"free": {"quota": {"limit": 1000, "period": "DAY"}}}
    assert (inputs["retention"].default, inputs["tags"].default) == (30, {})
    assert inputs["kms_key_arn"].default is None and not inputs["kms_key_arn"].required
    # Without a type, terraform-docs names the kind of the default, else "any".
    assert (inputs["loose"].type, inputs["loose"].default) == ("list", ["a", "b"])
    assert (inputs["untyped"].type, inputs["untyped"].required) == ("any", True)
    assert [o.name for o in doc.outputs] == ["openapi", "rest_api_id"]
    assert doc.requirements == {"terraform": ">= 1.7", "aws": ">= 5.100"}
    assert doc.resources == [
        ("aws_api_gateway_rest_api.this", "resource", "aws_api_gateway_rest_api"),
        ("aws_region.current", "data source", "aws_region"),
    ]
    assert doc.modules == [("waf", "../waf", "n/a")]


def test_tables_use_the_terraform_docs_layout(module: Path) -> None:
    text = docs.render(docs.read_module(module))
    assert (
        '| <a name="requirement_terraform"></a> [terraform](#requirement\\_terraform) | >= 1.7 |'
        in text
    )
    assert (
        '| <a name="input_kms_key_arn"></a> [kms\\_key\\_arn](#input\\_kms\\_key\\_arn) | '
        "Existing key. | `string` | `null` | no |"
    ) in text
    assert '| <a name="input_name"></a> [name](#input\\_name) |' in text
    assert "| `string` | n/a | yes |" in text
    assert "Usage-plan tiers.<br/>One per line \\| pipes are escaped. |" in text
    assert "<pre>map(object({<br/>" in text
    assert '<pre>{<br/>  "free": {<br/>' in text
    assert (
        "| [aws_region.current](https://registry.terraform.io/providers/hashicorp/aws/latest/"
        "docs/data-sources/region) | data source |"
    ) in text
    assert '| <a name="module_waf"></a> [waf](#module\\_waf) | ../waf | n/a |' in text
    sections = [line for line in text.splitlines() if line.startswith("## ")]
    assert sections == [
        "## Requirements",
        "## Providers",
        "## Modules",
        "## Resources",
        "## Inputs",
        "## Outputs",
    ]


def test_only_the_marked_part_of_a_readme_is_rewritten() -> None:
    readme = (
        "# demo\n\nHand-written usage.\n\n<!-- BEGIN_TF_DOCS -->\nold\n<!-- END_TF_DOCS -->\n"
        "\nFooter.\n"
    )
    new = docs.updated_readme(readme, "## Inputs\n\nNo inputs.\n", "demo")
    assert new == (
        "# demo\n\nHand-written usage.\n\n<!-- BEGIN_TF_DOCS -->\n## Inputs\n\nNo inputs.\n"
        "<!-- END_TF_DOCS -->\n\nFooter.\n"
    )


def test_markers_are_added_when_missing() -> None:
    new = docs.updated_readme("# demo\n\nUsage.\n", "T\n", "demo")
    assert new == "# demo\n\nUsage.\n\n<!-- BEGIN_TF_DOCS -->\nT\n<!-- END_TF_DOCS -->\n"


def _run(argv: list[str], root: Path) -> int:
    parser = argparse.ArgumentParser(prog="aigw")
    parser.add_argument("--root")
    docs.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["--root", str(root), *argv])
    return int(args.func(args))


def test_check_reports_a_stale_readme_and_docs_fixes_it(module: Path, capsys) -> None:
    root = module.parents[1]
    (module / "README.md").write_text("# demo\n\n<!-- BEGIN_TF_DOCS -->\n<!-- END_TF_DOCS -->\n")
    assert _run(["docs", "--check"], root) == 1
    assert "stale    modules/demo/README.md" in capsys.readouterr().out
    assert "<!-- BEGIN_TF_DOCS -->\n<!-- END_TF_DOCS -->" in (module / "README.md").read_text()
    assert _run(["docs"], root) == 0
    assert _run(["docs", "--check"], root) == 0
    # A new variable makes the README stale again.
    with (module / "variables.tf").open("a") as fh:
        fh.write('\nvariable "extra" {\n  description = "New."\n  type = bool\n}\n')
    assert _run(["docs", "--check"], root) == 1


def test_unreadable_hcl_is_an_error_not_a_wrong_table(module: Path, capsys) -> None:
    (module / "broken.tf").write_text('variable "x" {\n  description = "unterminated\n')
    assert _run(["docs", "--check"], module.parents[1]) == 2
    assert "broken.tf" in capsys.readouterr().err


def test_defaults_must_be_literals() -> None:
    with pytest.raises(docs.HclError):
        docs.literal("var.other")
    assert docs.literal('{ "a.b" = [1, 2.5, true], c : "x" }') == {"a.b": [1, 2.5, True], "c": "x"}


@pytest.mark.parametrize(
    ("source", "value"),
    [
        (r'"tab\tquote\"back\\slash\u00e9"', 'tab\tquote"back\\slashé'),
        ('"$${not} %%{a} template"', "${not} %{a} template"),
        ('<<EOT\n{"a": "\\n"}\n  kept\nEOT', '{"a": "\\n"}\n  kept\n'),
        ("<<-EOT\n    one\n      two\n  EOT", "one\n  two\n"),
        ("<<EOT\nEOT", ""),
        ("null", None),
        ("-1.5e2", -150.0),
        ('"x" # a comment', "x"),
        ('"<<EOT is not a heredoc"', "<<EOT is not a heredoc"),
    ],
)
def test_literals_follow_terraform(source: str, value: object) -> None:
    assert docs.literal(source) == value


@pytest.mark.parametrize(
    "source",
    [
        '"${var.a}-b"',
        '"%${var.a}"',
        '"%{if true}x%{endif}"',
        "<<EOT\n${var.a}\nEOT",
        "[for x in [1] : x]",
        "1\nb = 2",
    ],
)
def test_templates_and_expressions_are_not_literals(source: str) -> None:
    with pytest.raises(docs.HclError):
        docs.literal(source)


def test_attributes_keep_their_source_without_trailing_comments() -> None:
    body = docs.parse_body(
        'module "m" {\n  a = false # why\n  b = var.x && var.y\n\n  # next\n'
        "  c = <<EOT\nz\nEOT\n}\n"
    )
    assert body.blocks[0].attributes == {"a": "false", "b": "var.x && var.y", "c": "<<EOT\nz\nEOT"}


@given(st.text(alphabet=st.sampled_from(list('ab =_{}[]()"$%<>#/*\\\n.,:-0EOT')), max_size=60))
@settings(max_examples=300, deadline=None)
def test_any_text_is_read_or_refused_with_hcl_error(text: str) -> None:
    """Whatever the text, the reader returns a result or raises HclError, nothing else."""
    try:
        assert isinstance(docs.parse_body(text), docs.Block)
    except docs.HclError:
        pass
    try:
        docs.literal(text)
    except docs.HclError:
        pass
