"""Each rule docs/identity.md states for the authorizer, with a test that fails if the
rule is dropped: a control that is allowed next to the case that differs only in the
rule (leeway boundaries on both sides, sizes at and just past their caps)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from authz_fixtures import (
    AUDIENCE,
    ISSUER,
    NOW,
    STAGE,
    FakeClock,
    FakeFetcher,
    JwksServer,
    MemoryStore,
    SigningKey,
    bearer_outcome,
    fake_authorizer,
    fixed_claims,
    make_token,
    raw_token,
)

from authorizer import apikeys, signatures
from authorizer.config import Config, Issuer
from authorizer.core import Authorizer, jwks_cache_for
from authorizer.jose import parse_jwk
from authorizer.jwks import JwksUnavailable, fetch_jwks
from authorizer.signatures import EcPublicKey, InvalidKey, RsaPublicKey

LEEWAY = 30


def _authz(store: MemoryStore, *keys: SigningKey, leeway: float = LEEWAY, **cfg: Any) -> Authorizer:
    return fake_authorizer(store, FakeFetcher(*keys), FakeClock(NOW), leeway=leeway, **cfg)


def _jwt(key: SigningKey, header: dict[str, Any] | None = None, **claims: Any) -> str:
    return make_token(key, fixed_claims(**claims), header)


# ------------------------------------------------ exp, nbf, iat and the leeway
# "exp and iat required, nbf optional, all numeric, with AIGW_JWT_LEEWAY_SECONDS of
# leeway": valid while now < exp + leeway (RFC 7519 4.1.4), from now + leeway >= nbf
# (4.1.5), refused when iat > now + leeway.


@pytest.mark.parametrize(
    ("leeway", "claims", "expected"),
    [
        (LEEWAY, {"exp": NOW - LEEWAY + 1}, "allow"),  # just inside the skew
        (LEEWAY, {"exp": NOW - LEEWAY + 0.5}, "allow"),
        (LEEWAY, {"exp": NOW - LEEWAY}, "unauthorized"),  # exactly at: no longer before exp
        (LEEWAY, {"exp": NOW - LEEWAY - 0.5}, "unauthorized"),
        (LEEWAY, {"exp": NOW - LEEWAY - 1}, "unauthorized"),  # just outside
        (0, {"exp": NOW + 1}, "allow"),
        (0, {"exp": NOW}, "unauthorized"),  # RFC 7519: the current time MUST be before exp
        (LEEWAY, {"nbf": NOW + LEEWAY - 1}, "allow"),
        (LEEWAY, {"nbf": NOW + LEEWAY}, "allow"),  # exactly at: on or after nbf
        (LEEWAY, {"nbf": NOW + LEEWAY + 0.5}, "unauthorized"),
        (LEEWAY, {"nbf": NOW + LEEWAY + 1}, "unauthorized"),
        (0, {"nbf": NOW}, "allow"),
        (0, {"nbf": NOW + 1}, "unauthorized"),
        (LEEWAY, {"iat": NOW + LEEWAY}, "allow"),
        (LEEWAY, {"iat": NOW + LEEWAY + 1}, "unauthorized"),  # issued in the future
        (0, {"iat": NOW}, "allow"),
        (0, {"iat": NOW + 1}, "unauthorized"),
        (LEEWAY, {"iat": None}, "unauthorized"),  # iat is required
        (LEEWAY, {"exp": None}, "unauthorized"),  # exp is required
        (LEEWAY, {"nbf": None}, "allow"),  # nbf is optional
        (LEEWAY, {"iat": str(NOW)}, "unauthorized"),  # numeric
        (LEEWAY, {"nbf": str(NOW)}, "unauthorized"),
    ],
)
def test_time_claims_and_leeway(
    store: MemoryStore, rsa_key: SigningKey, leeway: float, claims: dict, expected: str
) -> None:
    assert bearer_outcome(_authz(store, rsa_key, leeway=leeway), _jwt(rsa_key, **claims)) == (
        expected
    )


# ------------------------------------------------------------- iss and aud


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({}, "allow"),
        ({"iss": ISSUER + "/"}, "unauthorized"),  # exactly equal, no normalisation
        ({"iss": ISSUER.upper()}, "unauthorized"),
        ({"iss": None}, "unauthorized"),
        ({"aud": [AUDIENCE]}, "allow"),
        ({"aud": ["x", AUDIENCE]}, "allow"),
        ({"aud": "x" + AUDIENCE}, "unauthorized"),
        ({"aud": AUDIENCE[:-1]}, "unauthorized"),
        ({"aud": [[AUDIENCE]]}, "unauthorized"),
        ({"aud": {AUDIENCE: True}}, "unauthorized"),
        ({"aud": None}, "unauthorized"),
    ],
)
def test_issuer_and_audience(
    store: MemoryStore, rsa_key: SigningKey, claims: dict, expected: str
) -> None:
    assert bearer_outcome(_authz(store, rsa_key), _jwt(rsa_key, **claims)) == expected


def test_audience_claim_client_id_replaces_aud(store: MemoryStore, rsa_key: SigningKey) -> None:
    """With audience_claim = client_id, aud no longer counts (Cognito access tokens)."""
    fetcher, clock = FakeFetcher(rsa_key), FakeClock(NOW)
    cfg = Config(
        stage=STAGE,
        tenants_table="t",
        keys_table="k",
        issuers=(Issuer(ISSUER, "https://issuer.test/jwks", frozenset({AUDIENCE}), "client_id"),),
        leeway_seconds=LEEWAY,
    )
    authz = Authorizer(cfg, store, jwks_cache_for(cfg, fetcher=fetcher, clock=clock), clock=clock)
    assert bearer_outcome(authz, _jwt(rsa_key, aud=None, client_id=AUDIENCE)) == "allow"
    assert bearer_outcome(authz, _jwt(rsa_key, aud=AUDIENCE)) == "unauthorized"


def test_each_issuer_is_verified_with_its_own_jwks(
    store: MemoryStore, rsa_key: SigningKey, ec_key: SigningKey
) -> None:
    """Keys come only from the JWKS URL configured for the token's issuer."""
    other = "https://other.test/realm"
    by_url = {"https://issuer.test/jwks": [rsa_key], "https://other.test/jwks": [ec_key]}

    def fetcher(url: str, timeout: float) -> dict:
        return {k.kid: parse_jwk(k.jwk()) for k in by_url[url]}

    clock = FakeClock(NOW)
    cfg = Config(
        stage=STAGE,
        tenants_table="t",
        keys_table="k",
        issuers=(
            Issuer(ISSUER, "https://issuer.test/jwks", frozenset({AUDIENCE})),
            Issuer(other, "https://other.test/jwks", frozenset({AUDIENCE})),
        ),
        leeway_seconds=LEEWAY,
    )
    authz = Authorizer(cfg, store, jwks_cache_for(cfg, fetcher=fetcher, clock=clock), clock=clock)
    assert bearer_outcome(authz, _jwt(ec_key, iss=other)) == "allow"
    assert bearer_outcome(authz, _jwt(rsa_key, iss=ISSUER)) == "allow"
    assert bearer_outcome(authz, _jwt(rsa_key, iss=other)) == "unauthorized"  # kid not at other
    assert bearer_outcome(authz, _jwt(ec_key, iss=ISSUER)) == "unauthorized"


