"""The media routes' request templates read an upload by reference.

With an upload bucket configured, ``labels``, ``image_text``, ``moderation`` (Rekognition)
and ``document`` (Textract) build ``S3Object {Bucket, Name}`` with Name =
``tenants/<$context.authorizer.tenant>/<upload>``: the tenant comes from the authorizer,
never from the body, so a caller can only name its own uploads. The request schema
(checked by API Gateway, see modules/ai-service-route/tests) admits only the id's exact
spelling; the template also drops any '/' from it and escapes it, so even an unvalidated
body stays inside the caller's prefix and in valid JSON. Rendered like the other template
tests: Terraform interpolation, then Velocity (airspeed) with API Gateway's variables.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_mapping_templates import AI, tf_render

from aigw import vtl

BUCKET = "aigw-test-uploads"
PNG = "upload_0123456789abcdef0123456789abcdef.png"
VARS = {"bucket": BUCKET, "key_prefix": "tenants/", "tenant_key": "tenant"}
EXTRA = {"labels_request": {"max_labels": 10, "min_confidence": 55}}
FIELD = {
    "labels_request": "Image",
    "image_text_request": "Image",
    "moderation_request": "Image",
    "document_request": "Document",
}


def rendered(name: str, body: object, tenant: str = "acme", **variables: Any) -> Any:
    tpl = tf_render(AI / f"{name}.vtl", **{**VARS, **EXTRA.get(name, {}), **variables})
    ctx = vtl.context(authorizer={"tenant": tenant, "key_id": "k1"})
    raw = body if isinstance(body, str) else json.dumps(body)
    return json.loads(vtl.render(tpl, raw, context_vars=ctx))


@pytest.mark.parametrize("name", sorted(FIELD))
def test_an_upload_becomes_an_s3_object_under_the_authorizers_tenant(name: str) -> None:
    out = rendered(name, {"upload": PNG})
    assert out[FIELD[name]] == {"S3Object": {"Bucket": BUCKET, "Name": f"tenants/acme/{PNG}"}}


@pytest.mark.parametrize("name", sorted(FIELD))
def test_another_tenant_gets_its_own_prefix_for_the_same_id(name: str) -> None:
    out = rendered(name, {"upload": PNG}, tenant="globex")
    assert out[FIELD[name]]["S3Object"]["Name"] == f"tenants/globex/{PNG}"


@pytest.mark.parametrize("name", sorted(FIELD))
def test_the_body_cannot_name_the_tenant_bucket_or_key(name: str) -> None:
    body = {
        "upload": PNG,
        "tenant": "globex",
        "bucket": "other",
        "key": f"tenants/globex/{PNG}",
        "S3Object": {"Bucket": "other", "Name": "x"},
    }
    out = rendered(name, body)
    assert out[FIELD[name]] == {"S3Object": {"Bucket": BUCKET, "Name": f"tenants/acme/{PNG}"}}


@pytest.mark.parametrize(
    "upload",
    [
        f"../globex/{PNG}",
        f"..%2Fglobex%2F{PNG}",
        f"/tenants/globex/{PNG}",
        'x", "Bucket": "other", "Name": "tenants/globex/y',
        'a\\"}, "Bytes": "AAAA',
    ],
)
def test_a_crafted_upload_stays_inside_the_callers_prefix(upload: str) -> None:
    # API Gateway refuses these bodies (schema pattern); the template holds on its own too.
    out = rendered("labels_request", {"upload": upload})
    s3 = out["Image"]["S3Object"]
    assert s3["Bucket"] == BUCKET and set(out["Image"]) == {"S3Object"}
    assert s3["Name"].startswith("tenants/acme/") and "/" not in s3["Name"][len("tenants/acme/") :]


def test_labels_keep_their_defaults_and_overrides() -> None:
    assert rendered("labels_request", {"upload": PNG, "max_labels": 3}) == {
        "Image": {"S3Object": {"Bucket": BUCKET, "Name": f"tenants/acme/{PNG}"}},
        "MaxLabels": 3,
        "MinConfidence": 55,
    }
    assert rendered("moderation_request", {"upload": PNG, "min_confidence": 80}) == {
        "Image": {"S3Object": {"Bucket": BUCKET, "Name": f"tenants/acme/{PNG}"}},
        "MinConfidence": 80,
    }


@pytest.mark.parametrize("name", sorted(FIELD))
def test_bytes_still_work_beside_uploads(name: str) -> None:
    field = "document" if name == "document_request" else "image"
    out = rendered(name, {field: "aGVsbG8="})
    assert out[FIELD[name]] == {"Bytes": "aGVsbG8="}


@pytest.mark.parametrize("name", sorted(FIELD))
def test_without_an_upload_bucket_an_upload_is_never_read(name: str) -> None:
    field = "document" if name == "document_request" else "image"
    out = rendered(name, {field: "aGVsbG8=", "upload": PNG}, bucket="", key_prefix="")
    assert out[FIELD[name]] == {"Bytes": "aGVsbG8="}


@settings(max_examples=150, deadline=None)
@given(
    upload=st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=60),
    tenant=st.from_regex(r"\A[a-z0-9][a-z0-9-]{1,20}\Z"),
)
def test_any_upload_string_stays_inside_the_prefix(upload: str, tenant: str) -> None:
    # $util.escapeJavaScript escapes ' as \' (not JSON): such a body reaches the service
    # as invalid JSON, which it refuses (400). Everything that parses stays in the prefix.
    try:
        out = rendered("document_request", {"upload": upload}, tenant=tenant)
    except json.JSONDecodeError:
        assert "'" in upload
        return
    s3 = out["Document"]["S3Object"]
    assert s3["Bucket"] == BUCKET
    rest = s3["Name"][len(f"tenants/{tenant}/") :]
    assert s3["Name"].startswith(f"tenants/{tenant}/") and "/" not in rest
