"""``POST /v1/uploads`` against the sandbox: the handler signs a URL for the moto S3
server, a plain HTTP PUT with the answered headers stores the object under the caller's
tenant prefix with the declared type and size, and a reference to it resolves.

What moto does not do, and only AWS does: moto accepts a pre-signed request whatever its
signature (it does not verify SigV4 query signatures), so a PUT with another
Content-Type or Content-Length, or a tampered signature, is stored too. On AWS the
signed headers (``X-Amz-SignedHeaders=content-length;content-type;host``) make S3 answer
403 SignatureDoesNotMatch for any other value (docs/uploads.md). The last test pins that
moto behaviour, so the day moto starts checking, it fails and the refusals can be
tested here.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from llm_helpers import base_config, make_gateway, post

from aigw_shared.errors import ApiError
from llm_gateway import uploads

pytestmark = pytest.mark.sandbox

BUCKET = "aigw-sandbox-uploads"


@pytest.fixture
def s3(aws_env: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    client = boto3.client("s3", endpoint_url=aws_env, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    monkeypatch.setenv("AIGW_UPLOADS_BUCKET", BUCKET)
    monkeypatch.setenv("AIGW_UPLOADS_URL_TTL_SECONDS", "120")
    uploads._clients.clear()
    yield client
    uploads._clients.clear()
    for obj in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=obj["Key"])
    client.delete_bucket(Bucket=BUCKET)


def presign(body: dict[str, Any]) -> dict[str, Any]:
    gw, _ = make_gateway(base_config())
    resp = post(gw, "/v1/uploads", body)
    assert resp.status == 200, resp.body
    return json.loads(resp.body)


def put(url: str, data: bytes, headers: dict[str, str]) -> int:
    req = urllib.request.Request(url, data=data, method="PUT", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def test_the_client_puts_the_object_with_plain_http(s3: Any) -> None:
    data = b"\x89PNG\r\n\x1a\n" + b"0" * 56
    doc = presign({"bytes": len(data), "mime_type": "image/png"})
    assert doc["upload_url"].startswith(s3.meta.endpoint_url)
    assert put(doc["upload_url"], data, doc["upload_headers"]) == 200
    key = f"tenants/acme/{doc['id']}"
    head = s3.head_object(Bucket=BUCKET, Key=key)
    assert head["ContentType"] == "image/png" and head["ContentLength"] == len(data)
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == data
    # and the answer's reference resolves to exactly that object for its tenant only
    cfg = uploads.settings()
    assert uploads.resolve(doc["uri"], "acme", cfg, "p").key == key
    assert uploads.resolve(doc["id"], "acme", cfg, "p").key == key
    with pytest.raises(ApiError) as exc:
        uploads.resolve(doc["uri"], "globex", cfg, "p")
    assert exc.value.status == 403


def test_moto_does_not_enforce_the_signed_headers(s3: Any) -> None:
    doc = presign({"bytes": 5, "mime_type": "image/png"})
    assert "X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost" in doc["upload_url"]
    wrong_type = put(doc["upload_url"], b"12345", {"Content-Type": "text/html"})
    wrong_size = put(doc["upload_url"], b"123456", {"Content-Type": "image/png"})
    tampered = doc["upload_url"].replace("X-Amz-Signature=", "X-Amz-Signature=0")
    bad_signature = put(tampered, b"12345", {"Content-Type": "image/png"})
    # AWS: 403, 403, 403. moto: stored. See the module docstring.
    assert (wrong_type, wrong_size, bad_signature) == (200, 200, 200)
