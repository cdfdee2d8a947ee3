"""The resolved-value checks on the module examples' plans (terraform test with a mocked
provider)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from aigw.scan.checkov import run_checkov
from aigw.scan.findings import Finding, PolicyDoc, ScanError, rel_path
from aigw.scan.plans import locate_in_source

# Checks that read only values a mocked plan knows (the OpenAPI body, config documents)
# and report UNKNOWN for anything computed from mocked resources.
RESOLVED_VALUE_CHECKS = (
    "CKV_AIGW_1",
    "CKV_AIGW_2",
    "CKV_AIGW_3",
    "CKV_AIGW_4",
    "CKV_AIGW_16",
    "CKV_AIGW_24",
)
RESOLVED_VALUE_RESOURCES = (
    "aws_api_gateway_rest_api",
    "aws_ssm_parameter",
    "aws_appconfig_hosted_configuration_version",
)


def synthesize_plan(test_plan: dict) -> dict:
    """checkov's terraform_plan input from the plan ``terraform test -json`` reports
    (which has resource changes but no planned_values)."""
    root: dict = {"resources": [], "child_modules": []}
    nodes: dict[str, dict] = {"": root}

    def node(address: str) -> dict:
        if address not in nodes:
            parts = address.split(".")
            parent = ".".join(parts[:-2]) if len(parts) > 2 else ""
            nodes[address] = {"address": address, "resources": [], "child_modules": []}
            node(parent)["child_modules"].append(nodes[address])
        return nodes[address]

    changes = test_plan.get("resource_changes") or []
    for rc in changes:
        change = rc.get("change") or {}
        if change.get("after") is None:
            continue
        resource = {k: rc[k] for k in ("address", "mode", "type", "name", "index") if k in rc}
        resource["provider_name"] = rc.get("provider_name", "registry.terraform.io/hashicorp/aws")
        resource["values"] = change["after"]
        resource["sensitive_values"] = change.get("after_sensitive") or {}
        node(rc.get("module_address", ""))["resources"].append(resource)
    return {
        "format_version": "1.2",
        "terraform_version": "mock",
        "planned_values": {"root_module": root},
        "resource_changes": changes,
        "configuration": {"root_module": {}},
    }


def _declares_checked_resources(directory: Path, depth: int = 0) -> bool:
    """Whether a configuration (or a local module it calls) declares a resource type the
    resolved-value checks read."""
    from aigw.docs import HclError, read_module

    pattern = re.compile(r'resource\s+"(' + "|".join(RESOLVED_VALUE_RESOURCES) + ')"')
    if any(pattern.search(p.read_text()) for p in directory.glob("*.tf")):
        return True
    if depth > 4:
        return False
    try:
        calls = read_module(directory).modules
    except (HclError, OSError):
        return False
    return any(
        _declares_checked_resources((directory / src).resolve(), depth + 1)
        for _, src, _ in calls
        if src.startswith(".")
    )


def example_plan_findings(
    root: Path,
    checkov: str,
    reports_dir: Path,
    docs: dict[str, PolicyDoc],
    checks: Sequence[str],
    tf: str | None,
) -> tuple[list[Finding], list[str]]:
    """The resolved-value checks on every example that renders a REST API or a config
    document, from a mocked plan: what a module computes from its inputs is resolved there
    without any account."""
    from aigw import terraform as t
    from aigw.docs import HclError, example_plan

    wanted = [c for c in RESOLVED_VALUE_CHECKS if not checks or c in checks]
    findings: list[Finding] = []
    notes: list[str] = []
    if not wanted:
        return findings, notes
    # plan JSON (as a path relative to root) -> (example name, example directory, path)
    plans: dict[str, tuple[str, Path, Path]] = {}
    for example in t.example_dirs(root):
        if not _declares_checked_resources(example):
            continue
        name = f"{example.parent.parent.name}/{example.name}"
        try:
            plan = synthesize_plan(example_plan(root, example, tf))
        except HclError as exc:
            # Not a finding: the environments' real plans decide what a mocked plan cannot.
            notes.append(f"example plan {name} skipped: {exc}")
            continue
        reports_dir.mkdir(parents=True, exist_ok=True)
        path = reports_dir / f"example-plan-{name.replace('/', '-')}.json"
        path.write_text(json.dumps(plan), encoding="utf-8")
        plans[rel_path(root, path)] = (name, example, path)
    if not plans:
        return findings, notes
    # One checkov run over every example's plan: its start-up (seconds of CPU) is most of
    # the cost of checking one plan. Each finding names the plan file it came from.
    found = run_checkov(
        root, [p for _, _, p in plans.values()], "terraform_plan", checkov, "example", docs, wanted
    )
    for file, (name, example, path) in plans.items():
        mine = [f for f in found if f.file == file]
        for f in mine:
            f.source = f"example:{name}"
        locate_in_source(root, path, example, mine)
        findings += mine
        notes.append(f"checkov example plan {name}")
    stray = [f for f in found if f.source == "example"]
    if stray:
        raise ScanError(
            "checkov reported findings for files it was not given: "
            + ", ".join(sorted({f.file or "?" for f in stray}))
        )
    return findings, notes
