"""`aigw serve` runs the LLM function in-process: with uploads on, its pre-signed PUT URLs
point at the sandbox's S3 (the function's own client would sign for AWS's endpoint)."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator

import pytest

from aigw.serve.environment import AwsClients
from aigw.serve.functions import sign_uploads_for_the_sandbox
from llm_gateway import uploads


@pytest.fixture(autouse=True)
def _no_cached_clients(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    uploads._clients.clear()
    yield
    uploads._clients.clear()


def test_upload_urls_point_at_the_sandbox_bucket() -> None:
    env = {"AIGW_UPLOADS_BUCKET": "aigw-local-uploads-123456789012", "AWS_REGION": "us-east-1"}
    sign_uploads_for_the_sandbox(env, AwsClients("http://127.0.0.1:4599", "us-east-1"))
    cfg = uploads.settings(env)
    assert cfg is not None
    url = uploads.presign_put(cfg, "tenants/acme/upload_1.png", "image/png", 68)
    parts = urllib.parse.urlsplit(url)
    assert (parts.scheme, parts.netloc) == ("http", "127.0.0.1:4599")
    assert parts.path == "/aigw-local-uploads-123456789012/tenants/acme/upload_1.png"
    query = urllib.parse.parse_qs(parts.query)
    assert query["X-Amz-SignedHeaders"] == ["content-length;content-type;host"]


def test_nothing_changes_when_uploads_are_off() -> None:
    sign_uploads_for_the_sandbox({}, AwsClients("http://127.0.0.1:4599", "us-east-1"))
    assert uploads._clients == {}
