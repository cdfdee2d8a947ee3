"""The environments pass modules/ai-gateway's inputs through with the module's types.

envs/_shared/variables_gateway.tf is generated from the module's variable blocks
(``aigw docs``, :mod:`aigw.docs.passthrough`): a module input that gained an attribute, a
validation or a new input makes the file stale, and an input that is declared but not
passed on in envs/_shared/main.tf would be silently dropped. envs/dev|staging|prod link
the shared files, so they read the same declarations.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aigw.docs import passthrough
from aigw.docs.hcl import parse_body

REPO = Path(__file__).resolve().parents[3]


def test_the_generated_declarations_are_current() -> None:
    current = (REPO / passthrough.TARGET).read_text(encoding="utf-8")
    assert current == passthrough.render(REPO), (
        "envs/_shared/variables_gateway.tf is stale: run `aigw docs` (make docs)"
    )


def test_no_gateway_input_reaches_the_envs_untyped() -> None:
    for path in sorted((REPO / "envs/_shared").glob("variables*.tf")):
        for block in parse_body(path.read_text(encoding="utf-8")).blocks:
            assert block.attributes.get("type", "").strip() != "any", (path.name, block.labels)


def test_every_declared_input_is_passed_to_the_module() -> None:
    main = parse_body((REPO / "envs/_shared/main.tf").read_text(encoding="utf-8"))
    gateway = next(b for b in main.blocks if b.type == "module" and b.labels == ["gateway"])
    for name in passthrough.passed_through(REPO):
        assert gateway.attributes.get(name) == f"var.{name}", name
    # and nothing the module owns is declared twice by hand
    shared = parse_body((REPO / "envs/_shared/variables.tf").read_text(encoding="utf-8"))
    assert not {b.labels[0] for b in shared.blocks} & set(passthrough.passed_through(REPO))


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_each_env_links_the_shared_declarations(env: str) -> None:
    link = REPO / "envs" / env / "variables_gateway.tf"
    assert link.is_symlink() and link.resolve() == (REPO / passthrough.TARGET).resolve()


def test_a_changed_module_type_makes_the_file_stale(tmp_path: Path) -> None:
    """The staleness check can fail: a copy of the module with one more attribute."""
    (tmp_path / passthrough.MODULE).mkdir(parents=True)
    for path in (REPO / passthrough.MODULE).glob("variables*.tf"):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"(\n    url\s+= string)", r"\1\n    region = optional(string)", text)
        (tmp_path / passthrough.MODULE / path.name).write_text(text, encoding="utf-8")
    assert "region = optional(string)" in passthrough.render(tmp_path)
    assert passthrough.render(tmp_path) != passthrough.render(REPO)
