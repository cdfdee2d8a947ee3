"""The provider registry: one table of provider types, and nothing outside it.

A config document naming another type is refused when it is parsed; an adapter is
never built for a type the table does not list (before the table, any unknown type
was served by the Bedrock adapter).
"""

from __future__ import annotations

import json

import pytest
from llm_helpers import TENANT, base_config, make_gateway, post

from llm_gateway.config import (
    ConfigError,
    GatewayConfig,
    ModelConfig,
    ProviderConfig,
    Target,
    parse_config,
)
from llm_gateway.providers.registry import ADAPTERS, PROVIDER_TYPES, make_provider

ALLOWED = "must be one of: bedrock, openai, mock"


def test_config_load_refuses_an_unknown_type_naming_the_allowed_ones() -> None:
    doc = base_config(providers={"mock": {"type": "mock"}, "az": {"type": "azure"}})
    with pytest.raises(ConfigError, match=f"providers.az.type {ALLOWED}"):
        parse_config(doc)


def test_the_config_accepts_exactly_the_registered_types() -> None:
    assert set(PROVIDER_TYPES) == set(ADAPTERS) == {"bedrock", "openai", "mock"}
    for ptype in PROVIDER_TYPES:
        extra = {"base_url": "https://example.com/v1"} if ptype == "openai" else {}
        cfg = parse_config(base_config(providers={"mock": {"type": ptype, **extra}}))
        assert cfg.providers["mock"].type == ptype


@pytest.mark.parametrize("ptype", ["azure", "Bedrock", "", "bedrock "])
def test_no_adapter_for_an_unregistered_type(ptype: str) -> None:
    with pytest.raises(ConfigError, match=f"providers.x.type {ALLOWED}"):
        make_provider(ProviderConfig("x", ptype))


@pytest.mark.parametrize("ptype", PROVIDER_TYPES)
def test_each_registered_type_builds_its_own_adapter(ptype: str) -> None:
    module, name = ADAPTERS[ptype]
    adapter = make_provider(ProviderConfig("x", ptype, base_url="https://example.com/v1"))
    assert (type(adapter).__module__, type(adapter).__name__) == (module, name)


def test_a_config_built_in_code_with_an_unknown_type_is_answered_503() -> None:
    cfg = GatewayConfig(
        providers={"az": ProviderConfig("az", "azure")},
        models={"chat": ModelConfig("chat", "chat", (Target("az", "gpt"),))},
    )
    gw, cap = make_gateway(cfg)
    resp = post(
        gw,
        "/v1/chat/completions",
        {"model": "chat", "messages": [{"role": "user", "content": "hi"}]},
        TENANT,
    )
    assert resp.status == 503
    assert json.loads(resp.body)["error"]["code"] == "config_unavailable"
    logged = [line for line in cap.logs if line["msg"] == "config_unavailable"]
    assert logged and ALLOWED in logged[0]["detail"]
