"""Every module example applies, passes the reviewer checks, re-plans clean and destroys
without a trace — in the moto sandbox (default) or a real sandbox account
(``AIGW_SANDBOX=aws``, docs/testing.md).

In moto mode an example's ``sandbox.tfvars`` switches off the features the local sandbox
does not implement (each module README's "Local sandbox" section says which). In aws mode
those files are not applied: a real account gets the example's defaults. Either way each
example gets the run's own name prefix (``name_prefix``), and the variables in
``TEARDOWN_VARS`` that make a throwaway deployment destroyable.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from checks import review, stage_http_checks
from harness import HTTP_NEEDS_AWS_REASON, ROOT, SandboxTarget, TerraformRoot

pytestmark = [pytest.mark.sandbox, pytest.mark.terraform, pytest.mark.slow]

EXAMPLES = sorted(
    d for d in (ROOT / "modules").glob("*/examples/*") if d.is_dir() and any(d.glob("*.tf"))
)

# Set wherever an example declares them: a test deployment must be destroyable.
TEARDOWN_VARS: dict[str, object] = {"enable_deletion_protection": False}

# Examples that cannot run in an empty sandbox account, and why.
AWS_SKIPS = {
    "sagemaker-route/complete": (
        "creates SageMaker endpoints from model artefacts in the example's model_bucket, "
        "which an empty sandbox account does not hold (and instance endpoints cost money "
        "per hour); run it by hand with your own bucket and image"
    ),
}


class SkippedCheck(UserWarning):
    """A reviewer check the target could not answer (shown in pytest's warnings summary)."""


def _key(example: Path) -> str:
    return f"{example.parent.parent.name}/{example.name}"


def var_files(example: Path, target: SandboxTarget) -> list[Path]:
    """``sandbox.tfvars`` in moto mode only: a real account gets the real defaults."""
    f = example / "sandbox.tfvars"
    return [f] if f.is_file() and not target.is_aws else []


def _manifest() -> dict:
    path = ROOT / "dist" / "manifest.json"
    return json.loads(path.read_text()) if path.is_file() else {}


@pytest.mark.parametrize("example", EXAMPLES, ids=[_key(p) for p in EXAMPLES])
def test_example_applies_replans_clean_and_destroys(example, sandbox_target, tmp_path):
    if sandbox_target.is_aws and _key(example) in AWS_SKIPS:
        pytest.skip(f"AIGW_SANDBOX=aws: {AWS_SKIPS[_key(example)]}")
    root = TerraformRoot(example, tmp_path / "work", sandbox_target.endpoint, target=sandbox_target)
    files = var_files(example, sandbox_target)
    variables = {k: v for k, v in TEARDOWN_VARS.items() if k in root.declared_vars}
    root.init()
    try:
        root.apply(files, **variables)
        assert root.state_resources(), "the example must create resources"
        outputs = root.outputs()
        assert outputs, "the example must expose outputs"

        state = json.loads(root.state_file.read_text())
        report = review(
            state,
            outputs,
            sandbox_target.client,
            manifest=_manifest(),
            moto=not sandbox_target.is_aws,
        )
        if any(r["type"] == "aws_api_gateway_stage" for r in state.get("resources", [])):
            if sandbox_target.is_aws:
                stage_http_checks(report, state, outputs, sandbox_target.client)
            else:
                report.skip("stage HTTP calls", HTTP_NEEDS_AWS_REASON)
        for skipped in report.skipped:
            warnings.warn(SkippedCheck(f"{_key(example)}: {skipped}"), stacklevel=1)
        assert not report.failures, f"reviewer checks failed:\n{report.summary()}"
        assert report.passed, "the reviewer checks found nothing to check"

        drift = root.plan_changes(files, **variables)
        assert drift == "", f"re-plan after apply must show no changes:\n{drift}"
    finally:
        snapshot = root.snapshot_state()
        destroyed = root.destroy(files, **variables)
    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
    assert root.state_resources() == []
    # Every resource the apply created reads back as deleted (KMS keys: pending deletion).
    assert root.leftovers(snapshot) == []
