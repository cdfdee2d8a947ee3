"""An in-process DynamoDB (moto's ``mock_aws``) with string-keyed tables: fast enough for
the unit layer and for mutation runs, and it evaluates update and condition expressions
the way the sandbox does. The sandbox suites (test_quotas.py, test_cache.py, the
authorizer's integration tests) cover the same code over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass
class Table:
    client: Any
    name: str
    key: str = "pk"

    def item(self, pk: str) -> dict[str, Any] | None:
        return self.client.get_item(TableName=self.name, Key={self.key: {"S": pk}}).get("Item")


def create_table(client: Any, name: str, key: str = "pk") -> Table:
    """A PAY_PER_REQUEST table whose hash key ``key`` is a string."""
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
        KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
    )
    return Table(client, name, key)


@contextmanager
def dynamodb() -> Iterator[Any]:
    """A DynamoDB client on moto's in-process backend, with no table yet."""
    import boto3
    from moto import mock_aws

    with mock_aws():
        yield boto3.client(
            "dynamodb",
            region_name="eu-west-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


@contextmanager
def dynamodb_table(name: str, key: str = "pk") -> Iterator[Table]:
    with dynamodb() as client:
        yield create_table(client, name, key)
