"""Loopback HTTP servers the fakes are built on: a quiet threading server that counts
connections, a request handler with JSON helpers, and per-model call counting."""

from __future__ import annotations

import json
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):  # clients hanging up is fine
            super().handle_error(request, client_address)


class _Server:
    handler_cls: type[BaseHTTPRequestHandler]

    def __init__(self) -> None:
        owner = self

        class Handler(self.handler_cls):  # type: ignore[misc,valid-type]
            fake = owner
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

        self.requests: list[dict[str, Any]] = []
        self.connections = 0
        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        orig = self.httpd.get_request

        def counting_get_request() -> Any:
            conn = orig()
            self.connections += 1
            return conn

        self.httpd.get_request = counting_get_request  # type: ignore[method-assign]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> _Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Base(BaseHTTPRequestHandler):
    fake: Any
    disable_nagle_algorithm = True  # headers and body go out as separate writes

    def read_body(self) -> bytes:
        n = int(self.headers.get("content-length") or 0)
        return self.rfile.read(n) if n else b""

    def send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def reset(self) -> None:
        """Drop the connection without answering (RST)."""
        import socket

        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()


class _Counting(_Server):
    slow_seconds = 1.0
    throttle_first = 2

    def calls(self, model: str) -> int:
        """How many requests for ``model`` reached this upstream."""
        return sum(1 for r in self.requests if (r.get("model") or r["body"].get("model")) == model)

    def throttling(self, model: str) -> bool:
        return self.calls(model) <= self.throttle_first
