"""``POST /v1/uploads``: a pre-signed S3 PUT for one new object of the caller's tenant.

The request borrows the fields of OpenAI's Create Upload (``bytes``, ``mime_type``,
``filename``, ``purpose``); the answer is an ``upload`` object with the URL to PUT the
bytes to, the exact headers to send (S3 checks ``Content-Type`` and ``Content-Length``
against the signature), when the URL expires, and the ``id`` and ``uri`` a route takes
as the object reference (docs/uploads.md). Nothing is written here: the object exists
once the client's PUT succeeds. The object's key is ``tenants/<tenant>/<id>`` with the
tenant from the authorizer (ADR 0137).
"""

from __future__ import annotations

import time

from aigw_shared import errors
from aigw_shared.http_event import Response
from llm_gateway import parameters, uploads, validation

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from llm_gateway.context import Context

KNOWN = {"bytes", "mime_type", "filename", "purpose"}
# OpenAI's upload purposes; the gateway records none of them.
PURPOSES = ("assistants", "batch", "fine-tune", "vision", "user_data", "evals")
MAX_FILENAME = 256


def create(ctx: Context) -> Response:
    cfg = ctx.gateway.upload_settings()
    if cfg is None:
        raise errors.not_found(
            "Uploads are not enabled on this gateway (no upload bucket is configured).",
            "uploads_not_enabled",
        )
    body = validation.require_object(ctx.req.json())
    parameters.unknown_fields(body, KNOWN)
    size = _size(body.get("bytes"), cfg.max_bytes)
    content_type = _media_type(body.get("mime_type"), cfg.content_types)
    filename = _optional_text(body.get("filename"), "filename", MAX_FILENAME)
    purpose = body.get("purpose")
    if purpose is not None and purpose not in PURPOSES:
        raise errors.invalid_request(
            f"'purpose' must be one of: {', '.join(PURPOSES)}.", "purpose", "invalid_value"
        )
    prefix = uploads.tenant_prefix(ctx.identity.tenant)
    upload_id = uploads.new_id(content_type)
    key = prefix + upload_id
    url = uploads.presign_put(cfg, key, content_type, size)
    now = int(time.time())
    doc: dict[str, Any] = {
        "id": upload_id,
        "object": "upload",
        "bytes": size,
        "created_at": now,
        "expires_at": now + cfg.url_ttl_s,
        # OpenAI's Upload object requires both: the id and "user_data" when not given.
        "filename": upload_id if filename is None else filename,
        "purpose": purpose or "user_data",
        "status": "pending",
        "mime_type": content_type,
        "uri": f"s3://{cfg.bucket}/{key}",
        "upload_url": url,
        "upload_method": "PUT",
        "upload_headers": {"Content-Type": content_type, "Content-Length": str(size)},
    }
    return Response.json(200, doc)


def _size(v: Any, max_bytes: int) -> int:
    if v is None:
        raise errors.invalid_request("Missing required parameter: 'bytes'.", "bytes", "missing")
    if isinstance(v, bool) or not isinstance(v, int):
        raise errors.invalid_request("'bytes' must be an integer.", "bytes", "invalid_type")
    if not 1 <= v <= max_bytes:
        raise errors.invalid_request(
            f"'bytes' must be between 1 and {max_bytes} (this gateway's upload limit).",
            "bytes",
            "upload_too_large" if v > max_bytes else "invalid_value",
        )
    return v


def _media_type(v: Any, allowed: tuple[str, ...]) -> str:
    if v is None:
        raise errors.invalid_request(
            "Missing required parameter: 'mime_type'.", "mime_type", "missing"
        )
    if not isinstance(v, str):
        raise errors.invalid_request("'mime_type' must be a string.", "mime_type", "invalid_type")
    media = v.strip().lower()
    if media not in allowed:
        raise errors.invalid_request(
            f"'mime_type' must be one of: {', '.join(allowed)}.",
            "mime_type",
            "unsupported_media_type",
        )
    return media


def _optional_text(v: Any, param: str, limit: int) -> str | None:
    if v is None:
        return None
    if not isinstance(v, str):
        raise errors.invalid_request(f"'{param}' must be a string.", param, "invalid_type")
    if len(v) > limit or any(ord(c) < 32 or ord(c) == 127 for c in v):
        raise errors.invalid_request(
            f"'{param}' must be at most {limit} characters with no control characters.",
            param,
            "invalid_value",
        )
    return v
