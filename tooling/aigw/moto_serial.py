"""moto's server, handling one request at a time.

moto's in-memory models are not thread-safe: concurrent requests that change the same
resource can lose an update (Terraform adds a function's Lambda permissions in parallel,
and a lost one shows up as drift or as a destroy that waits forever). Serving requests one
by one makes the sandbox deterministic; each request takes milliseconds, and HTTP/1.0
(what the single-threaded server speaks) closes every connection, so no idle client can
hold the server.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import moto.server as _server

_run_simple = _server.run_simple


def _serial(*args: Any, **kwargs: Any) -> Any:
    kwargs["threaded"] = False
    return _run_simple(*args, **kwargs)


def main(argv: Sequence[str] | None = None) -> None:
    _server.run_simple = _serial
    _server.main(list(argv) if argv is not None else None)


if __name__ == "__main__":
    main(sys.argv[1:])
