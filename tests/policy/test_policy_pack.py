"""The aigw policy pack on its fixtures: every check passes its passing fixture and fails
its failing one, and `aigw scan` over the fixtures exits non-zero naming each check.

One `aigw scan` run over tests/policy/fixtures (checkov with only the pack's checks)
feeds most tests; its reports (findings JSON, JUnit, SARIF) are read back from disk.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
from fixture_cases import (
    CHECK_IDS,
    FIXTURES,
    GRAPH_CHECK_IDS,
    ROOT,
    all_cases,
    appears,
    expectations,
    fixture_cases,
)

from aigw import scan

SARIF_RULES = Path(__file__).resolve().parent / "sarif-2.1.0-structure.schema.json"
PASS_CASES = all_cases("pass")
FAIL_CASES = all_cases("fail")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aigw")
    parser.add_argument("--root")
    scan.register(parser.add_subparsers(dest="command", required=True))
    return parser


def run_scan_cli(argv: list[str]) -> int:
    args = _parser().parse_args(["--root", str(ROOT), *argv])
    return int(args.func(args))


def require_checkov() -> None:
    try:
        scan.checkov_binary(ROOT)
    except scan.ScanError as exc:
        pytest.fail(f"the policy tests need checkov: {exc}")


@dataclass
class FixtureScan:
    exit_code: int
    stdout: str
    findings: list[dict]
    reports: Path


@pytest.fixture(scope="module")
def fixture_scan(tmp_path_factory: pytest.TempPathFactory) -> FixtureScan:
    require_checkov()
    reports = tmp_path_factory.mktemp("reports")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = run_scan_cli(
            [
                "scan",
                "--no-terraform",
                "--reports",
                str(reports),
                "--check",
                ",".join(CHECK_IDS),
                str(FIXTURES),
            ]
        )
    findings = json.loads((reports / "scan-findings.json").read_text())
    return FixtureScan(code, out.getvalue(), findings, reports)


def results(fs: FixtureScan, check_id: str, case: str, status: str) -> list[dict]:
    folder = f"tests/policy/fixtures/{check_id.lower()}/{case}/"  # the exact folder
    return [
        f
        for f in fs.findings
        if f["check_id"] == check_id and f["file"].startswith(folder) and f["status"] == status
    ]


def test_the_pack_has_the_checks_the_issue_asks_for() -> None:
    assert len(CHECK_IDS) >= 16
    assert CHECK_IDS == [f"CKV_AIGW_{n}" for n in range(1, len(CHECK_IDS) + 1)]


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_every_check_has_a_doc_row_and_fixtures(check_id: str) -> None:
    docs = scan.load_policy_docs(ROOT)
    assert check_id in docs, f"docs/policies.md has no row for {check_id}"
    assert docs[check_id].why and docs[check_id].fix
    for kind in ("pass", "fail"):
        cases = fixture_cases(check_id, kind)
        assert cases, f"{check_id}: no {kind}* fixture folder"
        for case in cases:
            assert list((FIXTURES / check_id.lower() / case).glob("*.tf")), f"{check_id}/{case}"


@pytest.mark.parametrize(("check_id", "case"), FAIL_CASES)
def test_every_failing_fixture_says_what_it_expects(check_id: str, case: str) -> None:
    details, resources = expectations(check_id, case)
    if check_id in GRAPH_CHECK_IDS:
        assert resources, f"{check_id}/{case}/expect.txt names no failing resource"
    else:
        assert details, f"{check_id}/{case}/expect.txt names no detail"


@pytest.mark.parametrize(("check_id", "case"), PASS_CASES)
def test_check_passes_its_passing_fixture(
    fixture_scan: FixtureScan, check_id: str, case: str
) -> None:
    assert results(fixture_scan, check_id, case, "passed"), f"{check_id} did not run on {case}"
    assert results(fixture_scan, check_id, case, "failed") == []


@pytest.mark.parametrize(("check_id", "case"), FAIL_CASES)
def test_check_fails_its_failing_fixture_naming_the_problem(
    fixture_scan: FixtureScan, check_id: str, case: str
) -> None:
    failed = results(fixture_scan, check_id, case, "failed")
    assert failed, f"{check_id} did not fail {case}"
    assert results(fixture_scan, check_id, case, "passed") == [], (
        f"{check_id}: a resource of {case} passed; a failing fixture holds only failing resources"
    )
    assert all(f["file"].endswith(".tf") and f["start_line"] >= 1 for f in failed)
    details, resources = expectations(check_id, case)
    for finding in failed:
        for line in details:
            assert appears(line, finding["details"]), (
                f"{check_id}/{case}: {line!r} not in the details of {finding['resource']}: "
                f"{finding['details']}"
            )
    assert set(resources) <= {f["resource"] for f in failed}


def test_scan_exits_non_zero_and_names_every_failed_check(fixture_scan: FixtureScan) -> None:
    assert fixture_scan.exit_code == 1
    last = fixture_scan.stdout.strip().splitlines()[-2]  # the line before "reports: ..."
    assert last.startswith("scan: ")
    for check_id in CHECK_IDS:
        assert f"FAILED {check_id} " in fixture_scan.stdout
        assert re.search(rf"\b{check_id}\b", last), f"{check_id} missing from {last!r}"


def test_summary_explains_why_and_how_to_fix(fixture_scan: FixtureScan) -> None:
    docs = scan.load_policy_docs(ROOT)
    blocks = fixture_scan.stdout.split("FAILED CKV_AIGW_16 ")[1:]
    block = next(b for b in blocks if "ckv_aigw_16/fail-credential-key/" in b).split("\nFAILED ")[0]
    assert "tests/policy/fixtures/ckv_aigw_16/fail-credential-key/main.tf:" in block
    assert "detail: value.providers.openai.api_key: an inline value under" in block
    assert f"why: {docs['CKV_AIGW_16'].why}" in block
    assert f"fix: {docs['CKV_AIGW_16'].fix}" in block


def test_a_skip_without_reason_fails_the_scan(fixture_scan: FixtureScan) -> None:
    skips = [f for f in fixture_scan.findings if f["check_id"] == "AIGW_SKIP_REASON"]
    by_case = {f["file"].split("/")[-2]: f for f in skips}
    assert by_case["fail"]["status"] == "failed"
    assert by_case["fail"]["file"] == "tests/policy/fixtures/skip_reason/fail/main.tf"
    assert by_case["fail"]["start_line"] == 3
    assert by_case["pass"]["status"] == "passed"
    assert "FAILED AIGW_SKIP_REASON" in fixture_scan.stdout


def test_junit_report_parses_and_counts_failures(fixture_scan: FixtureScan) -> None:
    tree = ET.parse(fixture_scan.reports / "scan-junit.xml")  # noqa: S314 - our own report
    suites = tree.getroot().findall("testsuite")
    assert {s.get("name") for s in suites} == {"hcl", "hygiene"}
    failures = tree.getroot().findall(".//testcase/failure")
    failed = [f for f in fixture_scan.findings if f["status"] == "failed"]
    assert len(failures) == len(failed)
    assert sum(int(s.get("failures")) for s in suites) == len(failed)
    assert {f.get("type") for f in failures} >= set(CHECK_IDS)


def test_sarif_report_follows_sarif_2_1_0(fixture_scan: FixtureScan) -> None:
    doc = json.loads((fixture_scan.reports / "scan.sarif").read_text())
    schema = json.loads(SARIF_RULES.read_text())
    jsonschema.validate(doc, schema, format_checker=jsonschema.FormatChecker())
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)), "rule ids must be unique"
    base = run["originalUriBaseIds"]["SRCROOT"]["uri"]
    assert base.startswith("file:///") and base.endswith("/")
    failed = [f for f in fixture_scan.findings if f["status"] == "failed"]
    assert len(run["results"]) == len(failed)
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        for loc in result.get("locations", []):
            art = loc["physicalLocation"]["artifactLocation"]
            assert art["uriBaseId"] in run["originalUriBaseIds"]
            assert (ROOT / art["uri"]).exists()
    assert set(CHECK_IDS) <= {r["ruleId"] for r in run["results"]}


def test_sarif_structure_rules_reject_a_broken_log() -> None:
    schema = json.loads(SARIF_RULES.read_text())
    broken = {"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": []}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
    wrong_level = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "x"}},
                "results": [{"message": {"text": "m"}, "level": "fatal"}],
            }
        ],
    }
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(wrong_level, schema)


def test_scan_of_a_clean_fixture_exits_zero(tmp_path: Path, capsys) -> None:
    require_checkov()
    code = run_scan_cli(
        [
            "scan",
            "--no-terraform",
            "--reports",
            str(tmp_path),
            "--check",
            "CKV_AIGW_15",
            str(FIXTURES / "ckv_aigw_15" / "pass"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "scan: 1 passed, 0 failed" in out
    assert (tmp_path / "scan.sarif").is_file() and (tmp_path / "scan-junit.xml").is_file()


@pytest.mark.parametrize(
    ("check_id", "folder"),
    [
        ("CKV_AIGW_1", "ckv_aigw_1/unresolved"),
        ("CKV_AIGW_2", "ckv_aigw_1/unresolved"),
        ("CKV_AIGW_6", "ckv_aigw_6/unresolved"),
        ("CKV_AIGW_16", "ckv_aigw_16/unresolved"),
    ],
)
def test_unresolved_values_get_no_verdict(
    fixture_scan: FixtureScan, check_id: str, folder: str
) -> None:
    """A check that cannot read its input neither passes nor fails it in the HCL scan."""
    folder = f"tests/policy/fixtures/{folder}/"
    assert list((ROOT / folder).glob("*.tf"))
    verdicts = [
        f
        for f in fixture_scan.findings
        if f["check_id"] == check_id and f["file"].startswith(folder)
    ]
    assert verdicts == []
