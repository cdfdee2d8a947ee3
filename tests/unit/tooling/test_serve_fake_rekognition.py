"""The Rekognition stand-in of `aigw serve` (aigw.serve.fakes.rekognition):
DetectModerationLabels in the service's response shape (checked by botocore's model of the
service), S3 objects read as Rekognition reads them, other calls passed to the sandbox."""

from __future__ import annotations

import base64
import json
import struct
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st

from aigw.serve.fakes.rekognition import FakeRekognition, declaring_png, moderation
from aigw.serve.loader import LOCAL_FAKES

UNSAFE = [
    {"Name": "Violence", "ParentName": "", "Confidence": 97.5},
    {"Name": "Weapons", "ParentName": "Violence", "Confidence": 91.0},
    {"Name": "Weapon Violence", "ParentName": "Weapons", "Confidence": 42.0},
]


def jpeg(comment: bytes) -> bytes:
    """The header of a JPEG with one comment segment (enough for the stand-in)."""
    return b"\xff\xd8" + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + b"\xff\xd9"


def unsafe_png() -> bytes:
    return declaring_png(UNSAFE)


def as_bytes(data: bytes, **more: Any) -> dict[str, Any]:
    return {"Image": {"Bytes": base64.b64encode(data).decode()}, **more}


def no_objects(bucket: str, key: str) -> bytes:
    raise KeyError(key)


def test_declared_labels_over_min_confidence_with_their_taxonomy_level() -> None:
    status, doc = moderation(as_bytes(unsafe_png()), no_objects)
    assert status == 200
    assert doc["ModerationModelVersion"] == "7.0" and doc["ContentTypes"] == []
    # The default MinConfidence is 50: the 42 % label is dropped.
    assert doc["ModerationLabels"] == [
        {"Name": "Violence", "ParentName": "", "Confidence": 97.5, "TaxonomyLevel": 1},
        {"Name": "Weapons", "ParentName": "Violence", "Confidence": 91.0, "TaxonomyLevel": 2},
    ]
    _, low = moderation(as_bytes(unsafe_png(), MinConfidence=40), no_objects)
    assert [(m["Name"], m["TaxonomyLevel"]) for m in low["ModerationLabels"]] == [
        ("Violence", 1),
        ("Weapons", 2),
        ("Weapon Violence", 3),
    ]
    _, high = moderation(as_bytes(unsafe_png(), MinConfidence=95), no_objects)
    assert [m["Name"] for m in high["ModerationLabels"]] == ["Violence"]


def test_an_image_without_a_declaration_is_safe_and_jpeg_comments_declare_too() -> None:
    holiday = declaring_png([], (b"Comment", b"holiday"))
    assert moderation(as_bytes(holiday), no_objects)[1]["ModerationLabels"] == []
    declared = b"aigw:moderation" + json.dumps(UNSAFE[:1]).encode()
    _, doc = moderation(as_bytes(jpeg(declared)), no_objects)
    assert [m["Name"] for m in doc["ModerationLabels"]] == ["Violence"]


def test_an_s3_object_is_read_and_a_missing_one_fails_as_in_aws() -> None:
    objects = {("uploads", "tenants/a/upload_1.png"): unsafe_png()}
    reads: list[tuple[str, str]] = []

    def read(bucket: str, key: str) -> bytes:
        reads.append((bucket, key))
        return objects[(bucket, key)]

    ref = {"Image": {"S3Object": {"Bucket": "uploads", "Name": "tenants/a/upload_1.png"}}}
    status, doc = moderation(ref, read)
    assert status == 200 and len(doc["ModerationLabels"]) == 2
    other = {"Image": {"S3Object": {"Bucket": "uploads", "Name": "tenants/b/upload_1.png"}}}
    status, doc = moderation(other, read)
    assert status == 400 and doc["__type"] == "InvalidS3ObjectException"
    assert "s3://uploads/tenants/b/upload_1.png" in doc["Message"]
    assert reads == [("uploads", "tenants/a/upload_1.png"), ("uploads", "tenants/b/upload_1.png")]


@pytest.mark.parametrize(
    ("request_", "error"),
    [
        (as_bytes(b"GIF89a not a png"), "InvalidImageFormatException"),
        (as_bytes(unsafe_png(), MinConfidence=101), "InvalidParameterException"),
        (as_bytes(unsafe_png(), MinConfidence="high"), "InvalidParameterException"),
        ({"Image": {"Bytes": "not base64!"}}, "SerializationException"),
        ({"Image": {}}, "InvalidParameterException"),
        ({"Image": {"S3Object": {"Bucket": "b"}}}, "InvalidParameterException"),
        ({}, "InvalidParameterException"),
        (as_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (5 * 1024 * 1024)), "ImageTooLargeException"),
    ],
)
def test_errors_are_the_services(request_: Any, error: str) -> None:
    status, doc = moderation(request_, no_objects)
    assert (status, doc["__type"]) == (400, error), doc
    assert doc["Message"]


