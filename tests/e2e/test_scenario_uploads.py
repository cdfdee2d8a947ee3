"""Scenario 7, large payloads by upload (docs/uploads.md), end to end against the session's
`envs/local` apply through the users' scenarios' `aigw serve` (the session's ``scenarios``
fixture, tests/e2e/conftest.py).

A tenant asks for an upload URL (`POST /v1/uploads`), PUTs the image to the pre-signed URL
(the sandbox's S3 on 127.0.0.1) and has the AI service routes read it by reference
(`{"upload": id}`). Another tenant tries the owner's object: its chat parts naming the
owner's URI are refused 403 ``upload_not_owned`` before the model is called, and the AI
routes build the object key from the caller's own tenant, so the id of another tenant's
upload names an object that does not exist (Rekognition's InvalidS3ObjectException, read
by serve's Rekognition stand-in from the sandbox's S3, whose log line names the key the
integration asked for).
"""

from __future__ import annotations

import base64
import re
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

import openai
import pytest
from scenarios.support import Answer, Scenarios, assert_openai_error
from serve_process import openai_client

from aigw.serve.fakes.rekognition import declaring_png

pytestmark = [pytest.mark.sandbox, pytest.mark.terraform, pytest.mark.slow]

# What the image "shows" to serve's Rekognition stand-in (it does not look at pixels).
UNSAFE = [
    {"Name": "Violence", "ParentName": "", "Confidence": 97.5},
    {"Name": "Weapons", "ParentName": "Violence", "Confidence": 91.0},
    {"Name": "Weapon Violence", "ParentName": "Weapons", "Confidence": 42.0},
]
IMAGE = declaring_png(UNSAFE)
UPLOAD_ID = re.compile(r"^upload_[0-9a-f]{32}\.png$")


@dataclass
class Uploaded:
    """Tenant ``owner`` uploaded IMAGE; ``other`` is a tenant of the same gateway."""

    owner: str
    owner_key: str
    other: str
    other_key: str
    doc: dict[str, Any]  # the POST /v1/uploads answer
    created: Answer
    put_status: int

    @property
    def id(self) -> str:
        return self.doc["id"]


def put(url: str, headers: dict[str, str], body: bytes) -> int:
    """The client's PUT of the bytes to the pre-signed URL, with exactly its headers."""
    req = urllib.request.Request(url, data=body, headers=headers, method="PUT")
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.status


@pytest.fixture(scope="module")
def uploaded(scenarios: Scenarios) -> Uploaded:
    sc = scenarios
    owner, owner_key = sc.tenant("scn-upload-owner")
    other, other_key = sc.tenant("scn-upload-other")
    created = sc.request(
        "POST",
        "/v1/uploads",
        {"bytes": len(IMAGE), "mime_type": "image/png", "filename": "scene.png"},
        owner_key,
    )
    assert created.status == 200, created.body
    doc = created.json()
    status = put(doc["upload_url"], doc["upload_headers"], IMAGE)
    return Uploaded(owner, owner_key, other, other_key, doc, created, status)


def fake_reads(sc: Scenarios, action: str, key: str) -> list[str]:
    """The Rekognition stand-in's lines for ``action`` reading ``key`` from the bucket."""
    marker = f"fake: rekognition {action} read s3://"
    return [ln for ln in sc.serve.output().splitlines() if marker in ln and f"/{key}: " in ln]


def test_a_tenant_uploads_an_image_and_the_ai_routes_read_it(
    scenarios: Scenarios, uploaded: Uploaded
) -> None:
    sc, up, doc = scenarios, uploaded, uploaded.doc
    bucket = sc.env.outputs()["upload_bucket_name"]
    key = f"tenants/{up.owner}/{up.id}"
    # The URL: the caller's prefix in the env's bucket, in the sandbox, signed for the
    # declared type and size.
    assert UPLOAD_ID.match(up.id), up.id
    assert doc["uri"] == f"s3://{bucket}/{key}"
    assert (doc["object"], doc["status"], doc["bytes"]) == ("upload", "pending", len(IMAGE))
    assert doc["upload_method"] == "PUT"
    assert doc["upload_headers"] == {"Content-Type": "image/png", "Content-Length": str(len(IMAGE))}
    url = urllib.parse.urlsplit(doc["upload_url"])
    assert (url.scheme, url.netloc, url.path) == (
        "http",
        f"127.0.0.1:{sc.env.port}",
        f"/{bucket}/{key}",
    )
    signed = urllib.parse.parse_qs(url.query)["X-Amz-SignedHeaders"][0].split(";")
    assert {"content-type", "content-length"} <= set(signed)
    line = sc.access(up.created)
    assert (line["path"], line["status"], line["tenant"]) == ("/v1/uploads", "200", up.owner)

    # The PUT stored the object under the owner's prefix, with its type and size, SSE-KMS.
    assert up.put_status == 200
    s3 = sc.env.client("s3")
    head = s3.head_object(Bucket=bucket, Key=key)
    assert (head["ContentType"], head["ContentLength"]) == ("image/png", len(IMAGE))
    assert head["ServerSideEncryption"] == "aws:kms"
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == IMAGE

    # The AI routes read it by reference: labels and text (the sandbox's answers, once the
    # stand-in has read the object), moderation (the stand-in's, from the image).
    for path, action in (("/v1/ai/labels", "DetectLabels"), ("/v1/ai/image-text", "DetectText")):
        answer = sc.request("POST", path, {"upload": up.id}, up.owner_key)
        assert answer.status == 200, (path, answer.body)
        assert answer.headers["content-type"] == "application/json"
        assert answer.json(), (path, answer.body)
        line = sc.access(answer)
        assert (line["path"], line["status"], line["tenant"]) == (path, "200", up.owner)
        assert fake_reads(sc, action, key) == [
            f"fake: rekognition {action} read s3://{bucket}/{key}: {len(IMAGE)} bytes"
        ]
    labels = sc.request("POST", "/v1/ai/labels", {"upload": up.id}, up.owner_key).json()
    assert labels["labels"] and {"name", "confidence"} <= set(labels["labels"][0])

    moderated = sc.request(
        "POST", "/v1/ai/moderation", {"upload": up.id, "min_confidence": 60}, up.owner_key
    )
    assert moderated.status == 200, moderated.body
    assert moderated.json() == {
        "labels": [
            {"name": "Violence", "parent": "", "confidence": 97.5},
            {"name": "Weapons", "parent": "Violence", "confidence": 91.0},
        ]
    }
    assert sc.access(moderated)["tenant"] == up.owner
    # The same image as base64 bytes: the same answer, no S3 read.
    inline = sc.request(
        "POST",
        "/v1/ai/moderation",
        {"image": base64.b64encode(IMAGE).decode(), "min_confidence": 60},
        up.owner_key,
    )
    assert (inline.status, inline.json()) == (200, moderated.json())
    assert len(fake_reads(sc, "DetectModerationLabels", key)) == 1

    # Textract's DetectDocumentText takes the PNG upload too (the sandbox's canned text).
    document = sc.request("POST", "/v1/ai/document-text", {"upload": up.id}, up.owner_key)
    assert document.status == 200, document.body
    assert document.json(), document.body
    assert sc.access(document)["tenant"] == up.owner


