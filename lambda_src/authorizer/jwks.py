"""JWKS retrieval with an in-memory cache shared by warm invocations.

Keys are fetched over HTTPS (plain HTTP only for loopback hosts, used by tests and the
local data plane), cached for ``ttl_seconds``, and refetched at most once per
``min_refresh_seconds`` when a token names an unknown ``kid`` (key rotation at the
issuer).

When the identity provider is down (ADR 0024):

* a failed fetch is remembered for ``failure_cache_seconds``; during that time no
  request waits for another fetch of the same URL (negative cache);
* the last good key set stays usable for ``stale_if_error_seconds`` after its
  lifetime ends, for keys it holds. Each use of stale keys writes one EMF line
  (metric ``JwksStaleKeysUsed``); each failed fetch one with ``JwksFetchFailures``.

Beyond those windows, or for a ``kid`` the last good set lacks, ``JwksUnavailable``
is raised and the caller fails closed. A fetch failure never falls back to "accept".
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

from authorizer import strictjson
from authorizer.jose import Jwk, parse_jwk
from authorizer.signatures import InvalidKey

log = logging.getLogger(__name__)

MAX_JWKS_BYTES = 256 * 1024
MAX_KEYS = 100
METRICS_NAMESPACE = "aigw"
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
    import http.client
    import urllib.error
    import urllib.request

    req = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - scheme checked above
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - scheme checked above
            if resp.status != 200:
                raise JwksUnavailable(f"JWKS endpoint answered {resp.status}")
            body = resp.read(MAX_JWKS_BYTES + 1)
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        # HTTPException: a malformed status line or truncated body from the server.
        raise JwksUnavailable(f"JWKS fetch failed: {type(exc).__name__}") from exc
    if len(body) > MAX_JWKS_BYTES:
        raise JwksUnavailable("JWKS document too large")
    return parse_jwks(body)


def parse_jwks(body: bytes) -> dict[str, Jwk]:
    """The usable keys of a JWKS document by kid; JwksUnavailable if the document is bad."""
    try:
        # Duplicate members are tolerated here as json.loads does (the last one wins);
        # numbers get the same bounds as in tokens.
        doc = strictjson.loads(body, reject_duplicates=False)
    except strictjson.JsonRejected as exc:
        raise JwksUnavailable(f"JWKS document is not acceptable JSON: {exc}") from exc
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


def _emf(metric: str, url: str, **fields: object) -> None:
    """One CloudWatch EMF line (namespace ``aigw``, dimension ``JwksHost``)."""
    record = {
        "_aws": {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": METRICS_NAMESPACE,
                    "Dimensions": [["JwksHost"]],
                    "Metrics": [{"Name": metric, "Unit": "Count"}],
                }
            ],
        },
        "logger": "aigw.authorizer",
        "JwksHost": urllib.parse.urlsplit(url).hostname or "",
        metric: 1,
        **fields,
    }
    sys.stdout.write(json.dumps(record, sort_keys=True) + "\n")


@dataclass
class _Entry:
    keys: dict[str, Jwk]
    fetched_at: float


@dataclass
class _Failure:
    at: float
    reason: str


@dataclass
class JwksCache:
    ttl_seconds: float = 300.0
    min_refresh_seconds: float = 30.0
    timeout_seconds: float = 2.0
    failure_cache_seconds: float = 30.0
    stale_if_error_seconds: float = 3600.0
    clock: Callable[[], float] = time.monotonic
    fetcher: Callable[[str, float], dict[str, Jwk]] = fetch_jwks
    _entries: dict[str, _Entry] = field(default_factory=dict)
    _failures: dict[str, _Failure] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    fetches: int = 0

    def _refresh(self, url: str, now: float) -> _Entry:
        with self._lock:
            failed = self._failures.get(url)
        if failed is not None and now - failed.at < self.failure_cache_seconds:
            raise JwksUnavailable(
                f"{failed.reason} (not retried for {self.failure_cache_seconds:g} s)"
            )
        self.fetches += 1
        try:
            keys = self.fetcher(url, self.timeout_seconds)
        except JwksUnavailable as exc:
            with self._lock:
                self._failures[url] = _Failure(self.clock(), str(exc))
            _emf("JwksFetchFailures", url, reason=str(exc))
            raise
        entry = _Entry(keys, self.clock())
        with self._lock:
            self._entries[url] = entry
            self._failures.pop(url, None)
        return entry

    def get_key(self, url: str, kid: str) -> Jwk | None:
        """The key for ``kid``; None if the issuer does not publish it.

        Raises JwksUnavailable when the document is needed, cannot be fetched, and no
        key set within its stale-if-error window holds ``kid``.
        """
        now = self.clock()
        with self._lock:
            entry = self._entries.get(url)
        if entry is not None:
            age = now - entry.fetched_at
            if age < self.ttl_seconds and (kid in entry.keys or age < self.min_refresh_seconds):
                return entry.keys.get(kid)
        try:
            return self._refresh(url, now).keys.get(kid)
        except JwksUnavailable:
            if entry is None or kid not in entry.keys:
                raise
            age = now - entry.fetched_at
            if age >= self.ttl_seconds + self.stale_if_error_seconds:
                raise
            _emf("JwksStaleKeysUsed", url, key_set_age_seconds=round(age, 3))
            return entry.keys[kid]
