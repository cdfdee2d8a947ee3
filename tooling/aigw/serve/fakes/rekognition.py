"""A local stand-in for Amazon Rekognition's ``DetectModerationLabels``, and the S3 read
in front of the sandbox's other Rekognition calls.

The sandbox (moto 5.2.5) does not implement ``DetectModerationLabels`` (it answers 500),
and its ``DetectLabels`` / ``DetectText`` answer canned values without reading the image,
so a call naming an S3 object that does not exist would still succeed. This stand-in:

- answers ``DetectModerationLabels`` itself, in the service's response shape
  (``ModerationLabels`` of ``Name``, ``ParentName``, ``Confidence``, ``TaxonomyLevel``;
  ``ModerationModelVersion``; ``ContentTypes``). It does **not** look at the pixels: an
  image is safe (no labels) unless it declares its labels in a PNG ``tEXt`` chunk or a
  JPEG comment whose text is ``aigw:moderation`` followed by a JSON list of
  ``{"Name", "ParentName", "Confidence"}`` (how a test makes an unsafe image:
  :func:`declaring_png`). Labels
  under ``MinConfidence`` (default 50, as the service's) are dropped;
- for **every** call whose ``Image`` is an ``S3Object``, first reads the object from the
  sandbox's S3, as Rekognition does with the caller's permissions: a missing object (or
  bucket) is ``InvalidS3ObjectException``, as in AWS. Calls other than
  ``DetectModerationLabels`` then go to the sandbox unchanged. Each S3 read prints one
  line, ``fake: rekognition <Action> read s3://<bucket>/<key>: <outcome>`` (object keys
  only: no image bytes), so what an integration asked for can be checked.

Checks as the service's: the image must be PNG or JPEG (``InvalidImageFormatException``),
at most 5 MB as bytes and 15 MB from S3 (``ImageTooLargeException``); ``MinConfidence``
0-100 (``InvalidParameterException``). Wire protocol: ``POST /`` with
``Content-Type: application/x-amz-json-1.1``, ``X-Amz-Target: RekognitionService.<Action>``,
a SigV4 ``Authorization`` header whose credential scope names ``rekognition``; errors as
JSON 1.1 errors (``__type``, ``Message``).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import struct
import sys
import threading
import zlib
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from typing import Any

from aigw.serve.backend import send
from aigw.serve.fakes.translate import FakeTranslate, _Handler

PREFIX = "RekognitionService."
ACTION = "DetectModerationLabels"
MODEL_VERSION = "7.0"
MAX_BYTES = 5 * 1024 * 1024  # Image.Bytes (the API's limit)
MAX_S3_BYTES = 15 * 1024 * 1024  # an image read from S3
DEFAULT_MIN_CONFIDENCE = 50.0
DECLARATION = b"aigw:moderation"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/rekognition/aws4_request")
# Headers passed on to the sandbox with a forwarded call.
FORWARDED_HEADERS = ("authorization", "content-type", "x-amz-target", "x-amz-date")

Answer = tuple[int, dict[str, Any]]
# (bucket, key) -> the object's bytes; raises KeyError when there is no such object.
ObjectReader = Callable[[str, str], bytes]


class ServiceError(Exception):
    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.answer: Answer = (status, {"__type": kind, "Message": message})


def _invalid_s3(bucket: str, key: str) -> ServiceError:
    return ServiceError(
        400,
        "InvalidS3ObjectException",
        "Unable to get object metadata from S3. Check object key, region and/or access "
        f"permissions. (s3://{bucket}/{key})",
    )


def s3_object(request: Any) -> tuple[str, str] | None:
    """The (bucket, key) a request's ``Image.S3Object`` names, or None for bytes."""
    image = request.get("Image") if isinstance(request, dict) else None
    ref = image.get("S3Object") if isinstance(image, dict) else None
    if ref is None:
        return None
    bucket = ref.get("Bucket") if isinstance(ref, dict) else None
    key = ref.get("Name") if isinstance(ref, dict) else None
    if not isinstance(bucket, str) or not bucket or not isinstance(key, str) or not key:
        raise ServiceError(400, "InvalidParameterException", "S3Object needs Bucket and Name")
    return bucket, key


