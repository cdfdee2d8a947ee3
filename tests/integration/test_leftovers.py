"""The leftover detector finds what still exists and fails on types it cannot check."""

from __future__ import annotations

import uuid

import boto3
import pytest
from leftovers import leftovers

pytestmark = pytest.mark.sandbox


def _client(service: str, endpoint: str):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="sandbox",
        aws_secret_access_key="sandbox",
    )


def _state(*resources: tuple[str, str, dict]) -> dict:
    return {
        "resources": [
            {"mode": "managed", "type": t, "name": n, "instances": [{"attributes": a}]}
            for t, n, a in resources
        ]
    }


def test_existing_resources_are_reported_until_deleted(moto_endpoint):
    uid = uuid.uuid4().hex[:8]
    logs, ddb, kms = (_client(s, moto_endpoint) for s in ("logs", "dynamodb", "kms"))
    logs.create_log_group(logGroupName=f"/aigw/{uid}")
    ddb.create_table(
        TableName=f"t-{uid}",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    state = _state(
        ("aws_cloudwatch_log_group", "lg", {"name": f"/aigw/{uid}"}),
        ("aws_dynamodb_table", "t", {"name": f"t-{uid}"}),
        ("aws_kms_key", "k", {"key_id": key_id}),
        ("aws_iam_role_policy", "p", {}),  # lives in its role: not asked on its own
        ("terraform_data", "check", {"id": "x"}),  # lives in the state only
    )
    assert sorted(leftovers(state, moto_endpoint)) == [
        "aws_cloudwatch_log_group.lg",
        "aws_dynamodb_table.t",
        "aws_kms_key.k",
    ]

    logs.delete_log_group(logGroupName=f"/aigw/{uid}")
    ddb.delete_table(TableName=f"t-{uid}")
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    assert leftovers(state, moto_endpoint) == []


def test_a_type_without_a_check_fails_loudly(moto_endpoint):
    state = _state(("aws_mq_broker", "b", {"id": "x"}))
    with pytest.raises(AssertionError, match="no existence check for aws_mq_broker"):
        leftovers(state, moto_endpoint)