json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


@given(
    request=st.one_of(
        json_values,
        st.builds(lambda image: {"Image": image}, json_values),
        st.builds(
            lambda data, min_c: as_bytes(b"\x89PNG\r\n\x1a\n" + data, MinConfidence=min_c),
            st.binary(max_size=64),
            json_values,
        ),
    )
)
def test_any_request_gets_an_answer_and_never_raises(request: Any) -> None:
    status, doc = moderation(request, no_objects)
    assert status in (200, 400, 500)
    assert ("ModerationLabels" in doc) == (status == 200)


class _Sandbox(BaseHTTPRequestHandler):
    """Records the calls passed on to it; answers a DetectLabels-shaped document."""

    calls: ClassVar[list[tuple[str, dict[str, Any]]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        self.calls.append((self.headers["x-amz-target"], body))
        data = json.dumps({"Labels": [{"Name": "Cat", "Confidence": 99.0}]}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/x-amz-json-1.1")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def stand_in() -> Iterator[tuple[Any, list[tuple[str, dict[str, Any]]]]]:
    sandbox = ThreadingHTTPServer(("127.0.0.1", 0), _Sandbox)
    threading.Thread(target=sandbox.serve_forever, daemon=True).start()
    _Sandbox.calls = []
    objects = {("uploads", "tenants/a/upload_1.png"): unsafe_png()}
    fake = FakeRekognition(
        sandbox=f"http://127.0.0.1:{sandbox.server_address[1]}",
        reader=lambda bucket, key: objects[(bucket, key)],
    ).start()
    client = boto3.client(
        "rekognition",
        endpoint_url=fake.url,
        region_name="us-east-1",
        aws_access_key_id="sandbox",
        aws_secret_access_key="sandbox",
    )
    try:
        yield client, _Sandbox.calls
    finally:
        fake.close()
        sandbox.shutdown()
        sandbox.server_close()


def test_the_sdk_reads_the_stand_ins_answers_in_the_services_shape(stand_in) -> None:
    client, calls = stand_in
    doc = client.detect_moderation_labels(Image={"Bytes": unsafe_png()}, MinConfidence=60)
    assert [(m["Name"], m["ParentName"], m["TaxonomyLevel"]) for m in doc["ModerationLabels"]] == [
        ("Violence", "", 1),
        ("Weapons", "Violence", 2),
    ]
    assert doc["ModerationModelVersion"] == "7.0"
    with pytest.raises(ClientError) as err:
        client.detect_moderation_labels(Image={"Bytes": b"plain text"})
    assert err.value.response["Error"]["Code"] == "InvalidImageFormatException"
    assert calls == []  # DetectModerationLabels never reaches the sandbox


def test_other_calls_read_their_s3_object_then_go_to_the_sandbox(stand_in) -> None:
    client, calls = stand_in
    mine = {"S3Object": {"Bucket": "uploads", "Name": "tenants/a/upload_1.png"}}
    labels = client.detect_labels(Image=mine, MaxLabels=5)
    assert labels["Labels"][0]["Name"] == "Cat"  # the sandbox's answer, passed back
    assert calls == [("RekognitionService.DetectLabels", {"Image": mine, "MaxLabels": 5})]
    theirs = {"S3Object": {"Bucket": "uploads", "Name": "tenants/b/upload_1.png"}}
    with pytest.raises(ClientError) as err:
        client.detect_labels(Image=theirs)
    assert err.value.response["Error"]["Code"] == "InvalidS3ObjectException"
    assert len(calls) == 1  # the call for a missing object never reached the sandbox
    client.detect_text(Image={"Bytes": b"anything"})  # bytes go through as they are
    assert [target for target, _ in calls][-1] == "RekognitionService.DetectText"


def test_unsigned_calls_are_refused(stand_in) -> None:
    import urllib.error
    import urllib.request

    client, _ = stand_in
    req = urllib.request.Request(
        client.meta.endpoint_url + "/",
        data=b"{}",
        headers={"x-amz-target": "RekognitionService.DetectModerationLabels"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=10)
    assert err.value.code == 403


def test_serve_starts_the_stand_in_for_rekognition() -> None:
    assert LOCAL_FAKES["rekognition"] == ("aigw.serve.fakes.rekognition", "FakeRekognition")
    assert FakeRekognition.reads_sandbox is True
