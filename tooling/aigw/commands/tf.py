"""``aigw tf fmt-check|validate|test`` over every module, example and env (library:
aigw.terraform)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from aigw.commands.common import fail, root_of
from aigw.paths import project_root


def _report(results, label: str) -> int:
    root = project_root()
    failed = [r for r in results if not r.ok]
    for r in results:
        rel = r.directory.relative_to(root) if r.directory.is_relative_to(root) else r.directory
        print(f"{'ok  ' if r.ok else 'FAIL'} {label:<8} {rel} ({r.seconds:.1f}s)")
    for r in failed:
        print(f"\n--- {r.directory} ---\n{r.output.strip()}", file=sys.stderr)
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


def cmd_tf(args: argparse.Namespace) -> int:
    from aigw import terraform as t

    root = root_of(args)
    try:
        if args.action == "fmt-check":
            res = t.fmt_check(root, args.tf)
            if not res.ok:
                print("terraform fmt would change:\n" + res.output, file=sys.stderr)
                print("run `make fmt` to fix", file=sys.stderr)
            return 0 if res.ok else 1
        if args.action == "validate":
            dirs = [Path(d).resolve() for d in args.dirs] or t.all_config_dirs(root)
            if args.skip_tested:
                # `terraform test` validates a module before it runs; no need to do it twice.
                tested = set(t.tested_module_dirs(root))
                dirs = [d for d in dirs if d not in tested]
            return _report(t.validate_dirs(root, dirs, args.tf, args.jobs), "validate")
        dirs = [Path(d).resolve() for d in args.dirs] or t.tested_module_dirs(root)
        return _report(t.test_dirs(root, dirs, args.tf, args.jobs), "test")
    except t.TerraformError as exc:
        return fail(str(exc))


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    tf = subparsers.add_parser("tf", help="fmt-check, validate or test every module/example/env")
    tf_actions = tf.add_subparsers(dest="action", required=True, metavar="ACTION")
    tf_common = argparse.ArgumentParser(add_help=False)
    tf_common.add_argument(
        "--tf", default=os.environ.get("TF", "terraform"), help="terraform or tofu"
    )
    tf_common.add_argument("--jobs", type=int, default=2, help="directories at a time (default 2)")
    tf_dirs = argparse.ArgumentParser(add_help=False)
    tf_dirs.add_argument("dirs", nargs="*", help="directories (default: all)")
    tf_actions.add_parser(
        "fmt-check", parents=[tf_common], help="terraform fmt -check, recursively"
    )
    tfv = tf_actions.add_parser(
        "validate", parents=[tf_common, tf_dirs], help="init -backend=false + validate"
    )
    tfv.add_argument(
        "--skip-tested",
        action="store_true",
        help="skip modules that have terraform tests (make test runs those)",
    )
    tf_actions.add_parser("test", parents=[tf_common, tf_dirs], help="terraform test per module")
    tf.set_defaults(func=cmd_tf, dirs=[], skip_tested=False)
