"""Tenants, keys and usage against the local sandbox, including the authorizer round trip."""

from __future__ import annotations

import argparse
import calendar
import json
import time
import uuid
from typing import Any

import boto3
import pytest

from aigw import tenancy
from aigw.tenancy import Tenancy, TenancyError
from authorizer import handler as authorizer_handler
from authorizer.config import load as load_config
from authorizer.core import Authorizer, AuthRequest
from authorizer.store import DynamoStore

pytestmark = pytest.mark.sandbox

STAGE = "dev"
METHOD_ARN = "arn:aws:execute-api:us-east-1:123456789012:api123/dev/POST/v1/chat/completions"


def _uid() -> str:
    return uuid.uuid4().hex[:10]


@pytest.fixture
def ctx(aws_env: str) -> Tenancy:
    uid = _uid()
    t = Tenancy.connect(
        tenants_table=f"tenants-{uid}", keys_table=f"keys-{uid}", region="us-east-1"
    )
    tenancy.create_tables(t)
    return t


@pytest.fixture
def plan_prefix(ctx: Tenancy) -> str:
    """Usage plans named <prefix>-<tier> for two tiers, as gateway-core creates them."""
    prefix = f"aigw-{_uid()}"
    for tier in ("standard", "premium"):
        ctx.apigateway.create_usage_plan(
            name=f"{prefix}-{tier}", throttle={"rateLimit": 10, "burstLimit": 20}
        )
    return prefix


