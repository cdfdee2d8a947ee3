"""Unit tests of aigw.scan: reading checkov's output, skip hygiene, policy docs and the
three report formats (no checkov, no terraform)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from aigw import scan

ROOT = Path(__file__).resolve().parents[3]


def _checkov_item(check_id: str, path: Path, **extra) -> dict:
    item = {
        "check_id": check_id,
        "check_name": f"name of {check_id}",
        "check_result": {"result": "FAILED"},
        "file_path": "/main.tf",
        "file_abs_path": str(path),
        "file_line_range": [3, 9],
        "resource": "aws_lambda_function.this",
        "guideline": None,
        "details": [],
    }
    item.update(extra)
    return item


def test_policy_docs_are_read_from_the_table() -> None:
    docs = scan.load_policy_docs(ROOT)
    assert "CKV_AIGW_1" in docs
    assert "x-aigw-public" in docs["CKV_AIGW_1"].what
    assert docs["CKV_AIGW_11"].fix.startswith("Leave `reserved_concurrent_executions` unset")


def test_policy_docs_ignore_rows_of_other_shapes(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "policies.md").write_text(
        "| ID | What | Why | How to fix |\n"
        "| CKV_AIGW_7 | w | y | f |\n"
        "| CKV_AIGW_8 | only two | cells |\n"
    )
    docs = scan.load_policy_docs(tmp_path)
    assert docs == {"CKV_AIGW_7": scan.PolicyDoc("CKV_AIGW_7", "w", "y", "f")}


def test_skip_without_reason_fails_and_with_reason_passes(tmp_path: Path) -> None:
    (tmp_path / "a.tf").write_text(
        'resource "x" "y" {\n'
        "  #checkov:skip=CKV_AWS_1:the sandbox has no VPC\n"
        "  #checkov:skip=CKV_AWS_2\n"
        "  #checkov:skip=CKV_AWS_3:  \n"
        "}\n"
    )
    found = scan.skip_findings(tmp_path, [tmp_path])
    assert [(f.resource, f.status, f.start_line) for f in found] == [
        ("skip of CKV_AWS_1", "passed", 2),
        ("skip of CKV_AWS_2", "failed", 3),
        ("skip of CKV_AWS_3", "failed", 4),
    ]
    assert found[0].skip_reason == "the sandbox has no VPC"


def test_skip_scan_ignores_terraform_working_dirs(tmp_path: Path) -> None:
    cache = tmp_path / ".terraform" / "modules" / "m"
    cache.mkdir(parents=True)
    (cache / "main.tf").write_text("#checkov:skip=CKV_AWS_2\n")
    assert scan.skip_findings(tmp_path, [tmp_path]) == []


def test_every_skip_in_the_repository_has_a_reason() -> None:
    found = scan.skip_findings(ROOT, [ROOT / "modules", ROOT / "envs"])
    missing = [f"{f.file}:{f.start_line}" for f in found if f.status == "failed"]
    assert missing == []


def test_concatenated_checkov_json_documents_are_all_read() -> None:
    text = '{"check_type": "terraform"}\n[{"check_type": "a"}, {"check_type": "b"}]\n'
    assert [d["check_type"] for d in scan._json_documents(text)] == ["terraform", "a", "b"]


def test_checkov_results_become_findings_with_docs(tmp_path: Path) -> None:
    tf = tmp_path / "main.tf"
    tf.write_text("")
    docs = {"CKV_AIGW_11": scan.PolicyDoc("CKV_AIGW_11", "what", "because", "do this")}
    report = {
        "check_type": "terraform",
        "results": {
            "passed_checks": [_checkov_item("CKV_AWS_50", tf)],
            "failed_checks": [
                _checkov_item("CKV_AIGW_11", tf, details=["reserved is None"]),
                _checkov_item("CKV_AIGW_11", tf, details=["reserved is None"]),  # duplicate
            ],
            "skipped_checks": [
                _checkov_item(
                    "CKV_AWS_117",
                    tf,
                    check_result={"result": "SKIPPED", "suppress_comment": "no VPC here"},
                )
            ],
            "parsing_errors": [str(tmp_path / "broken.tf")],
        },
    }
    found = scan.findings_from_checkov(tmp_path, [report], "hcl", docs)
    by_status = {(f.check_id, f.status) for f in found}
    assert by_status == {
        ("CKV_AWS_50", "passed"),
        ("CKV_AIGW_11", "failed"),
        ("CKV_AWS_117", "skipped"),
        ("AIGW_PARSE", "failed"),
    }
    failed = next(f for f in found if f.check_id == "CKV_AIGW_11")
    assert (failed.file, failed.start_line, failed.why, failed.fix) == (
        "main.tf",
        3,
        "because",
        "do this",
    )
    assert next(f for f in found if f.status == "skipped").skip_reason == "no VPC here"


def _report() -> scan.ScanReport:
    return scan.ScanReport(
        findings=[
            scan.Finding(
                "CKV_AIGW_13",
                "Lambda functions encrypt their environment",
                "failed",
                "hcl",
                resource="aws_lambda_function.llm",
                file="modules/llm-route/main.tf",
                start_line=12,
                end_line=40,
                details=["kms_key_arn is not set"],
                why="keys are audited",
                fix="pass kms_key_arn",
            ),
            scan.Finding("CKV_AWS_50", "X-Ray", "passed", "hcl", resource="r", file="m.tf"),
            scan.Finding(
                "CKV_AWS_117",
                "VPC",
                "skipped",
                "plan:local",
                resource="r",
                file="envs/local/main.tf",
                start_line=5,
                end_line=5,
                skip_reason="no VPC in the sandbox",
            ),
        ],
        seconds=1.5,
    )


def test_summary_names_what_where_why_and_fix() -> None:
    text = scan.format_summary(_report())
    head = "FAILED CKV_AIGW_13 [hcl] aws_lambda_function.llm at modules/llm-route/main.tf:12"
    assert head in text
    assert "detail: kms_key_arn is not set" in text
    assert "why: keys are audited" in text and "fix: pass kms_key_arn" in text
    assert text.splitlines()[-1].startswith("scan: 1 passed, 1 failed, 1 skipped")
    assert text.splitlines()[-1].endswith("failed checks: CKV_AIGW_13")


def test_junit_has_one_suite_per_source(tmp_path: Path) -> None:
    path = scan.write_junit(_report(), tmp_path / "junit.xml")
    root = ET.parse(path).getroot()  # noqa: S314 - our own report
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"hcl", "plan:local"}
    assert (suites["hcl"].get("tests"), suites["hcl"].get("failures")) == ("2", "1")
    failure = suites["hcl"].find("testcase/failure")
    assert failure is not None and failure.get("type") == "CKV_AIGW_13"
    assert "fix: pass kms_key_arn" in failure.text
    skipped = suites["plan:local"].find("testcase/skipped")
    assert skipped is not None and skipped.get("message") == "no VPC in the sandbox"


def test_sarif_results_reference_their_rules_and_suppressions(tmp_path: Path) -> None:
    doc = json.loads(scan.write_sarif(_report(), tmp_path / "s.sarif", tmp_path).read_text())
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["CKV_AIGW_13", "CKV_AWS_117"]
    results = {r["ruleId"]: r for r in run["results"]}
    assert set(results) == {"CKV_AIGW_13", "CKV_AWS_117"}  # passed checks are not results
    failed = results["CKV_AIGW_13"]
    assert rules[failed["ruleIndex"]]["id"] == "CKV_AIGW_13"
    region = failed["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 12, "endLine": 40}
    assert results["CKV_AWS_117"]["suppressions"] == [
        {"kind": "inSource", "justification": "no VPC in the sandbox"}
    ]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == tmp_path.resolve().as_uri() + "/"


def test_missing_checkov_names_how_to_build_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("AIGW_CHECKOV", raising=False)
    with pytest.raises(scan.ScanError, match=r"\.venv-scan/bin/pip install -r constraints-scan"):
        scan.checkov_binary(tmp_path)


def test_checkov_environment_disables_calls_home() -> None:
    env = scan.checkov_env()
    assert env["BC_SKIP_MAPPING"] == "TRUE"
    assert env["CKV_SKIP_PACKAGE_UPDATE_CHECK"] == "true"


def test_plan_target_must_be_json_or_a_directory(tmp_path: Path) -> None:
    binary = tmp_path / "local.tfplan"
    binary.write_bytes(b"PK\x03\x04")
    with pytest.raises(scan.ScanError, match="pass plan JSON"):
        scan.plan_json(ROOT, binary, tmp_path)
    with pytest.raises(scan.ScanError, match="no such plan file"):
        scan.plan_json(ROOT, tmp_path / "missing", tmp_path)
    js = tmp_path / "plan.json"
    js.write_text("{}")
    assert scan.plan_json(ROOT, js, tmp_path) == js


def test_example_that_cannot_be_planned_is_a_note_not_a_crash(tmp_path: Path, monkeypatch) -> None:
    from aigw import docs

    example = tmp_path / "modules" / "demo" / "examples" / "basic"
    example.mkdir(parents=True)
    (example / "main.tf").write_text('resource "aws_api_gateway_rest_api" "this" {}\n')
    (tmp_path / "modules" / "demo" / "examples" / "plain").mkdir()
    (tmp_path / "modules" / "demo" / "examples" / "plain" / "main.tf").write_text(
        'resource "aws_s3_bucket" "this" {}\n'
    )
    planned: list[Path] = []

    def fail(root: Path, ex: Path, tf: str | None = None) -> dict:
        planned.append(ex)
        raise docs.PlanFailed("basic: terraform test could not plan it: precondition failed")

    monkeypatch.setattr(docs, "example_plan", fail)
    found, notes = scan.example_plan_findings(tmp_path, "checkov", tmp_path, {}, [], None)
    assert found == []
    assert notes == [
        "example plan demo/basic skipped: basic: terraform test could not plan it: "
        "precondition failed"
    ]
    assert planned == [example]  # the example without a checked resource is not planned


def _fake_checkov(tmp_path: Path, calls: Path) -> Path:
    """A checkov stand-in: records its arguments and fails CKV_AIGW_1 on every -f file."""
    fake = tmp_path / "checkov"
    fake.write_text(
        "#!/usr/bin/env python3\n"
        "import json, sys\n"
        f"open({str(calls)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
        "files = [sys.argv[i + 1] for i, a in enumerate(sys.argv) if a == '-f']\n"
        "items = [{'check_id': 'CKV_AIGW_1', 'check_name': 'n', 'file_abs_path': f,\n"
        "          'file_line_range': [1, 1], 'resource': 'aws_api_gateway_rest_api.this',\n"
        "          'check_result': {'result': 'FAILED'}, 'details': [f]} for f in files]\n"
        "print(json.dumps({'results': {'failed_checks': items}}))\n"
        "sys.exit(1)\n"
    )
    fake.chmod(0o755)
    return fake


def test_example_plans_are_checked_in_one_checkov_run(tmp_path: Path, monkeypatch) -> None:
    from aigw import docs

    for module in ("alpha", "beta"):
        example = tmp_path / "modules" / module / "examples" / "basic"
        example.mkdir(parents=True)
        (example / "main.tf").write_text('resource "aws_api_gateway_rest_api" "this" {}\n')
    monkeypatch.setattr(docs, "example_plan", lambda root, ex, tf=None: {"resource_changes": []})
    calls = tmp_path / "calls.jsonl"
    reports = tmp_path / "reports"
    found, notes = scan.example_plan_findings(
        tmp_path, str(_fake_checkov(tmp_path, calls)), reports, {}, [], None
    )
    runs = [json.loads(line) for line in calls.read_text().splitlines()]
    assert len(runs) == 1, "checkov must start once for all example plans"
    assert runs[0].count("-f") == 2
    # Each finding is attributed to the example whose plan it came from.
    by_source = {f.source: f.details for f in found}
    assert by_source == {
        "example:alpha/basic": [str(reports / "example-plan-alpha-basic.json")],
        "example:beta/basic": [str(reports / "example-plan-beta-basic.json")],
    }
    assert notes == ["checkov example plan alpha/basic", "checkov example plan beta/basic"]
    # locate_in_source pointed each finding at its own example's resource block.
    assert sorted(f.file for f in found) == [
        "modules/alpha/examples/basic/main.tf",
        "modules/beta/examples/basic/main.tf",
    ]


def test_findings_for_a_file_checkov_was_not_given_fail_the_scan(
    tmp_path: Path, monkeypatch
) -> None:
    from aigw import docs

    example = tmp_path / "modules" / "alpha" / "examples" / "basic"
    example.mkdir(parents=True)
    (example / "main.tf").write_text('resource "aws_api_gateway_rest_api" "this" {}\n')
    monkeypatch.setattr(docs, "example_plan", lambda root, ex, tf=None: {"resource_changes": []})
    fake = tmp_path / "checkov"
    fake.write_text(
        "#!/bin/sh\n"
        'echo \'{"results": {"failed_checks": [{"check_id": "CKV_AIGW_1", '
        '"file_abs_path": "/elsewhere/plan.json", "resource": "x"}]}}\'\n'
        "exit 1\n"
    )
    fake.chmod(0o755)
    with pytest.raises(scan.ScanError, match=r"/elsewhere/plan\.json"):
        scan.example_plan_findings(tmp_path, str(fake), tmp_path / "r", {}, [], None)
