"""RS256 and ES256 verification in plain Python against signatures made by `cryptography`."""

from __future__ import annotations

import hashlib

import pytest
from authz_fixtures import SigningKey, int_b64u
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authorizer import signatures as sig
from authorizer.jose import Jwk, parse_jwk
from authorizer.signatures import InvalidKey


def _pub(key: SigningKey) -> Jwk:
    return parse_jwk(key.jwk())


def test_rs256_accepts_a_valid_signature(rsa_key: SigningKey) -> None:
    msg = b"header.payload"
    assert sig.rsa_pkcs1v15_sha256_verify(_pub(rsa_key).key, msg, rsa_key.sign(msg))


def test_es256_accepts_a_valid_signature(ec_key: SigningKey) -> None:
    msg = b"header.payload"
    assert sig.ecdsa_p256_sha256_verify(_pub(ec_key).key, msg, ec_key.sign(msg))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(msg=st.binary(max_size=200), flip=st.integers(min_value=0, max_value=10_000))
def test_any_single_bit_flip_is_rejected(
    rsa_key: SigningKey, ec_key: SigningKey, msg: bytes, flip: int
) -> None:
    for key, verify in (
        (rsa_key, sig.rsa_pkcs1v15_sha256_verify),
        (ec_key, sig.ecdsa_p256_sha256_verify),
    ):
        signature = bytearray(key.sign(msg))
        assert verify(_pub(key).key, msg, bytes(signature))
        pos = flip % (len(signature) * 8)
        signature[pos // 8] ^= 1 << (pos % 8)
        assert not verify(_pub(key).key, msg, bytes(signature))
        assert not verify(_pub(key).key, msg + b"x", key.sign(msg))


def test_rs256_rejects_wrong_length_and_out_of_range_signatures(rsa_key: SigningKey) -> None:
    pub = _pub(rsa_key).key
    good = rsa_key.sign(b"m")
    assert not sig.rsa_pkcs1v15_sha256_verify(pub, b"m", good[1:])
    assert not sig.rsa_pkcs1v15_sha256_verify(pub, b"m", b"\x00" + good)
    assert not sig.rsa_pkcs1v15_sha256_verify(pub, b"m", pub.n.to_bytes(pub.k, "big"))


def test_rs256_rejects_encoded_message_with_other_digest_info(rsa_key: SigningKey) -> None:
    """A signature over a SHA-1 DigestInfo (valid PKCS#1 structure) must not pass as SHA-256."""
    priv = rsa_key.private.private_numbers()
    pub = _pub(rsa_key).key
    sha1_info = bytes.fromhex("3021300906052b0e03021a05000414") + hashlib.sha1(b"m").digest()  # noqa: S324
    em = b"\x00\x01" + b"\xff" * (pub.k - len(sha1_info) - 3) + b"\x00" + sha1_info
    forged = pow(int.from_bytes(em, "big"), priv.d, pub.n).to_bytes(pub.k, "big")
    assert not sig.rsa_pkcs1v15_sha256_verify(pub, b"m", forged)


def test_rs256_rejects_garbage_after_the_digest(rsa_key: SigningKey) -> None:
    """Short padding plus trailing bytes (the classic lenient-parser forgery shape) fails."""
    priv = rsa_key.private.private_numbers()
    pub = _pub(rsa_key).key
    t = sig._SHA256_DIGEST_INFO + hashlib.sha256(b"m").digest()
    em = b"\x00\x01" + b"\xff" * 8 + b"\x00" + t
    em += b"\x00" * (pub.k - len(em))
    forged = pow(int.from_bytes(em, "big"), priv.d, pub.n).to_bytes(pub.k, "big")
    assert not sig.rsa_pkcs1v15_sha256_verify(pub, b"m", forged)


def test_small_rsa_modulus_is_refused() -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505
    small = private.public_key().public_numbers()
    with pytest.raises(InvalidKey, match="outside"):
        parse_jwk({"kty": "RSA", "kid": "k", "n": int_b64u(small.n), "e": int_b64u(small.e)})


def test_es256_rejects_zero_and_out_of_range_scalars(ec_key: SigningKey) -> None:
    pub = _pub(ec_key).key
    good = ec_key.sign(b"m")
    r, s = good[:32], good[32:]
    zero = b"\x00" * 32
    n_bytes = sig.N.to_bytes(32, "big")
    for bad in (zero + s, r + zero, n_bytes + s, r + n_bytes, good[:63], good + b"\x00"):
        assert not sig.ecdsa_p256_sha256_verify(pub, b"m", bad)


def test_es256_high_s_twin_verifies_only_for_the_signed_message(
    ec_key: SigningKey,
) -> None:
    """(r, n-s) is mathematically valid ECDSA; the check must still be consistent with (r, s)."""
    pub = _pub(ec_key).key
    good = ec_key.sign(b"m")
    r = int.from_bytes(good[:32], "big")
    s = int.from_bytes(good[32:], "big")
    other = r.to_bytes(32, "big") + (sig.N - s).to_bytes(32, "big")
    assert sig.ecdsa_p256_sha256_verify(pub, b"m", other)  # ECDSA property, as in every verifier
    assert not sig.ecdsa_p256_sha256_verify(pub, b"n", other)


def test_off_curve_point_is_refused(ec_key: SigningKey) -> None:
    jwk = ec_key.jwk()
    y = int.from_bytes(__import__("base64").urlsafe_b64decode(jwk["y"] + "=="), "big")
    jwk["y"] = int_b64u((y + 1) % sig.P, 32)
    with pytest.raises(InvalidKey, match="not on the P-256 curve"):
        parse_jwk(jwk)


def test_jwk_key_type_and_declared_alg_must_agree(rsa_key: SigningKey, ec_key: SigningKey) -> None:
    with pytest.raises(InvalidKey, match="does not match"):
        parse_jwk({**rsa_key.jwk(), "alg": "HS256"})
    with pytest.raises(InvalidKey, match="P-256"):
        parse_jwk({**ec_key.jwk(), "crv": "P-384"})
    with pytest.raises(InvalidKey, match="kty"):
        parse_jwk({"kty": "oct", "kid": "k", "k": "c2VjcmV0"})
    with pytest.raises(InvalidKey, match="signature key"):
        parse_jwk({**rsa_key.jwk(), "use": "enc"})
