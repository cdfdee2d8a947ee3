"""Tenant lifecycle against the sandbox: update (tier and usage plan, models, status),
delete (keys revoked, usage-plan key removed, usage kept) and key expiry dates, each
checked through the authorizer."""
# ruff: noqa: F811 - the sandbox fixtures come from test_tenancy

from __future__ import annotations

import argparse
import calendar
import time
from typing import Any

import pytest
from test_tenancy import (  # noqa: F401 - fixtures
    METHOD_ARN,
    STAGE,
    _event,
    _tenant,
    authorizer_env,
    ctx,
    plan_prefix,
)

from aigw import tenancy
from aigw.tenancy import Tenancy, TenancyError
from aigw.tenancy.cli import register
from aigw.tenancy.keys import expiry_of
from authorizer import handler as authorizer_handler
from authorizer.config import load as load_config
from authorizer.core import Authorizer, AuthRequest
from authorizer.store import DynamoStore

pytestmark = pytest.mark.sandbox


def _plans(ctx: Tenancy) -> dict[str, str]:
    return {p["name"]: p["id"] for p in ctx.apigateway.get_usage_plans()["items"]}


def _linked(ctx: Tenancy, plan: str) -> list[str]:
    return [k["id"] for k in ctx.apigateway.get_usage_plan_keys(usagePlanId=plan)["items"]]


def test_update_moves_the_usage_key_to_the_new_tier_plan(
    ctx: Tenancy, plan_prefix: str, authorizer_env: None
) -> None:
    _tenant(ctx, tier="standard")
    issued = tenancy.create_key(ctx, "acme", stage=STAGE, prefix=plan_prefix)
    key_id = tenancy.get_tenant(ctx, "acme")["usage_key_id"]
    plans = _plans(ctx)
    updated = tenancy.update_tenant(
        ctx, "acme", tier="premium", allowed_models=["claude-haiku"], prefix=plan_prefix
    )
    assert updated["tier"] == "premium" and updated["allowed_models"] == ["claude-haiku"]
    assert updated["usage_plan_id"] == plans[f"{plan_prefix}-premium"]
    assert _linked(ctx, plans[f"{plan_prefix}-premium"]) == [key_id]
    assert _linked(ctx, plans[f"{plan_prefix}-standard"]) == []
    response = authorizer_handler.handler(_event(issued["key"]), None)
    assert response["context"]["tier"] == "premium"
    assert response["context"]["allowed_models"] == "claude-haiku"


def test_update_status_disables_and_reenables(
    ctx: Tenancy, plan_prefix: str, authorizer_env: None
) -> None:
    _tenant(ctx)
    issued = tenancy.create_key(ctx, "acme", stage=STAGE, prefix=plan_prefix)
    tenancy.update_tenant(ctx, "acme", status="disabled")
    response = authorizer_handler.handler(_event(issued["key"]), None)
    assert response["policyDocument"]["Statement"][0]["Effect"] == "Deny"
    tenancy.update_tenant(ctx, "acme", status="active")
    response = authorizer_handler.handler(_event(issued["key"]), None)
    assert response["policyDocument"]["Statement"][0]["Effect"] == "Allow"


def test_update_refuses_bad_values(ctx: Tenancy) -> None:
    _tenant(ctx)
    for kwargs in ({}, {"tier": "Gold!"}, {"allowed_models": []}, {"status": "paused"}):
        with pytest.raises(TenancyError):
            tenancy.update_tenant(ctx, "acme", **kwargs)


def test_deleted_tenant_keys_are_refused_and_usage_kept(
    ctx: Tenancy, plan_prefix: str, authorizer_env: None
) -> None:
    _tenant(ctx)
    first = tenancy.create_key(ctx, "acme", stage=STAGE, prefix=plan_prefix)
    second = tenancy.create_key(ctx, "acme", stage=STAGE, prefix=plan_prefix)
    tenant = tenancy.get_tenant(ctx, "acme")
    plan = tenant["usage_plan_id"]
    usage_table = "usage-kept"
    ctx.dynamodb.create_table(
        TableName=usage_table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )
    ctx.dynamodb.put_item(
        TableName=usage_table, Item={"pk": {"S": "quota#acme#2026-11"}, "used": {"N": "42"}}
    )

    result = tenancy.delete_tenant(ctx, "acme")

    assert sorted(result["revoked_keys"]) == sorted([first["key_id"], second["key_id"]])
    for issued in (first, second):
        with pytest.raises(Exception, match=r"^Unauthorized$"):
            authorizer_handler.handler(_event(issued["key"]), None)
    assert _linked(ctx, plan) == []
    assert tenant["usage_key_id"] not in [k["id"] for k in ctx.apigateway.get_api_keys()["items"]]
    with pytest.raises(TenancyError, match="unknown tenant"):
        tenancy.get_tenant(ctx, "acme")
    assert tenancy.show_usage(ctx, usage_table, "acme") == [
        {"tenant": "acme", "period": "2026-11", "used_tokens": 42}
    ]
    ctx.dynamodb.delete_table(TableName=usage_table)


