"""One minimum Terraform version, stated the same way everywhere.

The deployed environments' S3 backend locks state with `use_lockfile`, which Terraform
supports from 1.11 (experimental in 1.10). Every root and module's `required_version`,
the README's prerequisites, the message of a missing binary and the CI workflows must
agree with `aigw.terraform.MIN_VERSION`, or a user on an older Terraform gets past the
version check and fails at `init` against the backend.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from aigw.docs import literal, parse_body
from aigw.terraform import MIN_VERSION, TerraformError, tf_binary

ROOT = Path(__file__).resolve().parents[3]
MINIMUM = f">= {MIN_VERSION}"


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _terraform_files() -> list[Path]:
    files = []
    for top in ("modules", "envs", "tests"):
        for path in sorted((ROOT / top).rglob("*.tf")):
            if ".terraform" not in path.parts:
                files.append(path)
    return files


def _required_versions() -> dict[str, str]:
    """required_version of every terraform block, by file (relative path)."""
    found: dict[str, str] = {}
    for path in _terraform_files():
        for block in parse_body(path.read_text(encoding="utf-8")).blocks:
            if block.type == "terraform" and "required_version" in block.attributes:
                found[str(path.relative_to(ROOT))] = literal(block.attributes["required_version"])
    return found


def test_min_version_is_where_use_lockfile_is_generally_available() -> None:
    assert _version(MIN_VERSION) >= (1, 11)


def test_every_root_and_module_declares_the_minimum() -> None:
    versions = _required_versions()
    # every module, example and env root carries a versions.tf with the constraint
    roots = {
        str(p.parent.relative_to(ROOT))
        for p in (ROOT / "modules").rglob("variables.tf")
        if ".terraform" not in p.parts
    } | {f"envs/{name}" for name in ("_bootstrap", "_shared", "local")}
    declared = {str(Path(f).parent) for f in versions}
    assert roots <= declared, f"no required_version in {sorted(roots - declared)}"
    wrong = {f: v for f, v in versions.items() if v != MINIMUM}
    assert not wrong, f"required_version must be {MINIMUM!r}: {wrong}"


def test_module_readmes_state_the_minimum() -> None:
    for readme in sorted((ROOT / "modules").glob("*/README.md")):
        rows = [
            line
            for line in readme.read_text(encoding="utf-8").splitlines()
            if 'name="requirement_terraform"' in line
        ]
        assert rows, f"{readme}: no terraform requirement row (make docs)"
        assert all(f"| {MINIMUM} |" in row for row in rows), f"{readme}: {rows}"


def test_readme_prerequisites_state_the_minimum() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    stated = re.findall(r"(Terraform|OpenTofu) ≥ ([0-9]+\.[0-9]+)", text)
    assert ("Terraform", MIN_VERSION) in stated, "README prerequisites name no Terraform minimum"
    assert ("OpenTofu", MIN_VERSION) in stated, (
        "OpenTofu checks required_version against its own version: the README must ask for "
        f"OpenTofu >= {MIN_VERSION} too"
    )
    assert {version for _, version in stated} == {MIN_VERSION}, stated


def _ci_terraform_versions() -> dict[str, list[str]]:
    """terraform_version of every setup-terraform step, by workflow file."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / ".github" / "workflows").glob("*.yml")):
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        for job in (workflow.get("jobs") or {}).values():
            matrix = ((job.get("strategy") or {}).get("matrix") or {}).get("terraform", [])
            for step in job.get("steps") or []:
                if str(step.get("uses", "")).startswith("hashicorp/setup-terraform"):
                    value = str((step.get("with") or {}).get("terraform_version", ""))
                    versions = [str(v) for v in matrix] if "matrix.terraform" in value else [value]
                    found.setdefault(path.name, []).extend(versions)
    return found


def test_ci_runs_terraform_at_the_minimum() -> None:
    ci = _ci_terraform_versions()
    assert ci, "no workflow installs Terraform"
    for workflow, versions in ci.items():
        for version in versions:
            assert re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", version), (
                f"{workflow}: pin an exact Terraform version, not {version!r}"
            )
            assert _version(version)[:2] >= _version(MIN_VERSION), (
                f"{workflow}: Terraform {version} is older than the declared {MIN_VERSION}"
            )
    tested = {v for versions in ci.values() for v in versions}
    assert any(_version(v)[:2] == _version(MIN_VERSION) for v in tested), (
        f"CI tests {sorted(tested)}; one job must run the declared minimum {MIN_VERSION}.x"
    )


def test_missing_binary_message_names_the_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(TerraformError, match=re.escape(f"Terraform >= {MIN_VERSION}")):
        tf_binary("terraform")