# ----------------------------------------------------------------- the header


def test_alg_must_be_in_the_configured_algorithms(
    store: MemoryStore, rsa_key: SigningKey, ec_key: SigningKey
) -> None:
    authz = _authz(store, rsa_key, ec_key, algorithms=frozenset({"ES256"}))
    assert bearer_outcome(authz, _jwt(ec_key)) == "allow"
    assert bearer_outcome(authz, _jwt(rsa_key)) == "unauthorized"


def test_alg_must_match_the_type_of_the_key_named_by_kid(
    store: MemoryStore, rsa_key: SigningKey, ec_key: SigningKey
) -> None:
    """An RS256 signature by the RSA key, but the header claims ES256: refused even
    though the signature itself is good for that key."""
    authz = _authz(store, rsa_key, ec_key)
    assert bearer_outcome(authz, _jwt(rsa_key, {"alg": "RS256", "kid": rsa_key.kid})) == "allow"
    assert bearer_outcome(authz, _jwt(rsa_key, {"alg": "ES256", "kid": rsa_key.kid})) == (
        "unauthorized"
    )


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, "allow"),
        ({"jku": "https://issuer.test/jwks"}, "unauthorized"),
        ({"x5u": "https://issuer.test/cert.pem"}, "unauthorized"),
        ({"jwk": {"kty": "RSA"}}, "unauthorized"),
        ({"x5c": ["MIIB"]}, "unauthorized"),
        ({"crit": ["exp"]}, "unauthorized"),
        ({"crit": None}, "unauthorized"),  # present at all
        ({"typ": "JWT"}, "allow"),
        ({"typ": "jwt"}, "allow"),
        ({"typ": "at+jwt"}, "allow"),
        ({"typ": "application/at+JWT"}, "allow"),
        ({"typ": "JWS"}, "unauthorized"),
        ({"typ": "JOSE+JSON"}, "unauthorized"),
        ({"typ": 1}, "unauthorized"),
        ({"cty": "anything"}, "allow"),  # unknown members are ignored
    ],
)
def test_header_members(
    store: MemoryStore, rsa_key: SigningKey, extra: dict, expected: str
) -> None:
    header = {"alg": "RS256", "kid": rsa_key.kid, **extra}
    assert bearer_outcome(_authz(store, rsa_key), _jwt(rsa_key, header)) == expected


