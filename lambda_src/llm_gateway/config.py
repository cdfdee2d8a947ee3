"""The gateway config document (JSON, written by Terraform into an SSM parameter).

``docs/llm-gateway.md`` documents every field; :func:`parse_config` is the one place
that validates it. Invalid documents raise :class:`ConfigError` naming the field. The
records it builds live in ``config_types.py`` (re-exported here), the field readers in
``config_fields.py``.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable

from aigw_shared import params
from aigw_shared.jsonlog import REDACTION_MODES
from llm_gateway.config_fields import boolean, integer, known, number, obj, string
from llm_gateway.config_types import (
    TEMPLATE_VARIABLE,
    CacheConfig,
    ConfigError,
    GatewayConfig,
    Guardrail,
    LimitsConfig,
    ModelConfig,
    Price,
    PromptTemplate,
    PromptVariable,
    ProviderConfig,
    QuotaConfig,
    RoutingConfig,
    Target,
)
from llm_gateway.providers.registry import PROVIDER_TYPES
from llm_gateway.retry import MAX_ATTEMPTS, MAX_DELAY_MS, RETRY_FIELDS, RetryPolicy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "CacheConfig",
    "ConfigError",
    "ConfigLoader",
    "GatewayConfig",
    "Guardrail",
    "LimitsConfig",
    "ModelConfig",
    "Price",
    "PromptTemplate",
    "PromptVariable",
    "ProviderConfig",
    "QuotaConfig",
    "RoutingConfig",
    "Target",
    "parse_config",
]

MODEL_TYPES = ("chat", "embedding")
STRATEGIES = ("ordered", "weighted")
PERIODS = ("day", "month")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$")


def _provider(name: str, doc: dict[str, Any]) -> ProviderConfig:
    where = f"providers.{name}"
    known(
        doc,
        {
            "type",
            "region",
            "endpoint_url",
            "base_url",
            "api_key_secret_arn",
            "auth_header",
            "query",
            "connect_timeout_ms",
            "read_timeout_ms",
        },
        where,
    )
    ptype = string(doc, "type", where, required=True, choices=PROVIDER_TYPES)
    base_url = string(doc, "base_url", where)
    if ptype == "openai":
        if not base_url or not re.match(r"^https?://[^/\s]+", base_url):
            raise ConfigError(f"{where}.base_url must be an http(s) URL for type openai")
    endpoint_url = string(doc, "endpoint_url", where)
    if endpoint_url and not re.match(r"^https?://[^/\s]+", endpoint_url):
        raise ConfigError(f"{where}.endpoint_url must be an http(s) URL")
    query = obj(doc.get("query"), f"{where}.query")
    if not all(isinstance(v, str) for v in query.values()):
        raise ConfigError(f"{where}.query values must be strings")
    return ProviderConfig(
        name=name,
        type=ptype,
        region=string(doc, "region", where),
        endpoint_url=endpoint_url,
        base_url=base_url.rstrip("/") if base_url else None,
        api_key_secret_arn=string(doc, "api_key_secret_arn", where),
        auth_header=string(
            doc, "auth_header", where, "authorization", choices=("authorization", "api-key")
        ),
        query=dict(query),
        connect_timeout_ms=integer(doc, "connect_timeout_ms", where, 2000, 1, 60000),
        read_timeout_ms=integer(doc, "read_timeout_ms", where, 60000, 1, 900000),
    )


def _target(doc: Any, where: str, providers: dict[str, ProviderConfig]) -> Target:
    doc = obj(doc, where)
    known(doc, {"provider", "model", "weight", "guardrail", "retry"}, where)
    provider = string(doc, "provider", where, required=True)
    if provider not in providers:
        raise ConfigError(f"{where}.provider {provider!r} is not defined in providers")
    guardrail = None
    if doc.get("guardrail") is not None:
        g = obj(doc["guardrail"], f"{where}.guardrail")
        known(g, {"id", "version", "trace"}, f"{where}.guardrail")
        if providers[provider].type != "bedrock":
            raise ConfigError(f"{where}.guardrail is only supported for bedrock providers")
        guardrail = Guardrail(
            string(g, "id", f"{where}.guardrail", required=True),
            string(g, "version", f"{where}.guardrail", "DRAFT"),
            boolean(g, "trace", f"{where}.guardrail", False),
        )
    r, rw = obj(doc.get("retry"), f"{where}.retry"), f"{where}.retry"
    known(r, set(RETRY_FIELDS), rw)
    retry = RetryPolicy(
        integer(r, "attempts", rw, RetryPolicy().attempts, 1, MAX_ATTEMPTS),
        integer(r, "base_delay_ms", rw, RetryPolicy().base_delay_ms, 1, MAX_DELAY_MS),
        integer(r, "max_delay_ms", rw, RetryPolicy().max_delay_ms, 1, MAX_DELAY_MS),
    )
    if retry.max_delay_ms < retry.base_delay_ms:
        raise ConfigError(f"{rw}.max_delay_ms must be at least base_delay_ms")
    return Target(
        provider,
        string(doc, "model", where, required=True),
        integer(doc, "weight", where, 1, 0, 1000),
        guardrail,
        retry,
    )


def _model(alias: str, doc: dict[str, Any], providers: dict[str, ProviderConfig]) -> ModelConfig:
    where = f"models.{alias}"
    known(doc, {"type", "targets", "strategy", "owned_by", "dimensions"}, where)
    targets = doc.get("targets")
    if not isinstance(targets, list) or not targets:
        raise ConfigError(f"{where}.targets must be a non-empty list")
    parsed = tuple(_target(t, f"{where}.targets[{i}]", providers) for i, t in enumerate(targets))
    strategy = string(doc, "strategy", where, "ordered", choices=STRATEGIES)
    if strategy == "weighted" and not any(t.weight > 0 for t in parsed):
        raise ConfigError(f"{where}: weighted strategy needs at least one weight > 0")
    return ModelConfig(
        alias,
        string(doc, "type", where, "chat", choices=MODEL_TYPES),
        parsed,
        strategy,
        string(doc, "owned_by", where, "aigw"),
        integer(doc, "dimensions", where, None, 1, 100000),
    )


def _prompt(name: str, doc: dict[str, Any], models: dict[str, ModelConfig]) -> PromptTemplate:
    where = f"prompts.{name}"
    known(doc, {"model", "messages", "variables", "parameters"}, where)
    model = string(doc, "model", where, required=True)
    if model not in models:
        raise ConfigError(f"{where}.model {model!r} is not defined in models")
    messages = doc.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ConfigError(f"{where}.messages must be a non-empty list")
    variables: dict[str, PromptVariable] = {}
    for vname, vdoc in obj(doc.get("variables"), f"{where}.variables").items():
        vw = f"{where}.variables.{vname}"
        vdoc = obj(vdoc, vw)
        known(vdoc, {"required", "default", "max_length"}, vw)
        variables[vname] = PromptVariable(
            boolean(vdoc, "required", vw, vdoc.get("default") is None),
            string(vdoc, "default", vw) if vdoc.get("default") != "" else "",
            integer(vdoc, "max_length", vw, 4000, 1, 1_000_000),
        )
    used: set[str] = set()
    out = []
    for i, m in enumerate(messages):
        mw = f"{where}.messages[{i}]"
        m = obj(m, mw)
        known(m, {"role", "content"}, mw)
        role = string(
            m, "role", mw, required=True, choices=("system", "developer", "user", "assistant")
        )
        content = m.get("content")
        if not isinstance(content, str):
            raise ConfigError(f"{mw}.content must be a string")
        used.update(TEMPLATE_VARIABLE.findall(content))
        out.append({"role": role, "content": content})
    undefined = sorted(used - set(variables))
    if undefined:
        raise ConfigError(f"{where}: template uses undefined variable(s) {', '.join(undefined)}")
    parameters = obj(doc.get("parameters"), f"{where}.parameters")
    allowed = {"temperature", "top_p", "max_tokens", "stop", "response_format"}
    known(parameters, allowed, f"{where}.parameters")
    return PromptTemplate(name, model, tuple(out), variables, dict(parameters))


def parse_config(doc: Any) -> GatewayConfig:
    """Validate a config document (already JSON-decoded) into a :class:`GatewayConfig`."""
    if not isinstance(doc, dict):
        raise ConfigError("the config document must be a JSON object")
    known(
        doc,
        {
            "version",
            "providers",
            "models",
            "prices",
            "prompts",
            "routing",
            "quotas",
            "limits",
            "logging",
            "metrics",
            "auth",
            "cache",
        },
        "config",
    )
    if doc.get("version", 1) != 1:
        raise ConfigError("config.version must be 1")
    providers = {}
    for name, p in obj(doc.get("providers"), "providers").items():
        if not _NAME_RE.match(name):
            raise ConfigError(f"providers: invalid name {name!r}")
        providers[name] = _provider(name, obj(p, f"providers.{name}"))
    models = {}
    for alias, m in obj(doc.get("models"), "models").items():
        if not _NAME_RE.match(alias):
            raise ConfigError(f"models: invalid alias {alias!r}")
        models[alias] = _model(alias, obj(m, f"models.{alias}"), providers)
    prices = {}
    for model_id, p in obj(doc.get("prices"), "prices").items():
        pw = f"prices.{model_id}"
        p = obj(p, pw)
        known(p, {"input_per_1m", "output_per_1m", "cache_read_per_1m", "cache_write_per_1m"}, pw)
        prices[model_id] = Price(
            number(p, "input_per_1m", pw),
            number(p, "output_per_1m", pw),
            number(p, "cache_read_per_1m", pw),
            None if p.get("cache_write_per_1m") is None else number(p, "cache_write_per_1m", pw),
        )
    prompts = {
        name: _prompt(name, obj(p, f"prompts.{name}"), models)
        for name, p in obj(doc.get("prompts"), "prompts").items()
    }
    r = obj(doc.get("routing"), "routing")
    known(r, {"deadline_ms", "failure_threshold", "cooldown_ms", "attempt_timeout_ms"}, "routing")
    routing = RoutingConfig(
        integer(r, "deadline_ms", "routing", 28000, 100, 900000),
        integer(r, "failure_threshold", "routing", 5, 1, 1000),
        integer(r, "cooldown_ms", "routing", 30000, 0, 3600000),
        integer(r, "attempt_timeout_ms", "routing", None, 50, 900000),
    )
    q = obj(doc.get("quotas"), "quotas")
    known(
        q,
        {
            "enabled",
            "table_name",
            "period",
            "tiers",
            "tenants",
            "default_tokens",
            "reserve_output_tokens",
            "usd",
        },
        "quotas",
    )
    usd = obj(q.get("usd"), "quotas.usd")
    known(usd, {"tiers", "tenants", "default", "models"}, "quotas.usd")

    def _usd(items: dict[str, Any], where: str) -> dict[str, float]:
        return {k: number(items, k, where) for k in items}

    usd_models = {
        tenant: _usd(obj(per_model, f"quotas.usd.models.{tenant}"), f"quotas.usd.models.{tenant}")
        for tenant, per_model in obj(usd.get("models"), "quotas.usd.models").items()
    }

    def _tokens(section: str) -> dict[str, int]:
        items = obj(q.get(section), f"quotas.{section}")
        for k in items:
            integer(items, k, f"quotas.{section}", None, 0)
        return dict(items)

    quotas = QuotaConfig(
        enabled=boolean(q, "enabled", "quotas", False),
        table_name=string(q, "table_name", "quotas"),
        period=string(q, "period", "quotas", "month", choices=PERIODS),
        tiers=_tokens("tiers"),
        tenants=_tokens("tenants"),
        default_tokens=integer(q, "default_tokens", "quotas", None, 0),
        reserve_output_tokens=integer(q, "reserve_output_tokens", "quotas", 1024, 0, 1_000_000),
        usd_tiers=_usd(obj(usd.get("tiers"), "quotas.usd.tiers"), "quotas.usd.tiers"),
        usd_tenants=_usd(obj(usd.get("tenants"), "quotas.usd.tenants"), "quotas.usd.tenants"),
        usd_default=None if usd.get("default") is None else number(usd, "default", "quotas.usd"),
        usd_models=usd_models,
    )
    if quotas.enabled and not quotas.table_name:
        raise ConfigError("quotas.table_name is required when quotas.enabled is true")
    lim = obj(doc.get("limits"), "limits")
    known(lim, {"max_body_bytes", "max_messages", "max_embedding_inputs"}, "limits")
    limits = LimitsConfig(
        integer(lim, "max_body_bytes", "limits", 6_000_000, 1, 10_485_760),
        integer(lim, "max_messages", "limits", 1000, 1, 100000),
        integer(lim, "max_embedding_inputs", "limits", 256, 1, 10000),
    )
    lg = obj(doc.get("logging"), "logging")
    known(lg, {"redaction"}, "logging")
    met = obj(doc.get("metrics"), "metrics")
    known(met, {"namespace", "enabled"}, "metrics")
    auth = obj(doc.get("auth"), "auth")
    known(auth, {"allow_anonymous"}, "auth")
    c = obj(doc.get("cache"), "cache")
    known(c, {"enabled", "table_name", "ttl_seconds"}, "cache")
    cache = CacheConfig(
        enabled=boolean(c, "enabled", "cache", False),
        table_name=string(c, "table_name", "cache"),
        ttl_seconds=integer(c, "ttl_seconds", "cache", 300, 1, 604800),
    )
    if cache.enabled and not cache.table_name:
        raise ConfigError("cache.table_name is required when cache.enabled is true")
    return GatewayConfig(
        providers=providers,
        models=models,
        prices=prices,
        prompts=prompts,
        routing=routing,
        quotas=quotas,
        limits=limits,
        cache=cache,
        redaction=string(lg, "redaction", "logging", "metadata", choices=REDACTION_MODES),
        metrics_namespace=string(met, "namespace", "metrics", "aigw"),
        metrics_enabled=boolean(met, "enabled", "metrics", True),
        allow_anonymous=boolean(auth, "allow_anonymous", "auth", False),
    )


class ConfigLoader:
    """Loads and caches the config document named by the environment.

    ``AIGW_CONFIG_PARAMETER`` (SSM parameter name) or ``AIGW_CONFIG_FILE`` (local path);
    ``AIGW_CONFIG_TTL_SECONDS`` (default 60). A refresh that fails to read or to validate
    keeps the last good config.
    """

    def __init__(
        self, env: dict[str, str] | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        env = dict(os.environ if env is None else env)
        self.parameter = env.get("AIGW_CONFIG_PARAMETER")
        self.file = env.get("AIGW_CONFIG_FILE")
        if not self.parameter and not self.file:
            raise ConfigError("set AIGW_CONFIG_PARAMETER (SSM parameter name) or AIGW_CONFIG_FILE")
        try:
            ttl = float(env.get("AIGW_CONFIG_TTL_SECONDS", "60"))
        except ValueError:
            raise ConfigError("AIGW_CONFIG_TTL_SECONDS must be a number") from None
        self._cache = params.TtlCache(self._load, ttl, clock)

    def _load(self, _key: str) -> GatewayConfig:
        text = (
            params.read_file(self.file) if self.file else params.read_parameter(str(self.parameter))
        )
        try:
            doc = json.loads(text)
        except ValueError:
            raise ConfigError("the config document is not valid JSON") from None
        return parse_config(doc)

    def get(self) -> GatewayConfig:
        return self._cache.get("config")
