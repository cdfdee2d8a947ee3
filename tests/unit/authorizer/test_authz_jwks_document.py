"""jwks.parse_jwks: what a JWKS document must look like, and what it may get away with
(duplicate members, as json.loads and the identity providers' own clients allow)."""

from __future__ import annotations

import json

import pytest
from authz_fixtures import SigningKey

from authorizer.jwks import JwksUnavailable, parse_jwks


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
