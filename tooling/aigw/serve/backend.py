"""One HTTP call to an integration back end (an AWS service endpoint, an HTTP URI).

Plain ``http.client`` on purpose: no proxy settings from the environment, no retries
(API Gateway does not retry an integration), the integration's own timeout.
"""

from __future__ import annotations

import http.client
import urllib.parse
from dataclasses import dataclass


class BackendTimeout(Exception):
    """The back end did not answer within the integration timeout."""


class BackendUnreachable(Exception):
    """No connection to the back end (refused, reset, bad URL)."""


@dataclass
class BackendAnswer:
    status: int
    headers: dict[str, str]
    body: bytes


MAX_RESPONSE_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit applies to answers too


def send(
    method: str, url: str, headers: dict[str, str], body: bytes, timeout_ms: float
) -> BackendAnswer:
    """``method url`` with ``headers`` and ``body``; the answer or a Backend* exception."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BackendUnreachable(f"not an HTTP URL: {url!r}")
    cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    conn = cls(parts.hostname, parts.port, timeout=max(timeout_ms, 1) / 1000)
    try:
        conn.request(method, target, body=body or None, headers=headers)
        resp = conn.getresponse()
        data = resp.read(MAX_RESPONSE_BYTES + 1)
        return BackendAnswer(resp.status, {k: v for k, v in resp.getheaders()}, data)
    except TimeoutError:
        raise BackendTimeout(url) from None
    except (OSError, http.client.HTTPException) as exc:
        raise BackendUnreachable(f"{url}: {type(exc).__name__}") from None
    finally:
        conn.close()
