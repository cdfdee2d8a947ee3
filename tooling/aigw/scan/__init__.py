"""Compliance scan: terraform fmt/validate, inline-skip hygiene and checkov with the aigw
policy pack, over the HCL of ``modules/`` and ``envs/`` and over plan JSON.

checkov runs from its own virtualenv (``.venv-scan``, built from ``constraints-scan.txt``)
because its pins conflict with the project's; ``--checkov`` or ``$AIGW_CHECKOV`` point
elsewhere. Results become one list of :class:`Finding` and three reports under
``.aigw/reports/``: a readable summary, JUnit XML, SARIF 2.1.0 and the findings as JSON.

One concern per module: ``findings`` (the report's model and the policy docs),
``hygiene`` (skip reasons, terraform fmt/validate), ``checkov`` (running it, reading its
output), ``plans`` (plan JSON and env plans), ``exceptions`` (the local env's sandbox
exceptions), ``examples`` (the examples' mocked plans), ``pipeline`` (the whole scan),
``reports`` (summary, JUnit, SARIF) and ``cli`` (``aigw scan``).
"""

from __future__ import annotations

from aigw.scan.checkov import (
    CHECKOV_TIMEOUT_S,
    _json_documents,
    checkov_binary,
    checkov_env,
    findings_from_checkov,
    run_checkov,
)
from aigw.scan.cli import cmd_scan, register
from aigw.scan.examples import (
    RESOLVED_VALUE_CHECKS,
    RESOLVED_VALUE_RESOURCES,
    example_plan_findings,
    synthesize_plan,
)
from aigw.scan.exceptions import (
    SANDBOX_ENV,
    SANDBOX_EXCEPTIONS,
    SandboxException,
    apply_sandbox_exceptions,
    load_sandbox_exceptions,
)
from aigw.scan.findings import (
    FAILED,
    PASSED,
    POLICY_ROW,
    SKIPPED,
    Finding,
    PolicyDoc,
    ScanError,
    ScanReport,
    load_policy_docs,
    rel_path,
)
from aigw.scan.hygiene import (
    SKIP_COMMENT,
    config_findings,
    skip_findings,
    terraform_findings,
    tf_files,
)
from aigw.scan.pipeline import ScanOptions, scan
from aigw.scan.plans import env_plan_findings, locate_in_source, plan_json, saved_env_plan_json
from aigw.scan.reports import (
    SARIF_SCHEMA,
    format_summary,
    sarif_document,
    write_junit,
    write_reports,
    write_sarif,
)

__all__ = [
    "CHECKOV_TIMEOUT_S",
    "FAILED",
    "PASSED",
    "POLICY_ROW",
    "RESOLVED_VALUE_CHECKS",
    "RESOLVED_VALUE_RESOURCES",
    "SANDBOX_ENV",
    "SANDBOX_EXCEPTIONS",
    "SARIF_SCHEMA",
    "SKIPPED",
    "SKIP_COMMENT",
    "Finding",
    "PolicyDoc",
    "SandboxException",
    "ScanError",
    "ScanOptions",
    "ScanReport",
    "_json_documents",
    "apply_sandbox_exceptions",
    "checkov_binary",
    "checkov_env",
    "cmd_scan",
    "config_findings",
    "env_plan_findings",
    "example_plan_findings",
    "findings_from_checkov",
    "format_summary",
    "load_policy_docs",
    "load_sandbox_exceptions",
    "locate_in_source",
    "plan_json",
    "register",
    "rel_path",
    "run_checkov",
    "sarif_document",
    "saved_env_plan_json",
    "scan",
    "skip_findings",
    "synthesize_plan",
    "terraform_findings",
    "tf_files",
    "write_junit",
    "write_reports",
    "write_sarif",
]
