"""Tenants, API keys and usage: library functions plus the ``aigw tenants|keys|usage`` CLI.

The tables are the ones created by ``modules/authorizer`` (schema in docs/identity.md).
Every function takes a :class:`Tenancy` context holding boto3 clients, so the same code
drives the local sandbox (``--endpoint-url`` or ``AWS_ENDPOINT_URL``) and a real account
(``--region``/``--profile``).

An issued key is printed once; only its SHA-256 hash (bound to stage and key id) is
stored. The key format and hash must match ``lambda_src/authorizer/apikeys.py``; the
round-trip tests issue keys here and verify them with the authorizer.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

KEY_PREFIX = "aigw"
HASH_ALG = "sha256-v1"
KEYS_BY_TENANT_INDEX = "tenant_id-index"
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_TENANT = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_TIER = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
_STAGE = re.compile(r"^[a-z0-9]{1,16}$")
_KEY_ID = re.compile(r"^[0-9A-Za-z]{16}$")
_ROUTE = re.compile(r"^(\*|[A-Z]+) (/[A-Za-z0-9._~{}/*+-]*)$")
# A model alias, or "*" for every alias the gateway serves.
_MODEL = re.compile(r"^(\*|[A-Za-z0-9._:/@+-]{1,128})$")
MAX_PAGES = 1000


class TenancyError(Exception):
    """A tenancy operation failed for a reason the user can act on (message says how)."""


# ------------------------------------------------------------------ key format


def _base62(n: int, width: int) -> str:
    out = []
    for _ in range(width):
        n, rem = divmod(n, 62)
        out.append(_BASE62[rem])
    if n:
        raise ValueError("value does not fit")
    return "".join(reversed(out))


def generate_key(stage: str) -> tuple[str, str, str]:
    """A new key for ``stage``: (full key, key id, secret). The secret carries 256 bits."""
    if not _STAGE.match(stage):
        raise TenancyError("stage must be 1-16 lowercase letters or digits")
    key_id = "".join(secrets.choice(_BASE62) for _ in range(16))
    secret = _base62(int.from_bytes(secrets.token_bytes(32), "big"), 43)
    return f"{KEY_PREFIX}-{stage}-{key_id}-{secret}", key_id, secret


def hash_secret(stage: str, key_id: str, secret: str) -> str:
    msg = b"\x00".join((b"aigw-api-key-v1", stage.encode(), key_id.encode(), secret.encode()))
    return hashlib.sha256(msg).hexdigest()


# --------------------------------------------------------------------- context


@dataclass
class Tenancy:
    dynamodb: Any
    apigateway: Any
    tenants_table: str
    keys_table: str
    region: str

    @classmethod
    def connect(
        cls,
        *,
        tenants_table: str,
        keys_table: str,
        region: str | None = None,
        profile: str | None = None,
        endpoint_url: str | None = None,
    ) -> Tenancy:
        import boto3

        # boto3 reads AWS_DEFAULT_REGION and the profile; AWS_REGION is what the AWS CLI
        # and Lambda set, so honour it too.
        region = region or os.environ.get("AWS_REGION") or None
        session = boto3.Session(profile_name=profile, region_name=region)
        if session.region_name is None:
            raise TenancyError(
                "no AWS region: pass --region or set AWS_REGION (or AWS_DEFAULT_REGION)"
            )
        endpoint = endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None
        return cls(
            dynamodb=session.client("dynamodb", endpoint_url=endpoint),
            apigateway=session.client("apigateway", endpoint_url=endpoint),
            tenants_table=tenants_table,
            keys_table=keys_table,
            region=session.region_name,
        )


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ser(value: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeSerializer

    s = TypeSerializer()
    return {k: s.serialize(v) for k, v in value.items() if v is not None}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, set):
        return sorted(_plain(v) for v in value)
    return value


def _de(item: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeDeserializer

    d = TypeDeserializer()
    return {k: _plain(d.deserialize(v)) for k, v in item.items()}


def _call(table: str, region: str, fn: Callable[..., Any], **kwargs: Any) -> Any:
    """Run a DynamoDB call, turning a missing table into a clear TenancyError."""
    from botocore.exceptions import ClientError

    try:
        return fn(**kwargs)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "ResourceNotFoundException":
            raise TenancyError(
                f"table {table!r} not found in {region}: deploy modules/authorizer, "
                "or pass --tenants-table/--keys-table (AIGW_TENANTS_TABLE/AIGW_KEYS_TABLE)"
            ) from exc
        raise


def _is_conditional_failure(exc: Exception) -> bool:
    from botocore.exceptions import ClientError

    return (
        isinstance(exc, ClientError)
        and exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"
    )


# ----------------------------------------------------------------- table setup


def create_tables(t: Tenancy) -> None:
    """Create both tables as modules/authorizer does (for the sandbox and tests)."""
    t.dynamodb.create_table(
        TableName=t.tenants_table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "tenant_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "tenant_id", "KeyType": "HASH"}],
    )
    t.dynamodb.create_table(
        TableName=t.keys_table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "key_id", "AttributeType": "S"},
            {"AttributeName": "tenant_id", "AttributeType": "S"},
            {"AttributeName": "created_at", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "key_id", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": KEYS_BY_TENANT_INDEX,
                "KeySchema": [
                    {"AttributeName": "tenant_id", "KeyType": "HASH"},
                    {"AttributeName": "created_at", "KeyType": "RANGE"},
                ],
                "Projection": {
                    "ProjectionType": "INCLUDE",
                    "NonKeyAttributes": ["stage", "status", "label", "expires_at", "revoked_at"],
                },
            }
        ],
    )


# --------------------------------------------------------------------- tenants


def _validate_tenant_id(tenant_id: str) -> None:
    if not _TENANT.match(tenant_id):
        raise TenancyError(
            f"invalid tenant name {tenant_id!r}: use 2-63 lowercase letters, digits or '-', "
            "starting with a letter or digit"
        )


def get_tenant(t: Tenancy, tenant_id: str) -> dict[str, Any]:
    _validate_tenant_id(tenant_id)
    resp = _call(
        t.tenants_table,
        t.region,
        t.dynamodb.get_item,
        TableName=t.tenants_table,
        Key={"tenant_id": {"S": tenant_id}},
        ConsistentRead=True,
    )
    if "Item" not in resp:
        raise TenancyError(f"unknown tenant {tenant_id!r}")
    return _de(resp["Item"])


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
    _validate_tenant_id(tenant_id)
    if not _TIER.match(tier):
        raise TenancyError(f"invalid tier {tier!r}: use lowercase letters, digits or '-'")
    bad_models = [m for m in allowed_models if not _MODEL.match(m)]
    if bad_models or not allowed_models:
        raise TenancyError(
            f"allowed models must be a non-empty list of model names, got {allowed_models}"
        )
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
        "created_at": _now_iso(),
    }
    try:
        _call(
            t.tenants_table,
            t.region,
            t.dynamodb.put_item,
            TableName=t.tenants_table,
            Item=_ser(item),
            ConditionExpression="attribute_not_exists(tenant_id)",
        )
    except Exception as exc:
        if _is_conditional_failure(exc):
            raise TenancyError(f"tenant {tenant_id!r} already exists") from exc
        raise
    return {k: v for k, v in item.items() if v is not None}


def _scan(t: Tenancy, table: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    start: dict[str, Any] | None = None
    for _ in range(MAX_PAGES):
        page_args = dict(kwargs, TableName=table)
        if start:
            page_args["ExclusiveStartKey"] = start
        resp = _call(table, t.region, t.dynamodb.scan, **page_args)
        for item in resp.get("Items", []):
            yield _de(item)
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
    _call(
        t.tenants_table,
        t.region,
        t.dynamodb.update_item,
        TableName=t.tenants_table,
        Key={"tenant_id": {"S": tenant_id}},
        UpdateExpression="SET #s = :s, updated_at = :u",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": status}, ":u": {"S": _now_iso()}},
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


# ------------------------------------------------------------ usage plan link


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
        _call(
            t.tenants_table,
            t.region,
            t.dynamodb.update_item,
            TableName=t.tenants_table,
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


# ------------------------------------------------------------------------ keys


def create_key(
    t: Tenancy,
    tenant_id: str,
    *,
    stage: str,
    label: str | None = None,
    plan_id: str | None = None,
    prefix: str | None = None,
) -> dict[str, Any]:
    """Issue a key for an active tenant. The returned ``key`` is the only copy of the secret."""
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
        "created_at": _now_iso(),
    }
    _call(
        t.keys_table,
        t.region,
        t.dynamodb.put_item,
        TableName=t.keys_table,
        Item=_ser(item),
        ConditionExpression="attribute_not_exists(key_id)",
    )
    return {
        "key": full,
        "key_id": key_id,
        "tenant_id": tenant_id,
        "stage": stage,
        "created_at": item["created_at"],
    }


def get_key(t: Tenancy, key_id: str) -> dict[str, Any]:
    if not _KEY_ID.match(key_id):
        raise TenancyError(f"invalid key id {key_id!r}: 16 letters or digits")
    resp = _call(
        t.keys_table,
        t.region,
        t.dynamodb.get_item,
        TableName=t.keys_table,
        Key={"key_id": {"S": key_id}},
        ConsistentRead=True,
    )
    if "Item" not in resp:
        raise TenancyError(f"unknown key {key_id!r}")
    item = _de(resp["Item"])
    item.pop("secret_hash", None)
    return item


def list_keys(t: Tenancy, tenant_id: str) -> list[dict[str, Any]]:
    get_tenant(t, tenant_id)  # clear error for an unknown tenant
    out: list[dict[str, Any]] = []
    start: dict[str, Any] | None = None
    for _ in range(MAX_PAGES):
        kwargs: dict[str, Any] = {
            "TableName": t.keys_table,
            "IndexName": KEYS_BY_TENANT_INDEX,
            "KeyConditionExpression": "tenant_id = :t",
            "ExpressionAttributeValues": {":t": {"S": tenant_id}},
        }
        if start:
            kwargs["ExclusiveStartKey"] = start
        resp = _call(t.keys_table, t.region, t.dynamodb.query, **kwargs)
        out.extend(_de(i) for i in resp.get("Items", []))
        start = resp.get("LastEvaluatedKey")
        if not start:
            return out
    raise TenancyError(f"tenant {tenant_id!r} has too many keys to list")


def revoke_key(t: Tenancy, key_id: str) -> dict[str, Any]:
    get_key(t, key_id)
    _call(
        t.keys_table,
        t.region,
        t.dynamodb.update_item,
        TableName=t.keys_table,
        Key={"key_id": {"S": key_id}},
        UpdateExpression="SET #s = :r, revoked_at = :now",
        ConditionExpression="attribute_exists(key_id)",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":r": {"S": "revoked"}, ":now": {"S": _now_iso()}},
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
    _call(
        t.keys_table,
        t.region,
        t.dynamodb.update_item,
        TableName=t.keys_table,
        Key={"key_id": {"S": key_id}},
        UpdateExpression="SET expires_at = :e, rotated_to = :n",
        ExpressionAttributeValues={":e": {"N": str(expires_at)}, ":n": {"S": new["key_id"]}},
    )
    return {**new, "previous_key_id": key_id, "previous_expires_at": expires_at}


# ----------------------------------------------------------------------- usage


def show_usage(
    t: Tenancy, usage_table: str, tenant_id: str, period: str | None = None
) -> list[dict[str, Any]]:
    """Token usage of a tenant per period, as the LLM gateway meters it.

    The gateway's usage table (modules/llm-route, docs/llm-gateway.md) has one item per
    tenant and period: ``pk = "quota#<tenant>#<period>"`` (period ``YYYY-MM`` or
    ``YYYY-MM-DD``), ``used`` (tokens) and ``expires_at``. ``period`` may be a prefix
    (``2026`` or ``2026-11``).
    """
    _validate_tenant_id(tenant_id)
    prefix = f"quota#{tenant_id}#"
    out: list[dict[str, Any]] = []
    start: dict[str, Any] | None = None
    for _ in range(MAX_PAGES):
        kwargs: dict[str, Any] = {
            "TableName": usage_table,
            "FilterExpression": "begins_with(pk, :p)",
            "ExpressionAttributeValues": {":p": {"S": prefix + (period or "")}},
        }
        if start:
            kwargs["ExclusiveStartKey"] = start
        try:
            resp = _call(usage_table, t.region, t.dynamodb.scan, **kwargs)
        except TenancyError as exc:
            raise TenancyError(
                f"usage table {usage_table!r} not found in {t.region}: pass --usage-table "
                "(AIGW_USAGE_TABLE), the table of modules/llm-route"
            ) from exc
        for raw in resp.get("Items", []):
            item = _de(raw)
            out.append(
                {
                    "tenant": tenant_id,
                    "period": str(item["pk"])[len(prefix) :],
                    "used_tokens": int(item.get("used", 0)),
                }
            )
        start = resp.get("LastEvaluatedKey")
        if not start:
            return sorted(out, key=lambda r: r["period"])
    raise TenancyError("usage scan returned too many pages; pass --period")


# ------------------------------------------------------------------------- CLI


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _context(args: argparse.Namespace) -> Tenancy:
    tenants = args.tenants_table or os.environ.get("AIGW_TENANTS_TABLE")
    keys = args.keys_table or os.environ.get("AIGW_KEYS_TABLE")
    if not tenants or not keys:
        raise TenancyError(
            "pass --tenants-table and --keys-table (or set AIGW_TENANTS_TABLE/AIGW_KEYS_TABLE)"
        )
    return Tenancy.connect(
        tenants_table=tenants,
        keys_table=keys,
        region=args.tenancy_region or getattr(args, "region", None),
        profile=args.tenancy_profile or getattr(args, "profile", None),
        endpoint_url=args.tenancy_endpoint_url or getattr(args, "endpoint_url", None),
    )


def _print(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, sort_keys=True) + "\n")


def _plan_args(args: argparse.Namespace) -> dict[str, str | None]:
    return {
        "plan_id": args.usage_plan_id,
        "prefix": args.usage_plan_prefix or os.environ.get("AIGW_USAGE_PLAN_PREFIX"),
    }


def _stage(args: argparse.Namespace) -> str:
    stage = args.stage or os.environ.get("AIGW_STAGE")
    if not stage:
        raise TenancyError("pass --stage (or set AIGW_STAGE): keys are bound to one stage")
    return stage


def _cmd_tenants_create(args: argparse.Namespace) -> None:
    t = _context(args)
    create_tenant(
        t,
        args.name,
        tier=args.tier,
        allowed_models=_split(args.models),
        allowed_routes=_split(args.routes),
        display_name=args.display_name,
    )
    plan = _plan_args(args)
    if plan["plan_id"] or plan["prefix"]:
        ensure_usage_key(t, args.name, **plan)
    _print(public_tenant(get_tenant(t, args.name)))


def _cmd_tenants_list(args: argparse.Namespace) -> None:
    _print(list_tenants(_context(args)))


def _cmd_tenants_show(args: argparse.Namespace) -> None:
    _print(public_tenant(get_tenant(_context(args), args.name)))


def _cmd_tenants_disable(args: argparse.Namespace) -> None:
    _print(set_tenant_status(_context(args), args.name, "disabled"))


def _cmd_tenants_enable(args: argparse.Namespace) -> None:
    _print(set_tenant_status(_context(args), args.name, "active"))


def _cmd_keys_create(args: argparse.Namespace) -> None:
    result = create_key(
        _context(args), args.tenant, stage=_stage(args), label=args.label, **_plan_args(args)
    )
    _print(result)
    sys.stderr.write("Store this key now: it is shown once and only its hash is kept.\n")


def _cmd_keys_list(args: argparse.Namespace) -> None:
    _print(list_keys(_context(args), args.tenant))


def _cmd_keys_revoke(args: argparse.Namespace) -> None:
    _print(revoke_key(_context(args), args.key_id))


def _cmd_keys_rotate(args: argparse.Namespace) -> None:
    result = rotate_key(
        _context(args),
        args.key_id,
        overlap_seconds=int(args.overlap_hours * 3600),
        label=args.label,
        **_plan_args(args),
    )
    _print(result)
    sys.stderr.write("Store the new key now: it is shown once and only its hash is kept.\n")


def _cmd_usage_show(args: argparse.Namespace) -> None:
    table = args.usage_table or os.environ.get("AIGW_USAGE_TABLE")
    if not table:
        raise TenancyError("pass --usage-table (or set AIGW_USAGE_TABLE)")
    t = _context(args)
    _print(show_usage(t, table, args.tenant, args.period))


def _runner(fn: Callable[[argparse.Namespace], None]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            fn(args)
        except TenancyError as exc:
            sys.stderr.write(f"error: {exc}\n")
            return 2
        except (BotoCoreError, ClientError) as exc:
            sys.stderr.write(f"error: AWS call failed: {exc}\n")
            return 1
        return 0

    return run


def _common(usage_plan: bool = False) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("AWS")
    g.add_argument("--region", dest="tenancy_region", help="AWS region (default: AWS_REGION)")
    g.add_argument("--profile", dest="tenancy_profile", help="AWS profile")
    g.add_argument(
        "--endpoint-url",
        dest="tenancy_endpoint_url",
        help="AWS endpoint, e.g. the local sandbox (default: AWS_ENDPOINT_URL)",
    )
    g.add_argument("--tenants-table", help="tenants table (default: AIGW_TENANTS_TABLE)")
    g.add_argument("--keys-table", help="keys table (default: AIGW_KEYS_TABLE)")
    if usage_plan:
        g.add_argument("--usage-plan-id", help="usage plan of the tenant's tier")
        g.add_argument(
            "--usage-plan-prefix",
            help="find the plan named <prefix>-<tier> (default: AIGW_USAGE_PLAN_PREFIX)",
        )
    return p


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``tenants``, ``keys`` and ``usage`` command groups.

    Each leaf command sets ``func``: call ``args.func(args)``; it returns the exit code
    (0 ok, 2 user error with a message on stderr, 1 AWS failure).
    """
    common = _common()
    with_plan = _common(usage_plan=True)

    tenants = subparsers.add_parser("tenants", help="manage tenants").add_subparsers(
        dest="tenants_command", required=True
    )
    p = tenants.add_parser("create", parents=[with_plan], help="create a tenant")
    p.add_argument("name", help="tenant name (its identity): lowercase letters, digits, '-'")
    p.add_argument("--tier", required=True, help="tier; its usage plan is <prefix>-<tier>")
    p.add_argument("--models", required=True, help="comma-separated model names the tenant may use")
    p.add_argument(
        "--routes", help="comma-separated 'METHOD /path' the tenant may call (default: all)"
    )
    p.add_argument("--display-name", help="human-readable name")
    p.set_defaults(func=_runner(_cmd_tenants_create))
    p = tenants.add_parser("list", parents=[common], help="list tenants")
    p.set_defaults(func=_runner(_cmd_tenants_list))
    for name, fn, text in (
        ("show", _cmd_tenants_show, "show a tenant"),
        ("disable", _cmd_tenants_disable, "disable a tenant (all its keys and tokens are denied)"),
        ("enable", _cmd_tenants_enable, "re-enable a disabled tenant"),
    ):
        p = tenants.add_parser(name, parents=[common], help=text)
        p.add_argument("name")
        p.set_defaults(func=_runner(fn))

    keys = subparsers.add_parser("keys", help="manage API keys").add_subparsers(
        dest="keys_command", required=True
    )
    p = keys.add_parser("create", parents=[with_plan], help="issue a key (printed once)")
    p.add_argument("--tenant", required=True)
    p.add_argument("--stage", help="stage the key is valid for (default: AIGW_STAGE)")
    p.add_argument("--label", help="free-text label")
    p.set_defaults(func=_runner(_cmd_keys_create))
    p = keys.add_parser("list", parents=[common], help="list a tenant's keys (no secrets)")
    p.add_argument("--tenant", required=True)
    p.set_defaults(func=_runner(_cmd_keys_list))
    p = keys.add_parser("revoke", parents=[common], help="revoke a key immediately")
    p.add_argument("key_id")
    p.set_defaults(func=_runner(_cmd_keys_revoke))
    p = keys.add_parser(
        "rotate", parents=[with_plan], help="issue a successor; old key expires after the overlap"
    )
    p.add_argument("key_id")
    p.add_argument(
        "--overlap-hours",
        type=float,
        default=24.0,
        help="how long the old key keeps working (default 24)",
    )
    p.add_argument("--label", help="label of the new key (default: the old key's)")
    p.set_defaults(func=_runner(_cmd_keys_rotate))

    usage = subparsers.add_parser("usage", help="token usage").add_subparsers(
        dest="usage_command", required=True
    )
    p = usage.add_parser("show", parents=[common], help="token usage of a tenant per period")
    p.add_argument("--tenant", required=True)
    p.add_argument("--period", help="period or period prefix, e.g. 2026-11")
    p.add_argument(
        "--usage-table", help="the LLM gateway's usage table (default: AIGW_USAGE_TABLE)"
    )
    p.set_defaults(func=_runner(_cmd_usage_show))
