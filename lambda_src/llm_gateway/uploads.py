"""Uploads: the bucket's settings, upload ids, object references and the pre-signed PUT.

An upload is one object ``tenants/<tenant>/<id>`` in the bucket ``AIGW_UPLOADS_BUCKET``
(owned by ``modules/upload-store``; ADR 0137). The id is ``upload_<32 hex>.<ext>``: 128
random bits and the extension of the media type the client declared, so a route can
tell Bedrock the format without reading the object. The tenant comes from the
authorizer's context, never from the request.

A reference is what a client passes to a route that takes media: the id, or the
``s3://<bucket>/<key>`` URI the upload answer carries. :func:`resolve` accepts a
reference only when it names an object under the caller's own prefix, in this
gateway's bucket, spelled exactly as the gateway spells it (no ``..``, no
percent-encoding, no absolute or other-tenant keys); anything else is a 4xx.

Without ``AIGW_UPLOADS_BUCKET`` uploads are off: ``POST /v1/uploads`` answers 404 and a
reference is refused with 400.
"""

from __future__ import annotations

import os
import re

from aigw_shared import errors
from aigw_shared.errors import ApiError
from aigw_shared.records import record
from llm_gateway.config_types import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

BUCKET_ENV = "AIGW_UPLOADS_BUCKET"
MAX_BYTES_ENV = "AIGW_UPLOADS_MAX_BYTES"
URL_TTL_ENV = "AIGW_UPLOADS_URL_TTL_SECONDS"
TYPES_ENV = "AIGW_UPLOADS_CONTENT_TYPES"
REGION_ENV = "AIGW_UPLOADS_REGION"

KEY_PREFIX = "tenants/"
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# A single PUT takes at most 5 GB (S3); larger objects need a multipart upload.
MAX_PUT_BYTES = 5 * 1024**3
DEFAULT_URL_TTL_S = 900
MIN_URL_TTL_S, MAX_URL_TTL_S = 60, 3600

# Media type -> (extension in the id, kind). Bedrock Converse's ImageFormat and
# DocumentFormat values are the extensions of the image and document kinds.
MEDIA_TYPES: dict[str, tuple[str, str]] = {
    "image/png": ("png", "image"),
    "image/jpeg": ("jpeg", "image"),
    "image/gif": ("gif", "image"),
    "image/webp": ("webp", "image"),
    "image/tiff": ("tiff", "scan"),  # Textract reads TIFF; Bedrock takes no TIFF images
    "application/pdf": ("pdf", "document"),
    "text/csv": ("csv", "document"),
    "application/msword": ("doc", "document"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        "docx",
        "document",
    ),
    "application/vnd.ms-excel": ("xls", "document"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx", "document"),
    "text/html": ("html", "document"),
    "text/plain": ("txt", "document"),
    "text/markdown": ("md", "document"),
    "audio/mpeg": ("mp3", "audio"),
    "audio/wav": ("wav", "audio"),
    "audio/flac": ("flac", "audio"),
    "audio/ogg": ("ogg", "audio"),
}
DEFAULT_TYPES = tuple(t for t, (_, kind) in MEDIA_TYPES.items() if kind != "audio")
KIND_OF_EXT = {ext: kind for ext, kind in MEDIA_TYPES.values()}

_EXTS = "|".join(sorted(KIND_OF_EXT))
ID_PATTERN = rf"upload_[0-9a-f]{{32}}\.(?:{_EXTS})"
_ID = re.compile(rf"^({ID_PATTERN})\Z")
_TENANT = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}\Z")  # the authorizer's tenant ids


@record
class Settings:
    bucket: str
    max_bytes: int
    url_ttl_s: int
    content_types: tuple[str, ...]
    region: str | None


