"""Every model an environment routes to has a price (ADR 0125): the same rule as
modules/llm-route's price_check precondition, over envs/*/terraform.tfvars, so a change
to an env's models fails here before anyone plans it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import hcl2
import pytest

ROOT = Path(__file__).resolve().parents[3]
TABLE = json.loads((ROOT / "modules/llm-route/prices/bedrock-2026-11-30.json").read_text())
GEO_PREFIX = re.compile(r"^(us|eu|apac|us-gov|jp|au|ca)\.")
ENVS = sorted(p.parent.name for p in ROOT.glob("envs/*/terraform.tfvars"))


def _s(value: object) -> object:
    return value.strip('"') if isinstance(value, str) else value


def unpriced(tfvars: dict) -> list[str]:
    region = _s(tfvars["region"])
    llm = tfvars.get("llm", {})
    providers = {_s(k): {_s(a): _s(b) for a, b in p.items()} for k, p in llm["providers"].items()}
    overrides = {_s(k) for k in llm.get("prices", {})}
    missing = []
    for model in llm["models"].values():
        for target in model["targets"]:
            provider = providers[_s(target["provider"])]
            model_id = _s(target["model"])
            if provider["type"] == "mock" or model_id in overrides:
                continue
            table = TABLE["regions"].get(provider.get("region", region), {})
            if provider["type"] != "bedrock" or GEO_PREFIX.sub("", model_id) not in table:
                missing.append(model_id)
    return missing


@pytest.mark.parametrize("env", ENVS)
def test_every_routed_model_of_the_env_has_a_price(env: str) -> None:
    with (ROOT / "envs" / env / "terraform.tfvars").open() as fh:
        tfvars = hcl2.load(fh)
    assert unpriced(tfvars) == []


def test_the_rule_catches_an_unpriced_model() -> None:
    tfvars = {
        "region": '"us-east-1"',
        "llm": {
            "providers": {"bedrock": {"type": '"bedrock"'}, "oa": {"type": '"openai"'}},
            "models": {
                "a": {"targets": [{"provider": '"bedrock"', "model": '"us.meta.llama9"'}]},
                "b": {"targets": [{"provider": '"oa"', "model": '"gpt-4o"'}]},
                "c": {"targets": [{"provider": '"bedrock"', "model": '"amazon.nova-lite-v1:0"'}]},
            },
        },
    }
    assert unpriced(tfvars) == ["us.meta.llama9", "gpt-4o"]
    tfvars["llm"]["prices"] = {'"gpt-4o"': {"input_per_1m": 2.5}}
    assert unpriced(tfvars) == ["us.meta.llama9"]
    tfvars["region"] = '"eu-west-1"'  # the table has no eu-west-1 rows
    assert unpriced(tfvars) == ["us.meta.llama9", "amazon.nova-lite-v1:0"]
