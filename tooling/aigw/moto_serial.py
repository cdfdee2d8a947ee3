"""moto's server, applying one request at a time and answering retries from memory.

moto's in-memory models are not thread-safe: concurrent requests that change the same
resource can lose an update (Terraform adds a function's Lambda permissions in parallel,
and a lost one shows up as drift or as a destroy that waits forever). A single-threaded
server avoids that but, under load, drops connections. So the server stays threaded
(connections are accepted and read concurrently, keep-alive works) and a lock lets one
request at a time into moto's application, whose response is read in full inside it.

When a response is lost on the way back (a connection reset after moto applied the
request), the SDK retries a call that is not idempotent — CreateRole, CreateFunction —
and moto answers "already exists". AWS SDKs give every attempt of one call the same
``amz-sdk-invocation-id`` header and number the attempt in ``amz-sdk-request``, so a
retry of a call moto already answered with success gets that stored answer again instead
of being applied twice. Only successful answers are kept (a retry after an error must
run again), in a bounded table.

Before the server starts, the sandbox corrections (:mod:`aigw.moto_corrections`) are
installed into moto; start-up fails if moto is not the version they were written for.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import moto.server as _server

from aigw import moto_corrections

_run_simple = _server.run_simple

# Answers kept for retries: enough for every call in flight many times over; bodies larger
# than this are not kept (they are reads, which a retry can safely run again).
MAX_REMEMBERED = 2048
MAX_REMEMBERED_BODY = 1 << 20

Answer = tuple[str, list[tuple[str, str]], bytes]


def _attempt(environ: dict[str, Any]) -> int:
    """The attempt number from ``amz-sdk-request: attempt=2; max=3`` (1 when absent)."""
    for part in environ.get("HTTP_AMZ_SDK_REQUEST", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == "attempt" and value.isdigit():
            return int(value)
    return 1


def _call_key(environ: dict[str, Any]) -> tuple[str, ...] | None:
    invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
    if not invocation:
        return None
    return (
        invocation,
        environ.get("REQUEST_METHOD", ""),
        environ.get("HTTP_HOST", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
    )


def serialized(
    app: Callable[..., Iterable[bytes]],
    log: Callable[[str], None] | None = None,
) -> Callable[..., list[bytes]]:
    """A WSGI app that runs ``app`` for one request at a time and replays answered retries."""
    lock = threading.Lock()
    answered: OrderedDict[tuple[str, ...], Answer] = OrderedDict()
    say = log or (lambda line: print(line, file=sys.stderr, flush=True))

    def wrapper(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        key = _call_key(environ)
        with lock:
            if key is not None and key in answered:
                status, headers, body = answered[key]
                answered.move_to_end(key)
                say(
                    f"aigw-sandbox: attempt {_attempt(environ)} of {environ.get('REQUEST_METHOD')} "
                    f"{environ.get('PATH_INFO')} (invocation {key[0]}) was already applied; "
                    "replaying its answer"
                )
                start_response(status, headers)
                return [body]

            seen: dict[str, Any] = {}

            def recording_start_response(status: str, headers: list, exc_info: Any = None) -> Any:
                seen["status"], seen["headers"] = status, list(headers)
                if exc_info is not None:
                    return start_response(status, headers, exc_info)
                return start_response(status, headers)

            result = app(environ, recording_start_response)
            try:
                chunks = list(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
            status = seen.get("status", "")
            if key is not None and status.startswith("2"):
                body = b"".join(chunks)
                if len(body) <= MAX_REMEMBERED_BODY:
                    answered[key] = (status, seen["headers"], body)
                    while len(answered) > MAX_REMEMBERED:
                        answered.popitem(last=False)
            return chunks

    return wrapper


def _run_serialized(hostname: str, port: int, application: Any, *args: Any, **kwargs: Any) -> Any:
    return _run_simple(hostname, port, serialized(application), *args, **kwargs)


def main(argv: Sequence[str] | None = None) -> None:
    try:
        names = moto_corrections.apply()
    except moto_corrections.CorrectionError as exc:
        raise SystemExit(f"aigw-sandbox: {exc}") from exc
    print(f"aigw-sandbox: sandbox corrections applied: {', '.join(names)}", flush=True)
    _server.run_simple = _run_serialized
    _server.main(list(argv) if argv is not None else None)


if __name__ == "__main__":
    main(sys.argv[1:])