def test_kid_is_required(store: MemoryStore, rsa_key: SigningKey) -> None:
    assert bearer_outcome(_authz(store, rsa_key), _jwt(rsa_key, {"alg": "RS256"})) == (
        "unauthorized"
    )


def test_duplicate_header_members_are_refused(store: MemoryStore, rsa_key: SigningKey) -> None:
    header = f'{{"alg": "RS256", "kid": "other", "kid": "{rsa_key.kid}"}}'
    token = raw_token(rsa_key, header, json.dumps(fixed_claims()))
    assert bearer_outcome(_authz(store, rsa_key), token) == "unauthorized"


@pytest.mark.parametrize("payload", ["[1]", '"claims"', "null", "3"])
def test_the_payload_must_be_a_json_object(
    store: MemoryStore, rsa_key: SigningKey, payload: str
) -> None:
    token = raw_token(rsa_key, json.dumps({"alg": "RS256", "kid": rsa_key.kid}), payload)
    assert bearer_outcome(_authz(store, rsa_key), token) == "unauthorized"


# ------------------------------------------------------------- encoding and size


def test_segments_must_be_canonical_base64url(store: MemoryStore, rsa_key: SigningKey) -> None:
    """The same signature bytes, spelled with non-zero trailing bits: refused."""
    token = _jwt(rsa_key)
    head, sig = token.rsplit(".", 1)
    assert len(sig) % 4 == 2  # 256 bytes: the last character carries 4 unused bits
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(sig[-1])
    twin = sig[:-1] + alphabet[last | 0b0001]
    assert twin != sig
    authz = _authz(store, rsa_key)
    assert bearer_outcome(authz, token) == "allow"
    assert bearer_outcome(authz, f"{head}.{twin}") == "unauthorized"
    assert bearer_outcome(authz, f"{head}.{sig}=") == "unauthorized"  # padded


