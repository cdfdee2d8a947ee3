"""An in-process DynamoDB (moto's ``mock_aws``) with one ``pk``-keyed table: fast enough
for the unit layer and for mutation runs, and it evaluates update and condition
expressions the way the sandbox does. The sandbox suites (test_quotas.py, test_cache.py)
cover the same code over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass
class Table:
    client: Any
    name: str

    def item(self, pk: str) -> dict[str, Any] | None:
        return self.client.get_item(TableName=self.name, Key={"pk": {"S": pk}}).get("Item")


@contextmanager
def dynamodb_table(name: str) -> Iterator[Table]:
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client(
            "dynamodb",
            region_name="eu-west-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        client.create_table(
            TableName=name,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        )
        yield Table(client, name)
