"""The authorization decision: plain request in, decision out (no API Gateway shapes).

Outcomes:

* ``allow``        - credential verified, tenant active; an Allow policy for the routes
                     the tenant may call on this API and stage;
* ``unauthorized`` - no usable credential: missing, malformed, unknown, bad signature,
                     expired, revoked, issued for another stage (HTTP 401);
* ``deny``         - the caller is identified but may not proceed: tenant disabled or
                     unknown to this gateway, or no usage key while one is required
                     (explicit Deny policy, HTTP 403);
* dependency failures (DynamoDB or JWKS unreachable) raise ``AuthorizerUnavailable``:
  the request fails closed with API Gateway's AUTHORIZER_FAILURE (HTTP 500), which is
  not cached, so callers can retry.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from authorizer import apikeys, jose
from authorizer.config import Config
from authorizer.jwks import JwksCache, JwksUnavailable
from authorizer.store import Store, StoreUnavailable, TenantRecord

MAX_CREDENTIAL_LENGTH = jose.MAX_TOKEN_BYTES
_METHOD_ARN = re.compile(
    r"^arn:(aws[a-z-]*):execute-api:([a-z0-9-]+):(\d{12}):([A-Za-z0-9]+)/([^/]+)/([A-Z*]+)(/.*)?$"
)
_PATH_PARAM = re.compile(r"\{[^/{}]+\}")
_TENANT_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,62}")  # whole value: fullmatch
_ROUTE = re.compile(r"^(\*|[A-Z]+) (/[A-Za-z0-9._~{}/*+-]*)$")


class AuthorizerUnavailable(RuntimeError):
    """A dependency (DynamoDB, JWKS) failed; the request is denied and may be retried."""


@dataclass(frozen=True)
class AuthRequest:
    method_arn: str
    headers: Mapping[str, str]  # lower-cased names


@dataclass
class Decision:
    effect: str  # allow | deny | unauthorized
    reason: str
    principal_id: str = "anonymous"
    resources: list[str] = field(default_factory=list)
    context: dict[str, str] = field(default_factory=dict)
    usage_identifier_key: str | None = None


def _log(record: dict[str, Any]) -> None:
    """One JSON line per decision; never the credential itself."""
    sys.stdout.write(json.dumps({"logger": "aigw.authorizer", **record}, sort_keys=True) + "\n")


def extract_credential(headers: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(credential, problem). Accepts ``Authorization: Bearer`` or ``x-api-key``."""
    auth = headers.get("authorization")
    api_key = headers.get("x-api-key")
    bearer = None
    if auth is not None:
        scheme, _, value = auth.strip().partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            return None, "authorization header is not a bearer credential"
        bearer = value.strip()
    if api_key is not None:
        api_key = api_key.strip()
    if bearer and api_key and bearer != api_key:
        return None, "conflicting credentials in authorization and x-api-key"
    cred = bearer or api_key
    if not cred:
        return None, "no credential"
    if len(cred) > MAX_CREDENTIAL_LENGTH:
        return None, "credential too large"
    return cred, None


def policy_resources(method_arn: str, routes: tuple[str, ...]) -> list[str] | None:
    """execute-api ARNs for this API and stage; one per allowed route (all when empty)."""
    m = _METHOD_ARN.match(method_arn)
    if not m:
        return None
    partition, region, account, api_id, stage = m.group(1, 2, 3, 4, 5)
    base = f"arn:{partition}:execute-api:{region}:{account}:{api_id}/{stage}"
    if not routes or "*" in routes:
        return [f"{base}/*/*"]
    out = []
    for route in routes:
        rm = _ROUTE.match(route)
        if not rm:
            continue  # malformed entries grant nothing
        method, path = rm.groups()
        # Path parameters ({model}, {proxy+}) match any value of their segment(s).
        out.append(f"{base}/{method}{_PATH_PARAM.sub('*', path)}")
    return out


def method_arn_stage(method_arn: str) -> str | None:
    m = _METHOD_ARN.match(method_arn)
    return m.group(5) if m else None


def jwks_cache_for(config: Config, **overrides: Any) -> JwksCache:
    """The JWKS cache with the configured lifetimes (``overrides``: clock, fetcher)."""
    return JwksCache(
        ttl_seconds=config.jwks_cache_seconds,
        timeout_seconds=config.jwks_timeout_seconds,
        failure_cache_seconds=config.jwks_failure_cache_seconds,
        stale_if_error_seconds=config.jwks_stale_if_error_seconds,
        **overrides,
    )