def test_header_segment_cap_is_1_kib(store: MemoryStore, rsa_key: SigningKey) -> None:
    def header_of(json_bytes: int) -> str:
        base = {"alg": "RS256", "kid": rsa_key.kid, "x": ""}
        pad = json_bytes - len(json.dumps(base))
        return json.dumps({**base, "x": "p" * pad})

    payload = json.dumps(fixed_claims())
    authz = _authz(store, rsa_key)
    at_cap = raw_token(rsa_key, header_of(768), payload)  # 768 bytes -> 1024 characters
    over = raw_token(rsa_key, header_of(769), payload)
    assert len(at_cap.split(".")[0]) == 1024 and len(over.split(".")[0]) == 1026
    assert bearer_outcome(authz, at_cap) == "allow"
    assert bearer_outcome(authz, over) == "unauthorized"


def test_token_cap_is_8_kib(store: MemoryStore, rsa_key: SigningKey) -> None:
    authz = _authz(store, rsa_key)
    tokens = [_jwt(rsa_key, pad="p" * n) for n in range(5600, 5700)]
    under = max((t for t in tokens if len(t) <= 8192), key=len)
    over = min((t for t in tokens if len(t) > 8192), key=len)
    assert len(under) >= 8190 and len(over) <= 8194
    assert bearer_outcome(authz, under) == "allow"
    assert bearer_outcome(authz, over) == "unauthorized"


# ---------------------------------------------------------------------- keys


def _odd_number_of_bits(bits: int) -> int:
    return (1 << (bits - 1)) | 0x10001  # top bit set, odd


@pytest.mark.parametrize(
    ("bits", "e", "ok"),
    [
        (2048, 65537, True),
        (8192, 65537, True),
        (2047, 65537, False),
        (8193, 65537, False),
        (2048, 3, True),
        (2048, 1, False),
        (2048, 2, False),
        (2048, 65536, False),
    ],
)
def test_rsa_key_bounds(bits: int, e: int, ok: bool) -> None:
    n = _odd_number_of_bits(bits)
    if ok:
        assert RsaPublicKey(n, e).n == n
    else:
        with pytest.raises(InvalidKey):
            RsaPublicKey(n, e)


def test_rsa_exponent_below_the_modulus_and_modulus_odd() -> None:
    n = _odd_number_of_bits(2048)
    with pytest.raises(InvalidKey):
        RsaPublicKey(n, n)
    with pytest.raises(InvalidKey):
        RsaPublicKey(n + 1, 65537)


def test_ec_coordinates_must_be_field_elements() -> None:
    with pytest.raises(InvalidKey):
        EcPublicKey(signatures.GX + signatures.P, signatures.GY)
    assert EcPublicKey(signatures.GX, signatures.GY).x == signatures.GX


# ---------------------------------------------------------------------- JWKS


@pytest.mark.parametrize(
    "url",
    ["http://issuer.test/jwks", "ftp://issuer.test/jwks", "https:///jwks", "file:///etc/passwd"],
)
def test_jwks_only_over_https_or_loopback_http(url: str) -> None:
    with pytest.raises(JwksUnavailable, match="https"):
        fetch_jwks(url, 1)


def test_jwks_document_cap_is_256_kib(jwks_server: JwksServer, rsa_key: SigningKey) -> None:
    doc = json.dumps({"keys": [rsa_key.jwk()], "pad": ""})
    jwks_server.body = json.dumps(
        {"keys": [rsa_key.jwk()], "pad": "p" * (256 * 1024 - len(doc))}
    ).encode()
    assert len(jwks_server.body) == 256 * 1024
    assert set(fetch_jwks(jwks_server.url, 2)) == {rsa_key.kid}
    jwks_server.body = jwks_server.body[:-2] + b'p"}'
    with pytest.raises(JwksUnavailable, match="too large"):
        fetch_jwks(jwks_server.url, 2)


