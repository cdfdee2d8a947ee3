"""Lambda entry point: API Gateway REST REQUEST authorizer event → policy.

``Exception("Unauthorized")`` makes API Gateway answer 401; an explicit Deny policy
makes it answer 403; any other exception (misconfiguration, DynamoDB or JWKS
unreachable) becomes AUTHORIZER_FAILURE (500, not cached). See docs/identity.md.
"""

from __future__ import annotations

from typing import Any

from authorizer import config as config_mod
from authorizer.core import Authorizer, AuthRequest, Decision
from authorizer.store import DynamoStore

_AUTHORIZER: Authorizer | None = None


def _authorizer() -> Authorizer:
    global _AUTHORIZER
    if _AUTHORIZER is None:
        cfg = config_mod.load()
        _AUTHORIZER = Authorizer(cfg, DynamoStore(cfg.tenants_table, cfg.keys_table))
    return _AUTHORIZER


def reset() -> None:
    """Forget the cached configuration, clients and JWKS (tests, local serve reloads)."""
    global _AUTHORIZER
    _AUTHORIZER = None


def headers_of(event: dict[str, Any]) -> dict[str, str]:
    """Lower-cased single-value headers; a header repeated with different values is dropped."""
    out: dict[str, str] = {}
    for name, value in (event.get("headers") or {}).items():
        if isinstance(name, str) and isinstance(value, str):
            out[name.lower()] = value
    for name, values in (event.get("multiValueHeaders") or {}).items():
        if not isinstance(name, str) or not isinstance(values, list):
            continue
        distinct = {v for v in values if isinstance(v, str)}
        if len(distinct) > 1:
            out[name.lower()] = "\x00ambiguous"  # never a valid credential
    return out


def to_response(decision: Decision, method_arn: str) -> dict[str, Any]:
    if decision.effect == "unauthorized":
        # API Gateway answers 401 for exactly this message.
        raise Exception("Unauthorized")
    allow = decision.effect == "allow"
    response: dict[str, Any] = {
        "principalId": decision.principal_id,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Action": "execute-api:Invoke",
                    "Effect": "Allow" if allow else "Deny",
                    "Resource": decision.resources if allow else [method_arn],
                }
            ],
        },
        "context": dict(decision.context),
    }
    if allow and decision.usage_identifier_key:
        response["usageIdentifierKey"] = decision.usage_identifier_key
    return response


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    method_arn = event.get("methodArn")
    if not isinstance(method_arn, str):
        raise Exception("Unauthorized")
    decision = _authorizer().authorize(
        AuthRequest(method_arn=method_arn, headers=headers_of(event))
    )
    return to_response(decision, method_arn)
