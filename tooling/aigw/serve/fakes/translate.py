"""A local fake of Amazon Translate's ``TranslateText`` (moto does not implement Translate).

Wire protocol as the service's: ``POST /`` with ``Content-Type: application/x-amz-json-1.1``
and ``X-Amz-Target: AWSShineFrontendService_20170701.TranslateText``, a SigV4
``Authorization`` header whose credential scope names ``translate``, a JSON body
``{"Text", "SourceLanguageCode", "TargetLanguageCode"}``; errors as JSON 1.1 errors
(``{"__type": "...", "message": "..."}`` with the service's status codes).

It does **not** translate. ``TranslatedText`` is the text prefixed with the target
language in brackets (``"[fr] hello"``), ``SourceLanguageCode`` ``auto`` is reported as
``en``, and a source equal to the target is ``UnsupportedLanguagePairException`` — enough
for a route's mapping templates and integration responses to be exercised end to end.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TARGET = "AWSShineFrontendService_20170701.TranslateText"
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")
MAX_TEXT_BYTES = 10000  # TranslateText's documented limit (UTF-8 bytes)
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/translate/aws4_request")


def translate(request: Any) -> tuple[int, dict[str, Any]]:
    """The fake's answer to one ``TranslateText`` body: (status, JSON document)."""

    def error(status: int, kind: str, message: str) -> tuple[int, dict[str, Any]]:
        return status, {"__type": kind, "message": message}

    if not isinstance(request, dict):
        return error(400, "SerializationException", "the body is not a JSON object")
    text = request.get("Text")
    source = request.get("SourceLanguageCode")
    target = request.get("TargetLanguageCode")
    for name, value in (
        ("Text", text),
        ("SourceLanguageCode", source),
        ("TargetLanguageCode", target),
    ):
        if not isinstance(value, str) or not value:
            return error(400, "ValidationException", f"{name} is required")
    assert isinstance(text, str) and isinstance(source, str) and isinstance(target, str)
    if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
        return error(400, "TextSizeLimitExceededException", "Input text size exceeds limit")
    for name, value in (("SourceLanguageCode", source), ("TargetLanguageCode", target)):
        if value != "auto" and not LANGUAGE.match(value):
            return error(400, "ValidationException", f"{name} {value!r} is not a language code")
    if target == "auto":
        return error(400, "ValidationException", "TargetLanguageCode cannot be auto")
    detected = "en" if source == "auto" else source
    if detected == target:
        return error(
            400,
            "UnsupportedLanguagePairException",
            f"Unsupported language pair: {detected} to {target}",
        )
    return 200, {
        "TranslatedText": f"[{target}] {text}",
        "SourceLanguageCode": detected,
        "TargetLanguageCode": target,
    }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "aigw-fake-translate"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self, status: int, doc: dict[str, Any]) -> None:
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("content-type", "application/x-amz-json-1.1")
        self.send_header("x-amzn-requestid", "fake-translate")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _signed_call(
        self, scope: re.Pattern[str], prefix: str, message_key: str = "message"
    ) -> tuple[str, bytes, Any] | None:
        """(action, raw body, JSON request or None) of a JSON 1.1 call whose SigV4 scope
        matches ``scope`` and whose ``X-Amz-Target`` starts with ``prefix`` (action ""
        otherwise); an unsigned call is answered 403 here (None)."""
        try:
            length = max(int(self.headers.get("content-length") or 0), 0)
        except ValueError:
            length = 0
        raw = self.rfile.read(length) if length else b""
        if not scope.search(self.headers.get("authorization") or ""):
            self._answer(
                403, {"__type": "MissingAuthenticationTokenException", message_key: "not signed"}
            )
            return None
        target = self.headers.get("x-amz-target") or ""
        action = target[len(prefix) :] if target.startswith(prefix) else ""
        try:
            request = json.loads(raw or b"null")
        except ValueError:
            request = None
        return action, raw, request

    def do_POST(self) -> None:
        try:
            length = int(self.headers.get("content-length") or 0)
        except ValueError:
            length = 0
        raw = self.rfile.read(max(length, 0)) if length > 0 else b""
        if not _SCOPE.search(self.headers.get("authorization") or ""):
            self._answer(
                403,
                {"__type": "MissingAuthenticationTokenException", "message": "not signed"},
            )
            return
        if self.headers.get("x-amz-target") != TARGET:
            self._answer(
                400,
                {"__type": "UnknownOperationException", "message": "unknown operation"},
            )
            return
        try:
            request = json.loads(raw or b"null")
        except ValueError:
            request = None
        self._answer(*translate(request))

    do_GET = do_PUT = do_DELETE = do_POST


class FakeTranslate:
    """The fake on a loopback port, in a daemon thread; ``url`` is its endpoint."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.httpd = ThreadingHTTPServer((host, port), _Handler)
        self.httpd.daemon_threads = True
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeTranslate:
        self._thread.start()
        return self

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