def read_s3_image(bucket: str, key: str, read: ObjectReader) -> bytes:
    try:
        data = read(bucket, key)
    except KeyError:
        raise _invalid_s3(bucket, key) from None
    if len(data) > MAX_S3_BYTES:
        raise ServiceError(400, "ImageTooLargeException", "Image size is too large.")
    return data


def image_bytes(request: Any, read: ObjectReader) -> bytes:
    """The image of a request: its ``Bytes`` (base64 in JSON) or its S3 object."""
    if not isinstance(request, dict) or not isinstance(request.get("Image"), dict):
        raise ServiceError(400, "InvalidParameterException", "Image is required")
    ref = s3_object(request)
    if ref is not None:
        return read_s3_image(*ref, read)
    raw = request["Image"].get("Bytes")
    if not isinstance(raw, str) or not raw:
        raise ServiceError(400, "InvalidParameterException", "Image needs Bytes or S3Object")
    try:
        data = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise ServiceError(400, "SerializationException", "Image.Bytes is not base64") from None
    if len(data) > MAX_BYTES:
        raise ServiceError(400, "ImageTooLargeException", "Image size is too large.")
    return data


def _png_texts(data: bytes) -> list[bytes]:
    texts, pos = [], len(PNG_MAGIC)
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"tEXt":
            keyword, _, text = body.partition(b"\0")
            texts.append(keyword + b" " + text)
        if kind == b"IEND":
            break
        pos += 12 + length
    return texts


def _jpeg_comments(data: bytes) -> list[bytes]:
    comments, pos = [], 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no more headers
            break
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if marker == 0xFE:
            comments.append(data[pos + 4 : pos + 2 + length])
        pos += 2 + length
    return comments


def declared_labels(data: bytes) -> list[dict[str, Any]]:
    """The labels an image declares (see the module's docstring); [] for any other image."""
    texts = _png_texts(data) if data.startswith(PNG_MAGIC) else _jpeg_comments(data)
    labels: list[dict[str, Any]] = []
    for text in texts:
        if not text.startswith(DECLARATION):
            continue
        try:
            listed = json.loads(text[len(DECLARATION) :].decode("latin-1"))
            for item in listed:
                name, parent = str(item["Name"]), str(item.get("ParentName") or "")
                labels.append(
                    {"Name": name, "ParentName": parent, "Confidence": float(item["Confidence"])}
                )
        except (ValueError, TypeError, KeyError) as exc:
            raise ServiceError(
                500, "InternalServerError", f"fake: malformed aigw:moderation declaration: {exc}"
            ) from None
    return labels


def declaring_png(labels: list[dict[str, Any]], *texts: tuple[bytes, bytes]) -> bytes:
    """A 1x1 PNG that declares ``labels`` (``[]``: none) to the stand-in, with more
    ``tEXt`` chunks (keyword, text): how a test or a demo makes an "unsafe" image."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    declared = [(DECLARATION, json.dumps(labels).encode())] if labels else []
    return (
        PNG_MAGIC
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
        + b"".join(chunk(b"tEXt", k + b"\0" + t) for k, t in [*declared, *texts])
        + chunk(b"IDAT", zlib.compress(b"\0\0\0\0\0"))
        + chunk(b"IEND", b"")
    )


def _taxonomy_level(label: dict[str, Any], parents: dict[str, str]) -> int:
    level, parent = 1, label["ParentName"]
    while parent and level < 3:
        level, parent = level + 1, parents.get(parent, "")
    return level


def moderation(request: Any, read: ObjectReader) -> Answer:
    """The stand-in's answer to one ``DetectModerationLabels`` body: (status, document)."""
    try:
        data = image_bytes(request, read)
        min_confidence = request.get("MinConfidence", DEFAULT_MIN_CONFIDENCE)
        if (
            isinstance(min_confidence, bool)
            or not isinstance(min_confidence, (int, float))
            or not 0 <= min_confidence <= 100
        ):
            raise ServiceError(
                400, "InvalidParameterException", "MinConfidence must be between 0 and 100"
            )
        if not data.startswith((PNG_MAGIC, JPEG_MAGIC)):
            raise ServiceError(
                400, "InvalidImageFormatException", "Request has invalid image format"
            )
        labels = declared_labels(data)
    except ServiceError as err:
        return err.answer
    parents = {label["Name"]: label["ParentName"] for label in labels}
    found = [
        {**label, "TaxonomyLevel": _taxonomy_level(label, parents)}
        for label in labels
        if label["Confidence"] >= min_confidence
    ]
    return 200, {
        "ModerationLabels": found,
        "ModerationModelVersion": MODEL_VERSION,
        "ContentTypes": [],
    }