def test_jwks_is_refetched_when_its_lifetime_ends(store: MemoryStore, rsa_key: SigningKey) -> None:
    fetcher, clock = FakeFetcher(rsa_key), FakeClock(NOW)
    authz = fake_authorizer(store, fetcher, clock, jwks_cache_seconds=300)
    assert bearer_outcome(authz, _jwt(rsa_key)) == "allow"
    clock.now = NOW + 299
    assert bearer_outcome(authz, _jwt(rsa_key, iat=NOW + 299)) == "allow"
    assert fetcher.calls == 1
    clock.now = NOW + 300
    assert bearer_outcome(authz, _jwt(rsa_key, iat=NOW + 300)) == "allow"
    assert fetcher.calls == 2


def test_unknown_kid_refetches_at_most_once_per_30_seconds(
    store: MemoryStore, rsa_key: SigningKey, ec_key: SigningKey
) -> None:
    fetcher, clock = FakeFetcher(rsa_key), FakeClock(NOW)
    authz = fake_authorizer(store, fetcher, clock)
    assert bearer_outcome(authz, _jwt(rsa_key)) == "allow"
    fetcher.keys.append(ec_key)
    clock.now = NOW + 29
    assert bearer_outcome(authz, _jwt(ec_key, iat=NOW)) == "unauthorized"
    assert fetcher.calls == 1
    clock.now = NOW + 30
    assert bearer_outcome(authz, _jwt(ec_key, iat=NOW)) == "allow"
    assert fetcher.calls == 2


# ------------------------------------------------------------------ aigw keys


def _key_outcome(store: MemoryStore, key: str, now: float = NOW) -> str:
    authz = fake_authorizer(store, FakeFetcher(), FakeClock(now))
    return bearer_outcome(authz, key)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("active", "allow"),
        ("revoked", "unauthorized"),
        ("suspended", "unauthorized"),
        ("", "unauthorized"),
    ],
)
def test_only_active_keys_are_accepted(store: MemoryStore, status: str, expected: str) -> None:
    assert _key_outcome(store, store.issue_key(status=status)) == expected


def test_key_expiry_is_exclusive(store: MemoryStore) -> None:
    """A rotated key works until expires_at, not at it."""
    assert _key_outcome(store, store.issue_key(expires_at=NOW + 1)) == "allow"
    assert _key_outcome(store, store.issue_key(expires_at=NOW)) == "unauthorized"


def test_key_hash_algorithm_must_be_the_current_one(store: MemoryStore) -> None:
    key = store.issue_key()
    key_id = key.split("-")[2]
    record = store.keys[key_id]
    store.keys[key_id] = dataclasses.replace(record, hash_alg="sha256-v0")
    assert record.hash_alg == apikeys.HASH_ALG
    assert _key_outcome(store, key) == "unauthorized"


@pytest.mark.parametrize(
    ("status", "expected"), [("active", "allow"), ("disabled", "deny"), ("pending", "deny")]
)
def test_only_active_tenants_are_allowed(
    store: MemoryStore, rsa_key: SigningKey, status: str, expected: str
) -> None:
    store.add_tenant("acme", status=status)
    assert _key_outcome(store, store.issue_key()) == expected
    authz = _authz(store, rsa_key)
    assert bearer_outcome(authz, _jwt(rsa_key)) == expected


def test_both_layers_enforce_the_8_kib_cap(rsa_key: SigningKey) -> None:
    """The credential extractor and the JWS parser each refuse 8193 characters on their
    own, so neither check depends on the other staying in place."""
    from authorizer.core import extract_credential
    from authorizer.jose import TokenInvalid, decode_unverified

    token = _jwt(rsa_key, pad="p" * 6000)
    assert len(token) > 8192
    assert extract_credential({"authorization": f"Bearer {token[:8192]}"})[0] == token[:8192]
    assert extract_credential({"authorization": f"Bearer {token[:8193]}"}) == (
        None,
        "credential too large",
    )
    with pytest.raises(TokenInvalid, match="too large"):
        decode_unverified(token[:8193], frozenset({"RS256"}))
    with pytest.raises(TokenInvalid) as info:
        decode_unverified(token[:8192], frozenset({"RS256"}))
    assert "too large" not in str(info.value)  # refused later, for its cut signature
