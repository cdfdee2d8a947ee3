"""The gateway config document (JSON, written by Terraform into an SSM parameter).

``docs/llm-gateway.md`` documents every field; :func:`parse_config` is the one place
that validates it. Invalid documents raise :class:`ConfigError` naming the field.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable

from aigw_shared import params
from aigw_shared.records import Factory, record
from llm_gateway.retry import MAX_ATTEMPTS, MAX_DELAY_MS, RETRY_FIELDS, RetryPolicy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

PROVIDER_TYPES = ("bedrock", "openai", "mock")
MODEL_TYPES = ("chat", "embedding")
STRATEGIES = ("ordered", "weighted")
REDACTION_MODES = ("metadata", "hash", "full")
PERIODS = ("day", "month")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$")
_VAR_RE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,63})\s*\}\}")


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


@record
class PromptVariable:
    required: bool = True
    default: str | None = None
    max_length: int = 4000


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


# --------------------------------------------------------------------------- helpers


def _obj(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be an object")
    return value


def _known(doc: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(doc) - allowed)
    if unknown:
        raise ConfigError(f"{where}: unknown field(s) {', '.join(unknown)}")


def _str(
    doc: dict[str, Any],
    key: str,
    where: str,
    default: str | None = None,
    required: bool = False,
    choices: tuple[str, ...] | None = None,
) -> Any:
    value = default if doc.get(key) is None else doc[key]
    if value is None:
        if required:
            raise ConfigError(f"{where}.{key} is required")
        return None
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}.{key} must be a non-empty string")
    if choices and value not in choices:
        raise ConfigError(f"{where}.{key} must be one of: {', '.join(choices)}")
    return value


def _int(
    doc: dict[str, Any], key: str, where: str, default: Any, lo: int = 0, hi: int = 10**15
) -> Any:
    value = default if doc.get(key) is None else doc[key]
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ConfigError(f"{where}.{key} must be an integer between {lo} and {hi}")
    return value


def _num(doc: dict[str, Any], key: str, where: str) -> float:
    value = 0 if doc.get(key) is None else doc[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"{where}.{key} must be a non-negative number")
    return float(value)


def _bool(doc: dict[str, Any], key: str, where: str, default: bool) -> bool:
    value = default if doc.get(key) is None else doc[key]
    if not isinstance(value, bool):
        raise ConfigError(f"{where}.{key} must be true or false")
    return value


# --------------------------------------------------------------------------- parsing


def _provider(name: str, doc: dict[str, Any]) -> ProviderConfig:
    where = f"providers.{name}"
    _known(
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
    ptype = _str(doc, "type", where, required=True, choices=PROVIDER_TYPES)
    base_url = _str(doc, "base_url", where)
    if ptype == "openai":
        if not base_url or not re.match(r"^https?://[^/\s]+", base_url):
            raise ConfigError(f"{where}.base_url must be an http(s) URL for type openai")
    endpoint_url = _str(doc, "endpoint_url", where)
    if endpoint_url and not re.match(r"^https?://[^/\s]+", endpoint_url):
        raise ConfigError(f"{where}.endpoint_url must be an http(s) URL")
    query = _obj(doc.get("query"), f"{where}.query")
    if not all(isinstance(v, str) for v in query.values()):
        raise ConfigError(f"{where}.query values must be strings")
    return ProviderConfig(
        name=name,
        type=ptype,
        region=_str(doc, "region", where),
        endpoint_url=endpoint_url,
        base_url=base_url.rstrip("/") if base_url else None,
        api_key_secret_arn=_str(doc, "api_key_secret_arn", where),
        auth_header=_str(
            doc, "auth_header", where, "authorization", choices=("authorization", "api-key")
        ),
        query=dict(query),
        connect_timeout_ms=_int(doc, "connect_timeout_ms", where, 2000, 1, 60000),
        read_timeout_ms=_int(doc, "read_timeout_ms", where, 60000, 1, 900000),
    )


def _target(doc: Any, where: str, providers: dict[str, ProviderConfig]) -> Target:
    doc = _obj(doc, where)
    _known(doc, {"provider", "model", "weight", "guardrail", "retry"}, where)
    provider = _str(doc, "provider", where, required=True)
    if provider not in providers:
        raise ConfigError(f"{where}.provider {provider!r} is not defined in providers")
    guardrail = None
    if doc.get("guardrail") is not None:
        g = _obj(doc["guardrail"], f"{where}.guardrail")
        _known(g, {"id", "version", "trace"}, f"{where}.guardrail")
        if providers[provider].type != "bedrock":
            raise ConfigError(f"{where}.guardrail is only supported for bedrock providers")
        guardrail = Guardrail(
            _str(g, "id", f"{where}.guardrail", required=True),
            _str(g, "version", f"{where}.guardrail", "DRAFT"),
            _bool(g, "trace", f"{where}.guardrail", False),
        )
    r, rw = _obj(doc.get("retry"), f"{where}.retry"), f"{where}.retry"
    _known(r, set(RETRY_FIELDS), rw)
    retry = RetryPolicy(
        _int(r, "attempts", rw, RetryPolicy().attempts, 1, MAX_ATTEMPTS),
        _int(r, "base_delay_ms", rw, RetryPolicy().base_delay_ms, 1, MAX_DELAY_MS),
        _int(r, "max_delay_ms", rw, RetryPolicy().max_delay_ms, 1, MAX_DELAY_MS),
    )
    if retry.max_delay_ms < retry.base_delay_ms:
        raise ConfigError(f"{rw}.max_delay_ms must be at least base_delay_ms")
    return Target(
        provider,
        _str(doc, "model", where, required=True),
        _int(doc, "weight", where, 1, 0, 1000),
        guardrail,
        retry,
    )


def _model(alias: str, doc: dict[str, Any], providers: dict[str, ProviderConfig]) -> ModelConfig:
    where = f"models.{alias}"
    _known(doc, {"type", "targets", "strategy", "owned_by", "dimensions"}, where)
    targets = doc.get("targets")
    if not isinstance(targets, list) or not targets:
        raise ConfigError(f"{where}.targets must be a non-empty list")
    parsed = tuple(_target(t, f"{where}.targets[{i}]", providers) for i, t in enumerate(targets))
    strategy = _str(doc, "strategy", where, "ordered", choices=STRATEGIES)
    if strategy == "weighted" and not any(t.weight > 0 for t in parsed):
        raise ConfigError(f"{where}: weighted strategy needs at least one weight > 0")
    return ModelConfig(
        alias,
        _str(doc, "type", where, "chat", choices=MODEL_TYPES),
        parsed,
        strategy,
        _str(doc, "owned_by", where, "aigw"),
        _int(doc, "dimensions", where, None, 1, 100000),
    )


def _prompt(name: str, doc: dict[str, Any], models: dict[str, ModelConfig]) -> PromptTemplate:
    where = f"prompts.{name}"
    _known(doc, {"model", "messages", "variables", "parameters"}, where)
    model = _str(doc, "model", where, required=True)
    if model not in models:
        raise ConfigError(f"{where}.model {model!r} is not defined in models")
    messages = doc.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ConfigError(f"{where}.messages must be a non-empty list")
    variables: dict[str, PromptVariable] = {}
    for vname, vdoc in _obj(doc.get("variables"), f"{where}.variables").items():
        vw = f"{where}.variables.{vname}"
        vdoc = _obj(vdoc, vw)
        _known(vdoc, {"required", "default", "max_length"}, vw)
        variables[vname] = PromptVariable(
            _bool(vdoc, "required", vw, vdoc.get("default") is None),
            _str(vdoc, "default", vw) if vdoc.get("default") != "" else "",
            _int(vdoc, "max_length", vw, 4000, 1, 1_000_000),
        )
    used: set[str] = set()
    out = []
    for i, m in enumerate(messages):
        mw = f"{where}.messages[{i}]"
        m = _obj(m, mw)
        _known(m, {"role", "content"}, mw)
        role = _str(
            m, "role", mw, required=True, choices=("system", "developer", "user", "assistant")
        )
        content = m.get("content")
        if not isinstance(content, str):
            raise ConfigError(f"{mw}.content must be a string")
        used.update(_VAR_RE.findall(content))
        out.append({"role": role, "content": content})
    undefined = sorted(used - set(variables))
    if undefined:
        raise ConfigError(f"{where}: template uses undefined variable(s) {', '.join(undefined)}")
    parameters = _obj(doc.get("parameters"), f"{where}.parameters")
    allowed = {"temperature", "top_p", "max_tokens", "stop", "response_format"}
    _known(parameters, allowed, f"{where}.parameters")
    return PromptTemplate(name, model, tuple(out), variables, dict(parameters))


def parse_config(doc: Any) -> GatewayConfig:
    """Validate a config document (already JSON-decoded) into a :class:`GatewayConfig`."""
    if not isinstance(doc, dict):
        raise ConfigError("the config document must be a JSON object")
    _known(
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
    for name, p in _obj(doc.get("providers"), "providers").items():
        if not _NAME_RE.match(name):
            raise ConfigError(f"providers: invalid name {name!r}")
        providers[name] = _provider(name, _obj(p, f"providers.{name}"))
    models = {}
    for alias, m in _obj(doc.get("models"), "models").items():
        if not _NAME_RE.match(alias):
            raise ConfigError(f"models: invalid alias {alias!r}")
        models[alias] = _model(alias, _obj(m, f"models.{alias}"), providers)
    prices = {}
    for model_id, p in _obj(doc.get("prices"), "prices").items():
        pw = f"prices.{model_id}"
        p = _obj(p, pw)
        _known(p, {"input_per_1m", "output_per_1m", "cache_read_per_1m"}, pw)
        prices[model_id] = Price(
            _num(p, "input_per_1m", pw),
            _num(p, "output_per_1m", pw),
            _num(p, "cache_read_per_1m", pw),
        )
    prompts = {
        name: _prompt(name, _obj(p, f"prompts.{name}"), models)
        for name, p in _obj(doc.get("prompts"), "prompts").items()
    }
    r = _obj(doc.get("routing"), "routing")
    _known(r, {"deadline_ms", "failure_threshold", "cooldown_ms", "attempt_timeout_ms"}, "routing")
    routing = RoutingConfig(
        _int(r, "deadline_ms", "routing", 28000, 100, 900000),
        _int(r, "failure_threshold", "routing", 5, 1, 1000),
        _int(r, "cooldown_ms", "routing", 30000, 0, 3600000),
        _int(r, "attempt_timeout_ms", "routing", None, 50, 900000),
    )
    q = _obj(doc.get("quotas"), "quotas")
    _known(
        q,
        {
            "enabled",
            "table_name",
            "period",
            "tiers",
            "tenants",
            "default_tokens",
            "reserve_output_tokens",
        },
        "quotas",
    )

    def _tokens(section: str) -> dict[str, int]:
        items = _obj(q.get(section), f"quotas.{section}")
        for k in items:
            _int(items, k, f"quotas.{section}", None, 0)
        return dict(items)

    quotas = QuotaConfig(
        enabled=_bool(q, "enabled", "quotas", False),
        table_name=_str(q, "table_name", "quotas"),
        period=_str(q, "period", "quotas", "month", choices=PERIODS),
        tiers=_tokens("tiers"),
        tenants=_tokens("tenants"),
        default_tokens=_int(q, "default_tokens", "quotas", None, 0),
        reserve_output_tokens=_int(q, "reserve_output_tokens", "quotas", 1024, 0, 1_000_000),
    )
    if quotas.enabled and not quotas.table_name:
        raise ConfigError("quotas.table_name is required when quotas.enabled is true")
    lim = _obj(doc.get("limits"), "limits")
    _known(lim, {"max_body_bytes", "max_messages", "max_embedding_inputs"}, "limits")
    limits = LimitsConfig(
        _int(lim, "max_body_bytes", "limits", 6_000_000, 1, 10_485_760),
        _int(lim, "max_messages", "limits", 1000, 1, 100000),
        _int(lim, "max_embedding_inputs", "limits", 256, 1, 10000),
    )
    lg = _obj(doc.get("logging"), "logging")
    _known(lg, {"redaction"}, "logging")
    met = _obj(doc.get("metrics"), "metrics")
    _known(met, {"namespace", "enabled"}, "metrics")
    auth = _obj(doc.get("auth"), "auth")
    _known(auth, {"allow_anonymous"}, "auth")
    c = _obj(doc.get("cache"), "cache")
    _known(c, {"enabled", "table_name", "ttl_seconds"}, "cache")
    cache = CacheConfig(
        enabled=_bool(c, "enabled", "cache", False),
        table_name=_str(c, "table_name", "cache"),
        ttl_seconds=_int(c, "ttl_seconds", "cache", 300, 1, 604800),
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
        redaction=_str(lg, "redaction", "logging", "metadata", choices=REDACTION_MODES),
        metrics_namespace=_str(met, "namespace", "metrics", "aigw"),
        metrics_enabled=_bool(met, "enabled", "metrics", True),
        allow_anonymous=_bool(auth, "allow_anonymous", "auth", False),
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
