"""What a scan reports: findings, the report, and the policy pack's documentation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

POLICY_ROW = re.compile(r"^\|\s*(?:<a id=\"[^\"]*\"></a>)?(CKV_AIGW_\d+)\s*\|(.*)\|\s*$")
FAILED, PASSED, SKIPPED = "failed", "passed", "skipped"


class ScanError(RuntimeError):
    """The scan could not run (missing checkov, unreadable output, terraform failure)."""


@dataclass(frozen=True)
class PolicyDoc:
    check_id: str
    what: str
    why: str
    fix: str


@dataclass
class Finding:
    """One check on one resource (or one scan step), as shown in every report."""

    check_id: str
    check_name: str
    status: str  # failed | passed | skipped
    source: str  # hcl | plan:<name> | terraform | hygiene
    resource: str = ""
    file: str = ""
    start_line: int = 0
    end_line: int = 0
    details: list[str] = field(default_factory=list)
    why: str = ""
    fix: str = ""
    guideline: str = ""
    skip_reason: str = ""

    @property
    def where(self) -> str:
        if not self.file:
            return "-"
        return f"{self.file}:{self.start_line}" if self.start_line else self.file

    def key(self) -> tuple[str, str, str, str, int]:
        return (self.source, self.check_id, self.resource, self.file, self.start_line)


@dataclass
class ScanReport:
    findings: list[Finding]
    seconds: float = 0.0
    steps: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[Finding]:
        return [f for f in self.findings if f.status == FAILED]

    @property
    def ok(self) -> bool:
        return not self.failed

    def count(self, status: str) -> int:
        return sum(1 for f in self.findings if f.status == status)


# -- the policy pack's documentation (why / how to fix) ---------------------------------
def load_policy_docs(root: Path) -> dict[str, PolicyDoc]:
    """Rows of the table in docs/policies.md: ID | what | why | how to fix."""
    path = root / "docs" / "policies.md"
    if not path.is_file():
        return {}
    docs: dict[str, PolicyDoc] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = POLICY_ROW.match(line.strip())
        if not m:
            continue
        cells = [c.strip() for c in m.group(2).split(" | ")]
        if len(cells) == 3:
            docs[m.group(1)] = PolicyDoc(m.group(1), *cells)
    return docs


def rel_path(root: Path, path: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
