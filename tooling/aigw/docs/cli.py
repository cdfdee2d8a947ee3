"""``aigw docs [--check]``: regenerate (or check) the module READMEs, the examples'
OpenAPI documents and the environments' pass-through variables of modules/ai-gateway."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aigw.commands.common import fail, root_of
from aigw.docs import passthrough
from aigw.docs.hcl import HclError
from aigw.docs.openapi import export_openapi
from aigw.docs.tables import generate


def cmd_docs(args: argparse.Namespace) -> int:
    root = root_of(args)
    modules = [Path(m).resolve() for m in args.modules] or None
    try:
        results = generate(root, modules, write=not args.check)
        if passthrough.applies(root) and (
            modules is None or (root / passthrough.MODULE).resolve() in modules
        ):
            results.append(passthrough.generate(root, write=not args.check))
        if not args.no_openapi and modules is None:
            results += export_openapi(root, write=not args.check, tf=args.tf)
    except HclError as exc:
        return fail(str(exc), 2)
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


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "docs",
        help="regenerate module README tables and the examples' OpenAPI documents",
    )
    p.add_argument("modules", nargs="*", help="module directories (default: modules/*)")
    p.add_argument("--check", action="store_true", help="only report stale files (exit 1)")
    p.add_argument("--no-openapi", action="store_true", help="skip the examples' OpenAPI documents")
    p.add_argument("--tf", default=None, help="terraform or tofu (default: $TF or terraform)")
    p.set_defaults(func=cmd_docs)
