"""The OpenAPI document of each example, from a plan ``terraform test`` makes with a mocked
provider in a temporary copy of ``modules/`` (no account, no network)."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from aigw.docs.hcl import HclError
from aigw.docs.tables import DocsResult


class MissingInputs(HclError):
    """An example cannot be planned alone: it has required variables."""


class PlanFailed(HclError):
    """``terraform test`` could not plan an example with the mocked provider."""


# -- the OpenAPI document of each example ---------------------------------------------------
EXPORT_TEST = """# Written by aigw docs in a temporary copy: plan with a mocked provider, in the
# Region the price table of llm-route covers (a random mocked Region has no prices).
mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { id = "us-east-1", name = "us-east-1" }
  }
}

run "aigw_export" {
  command = plan
}
"""


def example_plan(root: Path, example: Path, tf: str | None = None) -> dict[str, Any]:
    """The plan of an example made by ``terraform test`` with ``mock_provider "aws"``, in a
    temporary copy of ``modules/`` (the checkout is not touched)."""
    from aigw.terraform import TerraformError, run_tf, tf_env

    modules = root / "modules"
    rel = example.resolve().relative_to(modules.resolve())
    with tempfile.TemporaryDirectory(prefix="aigw-docs-") as tmp:
        copy = Path(tmp) / "modules"
        shutil.copytree(
            modules,
            copy,
            ignore=shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate*"),
        )
        for extra in ("dist", "lambda_src"):
            if (root / extra).exists():
                (Path(tmp) / extra).symlink_to(root / extra)
        work = copy / rel
        shutil.rmtree(work / "tests", ignore_errors=True)
        (work / "tests").mkdir()
        (work / "tests" / "aigw_export.tftest.hcl").write_text(EXPORT_TEST, encoding="utf-8")
        # The provider is mocked; should it not be, never let it look for credentials in
        # the instance metadata service.
        env = tf_env(root, {"AWS_EC2_METADATA_DISABLED": "true"})
        try:
            run_tf(["init", "-backend=false", "-input=false", "-no-color"], work, env, tf)
            proc = run_tf(["test", "-verbose", "-json", "-no-color"], work, env, tf, check=False)
        except TerraformError as exc:
            raise HclError(f"{example}: {exc}") from exc
    for line in proc.stdout.splitlines():
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if message.get("type") == "test_plan":
            return message["test_plan"]
    if "No value for required variable" in proc.stdout:
        raise MissingInputs(f"{example.name} has required variables without defaults")
    errors = []
    for line in proc.stdout.splitlines():
        try:
            diag = json.loads(line).get("diagnostic") or {}
        except ValueError:
            continue
        if diag.get("severity") == "error":
            errors.append(f"{diag.get('summary', '')}: {diag.get('detail', '')}".strip(": "))
    raise PlanFailed(
        f"{example.name}: terraform test could not plan it with a mocked provider: "
        + ("; ".join(errors) or proc.stderr.strip()[-500:] or "no plan reported")
    )


def example_openapi(root: Path, example: Path, tf: str | None = None) -> dict[str, Any] | None:
    """The example's rendered OpenAPI document, or None when it has no known document."""
    if not any('output "openapi_document"' in p.read_text() for p in example.glob("*.tf")):
        return None
    change = (example_plan(root, example, tf).get("output_changes") or {}).get(
        "openapi_document"
    ) or {}
    if change.get("after_unknown") or not isinstance(change.get("after"), str):
        return None
    return json.loads(change["after"])


def export_openapi(root: Path, write: bool = True, tf: str | None = None) -> list[DocsResult]:
    results = []
    for example in sorted((root / "modules").glob("*/examples/*")):
        if not any(example.glob("*.tf")):
            continue
        target = example / "openapi.json"
        try:
            doc = example_openapi(root, example, tf)
        except (MissingInputs, PlanFailed) as exc:
            results.append(DocsResult(target, False, f"not exported: {exc}"))
            continue
        if doc is None:
            continue
        text = json.dumps(doc, indent=2, sort_keys=True) + "\n"
        current = target.read_text(encoding="utf-8") if target.is_file() else ""
        changed = text != current
        if changed and write:
            target.write_text(text, encoding="utf-8")
        results.append(DocsResult(target, changed))
    return results
