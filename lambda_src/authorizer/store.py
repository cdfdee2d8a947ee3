"""Tenant and key lookups in DynamoDB (schema in docs/identity.md).

boto3 is imported lazily and the client is created on first use; its endpoint comes
from the standard ``AWS_ENDPOINT_URL`` variable when set (the local sandbox).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class StoreUnavailable(Exception):
    """DynamoDB could not be read; the authorizer fails closed."""


@dataclass(frozen=True)
class KeyRecord:
    key_id: str
    tenant_id: str
    stage: str
    secret_hash: str
    hash_alg: str
    status: str
    expires_at: float | None


@dataclass(frozen=True)
class TenantRecord:
    tenant_id: str
    tier: str
    status: str
    allowed_models: tuple[str, ...]
    allowed_routes: tuple[str, ...]
    usage_key_value: str | None


class Store(Protocol):
    def get_key(self, key_id: str) -> KeyRecord | None: ...

    def get_tenant(self, tenant_id: str) -> TenantRecord | None: ...


def _s(item: dict[str, Any], name: str) -> str | None:
    value = item.get(name)
    return value.get("S") if isinstance(value, dict) else None


def _n(item: dict[str, Any], name: str) -> float | None:
    value = item.get(name)
    raw = value.get("N") if isinstance(value, dict) else None
    return float(raw) if raw is not None else None


def _strings(item: dict[str, Any], name: str) -> tuple[str, ...]:
    value = item.get(name)
    if not isinstance(value, dict):
        return ()
    if "SS" in value:
        return tuple(sorted(value["SS"]))
    if "L" in value:
        return tuple(v["S"] for v in value["L"] if isinstance(v, dict) and "S" in v)
    return ()


def key_from_item(item: dict[str, Any]) -> KeyRecord | None:
    fields = [
        _s(item, n) for n in ("key_id", "tenant_id", "stage", "secret_hash", "hash_alg", "status")
    ]
    if any(f is None for f in fields):
        return None
    key_id, tenant_id, stage, secret_hash, hash_alg, status = fields  # type: ignore[misc]
    return KeyRecord(
        key_id, tenant_id, stage, secret_hash, hash_alg, status, _n(item, "expires_at")
    )


def tenant_from_item(item: dict[str, Any]) -> TenantRecord | None:
    tenant_id, tier, status = _s(item, "tenant_id"), _s(item, "tier"), _s(item, "status")
    if tenant_id is None or tier is None or status is None:
        return None
    return TenantRecord(
        tenant_id=tenant_id,
        tier=tier,
        status=status,
        allowed_models=_strings(item, "allowed_models"),
        allowed_routes=_strings(item, "allowed_routes"),
        usage_key_value=_s(item, "usage_key_value"),
    )


class DynamoStore:
    """Reads the tenants and keys tables with strongly consistent GetItem calls.

    Strong consistency makes a revocation effective on the next uncached request.
    """

    def __init__(self, tenants_table: str, keys_table: str, client: Any = None) -> None:
        self.tenants_table = tenants_table
        self.keys_table = keys_table
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3
            from botocore.config import Config as BotoConfig

            self._client = boto3.client(
                "dynamodb",
                config=BotoConfig(
                    connect_timeout=1,
                    read_timeout=2,
                    retries={"max_attempts": 2, "mode": "standard"},
                ),
            )
        return self._client

    def _get(self, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            resp = self.client.get_item(TableName=table, Key=key, ConsistentRead=True)
        except (BotoCoreError, ClientError) as exc:
            raise StoreUnavailable(f"{table}: {type(exc).__name__}") from exc
        return resp.get("Item")

    def get_key(self, key_id: str) -> KeyRecord | None:
        item = self._get(self.keys_table, {"key_id": {"S": key_id}})
        return key_from_item(item) if item else None

    def get_tenant(self, tenant_id: str) -> TenantRecord | None:
        item = self._get(self.tenants_table, {"tenant_id": {"S": tenant_id}})
        return tenant_from_item(item) if item else None
