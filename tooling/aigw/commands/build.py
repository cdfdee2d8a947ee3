"""``aigw build``: deterministic Lambda packages into dist/ (library: aigw.packaging)."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from aigw.commands.common import fail, root_of
from aigw.paths import state_dir


def cmd_build(args: argparse.Namespace) -> int:
    from aigw.packaging import BuildConfig, BuildError, build_all

    root = root_of(args)
    try:
        cfg = BuildConfig(
            src_dir=root / "lambda_src",
            dist_dir=Path(args.dist).resolve() if args.dist else root / "dist",
            cache_dir=state_dir(root) / "build-cache",
            architecture=args.arch,
            python_version=args.python_version,
            pip_args=tuple(args.pip_arg or ()),
        )
        start = time.monotonic()
        report = build_all(cfg, root, only=args.only or None)
    except BuildError as exc:
        return fail(str(exc))
    took = time.monotonic() - start
    for pkg in report.packages:
        state = "built " if pkg.rebuilt else "cached"
        print(f"{state} {pkg.name:<20} {pkg.size:>9} B  sha256={pkg.sha256_base64}")
    print(
        f"{len(report.packages)} package(s), {len(report.rebuilt)} rebuilt in {took:.2f}s; "
        f"manifest {report.manifest_path}{' (updated)' if report.manifest_written else ''}"
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    b = subparsers.add_parser("build", help="build deterministic Lambda packages into dist/")
    b.add_argument(
        "--arch",
        default=os.environ.get("AIGW_LAMBDA_ARCH", "arm64"),
        help="Lambda architecture: arm64 (default) or x86_64",
    )
    b.add_argument(
        "--python-version",
        default=os.environ.get("AIGW_LAMBDA_PYTHON", "3.13"),
        help="Lambda Python version for third-party wheels (default 3.13)",
    )
    b.add_argument("--dist", help="output folder (default: dist/)")
    b.add_argument("--only", action="append", metavar="FUNCTION", help="build only this function")
    b.add_argument("--pip-arg", action="append", help="extra argument for pip (repeatable)")
    b.set_defaults(func=cmd_build)
