"""Key material and signature checks with their exact reasons: EC public key coordinates
(signatures.EcPublicKey), the JWS algorithm/key match and a bad signature
(jose.verify_signature), the longest aigw key (apikeys.parse_key), and the JWKS cache's
negative-cache reason and fetch count."""

from __future__ import annotations

import pytest
from authz_fixtures import SigningKey, b64u, make_token
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from authorizer import apikeys
from authorizer.jose import TokenInvalid, decode_unverified, parse_jwk, verify_signature
from authorizer.jwks import JwksCache, JwksUnavailable
from authorizer.signatures import EcPublicKey, InvalidKey, RsaPublicKey

# The P-256 field prime (FIPS 186-4, D.1.2.3), written out rather than imported.
P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
ALGS = frozenset({"RS256", "ES256"})


@pytest.mark.parametrize(("x", "y"), [(P, 0), (0, P), (-1, 0), (0, -1), (P + 1, 1)])
def test_ec_coordinates_outside_the_field_are_refused(x: int, y: int) -> None:
    with pytest.raises(InvalidKey, match=r"^EC coordinates out of range$"):
        EcPublicKey(x, y)


@pytest.mark.parametrize(("x", "y"), [(0, 0), (1, 1), (P - 1, P - 1)])
def test_field_elements_off_the_curve_are_refused(x: int, y: int) -> None:
    with pytest.raises(InvalidKey, match=r"^EC point is not on the P-256 curve$"):
        EcPublicKey(x, y)


def test_an_es256_token_checked_with_an_rsa_key_is_refused(
    rsa_key: SigningKey, ec_key: SigningKey
) -> None:
    token = decode_unverified(make_token(ec_key, {"sub": "x"}), ALGS)
    with pytest.raises(TokenInvalid, match=r"^token algorithm does not match the key$"):
        verify_signature(token, parse_jwk(rsa_key.jwk()))


@pytest.mark.parametrize("which", ["rsa", "ec"])
def test_a_signature_by_another_key_is_a_bad_signature(
    which: str, rsa_key: SigningKey, ec_key: SigningKey
) -> None:
    key = rsa_key if which == "rsa" else ec_key
    token = decode_unverified(make_token(key, {"sub": "x"}), ALGS)
    other = SigningKey(key.kid, key.alg, _fresh(key))  # same kid and kind, another key
    with pytest.raises(TokenInvalid, match=r"^bad signature$"):
        verify_signature(token, parse_jwk(other.jwk()))


def _fresh(key: SigningKey) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    """A new private key of the same kind as ``key``."""
    if key.alg == "RS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def test_the_longest_aigw_key_is_read() -> None:
    key = "aigw-" + "s" * 16 + "-" + "K" * 16 + "-" + "S" * 43
    assert len(key) == apikeys.MAX_KEY_LENGTH == 82
    assert apikeys.parse_key(key) == apikeys.ParsedKey("s" * 16, "K" * 16, "S" * 43)


def _down(url: str, timeout: float) -> dict:
    raise JwksUnavailable("JWKS endpoint answered 503")


def test_a_remembered_failure_names_the_window() -> None:
    cache = JwksCache(fetcher=_down, failure_cache_seconds=30, clock=lambda: 100.0)
    with pytest.raises(JwksUnavailable, match=r"^JWKS endpoint answered 503$"):
        cache.get_key("https://i/jwks", "k1")
    with pytest.raises(
        JwksUnavailable, match=r"^JWKS endpoint answered 503 \(not retried for 30 s\)$"
    ):
        cache.get_key("https://i/jwks", "k1")


def test_each_fetch_is_counted_once() -> None:
    cache = JwksCache(fetcher=lambda url, timeout: {}, clock=lambda: 100.0)
    cache.get_key("https://i/jwks", "k1")
    cache.get_key("https://j/jwks", "k1")
    assert cache.fetches == 2


def test_an_even_rsa_modulus_is_refused() -> None:
    with pytest.raises(InvalidKey, match=r"^RSA modulus is even$"):
        RsaPublicKey((1 << 2047) + 2, 65537)


@pytest.mark.parametrize("e", [1, 2, 65536, (1 << 2047) + 3])
def test_an_rsa_exponent_that_is_small_even_or_not_below_n_is_refused(e: int) -> None:
    with pytest.raises(InvalidKey, match=r"^RSA public exponent is invalid$"):
        RsaPublicKey((1 << 2047) + 1, e)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"kid": None}, "JWK without kid"),
        ({"kid": ""}, "JWK without kid"),
        ({"kid": 5}, "JWK without kid"),
        ({"use": "enc"}, "JWK is not a signature key"),
        ({"n": None}, "JWK member n missing"),
        ({"n": 5}, "JWK member n missing"),
        ({"n": ""}, "JWK member n missing"),
        ({"n": "a+b/"}, "JWK member n is not base64url"),
        ({"e": None}, "JWK member e missing"),
    ],
)
def test_an_unusable_rsa_jwk_is_refused_by_its_reason(
    rsa_key: SigningKey, change: dict, reason: str
) -> None:
    jwk = {k: v for k, v in {**rsa_key.jwk(), **change}.items() if v is not None}
    with pytest.raises(InvalidKey) as err:
        parse_jwk(jwk)
    assert str(err.value) == reason


@pytest.mark.parametrize(("member", "size"), [("x", 31), ("y", 33)])
def test_ec_coordinates_must_be_32_bytes(ec_key: SigningKey, member: str, size: int) -> None:
    jwk = {**ec_key.jwk(), member: b64u(b"\x01" * size)}
    with pytest.raises(InvalidKey) as err:
        parse_jwk(jwk)
    assert str(err.value) == f"JWK member {member} must be 32 bytes"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"crv": "P-384"}, "EC JWK must use P-256"),
        ({"crv": None}, "EC JWK must use P-256"),
        ({"kty": "OKP"}, "unsupported JWK kty 'OKP'"),
        ({"alg": "RS256"}, "JWK alg 'RS256' does not match its key type"),
    ],
)
def test_an_unusable_ec_jwk_is_refused_by_its_reason(
    ec_key: SigningKey, change: dict, reason: str
) -> None:
    jwk = {k: v for k, v in {**ec_key.jwk(), **change}.items() if v is not None}
    with pytest.raises(InvalidKey) as err:
        parse_jwk(jwk)
    assert str(err.value) == reason
