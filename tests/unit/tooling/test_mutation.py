"""`aigw mutation`: the staging directory mutmut runs in, the score and the report.
(The mutation run itself is `make mutation`; it takes minutes.)"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path

import pytest

from aigw import mutation

ROOT = Path(__file__).resolve().parents[3]


def test_a_lambda_area_is_staged_with_the_names_the_tests_import(tmp_path: Path) -> None:
    work = mutation.stage(ROOT, mutation.AREAS["quotas"], tmp_path / "quotas")
    assert (work / "src" / "llm_gateway" / "quotas.py").read_bytes() == (
        ROOT / "lambda_src" / "llm_gateway" / "quotas.py"
    ).read_bytes()
    assert (work / "src" / "aigw_shared").is_dir() and (work / "src" / "authorizer").is_dir()
    assert (work / "lambda_src" / "llm_gateway" / "quotas.py").is_file()  # for subprocesses
    assert (work / "tests" / "unit" / "llm_gateway" / "test_quota_rules.py").is_file()
    conf = tomllib.loads((work / "pyproject.toml").read_text())
    mm = conf["tool"]["mutmut"]
    assert mm["source_paths"] == ["src"]
    assert mm["only_mutate"] == ["src/llm_gateway/quotas.py"]
    assert mm["pytest_add_cli_args_test_selection"] == ["tests/unit/llm_gateway"]
    assert mm["pytest_add_cli_args"][-2:] == ["-m", "not sandbox and not terraform"]
    assert "lambda_src" in mm["also_copy"]
    ini = conf["tool"]["pytest"]["ini_options"]
    assert ini["pythonpath"] == [str(ROOT / "tooling")]  # never the code under test
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
    assert ini["markers"] == project["ini_options"]["markers"]


def test_the_policy_area_is_flat_and_runs_in_the_scan_venv(tmp_path: Path) -> None:
    area = mutation.AREAS["policies"]
    assert area.scan_venv and "tests/policy/test_policy_checks.py" in area.tests
    work = mutation.stage(ROOT, area, tmp_path / "policies")
    staged = sorted(p.name for p in (work / "src").iterdir())
    expected = sorted(p.name for p in (ROOT / "policies").glob("*.py") if p.name != "__init__.py")
    assert staged == expected
    assert (work / "policies" / "stage_waf.yaml").is_file()
    mm = tomllib.loads((work / "pyproject.toml").read_text())["tool"]["mutmut"]
    assert mm["only_mutate"] == ["src/*.py"] and "policies" in mm["also_copy"]


def _earlier_run(work: Path) -> None:
    (work / "mutants" / "src").mkdir(parents=True)
    (work / "mutants" / "src" / "cache.py.meta").write_text('{"exit_code_by_key": {}}')
    (work / "src" / "llm_gateway").mkdir(parents=True)
    (work / "src" / "llm_gateway" / "gone.py").write_text("x")
    (work / "mutmut.log").write_text("old log")


def test_staging_keeps_the_verdicts_of_an_earlier_run_so_a_run_resumes(tmp_path: Path) -> None:
    work = tmp_path / "cache"
    _earlier_run(work)
    mutation.stage(ROOT, mutation.AREAS["cache"], work)
    assert (work / "mutants" / "src" / "cache.py.meta").read_text() == '{"exit_code_by_key": {}}'
    # Everything else is staged anew from the working tree.
    assert not (work / "src" / "llm_gateway" / "gone.py").exists()
    assert not (work / "mutmut.log").exists()
    assert (work / "src" / "llm_gateway" / "cache.py").is_file()


def test_a_fresh_stage_discards_the_earlier_verdicts(tmp_path: Path) -> None:
    work = tmp_path / "cache"
    _earlier_run(work)
    mutation.stage(ROOT, mutation.AREAS["cache"], work, fresh=True)
    assert not (work / "mutants").exists()
    assert (work / "src" / "llm_gateway" / "cache.py").is_file()


def test_survivors_are_read_from_the_results_listing() -> None:
    listing = (
        "    authorizer.core.x_extract_credential__mutmut_3: survived\n"
        "    authorizer.core.x_extract_credential__mutmut_4: killed\n"
        "    authorizer.core.x_method_arn_stage__mutmut_1: no tests\n"
        "    authorizer.jose.x_b64url_decode__mutmut_9: timeout\n"
        "not a result line\n"
    )
    assert mutation.survivors_of(listing) == [
        ("authorizer.core.x_extract_credential__mutmut_3", "survived"),
        ("authorizer.core.x_method_arn_stage__mutmut_1", "no tests"),
    ]


def test_the_score_counts_timeouts_as_killed_and_ignores_skipped() -> None:
    r = mutation.AreaResult(
        "x", {"total": 105, "killed": 80, "timeout": 10, "survived": 5, "no_tests": 5, "skipped": 5}
    )
    assert (r.total, r.killed, r.score) == (100, 90, 90.0)
    assert mutation.AreaResult("empty", {}).score == 0.0


def test_the_report_lists_survivors_and_the_areas_below_the_threshold() -> None:
    good = mutation.AreaResult("cache", {"total": 10, "killed": 10}, [], 12.4)
    bad = mutation.AreaResult(
        "routing", {"total": 10, "killed": 8}, ["llm_gateway.routing.x_plan__mutmut_3: survived"]
    )
    text = mutation.report([good, bad], 90)
    assert "cache             10      10        0  100.0%     12s" in text
    assert "routing           10       8        2   80.0%" in text
    assert "  llm_gateway.routing.x_plan__mutmut_3: survived" in text
    assert text.endswith("mutation: below 90% in routing")
    assert mutation.report([good], 90).endswith("every area at or above 90%")


def test_an_unknown_area_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    args = argparse.Namespace(root=str(ROOT), area=["nope"], jobs=2, min_score=90.0)
    assert mutation.cmd_mutation(args) == 2
    err = capsys.readouterr().err
    assert "unknown area nope" in err and "policies, quotas" in err


def test_the_policy_area_needs_the_scan_venv(tmp_path: Path) -> None:
    with pytest.raises(mutation.MutationError, match=r"\.venv-scan/bin/python is missing"):
        mutation._interpreter(tmp_path, mutation.AREAS["policies"])


def test_survivors_to_retest_are_all_or_those_matching_a_pattern() -> None:
    survivors = [
        ("authorizer.core.x_extract_credential__mutmut_3", "survived"),
        ("authorizer.jose.x_b64url_decode__mutmut_9", "survived"),
        ("authorizer.signatures.x__jdouble__mutmut_2", "survived"),
    ]
    assert mutation.retest_names(survivors, []) == [name for name, _ in survivors]
    assert mutation.retest_names(survivors, ["authorizer.core.*", "*b64url*"]) == [
        "authorizer.core.x_extract_credential__mutmut_3",
        "authorizer.jose.x_b64url_decode__mutmut_9",
    ]
