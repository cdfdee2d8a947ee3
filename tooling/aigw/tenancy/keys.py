"""API keys: issue (the secret is returned once, only its hash is stored), read, list,
revoke and rotate."""

from __future__ import annotations

import re
import time
from typing import Any

from aigw.tenancy.keyformat import HASH_ALG, generate_key, hash_secret
from aigw.tenancy.store import (
    KEYS_BY_TENANT_INDEX,
    MAX_PAGES,
    Tenancy,
    TenancyError,
    dynamodb_call,
    from_item,
    now_iso,
    to_item,
)
from aigw.tenancy.tenants import ensure_usage_key, get_tenant

_KEY_ID = re.compile(r"^[0-9A-Za-z]{16}$")


def create_key(
    t: Tenancy,
    tenant_id: str,
    *,
    stage: str,
    label: str | None = None,
    plan_id: str | None = None,
    prefix: str | None = None,
    expires_at: int | None = None,
) -> dict[str, Any]:
    """Issue a key for an active tenant. The returned ``key`` is the only copy of the secret.
    ``expires_at`` (epoch seconds, in the future): the authorizer refuses the key from then
    on."""
    if expires_at is not None and expires_at <= time.time():
        raise TenancyError("the expiry must be in the future")
    if get_tenant(t, tenant_id).get("status") != "active":
        raise TenancyError(f"tenant {tenant_id!r} is disabled; enable it before issuing keys")
    ensure_usage_key(t, tenant_id, plan_id=plan_id, prefix=prefix)
    full, key_id, secret = generate_key(stage)
    item = {
        "key_id": key_id,
        "tenant_id": tenant_id,
        "stage": stage,
        "secret_hash": hash_secret(stage, key_id, secret),
        "hash_alg": HASH_ALG,
        "status": "active",
        "label": label,
        "created_at": now_iso(),
        "expires_at": expires_at,
    }
    dynamodb_call(
        t,
        "put_item",
        t.keys_table,
        Item=to_item(item),
        ConditionExpression="attribute_not_exists(key_id)",
    )
    return {
        "key": full,
        "key_id": key_id,
        "tenant_id": tenant_id,
        "stage": stage,
        "created_at": item["created_at"],
        **({} if expires_at is None else {"expires_at": expires_at}),
    }


def expiry_of(day: str) -> int:
    """``YYYY-MM-DD`` as the epoch second a key stops working: 00:00:00 UTC that day."""
    import calendar
    import re
    from datetime import date

    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
            raise ValueError
        d = date.fromisoformat(day)
    except ValueError:
        raise TenancyError(f"--expires must be a date YYYY-MM-DD, got {day!r}") from None
    return calendar.timegm((d.year, d.month, d.day, 0, 0, 0))


def get_key(t: Tenancy, key_id: str) -> dict[str, Any]:
    if not _KEY_ID.match(key_id):
        raise TenancyError(f"invalid key id {key_id!r}: 16 letters or digits")
    resp = dynamodb_call(
        t,
        "get_item",
        t.keys_table,
        Key={"key_id": {"S": key_id}},
        ConsistentRead=True,
    )
    if "Item" not in resp:
        raise TenancyError(f"unknown key {key_id!r}")
    item = from_item(resp["Item"])
    item.pop("secret_hash", None)
    return item


def list_keys(t: Tenancy, tenant_id: str) -> list[dict[str, Any]]:
    get_tenant(t, tenant_id)  # clear error for an unknown tenant
    out: list[dict[str, Any]] = []
    start: dict[str, Any] | None = None
    for _ in range(MAX_PAGES):
        kwargs: dict[str, Any] = {
            "IndexName": KEYS_BY_TENANT_INDEX,
            "KeyConditionExpression": "tenant_id = :t",
            "ExpressionAttributeValues": {":t": {"S": tenant_id}},
        }
        if start:
            kwargs["ExclusiveStartKey"] = start
        resp = dynamodb_call(t, "query", t.keys_table, **kwargs)
        out.extend(from_item(i) for i in resp.get("Items", []))
        start = resp.get("LastEvaluatedKey")
        if not start:
            return out
    raise TenancyError(f"tenant {tenant_id!r} has too many keys to list")


def revoke_key(t: Tenancy, key_id: str) -> dict[str, Any]:
    get_key(t, key_id)
    dynamodb_call(
        t,
        "update_item",
        t.keys_table,
        Key={"key_id": {"S": key_id}},
        UpdateExpression="SET #s = :r, revoked_at = :now",
        ConditionExpression="attribute_exists(key_id)",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":r": {"S": "revoked"}, ":now": {"S": now_iso()}},
    )
    return get_key(t, key_id)


def rotate_key(
    t: Tenancy,
    key_id: str,
    *,
    overlap_seconds: int,
    label: str | None = None,
    plan_id: str | None = None,
    prefix: str | None = None,
) -> dict[str, Any]:
    """Issue a successor key; the old one keeps working for ``overlap_seconds`` then expires."""
    if not 0 <= overlap_seconds <= 30 * 86400:
        raise TenancyError("overlap must be between 0 seconds and 30 days")
    old = get_key(t, key_id)
    if old.get("status") != "active":
        raise TenancyError(f"key {key_id!r} is {old.get('status')}; only active keys rotate")
    new = create_key(
        t,
        old["tenant_id"],
        stage=old["stage"],
        label=label or old.get("label"),
        plan_id=plan_id,
        prefix=prefix,
    )
    expires_at = int(time.time()) + overlap_seconds
    current = old.get("expires_at")
    if current is not None and current < expires_at:
        expires_at = int(current)
    dynamodb_call(
        t,
        "update_item",
        t.keys_table,
        Key={"key_id": {"S": key_id}},
        UpdateExpression="SET expires_at = :e, rotated_to = :n",
        ExpressionAttributeValues={":e": {"N": str(expires_at)}, ":n": {"S": new["key_id"]}},
    )
    return {**new, "previous_key_id": key_id, "previous_expires_at": expires_at}
