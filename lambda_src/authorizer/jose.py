"""Strict JWS/JWT parsing and verification (compact serialisation, RS256 and ES256).

Only asymmetric algorithms exist here: there is no code path for ``none`` or HMAC, so
a token cannot talk the verifier into treating a public key as an HMAC secret. The
algorithm named in the header must be in the configured allow-list *and* match the
type of the key selected by ``kid``.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from authorizer import strictjson
from authorizer.signatures import (
    EcPublicKey,
    InvalidKey,
    RsaPublicKey,
    ecdsa_p256_sha256_verify,
    rsa_pkcs1v15_sha256_verify,
)

SUPPORTED_ALGORITHMS = frozenset({"RS256", "ES256"})
MAX_TOKEN_BYTES = 8192
MAX_HEADER_BYTES = 1024
# Latest accepted exp/nbf/iat: 9999-12-31T23:59:59Z. Earliest: 0 (1970-01-01).
MAX_NUMERIC_DATE = 253_402_300_799
_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")
_ALLOWED_TYP = frozenset({"jwt", "at+jwt", "application/jwt", "application/at+jwt"})


class TokenInvalid(Exception):
    """The token is malformed, badly signed or its claims are not acceptable.

    The message is a short reason for logs; it never contains the token.
    """


def b64url_decode(segment: str) -> bytes:
    """Decode unpadded base64url strictly (RFC 7515, section 2)."""
    if not _B64URL.match(segment) or len(segment) % 4 == 1:
        raise TokenInvalid("segment is not base64url")
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError) as exc:
        raise TokenInvalid("segment is not base64url") from exc
    # Reject non-canonical encodings (trailing bits set), so one token has one spelling.
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode() != segment:
        raise TokenInvalid("segment is not canonical base64url")
    return raw


def parse_json_object(raw: bytes, what: str) -> dict[str, Any]:
    try:
        value = strictjson.loads(raw)
    except strictjson.JsonRejected as exc:
        raise TokenInvalid(f"{what} is not acceptable JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise TokenInvalid(f"{what} is not a JSON object")
    return value


def _b64_int(value: object, what: str, size: int | None = None) -> int:
    if not isinstance(value, str) or not value:
        raise InvalidKey(f"JWK member {what} missing")
    try:
        raw = b64url_decode(value)
    except TokenInvalid as exc:
        raise InvalidKey(f"JWK member {what} is not base64url") from exc
    if size is not None and len(raw) != size:
        raise InvalidKey(f"JWK member {what} must be {size} bytes")
    return int.from_bytes(raw, "big")


@dataclass(frozen=True)
class Jwk:
    kid: str
    alg: str  # the JWS algorithm this key verifies
    key: RsaPublicKey | EcPublicKey


def parse_jwk(obj: Mapping[str, Any]) -> Jwk:
    """Turn one JWKS entry into a verification key; raises InvalidKey if unusable."""
    kid = obj.get("kid")
    if not isinstance(kid, str) or not kid:
        raise InvalidKey("JWK without kid")
    use = obj.get("use")
    if use is not None and use != "sig":
        raise InvalidKey("JWK is not a signature key")
    kty = obj.get("kty")
    if kty == "RSA":
        alg = "RS256"
        key: RsaPublicKey | EcPublicKey = RsaPublicKey(
            _b64_int(obj.get("n"), "n"), _b64_int(obj.get("e"), "e")
        )
    elif kty == "EC":
        if obj.get("crv") != "P-256":
            raise InvalidKey("EC JWK must use P-256")
        alg = "ES256"
        key = EcPublicKey(_b64_int(obj.get("x"), "x", 32), _b64_int(obj.get("y"), "y", 32))
    else:
        raise InvalidKey(f"unsupported JWK kty {kty!r:.40}")
    declared = obj.get("alg")
    if declared is not None and declared != alg:
        raise InvalidKey(f"JWK alg {declared!r:.40} does not match its key type")
    return Jwk(kid=kid, alg=alg, key=key)


@dataclass(frozen=True)
class UnverifiedToken:
    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes

    @property
    def kid(self) -> str:
        return self.header["kid"]

    @property
    def alg(self) -> str:
        return self.header["alg"]


def looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2 and token.startswith("eyJ")


def decode_unverified(token: str, allowed_algorithms: frozenset[str]) -> UnverifiedToken:
    """Split and decode a compact JWS, checking its structure and header only."""
    if len(token) > MAX_TOKEN_BYTES:
        raise TokenInvalid("token too large")
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise TokenInvalid("token must have three non-empty segments")
    h64, p64, s64 = parts
    if len(h64) > MAX_HEADER_BYTES:
        raise TokenInvalid("header too large")
    header = parse_json_object(b64url_decode(h64), "header")
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in SUPPORTED_ALGORITHMS or alg not in allowed_algorithms:
        raise TokenInvalid(f"algorithm {alg!r:.40} not allowed")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid or len(kid) > 256:
        raise TokenInvalid("kid missing")
    if "crit" in header:
        raise TokenInvalid("critical header extensions are not supported")
    if "jku" in header or "x5u" in header or "jwk" in header or "x5c" in header:
        raise TokenInvalid("embedded or remote keys in the header are not accepted")
    typ = header.get("typ")
    if typ is not None and (not isinstance(typ, str) or typ.lower() not in _ALLOWED_TYP):
        raise TokenInvalid("unexpected typ")
    payload = parse_json_object(b64url_decode(p64), "payload")
    signature = b64url_decode(s64)
    return UnverifiedToken(header, payload, f"{h64}.{p64}".encode("ascii"), signature)


def verify_signature(token: UnverifiedToken, jwk: Jwk) -> None:
    if jwk.alg != token.alg:
        raise TokenInvalid("token algorithm does not match the key")
    if isinstance(jwk.key, RsaPublicKey):
        ok = rsa_pkcs1v15_sha256_verify(jwk.key, token.signing_input, token.signature)
    else:
        ok = ecdsa_p256_sha256_verify(jwk.key, token.signing_input, token.signature)
    if not ok:
        raise TokenInvalid("bad signature")


def _time_claim(claims: Mapping[str, Any], name: str, required: bool) -> float | None:
    """A NumericDate (RFC 7519, section 2) within 0..MAX_NUMERIC_DATE, or None if absent."""
    value = claims.get(name)
    if value is None:
        if required:
            raise TokenInvalid(f"claim {name} missing")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TokenInvalid(f"claim {name} is not a number")
    # Compared before any float(): a huge int would overflow, NaN fails every comparison.
    if not 0 <= value <= MAX_NUMERIC_DATE:
        raise TokenInvalid(f"claim {name} is out of range")
    return float(value)


def check_claims(
    claims: Mapping[str, Any],
    *,
    issuer: str,
    audiences: frozenset[str],
    audience_claim: str,
    now: float,
    leeway: float,
) -> None:
    """Validate iss, aud (or the configured audience claim), exp, nbf and iat.

    With leeway L the token is valid while ``now < exp + L`` (RFC 7519, 4.1.4: the
    current time must be *before* exp), from ``now + L >= nbf`` (4.1.5: at or after
    nbf), and refused when ``iat > now + L`` (issued in the future).
    """
    if claims.get("iss") != issuer:
        raise TokenInvalid("wrong issuer")
    aud = claims.get(audience_claim)
    values = aud if isinstance(aud, list) else [aud]
    if not any(isinstance(v, str) and v in audiences for v in values):
        raise TokenInvalid("wrong audience")
    exp = _time_claim(claims, "exp", required=True)
    nbf = _time_claim(claims, "nbf", required=False)
    iat = _time_claim(claims, "iat", required=True)
    if exp is not None and now >= exp + leeway:
        raise TokenInvalid("token expired")
    if nbf is not None and now + leeway < nbf:
        raise TokenInvalid("token not yet valid")
    if iat is not None and now + leeway < iat:
        raise TokenInvalid("token issued in the future")