class Authorizer:
    def __init__(
        self,
        config: Config,
        store: Store,
        jwks: JwksCache | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.store = store
        self.jwks = jwks or jwks_cache_for(config)
        self.clock = clock

    # ------------------------------------------------------------------ entry
    def authorize(self, request: AuthRequest) -> Decision:
        decision = self._decide(request)
        _log(
            {
                "decision": decision.effect,
                "reason": decision.reason,
                "tenant": decision.context.get("tenant", ""),
                "key_id": decision.context.get("key_id", ""),
                "auth_method": decision.context.get("auth_method", ""),
            }
        )
        return decision

    def _decide(self, request: AuthRequest) -> Decision:
        stage = method_arn_stage(request.method_arn)
        if stage is None:
            return Decision("unauthorized", "method ARN not recognised")
        if stage != self.config.stage:
            return Decision("unauthorized", "request stage differs from the authorizer stage")
        credential, problem = extract_credential(request.headers)
        if credential is None:
            return Decision("unauthorized", problem or "no credential")
        if credential.startswith(apikeys.PREFIX + "-"):
            return self._api_key(request, credential)
        if jose.looks_like_jwt(credential):
            return self._jwt(request, credential)
        return Decision("unauthorized", "credential is neither an aigw key nor a JWT")

    # --------------------------------------------------------------- API keys
    def _api_key(self, request: AuthRequest, credential: str) -> Decision:
        parsed = apikeys.parse_key(credential)
        if parsed is None:
            return Decision("unauthorized", "malformed aigw key")
        seen = {"key_id": parsed.key_id, "auth_method": "api_key"}  # key id is not secret
        if parsed.stage != self.config.stage:
            return Decision("unauthorized", "key issued for another stage", context=seen)
        try:
            record = self.store.get_key(parsed.key_id)
        except StoreUnavailable as exc:
            _log({"decision": "error", "reason": f"keys table unavailable: {exc}"})
            raise AuthorizerUnavailable("keys table unavailable") from exc
        if record is None:
            return Decision("unauthorized", "unknown key id", context=seen)
        if record.stage != self.config.stage:
            return Decision("unauthorized", "key issued for another stage", context=seen)
        if record.hash_alg != apikeys.HASH_ALG or not apikeys.secret_matches(
            parsed, record.secret_hash
        ):
            return Decision("unauthorized", "key secret does not match", context=seen)
        if record.status != "active":
            return Decision("unauthorized", "key revoked", context=seen)
        if record.expires_at is not None and self.clock() >= record.expires_at:
            return Decision("unauthorized", "key expired", context=seen)
        return self._tenant_decision(
            request, record.tenant_id, key_id=record.key_id, method="api_key", subject=""
        )

    # -------------------------------------------------------------------- JWT
    def _jwt(self, request: AuthRequest, credential: str) -> Decision:
        try:
            token = jose.decode_unverified(credential, self.config.algorithms)
        except jose.TokenInvalid as exc:
            return Decision("unauthorized", f"jwt: {exc}")
        issuer = self.config.issuer(token.payload.get("iss"))
        if issuer is None:
            return Decision("unauthorized", "jwt: issuer not trusted")
        try:
            jwk = self.jwks.get_key(issuer.jwks_uri, token.kid)
        except JwksUnavailable as exc:
            _log({"decision": "error", "reason": f"jwks unavailable: {exc}"})
            raise AuthorizerUnavailable("JWKS unavailable") from exc
        if jwk is None:
            return Decision("unauthorized", "jwt: unknown kid")
        try:
            jose.verify_signature(token, jwk)
            jose.check_claims(
                token.payload,
                issuer=issuer.issuer,
                audiences=issuer.audiences,
                audience_claim=issuer.audience_claim,
                now=self.clock(),
                leeway=self.config.leeway_seconds,
            )
        except jose.TokenInvalid as exc:
            return Decision("unauthorized", f"jwt: {exc}")
        tenant_id = token.payload.get(issuer.tenant_claim)
        if not isinstance(tenant_id, str) or not tenant_id:
            return Decision("deny", f"jwt: claim {issuer.tenant_claim} missing")
        if not _TENANT_ID.fullmatch(tenant_id):
            return Decision("deny", f"jwt: claim {issuer.tenant_claim} is not a tenant name")
        sub = token.payload.get("sub")
        subject = sub[:128] if isinstance(sub, str) else ""
        return self._tenant_decision(request, tenant_id, key_id="", method="jwt", subject=subject)

    # ----------------------------------------------------------------- tenant
    def _tenant_decision(
        self, request: AuthRequest, tenant_id: str, *, key_id: str, method: str, subject: str
    ) -> Decision:
        try:
            tenant: TenantRecord | None = self.store.get_tenant(tenant_id)
        except StoreUnavailable as exc:
            _log({"decision": "error", "reason": f"tenants table unavailable: {exc}"})
            raise AuthorizerUnavailable("tenants table unavailable") from exc
        principal = f"{tenant_id}/{key_id or 'jwt:' + subject}"[:256]
        context = {
            "tenant": tenant_id,
            "tier": tenant.tier if tenant else "",
            "key_id": key_id,
            "allowed_models": ",".join(tenant.allowed_models) if tenant else "",
            "auth_method": method,
            "subject": subject,
        }
        if tenant is None:
            return Decision("deny", "unknown tenant", principal, context=context)
        if tenant.status != "active":
            return Decision("deny", "tenant disabled", principal, context=context)
        if self.config.require_usage_key and not tenant.usage_key_value:
            return Decision("deny", "tenant has no usage plan key", principal, context=context)
        resources = policy_resources(request.method_arn, tenant.allowed_routes)
        if not resources:
            return Decision("deny", "tenant may call no route", principal, context=context)
        return Decision(
            "allow",
            "ok",
            principal,
            resources=resources,
            context=context,
            usage_identifier_key=tenant.usage_key_value,
        )