@pytest.fixture
def authorizer_env(ctx: Tenancy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIGW_STAGE", STAGE)
    monkeypatch.setenv("AIGW_TENANTS_TABLE", ctx.tenants_table)
    monkeypatch.setenv("AIGW_KEYS_TABLE", ctx.keys_table)
    authorizer_handler.reset()
    yield
    authorizer_handler.reset()


def _event(key: str) -> dict[str, Any]:
    return {
        "type": "REQUEST",
        "methodArn": METHOD_ARN,
        "headers": {"Authorization": f"Bearer {key}"},
    }


def _tenant(ctx: Tenancy, name: str = "acme", tier: str = "standard") -> dict[str, Any]:
    return tenancy.create_tenant(
        ctx, name, tier=tier, allowed_models=["gpt-4o-mini", "claude-haiku"]
    )


def test_round_trip_create_tenant_key_accept_revoke_deny(
    ctx: Tenancy, plan_prefix: str, authorizer_env: None
) -> None:
    _tenant(ctx)
    issued = tenancy.create_key(ctx, "acme", stage=STAGE, prefix=plan_prefix)

    response = authorizer_handler.handler(_event(issued["key"]), None)
    tenant = tenancy.get_tenant(ctx, "acme")
    assert response["policyDocument"]["Statement"][0]["Effect"] == "Allow"
    assert response["usageIdentifierKey"] == tenant["usage_key_value"]
    assert response["context"] == {
        "tenant": "acme",
        "tier": "standard",
        "key_id": issued["key_id"],
        "allowed_models": "gpt-4o-mini,claude-haiku",
        "auth_method": "api_key",
        "subject": "",
    }

    tenancy.revoke_key(ctx, issued["key_id"])
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorizer_handler.handler(_event(issued["key"]), None)


def test_key_create_links_the_tenant_api_key_to_its_tier_plan(
    ctx: Tenancy, plan_prefix: str
) -> None:
    _tenant(ctx, tier="premium")
    tenancy.create_key(ctx, "acme", stage=STAGE, prefix=plan_prefix)
    tenant = tenancy.get_tenant(ctx, "acme")
    plans = {p["name"]: p["id"] for p in ctx.apigateway.get_usage_plans()["items"]}
    assert tenant["usage_plan_id"] == plans[f"{plan_prefix}-premium"]
    linked = ctx.apigateway.get_usage_plan_keys(usagePlanId=plans[f"{plan_prefix}-premium"])[
        "items"
    ]
    assert [k["id"] for k in linked] == [tenant["usage_key_id"]]
    api_key = ctx.apigateway.get_api_key(apiKey=tenant["usage_key_id"], includeValue=True)
    assert api_key["value"] == tenant["usage_key_value"]
    # A second key reuses the tenant's API Gateway key instead of creating another.
    tenancy.create_key(ctx, "acme", stage=STAGE, prefix=plan_prefix)
    assert tenancy.get_tenant(ctx, "acme")["usage_key_id"] == tenant["usage_key_id"]


def test_only_a_hash_of_the_key_is_stored(ctx: Tenancy, plan_prefix: str) -> None:
    _tenant(ctx)
    issued = tenancy.create_key(ctx, "acme", stage=STAGE, prefix=plan_prefix)
    secret = issued["key"].rsplit("-", 1)[1]
    raw = ctx.dynamodb.scan(TableName=ctx.keys_table)["Items"]
    dumped = json.dumps(raw)
    assert secret not in dumped
    assert raw[0]["secret_hash"]["S"] == tenancy.hash_secret(STAGE, issued["key_id"], secret)
    listed = tenancy.list_keys(ctx, "acme")
    assert [k["key_id"] for k in listed] == [issued["key_id"]]
    assert "secret_hash" not in listed[0] and "secret_hash" not in tenancy.get_key(
        ctx, issued["key_id"]
    )


def test_issued_keys_are_unique_and_well_formed() -> None:
    keys = {tenancy.generate_key("prod")[0] for _ in range(200)}
    assert len(keys) == 200
    from authorizer.apikeys import parse_key

    assert all(parse_key(k) is not None and parse_key(k).stage == "prod" for k in keys)


def test_rotation_keeps_both_keys_valid_during_overlap(
    ctx: Tenancy, plan_prefix: str, authorizer_env: None
) -> None:
    _tenant(ctx)
    old = tenancy.create_key(ctx, "acme", stage=STAGE, prefix=plan_prefix)
    new = tenancy.rotate_key(ctx, old["key_id"], overlap_seconds=3600, prefix=plan_prefix)
    assert new["previous_key_id"] == old["key_id"]
    assert new["key_id"] != old["key_id"]

    cfg = load_config()
    clock_now = [time.time()]
    authz = Authorizer(
        cfg, DynamoStore(cfg.tenants_table, cfg.keys_table), clock=lambda: clock_now[0]
    )
    for key in (old["key"], new["key"]):
        assert authz.authorize(AuthRequest(METHOD_ARN, {"x-api-key": key})).effect == "allow"
    clock_now[0] += 3601
    assert (
        authz.authorize(AuthRequest(METHOD_ARN, {"x-api-key": old["key"]})).effect == "unauthorized"
    )
    assert authz.authorize(AuthRequest(METHOD_ARN, {"x-api-key": new["key"]})).effect == "allow"


def test_disabled_tenant_is_denied_and_its_api_key_disabled(
    ctx: Tenancy, plan_prefix: str, authorizer_env: None
) -> None:
    _tenant(ctx)
    issued = tenancy.create_key(ctx, "acme", stage=STAGE, prefix=plan_prefix)
    tenancy.set_tenant_status(ctx, "acme", "disabled")
    response = authorizer_handler.handler(_event(issued["key"]), None)
    assert response["policyDocument"]["Statement"][0]["Effect"] == "Deny"
    usage_key = tenancy.get_tenant(ctx, "acme")["usage_key_id"]
    assert ctx.apigateway.get_api_key(apiKey=usage_key)["enabled"] is False
    with pytest.raises(TenancyError, match="disabled"):
        tenancy.create_key(ctx, "acme", stage=STAGE, prefix=plan_prefix)
    tenancy.set_tenant_status(ctx, "acme", "active")
    allowed = authorizer_handler.handler(_event(issued["key"]), None)
    assert allowed["policyDocument"]["Statement"][0]["Effect"] == "Allow"


def test_key_issued_for_another_stage_is_refused(
    ctx: Tenancy, plan_prefix: str, authorizer_env: None
) -> None:
    _tenant(ctx)
    issued = tenancy.create_key(ctx, "acme", stage="prod", prefix=plan_prefix)
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorizer_handler.handler(_event(issued["key"]), None)


def test_duplicate_tenant_name_is_refused(ctx: Tenancy) -> None:
    _tenant(ctx)
    with pytest.raises(TenancyError, match="already exists"):
        _tenant(ctx)


@pytest.mark.parametrize("name", ["A", "Acme", "acme corp", "-acme", "a/b", "x" * 64])
def test_invalid_tenant_names_are_refused(ctx: Tenancy, name: str) -> None:
    with pytest.raises(TenancyError, match="invalid tenant name"):
        _tenant(ctx, name)


def test_unknown_tenant_and_key_give_clear_errors(ctx: Tenancy) -> None:
    with pytest.raises(TenancyError, match="unknown tenant 'ghost'"):
        tenancy.get_tenant(ctx, "ghost")
    with pytest.raises(TenancyError, match="unknown tenant 'ghost'"):
        tenancy.create_key(ctx, "ghost", stage=STAGE, prefix="x")
    with pytest.raises(TenancyError, match="unknown key"):
        tenancy.revoke_key(ctx, "AAAAAAAAAAAAAAAA")


def test_missing_table_gives_a_clear_error(aws_env: str) -> None:
    t = Tenancy.connect(
        tenants_table=f"absent-{_uid()}", keys_table=f"absent-{_uid()}", region="us-east-1"
    )
    with pytest.raises(TenancyError, match=r"table 'absent-.*' not found in us-east-1"):
        tenancy.list_tenants(t)


def test_missing_usage_plan_gives_a_clear_error(ctx: Tenancy) -> None:
    _tenant(ctx)
    with pytest.raises(TenancyError, match="usage plan 'nope-standard' not found"):
        tenancy.create_key(ctx, "acme", stage=STAGE, prefix="nope")
    with pytest.raises(TenancyError, match="no usage plan for tier"):
        tenancy.create_key(ctx, "acme", stage=STAGE)
    assert "usage_key_id" not in tenancy.get_tenant(ctx, "acme")


def test_usage_show_reads_what_the_gateway_meters(ctx: Tenancy) -> None:
    from llm_gateway.config import QuotaConfig
    from llm_gateway.quotas import QuotaStore

    table = f"usage-{_uid()}"
    # The table as modules/llm-route creates it.
    ctx.dynamodb.create_table(
        TableName=table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )

    def store(day: tuple[int, int, int]) -> QuotaStore:
        config = QuotaConfig(
            enabled=True, table_name=table, period="month", default_tokens=1_000_000
        )
        when = calendar.timegm((*day, 12, 0, 0))
        return QuotaStore(config, client=ctx.dynamodb, clock=lambda: when)

    store((2026, 10, 15)).reserve("acme", "standard", 10)
    november = store((2026, 11, 3))
    reservation = november.reserve("acme", "standard", 25)
    november.reconcile(reservation, 30)  # the real usage replaces the reservation
    november.reserve("other", "standard", 99)

    assert tenancy.show_usage(ctx, table, "acme") == [
        {"tenant": "acme", "period": "2026-10", "used_tokens": 10},
        {"tenant": "acme", "period": "2026-11", "used_tokens": 30},
    ]
    assert [r["period"] for r in tenancy.show_usage(ctx, table, "acme", "2026-11")] == ["2026-11"]
    with pytest.raises(TenancyError, match="usage table 'missing' not found"):
        tenancy.show_usage(ctx, "missing", "acme")


# --------------------------------------------------------------------------- CLI


def _cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="aigw")
    tenancy.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_round_trip_against_the_sandbox(
    ctx: Tenancy,
    plan_prefix: str,
    aws_env: str,
    authorizer_env: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tables = [
        "--tenants-table",
        ctx.tenants_table,
        "--keys-table",
        ctx.keys_table,
        "--endpoint-url",
        aws_env,
    ]
    assert (
        _cli(["tenants", "create", "globex", "--tier", "standard", "--models", "m1,m2", *tables])
        == 0
    )
    created = json.loads(capsys.readouterr().out)
    assert created["tenant_id"] == "globex" and created["allowed_models"] == ["m1", "m2"]

    assert (
        _cli(
            [
                "keys",
                "create",
                "--tenant",
                "globex",
                "--stage",
                STAGE,
                "--usage-plan-prefix",
                plan_prefix,
                *tables,
            ]
        )
        == 0
    )
    out = capsys.readouterr()
    issued = json.loads(out.out)
    assert "shown once" in out.err
    assert authorizer_handler.handler(_event(issued["key"]), None)["context"]["tenant"] == "globex"
    capsys.readouterr()  # drop the authorizer's decision log line

    assert _cli(["keys", "revoke", issued["key_id"], *tables]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "revoked"
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorizer_handler.handler(_event(issued["key"]), None)

    capsys.readouterr()
    assert _cli(["tenants", "list", *tables]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [t["tenant_id"] for t in listed] == ["globex"]
    assert "usage_key_value" not in listed[0]


def test_cli_reports_user_errors_without_traceback(
    ctx: Tenancy, aws_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    tables = ["--tenants-table", ctx.tenants_table, "--keys-table", ctx.keys_table]
    assert _cli(["tenants", "show", "ghost", *tables]) == 2
    assert capsys.readouterr().err == "error: unknown tenant 'ghost'\n"
    assert _cli(["tenants", "create", "dup", "--tier", "standard", "--models", "m", *tables]) == 0
    capsys.readouterr()
    assert _cli(["tenants", "create", "dup", "--tier", "standard", "--models", "m", *tables]) == 2
    assert "already exists" in capsys.readouterr().err


def test_cli_reads_table_names_from_the_environment(
    ctx: Tenancy, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AIGW_TENANTS_TABLE", ctx.tenants_table)
    monkeypatch.setenv("AIGW_KEYS_TABLE", ctx.keys_table)
    _tenant(ctx, "envco")
    assert _cli(["tenants", "show", "envco"]) == 0
    assert json.loads(capsys.readouterr().out)["tenant_id"] == "envco"
    monkeypatch.delenv("AIGW_KEYS_TABLE")
    assert _cli(["tenants", "show", "envco"]) == 2
    assert "--keys-table" in capsys.readouterr().err


def test_authorizer_fails_closed_when_tables_are_missing(
    aws_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIGW_STAGE", STAGE)
    monkeypatch.setenv("AIGW_TENANTS_TABLE", f"absent-{_uid()}")
    monkeypatch.setenv("AIGW_KEYS_TABLE", f"absent-{_uid()}")
    authorizer_handler.reset()
    try:
        key = tenancy.generate_key(STAGE)[0]
        with pytest.raises(Exception) as info:
            authorizer_handler.handler(_event(key), None)
        assert str(info.value) != "Unauthorized"
        assert type(info.value).__name__ == "AuthorizerUnavailable"
    finally:
        authorizer_handler.reset()


def test_boto3_default_region_is_used_when_no_option(aws_env: str) -> None:
    t = Tenancy.connect(tenants_table="a", keys_table="b")
    assert t.region == boto3.Session().region_name == "us-east-1"


def test_only_active_keys_rotate_and_overlap_is_bounded(ctx: Tenancy, plan_prefix: str) -> None:
    _tenant(ctx)
    issued = tenancy.create_key(ctx, "acme", stage=STAGE, prefix=plan_prefix)
    with pytest.raises(TenancyError, match="overlap"):
        tenancy.rotate_key(ctx, issued["key_id"], overlap_seconds=31 * 86400, prefix=plan_prefix)
    tenancy.revoke_key(ctx, issued["key_id"])
    with pytest.raises(TenancyError, match="is revoked; only active keys rotate"):
        tenancy.rotate_key(ctx, issued["key_id"], overlap_seconds=60, prefix=plan_prefix)


def test_rotation_records_successor_and_expiry(ctx: Tenancy, plan_prefix: str) -> None:
    _tenant(ctx)
    old = tenancy.create_key(ctx, "acme", stage=STAGE, prefix=plan_prefix, label="ci")
    before = int(time.time())
    new = tenancy.rotate_key(ctx, old["key_id"], overlap_seconds=600, prefix=plan_prefix)
    record = tenancy.get_key(ctx, old["key_id"])
    assert record["rotated_to"] == new["key_id"]
    assert before + 600 <= record["expires_at"] <= int(time.time()) + 600
    assert tenancy.get_key(ctx, new["key_id"])["label"] == "ci"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tier": "Gold Plan"}, "invalid tier"),
        ({"allowed_models": []}, "allowed models"),
        ({"allowed_models": ["bad model"]}, "allowed models"),
        ({"allowed_routes": ["chat"]}, "invalid routes"),
    ],
)
def test_invalid_tenant_settings_are_refused(
    ctx: Tenancy, kwargs: dict[str, Any], message: str
) -> None:
    args: dict[str, Any] = {"tier": "standard", "allowed_models": ["m"], **kwargs}
    with pytest.raises(TenancyError, match=message):
        tenancy.create_tenant(ctx, "acme", **args)
    with pytest.raises(TenancyError, match="unknown tenant"):
        tenancy.get_tenant(ctx, "acme")


def test_usage_plan_by_id_is_checked_and_used(ctx: Tenancy) -> None:
    plan = ctx.apigateway.create_usage_plan(name=f"explicit-{_uid()}")["id"]
    tenancy.create_tenant(ctx, "acme", tier="gold", allowed_models=["m"])
    tenancy.ensure_usage_key(ctx, "acme", plan_id=plan)
    assert tenancy.get_tenant(ctx, "acme")["usage_plan_id"] == plan
    tenancy.create_tenant(ctx, "other", tier="gold", allowed_models=["m"])
    with pytest.raises(TenancyError, match="usage plan 'nope' not found"):
        tenancy.ensure_usage_key(ctx, "other", plan_id="nope")


def test_jwt_caller_is_mapped_to_a_cli_created_tenant(
    ctx: Tenancy, plan_prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The handler, configured only through its environment, accepts an ES256 JWT."""
    import base64
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    def b64u(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    private = ec.generate_private_key(ec.SECP256R1())
    pub = private.public_key().public_numbers()
    jwks = {
        "keys": [
            {
                "kty": "EC",
                "crv": "P-256",
                "kid": "k1",
                "x": b64u(pub.x.to_bytes(32, "big")),
                "y": b64u(pub.y.to_bytes(32, "big")),
            }
        ]
    }
    body = json.dumps(jwks).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        issuer = "https://idp.test/pool"
        monkeypatch.setenv("AIGW_STAGE", STAGE)
        monkeypatch.setenv("AIGW_TENANTS_TABLE", ctx.tenants_table)
        monkeypatch.setenv("AIGW_KEYS_TABLE", ctx.keys_table)
        monkeypatch.setenv(
            "AIGW_JWT_ISSUERS",
            json.dumps(
                [
                    {
                        "issuer": issuer,
                        "jwks_uri": f"http://127.0.0.1:{server.server_address[1]}/jwks",
                        "audiences": ["client-1"],
                        "audience_claim": "client_id",
                        "tenant_claim": "custom:tenant",
                    }
                ]
            ),
        )
        authorizer_handler.reset()
        tenancy.create_tenant(ctx, "initech", tier="standard", allowed_models=["m1"])
        tenancy.ensure_usage_key(ctx, "initech", prefix=plan_prefix)

        now = int(time.time())
        claims = {
            "iss": issuer,
            "client_id": "client-1",
            "custom:tenant": "initech",
            "sub": "bob",
            "iat": now,
            "exp": now + 300,
        }
        signing_input = (
            f"{b64u(json.dumps({'alg': 'ES256', 'kid': 'k1'}).encode())}."
            f"{b64u(json.dumps(claims).encode())}"
        )
        r, s = decode_dss_signature(private.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
        token = f"{signing_input}.{b64u(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"

        response = authorizer_handler.handler(_event(token), None)
        assert response["policyDocument"]["Statement"][0]["Effect"] == "Allow"
        assert response["principalId"] == "initech/jwt:bob"
        assert (
            response["usageIdentifierKey"] == tenancy.get_tenant(ctx, "initech")["usage_key_value"]
        )

        tenancy.set_tenant_status(ctx, "initech", "disabled")
        denied = authorizer_handler.handler(_event(token), None)
        assert denied["policyDocument"]["Statement"][0]["Effect"] == "Deny"
    finally:
        authorizer_handler.reset()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_region_comes_from_aws_region_too(monkeypatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    ctx = Tenancy.connect(tenants_table="t", keys_table="k", endpoint_url="http://127.0.0.1:9")
    assert ctx.region == "eu-west-1"
    monkeypatch.delenv("AWS_REGION")
    with pytest.raises(TenancyError, match="no AWS region"):
        Tenancy.connect(tenants_table="t", keys_table="k", endpoint_url="http://127.0.0.1:9")