def sandbox_reader(endpoint: str) -> ObjectReader:
    """Reads objects from the sandbox's S3 (KeyError when there is no such object)."""
    from aigw.serve.environment import AwsClients

    s3 = AwsClients(endpoint, "us-east-1").client("s3")

    def read(bucket: str, key: str) -> bytes:
        try:
            return s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        except s3.exceptions.ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("NoSuchKey", "NoSuchBucket", "404", "AccessDenied", "403"):
                raise KeyError(key) from None
            raise

    return read


class _RekognitionHandler(_Handler):
    server_version = "aigw-fake-rekognition"
    reader: ObjectReader
    sandbox: str

    def _raw_answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name in ("content-type", "x-amzn-requestid"):
            if name in headers:
                self.send_header(name, headers[name])
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _forward(self, raw: bytes) -> None:
        """The call, unchanged, to the sandbox (its answer passed back as it is)."""
        headers = {k: v for k in FORWARDED_HEADERS if (v := self.headers.get(k))}
        try:
            got = send("POST", self.sandbox + "/", headers, raw, 30000)
        except Exception as exc:  # noqa: BLE001 - the sandbox is gone: the service fails
            self._answer(500, {"__type": "InternalServerError", "Message": str(exc)})
            return
        self._raw_answer(got.status, {k.lower(): v for k, v in got.headers.items()}, got.body)

    def _read_logged(self, action: str) -> ObjectReader:
        def read(bucket: str, key: str) -> bytes:
            try:
                data = self.reader(bucket, key)
            except KeyError:
                _log(f"fake: rekognition {action} read s3://{bucket}/{key}: NoSuchKey")
                raise
            _log(f"fake: rekognition {action} read s3://{bucket}/{key}: {len(data)} bytes")
            return data

        return read

    def do_POST(self) -> None:
        call = self._signed_call(_SCOPE, PREFIX, "Message")
        if call is None:
            return
        action, raw, request = call
        read = self._read_logged(action or "?")
        if action == ACTION:
            self._answer(*moderation(request, read))
            return
        try:
            ref = s3_object(request)
            if ref is not None:
                read_s3_image(*ref, read)
        except ServiceError as err:
            self._answer(*err.answer)
            return
        self._forward(raw)

    do_GET = do_PUT = do_DELETE = do_POST


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class FakeRekognition(FakeTranslate):
    """The stand-in on a loopback port, in a daemon thread; ``url`` is its endpoint.
    ``sandbox``: the sandbox's URL (objects are read from its S3, other calls go to it)."""

    reads_sandbox = True
    note = "answers DetectModerationLabels; other calls read their S3 object, then the sandbox"

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        sandbox: str,
        reader: ObjectReader | None = None,
    ) -> None:
        handler = type(
            "_BoundRekognitionHandler",
            (_RekognitionHandler,),
            {
                "reader": staticmethod(reader or sandbox_reader(sandbox)),
                "sandbox": sandbox.rstrip("/"),
            },
        )
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
