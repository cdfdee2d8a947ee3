"""Fetching a JWKS document (jwks.fetch_jwks: which URLs, which request) and reading it
(jwks.parse_jwks: what it must look like, and what it may get away with: duplicate
members, as json.loads and the identity providers' own clients allow)."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time

import pytest
from authz_fixtures import JwksServer, SigningKey

from authorizer.jwks import JwksUnavailable, _check_url, fetch_jwks, parse_jwks


@pytest.mark.parametrize(
    "url",
    [
        "https://issuer.test/jwks",
        "HTTPS://issuer.test/jwks",
        "http://127.0.0.1:8080/jwks",
        "http://localhost/jwks",
        "http://[::1]/jwks",
    ],
)
def test_https_and_loopback_http_urls_may_be_fetched(url: str) -> None:
    assert _check_url(url) is None


@pytest.mark.parametrize("url", ["http://issuer.test/jwks", "https:///jwks", "ftp://127.0.0.1/"])
def test_other_urls_are_refused_with_the_rule(url: str) -> None:
    with pytest.raises(
        JwksUnavailable, match=r"^JWKS URL must be https \(http only for loopback\)$"
    ):
        _check_url(url)


def test_the_document_is_requested_as_json(jwks_server: JwksServer, rsa_key: SigningKey) -> None:
    assert rsa_key.kid in fetch_jwks(jwks_server.url, 2)
    assert jwks_server.accept == "application/json"


def test_a_duplicate_member_is_tolerated_and_the_last_one_wins(rsa_key: SigningKey) -> None:
    jwk = json.dumps(rsa_key.jwk())
    body = f'{{"keys": [], "keys": [{jwk}]}}'.encode()
    assert list(parse_jwks(body)) == [rsa_key.kid]


@pytest.mark.parametrize("body", [b"{", b'{"keys": [1e999]}', b"\xff"])
def test_a_document_that_is_not_acceptable_json_is_refused(body: bytes) -> None:
    with pytest.raises(JwksUnavailable, match=r"^JWKS document is not acceptable JSON: "):
        parse_jwks(body)


@pytest.mark.parametrize("body", [b"[]", b'[{"keys": []}]', b'"keys"', b"{}", b'{"keys": {}}'])
def test_a_document_without_a_keys_array_is_refused(body: bytes) -> None:
    with pytest.raises(JwksUnavailable, match=r"^JWKS document has no keys array$"):
        parse_jwks(body)


def _doc(*entries: object) -> bytes:
    return json.dumps({"keys": list(entries)}).encode()


def test_entries_that_are_not_objects_are_skipped(rsa_key: SigningKey) -> None:
    assert list(parse_jwks(_doc(1, "k", None, [], rsa_key.jwk()))) == [rsa_key.kid]


def test_an_unusable_key_is_skipped_and_logged(
    rsa_key: SigningKey, caplog: pytest.LogCaptureFixture
) -> None:
    bad = {**rsa_key.jwk(), "kid": "hmac", "kty": "oct"}
    with caplog.at_level(logging.WARNING, logger="authorizer.jwks"):
        keys = parse_jwks(_doc(bad, rsa_key.jwk()))
    assert list(keys) == [rsa_key.kid]
    assert [r.getMessage() for r in caplog.records] == [
        "skipping unusable JWK: unsupported JWK kty 'oct'"
    ]


def test_only_the_first_100_entries_are_read(rsa_key: SigningKey) -> None:
    first = [{**rsa_key.jwk(), "kid": f"k{i}"} for i in range(100)]
    keys = parse_jwks(_doc(*first, {**rsa_key.jwk(), "kid": "k100"}))
    assert len(keys) == 100 and "k99" in keys and "k100" not in keys


def test_a_later_key_with_the_same_kid_replaces_an_earlier_one(
    rsa_key: SigningKey, ec_key: SigningKey
) -> None:
    keys = parse_jwks(_doc({**rsa_key.jwk(), "kid": "same"}, {**ec_key.jwk(), "kid": "same"}))
    assert keys["same"].alg == "ES256"


@pytest.mark.parametrize("status", [201, 203, 204])
def test_a_success_status_other_than_200_is_refused(jwks_server: JwksServer, status: int) -> None:
    jwks_server.status = status
    with pytest.raises(JwksUnavailable, match=f"^JWKS endpoint answered {status}$"):
        fetch_jwks(jwks_server.url, 2)


def test_an_endpoint_that_never_answers_fails_within_the_timeout() -> None:
    # The listener accepts connections (the kernel completes them) but never answers; it
    # closes after 3 s, so a fetch that ignored its timeout would end then, too late.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    closer = threading.Timer(3.0, listener.close)
    closer.start()
    try:
        start = time.monotonic()
        with pytest.raises(JwksUnavailable, match=r"^JWKS fetch failed: "):
            fetch_jwks(f"http://127.0.0.1:{listener.getsockname()[1]}/jwks", 0.3)
        assert time.monotonic() - start < 2.0
    finally:
        closer.cancel()
        listener.close()


def test_a_failed_fetch_names_the_error(jwks_server: JwksServer) -> None:
    jwks_server.drop = True  # the connection closes without a response
    with pytest.raises(JwksUnavailable, match=r"^JWKS fetch failed: RemoteDisconnected$"):
        fetch_jwks(jwks_server.url, 2)


def test_a_document_over_256_kib_is_refused_as_too_large(jwks_server: JwksServer) -> None:
    jwks_server.body = b" " * (256 * 1024 + 1)
    with pytest.raises(JwksUnavailable, match=r"^JWKS document too large$"):
        fetch_jwks(jwks_server.url, 2)
