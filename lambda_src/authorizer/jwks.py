"""JWKS retrieval with an in-memory cache shared by warm invocations.

Keys are fetched over HTTPS (plain HTTP only for loopback hosts, used by tests and the
local data plane), cached for ``ttl_seconds``, and refetched at most once per
``min_refresh_seconds`` when a token names an unknown ``kid`` (key rotation at the
issuer). A fetch failure never falls back to "accept": the caller denies.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

from authorizer.jose import Jwk, parse_jwk
from authorizer.signatures import InvalidKey

log = logging.getLogger(__name__)

MAX_JWKS_BYTES = 256 * 1024
MAX_KEYS = 100
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class JwksUnavailable(Exception):
    """The JWKS document could not be fetched or parsed."""


def _check_url(url: str) -> None:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme == "https" and parsed.hostname:
        return
    if parsed.scheme == "http" and parsed.hostname in _LOOPBACK:
        return
    raise JwksUnavailable("JWKS URL must be https (http only for loopback)")


def fetch_jwks(url: str, timeout: float) -> dict[str, Jwk]:
    """Download and parse a JWKS document; unusable keys are skipped (and logged)."""
    _check_url(url)
    # Imported here: urllib.request pulls in http.client and email (a large share of
    # cold-start import time) and is only needed when a JWT issuer is configured.
    import urllib.error
    import urllib.request

    req = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - scheme checked above
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - scheme checked above
            if resp.status != 200:
                raise JwksUnavailable(f"JWKS endpoint answered {resp.status}")
            body = resp.read(MAX_JWKS_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise JwksUnavailable(f"JWKS fetch failed: {type(exc).__name__}") from exc
    if len(body) > MAX_JWKS_BYTES:
        raise JwksUnavailable("JWKS document too large")
    try:
        doc = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise JwksUnavailable("JWKS document is not JSON") from exc
    entries = doc.get("keys") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise JwksUnavailable("JWKS document has no keys array")
    keys: dict[str, Jwk] = {}
    for entry in entries[:MAX_KEYS]:
        if not isinstance(entry, dict):
            continue
        try:
            jwk = parse_jwk(entry)
        except InvalidKey as exc:
            log.warning("skipping unusable JWK: %s", exc)
            continue
        keys[jwk.kid] = jwk
    return keys


@dataclass
class _Entry:
    keys: dict[str, Jwk]
    fetched_at: float


@dataclass
class JwksCache:
    ttl_seconds: float = 300.0
    min_refresh_seconds: float = 30.0
    timeout_seconds: float = 2.0
    clock: Callable[[], float] = time.monotonic
    fetcher: Callable[[str, float], dict[str, Jwk]] = fetch_jwks
    _entries: dict[str, _Entry] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    fetches: int = 0

    def _refresh(self, url: str) -> _Entry:
        self.fetches += 1
        entry = _Entry(self.fetcher(url, self.timeout_seconds), self.clock())
        with self._lock:
            self._entries[url] = entry
        return entry

    def get_key(self, url: str, kid: str) -> Jwk | None:
        """The key for ``kid``; None if the issuer does not publish it.

        Raises JwksUnavailable when the document is needed and cannot be fetched.
        """
        now = self.clock()
        with self._lock:
            entry = self._entries.get(url)
        if entry is None or now - entry.fetched_at >= self.ttl_seconds:
            entry = self._refresh(url)
        elif kid not in entry.keys and now - entry.fetched_at >= self.min_refresh_seconds:
            entry = self._refresh(url)
        return entry.keys.get(kid)