def test_another_tenant_cannot_use_the_upload(scenarios: Scenarios, uploaded: Uploaded) -> None:
    sc, up = scenarios, uploaded
    bucket = sc.env.outputs()["upload_bucket_name"]
    client = openai_client(sc.serve, up.other_key)
    parts = [
        {"type": "image_url", "image_url": {"url": up.doc["uri"]}},
        {"type": "file", "file": {"file_id": up.doc["uri"]}},
    ]
    for part in parts:
        with pytest.raises(openai.PermissionDeniedError) as err:
            client.chat.completions.create(
                model="mock-chat",
                messages=[{"role": "user", "content": [{"type": "text", "text": "what?"}, part]}],
            )
        response = err.value.response
        error = assert_openai_error(
            Answer(response.status_code, dict(response.headers), response.content),
            403,
            "upload_not_owned",
        )
        assert error["type"] == "permission_error" and error["param"], error
        line = sc.access(response.headers["x-amzn-requestid"])
        assert (line["status"], line["tenant"]) == ("403", up.other)
    # Nothing reached the model: the refusals' records name no model, provider or upstream
    # attempt and count no tokens; the tenant's own chat afterwards does reach it.
    ok = client.chat.completions.create(
        model="mock-chat", messages=[{"role": "user", "content": "hello"}]
    )
    metrics = sc.function_records(up.other, "metrics", wait_for=3)
    refused = [m for m in metrics if m["Model"] == "none"]
    assert len(refused) == 2 and len(metrics) == 3, metrics
    assert all(
        m["Provider"] == "none" and m["InputTokens"] == m["OutputTokens"] == 0 for m in refused
    )
    [served] = [m for m in metrics if m["Model"] == "mock-chat"]
    assert served["Provider"] == "mock" and served["OutputTokens"] == ok.usage.completion_tokens
    denied = [
        log for log in sc.function_records(up.other, "log", wait_for=3) if log["status"] == 403
    ]
    assert len(denied) == 2, denied
    for log in denied:
        assert log["error_code"] == "upload_not_owned" and log["attempts"] == [], log
        assert log["provider"] is None and log["input_tokens"] == 0, log

    # The AI routes build the key from the caller's tenant: the owner's id names the
    # other tenant's (absent) object, and Rekognition cannot read it.
    theirs = f"tenants/{up.other}/{up.id}"
    mine = f"tenants/{up.owner}/{up.id}"
    before = {a: len(fake_reads(sc, a, mine)) for a in ("DetectLabels", "DetectModerationLabels")}
    for path, action in (
        ("/v1/ai/labels", "DetectLabels"),
        ("/v1/ai/moderation", "DetectModerationLabels"),
    ):
        answer = sc.request("POST", path, {"upload": up.id}, up.other_key)
        assert_openai_error(answer, 400, "invalid_request")
        line = sc.access(answer)
        assert (line["path"], line["status"], line["tenant"]) == (path, "400", up.other)
        assert fake_reads(sc, action, theirs) == [
            f"fake: rekognition {action} read s3://{bucket}/{theirs}: NoSuchKey"
        ]
        assert len(fake_reads(sc, action, mine)) == before[action], "the owner's object was read"
    # Nor can a body name the tenant of an upload.
    smuggled = sc.request(
        "POST",
        "/v1/uploads",
        {"bytes": 3, "mime_type": "image/png", "tenant": up.owner},
        up.other_key,
    )
    assert_openai_error(smuggled, 400, "unsupported_parameter")
