"""Upgrading a deployment to a new module layout moves state and destroys nothing.

The authorizer, llm-route and sagemaker-route modules used to declare their function,
log group, role, policy, alias and key themselves; they now call modules/lambda-function
(ADR 0100), and their ``moved`` blocks carry a deployed stack's state over. This test
applies the old layout (tests/integration/fixtures/lambda_function_upgrade/old), plans
the new modules on the same state, and fails on any planned destroy or on a moved
resource the plan would create afresh.
"""

from __future__ import annotations

import json
import shutil

import pytest
from harness import ROOT, TerraformRoot

pytestmark = [pytest.mark.sandbox, pytest.mark.terraform, pytest.mark.slow]

FIXTURE = ROOT / "tests" / "integration" / "fixtures" / "lambda_function_upgrade"


def _plan(root: TerraformRoot, **variables: object) -> dict:
    plan = root.state_file.with_name("upgrade.tfplan")
    root.run(
        "plan",
        "-input=false",
        "-no-color",
        "-lock=false",
        f"-state={root.state_file}",
        f"-out={plan}",
        *root._vars([], variables),
    )
    return json.loads(root.run("show", "-json", "-no-color", str(plan)).stdout)


def test_upgrade_to_the_lambda_function_module_destroys_nothing(sandbox_target, tmp_path):
    work = tmp_path / "work"
    old = TerraformRoot(FIXTURE / "old", work, sandbox_target.endpoint, target=sandbox_target)
    # The harness copies a root's files only; the old layout's module sits below it.
    shutil.copytree(FIXTURE / "old" / "modules", old.dir / "modules")
    new = TerraformRoot(FIXTURE / "new", work, sandbox_target.endpoint, target=sandbox_target)
    names = {"name_prefix": old.name_prefix}  # both roots deploy the same names
    old.init()
    try:
        old.apply(**names)
        before = set(old.state_resources())
        assert before, "the old layout must create resources"
        new.init()
        plan = _plan(new, **names)

        changes = plan["resource_changes"]
        destroyed = [c["address"] for c in changes if "delete" in c["change"]["actions"]]
        assert destroyed == [], f"the upgrade would destroy: {destroyed}"
        # Every old resource is adopted (moved, or kept where it was), none created anew.
        adopted = {c.get("previous_address") or c["address"] for c in changes}
        adopted -= {c["address"] for c in changes if "create" in c["change"]["actions"]}
        state = json.loads(old.state_file.read_text())
        not_adopted = sorted(_instances(state) - adopted)
        assert not_adopted == [], f"old resources the new layout does not adopt: {not_adopted}"
    finally:
        new.init()
        # The state is the old layout's: refresh so moved resources keep their order.
        destroyed_run = new.destroy(refresh=True, **names)
    assert destroyed_run.returncode == 0, destroyed_run.stdout + destroyed_run.stderr
    assert new.state_resources() == []


def _instances(state: dict) -> set[str]:
    """Addresses of the state's managed resource instances, as plans write them."""
    out = set()
    for r in state.get("resources", []):
        if r.get("mode") != "managed":
            continue
        base = (
            f"{r['module']}.{r['type']}.{r['name']}"
            if r.get("module")
            else f"{r['type']}.{r['name']}"
        )
        for i in r.get("instances", []):
            key = i.get("index_key")
            out.add(base if key is None else f"{base}[{json.dumps(key)}]")
    return out
