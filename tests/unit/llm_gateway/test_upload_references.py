"""Object references in chat content: the gateway accepts an upload only under the
caller's own tenant prefix, in its own bucket, spelled exactly as the gateway spells it.
Tenant A's reference used by tenant B, path traversal, percent-encoding and absolute
keys are refused with an OpenAI-shaped 4xx before anything goes upstream; references
that pass become Bedrock Converse ``s3Location`` sources."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from llm_helpers import TENANT, base_config, make_gateway, post

from aigw_shared.errors import ApiError
from llm_gateway import uploads
from llm_gateway.config import LimitsConfig, Target
from llm_gateway.providers import base
from llm_gateway.providers.converse import to_converse
from llm_gateway.providers.mock import MockProvider
from llm_gateway.validation import chat_request

BUCKET = "aigw-test-uploads"
CFG = uploads.Settings(BUCKET, 1000, 900, uploads.DEFAULT_TYPES, "us-east-1")
HEX = "0123456789abcdef0123456789abcdef"
PNG = f"upload_{HEX}.png"
PDF = f"upload_{HEX}.pdf"
OTHER = {**TENANT, "tenant": "globex", "key_id": "key-2"}


def uri(tenant: str, upload_id: str = PNG) -> str:
    return f"s3://{BUCKET}/tenants/{tenant}/{upload_id}"


# -- resolve --------------------------------------------------------------------------------


def test_the_id_names_the_callers_object() -> None:
    ref = uploads.resolve(PNG, "acme", CFG, "p")
    assert (ref.bucket, ref.key, ref.ext, ref.kind) == (
        BUCKET,
        f"tenants/acme/{PNG}",
        "png",
        "image",
    )
    assert ref.uri == uri("acme")


def test_the_callers_own_uri_is_accepted() -> None:
    assert uploads.resolve(uri("acme", PDF), "acme", CFG, "p").key == f"tenants/acme/{PDF}"


def test_tenant_a_reference_used_by_tenant_b_is_refused() -> None:
    with pytest.raises(ApiError) as exc:
        uploads.resolve(uri("acme"), "globex", CFG, "messages[0].content[1].image_url.url")
    err = exc.value
    assert (err.status, err.type, err.code) == (403, "permission_error", "upload_not_owned")
    assert err.param == "messages[0].content[1].image_url.url"


@pytest.mark.parametrize(
    "ref",
    [
        f"s3://{BUCKET}/tenants/acme/../globex/{PNG}",  # traversal out of the prefix
        f"s3://{BUCKET}/tenants/globex/../acme/{PNG}",  # traversal into it
        f"s3://{BUCKET}/tenants/acme/./{PNG}",
        f"s3://{BUCKET}/tenants/acme/%2e%2e/globex/{PNG}",  # URL-encoded ..
        f"s3://{BUCKET}/tenants/acme%2F..%2Fglobex/{PNG}",
        f"s3://{BUCKET}/tenants/acme/{PNG.replace('_', '%5F')}",
        f"s3://{BUCKET}/tenants%2Facme/{PNG}",
        f"s3://{BUCKET}//tenants/acme/{PNG}",  # absolute key
        f"s3://{BUCKET}/tenants/acme//{PNG}",
        f"s3://{BUCKET}/tenants/acme/sub/{PNG}",
        f"s3://{BUCKET}/{PNG}",  # outside tenants/
        f"s3://{BUCKET}/tenants/acme/",
        f"s3://{BUCKET}/tenants/acme/{PNG}\n",
        f"s3://{BUCKET}/tenants/acme/{PNG}?versionId=1",
        f"s3://{BUCKET}/tenants/acme/{PNG}#x",
        f"s3://{BUCKET.upper()}/tenants/acme/{PNG}",
        f"S3://{BUCKET}/tenants/acme/{PNG}",
        f"s3://other-bucket/tenants/acme/{PNG}",  # another bucket, even under the right prefix
        f"s3://{BUCKET}.evil/tenants/acme/{PNG}",
        f"/tenants/acme/{PNG}",
        f"tenants/acme/{PNG}",
        f"https://{BUCKET}.s3.amazonaws.com/tenants/acme/{PNG}",
        f"upload_{HEX}.png/../../globex/{PNG}",
        f"upload_{HEX.upper()}.png",
        f"upload_{HEX[:-1]}.png",
        f"upload_{HEX}.exe",
        f"upload_{HEX}.png\n",
        f"upload_{HEX}",
        "upload_",
        "s3://",
    ],
)
def test_anything_but_the_exact_spelling_is_refused(ref: str) -> None:
    with pytest.raises(ApiError) as exc:
        uploads.resolve(ref, "acme", CFG, "p")
    assert (exc.value.status, exc.value.code) == (400, "invalid_upload_reference"), ref


def test_references_are_refused_when_uploads_are_off() -> None:
    with pytest.raises(ApiError) as exc:
        uploads.resolve(PNG, "acme", None, "p")
    assert (exc.value.status, exc.value.code) == (400, "uploads_not_enabled")


@settings(max_examples=300, deadline=None)
@given(
    ref=st.one_of(
        st.text(max_size=120),
        st.builds(
            lambda t, rest: f"s3://{BUCKET}/tenants/{t}{rest}",
            st.sampled_from(["acme", "globex", "acme/..", "acme%2f", ""]),
            st.text(max_size=60),
        ),
        st.builds(lambda rest: f"upload_{HEX}{rest}", st.text(max_size=20)),
    )
)
def test_no_reference_resolves_outside_the_callers_prefix(ref: str) -> None:
    try:
        obj = uploads.resolve(ref, "acme", CFG, "p")
    except ApiError as err:
        assert 400 <= err.status < 500
        return
    assert obj.bucket == BUCKET
    assert re.fullmatch(rf"tenants/acme/{uploads.ID_PATTERN}", obj.key), obj.key


# -- through the gateway --------------------------------------------------------------------


@pytest.fixture
def enabled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIGW_UPLOADS_BUCKET", BUCKET)


@pytest.fixture
def upstream(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """Every chat request the mock provider received."""
    sent: list[dict[str, Any]] = []
    chat = MockProvider.chat

    def record(self: Any, target: Any, request: dict[str, Any], timeout: float) -> Any:
        sent.append(json.loads(json.dumps(request)))
        return chat(self, target, request, timeout)

    monkeypatch.setattr(MockProvider, "chat", record)
    yield sent


def ask(parts: list[dict[str, Any]], auth: dict[str, str] | None = None, doc: Any = None) -> Any:
    gw, _ = make_gateway(doc or base_config())
    body = {"model": "chat", "messages": [{"role": "user", "content": parts}]}
    resp = post(gw, "/v1/chat/completions", body, auth)
    return resp.status, json.loads(resp.body)


def test_an_image_reference_reaches_the_provider_as_an_s3_source(
    enabled: None, upstream: list[dict[str, Any]]
) -> None:
    status, doc = ask(
        [
            {"type": "text", "text": "What is this?"},
            {"type": "image_url", "image_url": {"url": PNG}},
        ]
    )
    assert status == 200, doc
    part = upstream[0]["messages"][0]["content"][1]
    assert part == {"type": "s3_image", "s3": {"uri": uri("acme"), "format": "png"}}


def test_a_file_reference_reaches_the_provider_as_an_s3_document(
    enabled: None, upstream: list[dict[str, Any]]
) -> None:
    status, doc = ask(
        [{"type": "file", "file": {"file_id": uri("acme", PDF), "filename": "q3.pdf"}}]
    )
    assert status == 200, doc
    part = upstream[0]["messages"][0]["content"][0]
    assert part == {
        "type": "s3_document",
        "s3": {"uri": uri("acme", PDF), "format": "pdf", "name": "upload-0123456789ab"},
    }


def test_tenant_b_cannot_use_tenant_a_uri(enabled: None, upstream: list[dict[str, Any]]) -> None:
    status, doc = ask([{"type": "image_url", "image_url": {"url": uri("acme")}}], OTHER)
    assert status == 403, doc
    assert doc["error"]["code"] == "upload_not_owned"
    assert doc["error"]["param"] == "messages[0].content[0].image_url.url"
    assert upstream == []


def test_tenant_b_using_a_bare_id_names_its_own_prefix(
    enabled: None, upstream: list[dict[str, Any]]
) -> None:
    # the id carries no tenant: B's request can only ever name tenants/globex/<id>
    status, _ = ask([{"type": "image_url", "image_url": {"url": PNG}}], OTHER)
    assert status == 200
    assert upstream[0]["messages"][0]["content"][0]["s3"]["uri"] == uri("globex")


@pytest.mark.parametrize(
    "part",
    [
        {"type": "image_url", "image_url": {"url": f"s3://{BUCKET}/tenants/acme/../globex/{PNG}"}},
        {"type": "file", "file": {"file_id": f"s3://{BUCKET}/tenants/acme/%2e%2e/globex/{PDF}"}},
        {"type": "file", "file": {"file_id": f"/tenants/acme/{PDF}"}},
        {"type": "file", "file": {"file_id": "file-abc123"}},  # an OpenAI file id
    ],
)
def test_crafted_references_are_a_400(
    enabled: None, upstream: list[dict[str, Any]], part: dict[str, Any]
) -> None:
    status, doc = ask([part])
    assert status == 400, doc
    assert doc["error"]["code"] == "invalid_upload_reference"
    assert upstream == []


def test_inline_file_data_is_refused(enabled: None) -> None:
    status, doc = ask([{"type": "file", "file": {"file_data": "JVBERi0=", "filename": "a.pdf"}}])
    assert status == 400 and doc["error"]["param"] == "messages[0].content[0].file.file_data"


def test_a_document_cannot_be_an_image_and_audio_is_neither(enabled: None) -> None:
    status, doc = ask([{"type": "image_url", "image_url": {"url": PDF}}])
    assert status == 400 and doc["error"]["code"] == "unsupported_media_type"
    status, doc = ask([{"type": "file", "file": {"file_id": f"upload_{HEX}.mp3"}}])
    assert status == 400 and doc["error"]["code"] == "unsupported_media_type"
    status, doc = ask([{"type": "image_url", "image_url": {"url": f"upload_{HEX}.tiff"}}])
    assert status == 400 and doc["error"]["code"] == "unsupported_media_type"


def test_references_without_uploads_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIGW_UPLOADS_BUCKET", raising=False)
    status, doc = ask([{"type": "image_url", "image_url": {"url": PNG}}])
    assert status == 400 and doc["error"]["code"] == "uploads_not_enabled"


def test_openai_compatible_targets_cannot_read_uploads(enabled: None) -> None:
    doc = base_config(
        providers={"oai": {"type": "openai", "base_url": "http://127.0.0.1:9/v1"}},
        models={"chat": {"targets": [{"provider": "oai", "model": "gpt-4o"}]}},
        prompts={},
    )
    status, body = ask([{"type": "image_url", "image_url": {"url": PNG}}], doc=doc)
    assert status == 400 and body["error"]["code"] == "unsupported_value"


def test_data_urls_and_https_urls_are_not_references(enabled: None, upstream: list) -> None:
    url = "data:image/png;base64,iVBORw0KGgo="
    status, _ = ask([{"type": "image_url", "image_url": {"url": url}}])
    assert status == 200
    assert upstream[0]["messages"][0]["content"][0] == {
        "type": "image_url",
        "image_url": {"url": url},
    }


# -- the Converse mapping -------------------------------------------------------------------


def test_converse_s3_sources() -> None:
    request = chat_request(
        {"model": "m", "messages": [{"role": "user", "content": "x"}]}, LimitsConfig()
    )
    request["messages"][0]["content"] = [
        {"type": "s3_image", "s3": {"uri": uri("acme"), "format": "png"}},
        {
            "type": "s3_document",
            "s3": {"uri": uri("acme", PDF), "format": "pdf", "name": "upload-1"},
        },
    ]
    kwargs = to_converse(request, Target("br", "amazon.nova-pro-v1:0"))
    assert kwargs["messages"][0]["content"] == [
        {"image": {"format": "png", "source": {"s3Location": {"uri": uri("acme")}}}},
        {
            "document": {
                "format": "pdf",
                "name": "upload-1",
                "source": {"s3Location": {"uri": uri("acme", PDF)}},
            }
        },
    ]


def test_converse_refuses_references_that_were_not_resolved() -> None:
    for content in (
        [{"type": "image_url", "image_url": {"url": uri("globex")}}],
        [{"type": "file", "file": {"file_id": uri("globex", PDF)}}],
    ):
        request = chat_request(
            {"model": "m", "messages": [{"role": "user", "content": content}]}, LimitsConfig()
        )
        with pytest.raises(base.ProviderError) as exc:
            to_converse(request, Target("br", "m"))
        assert exc.value.status == 400


# -- the other dialects ---------------------------------------------------------------------


def test_the_responses_api_input_image_takes_a_reference(
    enabled: None, upstream: list[dict[str, Any]]
) -> None:
    gw, _ = make_gateway(base_config())
    body = {
        "model": "chat",
        "store": False,
        "input": [{"role": "user", "content": [{"type": "input_image", "image_url": PNG}]}],
    }
    resp = post(gw, "/v1/responses", body)
    assert resp.status == 200, resp.body
    assert upstream[0]["messages"][-1]["content"][0]["s3"]["uri"] == uri("acme")
    # and another tenant's URI is refused there too
    body["input"][0]["content"][0]["image_url"] = uri("globex")
    resp = post(gw, "/v1/responses", body)
    assert resp.status == 403 and json.loads(resp.body)["error"]["code"] == "upload_not_owned"


def test_the_messages_api_url_image_takes_a_reference(
    enabled: None, upstream: list[dict[str, Any]]
) -> None:
    gw, _ = make_gateway(base_config())
    block = {"type": "image", "source": {"type": "url", "url": uri("acme")}}
    body = {"model": "chat", "max_tokens": 10, "messages": [{"role": "user", "content": [block]}]}
    headers = {"content-type": "application/json", "anthropic-version": "2023-06-01"}
    resp = gw.handle("POST", "/v1/messages", headers, json.dumps(body).encode(), TENANT)
    assert resp.status == 200, resp.body
    assert upstream[0]["messages"][-1]["content"][0]["s3"]["uri"] == uri("acme")
    resp = gw.handle("POST", "/v1/messages", headers, json.dumps(body).encode(), OTHER)
    assert resp.status == 403
    assert json.loads(resp.body)["error"]["type"] == "permission_error"
