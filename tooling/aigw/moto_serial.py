"""moto's server, applying one request at a time.

moto's in-memory models are not thread-safe: concurrent requests that change the same
resource can lose an update (Terraform adds a function's Lambda permissions in parallel,
and a lost one shows up as drift or as a destroy that waits forever). A single-threaded
server avoids that but, under load, drops connections, and the SDK's retries of
non-idempotent calls then fail with "already exists". So the server stays threaded
(connections are accepted and read concurrently, keep-alive works) and a lock lets one
request at a time into moto's application, whose response is read in full inside it.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import moto.server as _server

_run_simple = _server.run_simple
_LOCK = threading.Lock()


def serialized(app: Callable[..., Iterable[bytes]]) -> Callable[..., list[bytes]]:
    """A WSGI app that runs ``app`` for one request at a time."""

    def wrapper(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with _LOCK:
            result = app(environ, start_response)
            try:
                return list(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()

    return wrapper


def _run_serialized(hostname: str, port: int, application: Any, *args: Any, **kwargs: Any) -> Any:
    return _run_simple(hostname, port, serialized(application), *args, **kwargs)


def main(argv: Sequence[str] | None = None) -> None:
    _server.run_simple = _run_serialized
    _server.main(list(argv) if argv is not None else None)


if __name__ == "__main__":
    main(sys.argv[1:])
