"""modules/sagemaker-route and policy CKV_AIGW_18 agree on which SageMaker instance
types have local instance storage (and so take no KMS key on the endpoint config).

The module decides in HCL, the policy pack in Python (which imports checkov, so it is
read here with `ast`, not imported): the list of families and the `d`-variant pattern
must be the same in both, or the scan and the module would disagree about a deploy.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from aigw.docs import literal, parse_body

ROOT = Path(__file__).resolve().parents[3]


def _module_locals() -> dict[str, str]:
    body = parse_body((ROOT / "modules/sagemaker-route/main.tf").read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for block in body.blocks:
        if block.type == "locals":
            found.update(block.attributes)
    return found


def _policy_constants() -> dict[str, object]:
    tree = ast.parse((ROOT / "policies/sagemaker.py").read_text(encoding="utf-8"))
    found: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name == "INSTANCE_STORAGE_FAMILIES":
                found[name] = ast.literal_eval(node.value)
            elif name == "D_VARIANT":
                assert isinstance(node.value, ast.Call)
                found[name] = ast.literal_eval(node.value.args[0])
    return found


def test_module_and_policy_list_the_same_families() -> None:
    module = set(literal(_module_locals()["instance_storage_families"]))
    policy = set(_policy_constants()["INSTANCE_STORAGE_FAMILIES"])  # type: ignore[arg-type]
    assert module == policy, (
        f"only in the module: {module - policy}; only in the policy: {policy - module}"
    )
    assert {"g5", "g6", "g6e", "p5"} <= module


def test_module_and_policy_use_the_same_d_variant_pattern() -> None:
    pattern = str(_policy_constants()["D_VARIANT"])
    expression = _module_locals()["local_storage_endpoints"]
    hcl_patterns = [
        literal(f'"{p}"') for p in re.findall(r'regex\("((?:[^"\\]|\\.)*)"', expression)
    ]
    assert hcl_patterns == [pattern]
    for family, local_storage in {
        "m5d": True,
        "c5d": True,
        "r5d": True,
        "g4dn": True,
        "p4d": True,
        "p4de": True,
        "m6gd": True,
        "m5": False,
        "c6gn": False,
        "inf2": False,
        "g5": False,
        "trn1": False,
    }.items():
        assert bool(re.match(pattern, family)) is local_storage, family
