"""Every module example applies to the sandbox, re-plans clean and destroys without a trace.

An example may hold a ``sandbox.tfvars`` that switches off the features the local sandbox
does not implement (each module README's "Local sandbox" section says which); the
example's defaults are what a real account gets.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import ROOT, TerraformRoot

pytestmark = [pytest.mark.sandbox, pytest.mark.terraform, pytest.mark.slow]

EXAMPLES = sorted(
    d for d in (ROOT / "modules").glob("*/examples/*") if d.is_dir() and any(d.glob("*.tf"))
)


def _var_files(example: Path) -> list[Path]:
    f = example / "sandbox.tfvars"
    return [f] if f.is_file() else []


@pytest.mark.parametrize(
    "example", EXAMPLES, ids=[f"{p.parent.parent.name}/{p.name}" for p in EXAMPLES]
)
def test_example_applies_replans_clean_and_destroys(example, moto_endpoint, tmp_path):
    root = TerraformRoot(example, tmp_path / "work", moto_endpoint)
    var_files = _var_files(example)
    root.init()
    try:
        root.apply(var_files)
        assert root.state_resources(), "the example must create resources"
        assert root.outputs(), "the example must expose outputs"
        drift = root.plan_changes(var_files)
        assert drift == "", f"re-plan after apply must show no changes:\n{drift}"
    finally:
        snapshot = root.snapshot_state()
        destroyed = root.destroy(var_files)
    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
    assert root.state_resources() == []
    # Every resource the apply created reads back as deleted (KMS keys: pending deletion).
    assert root.leftovers(snapshot) == []
