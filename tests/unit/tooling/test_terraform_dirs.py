"""Which folders `aigw tf test` (make tf-test) runs `terraform test` in."""

from __future__ import annotations

from pathlib import Path

from aigw import terraform

ROOT = Path(__file__).resolve().parents[3]


def test_tf_test_covers_every_module_and_the_bootstrap_stack() -> None:
    tested = terraform.tested_module_dirs(ROOT)
    # The bootstrap stack's plan tests (the account CloudWatch role, ADR 0092) run too.
    assert ROOT / "envs" / "_bootstrap" in tested
    assert ROOT / "modules" / "gateway-core" in tested
    # Only folders that have terraform test files.
    assert all(any((d / "tests").glob("*.tftest.hcl")) for d in tested)
    assert ROOT / "envs" / "local" not in tested