def test_a_deleted_tenant_is_denied_even_with_a_key_record_left_active(
    ctx: Tenancy, plan_prefix: str, authorizer_env: None
) -> None:
    """The authorizer looks the tenant up on every call: a key whose tenant is gone is
    refused although its own record still says active (e.g. a delete interrupted after
    the tenant item went)."""
    _tenant(ctx)
    issued = tenancy.create_key(ctx, "acme", stage=STAGE, prefix=plan_prefix)
    ctx.dynamodb.delete_item(TableName=ctx.tenants_table, Key={"tenant_id": {"S": "acme"}})
    cfg = load_config()
    authz = Authorizer(cfg, DynamoStore(cfg.tenants_table, cfg.keys_table))
    decision = authz.authorize(AuthRequest(METHOD_ARN, {"x-api-key": issued["key"]}))
    assert (decision.effect, decision.reason) == ("deny", "unknown tenant")


def test_expiry_date_is_midnight_utc_of_that_day() -> None:
    assert expiry_of("2026-12-31") == calendar.timegm((2026, 12, 31, 0, 0, 0))
    for bad in ("2026-2-1", "31/12/2026", "2026-02-30"):
        with pytest.raises(TenancyError, match="YYYY-MM-DD"):
            expiry_of(bad)


def test_key_with_an_expiry_works_until_that_instant(
    ctx: Tenancy, plan_prefix: str, authorizer_env: None
) -> None:
    _tenant(ctx)
    expires = int(time.time()) + 86400 * 30
    issued = tenancy.create_key(ctx, "acme", stage=STAGE, prefix=plan_prefix, expires_at=expires)
    assert issued["expires_at"] == expires
    assert tenancy.get_key(ctx, issued["key_id"])["expires_at"] == expires
    cfg = load_config()
    now = [expires - 1.0]
    authz = Authorizer(cfg, DynamoStore(cfg.tenants_table, cfg.keys_table), clock=lambda: now[0])
    request = AuthRequest(METHOD_ARN, {"x-api-key": issued["key"]})
    assert authz.authorize(request).effect == "allow"
    now[0] = float(expires)
    decision = authz.authorize(request)
    assert (decision.effect, decision.reason) == ("unauthorized", "key expired")


def test_expiry_in_the_past_is_refused(ctx: Tenancy, plan_prefix: str) -> None:
    _tenant(ctx)
    with pytest.raises(TenancyError, match="future"):
        tenancy.create_key(ctx, "acme", stage=STAGE, prefix=plan_prefix, expires_at=1)


def _cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="aigw")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_cli_update_delete_and_expiring_key(
    ctx: Tenancy, plan_prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    tables = ["--tenants-table", ctx.tenants_table, "--keys-table", ctx.keys_table]
    _tenant(ctx)
    assert _cli(["keys", "create", "--tenant", "acme", "--stage", STAGE, "--expires",
                 "2099-01-01", "--usage-plan-prefix", plan_prefix, *tables]) == 0  # fmt: skip
    created: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert created["expires_at"] == calendar.timegm((2099, 1, 1, 0, 0, 0))
    assert _cli(["tenants", "update", "acme", "--models", "a,b", *tables]) == 0
    assert json.loads(capsys.readouterr().out)["allowed_models"] == ["a", "b"]
    assert _cli(["tenants", "delete", "acme", *tables]) == 2
    assert "--yes" in capsys.readouterr().err
    assert _cli(["tenants", "delete", "acme", "--yes", *tables]) == 0
    assert json.loads(capsys.readouterr().out)["revoked_keys"] == [created["key_id"]]
