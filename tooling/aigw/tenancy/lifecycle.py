"""Changing and deleting tenants: tier (and usage plan), allowed models and status;
deletion revokes every key, unlinks and deletes the tenant's API Gateway key and removes
the tenant item, leaving its usage in the LLM gateway's usage table for reporting.

Budgets are not on the tenant item: token and USD budgets live in modules/llm-route's
``quotas`` input (docs/llm-gateway.md), keyed by tenant or tier."""

from __future__ import annotations

from typing import Any

from aigw.tenancy.keys import list_keys, revoke_key
from aigw.tenancy.store import Tenancy, TenancyError, dynamodb_call, now_iso
from aigw.tenancy.tenants import (
    get_tenant,
    public_tenant,
    resolve_usage_plan,
    set_tenant_status,
    validate_models,
    validate_tier,
)


def update_tenant(
    t: Tenancy,
    tenant_id: str,
    *,
    tier: str | None = None,
    allowed_models: list[str] | None = None,
    status: str | None = None,
    plan_id: str | None = None,
    prefix: str | None = None,
) -> dict[str, Any]:
    """Change what is given; a new tier moves the tenant's API Gateway key to that tier's
    usage plan (found by ``plan_id`` or ``<prefix>-<tier>``)."""
    tenant = get_tenant(t, tenant_id)
    if tier is None and allowed_models is None and status is None:
        raise TenancyError("nothing to update: pass --tier, --models or --status")
    if tier is not None:
        validate_tier(tier)
    if allowed_models is not None:
        validate_models(allowed_models)
    if status is not None and status not in ("active", "disabled"):
        raise TenancyError("status must be one of: active, disabled")
    changes: dict[str, Any] = {"updated_at": {"S": now_iso()}}
    if tier is not None and tier != tenant["tier"]:
        changes["tier"] = {"S": tier}
        if tenant.get("usage_key_id"):
            moved = _move_usage_key(t, tenant, tier, plan_id, prefix)
            changes["usage_plan_id"] = {"S": moved}
    if allowed_models is not None:
        changes["allowed_models"] = {"L": [{"S": m} for m in dict.fromkeys(allowed_models)]}
    dynamodb_call(
        t,
        "update_item",
        t.tenants_table,
        Key={"tenant_id": {"S": tenant_id}},
        UpdateExpression="SET " + ", ".join(f"{n} = :{n}" for n in changes),
        ConditionExpression="attribute_exists(tenant_id)",
        ExpressionAttributeValues={f":{n}": v for n, v in changes.items()},
    )
    if status is not None and status != tenant.get("status"):
        set_tenant_status(t, tenant_id, status)
    return public_tenant(get_tenant(t, tenant_id))


def _move_usage_key(
    t: Tenancy, tenant: dict[str, Any], tier: str, plan_id: str | None, prefix: str | None
) -> str:
    """Link the tenant's API key to the new tier's plan, then unlink it from the old one."""
    new_plan = resolve_usage_plan(t, tier, plan_id=plan_id, prefix=prefix)
    old_plan = tenant.get("usage_plan_id")
    if new_plan != old_plan:
        t.apigateway.create_usage_plan_key(
            usagePlanId=new_plan, keyId=tenant["usage_key_id"], keyType="API_KEY"
        )
        if old_plan:
            _unlink(t, old_plan, tenant["usage_key_id"])
    return new_plan


def _unlink(t: Tenancy, plan: str, key_id: str) -> None:
    from botocore.exceptions import ClientError

    try:
        t.apigateway.delete_usage_plan_key(usagePlanId=plan, keyId=key_id)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "NotFoundException":
            raise


def delete_tenant(t: Tenancy, tenant_id: str) -> dict[str, Any]:
    """Revoke every key of the tenant, remove its API Gateway key from its usage plan and
    delete it, then delete the tenant item. Usage items are kept."""
    from botocore.exceptions import ClientError

    tenant = get_tenant(t, tenant_id)
    revoked = []
    for key in list_keys(t, tenant_id):
        if key.get("status") == "active":
            revoke_key(t, key["key_id"])
            revoked.append(key["key_id"])
    usage_key = tenant.get("usage_key_id")
    if usage_key:
        if tenant.get("usage_plan_id"):
            _unlink(t, tenant["usage_plan_id"], usage_key)
        try:
            t.apigateway.delete_api_key(apiKey=usage_key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "NotFoundException":
                raise
    dynamodb_call(
        t,
        "delete_item",
        t.tenants_table,
        Key={"tenant_id": {"S": tenant_id}},
        ConditionExpression="attribute_exists(tenant_id)",
    )
    return {"tenant_id": tenant_id, "deleted": True, "revoked_keys": revoked}
