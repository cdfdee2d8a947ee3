"""The tenant half of every decision (core.Authorizer._tenant_decision): status, usage
key, routes, the principal and the context handed to API Gateway, for API keys and JWTs,
and the one JSON log line per decision."""

from __future__ import annotations

import json

import pytest
from authz_fixtures import (
    BASE_ARN,
    METHOD_ARN,
    NOW,
    FakeClock,
    FakeFetcher,
    MemoryStore,
    SigningKey,
    fake_authorizer,
    fixed_claims,
    make_token,
)

from authorizer.config import Config
from authorizer.core import Authorizer, AuthorizerUnavailable, AuthRequest, Decision
from authorizer.store import StoreUnavailable, TenantRecord

USAGE = "usage-acme-0123456789abcdef"


def key_decision(store: MemoryStore, require_usage_key: bool = True) -> tuple[Decision, str]:
    """Authorize a fresh key of tenant acme; (decision, key id)."""
    key = store.issue_key("acme")
    config = Config(
        stage="dev", tenants_table="t", keys_table="k", require_usage_key=require_usage_key
    )
    decision = Authorizer(config, store, clock=lambda: NOW).authorize(
        AuthRequest(METHOD_ARN, {"x-api-key": key})
    )
    return decision, key.split("-")[2]


def jwt_decision(store: MemoryStore, rsa_key: SigningKey, **claims: object) -> Decision:
    authz = fake_authorizer(store, FakeFetcher(rsa_key), FakeClock())
    token = make_token(rsa_key, fixed_claims(**claims))
    return authz.authorize(AuthRequest(METHOD_ARN, {"authorization": f"Bearer {token}"}))


def test_an_active_tenant_with_a_usage_key_is_allowed_every_route(store: MemoryStore) -> None:
    decision, key_id = key_decision(store)
    assert (decision.effect, decision.reason) == ("allow", "ok")
    assert decision.resources == [f"{BASE_ARN}/*/*"]
    assert decision.usage_identifier_key == USAGE
    assert decision.principal_id == f"acme/{key_id}"


def test_the_context_of_an_api_key_decision(store: MemoryStore) -> None:
    store.add_tenant("acme", tier="gold", allowed_models=("m-1", "m-2"))
    decision, key_id = key_decision(store)
    assert decision.context == {
        "tenant": "acme",
        "tier": "gold",
        "key_id": key_id,
        "allowed_models": "m-1,m-2",
        "auth_method": "api_key",
        "subject": "",
    }


def test_the_context_of_a_jwt_decision(store: MemoryStore, rsa_key: SigningKey) -> None:
    decision = jwt_decision(store, rsa_key, sub="alice@example.com")
    assert decision.effect == "allow"
    assert decision.principal_id == "acme/jwt:alice@example.com"
    assert decision.context == {
        "tenant": "acme",
        "tier": "standard",
        "key_id": "",
        "allowed_models": "gpt-4o-mini,claude-haiku",
        "auth_method": "jwt",
        "subject": "alice@example.com",
    }


def test_a_jwt_subject_is_cut_to_128_characters(store: MemoryStore, rsa_key: SigningKey) -> None:
    decision = jwt_decision(store, rsa_key, sub="s" * 300)
    assert decision.context["subject"] == "s" * 128
    assert decision.principal_id == "acme/jwt:" + "s" * 128


def test_a_jwt_without_a_string_subject_has_an_empty_one(
    store: MemoryStore, rsa_key: SigningKey
) -> None:
    decision = jwt_decision(store, rsa_key, sub=42)
    assert (decision.effect, decision.context["subject"]) == ("allow", "")
    assert decision.principal_id == "acme/jwt:"


def test_an_unknown_tenant_is_denied_with_an_empty_tier_and_models() -> None:
    decision, key_id = key_decision(MemoryStore())
    assert (decision.effect, decision.reason) == ("deny", "unknown tenant")
    assert decision.principal_id == f"acme/{key_id}"
    assert decision.context == {
        "tenant": "acme",
        "tier": "",
        "key_id": key_id,
        "allowed_models": "",
        "auth_method": "api_key",
        "subject": "",
    }
    assert (decision.resources, decision.usage_identifier_key) == ([], None)


