"""The records a parsed config document is made of, and :class:`ConfigError`.

:func:`llm_gateway.config.parse_config` builds them; everything else reads them.
"""

from __future__ import annotations

import re

from aigw_shared.records import Factory, record
from llm_gateway.retry import RetryPolicy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class ConfigError(ValueError):
    """The config document is invalid; the message names the field."""


@record
class ProviderConfig:
    name: str
    type: str
    region: str | None = None
    endpoint_url: str | None = None  # bedrock: override the bedrock-runtime endpoint
    base_url: str | None = None  # openai: e.g. https://api.openai.com/v1
    api_key_secret_arn: str | None = None
    auth_header: str = "authorization"  # "authorization" (Bearer) or "api-key" (Azure)
    query: dict[str, str] = Factory(dict)  # e.g. {"api-version": "..."}
    connect_timeout_ms: int = 2000
    read_timeout_ms: int = 60000


@record
class Guardrail:
    id: str
    version: str
    trace: bool = False


@record
class Target:
    provider: str
    model: str
    weight: int = 1
    guardrail: Guardrail | None = None
    retry: RetryPolicy = Factory(RetryPolicy)  # same-target retries of throttled calls

    @property
    def key(self) -> str:
        return f"{self.provider}/{self.model}"


@record
class ModelConfig:
    alias: str
    type: str
    targets: tuple[Target, ...]
    strategy: str = "ordered"
    owned_by: str = "aigw"
    dimensions: int | None = None  # embeddings: requested vector size, when supported


@record
class Price:
    input_per_1m: float = 0.0
    output_per_1m: float = 0.0
    cache_read_per_1m: float = 0.0
    cache_write_per_1m: float | None = None  # None: cache writes cost the input price


@record
class PromptVariable:
    required: bool = True
    default: str | None = None
    max_length: int = 4000


# ``{{ name }}`` in a prompt template's message content
TEMPLATE_VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,63})\s*\}\}")


@record
class PromptTemplate:
    name: str
    model: str
    messages: tuple[dict[str, str], ...]
    variables: dict[str, PromptVariable]
    parameters: dict[str, Any]


@record
class RoutingConfig:
    deadline_ms: int = 28000
    failure_threshold: int = 5
    cooldown_ms: int = 30000
    attempt_timeout_ms: int | None = None  # None: an equal share of the time left


@record
class QuotaConfig:
    enabled: bool = False
    table_name: str | None = None
    period: str = "month"
    tiers: dict[str, int] = Factory(dict)  # tier -> tokens per period
    tenants: dict[str, int] = Factory(dict)  # tenant overrides
    default_tokens: int | None = None  # for tiers not listed; None = unlimited
    reserve_output_tokens: int = 1024
    usd_tiers: dict[str, float] = Factory(dict)  # tier -> USD per period
    usd_tenants: dict[str, float] = Factory(dict)  # tenant overrides
    usd_default: float | None = None  # for tiers not listed; None = no USD budget
    usd_models: dict[str, dict[str, float]] = Factory(dict)  # tenant -> model alias -> USD


@record
class CacheConfig:
    enabled: bool = False
    table_name: str | None = None
    ttl_seconds: int = 300


@record
class LimitsConfig:
    max_body_bytes: int = 6_000_000
    max_messages: int = 1000
    max_embedding_inputs: int = 256


@record
class GatewayConfig:
    providers: dict[str, ProviderConfig]
    models: dict[str, ModelConfig]
    prices: dict[str, Price] = Factory(dict)
    prompts: dict[str, PromptTemplate] = Factory(dict)
    routing: RoutingConfig = Factory(RoutingConfig)
    quotas: QuotaConfig = Factory(QuotaConfig)
    limits: LimitsConfig = Factory(LimitsConfig)
    cache: CacheConfig = Factory(CacheConfig)
    redaction: str = "metadata"
    metrics_namespace: str = "aigw"
    metrics_enabled: bool = True
    allow_anonymous: bool = False
