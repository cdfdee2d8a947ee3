"""The sandbox correction ``bucket_policy_conditions`` (aigw.moto_bucket_policy): S3 bucket
policies evaluated with their conditions for the sandbox's (TLS-standing) requests."""

from __future__ import annotations

import json
import urllib.request

import boto3
import pytest
from botocore.config import Config

from aigw.moto_bucket_policy import DENIED, NEUTRAL, PERMITTED, permission

BUCKET = "arn:aws:s3:::aigw-test-uploads"
# The statements of modules/upload-store's bucket policy.
UPLOAD_STORE_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [BUCKET, f"{BUCKET}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            {
                "Sid": "DenyTlsBelow12",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [BUCKET, f"{BUCKET}/*"],
                "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}},
            },
            {
                "Sid": "DenyWritesOutsideTenantPrefix",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "NotResource": [f"{BUCKET}/tenants/*"],
            },
        ],
    }
)


def test_a_tls_request_passes_the_tls_statements_and_writes_stay_under_tenants() -> None:
    assert permission(UPLOAD_STORE_POLICY, "s3:PutObject", f"{BUCKET}/tenants/a/x.png") == NEUTRAL
    assert permission(UPLOAD_STORE_POLICY, "s3:GetObject", f"{BUCKET}/tenants/a/x.png") == NEUTRAL
    assert permission(UPLOAD_STORE_POLICY, "s3:DeleteObject", f"{BUCKET}/tenants/a/x.png") == (
        NEUTRAL
    )
    assert permission(UPLOAD_STORE_POLICY, "s3:PutObject", f"{BUCKET}/other/x.png") == DENIED


def test_plain_http_and_old_tls_are_denied_as_aws_denies_them() -> None:
    key = f"{BUCKET}/tenants/a/x.png"
    plain = {"aws:securetransport": "false"}
    assert permission(UPLOAD_STORE_POLICY, "s3:GetObject", key, plain) == DENIED
    old_tls = {"aws:securetransport": "true", "s3:tlsversion": "1.1"}
    assert permission(UPLOAD_STORE_POLICY, "s3:GetObject", key, old_tls) == DENIED


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"StringEquals": {"aws:SecureTransport": "true"}}, PERMITTED),
        ({"StringEquals": {"aws:SourceVpce": "vpce-1"}}, NEUTRAL),  # absent key
        ({"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}, PERMITTED),
        ({"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}, PERMITTED),
        ({"NumericGreaterThanEquals": {"s3:TlsVersion": ["1.2"]}}, PERMITTED),
        ({"DateLessThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}, NEUTRAL),  # unknown
    ],
)
def test_allow_statements_apply_only_when_their_conditions_hold(condition, expected) -> None:
    policy = json.dumps(
        {
            "Statement": {
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "s3:Get*",
                "Resource": f"{BUCKET}/*",
                "Condition": condition,
            }
        }
    )
    assert permission(policy, "s3:GetObject", f"{BUCKET}/k") == expected


def test_a_condition_it_cannot_evaluate_denies() -> None:
    policy = json.dumps(
        {
            "Statement": [
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": "*",
                    "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
                }
            ]
        }
    )
    assert permission(policy, "s3:GetObject", f"{BUCKET}/k") == DENIED


@pytest.mark.sandbox
def test_the_sandbox_takes_a_presigned_put_into_a_tls_only_bucket(aws_env: str) -> None:
    s3 = boto3.client(
        "s3", endpoint_url=aws_env, region_name="us-east-1", config=Config(signature_version="s3v4")
    )
    s3.create_bucket(Bucket="aigw-test-uploads")
    s3.put_bucket_policy(Bucket="aigw-test-uploads", Policy=UPLOAD_STORE_POLICY)
    url = s3.generate_presigned_url(
        "put_object",
        Params={
            "Bucket": "aigw-test-uploads",
            "Key": "tenants/a/x.png",
            "ContentType": "image/png",
        },
        ExpiresIn=60,
        HttpMethod="PUT",
    )
    req = urllib.request.Request(
        url, data=b"png", headers={"Content-Type": "image/png"}, method="PUT"
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200
    assert s3.get_object(Bucket="aigw-test-uploads", Key="tenants/a/x.png")["Body"].read() == b"png"
    with pytest.raises(s3.exceptions.ClientError) as err:
        s3.put_object(Bucket="aigw-test-uploads", Key="elsewhere.png", Body=b"png")
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    s3.delete_object(Bucket="aigw-test-uploads", Key="tenants/a/x.png")  # force_destroy's call
    s3.delete_bucket(Bucket="aigw-test-uploads")
