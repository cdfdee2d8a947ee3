"""The whole scan: every step in order, one report."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from aigw.paths import state_dir
from aigw.scan.checkov import checkov_binary, run_checkov
from aigw.scan.examples import example_plan_findings
from aigw.scan.findings import Finding, ScanReport, load_policy_docs, rel_path
from aigw.scan.hygiene import config_findings, skip_findings, terraform_findings
from aigw.scan.plans import env_plan_findings, locate_in_source, plan_json, saved_env_plan_json


@dataclass
class ScanOptions:
    dirs: list[Path]
    plans: list[Path] = field(default_factory=list)
    checkov: str | None = None
    terraform: bool = True
    tf: str | None = None
    jobs: int = 2
    checks: list[str] = field(default_factory=list)
    reports_dir: Path | None = None
    example_plans: bool = True
    env_plans: list[str] = field(default_factory=list)


def scan(root: Path, options: ScanOptions) -> ScanReport:
    start = time.monotonic()
    docs = load_policy_docs(root)
    checkov = checkov_binary(root, options.checkov)
    config = root / ".checkov.yaml"
    reports_dir = options.reports_dir or state_dir(root) / "reports"
    findings: list[Finding] = []
    steps: list[str] = []

    findings += skip_findings(root, options.dirs)
    findings += config_findings(root, config)
    steps.append("skip reasons")
    if options.terraform:
        findings += terraform_findings(root, options.tf, options.jobs)
        steps.append("terraform fmt + validate")
    for d in options.dirs:
        findings += run_checkov(root, d, "terraform", checkov, "hcl", docs, options.checks, config)
        steps.append(f"checkov {rel_path(root, d)}")
    if options.example_plans:
        found, notes = example_plan_findings(
            root, checkov, reports_dir, docs, options.checks, options.tf
        )
        findings += found
        steps += notes
    for env in options.env_plans:
        plan = saved_env_plan_json(root, env, reports_dir, options.tf)
        findings += env_plan_findings(
            root, env, plan, checkov, docs, options.checks, config, enrich_from=root
        )
        steps.append(f"checkov plan {rel_path(root, plan)}")
    for target in options.plans:
        plan = plan_json(root, target, reports_dir, options.tf)
        name = target.stem if target.is_file() else target.name
        found = run_checkov(
            root,
            plan,
            "terraform_plan",
            checkov,
            f"plan:{name}",
            docs,
            options.checks,
            config,
            enrich_from=target if target.is_dir() else root,
        )
        if target.is_dir():
            locate_in_source(root, plan, target, found)
        findings += found
        steps.append(f"checkov plan {rel_path(root, plan)}")
    return ScanReport(findings=findings, seconds=time.monotonic() - start, steps=steps)
