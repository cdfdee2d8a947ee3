"""The scan's reports: readable summary, JUnit XML, SARIF 2.1.0 and the findings as JSON."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import asdict
from pathlib import Path

from aigw import __version__
from aigw.scan.findings import FAILED, PASSED, SKIPPED, Finding, ScanReport

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def format_summary(report: ScanReport) -> str:
    lines = []
    for f in report.failed:
        lines.append(f"FAILED {f.check_id} [{f.source}] {f.resource or '-'} at {f.where}")
        lines.append(f"  what: {f.check_name}")
        for d in f.details:
            lines.append("  detail: " + d.replace("\n", "\n    "))
        if f.why:
            lines.append(f"  why: {f.why}")
        if f.fix:
            lines.append(f"  fix: {f.fix}")
    failed_ids = sorted({f.check_id for f in report.failed})
    lines.append(
        f"scan: {report.count(PASSED)} passed, {report.count(FAILED)} failed, "
        f"{report.count(SKIPPED)} skipped (with reasons) in {report.seconds:.1f}s"
        + (f"; failed checks: {', '.join(failed_ids)}" if failed_ids else "")
    )
    return "\n".join(lines)


def write_junit(report: ScanReport, path: Path) -> Path:
    suites = ET.Element("testsuites", name="aigw scan")
    by_source: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_source.setdefault(f.source, []).append(f)
    for source, items in sorted(by_source.items()):
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=source,
            tests=str(len(items)),
            failures=str(sum(1 for f in items if f.status == FAILED)),
            skipped=str(sum(1 for f in items if f.status == SKIPPED)),
            errors="0",
        )
        for f in items:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"{source}.{f.check_id}",
                name=f"{f.check_id} {f.resource or f.check_name}",
                file=f.file,
                line=str(f.start_line),
            )
            if f.status == FAILED:
                failure = ET.SubElement(
                    case, "failure", type=f.check_id, message=f"{f.check_name} at {f.where}"
                )
                failure.text = "\n".join([*f.details, f"why: {f.why}", f"fix: {f.fix}"])
            elif f.status == SKIPPED:
                ET.SubElement(case, "skipped", message=f.skip_reason or "skipped")
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)
    return path


def sarif_document(report: ScanReport) -> dict:
    reported = [f for f in report.findings if f.status in (FAILED, SKIPPED)]
    rule_ids = sorted({f.check_id for f in reported})
    by_id = {f.check_id: f for f in reported}
    rules = []
    for rid in rule_ids:
        f = by_id[rid]
        rule: dict = {
            "id": rid,
            "name": rid,
            "shortDescription": {"text": f.check_name or rid},
            "fullDescription": {"text": f.why or f.check_name or rid},
            "help": {"text": f.fix or f.check_name or rid},
            "defaultConfiguration": {"level": "error"},
        }
        if f.guideline.startswith(("http://", "https://")):
            rule["helpUri"] = f.guideline
        rules.append(rule)
    index = {rid: i for i, rid in enumerate(rule_ids)}
    results = []
    for f in reported:
        message = f"{f.check_name} ({f.resource or '-'})"
        if f.details:
            message += ": " + "; ".join(f.details)
        result: dict = {
            "ruleId": f.check_id,
            "ruleIndex": index[f.check_id],
            "level": "error",
            "message": {"text": message},
        }
        if f.file:
            physical: dict = {"artifactLocation": {"uri": f.file, "uriBaseId": "SRCROOT"}}
            if f.start_line > 0:
                physical["region"] = {
                    "startLine": f.start_line,
                    "endLine": max(f.start_line, f.end_line),
                }
            result["locations"] = [{"physicalLocation": physical}]
        if f.status == SKIPPED:
            result["suppressions"] = [{"kind": "inSource", "justification": f.skip_reason}]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "aigw-scan",
                        "version": __version__,
                        "informationUri": "https://www.checkov.io/",
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"SRCROOT": {"uri": "file:///"}},
                "results": results,
            }
        ],
    }


def write_sarif(report: ScanReport, path: Path, root: Path | None = None) -> Path:
    doc = sarif_document(report)
    if root is not None:
        doc["runs"][0]["originalUriBaseIds"]["SRCROOT"]["uri"] = root.resolve().as_uri() + "/"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return path


def write_reports(report: ScanReport, root: Path, reports_dir: Path) -> dict[str, Path]:
    reports_dir.mkdir(parents=True, exist_ok=True)
    summary = reports_dir / "scan-summary.txt"
    summary.write_text(format_summary(report) + "\n", encoding="utf-8")
    findings = reports_dir / "scan-findings.json"
    findings.write_text(
        json.dumps([asdict(f) for f in report.findings], indent=1) + "\n", encoding="utf-8"
    )
    return {
        "summary": summary,
        "findings": findings,
        "junit": write_junit(report, reports_dir / "scan-junit.xml"),
        "sarif": write_sarif(report, reports_dir / "scan.sarif", root),
    }
