"""Adapter between API Gateway REST proxy events (``AWS_PROXY``) and plain requests.

The function cores take a :class:`Request` and return a :class:`Response`; this module
is the only place that knows the event shape.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping

from aigw_shared.errors import ApiError, invalid_request
from aigw_shared.records import Factory, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

JSON_HEADERS = {"content-type": "application/json"}
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_MAX_DEPTH = 64


def _utf8_clean(value: Any, depth: int = 0) -> bool:
    """True when every string in ``value`` encodes to UTF-8 (no lone surrogates)."""
    if depth > _MAX_DEPTH:
        return False
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(
            _utf8_clean(k, depth + 1) and _utf8_clean(v, depth + 1) for k, v in value.items()
        )
    if isinstance(value, list):
        return all(_utf8_clean(v, depth + 1) for v in value)
    return True


def json_bytes(payload: Any) -> bytes:
    """Compact UTF-8 JSON; falls back to ASCII escapes when a string holds a lone
    surrogate (possible in upstream answers), so encoding never fails."""
    try:
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(payload, separators=(",", ":")).encode("ascii")


@record
class Request:
    method: str
    path: str
    headers: dict[str, str] = Factory(dict)  # lower-cased names
    body: bytes = b""
    query: dict[str, str] = Factory(dict)
    auth: dict[str, str] = Factory(dict)  # authorizer context (strings)
    request_id: str = ""

    def json(self) -> Any:
        """The body parsed as JSON; a client error (400) when it is not JSON."""
        if not self.body:
            raise invalid_request(
                "The request body is empty; a JSON object is required.", code="invalid_json"
            )
        try:
            text = self.body.decode("utf-8")
        except UnicodeDecodeError:
            raise invalid_request(
                "The request body is not valid UTF-8.", code="invalid_json"
            ) from None
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError):
            raise invalid_request(
                "The request body is not valid JSON.", code="invalid_json"
            ) from None
        if _SURROGATE_ESCAPE.search(text) and not _utf8_clean(doc):
            raise invalid_request(
                "The request body contains unpaired UTF-16 surrogates.", code="invalid_json"
            )
        return doc


@record
class Response:
    status: int
    headers: dict[str, str] = Factory(dict)
    body: bytes = b""
    stream: Iterator[bytes] | None = None  # SSE chunks when streaming

    @classmethod
    def json(cls, status: int, payload: Any, headers: Mapping[str, str] | None = None) -> Response:
        return cls(status, {**JSON_HEADERS, **(headers or {})}, json_bytes(payload))

    @classmethod
    def error(cls, err: ApiError) -> Response:
        return cls(err.status, {**JSON_HEADERS, **err.headers}, err.body_bytes())

    def read_all(self) -> bytes:
        """The full body, draining the stream if there is one."""
        if self.stream is None:
            return self.body
        return self.body + b"".join(self.stream)


def _str_map(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): str(v) for k, v in value.items() if v is not None}


def request_from_event(event: Mapping[str, Any]) -> Request:
    """Build a :class:`Request` from a REST API proxy event.

    The path comes from ``resource`` with ``pathParameters`` filled in (so custom-domain
    base paths do not leak into routing), falling back to ``path``.
    """
    if not isinstance(event, Mapping):
        raise invalid_request("The event is not an API Gateway proxy event.")
    method = str(event.get("httpMethod") or "GET").upper()
    params = _str_map(event.get("pathParameters"))
    resource = event.get("resource")
    path = str(event.get("path") or "/")
    if isinstance(resource, str) and resource and "{proxy+}" not in resource:
        path = resource
        for name, value in params.items():
            path = path.replace("{" + name + "}", value)
    headers = {k.lower(): v for k, v in _str_map(event.get("headers")).items()}
    raw = event.get("body")
    body = b""
    if isinstance(raw, str):
        if event.get("isBase64Encoded"):
            import base64
            import binascii

            try:
                body = base64.b64decode(raw, validate=True)
            except (binascii.Error, ValueError):
                raise invalid_request("The request body is not valid base64.") from None
        else:
            body = raw.encode("utf-8", "surrogatepass")
    ctx = event.get("requestContext")
    ctx = ctx if isinstance(ctx, Mapping) else {}
    auth = _str_map(ctx.get("authorizer"))
    return Request(
        method=method,
        path=path,
        headers=headers,
        body=body,
        query=_str_map(event.get("queryStringParameters")),
        auth=auth,
        request_id=str(ctx.get("requestId") or ""),
    )


def response_to_proxy(resp: Response) -> dict[str, Any]:
    """Render a :class:`Response` as a proxy integration result (buffered)."""
    body = resp.read_all()
    try:
        text, b64 = body.decode("utf-8"), False
    except UnicodeDecodeError:
        import base64

        text, b64 = base64.b64encode(body).decode("ascii"), True
    return {
        "statusCode": resp.status,
        "headers": dict(resp.headers),
        "body": text,
        "isBase64Encoded": b64,
    }


def error_response(err: ApiError) -> dict[str, Any]:
    return response_to_proxy(Response.error(err))
