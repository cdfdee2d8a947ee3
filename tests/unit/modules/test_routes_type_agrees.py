"""modules/ai-gateway's ``extra_routes`` has the type of gateway-core's ``routes``.

extra_routes are merged into gateway-core's routes unchanged: an attribute gateway-core's
routes contract gained but ai-gateway's copy lacks would be dropped on the way (Terraform
discards undeclared object attributes). Both types are read from the modules' files.
"""

from __future__ import annotations

import re
from pathlib import Path

from aigw.docs.hcl import parse_body

REPO = Path(__file__).resolve().parents[3]


def variable_type(module: str, name: str) -> str:
    for path in sorted((REPO / "modules" / module).glob("variables*.tf")):
        for block in parse_body(path.read_text(encoding="utf-8")).blocks:
            if block.type == "variable" and block.labels == [name]:
                # Comments and layout aside, the type expression itself.
                text = re.sub(r"#[^\n]*", "", block.attributes["type"])
                return re.sub(r"\s+", " ", text).strip()
    raise AssertionError(f"modules/{module} has no variable {name}")


def test_extra_routes_is_typed_by_the_routes_contract() -> None:
    assert variable_type("ai-gateway", "extra_routes") == variable_type("gateway-core", "routes")


def test_extra_routes_is_not_any() -> None:
    assert variable_type("ai-gateway", "extra_routes") != "any"
