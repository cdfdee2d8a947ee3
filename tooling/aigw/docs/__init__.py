"""Module README tables in terraform-docs format, generated from the module's own files.

``aigw docs`` rewrites the part of each ``modules/<name>/README.md`` between
``<!-- BEGIN_TF_DOCS -->`` and ``<!-- END_TF_DOCS -->`` (requirements, providers,
modules, resources, inputs, outputs) in the markdown-table layout terraform-docs
writes, so users' terraform-docs pre-commit hooks keep working on the same files.
It also writes ``openapi.json`` next to every example that has an ``openapi_document``
output: the document as Terraform renders it, read from a plan made by ``terraform test``
with a mocked provider (no account, no network). ``aigw docs --check`` only reports
READMEs and documents that are out of date.

The ``.tf`` files are parsed with python-hcl2 (``hcl``): attributes keep their source
text, as terraform-docs shows a variable's type; defaults are literal values by
Terraform's rules, converted to JSON for the Default column. ``module`` reads a module's
interface, ``tables`` renders and writes the READMEs, ``openapi`` exports the examples'
documents and ``cli`` is ``aigw docs``.
"""

from __future__ import annotations

from aigw.docs.cli import cmd_docs, register
from aigw.docs.hcl import Block, HclError, literal, parse_body
from aigw.docs.module import ModuleDoc, Output, Variable, read_module
from aigw.docs.openapi import (
    EXPORT_TEST,
    MissingInputs,
    PlanFailed,
    example_openapi,
    example_plan,
    export_openapi,
)
from aigw.docs.tables import BEGIN, END, REGISTRY, DocsResult, generate, render, updated_readme

__all__ = [
    "BEGIN",
    "END",
    "EXPORT_TEST",
    "REGISTRY",
    "Block",
    "DocsResult",
    "HclError",
    "MissingInputs",
    "ModuleDoc",
    "Output",
    "PlanFailed",
    "Variable",
    "cmd_docs",
    "example_openapi",
    "example_plan",
    "export_openapi",
    "generate",
    "literal",
    "parse_body",
    "read_module",
    "register",
    "render",
    "updated_readme",
]