@pytest.mark.parametrize("status", ["disabled", "suspended", "Active", ""])
def test_a_tenant_that_is_not_active_is_denied(store: MemoryStore, status: str) -> None:
    store.add_tenant("acme", status=status, tier="gold")
    decision, key_id = key_decision(store)
    assert (decision.effect, decision.reason) == ("deny", "tenant disabled")
    assert decision.principal_id == f"acme/{key_id}"
    assert (decision.context["tier"], decision.context["key_id"]) == ("gold", key_id)
    assert (decision.resources, decision.usage_identifier_key) == ([], None)


@pytest.mark.parametrize("usage_key", [None, ""])
def test_a_tenant_without_a_usage_key_is_denied_while_one_is_required(
    store: MemoryStore, usage_key: str | None
) -> None:
    store.add_tenant("acme", usage_key_value=usage_key, tier="gold")
    decision, key_id = key_decision(store)
    assert (decision.effect, decision.reason) == ("deny", "tenant has no usage plan key")
    assert decision.principal_id == f"acme/{key_id}"
    assert (decision.context["tier"], decision.context["key_id"]) == ("gold", key_id)


def test_a_tenant_without_a_usage_key_is_allowed_when_none_is_required(
    store: MemoryStore,
) -> None:
    store.add_tenant("acme", usage_key_value=None)
    decision, _ = key_decision(store, require_usage_key=False)
    assert (decision.effect, decision.reason) == ("allow", "ok")
    assert decision.usage_identifier_key is None


def test_a_usage_key_is_passed_on_when_none_is_required(store: MemoryStore) -> None:
    decision, _ = key_decision(store, require_usage_key=False)
    assert decision.usage_identifier_key == USAGE


def test_allowed_routes_become_one_resource_each(store: MemoryStore) -> None:
    store.add_tenant("acme", allowed_routes=("POST /v1/chat/completions", "GET /v1/models"))
    decision, _ = key_decision(store)
    assert decision.resources == [
        f"{BASE_ARN}/POST/v1/chat/completions",
        f"{BASE_ARN}/GET/v1/models",
    ]


def test_a_tenant_whose_routes_are_all_malformed_is_denied(store: MemoryStore) -> None:
    store.add_tenant("acme", allowed_routes=("post /v1/chat", "POST v1"), tier="gold")
    decision, key_id = key_decision(store)
    assert (decision.effect, decision.reason) == ("deny", "tenant may call no route")
    assert decision.resources == []
    assert decision.principal_id == f"acme/{key_id}"
    assert (decision.context["tier"], decision.context["key_id"]) == ("gold", key_id)


def test_the_principal_is_cut_to_256_characters(store: MemoryStore) -> None:
    # A key record may name any tenant id; the principal API Gateway caches under is capped.
    tenant = "t" * 300
    store.add_tenant(tenant)
    key = store.issue_key(tenant)
    config = Config(stage="dev", tenants_table="t", keys_table="k")
    decision = Authorizer(config, store).authorize(AuthRequest(METHOD_ARN, {"x-api-key": key}))
    assert decision.effect == "allow"
    assert decision.principal_id == "t" * 256
    assert decision.context["tenant"] == tenant


class TenantsDown(MemoryStore):
    """Keys read fine; the tenants table does not answer."""

    def get_tenant(self, tenant_id: str) -> TenantRecord | None:
        raise StoreUnavailable("tenants: down")


def test_an_unreadable_tenants_table_fails_closed() -> None:
    store = TenantsDown()
    key = store.issue_key("acme")
    authz = Authorizer(Config(stage="dev", tenants_table="t", keys_table="k"), store)
    with pytest.raises(AuthorizerUnavailable, match=r"^tenants table unavailable$"):
        authz.authorize(AuthRequest(METHOD_ARN, {"x-api-key": key}))


def test_one_log_line_per_decision_without_the_credential(
    store: MemoryStore, capsys: pytest.CaptureFixture[str]
) -> None:
    decision, key_id = key_decision(store)
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line) for line in lines] == [
        {
            "logger": "aigw.authorizer",
            "decision": decision.effect,
            "reason": "ok",
            "tenant": "acme",
            "key_id": key_id,
            "auth_method": "api_key",
        }
    ]


def test_a_failed_tenant_read_is_logged_as_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    store = TenantsDown()
    key = store.issue_key("acme")
    with pytest.raises(AuthorizerUnavailable):
        Authorizer(Config(stage="dev", tenants_table="t", keys_table="k"), store).authorize(
            AuthRequest(METHOD_ARN, {"x-api-key": key})
        )
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert records == [
        {
            "logger": "aigw.authorizer",
            "decision": "error",
            "reason": "tenants table unavailable: tenants: down",
        }
    ]
