"""The tenancy context (boto3 clients and table names) and the DynamoDB helpers every
operation shares; ``create_tables`` makes the tables as modules/authorizer does."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

KEYS_BY_TENANT_INDEX = "tenant_id-index"
MAX_PAGES = 1000


class TenancyError(Exception):
    """A tenancy operation failed for a reason the user can act on (message says how)."""


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


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_item(value: dict[str, Any]) -> dict[str, Any]:
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


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeDeserializer

    d = TypeDeserializer()
    return {k: _plain(d.deserialize(v)) for k, v in item.items()}


def dynamodb_call(t: Tenancy, operation: str, table: str, **kwargs: Any) -> Any:
    """``t.dynamodb.<operation>(TableName=table, ...)``, turning a missing table into a clear
    TenancyError."""
    from botocore.exceptions import ClientError

    try:
        return getattr(t.dynamodb, operation)(TableName=table, **kwargs)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "ResourceNotFoundException":
            raise TenancyError(
                f"table {table!r} not found in {t.region}: deploy modules/authorizer, "
                "or pass --tenants-table/--keys-table (AIGW_TENANTS_TABLE/AIGW_KEYS_TABLE)"
            ) from exc
        raise


def is_conditional_failure(exc: Exception) -> bool:
    from botocore.exceptions import ClientError

    return (
        isinstance(exc, ClientError)
        and exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"
    )


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