def settings(environ: Mapping[str, str] | None = None) -> Settings | None:
    """The upload settings of this function, or None when uploads are off
    (:class:`ConfigError` for values the module would never set: the gateway answers
    503 ``config_unavailable``)."""
    env = os.environ if environ is None else environ
    bucket = (env.get(BUCKET_ENV) or "").strip()
    if not bucket:
        return None
    types = (
        tuple(t.strip().lower() for t in (env.get(TYPES_ENV) or "").split(",") if t.strip())
        or DEFAULT_TYPES
    )
    unknown = [t for t in types if t not in MEDIA_TYPES]
    if unknown:
        raise ConfigError(f"{TYPES_ENV} holds unknown media types: {', '.join(unknown)}")
    try:
        max_bytes = int(env.get(MAX_BYTES_ENV) or DEFAULT_MAX_BYTES)
        ttl = int(env.get(URL_TTL_ENV) or DEFAULT_URL_TTL_S)
    except ValueError:
        raise ConfigError(f"{MAX_BYTES_ENV} and {URL_TTL_ENV} must be integers") from None
    if not 1 <= max_bytes <= MAX_PUT_BYTES or not MIN_URL_TTL_S <= ttl <= MAX_URL_TTL_S:
        raise ConfigError(
            f"{MAX_BYTES_ENV} must be 1-{MAX_PUT_BYTES} and "
            f"{URL_TTL_ENV} {MIN_URL_TTL_S}-{MAX_URL_TTL_S}"
        )
    region = env.get(REGION_ENV) or env.get("AWS_REGION") or None
    return Settings(bucket, max_bytes, ttl, types, region)


def new_id(content_type: str) -> str:
    return f"upload_{os.urandom(16).hex()}.{MEDIA_TYPES[content_type][0]}"


def object_key(tenant: str, upload_id: str) -> str:
    return f"{KEY_PREFIX}{tenant}/{upload_id}"


def tenant_prefix(tenant: str) -> str:
    """The caller's prefix; a tenant id outside the authorizer's alphabet has none."""
    if not _TENANT.match(tenant):
        raise ApiError(
            403,
            "This identity cannot use uploads: its tenant id is not one the authorizer issues.",
            errors.PERMISSION,
            "uploads_not_allowed",
        )
    return f"{KEY_PREFIX}{tenant}/"


@record
class ObjectRef:
    """A reference that passed :func:`resolve`: the caller's own object."""

    bucket: str
    key: str
    ext: str

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    @property
    def kind(self) -> str:
        return KIND_OF_EXT[self.ext]


def not_enabled(param: str | None = None) -> ApiError:
    return errors.invalid_request(
        "Uploads are not enabled on this gateway: send the content inline.",
        param,
        "uploads_not_enabled",
    )


def resolve(ref: str, tenant: str, cfg: Settings | None, param: str) -> ObjectRef:
    """The caller's object named by ``ref`` (an upload id or its ``s3://`` URI), or 4xx.

    400 for anything that is not an upload reference in the gateway's own spelling;
    403 for a well-formed reference to another tenant's prefix."""
    if cfg is None:
        raise not_enabled(param)
    prefix = tenant_prefix(tenant)
    m = _ID.match(ref)
    if m:
        upload_id = m.group(1)
    else:
        head = f"s3://{cfg.bucket}/"
        if not ref.startswith(head):
            raise _bad_ref(param)
        key = ref[len(head) :]
        if not key.startswith(prefix):
            other = re.match(rf"^{KEY_PREFIX}[a-z0-9][a-z0-9-]{{1,62}}/{ID_PATTERN}\Z", key)
            if other:
                raise ApiError(
                    403,
                    f"'{param}' names an upload of another tenant; "
                    "a request may only use its own tenant's uploads.",
                    errors.PERMISSION,
                    "upload_not_owned",
                    param,
                )
            raise _bad_ref(param)
        m = _ID.match(key[len(prefix) :])
        if not m:
            raise _bad_ref(param)
        upload_id = m.group(1)
    return ObjectRef(cfg.bucket, prefix + upload_id, upload_id.rsplit(".", 1)[1])


def _bad_ref(param: str) -> ApiError:
    return errors.invalid_request(
        f"'{param}' is not an upload reference: pass the 'id' (upload_<32 hex>.<ext>) or "
        "the 'uri' (s3://<bucket>/tenants/<your tenant>/<id>) that POST /v1/uploads returned.",
        param,
        "invalid_upload_reference",
    )


def is_reference(url: str) -> bool:
    """Whether an image URL or file id is meant as an upload reference (not a data URL)."""
    return url.startswith(("s3://", "upload_"))


