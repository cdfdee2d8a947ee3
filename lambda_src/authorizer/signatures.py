"""Signature verification for RS256 and ES256 in plain Python.

The authorizer only ever *verifies* signatures with public keys, so no secret material
is handled here and timing side channels on the key are not a concern. Verification is
strict: the RSA encoded message must equal the one expected byte for byte (no parsing
of the DigestInfo), ECDSA scalars must lie in ``[1, n-1]`` and public points must be
on the curve.
"""

from __future__ import annotations

import hashlib
import hmac

# DER prefix of DigestInfo for SHA-256 (RFC 8017, section 9.2, note 1).
_SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")

MIN_RSA_BITS = 2048
MAX_RSA_BITS = 8192


class InvalidKey(ValueError):
    """A public key is malformed or unacceptable (too small, off-curve, ...)."""


# --------------------------------------------------------------------------- RSA


class RsaPublicKey:
    __slots__ = ("e", "k", "n")

    def __init__(self, n: int, e: int) -> None:
        bits = n.bit_length()
        if bits < MIN_RSA_BITS or bits > MAX_RSA_BITS:
            raise InvalidKey(
                f"RSA modulus of {bits} bits is outside {MIN_RSA_BITS}..{MAX_RSA_BITS}"
            )
        if n % 2 == 0:
            raise InvalidKey("RSA modulus is even")
        if e < 3 or e % 2 == 0 or e >= n:
            raise InvalidKey("RSA public exponent is invalid")
        self.n = n
        self.e = e
        self.k = (bits + 7) // 8


def rsa_pkcs1v15_sha256_verify(key: RsaPublicKey, message: bytes, signature: bytes) -> bool:
    """RSASSA-PKCS1-v1_5 verification with SHA-256 (RFC 8017, section 8.2.2)."""
    if len(signature) != key.k:
        return False
    s = int.from_bytes(signature, "big")
    if s >= key.n:
        return False
    m = pow(s, key.e, key.n)
    em = m.to_bytes(key.k, "big")
    t = _SHA256_DIGEST_INFO + hashlib.sha256(message).digest()
    pad_len = key.k - len(t) - 3
    if pad_len < 8:
        return False
    expected = b"\x00\x01" + b"\xff" * pad_len + b"\x00" + t
    return hmac.compare_digest(em, expected)


# ------------------------------------------------------------------ ECDSA P-256

# NIST P-256 domain parameters (FIPS 186-4, D.1.2.3).
P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
A = P - 3
B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
GX = 0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296
GY = 0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5

# Jacobian point (X, Y, Z) representing affine (X/Z^2, Y/Z^3); Z == 0 is infinity.
_INF = (1, 1, 0)


def _on_curve(x: int, y: int) -> bool:
    return (y * y - (x * x * x + A * x + B)) % P == 0


def _jdouble(pt: tuple[int, int, int]) -> tuple[int, int, int]:
    x1, y1, z1 = pt
    if z1 == 0 or y1 == 0:
        return _INF
    # dbl-2001-b for a = -3.
    delta = z1 * z1 % P
    gamma = y1 * y1 % P
    beta = x1 * gamma % P
    alpha = 3 * (x1 - delta) * (x1 + delta) % P
    x3 = (alpha * alpha - 8 * beta) % P
    z3 = ((y1 + z1) * (y1 + z1) - gamma - delta) % P
    y3 = (alpha * (4 * beta - x3) - 8 * gamma * gamma) % P
    return (x3, y3, z3)


def _jadd(p1: tuple[int, int, int], p2: tuple[int, int, int]) -> tuple[int, int, int]:
    x1, y1, z1 = p1
    x2, y2, z2 = p2
    if z1 == 0:
        return p2
    if z2 == 0:
        return p1
    z1z1 = z1 * z1 % P
    z2z2 = z2 * z2 % P
    u1 = x1 * z2z2 % P
    u2 = x2 * z1z1 % P
    s1 = y1 * z2 * z2z2 % P
    s2 = y2 * z1 * z1z1 % P
    if u1 == u2:
        if s1 != s2:
            return _INF
        return _jdouble(p1)
    h = (u2 - u1) % P
    r = (s2 - s1) % P
    hh = h * h % P
    hhh = h * hh % P
    v = u1 * hh % P
    x3 = (r * r - hhh - 2 * v) % P
    y3 = (r * (v - x3) - s1 * hhh) % P
    z3 = z1 * z2 * h % P
    return (x3, y3, z3)


def _affine_x(pt: tuple[int, int, int]) -> int | None:
    x, _y, z = pt
    if z == 0:
        return None
    zinv = pow(z, -1, P)
    return x * zinv * zinv % P


def _double_scalar_mult(
    u1: int, g: tuple[int, int, int], u2: int, q: tuple[int, int, int]
) -> tuple[int, int, int]:
    """u1*G + u2*Q with Shamir's trick (one shared doubling chain)."""
    gq = _jadd(g, q)
    table = {(1, 0): g, (0, 1): q, (1, 1): gq}
    acc = _INF
    for i in range(max(u1.bit_length(), u2.bit_length()) - 1, -1, -1):
        acc = _jdouble(acc)
        bits = ((u1 >> i) & 1, (u2 >> i) & 1)
        if bits != (0, 0):
            acc = _jadd(acc, table[bits])
    return acc


class EcPublicKey:
    __slots__ = ("x", "y")

    def __init__(self, x: int, y: int) -> None:
        if not (0 <= x < P and 0 <= y < P):
            raise InvalidKey("EC coordinates out of range")
        if not _on_curve(x, y):
            raise InvalidKey("EC point is not on the P-256 curve")
        # P-256 has cofactor 1, so any affine point on the curve is in the prime subgroup.
        self.x = x
        self.y = y


def ecdsa_p256_sha256_verify(key: EcPublicKey, message: bytes, signature: bytes) -> bool:
    """ECDSA P-256 / SHA-256 verification of a JWS signature (raw 64-byte r||s)."""
    if len(signature) != 64:
        return False
    r = int.from_bytes(signature[:32], "big")
    s = int.from_bytes(signature[32:], "big")
    if not (1 <= r < N and 1 <= s < N):
        return False
    e = int.from_bytes(hashlib.sha256(message).digest(), "big")
    w = pow(s, -1, N)
    u1 = e * w % N
    u2 = r * w % N
    point = _double_scalar_mult(u1, (GX, GY, 1), u2, (key.x, key.y, 1))
    x = _affine_x(point)
    if x is None:
        return False
    return x % N == r
