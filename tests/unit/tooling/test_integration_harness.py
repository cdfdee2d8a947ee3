"""The integration harness picks its sandbox from the environment and names runs uniquely.

No network: aws mode is exercised only up to the files and variables it would hand to
Terraform, and through the skips and usage errors pytest reports.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from harness import (
    HTTP_NEEDS_AWS_REASON,
    MOTO_ONLY_REASON,
    PREFIX_PATTERN,
    ROOT,
    RUN_TAG,
    SANDBOX_AWS_CONFIG,
    SANDBOX_PROFILE,
    SandboxConfigError,
    TerraformRoot,
    aws_provider_hcl,
    run_prefix,
    sandbox_mode,
    target_from_env,
    validate_prefix,
)

EXAMPLES = sorted(
    d for d in (ROOT / "modules").glob("*/examples/*") if d.is_dir() and any(d.glob("*.tf"))
)
AWS_ENV = {"AIGW_SANDBOX": "aws", "AIGW_AWS_REGION": "eu-west-1", "AIGW_AWS_PROFILE": "sbx"}


# -- mode selection -------------------------------------------------------------------------


def test_moto_is_the_default_mode() -> None:
    assert sandbox_mode({}) == "moto"
    target = target_from_env({}, endpoint="http://127.0.0.1:1234")
    assert (target.mode, target.endpoint, target.profile) == ("moto", "http://127.0.0.1:1234", None)


def test_aws_mode_reads_profile_and_region_preferring_the_aigw_variables() -> None:
    target = target_from_env({**AWS_ENV, "AWS_PROFILE": "other", "AWS_REGION": "us-west-2"})
    assert (target.mode, target.region, target.profile, target.endpoint) == (
        "aws",
        "eu-west-1",
        "sbx",
        None,
    )
    fallback = target_from_env({"AIGW_SANDBOX": "AWS", "AWS_REGION": "us-west-2"})
    assert (fallback.region, fallback.profile) == ("us-west-2", None)


def test_aws_mode_without_a_region_is_refused() -> None:
    with pytest.raises(SandboxConfigError, match="AIGW_AWS_REGION"):
        target_from_env({"AIGW_SANDBOX": "aws"})


@pytest.mark.parametrize("value", ["localstack", "AWS-prod", "1"])
def test_unknown_modes_name_the_allowed_values(value: str) -> None:
    with pytest.raises(SandboxConfigError) as exc:
        sandbox_mode({"AIGW_SANDBOX": value})
    assert "moto" in str(exc.value) and "aws" in str(exc.value) and value in str(exc.value)


# -- run prefixes ---------------------------------------------------------------------------


def test_run_prefix_is_stable_for_a_run_id_and_random_otherwise() -> None:
    assert run_prefix("12345-1") == run_prefix("12345-1")
    assert run_prefix("12345-1") != run_prefix("12345-2")
    assert re.fullmatch(r"aigw-[0-9a-f]{6}", run_prefix())
    assert len({run_prefix() for _ in range(20)}) > 1


def test_each_root_of_a_run_gets_its_own_valid_prefix() -> None:
    target = target_from_env({"AIGW_RUN_ID": "ci-77"})
    a = target.prefix_for("modules/waf/examples/basic")
    b = target.prefix_for("modules/gateway-core/examples/basic")
    assert a != b
    assert a == target_from_env({"AIGW_RUN_ID": "ci-77"}).prefix_for("modules/waf/examples/basic")
    assert a != target_from_env({"AIGW_RUN_ID": "ci-78"}).prefix_for("modules/waf/examples/basic")
    assert PREFIX_PATTERN.match(a) and PREFIX_PATTERN.match(b)


@pytest.mark.parametrize(
    "prefix", ["Aigw", "aigw_1", "1aigw", "aigw-", "a" * 15, "", "aigw.x", "aigw-1a2b3c-"]
)
def test_invalid_prefixes_are_refused(prefix: str) -> None:
    with pytest.raises(SandboxConfigError, match="1-14 characters"):
        validate_prefix(prefix)
    if prefix:  # an empty AIGW_RUN_PREFIX means "not set"
        with pytest.raises(SandboxConfigError):
            target_from_env({"AIGW_RUN_PREFIX": prefix})


@pytest.mark.parametrize("prefix", ["a", "aigw", "aigw-1a2b3c", "a" * 14, "ci-42-x9"])
def test_valid_prefixes_are_accepted(prefix: str) -> None:
    assert validate_prefix(prefix) == prefix


def test_every_example_validates_name_prefix_with_the_harness_rule() -> None:
    rule = PREFIX_PATTERN.pattern
    for example in EXAMPLES:
        text = "\n".join(p.read_text() for p in example.glob("*.tf"))
        block = re.search(r'variable "name_prefix" \{(.*?)\n\}', text, re.S)
        assert block, f"{example}: no name_prefix variable"
        body = block.group(1)
        assert "type        = string" in body and 'default     = "aigw"' in body, example
        assert "description" in body and "error_message" in body, example
        condition = re.search(r'regex\("(.*?)", var\.name_prefix\)', body)
        assert condition and condition.group(1) == rule, f"{example}: {condition}"
        # No hard-coded aigw-* names remain for things the example creates.
        derived = re.findall(r'(?:name|function_name|endpoint_name)\s*=\s*"aigw-', text)
        assert not derived, f"{example}: names not derived from name_prefix: {derived}"


# -- provider files -------------------------------------------------------------------------


def _fmt_clean(hcl: str) -> bool:
    """terraform fmt accepts the text unchanged (valid, canonical HCL)."""
    proc = subprocess.run(
        ["terraform", "fmt", "-"], input=hcl, capture_output=True, text=True, check=False
    )
    return proc.returncode == 0 and proc.stdout == hcl


def test_aws_provider_has_no_endpoints_and_tags_the_run() -> None:
    hcl = aws_provider_hcl("eu-west-1", "sbx", "aigw-1a2b3c")
    assert "endpoint" not in hcl and "access_key" not in hcl and "skip_" not in hcl
    assert 'region  = "eu-west-1"' in hcl and 'profile = "sbx"' in hcl
    assert f'"{RUN_TAG}" = "aigw-1a2b3c"' in hcl
    assert _fmt_clean(hcl)
    without_profile = aws_provider_hcl("eu-west-1", None, "aigw-1a2b3c")
    assert "profile" not in without_profile and _fmt_clean(without_profile)


def test_moto_provider_points_every_service_at_the_sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through a profile's `endpoint_url` (every service), not an `endpoints` block."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://example.com")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "https://example.com")
    target = target_from_env({"AIGW_RUN_ID": "unit"}, endpoint="http://127.0.0.1:4599")
    example = ROOT / "modules" / "waf" / "examples" / "basic"
    root = TerraformRoot(example, tmp_path / "work", target.endpoint, target=target)
    config = root.dir / SANDBOX_AWS_CONFIG
    assert config.read_text() == (
        f"[profile {SANDBOX_PROFILE}]\nendpoint_url = http://127.0.0.1:4599\n"
    )
    hcl = (root.dir / "zz_sandbox_override.tf").read_text()
    assert f'profile                     = "{SANDBOX_PROFILE}"' in hcl
    assert f"shared_config_files         = [{json.dumps(str(config.resolve()))}]" in hcl
    assert "endpoints" not in hcl and "default_tags" not in hcl
    assert _fmt_clean(hcl)
    # The SDKs prefer these variables to the profile: Terraform never passes them on.
    assert not [k for k in root.env if k.startswith("AWS_ENDPOINT_URL")]


def test_aws_mode_root_gets_override_prefix_and_region_but_no_endpoints(tmp_path: Path) -> None:
    target = target_from_env({**AWS_ENV, "AIGW_RUN_ID": "unit"})
    example = ROOT / "modules" / "waf" / "examples" / "basic"
    root = TerraformRoot(example, tmp_path / "work", None, target=target)
    override = (root.dir / "zz_sandbox_override.tf").read_text()
    assert "endpoints" not in override and "127.0.0.1" not in override
    assert f'"{RUN_TAG}" = "{target.prefix}"' in override
    assert root.extra_vars["name_prefix"] == target.prefix_for("modules/waf/examples/basic")
    assert root.extra_vars["region"] == "eu-west-1"
    assert root.endpoint is None


def test_moto_mode_root_keeps_the_region_and_gets_a_prefix(tmp_path: Path) -> None:
    target = target_from_env({"AIGW_RUN_ID": "unit"}, endpoint="http://127.0.0.1:4599")
    example = ROOT / "modules" / "gateway-core" / "examples" / "complete"
    root = TerraformRoot(example, tmp_path / "work", target.endpoint, target=target)
    assert "127.0.0.1:4599" in (root.dir / SANDBOX_AWS_CONFIG).read_text()
    assert "region" not in root.extra_vars
    assert PREFIX_PATTERN.match(str(root.extra_vars["name_prefix"]))
    assert root.extra_vars["manifest_path"].endswith("dist/manifest.json")


def test_the_old_constructor_still_means_moto(tmp_path: Path) -> None:
    example = ROOT / "modules" / "waf" / "examples" / "basic"
    root = TerraformRoot(example, tmp_path / "work", "http://127.0.0.1:4599")
    assert root.target.mode == "moto" and root.endpoint == "http://127.0.0.1:4599"


def test_destroy_skips_the_pre_destroy_refresh(tmp_path: Path) -> None:
    """The tests destroy right after a re-plan that refreshed the same state: a destroy's
    own refresh (a whole normal plan first) is skipped (ADR 0149)."""
    calls = tmp_path / "calls"
    fake = tmp_path / "terraform"
    fake.write_text(f'#!/bin/sh\necho "$@" >> {calls}\n')
    fake.chmod(0o755)
    example = ROOT / "modules" / "waf" / "examples" / "basic"
    root = TerraformRoot(example, tmp_path / "work", "http://127.0.0.1:4599", tf=str(fake))
    assert root.destroy().returncode == 0
    args = calls.read_text().split()
    assert args[0] == "destroy"
    assert "-refresh=false" in args
    assert f"-state={root.state_file}" in args


# -- what pytest does with the mode -------------------------------------------------------------


def _pytest(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AIGW_", "PYTEST_"))}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_an_unknown_sandbox_is_a_usage_error() -> None:
    proc = _pytest({"AIGW_SANDBOX": "localstack"}, "tests/integration/test_leftovers.py")
    assert proc.returncode == 4, proc.stdout + proc.stderr
    assert "AIGW_SANDBOX='localstack' is not supported: use one of moto, aws" in proc.stderr


def test_aws_mode_skips_moto_only_tests_and_unrunnable_examples_with_reasons() -> None:
    example = (
        "tests/integration/test_examples.py::"
        "test_example_applies_replans_clean_and_destroys[sagemaker-route/complete]"
    )
    proc = _pytest(AWS_ENV, "tests/integration/test_leftovers.py", example)
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    assert re.search(r"\b3 skipped\b", out), out
    assert MOTO_ONLY_REASON[:60] in out.replace("\n", " ")
    assert "SageMaker endpoints from model artefacts" in out


def test_the_http_skip_reason_names_the_mode_and_the_cause() -> None:
    assert HTTP_NEEDS_AWS_REASON == (
        "HTTP calls to a deployed stage need AIGW_SANDBOX=aws: "
        "moto does not serve API Gateway stages"
    )
