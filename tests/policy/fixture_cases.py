"""The policy fixture convention, shared by the checkov run (test_policy_pack.py) and the
in-process layer (test_policy_checks.py); docs/policies.md describes it.

``tests/policy/fixtures/ckv_aigw_<n>/`` holds ``pass`` / ``pass-<case>`` folders that the
check must pass, one ``fail`` / ``fail-<condition>`` folder per condition it enforces, and
optionally ``unresolved/`` (no verdict). A failing folder's ``expect.txt`` lists lines that
must each appear, as whole words, in the details of every failing finding; ``resource:
<address>`` lines name failing resources instead (YAML graph checks report no details).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _pack_ids() -> tuple[set[str], set[str]]:
    """The CKV_AIGW ids of policies/: (Python checks, YAML graph checks)."""
    python: set[str] = set()
    graph: set[str] = set()
    for path in (ROOT / "policies").iterdir():
        if path.suffix == ".py":
            python |= set(re.findall(r"\"(CKV_AIGW_\d+)\"", path.read_text(encoding="utf-8")))
        elif path.suffix in (".yaml", ".yml"):
            graph |= set(re.findall(r"^\s+id:\s*(CKV_AIGW_\d+)", path.read_text(), re.M))
    return python, graph


def _by_number(ids: set[str]) -> list[str]:
    return sorted(ids, key=lambda i: int(i.rsplit("_", 1)[1]))


PYTHON_CHECK_IDS = _by_number(_pack_ids()[0])
GRAPH_CHECK_IDS = _by_number(_pack_ids()[1])
CHECK_IDS = _by_number(set(PYTHON_CHECK_IDS) | set(GRAPH_CHECK_IDS))


def fixture_cases(check_id: str, kind: str) -> list[str]:
    """The fixture folders of a check named ``kind`` or ``kind-<something>``."""
    folder = FIXTURES / check_id.lower()
    if not folder.is_dir():
        return []
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.is_dir() and (p.name == kind or p.name.startswith(f"{kind}-"))
    )


def all_cases(kind: str, check_ids: list[str] = CHECK_IDS) -> list[tuple[str, str]]:
    return [(check_id, case) for check_id in check_ids for case in fixture_cases(check_id, kind)]


def expectations(check_id: str, case: str) -> tuple[list[str], list[str]]:
    """A failing folder's expect.txt: (lines the details must contain, resource addresses)."""
    path = FIXTURES / check_id.lower() / case / "expect.txt"
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    resources = [
        line.removeprefix("resource:").strip() for line in lines if line.startswith("resource:")
    ]
    details = [line for line in lines if not line.startswith("resource:")]
    return details, resources


def appears(line: str, details: list[str]) -> bool:
    """``line`` stands in one of ``details`` as whole words (not glued to other letters)."""
    pattern = re.compile(rf"(?<!\w){re.escape(line)}(?!\w)")
    return any(pattern.search(d) for d in details)