# --------------------------------------------------------------------------- presigning

_clients: dict[str | None, Any] = {}


def use_s3_client(region: str | None, client: Any) -> None:
    """Sign with ``client`` in ``region`` (a host that runs the function outside Lambda, such
    as the local data plane, hands it a client for its own S3 endpoint)."""
    _clients[region] = client


def _s3(region: str | None) -> Any:
    client = _clients.get(region)
    if client is None:
        import boto3  # lazy: only the uploads route signs (ADR 0017)
        from botocore.config import Config

        # SigV4 always (botocore would sign a custom-endpoint URL with SigV2, which signs
        # no Content-Length).
        client = boto3.client("s3", region_name=region, config=Config(signature_version="s3v4"))
        _clients[region] = client
    return client


def presign_put(cfg: Settings, key: str, content_type: str, size: int) -> str:
    """A SigV4 query-string URL for one PUT of ``key`` whose signed headers include
    ``content-type`` and ``content-length``: S3 refuses the PUT unless the client sends
    exactly these values (SignatureDoesNotMatch). No network call is made."""
    return _s3(cfg.region).generate_presigned_url(
        "put_object",
        Params={
            "Bucket": cfg.bucket,
            "Key": key,
            "ContentType": content_type,
            "ContentLength": size,
        },
        ExpiresIn=cfg.url_ttl_s,
        HttpMethod="PUT",
    )


# --------------------------------------------------------------------------- chat content

# Converse's ImageFormat values (what an image part may reference).
CHAT_IMAGE_EXTS = ("png", "jpeg", "gif", "webp")


def resolve_chat_media(
    request: dict[str, Any],
    tenant: str,
    load: Callable[[], Settings | None],
    provider_types: set[str],
) -> int:
    """Turn the upload references of a validated chat request into the internal parts
    ``s3_image`` / ``s3_document`` (``{"uri", "format", "name"}``), in place, after
    :func:`resolve` has checked each one belongs to ``tenant``. Only these parts reach
    Bedrock as ``s3Location`` sources: an ``s3://`` URL that did not pass here is refused
    by the Converse mapping like any other non-data URL. Returns the number resolved."""
    found = 0
    cfg: Settings | None = None
    for i, msg in enumerate(request["messages"]):
        content = msg.get("content")
        if msg.get("role") != "user" or not isinstance(content, list):
            continue
        for j, part in enumerate(content):
            where = f"messages[{i}].content[{j}]"
            if part["type"] == "image_url" and is_reference(part["image_url"]["url"]):
                ref, param = part["image_url"]["url"], f"{where}.image_url.url"
            elif part["type"] == "file":
                ref, param = part["file"]["file_id"], f"{where}.file.file_id"
            else:
                continue
            if not found:
                if "openai" in provider_types:
                    raise errors.invalid_request(
                        f"'{param}': upload references are read by Amazon Bedrock; this "
                        "model has targets on an OpenAI-compatible provider.",
                        param,
                        "unsupported_value",
                    )
                cfg = load()
            found += 1
            obj = resolve(ref, tenant, cfg, param)
            content[j] = _chat_part(obj, part["type"], param)
    return found


def _chat_part(obj: ObjectRef, part_type: str, param: str) -> dict[str, Any]:
    source = {"uri": obj.uri, "format": obj.ext}
    if obj.kind == "image" and obj.ext in CHAT_IMAGE_EXTS:
        return {"type": "s3_image", "s3": source}
    if obj.kind == "document" and part_type == "file":
        # Converse document names allow letters, digits, single spaces, hyphens,
        # parentheses and brackets; the client's filename is not passed (it is prompt text).
        name = "upload-" + obj.key.rsplit("_", 1)[1].split(".", 1)[0][:12]
        return {"type": "s3_document", "s3": {**source, "name": name}}
    wanted = (
        "an image upload (png, jpeg, gif, webp)"
        if part_type == "image_url"
        else "an image or document upload (png, jpeg, gif, webp, pdf, csv, doc, docx, xls, "
        "xlsx, html, txt, md)"
    )
    raise errors.invalid_request(
        f"'{param}' must reference {wanted}; this upload is .{obj.ext}.",
        param,
        "unsupported_media_type",
    )
