"""The version in pyproject.toml, the newest CHANGELOG release and the READMEs' refs agree.

docs/releasing.md: the version lives in pyproject.toml; the newest released CHANGELOG
section, every ``?ref=vX.Y.Z`` in README.md and the module READMEs, and the README's
``version = "~> X.Y"`` follow it.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import pytest

import aigw

ROOT = Path(__file__).resolve().parents[3]
RELEASE = re.compile(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})\s*$", re.M)
SECTION = re.compile(r"^## \[([^\]]+)\]", re.M)


def project_version(root: Path) -> str:
    return tomllib.loads((root / "pyproject.toml").read_text())["project"]["version"]


def release_problems(root: Path) -> list[str]:
    version = project_version(root)
    problems: list[str] = []
    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    sections = SECTION.findall(changelog)
    releases = RELEASE.findall(changelog)
    if not releases:
        problems.append("CHANGELOG.md has no released section (## [X.Y.Z] - YYYY-MM-DD)")
    else:
        newest, date = releases[0]
        if newest != version:
            problems.append(f"newest CHANGELOG release {newest} != pyproject version {version}")
        dt.date.fromisoformat(date)
        numbers = [tuple(map(int, v.split("."))) for v, _ in releases]
        if numbers != sorted(numbers, reverse=True):
            problems.append("CHANGELOG releases are not newest first")
    if sections and sections[0] != "Unreleased":
        problems.append("CHANGELOG.md must open with an [Unreleased] section")
    for extra in sorted(set(sections) - {"Unreleased"} - {v for v, _ in releases}):
        problems.append(f"CHANGELOG section [{extra}] is neither Unreleased nor X.Y.Z - date")
    readmes = [root / "README.md", *sorted((root / "modules").glob("*/README.md"))]
    for readme in readmes:
        text = readme.read_text(encoding="utf-8")
        rel = readme.relative_to(root)
        for ref in re.findall(r"\?ref=([\w.-]+)", text):
            if ref != f"v{version}":
                problems.append(f"{rel}: ?ref={ref} is not v{version}")
        for pin in re.findall(r'version\s*=\s*"~>\s*([\d.]+)"', text):
            if pin != ".".join(version.split(".")[:2]):
                problems.append(f"{rel}: ~> {pin} does not match {version}")
    return problems


def test_version_changelog_and_readmes_agree() -> None:
    assert release_problems(ROOT) == []
    assert "?ref=v" in (ROOT / "README.md").read_text(), "the README shows how to pin a tag"
    assert aigw.__version__ == project_version(ROOT), "re-run `make setup` after a version bump"


@pytest.mark.parametrize(
    ("file", "old", "new", "problem"),
    [
        ("pyproject.toml", 'version = "0.1.0"', 'version = "0.2.0"', "!= pyproject version 0.2.0"),
        ("CHANGELOG.md", "## [0.1.0] - 2026-11-30", "## [0.0.9] - 2026-11-30", "0.0.9"),
        ("README.md", "?ref=v0.1.0", "?ref=v1.0.0", "README.md: ?ref=v1.0.0"),
        ("modules/m/README.md", "?ref=v0.1.0", "?ref=v0.0.1", "modules/m/README.md"),
        ("README.md", '"~> 0.1"', '"~> 1.0"', "~> 1.0 does not match"),
        ("CHANGELOG.md", "## [Unreleased]\n", "", "must open with an [Unreleased]"),
    ],
)
def test_a_disagreement_is_reported(
    tmp_path: Path, file: str, old: str, new: str, problem: str
) -> None:
    (tmp_path / "modules" / "m").mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0.1.0"\n')
    (tmp_path / "CHANGELOG.md").write_text(
        "# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2026-11-30\n\n- first\n"
    )
    (tmp_path / "README.md").write_text('Pin `?ref=v0.1.0` or `version = "~> 0.1"`.\n')
    (tmp_path / "modules" / "m" / "README.md").write_text('source = "…?ref=v0.1.0"\n')
    assert release_problems(tmp_path) == []
    path = tmp_path / file
    path.write_text(path.read_text().replace(old, new))
    problems = release_problems(tmp_path)
    assert any(problem in p for p in problems), problems
