"""Authorizer configuration, read once from environment variables set by Terraform."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from authorizer import strictjson
from authorizer.jose import SUPPORTED_ALGORITHMS

_STAGE = re.compile(r"[a-z0-9]{1,16}")  # whole value: fullmatch (``$`` allows a final \n)


class ConfigError(Exception):
    """The authorizer is misconfigured; every request fails closed until fixed."""


@dataclass(frozen=True)
class Issuer:
    issuer: str
    jwks_uri: str
    audiences: frozenset[str]
    audience_claim: str = "aud"
    tenant_claim: str = "tenant"


@dataclass(frozen=True)
class Config:
    stage: str
    tenants_table: str
    keys_table: str
    issuers: tuple[Issuer, ...] = ()
    algorithms: frozenset[str] = field(default_factory=lambda: frozenset({"RS256", "ES256"}))
    leeway_seconds: float = 60.0
    jwks_cache_seconds: float = 300.0
    jwks_timeout_seconds: float = 2.0
    jwks_failure_cache_seconds: float = 30.0
    jwks_stale_if_error_seconds: float = 3600.0
    require_usage_key: bool = True

    def issuer(self, iss: object) -> Issuer | None:
        for item in self.issuers:
            if item.issuer == iss:
                return item
        return None


def _float(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low:g} and {high:g}, got {value:g}")
    return value


def _issuers(raw: str, default_tenant_claim: str) -> tuple[Issuer, ...]:
    try:
        data = strictjson.loads(raw.encode("utf-8", "surrogatepass"))
    except strictjson.JsonRejected as exc:
        raise ConfigError(f"AIGW_JWT_ISSUERS must be a JSON list ({exc})") from exc
    if not isinstance(data, list):
        raise ConfigError("AIGW_JWT_ISSUERS must be a JSON list")
    out = []
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            raise ConfigError(f"AIGW_JWT_ISSUERS[{i}] must be an object")
        iss, uri, auds = item.get("issuer"), item.get("jwks_uri"), item.get("audiences")
        if not isinstance(iss, str) or not iss:
            raise ConfigError(f"AIGW_JWT_ISSUERS[{i}].issuer is required")
        if not isinstance(uri, str) or not uri:
            raise ConfigError(f"AIGW_JWT_ISSUERS[{i}].jwks_uri is required")
        if (
            not isinstance(auds, list)
            or not auds
            or not all(isinstance(a, str) and a for a in auds)
        ):
            raise ConfigError(
                f"AIGW_JWT_ISSUERS[{i}].audiences must be a non-empty list of strings"
            )
        aud_claim = item.get("audience_claim", "aud")
        if aud_claim not in ("aud", "client_id"):
            raise ConfigError(f"AIGW_JWT_ISSUERS[{i}].audience_claim must be aud or client_id")
        tenant_claim = item.get("tenant_claim", default_tenant_claim)
        if not isinstance(tenant_claim, str) or not tenant_claim:
            raise ConfigError(f"AIGW_JWT_ISSUERS[{i}].tenant_claim must be a string")
        out.append(Issuer(iss, uri, frozenset(auds), aud_claim, tenant_claim))
    return tuple(out)


def load(env: Mapping[str, str] | None = None) -> Config:
    env = os.environ if env is None else env
    stage = env.get("AIGW_STAGE", "")
    if not _STAGE.fullmatch(stage):
        raise ConfigError("AIGW_STAGE must be 1-16 lowercase letters or digits")
    tenants = env.get("AIGW_TENANTS_TABLE")
    keys = env.get("AIGW_KEYS_TABLE")
    if not tenants or not keys:
        raise ConfigError("AIGW_TENANTS_TABLE and AIGW_KEYS_TABLE are required")
    algs = frozenset(
        a.strip() for a in env.get("AIGW_JWT_ALGORITHMS", "RS256,ES256").split(",") if a.strip()
    )
    unsupported = algs - SUPPORTED_ALGORITHMS
    if unsupported or not algs:
        raise ConfigError(
            f"AIGW_JWT_ALGORITHMS must be a non-empty subset of RS256, ES256; got {sorted(algs)}"
        )
    tenant_claim = env.get("AIGW_JWT_TENANT_CLAIM") or "tenant"
    require = env.get("AIGW_REQUIRE_USAGE_KEY", "true").lower()
    if require not in ("true", "false"):
        raise ConfigError("AIGW_REQUIRE_USAGE_KEY must be true or false")
    return Config(
        stage=stage,
        tenants_table=tenants,
        keys_table=keys,
        issuers=_issuers(env.get("AIGW_JWT_ISSUERS") or "[]", tenant_claim),
        algorithms=algs,
        leeway_seconds=_float(env, "AIGW_JWT_LEEWAY_SECONDS", 60.0, 0.0, 300.0),
        jwks_cache_seconds=_float(env, "AIGW_JWKS_CACHE_SECONDS", 300.0, 0.0, 86400.0),
        jwks_timeout_seconds=_float(env, "AIGW_JWKS_TIMEOUT_SECONDS", 2.0, 0.1, 10.0),
        jwks_failure_cache_seconds=_float(env, "AIGW_JWKS_FAILURE_CACHE_SECONDS", 30.0, 0.0, 300.0),
        jwks_stale_if_error_seconds=_float(
            env, "AIGW_JWKS_STALE_IF_ERROR_SECONDS", 3600.0, 0.0, 86400.0
        ),
        require_usage_key=require == "true",
    )
