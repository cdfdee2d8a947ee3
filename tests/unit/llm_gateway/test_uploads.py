"""``POST /v1/uploads``: the pre-signed PUT lands under the caller's tenant prefix (from
the authorizer, never the body), signs Content-Type and Content-Length, expires when
configured, and every bad body is a 4xx with an OpenAI error body."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from llm_helpers import TENANT, base_config, make_gateway, post

from llm_gateway import uploads

OTHER = {**TENANT, "tenant": "globex", "key_id": "key-2"}
BUCKET = "aigw-test-uploads"


@pytest.fixture
def enabled(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AIGW_UPLOADS_BUCKET", BUCKET)
    monkeypatch.setenv("AIGW_UPLOADS_MAX_BYTES", "1000000")
    monkeypatch.setenv("AIGW_UPLOADS_URL_TTL_SECONDS", "600")
    monkeypatch.setenv("AIGW_UPLOADS_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AIGW_UPLOADS_CONTENT_TYPES", raising=False)
    uploads._clients.clear()
    yield
    uploads._clients.clear()


def create(body: Any, auth: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    gw, _ = make_gateway(base_config())
    resp = post(gw, "/v1/uploads", body, auth)
    return resp.status, json.loads(resp.body)


def query(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def test_the_url_puts_one_object_under_the_callers_tenant_prefix(enabled: None) -> None:
    status, doc = create({"bytes": 1234, "mime_type": "image/png", "filename": "cat.png"})
    assert status == 200, doc
    assert re.fullmatch(r"upload_[0-9a-f]{32}\.png", doc["id"])
    key = f"tenants/acme/{doc['id']}"
    assert doc["uri"] == f"s3://{BUCKET}/{key}"
    url = urllib.parse.urlsplit(doc["upload_url"])
    assert url.scheme == "https"
    # virtual-hosted or path style, the object is the same
    assert (url.netloc.startswith(f"{BUCKET}.") and url.path == f"/{key}") or url.path == (
        f"/{BUCKET}/{key}"
    )
    assert doc["object"] == "upload" and doc["status"] == "pending"
    assert doc["bytes"] == 1234 and doc["mime_type"] == "image/png"
    assert doc["filename"] == "cat.png" and doc["purpose"] == "user_data"
    assert doc["upload_method"] == "PUT"
    assert doc["upload_headers"] == {"Content-Type": "image/png", "Content-Length": "1234"}


def test_the_signature_covers_content_type_and_length_and_expires(enabled: None) -> None:
    status, doc = create({"bytes": 99, "mime_type": "application/pdf"})
    assert status == 200, doc
    q = query(doc["upload_url"])
    assert q["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert q["X-Amz-SignedHeaders"].split(";") == ["content-length", "content-type", "host"]
    assert q["X-Amz-Expires"] == "600"
    assert q["X-Amz-Credential"].split("/")[2:] == ["eu-west-1", "s3", "aws4_request"]
    assert doc["expires_at"] - doc["created_at"] == 600
    assert doc["id"].endswith(".pdf")


def test_two_uploads_get_different_ids(enabled: None) -> None:
    ids = {create({"bytes": 1, "mime_type": "text/plain"})[1]["id"] for _ in range(5)}
    assert len(ids) == 5


def test_the_tenant_comes_from_the_authorizer_only(enabled: None) -> None:
    status, doc = create({"bytes": 5, "mime_type": "image/jpeg"}, OTHER)
    assert status == 200 and doc["uri"].startswith(f"s3://{BUCKET}/tenants/globex/upload_")
    # a tenant (or key) in the body is an unknown parameter, not a way to pick a prefix
    for field in ("tenant", "key", "prefix", "bucket"):
        status, doc = create({"bytes": 5, "mime_type": "image/jpeg", field: "globex"})
        assert status == 400 and doc["error"]["code"] == "unsupported_parameter"
        assert doc["error"]["param"] == field


@pytest.mark.parametrize(
    ("body", "param", "code"),
    [
        ({"mime_type": "image/png"}, "bytes", "missing"),
        ({"bytes": 0, "mime_type": "image/png"}, "bytes", "invalid_value"),
        ({"bytes": -1, "mime_type": "image/png"}, "bytes", "invalid_value"),
        ({"bytes": 1_000_001, "mime_type": "image/png"}, "bytes", "upload_too_large"),
        ({"bytes": True, "mime_type": "image/png"}, "bytes", "invalid_type"),
        ({"bytes": "10", "mime_type": "image/png"}, "bytes", "invalid_type"),
        ({"bytes": 1.5, "mime_type": "image/png"}, "bytes", "invalid_type"),
        ({"bytes": 10}, "mime_type", "missing"),
        ({"bytes": 10, "mime_type": 7}, "mime_type", "invalid_type"),
        ({"bytes": 10, "mime_type": "application/x-msdownload"}, "mime_type", None),
        ({"bytes": 10, "mime_type": "audio/mpeg"}, "mime_type", None),  # not in the defaults
        ({"bytes": 10, "mime_type": "image/png; charset=x"}, "mime_type", None),
        ({"bytes": 10, "mime_type": "image/png", "filename": 3}, "filename", "invalid_type"),
        ({"bytes": 10, "mime_type": "image/png", "filename": "a\nb"}, "filename", None),
        ({"bytes": 10, "mime_type": "image/png", "filename": "x" * 257}, "filename", None),
        ({"bytes": 10, "mime_type": "image/png", "purpose": "anything"}, "purpose", None),
        ([1, 2], None, "invalid_type"),
    ],
)
def test_bad_input_is_a_400(enabled: None, body: Any, param: str | None, code: str) -> None:
    status, doc = create(body)
    assert status == 400, doc
    assert doc["error"]["type"] == "invalid_request_error"
    assert doc["error"]["param"] == param
    if code:
        assert doc["error"]["code"] == code


def test_unsupported_media_type_names_the_allowed_ones(enabled: None) -> None:
    _, doc = create({"bytes": 10, "mime_type": "video/mp4"})
    assert doc["error"]["code"] == "unsupported_media_type"
    assert "image/png" in doc["error"]["message"] and "application/pdf" in doc["error"]["message"]


def test_media_types_are_configurable(enabled: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIGW_UPLOADS_CONTENT_TYPES", "audio/mpeg,image/png")
    status, doc = create({"bytes": 10, "mime_type": "Audio/MPEG"})
    assert status == 200 and doc["id"].endswith(".mp3") and doc["mime_type"] == "audio/mpeg"
    status, doc = create({"bytes": 10, "mime_type": "application/pdf"})
    assert status == 400 and doc["error"]["code"] == "unsupported_media_type"


def test_not_json_is_a_400(enabled: None) -> None:
    status, doc = create(b"{not json")
    assert status == 400 and doc["error"]["code"] == "invalid_json"


def test_off_without_a_bucket(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIGW_UPLOADS_BUCKET", raising=False)
    status, doc = create({"bytes": 10, "mime_type": "image/png"})
    assert status == 404 and doc["error"]["code"] == "uploads_not_enabled"


def test_only_post(enabled: None) -> None:
    gw, _ = make_gateway(base_config())
    resp = gw.handle("GET", "/v1/uploads", {}, b"", TENANT)
    assert resp.status == 405


def test_no_identity_no_upload(enabled: None) -> None:
    status, doc = create({"bytes": 10, "mime_type": "image/png"}, {})
    assert status == 401 and doc["error"]["code"] == "invalid_api_key"


def test_a_tenant_id_the_authorizer_never_issues_gets_no_prefix(enabled: None) -> None:
    for tenant in ("../globex", "Acme", "a/b", "acme%2fglobex"):
        status, doc = create({"bytes": 10, "mime_type": "image/png"}, {**TENANT, "tenant": tenant})
        assert status == 403 and doc["error"]["code"] == "uploads_not_allowed", tenant


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("AIGW_UPLOADS_MAX_BYTES", "lots"),
        ("AIGW_UPLOADS_MAX_BYTES", "0"),
        ("AIGW_UPLOADS_URL_TTL_SECONDS", "7200"),
        ("AIGW_UPLOADS_CONTENT_TYPES", "image/png,application/x-sh"),
    ],
)
def test_a_broken_setting_is_a_503(
    enabled: None, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    status, doc = create({"bytes": 10, "mime_type": "image/png"})
    assert status == 503 and doc["error"]["code"] == "config_unavailable"


odd_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | odd_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(odd_text, inner, max_size=4),
    max_leaves=15,
)
upload_like = st.fixed_dictionaries(
    {},
    optional={
        "bytes": st.integers(-5, 2_000_000) | json_values,
        "mime_type": st.sampled_from(sorted(uploads.MEDIA_TYPES)) | json_values,
        "filename": odd_text | json_values,
        "purpose": st.sampled_from(["vision", "user_data", "x"]) | json_values,
    },
)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=upload_like | json_values | st.binary(max_size=64))
def test_no_body_raises_past_the_handler(body: Any) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIGW_UPLOADS_BUCKET", BUCKET)
        mp.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "secret")
        mp.setenv("AIGW_UPLOADS_REGION", "us-east-1")
        gw, cap = make_gateway(base_config())
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        resp = post(gw, "/v1/uploads", raw)
    assert resp.status in (200, 400), resp.body
    doc = json.loads(resp.body)
    if resp.status == 200:
        assert doc["uri"].startswith(f"s3://{BUCKET}/tenants/acme/upload_")
    else:
        assert set(doc["error"]) == {"message", "type", "code", "param"}
    assert not [line for line in cap.logs if line.get("msg") == "unhandled_exception"]
