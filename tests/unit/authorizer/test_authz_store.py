"""The DynamoDB tenant and key store (authorizer/store.py) against an in-process DynamoDB:
the item shapes of docs/identity.md, what a malformed item becomes, strongly consistent
reads, the client's timeouts, and failing closed. The sandbox suites cover the same code
over HTTP; these run in the unit layer (and so in mutation runs)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from authz_fixtures import BASE_ARN, METHOD_ARN, STAGE
from botocore.exceptions import EndpointConnectionError

from authorizer import apikeys
from authorizer.config import Config
from authorizer.core import Authorizer, AuthorizerUnavailable, AuthRequest
from authorizer.store import (
    DynamoStore,
    KeyRecord,
    StoreUnavailable,
    TenantRecord,
    key_from_item,
    tenant_from_item,
)
from ddb_inprocess import Table, create_table, dynamodb

KEY_ID = "AbCdEfGhIjKlMnOp"
SECRET = "S" * 43
TENANTS, KEYS = "aigw-tenants", "aigw-keys"


def key_item(**overrides: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "key_id": {"S": KEY_ID},
        "tenant_id": {"S": "acme"},
        "stage": {"S": STAGE},
        "secret_hash": {"S": apikeys.hash_secret(STAGE, KEY_ID, SECRET)},
        "hash_alg": {"S": apikeys.HASH_ALG},
        "status": {"S": "active"},
    }
    item.update(overrides)
    return {k: v for k, v in item.items() if v is not None}


def tenant_item(**overrides: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "tenant_id": {"S": "acme"},
        "tier": {"S": "gold"},
        "status": {"S": "active"},
        "allowed_models": {"SS": ["gpt-4o-mini", "claude-haiku"]},
        "allowed_routes": {"L": [{"S": "POST /v1/chat/completions"}]},
        "usage_key_value": {"S": "usage-acme-0123456789abcdef"},
    }
    item.update(overrides)
    return {k: v for k, v in item.items() if v is not None}


@pytest.fixture
def tables() -> Iterator[tuple[Table, Table]]:
    with dynamodb() as client:
        yield create_table(client, TENANTS, "tenant_id"), create_table(client, KEYS, "key_id")


def dynamo_store(tables: tuple[Table, Table]) -> DynamoStore:
    tenants, keys = tables
    return DynamoStore(tenants.name, keys.name, client=tenants.client)


def put(table: Table, item: dict[str, Any]) -> None:
    table.client.put_item(TableName=table.name, Item=item)


# ------------------------------------------------------------------ item parsers


def test_a_key_item_becomes_a_key_record() -> None:
    assert key_from_item(key_item(expires_at={"N": "1800000000.5"})) == KeyRecord(
        key_id=KEY_ID,
        tenant_id="acme",
        stage=STAGE,
        secret_hash=apikeys.hash_secret(STAGE, KEY_ID, SECRET),
        hash_alg="sha256-v1",
        status="active",
        expires_at=1800000000.5,
    )


def test_a_key_without_expires_at_never_expires() -> None:
    record = key_from_item(key_item())
    assert record is not None and record.expires_at is None


@pytest.mark.parametrize(
    "name", ["key_id", "tenant_id", "stage", "secret_hash", "hash_alg", "status"]
)
def test_a_key_item_missing_a_required_attribute_is_no_key(name: str) -> None:
    assert key_from_item(key_item(**{name: None})) is None


@pytest.mark.parametrize("name", ["tenant_id", "status"])
def test_a_key_attribute_of_the_wrong_type_is_no_key(name: str) -> None:
    assert key_from_item(key_item(**{name: {"N": "1"}})) is None


def test_a_key_attribute_that_is_not_a_typed_value_is_no_key() -> None:
    assert key_from_item(key_item(status="active")) is None


def test_an_expires_at_that_is_not_a_number_is_ignored() -> None:
    record = key_from_item(key_item(expires_at={"S": "1800000000"}))
    assert record is not None and record.expires_at is None


def test_an_expires_at_that_is_not_a_typed_value_is_ignored() -> None:
    record = key_from_item(key_item(expires_at=1800000000))
    assert record is not None and record.expires_at is None


def test_a_tenant_item_becomes_a_tenant_record() -> None:
    assert tenant_from_item(tenant_item()) == TenantRecord(
        tenant_id="acme",
        tier="gold",
        status="active",
        allowed_models=("claude-haiku", "gpt-4o-mini"),  # a string set, sorted
        allowed_routes=("POST /v1/chat/completions",),
        usage_key_value="usage-acme-0123456789abcdef",
    )


@pytest.mark.parametrize("name", ["tenant_id", "tier", "status"])
def test_a_tenant_item_missing_a_required_attribute_is_no_tenant(name: str) -> None:
    assert tenant_from_item(tenant_item(**{name: None})) is None


def test_a_tenant_without_optional_attributes_has_no_models_routes_or_usage_key() -> None:
    record = tenant_from_item(
        tenant_item(allowed_models=None, allowed_routes=None, usage_key_value=None)
    )
    assert record == TenantRecord("acme", "gold", "active", (), (), None)


def test_a_list_of_strings_keeps_its_order_and_drops_other_members() -> None:
    record = tenant_from_item(
        tenant_item(allowed_models={"L": [{"S": "z-model"}, {"N": "3"}, "bare", {"S": "a-model"}]})
    )
    assert record is not None and record.allowed_models == ("z-model", "a-model")


@pytest.mark.parametrize(
    "value", [{"S": "gpt-4o-mini"}, {"NS": ["1"]}, ["gpt-4o-mini"], "gpt-4o-mini"]
)
def test_models_that_are_neither_a_string_set_nor_a_list_grant_nothing(value: Any) -> None:
    record = tenant_from_item(tenant_item(allowed_models=value))
    assert record is not None and record.allowed_models == ()


# ------------------------------------------------------------------ DynamoDB reads


def test_get_key_reads_the_keys_table(tables: tuple[Table, Table]) -> None:
    put(tables[1], key_item(expires_at={"N": "1800000000"}))
    record = dynamo_store(tables).get_key(KEY_ID)
    assert record is not None
    assert (record.key_id, record.tenant_id, record.expires_at) == (KEY_ID, "acme", 1800000000.0)


def test_get_tenant_reads_the_tenants_table(tables: tuple[Table, Table]) -> None:
    put(tables[0], tenant_item())
    record = dynamo_store(tables).get_tenant("acme")
    assert record is not None
    assert (record.tier, record.allowed_models) == ("gold", ("claude-haiku", "gpt-4o-mini"))


def test_an_unknown_key_id_is_none(tables: tuple[Table, Table]) -> None:
    put(tables[1], key_item())
    assert dynamo_store(tables).get_key("ZZZZZZZZZZZZZZZZ") is None


def test_an_unknown_tenant_is_none(tables: tuple[Table, Table]) -> None:
    put(tables[0], tenant_item())
    assert dynamo_store(tables).get_tenant("globex") is None


def test_a_malformed_stored_key_is_none(tables: tuple[Table, Table]) -> None:
    put(tables[1], key_item(secret_hash=None))
    assert dynamo_store(tables).get_key(KEY_ID) is None


def test_a_malformed_stored_tenant_is_none(tables: tuple[Table, Table]) -> None:
    put(tables[0], tenant_item(tier=None))
    assert dynamo_store(tables).get_tenant("acme") is None


def test_reads_are_strongly_consistent_and_name_the_table(tables: tuple[Table, Table]) -> None:
    calls: list[dict[str, Any]] = []
    client = tables[0].client
    client.meta.events.register(
        "provide-client-params.dynamodb.GetItem", lambda params, **_: calls.append(dict(params))
    )
    store = dynamo_store(tables)
    store.get_key(KEY_ID)
    store.get_tenant("acme")
    assert calls == [
        {"TableName": KEYS, "Key": {"key_id": {"S": KEY_ID}}, "ConsistentRead": True},
        {"TableName": TENANTS, "Key": {"tenant_id": {"S": "acme"}}, "ConsistentRead": True},
    ]


def test_a_missing_keys_table_is_store_unavailable(tables: tuple[Table, Table]) -> None:
    store = DynamoStore(TENANTS, "no-such-table", client=tables[0].client)
    with pytest.raises(StoreUnavailable, match=r"^no-such-table: ResourceNotFoundException$"):
        store.get_key(KEY_ID)


def test_a_missing_tenants_table_is_store_unavailable(tables: tuple[Table, Table]) -> None:
    store = DynamoStore("no-such-table", KEYS, client=tables[0].client)
    with pytest.raises(StoreUnavailable, match=r"^no-such-table: ResourceNotFoundException$"):
        store.get_tenant("acme")


class _Unreachable:
    def get_item(self, **_: Any) -> dict[str, Any]:
        raise EndpointConnectionError(endpoint_url="https://dynamodb.eu-west-1.amazonaws.com")


def test_an_unreachable_endpoint_is_store_unavailable() -> None:
    store = DynamoStore(TENANTS, KEYS, client=_Unreachable())
    with pytest.raises(StoreUnavailable, match=r"^aigw-keys: EndpointConnectionError$"):
        store.get_key(KEY_ID)


def test_the_client_is_created_once_with_short_timeouts_and_two_retries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    store = DynamoStore(TENANTS, KEYS)
    client = store.client
    assert client is store.client
    assert client.meta.service_model.service_name == "dynamodb"
    cfg = client.meta.config
    assert (cfg.connect_timeout, cfg.read_timeout) == (1, 2)
    # botocore's max_attempts counts retries: two of them, three attempts in all.
    assert cfg.retries == {"total_max_attempts": 3, "mode": "standard"}


def test_a_given_client_is_used_as_is() -> None:
    client = _Unreachable()
    assert DynamoStore(TENANTS, KEYS, client=client).client is client


# ------------------------------------------------------- through the authorizer


def _authorizer(tables: tuple[Table, Table]) -> Authorizer:
    config = Config(stage=STAGE, tenants_table=TENANTS, keys_table=KEYS)
    return Authorizer(config, dynamo_store(tables), clock=lambda: 1_800_000_000.0)


def _key_request() -> AuthRequest:
    return AuthRequest(METHOD_ARN, {"x-api-key": f"aigw-{STAGE}-{KEY_ID}-{SECRET}"})


def test_a_stored_key_and_tenant_are_allowed_their_routes(tables: tuple[Table, Table]) -> None:
    put(tables[0], tenant_item())
    put(tables[1], key_item())
    decision = _authorizer(tables).authorize(_key_request())
    assert (decision.effect, decision.reason) == ("allow", "ok")
    assert decision.resources == [f"{BASE_ARN}/POST/v1/chat/completions"]
    assert decision.usage_identifier_key == "usage-acme-0123456789abcdef"
    assert decision.context["allowed_models"] == "claude-haiku,gpt-4o-mini"


def test_a_stored_key_past_its_expiry_is_unauthorized(tables: tuple[Table, Table]) -> None:
    put(tables[0], tenant_item())
    put(tables[1], key_item(expires_at={"N": "1800000000"}))
    decision = _authorizer(tables).authorize(_key_request())
    assert (decision.effect, decision.reason) == ("unauthorized", "key expired")


def test_a_tenants_table_that_cannot_be_read_fails_closed(tables: tuple[Table, Table]) -> None:
    put(tables[1], key_item())
    tables[0].client.delete_table(TableName=TENANTS)
    with pytest.raises(AuthorizerUnavailable, match="tenants table unavailable"):
        _authorizer(tables).authorize(_key_request())
