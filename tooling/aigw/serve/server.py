"""The HTTP server: a threading server on a loopback address in front of the data plane."""

from __future__ import annotations

import signal
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aigw.serve.events import Incoming
from aigw.serve.integrations import Result
from aigw.serve.plane import MAX_BODY_BYTES, DataPlane
from aigw.serve.responses import ServeError, openai_error

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
MAX_HEADER_COUNT = 200
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    plane: DataPlane
    access_log: Callable[[str], None]

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that went away mid-response is not an error worth a traceback.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        self.access_log(f"error serving a request: {type(exc).__name__}")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "aigw-serve"
    sys_version = ""
    disable_nagle_algorithm = True
    timeout = 300
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # our own access line is written per request

    def _serve(self) -> None:
        start = time.monotonic()
        url = urllib.parse.urlsplit(self.path)
        inc = Incoming(
            method=self.command.upper(),
            path=url.path or "/",
            query=urllib.parse.parse_qsl(url.query, keep_blank_values=True),
            headers=list(self.headers.items())[:MAX_HEADER_COUNT],
            body=b"",
            source_ip=self.client_address[0],
        )
        result = self._read_body(inc)
        if result is None:
            try:
                result = self.server.plane.dispatch(inc)
            except Exception as exc:  # noqa: BLE001 - a bug here must not drop the connection
                self.server.access_log(f"error serving a request: {type(exc).__name__}")
                result = Result(
                    500,
                    {"content-type": "application/json"},
                    openai_error("Internal server error", "api_error", "internal_error"),
                )
        status = self._write(result, inc.request_id)
        elapsed = (time.monotonic() - start) * 1000
        self.server.access_log(
            f"{inc.method} {inc.path} {status} {elapsed:.0f}ms tenant={result.tenant} "
            f"cache={result.cache} request_id={inc.request_id}"
        )

    def _read_body(self, inc: Incoming) -> Result | None:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            self.close_connection = True
            return Result(
                411,
                {"content-type": "application/json"},
                openai_error(
                    "Send the request body with a Content-Length header.",
                    "invalid_request_error",
                    "length_required",
                ),
            )
        try:
            length = int(self.headers.get("content-length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            return Result(
                400,
                {"content-type": "application/json"},
                openai_error(
                    "Invalid Content-Length header.", "invalid_request_error", "bad_request"
                ),
            )
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            return self.server.plane.refuse("REQUEST_TOO_LARGE", "Request Too Long", inc)
        inc.body = self.rfile.read(length) if length else b""
        return None

    def _write(self, result: Result, request_id: str) -> int:
        self.send_response(result.status)
        headers = {k.lower(): v for k, v in result.headers.items()}
        headers["x-amzn-requestid"] = request_id
        for k, v in headers.items():
            if k in ("content-length", "transfer-encoding", "connection") or not v:
                continue
            self.send_header(k, v)
        if result.stream is None:
            self.send_header("content-length", str(len(result.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(result.body)
            return result.status
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        try:
            if result.body:
                self._chunk(result.body)
            for chunk in result.stream:
                if chunk:
                    self._chunk(chunk)
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        finally:
            close = getattr(result.stream, "close", None)
            if close is not None:
                close()
        return result.status

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve


class LocalServer:
    """The data plane behind a threading HTTP server on a loopback address."""

    def __init__(
        self,
        plane: DataPlane,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        access_log: Callable[[str], None] | None = None,
    ) -> None:
        if host not in LOOPBACK:
            raise ServeError(f"aigw serve listens on loopback only, not {host!r}")
        try:
            self.httpd = _Server((host, port), _Handler)
        except OSError as exc:
            raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
        self.httpd.plane = plane
        self.httpd.access_log = access_log or (lambda line: None)
        self.plane = plane
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> LocalServer:
        """Serve in a background thread (tests, embedding)."""
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True
        )
        self._thread.start()
        return self

    def serve_until_signal(self) -> None:
        """Serve in this (main) thread until SIGINT or SIGTERM, then shut down cleanly."""
        stop = threading.Event()

        def on_signal(signum: int, _frame: Any) -> None:
            if not stop.is_set():
                stop.set()
                threading.Thread(target=self.httpd.shutdown, daemon=True).start()

        previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.httpd.serve_forever(poll_interval=0.2)
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
            self.httpd.server_close()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
