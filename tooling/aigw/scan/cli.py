"""``aigw scan``: the command line over :func:`aigw.scan.scan`."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from aigw.commands.common import fail, root_of
from aigw.paths import state_dir
from aigw.scan.findings import ScanError, rel_path
from aigw.scan.pipeline import ScanOptions, scan
from aigw.scan.reports import format_summary, write_reports


def cmd_scan(args: argparse.Namespace) -> int:
    root = root_of(args)
    dirs = [Path(d).resolve() for d in args.dirs] or [
        d for d in (root / "modules", root / "envs") if d.is_dir()
    ]
    reports_dir = Path(args.reports).resolve() if args.reports else state_dir(root) / "reports"
    options = ScanOptions(
        dirs=dirs,
        plans=[Path(p).resolve() for p in args.plan or []],
        checkov=args.checkov,
        terraform=not args.no_terraform,
        tf=args.tf,
        jobs=args.jobs,
        checks=[c for item in args.check or [] for c in item.split(",") if c],
        reports_dir=reports_dir,
        example_plans=args.example_plans if args.example_plans is not None else not args.dirs,
        env_plans=list(args.env_plan or []),
    )
    from aigw.terraform import TerraformError

    try:
        report = scan(root, options)
    except (ScanError, TerraformError) as exc:
        return fail(str(exc), 2)
    paths = write_reports(report, root, reports_dir)
    for step in report.steps:
        if "skipped" in step:
            print(f"note: {step}")
    print(format_summary(report))
    print("reports: " + ", ".join(rel_path(root, p) for p in paths.values()))
    return 0 if report.ok else 1


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "scan",
        help="compliance scan: fmt, validate, checkov + the aigw policy pack (HCL and plan JSON)",
    )
    p.add_argument("dirs", nargs="*", help="directories to scan (default: modules envs)")
    p.add_argument(
        "--plan",
        action="append",
        metavar="PATH",
        help="also scan plan JSON: a .json file, or a Terraform directory to plan (repeatable)",
    )
    p.add_argument(
        "--env-plan",
        action="append",
        metavar="ENV",
        help="also scan the plan `make plan ENV=<env>` saved (repeatable)",
    )
    p.add_argument("--checkov", help="checkov executable (default: $AIGW_CHECKOV or .venv-scan)")
    p.add_argument(
        "--check", action="append", metavar="IDS", help="run only these check ids (comma list)"
    )
    p.add_argument(
        "--no-terraform", action="store_true", help="skip terraform fmt -check and validate"
    )
    p.add_argument(
        "--example-plans",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="run the body checks on the module examples' mocked plans "
        "(default: on for a full scan, off when directories are given)",
    )
    p.add_argument("--reports", help="report folder (default: .aigw/reports)")
    p.add_argument("--tf", default=os.environ.get("TF", "terraform"), help="terraform or tofu")
    p.add_argument("--jobs", type=int, default=2, help="parallel terraform validate runs")
    p.set_defaults(func=cmd_scan)
