"""Tenants and their API Gateway usage identifier key in their tier's usage plan."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from aigw.tenancy.store import (
    MAX_PAGES,
    Tenancy,
    TenancyError,
    dynamodb_call,
    from_item,
    is_conditional_failure,
    now_iso,
    to_item,
)

_TENANT = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_TIER = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
_ROUTE = re.compile(r"^(\*|[A-Z]+) (/[A-Za-z0-9._~{}/*+-]*)$")
# A model alias, or "*" for every alias the gateway serves.
_MODEL = re.compile(r"^(\*|[A-Za-z0-9._:/@+-]{1,128})$")


def validate_tenant_id(tenant_id: str) -> None:
    if not _TENANT.match(tenant_id):
        raise TenancyError(
            f"invalid tenant name {tenant_id!r}: use 2-63 lowercase letters, digits or '-', "
            "starting with a letter or digit"
        )


def validate_tier(tier: str) -> None:
    if not _TIER.match(tier):
        raise TenancyError(f"invalid tier {tier!r}: use lowercase letters, digits or '-'")


def validate_models(allowed_models: list[str]) -> None:
    if not allowed_models or [m for m in allowed_models if not _MODEL.match(m)]:
        raise TenancyError(
            f"allowed models must be a non-empty list of model names, got {allowed_models}"
        )


def get_tenant(t: Tenancy, tenant_id: str) -> dict[str, Any]:
    validate_tenant_id(tenant_id)
    resp = dynamodb_call(
        t,
        "get_item",
        t.tenants_table,
        Key={"tenant_id": {"S": tenant_id}},
        ConsistentRead=True,
    )
    if "Item" not in resp:
        raise TenancyError(f"unknown tenant {tenant_id!r}")
    return from_item(resp["Item"])


def public_tenant(item: dict[str, Any]) -> dict[str, Any]:
    """A tenant item without the API Gateway key value."""
    return {k: v for k, v in item.items() if k != "usage_key_value"}


def create_tenant(
    t: Tenancy,
    tenant_id: str,
    *,
    tier: str,
    allowed_models: list[str],
    allowed_routes: list[str] | None = None,
    display_name: str | None = None,
) -> dict[str, Any]:
    """Create a tenant; the name is the identity, so a duplicate name is refused atomically."""
    validate_tenant_id(tenant_id)
    validate_tier(tier)
    validate_models(allowed_models)
    routes = allowed_routes or []
    bad_routes = [r for r in routes if r != "*" and not _ROUTE.match(r)]
    if bad_routes:
        raise TenancyError(
            f"invalid routes {bad_routes}: use '*' or 'METHOD /path', "
            "e.g. 'POST /v1/chat/completions'"
        )
    item = {
        "tenant_id": tenant_id,
        "display_name": display_name or tenant_id,
        "tier": tier,
        "status": "active",
        "allowed_models": list(dict.fromkeys(allowed_models)),
        "allowed_routes": routes or None,
        "created_at": now_iso(),
    }
    try:
        dynamodb_call(
            t,
            "put_item",
            t.tenants_table,
            Item=to_item(item),
            ConditionExpression="attribute_not_exists(tenant_id)",
        )
    except Exception as exc:
        if is_conditional_failure(exc):
            raise TenancyError(f"tenant {tenant_id!r} already exists") from exc
        raise
    return {k: v for k, v in item.items() if v is not None}


def _scan(t: Tenancy, table: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    start: dict[str, Any] | None = None
    for _ in range(MAX_PAGES):
        page_args = dict(kwargs)
        if start:
            page_args["ExclusiveStartKey"] = start
        resp = dynamodb_call(t, "scan", table, **page_args)
        for item in resp.get("Items", []):
            yield from_item(item)
        start = resp.get("LastEvaluatedKey")
        if not start:
            return
    raise TenancyError(f"{table}: more than {MAX_PAGES} pages; narrow the query")


def list_tenants(t: Tenancy) -> list[dict[str, Any]]:
    return sorted(
        (public_tenant(i) for i in _scan(t, t.tenants_table)), key=lambda i: i["tenant_id"]
    )


def set_tenant_status(t: Tenancy, tenant_id: str, status: str) -> dict[str, Any]:
    """Enable or disable a tenant (and its API Gateway key, so usage plans stop too)."""
    if status not in ("active", "disabled"):
        raise TenancyError("status must be active or disabled")
    tenant = get_tenant(t, tenant_id)
    dynamodb_call(
        t,
        "update_item",
        t.tenants_table,
        Key={"tenant_id": {"S": tenant_id}},
        UpdateExpression="SET #s = :s, updated_at = :u",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": status}, ":u": {"S": now_iso()}},
        ConditionExpression="attribute_exists(tenant_id)",
    )
    if tenant.get("usage_key_id"):
        t.apigateway.update_api_key(
            apiKey=tenant["usage_key_id"],
            patchOperations=[
                {
                    "op": "replace",
                    "path": "/enabled",
                    "value": "true" if status == "active" else "false",
                }
            ],
        )
    return public_tenant({**tenant, "status": status})


def resolve_usage_plan(t: Tenancy, tier: str, *, plan_id: str | None, prefix: str | None) -> str:
    """The usage plan of a tier: the given id (checked) or the plan named ``<prefix>-<tier>``."""
    from botocore.exceptions import ClientError

    if plan_id:
        try:
            t.apigateway.get_usage_plan(usagePlanId=plan_id)
        except ClientError as exc:
            raise TenancyError(f"usage plan {plan_id!r} not found in {t.region}") from exc
        return plan_id
    if not prefix:
        raise TenancyError(
            f"no usage plan for tier {tier!r}: pass --usage-plan-id, or --usage-plan-prefix "
            "(AIGW_USAGE_PLAN_PREFIX) to look up the plan named <prefix>-<tier>"
        )
    name = f"{prefix}-{tier}"
    position: str | None = None
    for _ in range(MAX_PAGES):
        kwargs: dict[str, Any] = {"limit": 500}
        if position:
            kwargs["position"] = position
        resp = t.apigateway.get_usage_plans(**kwargs)
        matches = [p["id"] for p in resp.get("items", []) if p.get("name") == name]
        if len(matches) > 1:
            raise TenancyError(f"several usage plans are named {name!r}; pass --usage-plan-id")
        if matches:
            return matches[0]
        position = resp.get("position")
        if not position:
            break
    raise TenancyError(f"usage plan {name!r} not found in {t.region}; pass --usage-plan-id")


def ensure_usage_key(
    t: Tenancy, tenant_id: str, *, plan_id: str | None = None, prefix: str | None = None
) -> dict[str, Any]:
    """Give the tenant its API Gateway key (the ``usageIdentifierKey``) in its tier's plan."""
    tenant = get_tenant(t, tenant_id)
    if tenant.get("usage_key_id"):
        return tenant
    usage_plan = resolve_usage_plan(t, tenant["tier"], plan_id=plan_id, prefix=prefix)
    created = t.apigateway.create_api_key(
        name=f"aigw-tenant-{tenant_id}",
        description=f"usage identifier of aigw tenant {tenant_id}",
        enabled=tenant.get("status") == "active",
        generateDistinctId=True,
        tags={"aigw:tenant": tenant_id},
    )
    try:
        t.apigateway.create_usage_plan_key(
            usagePlanId=usage_plan, keyId=created["id"], keyType="API_KEY"
        )
        dynamodb_call(
            t,
            "update_item",
            t.tenants_table,
            Key={"tenant_id": {"S": tenant_id}},
            UpdateExpression="SET usage_key_id = :i, usage_key_value = :v, usage_plan_id = :p",
            ConditionExpression=(
                "attribute_exists(tenant_id) AND attribute_not_exists(usage_key_id)"
            ),
            ExpressionAttributeValues={
                ":i": {"S": created["id"]},
                ":v": {"S": created["value"]},
                ":p": {"S": usage_plan},
            },
        )
    except Exception:
        # Another writer won the race or linking failed: do not leave an orphan key behind.
        t.apigateway.delete_api_key(apiKey=created["id"])
        raise
    return get_tenant(t, tenant_id)
